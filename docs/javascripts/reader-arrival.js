// Arriving at a reader page.
//
// From a citation of a paragraph range (…/sources/key/?hl=12-14#p-12): every cited paragraph is
// highlighted. Without JavaScript the :target rule still highlights the first one.
//
// Back, Forward or a reload: Material's instant navigation fetches the page afresh and scrolls to the
// offset it recorded there (history.state.y). A reader page lays out only the paragraphs near the
// viewport (site.css); in the fresh page those far away hold estimated heights, so the recorded offset
// pointed somewhere else, up to 9,000 px from where the reader had been (phone, paragraph 40). The offset
// was taken in a page laid out where the reader had read or jumped, so the whole text is laid out
// (.src-restored) and the offset applied again. Material also fetches the page afresh on its first
// same-page navigation that is not a click it handles (a fragment typed into the address bar), and
// restores the offset then too.
document$.subscribe(function () {
  var range = new URLSearchParams(window.location.search).get("hl");
  var match = range && /^(\d+)-(\d+)$/.exec(range);
  if (match) {
    for (var n = Number(match[1]); n <= Number(match[2]); n++) {
      var paragraph = document.getElementById("p-" + n);
      if (paragraph) paragraph.classList.add("src-para--highlight");
    }
  }

  var content = document.querySelector(".md-content");
  var offset = history.state;
  if (!content || !document.querySelector(".src-body") || !offset || !offset.y) return;
  content.classList.add("src-restored");
  window.scrollTo(offset.x || 0, offset.y);
});
