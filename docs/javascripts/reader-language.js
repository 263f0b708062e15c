// Remembers the reader's choice of 中文 / English / both on source pages. The
// choice itself is pure CSS (radio buttons), so without JavaScript the default,
// both languages, is shown and the buttons still work within the page.
document$.subscribe(function () {
  var stored = null;
  try { stored = window.localStorage.getItem("src-lang"); } catch (e) { /* storage blocked */ }
  var inputs = document.querySelectorAll('input[name="src-lang"]');
  inputs.forEach(function (input) {
    if (stored && input.value === stored) input.checked = true;
    input.addEventListener("change", function () {
      try { window.localStorage.setItem("src-lang", input.value); } catch (e) { /* storage blocked */ }
    });
  });
});
