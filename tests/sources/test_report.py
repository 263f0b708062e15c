"""Tests for the CISS report normalizer (source zhang-roadmap)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.sources.damage import FULLWIDTH_ALNUM, PINYIN, PUA, YI, normalize_real
from reportsite.sources.model import GAP, Document, Heading, LayoutError, Paragraph, Table, footnote_refs
from reportsite.sources.normalizers import report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "report"
MINI = (FIXTURES / "mini.txt").read_text(encoding="utf-8")

MASTHEAD = "2023年第1期（总第40期）\n\n系列之一：\n题目\n\n王一、李二\n\n"
SUMMARY = "这是一段足够长的摘要文字，用来说明本报告的主要内容，包括背景、进展、分歧以及相关启示，并给出若干建议和判断，供读者参考。\n\n"


def mini(body: str) -> Document:
    return report.normalize(MASTHEAD + SUMMARY + "一、第一部分\n\n" + body, "t")


def body_paragraphs(doc: Document) -> list[Paragraph]:
    return [b for b in doc.blocks if isinstance(b, Paragraph) and b.role == "body"]


def kinds(block) -> list[str]:
    return [c.kind for c in block.changes]


# --- unit tests on tiny inputs ------------------------------------------------


def test_masthead_goes_to_card_title_and_subtitle():
    doc = report.normalize(MINI, "t")
    assert doc.title == "测试报告的题目"
    assert doc.subtitle == "测试系列之二"
    assert doc.card["期号"] == "2023年第1期（总第40期）"
    assert doc.card["报告系列"] == "测试研究报告"
    assert doc.card["报告系列（英文）"] == "TEST STUDIES REPORT"
    assert doc.card["编写机构（英文）"] == "CENTER FOR TESTING"
    assert doc.card["作者"] == "王一、李二"
    assert doc.card["作者单位"] == "测试大学研究中心测试项目"
    texts = " ".join(b.text for b in doc.blocks if isinstance(b, (Paragraph, Heading)))
    assert "测试研究报告" not in texts and "TEST" not in texts


def test_duplicate_title_line_removed_and_reported():
    doc = report.normalize(MINI, "t")
    assert [c.kind for c in doc.changes].count("duplicate-title-removed") == 1


def test_back_matter_goes_to_card_and_qr_caption_dropped():
    doc = report.normalize(MINI, "t")
    assert doc.card["发表日期"] == "2023年1月2日"
    assert doc.card["审编"] == "张三"
    assert doc.card["编印"] == "测试大学研究中心"
    assert doc.card["联系电话"] == "010-12345678"
    assert doc.card["网址"] == "http://example.edu.cn"
    assert doc.card["邮箱"] == "test@example.edu.cn"
    assert any(c.kind == "qr-caption-dropped" for c in doc.changes)
    assert not any("扫码" in b.text or "邮箱" in b.text for b in body_paragraphs(doc))


def test_summary_is_first_paragraph_with_abstract_role():
    doc = report.normalize(MINI, "t")
    first = doc.paragraphs()[0]
    assert first.role == "abstract" and first.text.startswith("这是一段足够长的摘要")


def test_headings_levels():
    doc = report.normalize(MINI, "t")
    assert [(h.level, h.text) for h in doc.blocks if isinstance(h, Heading)] == [(2, "一、第一部分"), (3, "（一）小节标题")]


def test_paragraph_cut_by_footnote_block_is_rejoined():
    doc = report.normalize(MINI, "t")
    para = body_paragraphs(doc)[0]
    assert para.text == "第一段正文在这里结束。[^1]第二句[^2]被页面切断了，后文继续。"
    assert "page-break-rejoined" in kinds(para)


def test_colon_ends_paragraph_no_join():
    doc = mini("下列各项如下：\n\n在第一个层面，内容如此。\n")
    assert [p.text for p in body_paragraphs(doc)] == ["下列各项如下：", "在第一个层面，内容如此。"]


def test_sentence_end_before_block_keeps_paragraphs_apart():
    doc = mini("第一段结束了。^①\n\n^① Note.\n\n第二段开始。\n")
    assert [p.text for p in body_paragraphs(doc)] == ["第一段结束了。[^1]", "第二段开始。"]


def test_restoration_data_join_applies():
    doc = mini("第一，战略与理念冲突。一方面，美欧人工智能战略并不一致。\n\n^① N.\n\n对于开发人工智能及其监管工具，美国如此。^①\n\n^① M.\n")
    (para,) = body_paragraphs(doc)
    assert para.text.startswith("第一，战略与理念冲突。") and "一致。对于开发" in para.text
    assert any(c.kind == "page-break-rejoined" and "restoration" in c.note for c in para.changes)


def test_repeated_marker_binds_to_own_page_and_is_renumbered():
    doc = report.normalize(MINI, "t")
    assert doc.footnotes["1"].startswith("“Title One”")
    assert doc.footnotes["3"] == "Second page note."
    para = [p for p in body_paragraphs(doc) if p.text.startswith("第二页")][0]
    assert para.text.endswith("[^3]")
    assert any(c.kind == "footnote-renumbered" and c.before == "^①" for c in para.changes)


def test_missing_definition_becomes_gap_footnote():
    doc = mini("正文引用。^②\n\n^① Only one.\n")
    para = body_paragraphs(doc)[0]
    assert doc.footnotes[footnote_refs(para.text)[0]] == GAP
    assert "gap-footnote-missing" in kinds(para)


def test_footnote_markdown_cleaned():
    doc = report.normalize(MINI, "t")
    assert doc.footnotes["1"] == "“Title One”, Site, https://example.org/a_b."
    assert doc.footnotes["2"] == "Journal 1, https://example.org/x(1)."


def test_table_from_tab_lines():
    doc = report.normalize(MINI, "t")
    (table,) = [b for b in doc.blocks if isinstance(b, Table)]
    assert table.header == ["", "短期", "长期"]
    assert table.rows == [["甲", "做A", "做B"], ["乙", "做C", "做D"]]


def test_layout_error_without_heading():
    with pytest.raises(LayoutError):
        report.normalize(MASTHEAD + SUMMARY + "没有标题的正文。\n", "t")


def test_layout_error_without_title_lines():
    with pytest.raises(LayoutError):
        report.normalize("2023年第1期（总第40期）\n\n" + SUMMARY + "一、部分\n\n正文。\n", "t")


def test_layout_error_on_garbled_layout():
    garbled = re.sub(r"\s+", "", MINI)  # all line structure lost
    with pytest.raises(LayoutError):
        report.normalize(garbled, "t")


# --- the real source ----------------------------------------------------------------



@pytest.fixture(scope="module")
def real() -> Document:
    return normalize_real("zhang-roadmap")


def all_texts(doc: Document) -> list[str]:
    out = [doc.title, doc.subtitle, *doc.footnotes.values(), *doc.card.values()]
    for b in doc.blocks:
        if isinstance(b, Table):
            out += [c for row in [b.header, *b.rows] for c in row]
        else:
            out.append(b.text)
    return out


def test_real_counts(real):
    headings = [b for b in real.blocks if isinstance(b, Heading)]
    assert [h.level for h in headings] == [2, 2, 3, 3, 3, 2, 2]
    assert len(real.paragraphs()) == 27
    assert len(real.footnotes) == 20
    assert sum(isinstance(b, Table) for b in real.blocks) == 1


def test_real_title_subtitle_card(real):
    assert real.title == "美欧人工智能政策协调进程、挑战及启示"
    assert real.subtitle == "美欧数字外交研究系列之一"
    assert real.card["作者"] == "张丁、王星懿、汤文君、郑乐锋、董汀、孙成昊"
    assert real.card["编写机构（英文）"] == "CENTER FOR INTERNATIONAL SECURITY AND STRATEGY TSINGHUA UNIVERSITY"
    assert real.card["邮箱"] == "ciss@tsinghua.edu.cn"
    assert real.paragraphs()[0].role == "abstract"


def test_real_table(real):
    (table,) = [b for b in real.blocks if isinstance(b, Table)]
    assert table.header == ["", "短期目标", "长期目标"]
    assert len(table.rows) == 5 and all(len(r) == 3 for r in table.rows)
    assert table.rows[0][0] == "推动建立具有包容性的合作渠道"


def test_real_clean_characters(real):
    for text in all_texts(real):
        assert not YI.search(text) and not FULLWIDTH_ALNUM.search(text) and not PUA.search(text)
        assert not PINYIN.search(text)
        bare = re.sub(r"\[\^\d+\]", "", text)
        assert "<" not in bare and "^" not in bare and "\t" not in bare and "*" not in bare


def test_real_no_duplicate_paragraphs(real):
    texts = [b.text for b in real.paragraphs() if isinstance(b, Paragraph)]
    assert len(texts) == len(set(texts))


def test_real_footnotes_one_to_one(real):
    refs = [r for b in real.paragraphs() if isinstance(b, Paragraph) for r in footnote_refs(b.text)]
    assert refs == [str(i) for i in range(1, 21)]
    assert set(refs) == set(real.footnotes)
    assert all(t and t != GAP for t in real.footnotes.values())


def test_real_refs_bound_to_own_page(real):
    assert real.footnotes["11"].startswith("Adam Thierer")
    assert real.footnotes["14"].startswith("Alex Engler")
    assert real.footnotes["18"].startswith("“International Competition over Artificial Intelligence.”")
    assert real.footnotes["3"].endswith("EPRS_STU(2022)729507_EN.pdf.")


def test_real_page_breaks_rejoined(real):
    texts = [b.text for b in real.paragraphs() if isinstance(b, Paragraph)]
    assert any("也表明合作意向。[^1]" in t for t in texts)
    assert any("联合路线图对概念、术语的强调" in t for t in texts)
    assert any("全球影响力[^14]，双方监管差异" in t for t in texts)
    assert any(t.startswith("第一，战略与理念冲突。") and "对于开发人工智能" in t for t in texts)
    assert not any(t.startswith(("明合作", "图对概念", "析、", "影响力", "致。", "对于开发")) for t in texts)


def test_real_deterministic(real):
    again = normalize_real("zhang-roadmap")
    assert again == real
