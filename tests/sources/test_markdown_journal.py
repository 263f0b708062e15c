"""Tests for the Markdown journal normalizer (source ye-governance)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.sources.damage import FULLWIDTH_ALNUM, PINYIN, PUA, YI, normalize_real
from reportsite.sources.model import GAP, Document, Heading, LayoutError, Paragraph, footnote_refs
from reportsite.sources.normalizers import markdown_journal

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "markdown_journal"
MINI = (FIXTURES / "mini.md").read_text(encoding="utf-8")

FRONT = "# 题目\n\n□ 王一\n\n〔提 要〕提要文字。\n\n〔关键词〕测试\n\n"


def mini(body: str) -> Document:
    return markdown_journal.normalize(FRONT + body, "t")


def body(doc: Document) -> list[Paragraph]:
    return [b for b in doc.blocks if isinstance(b, Paragraph) and b.role == "body"]


def kinds(block) -> list[str]:
    return [c.kind for c in block.changes]


@pytest.fixture(scope="module")
def fixture_doc() -> Document:
    return markdown_journal.normalize(MINI, "t")


# --- unit tests on tiny inputs ------------------------------------------------


def test_title_note_marker_removed_and_funding_to_card(fixture_doc):
    assert fixture_doc.title == "测试文章的题目"
    assert fixture_doc.card["基金项目"] == "本文系某项目的阶段性成果。"
    assert any(c.kind == "title-note-to-card" for c in fixture_doc.changes)
    assert not any("本文系" in p.text for p in body(fixture_doc))


def test_byline_marker_stripped_authors_in_card(fixture_doc):
    assert fixture_doc.card["作者"] == "王一、李二"
    assert not any("□" in p.text for p in fixture_doc.paragraphs())


def test_front_matter_fields_to_card(fixture_doc):
    card = fixture_doc.card
    assert card["关键词"] == "测试、治理"
    assert card["作者简介"] == "王一，某大学教授\n李二，某大学博士生"
    assert card["中图分类号"] == "D815"
    assert card["文献标识码"] == "A"
    assert card["责任编辑"] == "某某"


def test_issn_hyphen_restored(fixture_doc):
    assert fixture_doc.card["文章编号"].startswith("0452-8832 ")
    assert any(c.kind == "issn-hyphen-restored" for c in fixture_doc.changes)


def test_abstract_paragraph(fixture_doc):
    first = fixture_doc.paragraphs()[0]
    assert (first.role, first.text) == ("abstract", "这是提要，说明文章的内容。")


def test_heading_levels_normalised_by_numbering(fixture_doc):
    headings = [(h.level, h.text) for h in fixture_doc.blocks if isinstance(h, Heading)]
    assert headings == [(2, "一、第一部分"), (3, "（一）第一小节"), (2, "二、第二部分")]


def test_per_page_numbering_relinked_to_unique_ids(fixture_doc):
    texts = [p.text for p in body(fixture_doc)]
    assert texts[0] == "引言段落提到一点。[^1]然后继续说明。"
    assert fixture_doc.footnotes["1"] == "作者：《书名》，出版社2020年版，第1页。"
    assert fixture_doc.footnotes["3"] == "Note $18 on the last page, https://example.org/c."
    assert fixture_doc.footnotes["4"] == "第二条。"


def test_page_end_paragraph_rejoined(fixture_doc):
    para = body(fixture_doc)[1]
    assert para.text == "这一段[^2]在页面末尾被切断了。"
    assert "page-break-rejoined" in kinds(para)


def test_line_starting_with_ref_rejoined(fixture_doc):
    para = body(fixture_doc)[2]
    assert para.text == "结论段落，引用一处[^3]。[^4]这里接着上一段继续。"
    assert "paragraph-rejoined-at-ref" in kinds(para)


def test_halfwidth_comma_between_chinese_fixed():
    (para,) = body(mini("## 一、部分\n\n甲,乙,[^x] and a, b.\n"))
    assert para.text.startswith("甲，乙，")
    assert "a, b." in para.text


def test_url_escapes_removed_in_footnotes(fixture_doc):
    assert fixture_doc.footnotes["2"] == "Someone, Journal, https://example.org/a_b."


def test_sentence_end_before_block_keeps_paragraphs_apart():
    doc = mini("## 一、部分\n\n第一段完。<sup>[1]</sup>\n\n---\n\n[1] N.\n\n第二段。\n")
    assert [p.text for p in body(doc)] == ["第一段完。[^1]", "第二段。"]


def test_block_without_rule_line_is_still_a_footnote_block():
    doc = mini("## 一、部分\n\n前半<sup>[1]</sup>句\n\n[1] N.\n\n后半句。<sup>[1]</sup>\n\n---\n\n[1] M.\n")
    (para,) = body(doc)
    assert para.text == "前半[^1]句后半句。[^2]"
    assert doc.footnotes == {"1": "N.", "2": "M."}


def test_missing_definition_becomes_gap_footnote():
    doc = mini("## 一、部分\n\n正文<sup>[2]</sup>。\n\n---\n\n[1] Only one.\n")
    (para,) = body(doc)
    assert doc.footnotes[footnote_refs(para.text)[0]] == GAP
    assert "gap-footnote-missing" in kinds(para)


def test_layout_error_without_title():
    with pytest.raises(LayoutError):
        markdown_journal.normalize("正文而已。\n\n## 一、部分\n", "t")


def test_layout_error_without_abstract():
    with pytest.raises(LayoutError):
        markdown_journal.normalize("# 题目\n\n〔关键词〕测试\n\n## 一、部分\n\n正文。\n", "t")


def test_layout_error_on_garbled_layout():
    garbled = MINI.replace("\n", " ")  # line structure lost: no '# title' line of its own
    garbled = "x " + garbled
    with pytest.raises(LayoutError):
        markdown_journal.normalize(garbled, "t")


# --- the real source ----------------------------------------------------------------



@pytest.fixture(scope="module")
def real() -> Document:
    return normalize_real("ye-governance")


def test_real_counts(real):
    headings = [b for b in real.blocks if isinstance(b, Heading)]
    assert [h.level for h in headings] == [2, 3, 3, 3, 2, 3, 3, 3, 3, 2, 3, 3, 3, 3, 2, 3, 3, 3, 2]
    assert len(real.paragraphs()) == 48
    assert len(real.footnotes) == 73
    assert real.paragraphs()[0].role == "abstract"


def test_real_title_and_card(real):
    assert real.title == "全球人工智能治理：进展、困境与前景"
    assert real.card["作者"] == "叶淑兰、李孟婷"
    assert real.card["关键词"] == "人工智能、全球治理、大国竞争、人类命运共同体"
    assert real.card["基金项目"].startswith("本文系上海市科学技术委员会重大项目")
    assert real.card["文章编号"].startswith("0452-8832")
    assert real.card["责任编辑"] == "肖莹莹"


def test_real_clean_text(real):
    texts = [real.title, *real.footnotes.values(), *real.card.values()]
    texts += [b.text for b in real.blocks]
    for text in texts:
        bare = re.sub(r"\[\^\d+\]", "", text)
        assert not YI.search(bare) and not FULLWIDTH_ALNUM.search(bare) and not PUA.search(bare)
        assert not PINYIN.search(bare)
        assert "<" not in bare and "\\" not in bare and "*" not in bare and "#" not in bare
        assert "□" not in bare and "〔" not in bare
    for p in real.paragraphs():
        assert not re.search(r"[\u4e00-\u9fff][,;:][\u4e00-\u9fff]", p.text)
        assert not re.search(r"\] |[ ]\[\^", p.text)


def test_real_no_duplicate_paragraphs(real):
    texts = [p.text for p in real.paragraphs()]
    assert len(texts) == len(set(texts))


def test_real_footnotes_one_to_one(real):
    refs = [r for p in real.paragraphs() for r in footnote_refs(p.text)]
    assert refs == [str(i) for i in range(1, 74)]
    assert set(refs) == set(real.footnotes)
    assert all(t and t != GAP for t in real.footnotes.values())
    assert not any(c.kind == "footnote-unreferenced" for c in real.changes)


def test_real_refs_bound_to_own_page(real):
    assert real.footnotes["4"].startswith("吴雁飞")  # [1] of page 2
    assert real.footnotes["34"].startswith("“Asilomar AI Principles,”")  # the wrapped ref
    assert real.footnotes["73"].startswith("《习近平：在中国科学院第十九次院士大会")
    assert real.footnotes["2"].endswith("t20240507_11293821.shtml。")


def test_real_page_breaks_rejoined(real):
    texts = [p.text for p in real.paragraphs()]
    for joined in ("国际权力结构的重新洗牌", "霍金生前更是不无担忧", "全球人工智能走向“善治”与", "模糊不清。2023年3月"):
        assert any(joined in t for t in texts), joined
    assert any("治理原则之一。[^34]近年来" in t for t in texts)
    assert not any(t.startswith(("构的", "财富", "是不无", "分成为", "清。", "治”", "不同，", "近年来")) for t in texts)


def test_real_deterministic(real):
    again = normalize_real("ye-governance")
    assert again == real
