/* Site search: lunr behind Material's search interface, with our Chinese query segmentation.
 *
 * Loaded by search-worker.js after the vendored lunr (vendor/lunr-<version>.min.js; the version is
 * recorded there). The index is written by reportsite/search.py: Material's {config, docs: [{location,
 * title, text}]} shape, plain text (HTML-escaped), Chinese already cut by jieba with one space between
 * tokens. See that module's docstring for the design. What is lunr's and what is ours:
 *
 *  - lunr (2.3.9, the version Material bundles) indexes the sections and ranks them: BM25 with the
 *    title boosted, English stemming (lunr.stemmer) and stop words (lunr.stopWordFilter), OR
 *    semantics with every word optional (so a multi-word query returns the pages holding some of its
 *    words), wildcard expansion (prefix of the word being typed; a Chinese term inside a longer
 *    token), prohibited words (-word), and the match positions that the snippets mark.
 *  - ours: lunr's tokenizer is replaced by one that takes a Han run between the index's spaces as one
 *    token (jieba's) and English words with their apostrophes (lunr's trimmer, which strips every
 *    non-ASCII character, is left out); lunr's stop-word filter and stemmer run on non-Han tokens only. A
 *    query's Chinese is cut by greedy longest match over the index's Han vocabulary (segment; the same
 *    algorithm as reportsite.search.segment_query), so a term the index holds as one token is searched
 *    as that token. Sections are grouped into pages in Material's result format, a page ranked by its
 *    best section's lunr score times the square of the share of the query's words found on the page.
 *
 * Why the lunr index is built here, at load time, and not prebuilt in Python: for the site's ~160
 * sections lunr builds it in the worker in 0.5-1 s (see search-worker.js); the Python port (lunr.py)
 * would add a build dependency that has to reproduce this tokenizer and pipeline exactly, and its
 * serialized index would be downloaded on top of search_index.json.
 */
(function (root) {
  "use strict";

  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";   // the ranges reportsite/search.py uses
  var HAN_CHAR = new RegExp("[" + HAN + "]");
  var TOKEN = new RegExp("[" + HAN + "]+|(?:(?![" + HAN + "])[\\p{L}\\p{N}\\p{M}])+(?:['\u2019](?:(?![" + HAN + "])[\\p{L}\\p{N}])+)*", "gu");
  // lunr's BM25 length normalisation (its default b is 0.75): long reader pages that use a term throughout
  // rank with short sections that mention it once. Tuned on data/search/evaluation.yaml (63/64 for b in
  // 0.2-0.4, 60/64 at 0.75); the title boost is insensitive between 2 and 10.
  var B = 0.3, TITLE_BOOST = 3, PREFIX_BOOST = 0.5, CONTAINS_BOOST = 0.3, SNIPPET = 240;

  function unescapeHTML(value) {
    return value.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&#x27;/g, "'")
      .replace(/&amp;/g, "&");
  }

  function escapeHTML(value) {
    return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  /* A word before lunr's pipeline: lower case, no accents, no possessive ending or apostrophe. */
  function normalize(word) {
    var w = word.toLowerCase();
    if (HAN_CHAR.test(w)) return w;
    return w.normalize("NFKD").replace(/\p{M}/gu, "").replace(/['\u2019]s$/, "").replace(/['\u2019]/g, "");
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

  /* lunr's tokenizer, replaced: Han tokens as the index ships them, English words; positions kept for snippets. */
  var normalized = new Map();
  function tokenizer(value, metadata) {
    if (value === null || value === undefined) return [];
    var text = String(value), out = [];
    TOKEN.lastIndex = 0;
    for (var m; (m = TOKEN.exec(text));) {
      var word = normalized.get(m[0]);
      if (word === undefined) normalized.set(m[0], word = normalize(m[0]));
      out.push(new lunr.Token(word, { fields: metadata.fields, position: [m.index, m[0].length] }));
    }
    return out;
  }

  var pipeline = null;   // lunr's stop-word filter and stemmer, for non-Han tokens only
  function latinOnly(fn, label) {
    var cache = new Map();   // word -> what fn makes of it ("" when dropped): the index repeats words
    var wrapped = function (token) {
      var word = token.toString(), result = cache.get(word);
      if (result === undefined) {
        var out = HAN_CHAR.test(word) ? token : fn(new lunr.Token(word));
        cache.set(word, result = out ? out.toString() : "");
      }
      if (!result) return undefined;
      return result === word ? token : token.update(function () { return result; });
    };
    lunr.Pipeline.registerFunction(wrapped, label);
    return wrapped;
  }
  function pipelineFunctions() {
    if (!pipeline) pipeline = [latinOnly(lunr.stopWordFilter, "reportStopWordFilter"), latinOnly(lunr.stemmer, "reportStemmer")];
    return pipeline;
  }

  function Index(data) {
    var docs = this.docs = [], pages = this.pages = new Map(), vocab = this.vocab = new Set();
    this.options = data.options || {};
    this.maxHan = 1;
    (data.docs || []).forEach(function (entry, n) {
      var page = entry.location.split("#")[0];
      var doc = { n: n, location: entry.location, page: page, boost: entry.boost || 1,
        title: unescapeHTML(entry.title || ""), text: unescapeHTML(entry.text || "") };
      [doc.title, doc.text].forEach(function (value) {
        (value.match(TOKEN) || []).forEach(function (token) {
          if (!HAN_CHAR.test(token)) return;
          vocab.add(token);
          if (token.length > this.maxHan) this.maxHan = token.length;
        }, this);
      }, this);
      docs.push(doc);
      if (!pages.has(page)) pages.set(page, []);
      pages.get(page).push(n);
    }, this);
    this.lunr = null;
  }

  Index.prototype.segment = function (run) {
    return segment(run, this.vocab, this.maxHan);
  };

  /* The lunr index (the worker builds it at load time; segment alone needs no lunr). */
  Index.prototype.build = function () {
    if (this.lunr) return this.lunr;
    var docs = this.docs, fns = pipelineFunctions();
    this.lunr = lunr(function () {
      this.tokenizer = tokenizer;
      this.pipeline.reset();
      this.searchPipeline.reset();
      this.pipeline.add(fns[0], fns[1]);
      this.searchPipeline.add(fns[0], fns[1]);
      this.metadataWhitelist = ["position"];
      this.b(B);
      this.ref("n");
      this.field("title", { boost: TITLE_BOOST });
      this.field("text");
      docs.forEach(function (doc) { this.add(doc, { boost: doc.boost }); }, this);
    });
    return this.lunr;
  };

  /* The query's words: [{surface, presence, clauses: [lunr clause], matches(token)}]. */
  Index.prototype.parse = function (query) {
    var self = this, words = [], seen = new Set();
    var typing = !/\s$/.test(query);
    var parts = query.replace(/["\u201c\u201d]/g, " ").trim().split(/\s+/);
    var run = function (term) { return self.lunr.pipeline.runString(term)[0]; };   // as indexed, or undefined
    parts.forEach(function (part, p) {
      var presence = /^-./.test(part) ? lunr.Query.presence.PROHIBITED
        : /^\+./.test(part) ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL;
      var found = part.replace(/^[+\-]+/, "").match(TOKEN) || [];
      found.forEach(function (raw, f) {
        var last = typing && p === parts.length - 1 && f === found.length - 1;
        if (HAN_CHAR.test(raw)) self.segment(raw).forEach(function (piece) {
          add(piece, piece, presence, piece.length > 1 || raw.length === 1, false);
        });
        else add(normalize(raw), raw.toLowerCase(), presence, false, last);
      });
    });

    function add(key, surface, presence, contains, last) {
      if (seen.has(key)) return;
      seen.add(key);
      var exact = run(key);
      if (exact === undefined) return;   // a stop word
      var clauses = [{ term: exact, presence: presence, usePipeline: false }], optional = lunr.Query.presence.OPTIONAL;
      // Lower weight: a longer token containing a Chinese term (韧性 in 联盟韧性); words that begin
      // with the English word being typed (lunr's trailing wildcard).
      if (contains && presence !== lunr.Query.presence.PROHIBITED)
        clauses.push({ term: key, presence: optional, usePipeline: false, boost: CONTAINS_BOOST,
          wildcard: lunr.Query.wildcard.LEADING | lunr.Query.wildcard.TRAILING });
      if (last && key.length >= 3 && presence !== lunr.Query.presence.PROHIBITED)
        clauses.push({ term: key, presence: optional, usePipeline: false, boost: PREFIX_BOOST,
          wildcard: lunr.Query.wildcard.TRAILING });
      words.push({
        surface: surface, presence: presence, clauses: clauses,
        matches: function (token) {
          return token === exact || (contains ? token.indexOf(key) >= 0 : last && key.length >= 3 && token.indexOf(key) === 0);
        }
      });
    }
    return words;
  };

  Index.prototype.search = function (query) {
    var self = this, index = this.build(), words = this.parse(query || "");
    var wanted = words.filter(function (w) { return w.presence !== lunr.Query.presence.PROHIBITED; });
    if (!wanted.length) return { items: [] };
    var results = index.query(function (q) {
      words.forEach(function (word) { word.clauses.forEach(function (clause) { q.term(clause.term, clause); }); });
    });

    // Sections grouped by page; a page ranks by its best section times the square of the share of
    // the query's words found anywhere on it.
    var byPage = new Map();
    results.forEach(function (result) {
      var doc = self.docs[+result.ref], tokens = Object.keys(result.matchData.metadata);
      var found = wanted.map(function (word) { return tokens.some(word.matches); });
      var entry = byPage.get(doc.page);
      if (!entry) byPage.set(doc.page, entry = { page: doc.page, sections: [], found: found.map(function () { return false; }) });
      entry.sections.push({ n: doc.n, score: result.score, metadata: result.matchData.metadata });
      found.forEach(function (hit, i) { if (hit) entry.found[i] = true; });
    });
    var pages = Array.from(byPage.values());
    pages.forEach(function (entry) {
      var share = entry.found.filter(Boolean).length / wanted.length;
      entry.score = entry.sections[0].score * share * share;
    });
    pages.sort(function (a, b) { return b.score - a.score; });

    var out = { items: pages.map(function (entry) { return self.group(entry, wanted); }) };
    if (this.options.suggest) out.suggest = this.suggest(query);
    return out;
  };

  /* One page's items in the order Material's result template expects: the article (with the terms the
   * page lacks, which Material lists as missing) among the best sections, then the rest. */
  Index.prototype.group = function (entry, words) {
    var self = this, sections = entry.sections, top = sections[0].score, article = this.pages.get(entry.page)[0];
    var terms = {};
    words.forEach(function (word, i) { terms[word.surface] = entry.found[i]; });
    var best = [], rest = [], articleItem = null;
    sections.forEach(function (section) {
      var strong = section.score >= 0.5 * top && best.length < 3;
      var item = self.item(section.n, section.metadata, strong ? entry.score : entry.score * 0.5 * section.score / top, terms);
      if (section.n === article) articleItem = item;
      else (strong ? best : rest).push(item);
    });
    if (!articleItem) articleItem = this.item(article, {}, 0, terms, true);
    var head = sections[0].n === article ? [articleItem].concat(best) : best.concat([articleItem]);
    return head.concat(rest);
  };

  Index.prototype.item = function (n, metadata, score, terms, bare) {
    var doc = this.docs[n], positions = { title: [], text: [] };
    Object.keys(metadata).forEach(function (token) {
      Object.keys(metadata[token]).forEach(function (field) {
        positions[field] = positions[field].concat(metadata[token][field].position || []);
      });
    });
    return {
      location: doc.location,
      title: highlight(doc.title, positions.title, false),
      text: bare ? "" : "<p>" + highlight(doc.text, positions.text, true) + "</p>",
      score: score,
      terms: terms
    };
  };

  /* Completion for the last word typed (Material shows it greyed out; Right arrow accepts it): the
   * title word of the best section whose title holds a word beginning with it. */
  Index.prototype.suggest = function (query) {
    var last = (query.match(/([^\s\-]+)$/) || [])[1];
    if (!last || HAN_CHAR.test(last) || last.length < 2) return [];
    last = normalize(last);
    var hits = this.lunr.query(function (q) {
      q.term(last, { fields: ["title"], usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING });
    });
    if (!hits.length) return [];
    var doc = this.docs[+hits[0].ref], metadata = hits[0].matchData.metadata;
    for (var token in metadata) {
      var at = metadata[token].title.position[0], word = doc.title.slice(at[0], at[0] + at[1]).toLowerCase();
      if (word.length > last.length) return [word];
    }
    return [];
  };

  /* Escaped text, or a window of it around the densest matches, with <mark> on every match; the
   * spaces between Han tokens (jieba's boundaries) are removed for display. */
  function highlight(text, positions, window) {
    var ranges = positions.map(function (p) { return [p[0], p[0] + p[1]]; })
      .sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var from = 0, to = text.length;
    if (window && text.length > SNIPPET) {
      var bestStart = 0, bestCount = -1;
      for (var r = 0; r < ranges.length; r++) {
        var distinct = new Set();
        for (var s = r; s < ranges.length && ranges[s][0] < ranges[r][0] + SNIPPET * 0.6; s++)
          distinct.add(text.slice(ranges[s][0], ranges[s][1]).toLowerCase());
        if (distinct.size > bestCount) { bestCount = distinct.size; bestStart = ranges[r][0]; }
      }
      from = Math.max(0, bestStart - 40);
      if (from > 0) {
        var space = text.lastIndexOf(" ", bestStart - 1);
        if (space > from - 20 && space < bestStart) from = space + 1;
      }
      to = Math.min(text.length, from + SNIPPET);
    }
    function plain(a, b) {
      var out = "";
      for (var i = a; i < b; i++)
        if (!(text[i] === " " && HAN_CHAR.test(text[i - 1] || "") && HAN_CHAR.test(text[i + 1] || ""))) out += text[i];
      return escapeHTML(out);
    }
    var out = from > 0 ? "\u2026 " : "", at = from;
    ranges.forEach(function (range) {
      if (range[0] < at || range[1] > to) return;
      out += plain(at, range[0]) + "<mark>" + plain(range[0], range[1]) + "</mark>";
      at = range[1];
    });
    return out + plain(at, to) + (to < text.length ? " \u2026" : "");
  }

  root.ReportSearch = {
    Index: Index,
    segment: segment,
    normalize: normalize,
    create: function (data) { return new Index(data); }
  };
})(typeof self !== "undefined" ? self : this);
