"""Search as a reader uses it, in the real browser: typed and pasted queries, English and Chinese, ranked
pages, snippets without citation previews. The evaluation queries are data/search/evaluation.yaml."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
import yaml

from reportsite import search
from reportsite.sources.registry import REPO_ROOT

pytestmark = pytest.mark.browser

EVALUATION = yaml.safe_load((REPO_ROOT / "data/search/evaluation.yaml").read_text(encoding="utf-8"))["queries"]
TOP = 3
REQUIRED = 0.95
INPUT = ".md-search__input"
ANSWERED = ("q => document.documentElement.getAttribute('data-search-answered') === q"
            " && document.querySelector('.md-search__input').value === q")


def _open(page, site_url):
    page.goto(site_url + "/", wait_until="networkidle")
    page.click(INPUT)


def _results(page, site_url, query: str) -> list[str]:
    """Pages of the results for ``query`` (already in the box), in order, as URL paths without the leading /."""
    page.wait_for_function(ANSWERED, arg=query, timeout=15000)
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item", "items => items.map(i => i.querySelector('a.md-search-result__link').href)")
    return [urlsplit(h).path.lstrip("/") for h in hrefs]


def _type(page, site_url, query: str) -> list[str]:
    page.fill(INPUT, "")
    page.click(INPUT)
    page.keyboard.type(query)  # Chinese arrives as text input (no key events), as from an IME
    return _results(page, site_url, query)


def test_evaluation_queries_find_a_wanted_page_in_the_top_three(page, site_url):
    _open(page, site_url)
    misses = []
    for q in EVALUATION:
        top = _type(page, site_url, q["query"])[:TOP]
        if not set(top) & set(q["want"]):
            misses.append(f"{q['query']!r}: top {top} — wanted one of {q['want']}")
    score = 1 - len(misses) / len(EVALUATION)
    print(f"\nsearch evaluation: {len(EVALUATION) - len(misses)}/{len(EVALUATION)} = {score:.1%}")
    for miss in misses:
        print("  miss:", miss)
    assert score >= REQUIRED, f"{score:.1%} < {REQUIRED:.0%}; misses:\n" + "\n".join(misses)


def test_pasted_query_searches_without_a_key_press(page, site_url):
    _open(page, site_url)
    page.fill(INPUT, "联盟韧性")  # one input event, no keyup: a paste or an IME commit
    top = _results(page, site_url, "联盟韧性")[:TOP]
    assert "sources/du-alliance/" in top and "threads/alliance-resilience/" in top
    assert page.inner_text(".md-search-result__meta") != "Type to start searching"


def test_four_character_chinese_term_is_searched_whole(page, site_url):
    _open(page, site_url)
    _type(page, site_url, "联盟韧性")
    # Material lists unmatched query terms as "Missing"; the term is one token, found, never missing.
    assert not page.locator(".md-search-result__terms").count()
    marks = page.eval_on_selector_all(".md-search-result mark", "ms => ms.map(m => m.textContent)")
    assert "联盟韧性" in marks and not any(len(m) == 1 for m in marks)


def test_multi_word_query_with_words_on_different_pages_returns_results(page, site_url, built_site):
    # Vestager is named only in Du and Li; DIANA only in Dai and Dai and the pages that cite them.
    index = json.loads((built_site / "search" / "sections.json").read_text(encoding="utf-8"))
    texts = {}
    for doc in index["docs"]:
        key = doc["location"].split("#")[0]
        texts[key] = texts.get(key, "") + " " + doc["title"] + " " + doc["text"]
    assert not [p for p, t in texts.items() if "Vestager" in t and "DIANA" in t], "premise: no page has both words"
    _open(page, site_url)
    pages = _type(page, site_url, "Vestager DIANA")
    assert "sources/du-alliance/" in pages[:TOP]
    assert {"sources/dai-defence/", "threads/defence-cooperation/"} & set(pages[:TOP])
    # Each result says which word it lacks.
    assert page.locator(".md-search-result__terms del").count() >= 1


def test_snippets_show_the_match_and_no_citation_preview(page, site_url):
    _open(page, site_url)
    _type(page, site_url, "alliance resilience")
    text = page.inner_text(".md-search-result__list")
    assert "中文原文" not in text and "English (site translation)" not in text
    teasers = page.eval_on_selector_all(".md-search-result__article p", "ps => ps.map(p => p.innerHTML)")
    assert teasers and "<mark>" in teasers[0]
    assert sum("<mark>" in t for t in teasers) >= len(teasers) / 2


def test_browser_segments_chinese_queries_as_the_index_was_segmented(page, site_url, built_site):
    index = json.loads((built_site / "search" / "sections.json").read_text(encoding="utf-8"))
    terms = sorted({q["query"] for q in EVALUATION if re.fullmatch(r"[\u4e00-\u9fff]+", q["query"])}
                   | {line.split()[0] for line in (REPO_ROOT / "data/search/jieba_user_dict.txt")
                      .read_text(encoding="utf-8").splitlines() if line.strip()})
    page.goto(site_url + "/", wait_until="networkidle")
    page.add_script_tag(url=site_url + "/javascripts/search-engine.js")
    segmented = page.evaluate("""async terms => {
        const data = await (await fetch("search/sections.json")).json();
        const index = ReportSearch.create(data);
        return Object.fromEntries(terms.map(t => [t, index.segment(t)]));
    }""", terms)
    vocab = search.vocabulary(index["docs"])
    for term in terms:
        assert segmented[term] == search.segment_query(term, vocab), term
        in_index = any(term in d["text"].replace(" ", "") for d in index["docs"])
        if in_index:
            assert segmented[term] == search.jieba_cut(term), term


def test_the_index_is_fetched_only_when_a_reader_opens_search(page, site_url, built_site):
    """Material fetches search_index.json on every page; it is a stub. The sections come when search opens."""
    requested = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    # Material asks for the stub once its start-up has run, which on a busy machine can come after the network
    # was first idle: wait for the request itself.
    with page.expect_request(lambda request: urlsplit(request.url).path == "/search/search_index.json"):
        page.goto(site_url + "/threads/alliance-resilience/", wait_until="networkidle")
    page.wait_for_load_state("networkidle")
    assert (built_site / "search" / "search_index.json").stat().st_size < 2_000
    assert not [p for p in requested if p.endswith(("/sections.json", "/search-worker.js", ".min.js")) and "lunr" in p
                or p.endswith("/sections.json")]
    page.click(INPUT)
    page.keyboard.type("TTC")
    assert _results(page, site_url, "TTC")
    assert "/search/sections.json" in requested
    assert requested.count("/search/sections.json") == 1


def test_a_shared_search_link_opens_with_results(page, site_url):
    """search.share: a link with ?q= opens search at once, before any focus or key press."""
    page.goto(site_url + "/?q=DIANA", wait_until="networkidle")
    pages = _results(page, site_url, "DIANA")
    assert {"sources/dai-defence/", "threads/defence-cooperation/"} & set(pages[:TOP])
