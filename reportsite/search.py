"""The site's search index, and the tokenizer it shares with the browser.

Material for MkDocs keeps the search *interface*; this module replaces what sits behind it.

Why not Material's own index and query handling (lunr itself is kept: see Ranking below)
    * Material's HTML parser compares elements by tag name only, so the first nested ``<span>`` that
      closes inside a ``data-search-exclude`` span re-enables indexing: every citation preview (a
      paragraph of English and Chinese per locator) landed in the index and in result snippets.
    * It writes the index with ``json.dumps`` defaults, so each Chinese character costs six bytes
      (``\\uXXXX``) and each jieba boundary (``\\u200b``) six more.
    * At query time Material segments Chinese with a greedy scan of lunr's inverted index that never
      tries the whole query (``j < query.length``), so a four-character term indexed as one jieba
      token is searched as a shorter token plus single characters.
    * Every query word gets a trailing wildcard, and results are not grouped by how many of the
      query's words a page contains.

What this module does instead
    :class:`IndexBuilder` collects, from each page's final HTML, one entry per section (Material's
    granularity: the page, then every heading with an id) holding the title and the plain text,
    with every element marked ``data-search-exclude`` dropped with all its descendants, and the
    reader pages' paragraph numbers and printed-page markers dropped as noise. English translations
    on reader pages are ordinary text and are indexed. The entries keep Material's
    ``{"config", "docs": [{location, title, text}]}`` shape, written as UTF-8, so the file stays
    readable by Material's own worker should ``search-worker.js`` ever fail to load.

How Chinese is segmented, identically on both sides
    At build time every run of Han characters is cut with jieba (dictionary mode, ``HMM=False``)
    using the same user dictionary Material is configured with (``jieba_dict_user``, i.e.
    ``data/search/jieba_user_dict.txt``), and the tokens are separated by one ASCII space. The
    browser therefore receives the segmentation itself, not a segmenter: ``search-engine.js`` reads
    a space inside a Han run as a token boundary (and removes it for display), and its vocabulary
    of Chinese terms is exactly the set of tokens in the index. A query's Han runs are cut by
    greedy longest match over that vocabulary (:func:`segment_query` is the same algorithm in
    Python, used by the tests). For any term jieba keeps whole - every user-dictionary entry and
    every dictionary word in the texts - the query is cut into the very token the index holds;
    the tests check that for a sample of terms against jieba itself.

    Alternatives rejected: jieba itself cannot run in the browser without shipping its ~5 MB
    dictionary; character n-grams (the same on both sides by construction) would match bigrams
    across word boundaries (``治理`` inside ``政治理念``) and rank compounds no better than their
    fragments. The browser also searches a Chinese term inside longer index tokens (lunr's
    wildcards, at lower weight), so ``韧性`` finds the pages that hold only ``联盟韧性``.

Ranking (in ``search-engine.js``): lunr 2.3.9, vendored (``docs/javascripts/vendor/``), the version
Material bundles. The worker builds the lunr index from this file at load time (0.5-1 s for the site's
~160 sections) rather than this module prebuilding it: the Python port (lunr.py) would be another
pinned build dependency that must reproduce this tokenizer and pipeline exactly, and its
serialized index would be downloaded on top of this one. lunr's tokenizer is replaced by one that
reads the index's Han tokens and English words, and its stop-word filter and stemmer run on non-Han
tokens only; BM25 with the title boosted, every query word optional (OR), a trailing wildcard for the
word being typed and a contains-wildcard for a Chinese term at lower weight. Sections are grouped into
pages, a page ranked by its best section times the square of the share of query words it contains, so
a page with most of the words ranks first and a page with only some still appears - never an empty
result for a multi-word query.

Size: the text is written once (no preview copies), as UTF-8, without markup; the index grows
linearly with the site's text.

Loading: nothing of the index is downloaded until a reader opens search. Material's bundle fetches
``search/search_index.json`` on every page load, so that file is a stub (the configuration, no
documents); the documents are in ``search/sections.json``, which ``search-worker.js`` fetches and
indexes off the main thread once ``search-bridge.js`` starts it: when the search field gets focus,
the search button is pointed at or tapped, or the page opens with a shared query (``?q=``).
"""

from __future__ import annotations

# Set by builds that publish no search (the PDF edition) to skip writing the index.
SKIP_ENV = "REPORTSITE_NO_SEARCH_INDEX"

import functools
import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from reportsite.sources.registry import REPO_ROOT

DEFAULT_USER_DICT = REPO_ROOT / "data" / "search" / "jieba_user_dict.txt"
ENGINE = "reportsite"
ENGINE_VERSION = 1
# Material's bundle fetches search/search_index.json on every page load and parses it on the main thread.
# That file is only a stub; the sections are in this file, which search-worker.js fetches itself, off the
# main thread, the first time a reader opens search (search-bridge.js).
SECTIONS_FILE = "sections.json"

# Han characters; search-engine.js uses the same ranges.
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Elements never indexed, whatever their attributes.
_SKIP_TAGS = {"script", "style", "template", "noscript", "object"}
# Reader-page furniture: the "¶12" paragraph links, "[p. 60]" printed-page markers, heading permalinks.
_SKIP_CLASSES = {"headerlink", "src-pnum", "src-page"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
_BLOCK = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "td", "th", "caption",
          "figure", "figcaption", "blockquote", "pre", "section", "article", "details", "summary", "br", "hr",
          "h1", "h2", "h3", "h4", "h5", "h6", "text", "tspan", "title", "desc", "sup", "sub"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


# ---- Chinese segmentation --------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def tokenizer(user_dict: str = str(DEFAULT_USER_DICT)):
    """jieba with the site's user dictionary: one set-up for the search index and the translation check."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    if user_dict:
        tokenizer.load_userdict(user_dict)
    return tokenizer


def jieba_cut(run: str, user_dict: Path | str = DEFAULT_USER_DICT) -> list[str]:
    """Index-time segmentation of one Han run: jieba, dictionary mode, with the site's user dictionary."""
    return [t for t in tokenizer(str(user_dict)).cut(run, HMM=False) if t.strip()]


def segment_chinese(text: str, user_dict: Path | str = DEFAULT_USER_DICT) -> str:
    """``text`` with a space between the jieba tokens of every Han run (the boundary the browser reads)."""
    return HAN_RUN.sub(lambda m: " ".join(jieba_cut(m.group(), user_dict)), text)


def vocabulary(docs: list[dict]) -> set[str]:
    """The Chinese terms an index holds: every Han token of every title and text."""
    vocab: set[str] = set()
    for doc in docs:
        for value in (doc.get("title", ""), doc.get("text", "")):
            for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+(?: [\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)*", value):
                vocab.update(run.split(" "))
    return vocab


def segment_query(query: str, vocab: set[str], max_len: int | None = None) -> list[str]:
    """Query-time segmentation of Chinese: greedy longest match over the index's vocabulary.

    The algorithm of ``segment`` in docs/javascripts/search-engine.js; non-Han text is dropped here.
    """
    max_len = max_len or max((len(t) for t in vocab), default=1)
    tokens: list[str] = []
    for run in HAN_RUN.findall(query):
        i = 0
        while i < len(run):
            for j in range(min(len(run), i + max_len), i, -1):
                if j - i == 1 or run[i:j] in vocab:
                    tokens.append(run[i:j])
                    i = j
                    break
    return tokens


# ---- Extraction --------------------------------------------------------------------------------------

@dataclass
class Section:
    location: str
    title: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class _Extractor(HTMLParser):
    """Splits a page's HTML into sections at headings with an id, keeping plain text only.

    An element with ``data-search-exclude`` (or one of the skipped tags or classes) is dropped with
    everything inside it: exclusion is tracked by depth in the element stack, not by tag name.
    """

    def __init__(self, url: str, title: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.stack: list[str] = []
        self.excluded_at: int | None = None  # stack depth of the outermost excluded element
        self.heading_at: int | None = None   # stack depth of the heading being read
        self.sections = [Section(url, [title] if title else [])]
        self.page_title = title

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            if tag in _BLOCK:
                self._out(" ")
            return
        self.stack.append(tag)
        if self.excluded_at is not None:
            return
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if "data-search-exclude" in attrs or tag in _SKIP_TAGS or classes & _SKIP_CLASSES:
            self.excluded_at = len(self.stack)
            return
        if tag in _HEADINGS and attrs.get("id"):
            if tag == "h1" and len(self.sections) == 1 and not _clean(self.sections[0].text):
                self.sections[0].title = []  # the page's own h1 names the first section
            else:
                self.sections.append(Section(f"{self.url}#{attrs['id']}"))
            self.heading_at = len(self.stack)
        elif tag in _BLOCK:
            self._out(" ")

    def handle_endtag(self, tag):
        if tag in _VOID or tag not in self.stack:
            return
        while self.stack:
            depth = len(self.stack)
            closed = self.stack.pop()
            if self.excluded_at is not None and depth <= self.excluded_at:
                self.excluded_at = None
            if self.heading_at is not None and depth <= self.heading_at:
                self.heading_at = None
            if closed == tag:
                break
        if tag in _BLOCK:
            self._out(" ")

    def handle_data(self, data):
        if self.excluded_at is None:
            self._out(data)

    def _out(self, data):
        section = self.sections[-1]
        (section.title if self.heading_at is not None else section.text).append(data)


def _clean(parts: list[str]) -> str:
    return re.sub(r"\s+", " ", "".join(parts).replace("\u200b", "")).strip()


def extract_sections(content: str, url: str, title: str) -> list[dict]:
    """``[{location, title, text}]`` for one page: plain text, excluded elements removed, not yet segmented."""
    parser = _Extractor(url, title)
    parser.feed(content)
    parser.close()
    entries = []
    for section in parser.sections:
        section_title = _clean(section.title) or (title if section.location == url else "")
        text = _clean(section.text)
        if section.location != url and not section_title:
            continue
        entries.append({"location": section.location, "title": section_title, "text": text})
    return entries


# ---- The index -------------------------------------------------------------------------------------

def _prepare(value: str, user_dict) -> str:
    """Segment Chinese and escape for HTML (Material's result template inserts title and text as HTML)."""
    return html.escape(segment_chinese(value, user_dict), quote=False)


class IndexBuilder:
    """Collects the sections of every page of one build and writes ``search/sections.json``."""

    def __init__(self, config: dict | None = None, user_dict: Path | str = DEFAULT_USER_DICT):
        self.config = dict(config or {})
        self.user_dict = str(user_dict)
        self.entries: dict[str, list[dict]] = {}  # page url -> its entries, in page order

    def add_page(self, content: str, url: str, title: str, meta: dict | None = None) -> None:
        search = (meta or {}).get("search") or {}
        if search.get("exclude"):
            self.entries.pop(url, None)
            return
        entries = []
        for entry in extract_sections(content, url, title):
            entry = {"location": entry["location"], "title": _prepare(entry["title"], self.user_dict),
                     "text": _prepare(entry["text"], self.user_dict)}
            if "boost" in search:
                entry["boost"] = search["boost"]
            entries.append(entry)
        self.entries[url] = entries

    def index(self) -> dict:
        """The whole index: Material's ``{"config", "docs"}`` shape."""
        config = {**self.config, "engine": ENGINE, "version": ENGINE_VERSION}
        return {"config": config, "docs": [entry for entries in self.entries.values() for entry in entries]}

    def dumps(self) -> str:
        return json.dumps(self.index(), ensure_ascii=False, separators=(",", ":"))

    def stub(self) -> dict:
        """What Material fetches on every page load (``search_index.json``): the configuration and no
        documents, with the name of the file that holds them (``sections``, beside it)."""
        return {"config": {**self.index()["config"], "sections": SECTIONS_FILE}, "docs": []}

    def write(self, site_dir: Path | str) -> Path:
        """Write ``search/sections.json`` (the index) and ``search/search_index.json`` (its stub); returns
        the index's path."""
        folder = Path(site_dir) / "search"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / SECTIONS_FILE
        path.write_text(self.dumps(), encoding="utf-8")
        (folder / "search_index.json").write_text(json.dumps(self.stub(), ensure_ascii=False, separators=(",", ":")),
                                                  encoding="utf-8")
        return path


def builder_from_mkdocs_config(config) -> IndexBuilder:
    """An :class:`IndexBuilder` using the settings of Material's search plugin (language, separator, user dictionary)."""
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    settings = plugin.config if plugin is not None else {}
    index_config = {
        "lang": list(settings.get("lang") or ["en"]),
        # Material's page highlighter (search.highlight) splits the ?h= terms with it.
        "separator": settings.get("separator") or r"[\s\-]+",
        "pipeline": list(settings.get("pipeline") or []),
        "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}, "tags": {"boost": 1000000.0}},
    }
    user_dict = settings.get("jieba_dict_user") or DEFAULT_USER_DICT
    path = Path(user_dict)
    if not path.is_absolute():
        path = Path(config.config_file_path).parent / path
    return IndexBuilder(index_config, path)
