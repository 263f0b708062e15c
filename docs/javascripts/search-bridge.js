/* Search bridge: Material's search interface, the site's own search engine behind it.
 *
 * 1. Material's bundle starts its lunr worker and, once the index is fetched, sends it a SETUP message
 *    carrying search/search_index.json. When that index was written by reportsite/search.py
 *    (config.engine === "reportsite"), this script starts search-worker.js instead and relays
 *    every message between Material's worker object and it: Material keeps rendering results,
 *    suggestions, highlighting and keyboard navigation unchanged. If search-worker.js fails to
 *    load, the SETUP message goes to Material's own worker, which can read the same index.
 *    (The worker URL is fixed in Material's __config, which only a full base.html block
 *    override could change; relaying keeps the override-free template.)
 * 2. Material searches on keyup only, so text that arrives without a key press (paste, drag and
 *    drop, autofill, an IME committing Chinese) showed "Type to start searching". Every input
 *    event on the search field is turned into the keyup Material listens to.
 */
(function () {
  "use strict";
  if (window.__reportSearchBridge) return;   // instant navigation may evaluate the script again
  window.__reportSearchBridge = true;

  var script = document.currentScript;
  var workerUrl = new URL("search-worker.js", script ? script.src : location.href).href;
  var SETUP = 0;
  var post = Worker.prototype.postMessage;
  var routes = new WeakMap();   // Material's worker -> ours

  function relay(material, setup) {
    var own;
    try {
      own = new Worker(workerUrl);
    } catch (err) {
      return null;
    }
    own.addEventListener("message", function (ev) {
      material.dispatchEvent(new MessageEvent("message", { data: ev.data }));
      // The query the results on screen answer (Material has rendered them by now): for tests.
      if (ev.data && ev.data.type === 3 && ev.data.data)
        document.documentElement.setAttribute("data-search-answered", ev.data.data.query || "");
    });
    own.addEventListener("error", function (ev) {
      if (routes.get(material) !== own) return;
      ev.preventDefault();
      console.warn("search-worker.js failed; falling back to Material's search worker");
      routes.delete(material);
      post.call(material, setup);
    });
    return own;
  }

  Worker.prototype.postMessage = function (message) {
    var own = routes.get(this);
    if (!own && message && message.type === SETUP && message.data && message.data.config &&
        message.data.config.engine === "reportsite") {
      own = relay(this, message);
      if (own) routes.set(this, own);
    }
    if (own) return post.call(own, message);
    return post.apply(this, arguments);
  };

  function search(ev) {
    var el = ev.target;
    if (!(el instanceof HTMLInputElement) || !el.matches("[data-md-component=search-query]")) return;
    if (ev.isComposing) return;   // the IME is still composing; compositionend follows
    el.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  }
  document.addEventListener("input", search, true);
  document.addEventListener("compositionend", search, true);
})();
