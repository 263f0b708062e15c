/* Search worker: Material's worker protocol (SETUP 0, READY 1, QUERY 2, RESULT 3) over search-engine.js.
 * search-bridge.js starts it and routes Material's messages to it; see reportsite/search.py. */
importScripts("search-engine.js");

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
    index = self.ReportSearch.create({ docs: message.data.docs, options: message.data.options });
    postMessage({ type: 1 });
  } else if (message.type === 2) {
    if (pending === null) setTimeout(answer, 0);
    pending = String(message.data || "");
  }
});
