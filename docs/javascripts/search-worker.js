/* Search worker: Material's worker protocol (SETUP 0, READY 1, QUERY 2, RESULT 3) over search-engine.js.
 * search-bridge.js starts it and routes Material's messages to it; see reportsite/search.py.
 *
 * lunr 2.3.9 (MIT, vendor/lunr-LICENSE), vendored unmodified from the npm package lunr@2.3.9 (its
 * lunr.min.js), the version Material for MkDocs bundles. To upgrade: npm pack lunr@<version>, copy
 * lunr.min.js to vendor/lunr-<version>.min.js and change the name below.
 *
 * search-bridge.js starts this worker only when a reader wants search, with Material's SETUP message and
 * the URL of the sections (search/sections.json). The worker fetches them and builds the lunr index, once
 * per visit (instant navigation keeps the worker), off the page's main thread, before READY: 0.5-1 s in
 * headless Chromium on a busy two-core machine for the site's ~160 sections (1.1 MB), somewhat less than
 * Material's own lunr setup takes for the same index. A failure is thrown as an error event, on which
 * the bridge falls back to Material's own worker. */
importScripts("vendor/lunr-2.3.9.min.js", "search-engine.js");

var index = null;
var pending = null;   // the latest query not yet answered: queries typed faster than answered are skipped

function answer() {
  var query = pending, data = { items: [] };
  pending = null;
  try {
    if (index) data = index.search(query);
  } catch (err) {
    console.warn("Search failed for " + JSON.stringify(query), err);
  }
  data.query = query;   // ignored by Material; search-bridge.js records it
  postMessage({ type: 3, data: data });
}

addEventListener("message", function (ev) {
  var message = ev.data || {};
  if (message.type === 0) {
    var options = message.data.options;
    var docs = message.data.sections
      ? fetch(message.data.sections).then(function (response) {
          if (!response.ok) throw new Error(response.status + " " + response.url);
          return response.json();
        }).then(function (data) { return data.docs; })
      : Promise.resolve(message.data.docs);
    docs.then(function (docs) {
      index = self.ReportSearch.create({ docs: docs, options: options });
      index.build();
      postMessage({ type: 1 });
    }).catch(function (err) {
      setTimeout(function () { throw err; });   // an error event on the Worker object in the page
    });
  } else if (message.type === 2) {
    if (pending === null) setTimeout(answer, 0);
    pending = String(message.data || "");
  }
});
