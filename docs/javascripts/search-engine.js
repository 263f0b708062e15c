/* Site search: index, query segmentation and ranking behind Material's search interface.
 *
 * Loaded by search-worker.js (and by the browser tests). The index is written by reportsite/search.py:
 * Material's {config, docs: [{location, title, text}]} shape, plain text, Chinese already cut by jieba
 * with one space between tokens. See that module's docstring for the design; in short:
 *
 *  - tokens: a Han run (one jieba token, as the index ships it) or a run of letters and digits;
 *    English words are lower-cased and lose plural and possessive endings;
 *  - Chinese in a query is cut by greedy longest match over the vocabulary of Han tokens in the index
 *    (segment), so a term the index holds as one token is searched as that token;
 *  - ranking: BM25 per section with titles weighted; a page scores the sum, over query words, of its
 *    best section's score for the word, times the square of the share of query words it contains, so
 *    pages with most of the words come first and a multi-word query never comes back empty just
 *    because no page has every word; a query found as a phrase scores higher;
 *  - results keep Material's format ({items: [[article, ...sections]], suggest}), with the snippet
 *    taken around the matches instead of the start of the section.
 */
(function (root) {
  "use strict";

  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";   // the ranges reportsite/search.py uses
  var HAN_CHAR = new RegExp("[" + HAN + "]");
  var TOKEN = new RegExp("[" + HAN + "]+|(?:(?![" + HAN + "])[\\p{L}\\p{N}\\p{M}])+(?:['\u2019](?:(?![" + HAN + "])[\\p{L}\\p{N}])+)*", "gu");
  var HAN_GAP = new RegExp("([" + HAN + "]) (?=[" + HAN + "])", "g");
  var STOP = new Set(("a an and are as at be but by for from has have in into is it its of on or that the their " +
    "this to was were which with what who how why when where does do vs").split(" "));
  var K1 = 1.2, B = 0.5, TITLE_WEIGHT = 2.5, SNIPPET = 240;

  function unescapeHTML(value) {
    return value.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&#x27;/g, "'")
      .replace(/&amp;/g, "&");
  }

  function escapeHTML(value) {
    return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  /* An English word as indexed: lower case, no accents, no possessive or plural ending. */
  function normalize(word) {
    var w = word.toLowerCase();
    if (HAN_CHAR.test(w)) return w;
    w = w.normalize("NFKD").replace(/\p{M}/gu, "").replace(/['\u2019]s$/, "").replace(/['\u2019]/g, "");
    if (w.length > 4 && /ies$/.test(w)) return w.slice(0, -3) + "y";
    if (w.length > 4 && /(sses|xes|ches|shes)$/.test(w)) return w.slice(0, -2);
    if (w.length > 3 && /s$/.test(w) && !/(ss|us|is)$/.test(w)) return w.slice(0, -1);
    return w;
  }

  /* Tokens of index text: [{token, start, end}]; Han runs are split at the index's spaces by TOKEN itself. */
  function tokens(text, fn) {
    TOKEN.lastIndex = 0;
    for (var m; (m = TOKEN.exec(text));) fn(normalize(m[0]), m.index, m.index + m[0].length, m[0]);
  }

  /* Greedy longest match of a Han run over the vocabulary (reportsite.search.segment_query). */
  function segment(run, vocab, maxLen) {
    var out = [];
    for (var i = 0; i < run.length;) {
      for (var j = Math.min(run.length, i + maxLen); j > i; j--) {
        if (j - i === 1 || vocab.has(run.slice(i, j))) { out.push(run.slice(i, j)); i = j; break; }
      }
    }
    return out;
  }

  function Index(data) {
    var docs = this.docs = [];
    var postings = this.postings = new Map();   // token -> Map(doc -> [title tf, text tf])
    var pages = this.pages = new Map();         // page location -> [doc indexes]
    var titleWords = this.titleWords = new Map();
    var totalTitle = 0, totalText = 0;
    this.options = data.options || {};
    (data.docs || []).forEach(function (entry, n) {
      var page = entry.location.split("#")[0];
      var title = unescapeHTML(entry.title || ""), text = unescapeHTML(entry.text || "");
      var doc = {
        n: n, location: entry.location, page: page, boost: entry.boost || 1,
        title: title.replace(HAN_GAP, "$1"), text: text.replace(HAN_GAP, "$1"),
        titleLength: 0, textLength: 0
      };
      doc.compact = (doc.title + " " + doc.text).toLowerCase();
      [[title, 0], [text, 1]].forEach(function (field) {
        tokens(field[0], function (token, start, end, raw) {
          var list = postings.get(token);
          if (!list) postings.set(token, list = new Map());
          var tf = list.get(n);
          if (!tf) list.set(n, tf = [0, 0]);
          tf[field[1]]++;
          if (field[1]) doc.textLength++; else {
            doc.titleLength++;
            if (!HAN_CHAR.test(raw) && raw.length > 2) titleWords.set(raw.toLowerCase(), (titleWords.get(raw.toLowerCase()) || 0) + 1);
          }
        });
      });
      totalTitle += doc.titleLength; totalText += doc.textLength;
      docs.push(doc);
      if (!pages.has(page)) pages.set(page, []);
      pages.get(page).push(n);
    });
    this.avgTitle = Math.max(1, totalTitle / Math.max(1, docs.length));
    this.avgText = Math.max(1, totalText / Math.max(1, docs.length));
    var han = this.han = [], latin = this.latin = [];
    this.maxHan = 1;
    postings.forEach(function (list, token) {
      if (HAN_CHAR.test(token)) { han.push(token); if (token.length > this.maxHan) this.maxHan = token.length; }
      else latin.push(token);
    }, this);
    this.vocab = new Set(han);
  }

  Index.prototype.idf = function (token) {
    var list = this.postings.get(token), n = this.docs.length, df = list ? list.size : 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  };

  Index.prototype.segment = function (run) {
    return segment(run, this.vocab, this.maxHan);
  };

  /* The query's terms: [{key, surface, han, expansions: [[token, weight]]}], phrases and prohibited keys. */
  Index.prototype.parse = function (query) {
    var self = this, terms = [], seen = new Set(), phrases = [], prohibited = [];
    var typing = !/\s$/.test(query);
    var words = query.replace(/["\u201c\u201d]/g, " ").trim().split(/\s+/);
    var latinPhrase = [];
    words.forEach(function (word, w) {
      var not = /^-./.test(word);
      word = word.replace(/^[+\-]+/, "");
      TOKEN.lastIndex = 0;
      var found = [], m;
      while ((m = TOKEN.exec(word))) found.push(m[0]);
      found.forEach(function (raw, f) {
        var last = typing && w === words.length - 1 && f === found.length - 1;
        if (HAN_CHAR.test(raw)) {
          if (raw.length > 1) phrases.push(raw);
          self.segment(raw).forEach(function (piece) { add(piece, piece, true, last, not, raw.length === 1); });
        } else {
          var key = normalize(raw);
          latinPhrase.push(raw.toLowerCase());
          if (STOP.has(raw.toLowerCase()) && !not) return;
          add(key, raw.toLowerCase(), false, last, not, false);
        }
      });
    });
    if (latinPhrase.length > 1) phrases.push(latinPhrase.join(" "));

    function add(key, surface, han, last, not, single) {
      if (seen.has(key)) return;
      seen.add(key);
      var expansions = [];
      if (self.postings.has(key)) expansions.push([key, 1]);
      if (han) {
        if (key.length > 1 || single)
          self.han.forEach(function (token) {
            // A longer token containing the term (韧性 in 联盟韧性), or - for a compound the index
            // may hold in parts (美欧贸易和技术委员会 written 美国—欧盟贸易和技术委员会) - a word
            // inside it, as jieba's search mode (cut_for_search) would add; both weigh less.
            if (token === key) return;
            if (token.indexOf(key) >= 0) expansions.push([token, 0.6 * key.length / token.length + 0.2]);
            else if (key.length > 2 && token.length > 1 && key.indexOf(token) >= 0) expansions.push([token, 0.5 * token.length / key.length]);
          });
      } else if (key.length >= 3) {
        var prefix = surface.replace(/['\u2019]s?$/, "");
        self.latin.forEach(function (token) {
          if (token !== key && token.indexOf(prefix) === 0) expansions.push([token, last ? 0.8 : 0.35]);
        });
      }
      expansions.sort(function (a, b) { return b[1] - a[1]; });
      expansions = expansions.slice(0, 60);
      (not ? prohibited : terms).push({ key: key, surface: surface, han: han, expansions: expansions });
    }
    return { terms: terms, phrases: phrases, prohibited: prohibited };
  };

  /* Score of every section for every term: Map(doc -> Map(term index -> [score, token set])). */
  Index.prototype.score = function (terms) {
    var self = this, scores = new Map();
    terms.forEach(function (term, t) {
      term.expansions.forEach(function (expansion) {
        var token = expansion[0], weight = expansion[1] * self.idf(token);
        self.postings.get(token).forEach(function (tf, n) {
          var doc = self.docs[n];
          var text = tf[1] * (K1 + 1) / (tf[1] + K1 * (1 - B + B * doc.textLength / self.avgText));
          var title = tf[0] * (K1 + 1) / (tf[0] + K1 * (1 - B + B * doc.titleLength / self.avgTitle));
          var value = weight * (text + TITLE_WEIGHT * title) * doc.boost;
          var perDoc = scores.get(n);
          if (!perDoc) scores.set(n, perDoc = new Map());
          var cell = perDoc.get(t);
          if (!cell) perDoc.set(t, cell = [0, new Set()]);
          if (value > cell[0]) cell[0] = value;
          cell[1].add(token);
        });
      });
    });
    return scores;
  };

  Index.prototype.search = function (query) {
    var self = this, parsed = this.parse(query || ""), terms = parsed.terms;
    if (!terms.length) return { items: [] };
    var scores = this.score(terms);
    var excluded = new Set();
    if (parsed.prohibited.length)
      this.score(parsed.prohibited).forEach(function (_, n) { excluded.add(self.docs[n].page); });

    var results = [];
    this.pages.forEach(function (members, page) {
      if (excluded.has(page)) return;
      var best = terms.map(function () { return 0; }), extra = terms.map(function () { return 0; });
      var sections = [];
      members.forEach(function (n) {
        var perDoc = scores.get(n), doc = self.docs[n], value = 0, matched = 0;
        if (perDoc) perDoc.forEach(function (cell, t) {
          value += cell[0]; matched++;
          if (cell[0] > best[t]) { extra[t] += best[t]; best[t] = cell[0]; } else extra[t] += cell[0];
        });
        var phrase = parsed.phrases.filter(function (p) { return doc.compact.indexOf(p) >= 0; }).length;
        if (phrase) value = (value || 1) * (1 + phrase);
        if (value > 0) sections.push({ n: n, value: value * Math.pow((matched || 1) / terms.length, 2), phrase: phrase });
      });
      if (!sections.length) return;
      var covered = 0, total = 0;
      terms.forEach(function (_, t) {
        if (best[t] > 0) covered++;
        total += best[t] + Math.min(best[t], 0.25 * extra[t]);
      });
      var phrases = parsed.phrases.filter(function (p) {
        return members.some(function (n) { return self.docs[n].compact.indexOf(p) >= 0; });
      }).length;
      if (!covered && !phrases) return;
      var score = (total || 1) * Math.pow(Math.max(covered, phrases ? terms.length : 0) / terms.length, 2) * (1 + 0.5 * phrases);
      results.push({ page: page, members: members, sections: sections, score: score });
    });
    results.sort(function (a, b) { return b.score - a.score; });

    var items = results.map(function (result) { return self.group(result, parsed); });
    var out = { items: items };
    if (this.options.suggest) out.suggest = this.suggest(query);
    return out;
  };

  /* One page's items in the order Material's result template expects. */
  Index.prototype.group = function (result, parsed) {
    var self = this, sections = result.sections.slice().sort(function (a, b) { return b.value - a.value; });
    var top = sections[0].value, score = result.score, article = result.members[0];
    var best = [], rest = [], articleItem = null;
    sections.forEach(function (section, i) {
      var strong = section.value >= 0.5 * top && best.length < 3;
      var item = self.item(section.n, parsed, strong ? score : score * 0.5 * section.value / top, true);
      if (section.n === article) articleItem = item;
      else (strong ? best : rest).push(item);
    });
    if (!articleItem) articleItem = this.item(article, parsed, 0, false);
    var head = sections[0].n === article ? [articleItem].concat(best) : best.concat([articleItem]);
    return head.concat(rest);
  };

  Index.prototype.item = function (n, parsed, score, teaser) {
    var doc = this.docs[n], terms = {}, keys = new Set();
    parsed.terms.forEach(function (term) {
      var hit = term.expansions.some(function (e) {
        var tf = this.postings.get(e[0]).get(n);
        if (tf) keys.add(e[0]);
        return !!tf;
      }, this);
      terms[term.surface] = hit;
    }, this);
    return {
      location: doc.location,
      title: highlight(doc.title, keys, parsed.phrases, false),
      text: teaser ? "<p>" + highlight(doc.text, keys, parsed.phrases, true) + "</p>" : "",
      score: score,
      terms: terms
    };
  };

  /* Completion for the last word typed (Material shows it greyed out; Right arrow accepts it). */
  Index.prototype.suggest = function (query) {
    var last = (query.match(/([^\s\-]+)$/) || [])[1];
    if (!last || HAN_CHAR.test(last) || last.length < 2) return [];
    last = last.toLowerCase();
    var word = "", count = 0;
    this.titleWords.forEach(function (c, w) {
      if (w.length > last.length && w.indexOf(last) === 0 && c > count) { word = w; count = c; }
    });
    return word ? [word] : [];
  };

  /* Where the matched tokens occur in a text: [[start, end, key]], found with indexOf (no tokenizing). */
  function occurrences(text, keys, phrases) {
    var lower = text.toLowerCase(), ranges = [], WORD = /[\p{L}\p{N}\p{M}'\u2019]/u;
    keys.forEach(function (key) {
      var han = HAN_CHAR.test(key), probe = han ? key : key.slice(0, Math.max(3, key.length - 1));
      for (var i = lower.indexOf(probe), found = 0; i >= 0 && found < 200; i = lower.indexOf(probe, i + probe.length)) {
        if (han) { ranges.push([i, i + key.length, key]); found++; continue; }
        if (i > 0 && WORD.test(lower[i - 1]) && !HAN_CHAR.test(lower[i - 1])) continue;
        var end = i + probe.length;
        while (end < lower.length && WORD.test(lower[end]) && !HAN_CHAR.test(lower[end])) end++;
        if (normalize(lower.slice(i, end)) === key) { ranges.push([i, end, key]); found++; }
      }
    });
    phrases.forEach(function (p) {
      for (var i = lower.indexOf(p); i >= 0; i = lower.indexOf(p, i + p.length)) ranges.push([i, i + p.length, p]);
    });
    return ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
  }

  /* Escaped text, or a window of it around the densest matches, with <mark> on every match. */
  function highlight(text, keys, phrases, window) {
    var ranges = occurrences(text, keys, phrases);
    var from = 0, to = text.length;
    if (window && text.length > SNIPPET) {
      var bestStart = 0, bestCount = -1;
      for (var r = 0; r < ranges.length; r++) {
        var distinct = new Set();
        for (var s = r; s < ranges.length && ranges[s][0] < ranges[r][0] + SNIPPET * 0.6; s++) distinct.add(ranges[s][2]);
        if (distinct.size > bestCount) { bestCount = distinct.size; bestStart = ranges[r][0]; }
      }
      from = Math.max(0, bestStart - 40);
      if (from > 0) {
        var space = text.lastIndexOf(" ", bestStart - 1);
        if (space > from - 20 && space < bestStart) from = space + 1;
      }
      to = Math.min(text.length, from + SNIPPET);
    }
    var out = from > 0 ? "\u2026 " : "", at = from;
    ranges.forEach(function (range) {
      if (range[0] < at || range[1] > to) return;
      out += escapeHTML(text.slice(at, range[0])) + "<mark>" + escapeHTML(text.slice(range[0], range[1])) + "</mark>";
      at = range[1];
    });
    out += escapeHTML(text.slice(at, to)) + (to < text.length ? " \u2026" : "");
    return out;
  }

  root.ReportSearch = {
    Index: Index,
    segment: segment,
    normalize: normalize,
    create: function (data) { return new Index(data); }
  };
})(typeof self !== "undefined" ? self : this);
