"""Tests for the 人民论坛 web-page normalizer (rmlt-proposals)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from reportsite.sources.model import GAP, Heading, LayoutError, Paragraph, footnote_refs
from reportsite.sources.normalizers import web_page
from reportsite.sources.registry import RAW_DIR, SOURCES
from reportsite.sources.text import to_simplified

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "web_page" / "page.txt"
KEY = "rmlt-proposals"


def _paras(doc):
    return [b for b in doc.blocks if isinstance(b, Paragraph)]


def _headings(doc):
    return [b for b in doc.blocks if isinstance(b, Heading)]


def _kinds(doc):
    kinds = [c.kind for c in doc.changes]
    for p in doc.paragraphs():
        kinds += [c.kind for c in p.changes]
    return kinds


@pytest.fixture(scope="module")
def fixture_doc():
    return web_page.normalize(FIXTURE.read_text(encoding="utf-8"), "fixture")


@pytest.fixture(scope="module")
def raw():
    return (RAW_DIR / SOURCES[KEY].raw_name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc(raw):
    return web_page.normalize(raw, KEY)


# ------------------------------------------------------------ unit: fixture


def test_html_and_navigation_dropped(fixture_doc):
    every = " ".join(p.text for p in _paras(fixture_doc)) + " ".join(fixture_doc.card.values())
    assert "<" not in every and "ul id" not in every
    assert "网站地图" not in every and "首页" not in every and "•" not in every
    kinds = [c.kind for c in fixture_doc.changes]
    assert "html-stripped" in kinds and "navigation-dropped" in kinds


def test_title_is_line_before_abstract(fixture_doc):
    assert fixture_doc.title == "数字治理的国际合作"


def test_spam_trailer_dropped_and_not_reproduced(fixture_doc):
    every = " ".join(p.text for p in _paras(fixture_doc)) + " ".join(fixture_doc.card.values())
    assert "精品" not in every and "垃圾" not in every
    spam = [c for c in fixture_doc.changes if c.kind == "spam-dropped"]
    assert len(spam) == 1 and "4 " in spam[0].note and "精品" not in spam[0].before


def test_spam_line_recognised():
    assert web_page._is_spam_line("甲精品| 乙精品 | 丙精品| 丁精品|")
    assert not web_page._is_spam_line("网站首页 | 网站地图")
    assert not web_page._is_spam_line("甲|乙|丙|丁。这是一个句子。")


def test_traditional_converted_to_simplified(fixture_doc):
    p = _paras(fixture_doc)[1]
    assert p.text.startswith("数字治理的国际合作是必然选择。")
    assert any(c.kind == "traditional-to-simplified" for c in p.changes)


def test_zhe_particle_fixed_but_zhu_words_kept():
    assert web_page._fix_zhe("伴随著技术发展,风险显著上升")[0] == "伴随着技术发展,风险显著上升"
    assert web_page._fix_zhe("著名学者的专著")[0] == "著名学者的专著"


def test_zhe_change_is_listed(fixture_doc):
    p = _paras(fixture_doc)[1]
    zhe = [c for c in p.changes if c.kind == "t2s-particle-zhe"]
    assert len(zhe) == 1 and zhe[0].listed and "伴随着" in p.text and "显著" in p.text


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("中国:政府主导", "中国：政府主导"),
        ("特征,部分", "特征，部分"),
        ("《学报》,2025年", "《学报》，2025年"),
        ("会议于10:30开始", "会议于10:30开始"),
        ("指南(2024版)》", "指南（2024版）》"),
        ("基金项目(项目编号:24DTR051)阶段", "基金项目（项目编号：24DTR051）阶段"),
        ("the model (GPT-4) works, fine", "the model (GPT-4) works, fine"),
        ("真的吗?是的!", "真的吗？是的！"),
        ("甲;乙", "甲；乙"),
    ],
)
def test_fullwidth_punct(before, after):
    assert web_page._fullwidth_punct(before)[0] == after


def test_fullwidth_punct_counts_and_skips_markup():
    text, n = web_page._fullwidth_punct("甲,乙[^1],丙")
    assert text == "甲，乙[^1]，丙" and n == 2


def test_standalone_heading_and_runin_label(fixture_doc):
    hs = _headings(fixture_doc)
    assert [(h.level, h.text) for h in hs] == [(2, "主要经济体治理体系比较")]
    paras = _paras(fixture_doc)
    assert paras[2].text.startswith("中国：政府主导的敏捷治理路径。我国")
    assert "（2024版）" in paras[2].text
    assert "10:30" in paras[3].text


def test_heading_rule():
    assert web_page._is_heading("世界主要经济体人工智能治理体系异同及影响分析")
    assert not web_page._is_heading("中国：政府主导、发展安全兼顾的敏捷治理路径。")
    assert not web_page._is_heading("【参考文献】")
    assert web_page._heading_level("（一）治理路径") == 3


def test_abstract_paragraph(fixture_doc):
    first = _paras(fixture_doc)[0]
    assert first.role == "abstract"
    assert first.text == "数字技术具有全球性特征，各国治理路径存在差异。"
    assert [p.role for p in _paras(fixture_doc)[1:]] == ["body"] * 3


def test_card(fixture_doc):
    card = fixture_doc.card
    assert card["关键词"] == "数字治理 国际合作 多边主义"
    assert card["中图分类号"] == "D815" and card["文献标识码"] == "A"
    assert card["作者"] == "作者为某研究基地研究员"
    assert card["注"] == "本文系某基金项目（项目编号：24DTR051）阶段性成果"
    assert card["责编"] == "周小梨" and card["美编"] == "杨玲玲"
    assert card["声明"].startswith("本文为人民论坛杂志社原创内容，")
    assert card["责任编辑"] == "孙垚"
    body = " ".join(p.text for p in _paras(fixture_doc))
    assert "作者为" not in body and "责编" not in body and "关键词" not in body


def test_references_without_markers_go_to_card(fixture_doc):
    assert fixture_doc.footnotes == {}
    assert fixture_doc.card["参考文献"].splitlines() == [
        "①张三：《数字治理》，《人民论坛》，2025年第1期。",
        "②李四：《技术竞争》，《欧洲研究》，2025年第1期。",
    ]


def test_references_with_markers_become_footnotes():
    raw = FIXTURE.read_text(encoding="utf-8").replace("必然選擇。", "必然選擇②。").replace("寬松治理路徑。", "寬松治理路徑①。")
    doc = web_page.normalize(raw, "fixture")
    paras = _paras(doc)
    assert "必然选择[^1]。" in paras[1].text and "宽松治理路径[^2]。" in paras[3].text
    assert doc.footnotes == {"1": "李四：《技术竞争》，《欧洲研究》，2025年第1期。", "2": "张三：《数字治理》，《人民论坛》，2025年第1期。"}
    assert "参考文献" not in doc.card


def test_marker_mismatch_raises():
    raw = FIXTURE.read_text(encoding="utf-8").replace("必然選擇。", "必然選擇③。")
    with pytest.raises(LayoutError):
        web_page.normalize(raw, "fixture")


def test_leftover_private_use_becomes_gap(monkeypatch):
    monkeypatch.setattr(web_page, "repair_mojibake", lambda t: (t, []))
    text, changes = web_page._clean("甲乙\ue24f丙")
    assert text == "甲乙" + GAP + "丙"
    assert [c.kind for c in changes if c.listed] == ["gap-private-use"]


def test_missing_abstract_raises():
    raw = FIXTURE.read_text(encoding="utf-8").replace("【摘要】", "")
    with pytest.raises(LayoutError, match="摘要"):
        web_page.normalize(raw, "fixture")


def test_garbled_back_matter_raises():
    raw = FIXTURE.read_text(encoding="utf-8").replace("責編/周小梨", "這是一段不該出現在文末的正文。\n\n    責編/周小梨")
    with pytest.raises(LayoutError, match="back matter"):
        web_page.normalize(raw, "fixture")


# ------------------------------------------------------------ the real file


def test_real_counts(doc):
    assert doc.title == "人工智能治理国际合作的中国主张"
    assert [h.text for h in _headings(doc)] == [
        "世界主要经济体人工智能治理体系异同及影响分析",
        "三种治理模式的全球影响",
        "全球人工智能治理的中国主张",
    ]
    assert all(h.level == 2 for h in _headings(doc))
    paras = _paras(doc)
    assert len(paras) == 15
    assert [p.role for p in paras].count("abstract") == 1 and paras[0].role == "abstract"
    assert paras[4].text.startswith("中国：政府主导、发展安全兼顾的敏捷治理路径。我国")
    assert paras[-1].text.endswith("更为构建全球人工智能治理新范式提供了实践样本。")


def _all_text(doc):
    parts = [doc.title] + [p.text for p in _paras(doc)] + [h.text for h in _headings(doc)]
    return parts + list(doc.card.values()) + list(doc.footnotes.values())


def test_real_clean_characters(doc):
    for t in _all_text(doc):
        assert not any("\uff10" <= ch <= "\uff19" or "\uff21" <= ch <= "\uff3a" or "\uff41" <= ch <= "\uff5a" for ch in t)
        assert not any(0xA000 <= ord(ch) <= 0xA4CF for ch in t), "Yi syllables"
        assert not any(unicodedata.category(ch) == "Co" for ch in t), "private use"
        assert not re.search(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", t), "pinyin"
        assert not re.search(r"<[a-z/]|&[a-z]+;", t), "html"
        assert "精品" not in t and "•" not in t
        assert not re.search(r"[\u4e00-\u9fff》“”][,:;?!()]|[,:;?!()][\u4e00-\u9fff《“”]", t), "ASCII punct in Chinese"
        assert not re.search(r"\s{2,}", t)


def test_real_change_excerpts_clean(doc):
    changes = list(doc.changes) + [c for p in doc.paragraphs() for c in p.changes]
    for c in changes:
        for t in (c.before, c.after, c.note):
            assert not any(unicodedata.category(ch) == "Co" for ch in t)
            assert "精品" not in t


def test_real_is_simplified(doc):
    for p in _paras(doc):
        assert to_simplified(p.text) == p.text
        assert "著" not in p.text.replace("显著", "")
    assert "孙垚" == doc.card["责任编辑"] and "鲁传颖" in doc.card["参考文献"]


def test_real_no_duplicates_and_footnotes_match(doc):
    texts = [p.text for p in _paras(doc)]
    assert len(texts) == len(set(texts))
    refs = [r for t in texts for r in footnote_refs(t)]
    assert sorted(refs) == sorted(doc.footnotes) and len(refs) == len(set(refs))


def test_real_references_in_card(doc):
    assert doc.footnotes == {}
    lines = doc.card["参考文献"].splitlines()
    assert [ln[0] for ln in lines] == ["①", "②", "③"]
    assert "作者为北京科技创新中心研究基地研究员" == doc.card["作者"]
    assert "24DTR051" in doc.card["注"]


def test_real_mojibake_repaired(doc):
    p = _paras(doc)[4]
    for debris in ("秶", "鞓", "藴", "鼠w", "?!", "？！", GAP):
        assert debris not in p.text
    assert "的技术标准。《国家智能制造标准体系建设指南（2024版）》提出，到2026年" in p.text
    moji = [c for c in p.changes if c.kind == "mojibake-redecoded"]
    assert len(moji) == 1 and moji[0].listed and moji[0].after == "。《國家智能制造標準體"
    assert not any(c.kind.startswith("gap-") for q in doc.paragraphs() for c in q.changes)


def test_pua_span_redecoded_in_step():
    # 。《國家智能制造標準體 in GBK, read one byte out of step: the lead byte
    # of 。 lost ('?'), ！ folded to '!', F8BC kept as U+E24F, 體's trail 'w'.
    assert web_page._redecode_pua_span("?!秶\ue24f抑悄苤圃鞓藴鼠w") == "。《國家智能制造標準體"
    # a reading that is not common text (here AC F8, itself user-defined) is refused
    assert web_page._redecode_pua_span("?,\ue24fw") is None
    # an odd number of bytes cannot be re-paired in step
    assert web_page._redecode_pua_span("?!秶\ue24f抑悄苤圃鞓藴鼠") is None
    text, changes = web_page._repair_pua_mojibake("技術標準?!秶\ue24f抑悄苤圃鞓藴鼠w系建設")
    assert text == "技術標準。《國家智能制造標準體系建設"
    assert [c.kind for c in changes] == ["mojibake-redecoded"]
    assert changes[0].before == "?!秶[U+E24F]抑悄苤圃鞓藴鼠w"


def test_mojibake_in_fixture_line():
    raw = FIXTURE.read_text(encoding="utf-8").replace(
        "我國發布了《標準", "我國發布了技術標準?!秶\ue24f抑悄苤圃鞓藴鼠w系《標準"
    )
    doc = web_page.normalize(raw, "fixture")
    assert "技术标准。《国家智能制造标准体系《标准" in _paras(doc)[2].text


def test_real_navigation_and_spam(doc):
    kinds = [c.kind for c in doc.changes]
    assert {"html-stripped", "navigation-dropped", "spam-dropped", "references-to-card"} <= set(kinds)


def test_real_deterministic(raw, doc):
    again = web_page.normalize(raw, KEY)
    assert again == doc
