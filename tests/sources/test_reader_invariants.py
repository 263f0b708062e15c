"""Invariants every committed reader page must satisfy, whatever its source's damage was."""

import json
import re
import unicodedata

import pytest

from reportsite.sources.pipeline import INDEX_DIR, PAGES_DIR
from reportsite.sources.registry import SOURCES

KEYS = list(SOURCES)


def _index(key):
    return json.loads((INDEX_DIR / f"{key}.json").read_text(encoding="utf-8"))


def _page(key):
    return (PAGES_DIR / f"{key}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", KEYS)
def test_text_is_clean(key):
    text = "\n".join(p["text"] for p in _index(key)["paragraphs"])
    assert not re.search(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]", text), "full-width Latin or digits"
    assert not re.search(r"[\ua000-\ua4cf]", text), "Yi syllables used as punctuation"
    assert not any(unicodedata.category(ch) == "Co" for ch in text), "private-use characters"
    assert not re.search(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)", text), "pinyin readings"
    assert not re.search(r"</?[a-zA-Z][^>]*>", text), "HTML debris"
    assert "\ufffd" not in text and "??" not in text, "undecoded bytes"


@pytest.mark.parametrize("key", KEYS)
def test_no_duplicated_paragraphs(key):
    texts = [p["text"] for p in _index(key)["paragraphs"] if len(p["text"]) > 20]
    assert len(texts) == len(set(texts))


@pytest.mark.parametrize("key", KEYS)
def test_text_is_simplified_chinese(key):
    import opencc

    text = "".join(p["text"] for p in _index(key)["paragraphs"])
    converted = opencc.OpenCC("t2s").convert(text)
    differing = {a for a, b in zip(text, converted) if a != b}
    assert not differing, f"Traditional characters left: {''.join(sorted(differing))[:40]}"


@pytest.mark.parametrize("key", KEYS)
def test_paragraph_anchors_are_sequential_and_footnotes_match(key):
    page = _page(key)
    anchors = [int(n) for n in re.findall(r'<div class="src-para[^"]*" id="p-(\d+)"', page)]
    assert anchors == list(range(1, len(anchors) + 1)) and anchors
    refs = re.findall(r"\[\^([^\]]+)\](?!:)", page)
    defs = re.findall(r"^\[\^([^\]]+)\]:", page, re.M)
    assert sorted(set(refs)) == sorted(defs)
    assert len(defs) == len(set(defs))


def test_spam_and_site_navigation_are_gone():
    page = _page("rmlt-proposals")
    for debris in ["网站首页", "网站地图", "每日推荐", "精品", "视频", "久久"]:
        assert debris not in page.split("How this text was prepared")[-1], debris


def test_journal_page_anchors_cover_the_printed_pages():
    index = _index("du-alliance")
    assert index["pages"] == list(range(60, 87))
    assert all(f'id="page-{n}"' in _page("du-alliance") for n in range(60, 87))


def test_spun_repost_page_warns_and_shows_the_original_beside_each_paragraph():
    page = _page("dai-defence")
    assert '!!! warning "Restored copy' in page
    paragraphs = len(_index("dai-defence")["paragraphs"])
    assert page.count("as reposted (spun text)") == paragraphs
