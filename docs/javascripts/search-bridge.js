/* Search bridge: Material's search interface, the site's own search engine behind it.
 *
 * 1. Material's bundle starts its lunr worker and, once it has fetched search/search_index.json,
 *    sends the worker a SETUP message with it. When that file was written by reportsite/search.py
 *    (config.engine === "reportsite") it is a stub: the sections are in search/sections.json. This
 *    script keeps the SETUP message and, only when a reader wants search (the search field gets
 *    focus, the search button is pointed at or tapped, or the page opens with ?q=), starts
 *    search-worker.js, which fetches the sections and builds its index off the main thread. Every
 *    message between Material's worker object and ours is relayed: Material keeps rendering results,
 *    suggestions, highlighting and keyboard navigation unchanged, and shows "Initializing search"
 *    until our worker is ready, then sends the query typed meanwhile.
 *    If search-worker.js fails, this script fetches the sections itself and hands them to Material's
 *    own worker, which reads the same format. (The worker URL is fixed in Material's __config, which
 *    only a full base.html block override could change; relaying keeps the override-free template.)
 * 2. Material searches on keyup only, so text that arrives without a key press (paste, drag and
 *    drop, autofill, an IME committing Chinese) showed "Type to start searching". Every input
 *    event on the search field is turned into the keyup Material listens to.
 */
(function () {
  "use strict";
  if (window.__reportSearchBridge) return;   // instant navigation may evaluate the script again
  window.__reportSearchBridge = true;

  var script = document.currentScript;
  var base = script ? script.src : location.href;
  var workerUrl = new URL("search-worker.js", base).href;
  var searchDir = new URL("../search/", base).href;
  var SETUP = 0;
  var post = Worker.prototype.postMessage;
  var routes = new WeakMap();   // Material's worker -> ours
  var waiting = [];             // [Material's worker, its SETUP message] until search is wanted
  var wanted = false;

  // Material's SETUP message with some of its data replaced.
  function setupWith(setup, fields) {
    var data = {}, name;
    for (name in setup.data) data[name] = setup.data[name];
    for (name in fields) data[name] = fields[name];
    return { type: SETUP, data: data };
  }

  function fallBack(material, setup) {
    console.warn("search-worker.js failed; falling back to Material's search worker");
    routes.delete(material);
    fetch(new URL(setup.data.config.sections, searchDir))
      .then(function (response) { return response.json(); })
      .then(function (index) { post.call(material, setupWith(setup, { docs: index.docs })); })
      .catch(function (err) { console.error("Search index could not be loaded", err); });
  }

  function start(material, setup) {
    var own;
    try {
      own = new Worker(workerUrl);
    } catch (err) {
      fallBack(material, setup);
      return;
    }
    routes.set(material, own);
    own.addEventListener("message", function (ev) {
      material.dispatchEvent(new MessageEvent("message", { data: ev.data }));
      // The query the results on screen answer (Material has rendered them by now): for tests.
      if (ev.data && ev.data.type === 3 && ev.data.data)
        document.documentElement.setAttribute("data-search-answered", ev.data.data.query || "");
    });
    own.addEventListener("error", function (ev) {
      if (routes.get(material) !== own) return;
      ev.preventDefault();
      own.terminate();
      fallBack(material, setup);
    });
    post.call(own, setupWith(setup, { sections: new URL(setup.data.config.sections, searchDir).href }));
  }

  function want() {
    if (wanted) return;
    wanted = true;
    waiting.splice(0).forEach(function (pair) { start(pair[0], pair[1]); });
  }

  Worker.prototype.postMessage = function (message) {
    var own = routes.get(this);
    if (own) return post.call(own, message);
    if (message && message.type === SETUP && message.data && message.data.config &&
        message.data.config.engine === "reportsite" && message.data.config.sections) {
      var toggle = document.getElementById("__search");
      var query = document.querySelector("[data-md-component=search-query]");
      if (wanted || (toggle && toggle.checked) || (query && document.activeElement === query) ||
          new URLSearchParams(location.search).has("q")) {
        wanted = true;
        start(this, message);
      } else {
        waiting.push([this, message]);
      }
      return;
    }
    return post.apply(this, arguments);
  };

  // What says a reader wants search, before the first key press.
  function isSearchControl(el) {
    return el instanceof Element &&
      !!el.closest("[data-md-component=search-query], label[for='__search'], .md-search");
  }
  document.addEventListener("focusin", function (ev) { if (isSearchControl(ev.target)) want(); }, true);
  document.addEventListener("pointerover", function (ev) { if (isSearchControl(ev.target)) want(); }, true);
  document.addEventListener("pointerdown", function (ev) { if (isSearchControl(ev.target)) want(); }, true);
  document.addEventListener("change", function (ev) {
    if (ev.target && ev.target.id === "__search" && ev.target.checked) want();
  }, true);

  function search(ev) {
    var el = ev.target;
    if (!(el instanceof HTMLInputElement) || !el.matches("[data-md-component=search-query]")) return;
    if (ev.isComposing) return;   // the IME is still composing; compositionend follows
    el.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  }
  document.addEventListener("input", search, true);
  document.addEventListener("compositionend", search, true);
})();
