"""Translations (data/translations/<key>.yaml): one test per failure mode of the check, stamping, rendering.

Every test works on a small Document built here and a translation file written to tmp_path; nothing in
the repository is read for these except the code (the last tests read the real data, without writing).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import pytest

from reportsite import bibliography, translations
from reportsite.sources import pipeline
from reportsite.sources.model import Document, Heading, Paragraph, Table, gap, page_mark
from reportsite.sources.registry import RAW_DIR, REPO_ROOT
from reportsite.sources.render import paragraph_index, render_page

P1 = "2021年6月，美欧贸易和技术委员会正式启动[^1]。"
P2 = f"第二段{page_mark(12)}跨页，缺字{gap()}处。"
P3 = "双方坚持法治路径。"
FN1 = "脚注原文。"
FN2 = "See https://example.org/report, p. 5."  # no Chinese: needs no translation


def _doc(p1: str = P1, p3: str = P3) -> Document:
    return Document(
        key="demo", title="示例",
        blocks=[Heading(2, "一、引言"), Paragraph(p1), Paragraph(P2), Heading(3, "（一）背景"), Paragraph(p3)],
        footnotes={"1": FN1, "2": FN2},
    )


def _hash(text: str) -> str:
    # The fingerprint format the committed files rely on: first 12 hex digits of the SHA-256 of the text.
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# Line numbers of this file are used in the assertions below (see the comments on the right).
VALID = f"""\
# English translation of demo (a test file; this comment must survive stamping)
source: demo
headings:
  "一、引言": "1. Introduction"
  "（一）背景": "(1) Background"
paragraphs:
  1:
    source_hash: {_hash(P1)}
    en: "In June 2021 the US–EU Trade and Technology Council (TTC) was officially launched[^1]."
  2:
    source_hash: {_hash(P2)}
    en: "The second paragraph⟦page:12⟧ crosses a page, with text missing ⟦gap⟧ here."
  3:
    source_hash: {_hash(P3)}
    en: "Both sides hold to the path of the rule of law."
footnotes:
  "1":
    source_hash: {_hash(FN1)}
    en: "The footnote's text."
"""
# line 7: "  1:"   line 10: "  2:"   line 13: "  3:"   line 17: '  "1":'

GLOSSARY = """\
# Glossary for the tests (same format as data/glossary.yaml).
terms:
  - term: "Trade and Technology Council"
    zh: "美欧贸易和技术委员会"
    abbr: "TTC"
    also: ["the Council"]
    voice: neutral
    definition: "US–EU forum [@demo, ¶1]."
    appears: "[@demo, ¶1]"

  - term: "rule of law"
    zh: "法治"
    voice: neutral
    definition: "A path of governance [@demo, ¶3]."
    appears: "[@demo, ¶3]"
"""
RULE_OF_LAW_LINE = 11


@pytest.fixture
def tdir(tmp_path):
    d = tmp_path / "translations"
    d.mkdir()
    (tmp_path / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    return d


def _problems(tdir, text: str | None = VALID, doc: Document | None = None) -> list[str]:
    path = tdir / "demo.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    before = path.read_bytes() if path.exists() else None
    found = translations.check_source(doc or _doc(), tdir, tdir.parent / "glossary.yaml")
    assert (path.read_bytes() if path.exists() else None) == before, "the check modified the translation file"
    return [str(p) for p in found]


def _at(tdir, line: int) -> str:
    return f"{tdir / 'demo.yaml'}:{line}:1: "


def _one(problems: list[str]) -> str:
    assert len(problems) == 1, problems
    return problems[0]


def test_valid_translation_passes(tdir):
    assert _problems(tdir) == []


def test_fingerprint_is_the_first_12_hex_digits_of_the_sha256():
    assert translations.fingerprint(P1) == _hash(P1)
    assert len(_hash(P1)) == 12 and _hash(P1) != _hash(P1 + "。")


def test_missing_translation_file(tdir):
    p = _one(_problems(tdir, text=None))
    assert p.startswith(_at(tdir, 1) + "source 'demo' has no English translation; create this file")


def test_paragraph_without_translation(tdir):
    text = VALID.replace(f"  3:\n    source_hash: {_hash(P3)}\n    en: \"Both sides hold to the path of the rule of law.\"\n", "")
    p = _one(_problems(tdir, text))
    assert p.startswith(_at(tdir, 1) + "¶3 of 'demo' has no translation; add it under paragraphs:")
    assert "docs/sources/demo.md#p-3" in p


def test_heading_without_translation(tdir):
    p = _one(_problems(tdir, VALID.replace('  "（一）背景": "(1) Background"\n', "")))
    assert p.startswith(_at(tdir, 1) + "heading “（一）背景” of 'demo' has no translation")
    assert '"（一）背景": "…" under headings:' in p


def test_unknown_heading_points_at_its_line(tdir):
    text = VALID.replace('  "（一）背景": "(1) Background"\n', '  "（一）背景": "(1) Background"\n  "二、结论": "2. Conclusion"\n')
    p = _one(_problems(tdir, text))
    assert p.startswith(_at(tdir, 6) + "heading “二、结论” is not a heading of 'demo'")
    assert "copy the heading from the reader page or remove the entry" in p


def test_paragraph_that_does_not_exist(tdir):
    text = VALID.replace("footnotes:\n", "  4:\n    source_hash: 000000000000\n    en: \"No such paragraph.\"\nfootnotes:\n")
    p = _one(_problems(tdir, text))
    assert p.startswith(_at(tdir, 16) + "¶4 does not exist in 'demo' (it has ¶1–¶3); remove the entry or fix its number")


def test_missing_source_hash(tdir):
    p = _one(_problems(tdir, VALID.replace(f"    source_hash: {_hash(P2)}\n", "")))
    assert p.startswith(_at(tdir, 10) + "¶2 of 'demo' has no source_hash")
    assert "run `reportsite translations stamp demo`" in p


def test_stale_source_hash_when_the_chinese_changed(tdir):
    changed = P1.replace("正式启动", "启动")
    p = _one(_problems(tdir, doc=_doc(p1=changed)))
    assert p.startswith(_at(tdir, 7) + "¶1 of 'demo' was translated from a different Chinese text")
    assert f"source_hash {_hash(P1)}, now {_hash(changed)}" in p
    assert "`reportsite translations stamp demo --accept 1`" in p


@pytest.mark.parametrize("old, new, line, detail", [
    ("launched[^1].", "launched.", 7, "missing [^1]"),
    ("paragraph⟦page:12⟧ crosses", "paragraph crosses", 10, "missing ⟦page:12⟧"),
    ("missing ⟦gap⟧ here", "missing here", 10, "missing ⟦gap⟧"),
    ("the rule of law.", "the rule of law[^1].", 13, "not in the Chinese [^1]"),
])
def test_markers_must_match_the_chinese(tdir, old, new, line, detail):
    p = _one(_problems(tdir, VALID.replace(old, new)))
    assert p.startswith(_at(tdir, line))
    assert "footnote, page and gap markers differ from the Chinese" in p and f"({detail})" in p
    assert "keep each [^id], ⟦page:n⟧, ⟦gap⟧ and ⟦sup:x⟧ of the Chinese at the corresponding place" in p


def test_number_of_the_chinese_missing_from_the_english(tdir):
    p = _one(_problems(tdir, VALID.replace("In June 2021 the", "In June of that year the")))
    assert p.startswith(_at(tdir, 7) + "¶1 of 'demo': number(s) 2021 of the Chinese are missing from the English")
    assert "must appear as digits" in p


def test_months_and_amounts_in_wan_and_yi_are_exempt_from_the_number_check(tdir):
    # 6月 → "June", 1.5万亿 → "1.5 trillion", 3亿 → "300 million": no digits to match, and no problem.
    p1 = "2021年6月，美欧贸易和技术委员会正式启动[^1]，投入1.5万亿元，覆盖3 亿人。"
    text = VALID.replace(f"source_hash: {_hash(P1)}", f"source_hash: {_hash(p1)}").replace(
        "officially launched[^1].", "officially launched[^1], with 1.5 trillion yuan, covering 300 million people.")
    assert _problems(tdir, text, _doc(p1=p1)) == []
    # …but the year before 年 is not exempt, nor a count without a unit.
    p1_count = p1.replace("投入", "共12项，投入")
    text = text.replace(f"source_hash: {_hash(p1)}", f"source_hash: {_hash(p1_count)}")
    p = _one(_problems(tdir, text, _doc(p1=p1_count)))
    assert "number(s) 12 of the Chinese are missing" in p


def test_glossary_term_rendered_differently(tdir):
    p = _one(_problems(tdir, VALID.replace("the path of the rule of law.", "the path of legality.")))
    assert p.startswith(_at(tdir, 13) + "¶3 of 'demo': the Chinese has the glossary term 法治 but the English has none "
                        "of 'rule of law'")
    assert f"add yours to that entry's 'also' list (glossary.yaml:{RULE_OF_LAW_LINE})" in p


def test_glossary_accepts_the_abbreviation_and_the_also_renderings(tdir):
    abbr = VALID.replace("the US–EU Trade and Technology Council (TTC)", "the TTC")
    assert _problems(tdir, abbr) == []
    also = VALID.replace("the US–EU Trade and Technology Council (TTC)", "the Council")
    assert _problems(tdir, also) == []
    neither = VALID.replace("the US–EU Trade and Technology Council (TTC)", "the forum")
    p = _one(_problems(tdir, neither))
    assert "glossary term 美欧贸易和技术委员会 but the English has none of 'Trade and Technology Council' / 'TTC' / 'the Council'" in p


def test_term_inside_a_longer_word_is_not_the_term(tdir):
    # 法治 (rule of law) occurs as characters inside 硬法治理 (governance by hard law), but not as a word.
    assert not translations.contains_term("美欧更多依靠硬法治理。", "法治")
    assert translations.contains_term("双方坚持法治路径。", "法治")
    p3 = "双方推进硬法治理。"
    text = VALID.replace(f"source_hash: {_hash(P3)}", f"source_hash: {_hash(p3)}").replace(
        "hold to the path of the rule of law.", "advance governance by hard law.")
    assert _problems(tdir, text, _doc(p3=p3)) == []


def test_footnote_with_chinese_but_no_translation(tdir):
    text = VALID.split("footnotes:\n")[0]
    p = _one(_problems(tdir, text))
    assert p.startswith(_at(tdir, 1) + "footnote 1 of 'demo' has Chinese text but no translation; add \"1\": under "
                        "footnotes:")
    assert not any("footnote 2" in q for q in _problems(tdir, text))  # English-only footnote needs none


def test_footnote_translation_is_checked_like_a_paragraph(tdir):
    p = _one(_problems(tdir, VALID.replace(f"    source_hash: {_hash(FN1)}\n", "")))
    assert p.startswith(_at(tdir, 17) + "footnote 1 of 'demo' has no source_hash")


def test_yaml_syntax_error_gives_its_line(tdir):
    text = VALID.replace('"Both sides hold to the path of the rule of law."', "Both sides: the rule of law.")
    p = _one(_problems(tdir, text))
    assert p.startswith(_at(tdir, 15) + "YAML syntax error: mapping values are not allowed here")
    assert "check indentation and quoting around this line" in p


def test_wrong_source_key_points_at_the_source_line(tdir):
    p = _one(_problems(tdir, VALID.replace("source: demo", "source: other")))
    assert p.startswith(_at(tdir, 2) + "'source' must be 'demo' (the file's name), not 'other'")


# --- stamping --------------------------------------------------------------------------

def test_stamp_records_missing_fingerprints_and_keeps_comments(tdir):
    text = VALID.replace(f"    source_hash: {_hash(P2)}\n", "").replace(
        "  3:\n", "  # reviewed by a second translator\n  3:\n").replace(f"    source_hash: {_hash(P3)}\n", "")
    path = tdir / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    assert translations.stamp(_doc(), directory=tdir) == ["¶2", "¶3"]
    after = path.read_text(encoding="utf-8")
    lines = after.split("\n")
    assert lines[0].startswith("# English translation of demo") and "  # reviewed by a second translator" in lines
    assert lines[lines.index("  2:") + 1] == f"    source_hash: {_hash(P2)}"
    assert lines[lines.index("  3:") + 1] == f"    source_hash: {_hash(P3)}"
    assert after.count("source_hash:") == 4
    assert translations.check_source(_doc(), tdir, tdir.parent / "glossary.yaml") == []
    # Stamping again changes nothing: every entry has its fingerprint.
    assert translations.stamp(_doc(), directory=tdir) == []
    assert path.read_text(encoding="utf-8") == after


def test_stamp_leaves_a_stale_fingerprint_alone_unless_accepted(tdir):
    path = tdir / "demo.yaml"
    stale = VALID.replace(f"source_hash: {_hash(P2)}", "source_hash: 0123456789ab")
    path.write_text(stale, encoding="utf-8")
    assert translations.stamp(_doc(), directory=tdir) == []
    assert path.read_text(encoding="utf-8") == stale  # a changed Chinese text needs a review first
    assert translations.stamp(_doc(), {"2"}, directory=tdir) == ["¶2"]
    after = path.read_text(encoding="utf-8")
    assert "0123456789ab" not in after
    assert after == VALID  # the stale line replaced in place, nothing else touched


def test_stamp_without_a_translation_file_is_an_error(tdir):
    with pytest.raises(translations.TranslationError) as info:
        translations.stamp(_doc(), directory=tdir)
    assert info.value.path == tdir / "demo.yaml" and "no translation file to stamp" in info.value.message


# --- rendering --------------------------------------------------------------------------

ENTRY = bibliography.Entry("demo", "article", {"title": "示例", "journal": "刊"}, ["作者"], RAW_DIR, 1)


@pytest.fixture
def rendered(tdir):
    (tdir / "demo.yaml").write_text(VALID, encoding="utf-8")
    translation = translations.load("demo", tdir)
    return render_page(_doc(), ENTRY, "x.txt", "0" * 64, translation), translation


def _para(page: str, n: int) -> str:
    """The rendered ¶n: from its anchor to the next paragraph (or the footnotes after the last)."""
    start = page.index(f'id="p-{n}"')
    following = [i for i in (page.find('<div class="src-para', start), page.find("[^demo-1]:", start)) if i > 0]
    return page[start : min(following)]


def test_bilingual_paragraph_has_chinese_and_english_columns_with_languages(rendered):
    page, _ = rendered
    for n in (1, 2, 3):
        para = _para(page, n)
        assert '<div class="src-zh" lang="zh-Hans" markdown>' in para
        assert '<div class="src-en" lang="en" markdown>' in para
        assert para.index('class="src-zh"') < para.index('class="src-en"')
    assert '<div class="src-para src-para--bilingual" id="p-1" data-para="1" markdown>' in page
    assert "hold to the path of the rule of law." in _para(page, 3)


def test_english_page_marker_has_no_id_and_gap_reads_brackets(rendered):
    page, _ = rendered
    para = _para(page, 2)
    zh = para[para.index('class="src-zh"') : para.index('class="src-en"')]
    en = para[para.index('class="src-en"') :]
    assert '<span class="src-page" id="page-12"' in zh
    assert '<span class="src-page" title="Printed page 12 begins">' in en and 'id="page-' not in en
    assert page.count('id="page-12"') == 1  # one anchor per printed page
    assert "〔…〕</span>" in zh and "[…]</span>" in en and "〔…〕" not in en


def test_headings_and_footnotes_show_both_languages(rendered):
    page, _ = rendered
    assert ('## <span class="src-zh" lang="zh-Hans">一、引言</span> <span class="src-en" lang="en">1. Introduction</span>'
            in page)
    footnote = next(line for line in page.split("\n") if line.startswith("[^demo-1]:"))
    assert FN1 in footnote and '<span class="src-en src-fn-en" lang="en"><br>The footnote\'s text.</span>' in footnote


def test_language_control_has_three_choices_and_both_is_the_default(rendered):
    page, _ = rendered
    inputs = re.findall(r'<input type="radio" name="src-lang"[^>]*>', page)
    assert len(inputs) == 3
    assert {re.search(r'value="(\w+)"', i).group(1) for i in inputs} == {"both", "zh", "en"}
    checked = [i for i in inputs if re.search(r"\schecked\b", i)]
    assert len(checked) == 1 and 'value="both"' in checked[0]


def test_page_without_translation_has_no_language_control_and_no_english():
    page = render_page(_doc(), ENTRY, "x.txt", "0" * 64)
    assert 'name="src-lang"' not in page and 'class="src-en' not in page and "src-para--bilingual" not in page


def test_index_gets_the_english_of_each_translated_paragraph(rendered):
    _, translation = rendered
    index = json.loads(json.dumps(paragraph_index(_doc(), translation), ensure_ascii=False))
    en = [p.get("en") for p in index["paragraphs"]]
    assert en[0] == "In June 2021 the US–EU Trade and Technology Council (TTC) was officially launched."
    assert en[1] == "The second paragraph crosses a page, with text missing […] here."
    assert "en" not in paragraph_index(_doc())["paragraphs"][0]


def test_table_translation_renders_as_an_english_table(tdir):
    doc = Document(key="demo", title="示例", blocks=[Table(["", "短期"], [["目标", "术语"]])])
    text = (f"source: demo\nparagraphs:\n  1:\n    source_hash: {_hash(chr(10).join(['', ' | 短期', '目标 | 术语']))}\n"
            "    header: ['', 'Short term']\n    rows: [['Goal', 'Terminology']]\n")
    (tdir / "demo.yaml").write_text(text, encoding="utf-8")
    assert _problems(tdir, None, doc) == []
    page = render_page(doc, ENTRY, "x.txt", "0" * 64, translations.load("demo", tdir))
    assert "|  | Short term |" in page and "| Goal | Terminology |" in page


# --- the repository's own translations (read only) ------------------------------------------

def test_every_chinese_source_in_the_bibliography_has_a_translation():
    entries = bibliography.load()
    specs = pipeline.specs_from(entries)
    assert specs
    for key in specs:
        if entries[key].get("language").lower() not in ("english", "en"):
            assert translations.path_for(key).is_file(), key


def test_the_repository_passes_the_translation_check():
    result = subprocess.run([sys.executable, "-m", "reportsite", "check", "--only", "translations"],
                            capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    assert "check translations: ok" in result.stderr


def test_glossary_english_is_matched_as_whole_words():
    from reportsite.translations import _has_phrase

    assert not _has_phrase("fierce competition between them", "pet")
    assert not _has_phrase("a neutral stance", "eu")
    assert _has_phrase("a pet pilot project", "pet")
    assert _has_phrase("maintaining, synergy and prevention effects", "prevention effect")
