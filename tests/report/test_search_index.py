"""The search index (reportsite/search.py): size, no citation previews, English translations indexed, and
Chinese segmented at query time exactly as at index time."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from reportsite import search
from reportsite.sources.registry import REPO_ROOT

pytestmark = pytest.mark.build

INDEX_LIMIT = 1_500_000  # bytes, uncompressed (issue 11)
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@pytest.fixture(scope="module")
def index_file(built_site):
    return built_site / "search" / "sections.json"


@pytest.fixture(scope="module")
def index(index_file):
    return json.loads(index_file.read_text(encoding="utf-8"))


# ---- Unit: extraction ---------------------------------------------------------------------------------

def test_excluded_inline_span_is_dropped_with_everything_nested_in_it():
    html = ('<h1 id="t">Title</h1><p>Before <span class="cite__ref"><a href="#">¶4</a>'
            '<span class="cite__preview" data-search-exclude=""><span class="a">PREVIEW-ONE</span>'
            '<span lang="zh-Hans">预览文本</span> tail PREVIEW-TWO</span></span> after.</p>'
            '<h2 id="s">Section<a class="headerlink" href="#s">¶</a></h2><p>Body <sup>1</sup>text.</p>')
    entries = search.extract_sections(html, "page/", "Page")
    assert [e["location"] for e in entries] == ["page/", "page/#s"]
    assert entries[0]["title"] == "Title"
    assert entries[0]["text"] == "Before ¶4 after."
    assert entries[1]["title"] == "Section"  # no permalink sign
    assert "PREVIEW" not in json.dumps(entries) and "预览" not in json.dumps(entries, ensure_ascii=False)


def test_reader_page_furniture_is_not_indexed_but_translations_are():
    html = ('<div class="src-para" id="p-1"><p><a class="src-pnum" href="#p-1">¶1</a></p>'
            '<div class="src-zh" lang="zh-Hans"><p><span class="src-page">[p.&nbsp;60]</span>联盟韧性是指</p></div>'
            '<div class="src-en" lang="en"><p><span class="src-page">[p.&nbsp;60]</span>Alliance resilience means</p></div></div>')
    text = search.extract_sections(html, "sources/x/", "X")[0]["text"]
    assert text == "联盟韧性是指 Alliance resilience means"


def test_chinese_is_segmented_with_the_user_dictionary_and_spaces():
    # 联盟韧性 and 美欧贸易和技术委员会 are user-dictionary entries: one token each.
    assert search.segment_chinese("美欧贸易和技术委员会框架内增强联盟韧性") == "美欧贸易和技术委员会 框架 内 增强 联盟韧性"
    assert search.segment_chinese("TTC框架内, US") == "TTC框架 内, US"  # only Han runs are cut


def test_segment_query_is_greedy_longest_match_over_the_vocabulary():
    vocab = {"联盟", "联盟韧性", "韧性", "美欧", "合作"}
    assert search.segment_query("美欧联盟韧性合作", vocab) == ["美欧", "联盟韧性", "合作"]
    assert search.segment_query("韧性强", vocab) == ["韧性", "强"]
    assert search.segment_query("alliance 联盟", vocab) == ["联盟"]


# ---- The built index ----------------------------------------------------------------------------------

def test_index_is_under_the_size_limit_and_written_as_utf8(index_file):
    raw = index_file.read_bytes()
    assert len(raw) < INDEX_LIMIT, f"search index is {len(raw):,} bytes (limit {INDEX_LIMIT:,})"
    text = raw.decode("utf-8")
    docs = text[text.index('"docs":'):]
    assert not re.search(r"\\u[0-9a-fA-F]{4}", docs), "text is written with \\uXXXX escapes"
    assert "\u200b" not in text


def test_index_holds_no_citation_preview_text(index, built_site):
    raw = json.dumps(index, ensure_ascii=False)
    assert "cite__preview" not in raw
    # Labels only the previews carry.
    assert "中文原文" not in raw and "English (site translation)" not in raw
    # A preview's text is a paragraph of a source, fetched from the source's preview store when a reader
    # points at a citation: it must not be indexed as the thread page's text.
    html = (built_site / "threads" / "alliance-resilience" / "index.html").read_text(encoding="utf-8")
    cited = set(re.findall(r'data-passages="(\d+)', html))
    store = json.loads((built_site / "previews" / "du-alliance.json").read_text(encoding="utf-8"))["paragraphs"]
    samples = [re.sub(r"<[^>]+>", "", store[n]["en"]) for n in sorted(cited) if n in store][:20]
    assert samples, "no cited paragraph of Du and Li on the thread page"
    thread_text = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("threads/"))
    for sample in samples:
        assert sample[:60] not in thread_text


def test_material_fetches_only_a_stub_and_the_sections_are_beside_it(built_site, index):
    stub = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert stub["docs"] == [] and stub["config"]["sections"] == "sections.json"
    assert {k: v for k, v in stub["config"].items() if k != "sections"} == index["config"]


def test_index_keeps_materials_shape(index):
    config = index["config"]
    assert config["engine"] == "reportsite" and config["separator"] and config["lang"] == ["en", "zh"]
    locations = [d["location"] for d in index["docs"]]
    assert len(locations) == len(set(locations))
    # Every page's own entry (no #) comes before its sections, as Material's document map requires.
    seen = set()
    for location in locations:
        page = location.split("#")[0]
        if "#" in location:
            assert page in seen, location
        seen.add(page)
    assert all(set(d) <= {"location", "title", "text", "boost"} for d in index["docs"])


def test_english_translations_on_reader_pages_are_indexed(index):
    dai = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("sources/dai-defence/"))
    assert "NATO Flight Training Europe" in dai
    elsewhere = " ".join(d["text"] for d in index["docs"]
                         if not d["location"].startswith(("sources/dai-defence/", "about/fact-check/")))
    assert "NATO Flight Training Europe" not in elsewhere  # named only in the source


def _sample_terms() -> list[str]:
    terms = [line.split()[0] for line in (REPO_ROOT / "data/search/jieba_user_dict.txt").read_text(encoding="utf-8").splitlines()
             if line.strip()]
    evaluation = yaml.safe_load((REPO_ROOT / "data/search/evaluation.yaml").read_text(encoding="utf-8"))
    terms += [q["query"] for q in evaluation["queries"] if HAN_RUN.fullmatch(q["query"])]
    glossary = yaml.safe_load((REPO_ROOT / "data/glossary.yaml").read_text(encoding="utf-8"))
    for entry in glossary["terms"]:
        terms += [run for name in str(entry.get("zh", "")).split("/") for run in HAN_RUN.findall(name)]
    return sorted(set(terms))


def test_query_segmentation_equals_index_segmentation(index):
    """A Chinese term typed as a query is cut into the tokens the index holds for it."""
    vocab = search.vocabulary(index["docs"])
    in_index = [t for t in _sample_terms() if any(t in d["text"].replace(" ", "") for d in index["docs"])]
    assert len(in_index) >= 40
    mismatches = {t: (search.segment_query(t, vocab), search.jieba_cut(t)) for t in in_index
                  if search.segment_query(t, vocab) != search.jieba_cut(t)}
    assert not mismatches, "query ≠ index segmentation: " + "; ".join(
        f"{t}: query {q} index {i}" for t, (q, i) in mismatches.items())
    # Four-character terms stay whole: the example.
    for term in ["联盟韧性", "敏捷治理", "小院高墙", "战略自主", "数字主权"]:
        assert search.segment_query(term, vocab) == search.jieba_cut(term)
    assert search.segment_query("联盟韧性", vocab) == ["联盟韧性"]


def test_evaluation_file_is_well_formed(built_site):
    evaluation = yaml.safe_load((REPO_ROOT / "data/search/evaluation.yaml").read_text(encoding="utf-8"))
    queries = evaluation["queries"]
    assert len(queries) >= 40
    assert sum(bool(HAN_RUN.search(q["query"])) for q in queries) >= 10
    assert sum(not HAN_RUN.search(q["query"]) for q in queries) >= 25
    for q in queries:
        assert q["want"], q
        for page in q["want"]:
            assert (built_site / page / "index.html").is_file(), (q["query"], page)
