"""Citation preview stores (reportsite/citations/previews.py): one file per source holding each paragraph's
shortened original and English translation, escaped, written identically on every build."""

from __future__ import annotations

import json

from reportsite.citations import passages, previews
from reportsite.citations.passages import Passage, SourceIndex


def _index() -> SourceIndex:
    paragraphs = {
        1: Passage(1, "p-1", "联盟韧性是指" * 30, (60,), "Alliance <resilience> & the Trade and Technology Council "
                   "(TTC, 美欧贸易和技术委员会) " + "word " * 200),
        2: Passage(2, "p-2", "短段落", (60,)),
    }
    return SourceIndex("demo", "Demo", paragraphs, {60})


def test_store_holds_each_paragraph_shortened_and_escaped():
    store = previews.store(_index(), chars=50)
    assert store["key"] == "demo" and store["lang"] == "zh-Hans"
    first = store["paragraphs"]["1"]
    assert first["zh"] == "联盟韧性是指" * 8 + "联盟…"  # 50 characters, then an ellipsis
    assert first["en"].startswith("Alliance &lt;resilience&gt; &amp; the")
    assert '<span lang="zh-Hans">美欧贸易和技术委员会</span>' in first["en"]
    assert first["en"].endswith("word…") and len(first["en"]) < 100 + 60  # twice the length, cut at a word
    assert store["paragraphs"]["2"] == {"zh": "短段落"}  # no translation: the original only


def test_stores_are_written_once_per_source_and_reproducibly(tmp_path):
    indexes = passages.load_all()
    first = {p.name: p.read_bytes() for p in previews.write_stores(indexes, tmp_path / "a", 220)}
    second = {p.name: p.read_bytes() for p in previews.write_stores(indexes, tmp_path / "b", 220)}
    assert first == second and set(first) == {f"{key}.json" for key in indexes}
    du = json.loads(first["du-alliance.json"])
    assert len(du["paragraphs"]) == len(indexes["du-alliance"].paragraphs)
    assert all("en" in p for p in du["paragraphs"].values())  # every paragraph is translated
