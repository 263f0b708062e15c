// Arriving at a reader page from a citation of a paragraph range
// (…/sources/key/?hl=12-14#p-12) highlights every cited paragraph. Without
// JavaScript the :target rule still highlights the first one.
document$.subscribe(function () {
  var range = new URLSearchParams(window.location.search).get("hl");
  var match = range && /^(\d+)-(\d+)$/.exec(range);
  if (!match) return;
  for (var n = Number(match[1]); n <= Number(match[2]); n++) {
    var paragraph = document.getElementById("p-" + n);
    if (paragraph) paragraph.classList.add("src-para--highlight");
  }
});
