"""Tests for the 方正 PDF-extraction journal normalizer (source du-alliance)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from reportsite.sources.model import GAP, Change, Heading, LayoutError, Paragraph, Table, footnote_refs, pages_in
from reportsite.sources.normalizers import pdf_journal as pj
from reportsite.sources.registry import RAW_DIR, SOURCES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pdf_journal"
SPEC = SOURCES["du-alliance"]


@lru_cache(maxsize=1)
def raw_text() -> str:
    return (RAW_DIR / SPEC.raw_name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def real_doc():
    return pj.normalize(raw_text(), SPEC.key)


def mini_raw() -> str:
    return (FIXTURES / "mini.txt").read_text(encoding="utf-8")


def all_texts(doc) -> list[str]:
    out = []
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            out.append(b.text)
        elif isinstance(b, Table):
            out += [b.caption, *b.header] + [c for r in b.rows for c in r]
        else:
            out.append(b.text)
    return out + list(doc.footnotes.values()) + list(doc.card.values()) + [doc.title]


def norm(text: str, english: bool = False) -> str:
    return pj.normalize_text(text, english=english, counts=Counter(), listed=[])


# --------------------------------------------------------------------------- unit rules


def test_yi_punctuation_mapped_in_chinese_and_in_english_citations():
    assert norm("随着发展ꎬ合作加深ꎮ 第一ꎻ第二") == "随着发展，合作加深。第一；第二"
    assert norm("Richard Weitzꎬ “China Beginsꎬ” Focusꎬ 14 June", english=True) == \
        "Richard Weitz, “China Begins,” Focus, 14 June"


def test_unknown_yi_syllable_is_a_layout_error():
    with pytest.raises(LayoutError, match="Yi syllable"):
        pj._fold_line("测试\ua000文本", 1, [])


def test_fullwidth_latin_folded_and_counted():
    text, n = pj._fold_line("ＵＳ－ＥＵ ２０２４ １０％", 1, [])
    assert text == "US-EU 2024 10%"
    assert n == 12


def test_private_use_mapped_by_context_or_dropped():
    changes: list[Change] = []
    text, _ = pj._fold_line("Ｓｔｕｄｉｅｓꎬ ２００７\U001001b0", 7, changes)
    assert text.endswith("2007.")
    assert changes[0].kind == "private-use-mapped"
    text, _ = pj._fold_line("甲\ue123乙", 8, changes)
    assert text == "甲乙"
    assert changes[1].kind == "private-use-dropped" and changes[1].listed


def test_spacing_between_chinese_and_latin_removed_inside_latin_kept():
    assert norm("早在 2023 年 11 月ꎬ通过 TTC 合作") == "早在2023年11月，通过TTC合作"
    assert norm("麦卡锡(John McCarthy)认为") == "麦卡锡（John McCarthy）认为"
    assert norm("伯恩斯(R. Nicholas Burns)在") == "伯恩斯（R. Nicholas Burns）在"


def test_chinese_punctuation_restored():
    assert norm("法律———«人工智能法» (AI Act)得到") == "法律——《人工智能法》（AI Act）得到"
    assert norm("主要包括:(1)数字贸易:促进") == "主要包括：（1）数字贸易：促进"
    assert norm("拉丁语“ resilio”ꎬ即") == "拉丁语“resilio”，即"


def test_url_spacing_repaired():
    got = norm("OECDꎬ “Recꎬ” 3 May 2024ꎬ https: / / legal.oecd.org / en / OECD-LEGAL-0449.", english=True)
    assert got == "OECD, “Rec,” 3 May 2024, https://legal.oecd.org/en/OECD-LEGAL-0449."
    assert norm("technology-council / .", english=True) == "technology-council/."


def test_english_citation_spacing():
    assert norm("European Commissionꎬ “ White Paper: A Approach and Trust” .", english=True) == \
        "European Commission, “White Paper: A Approach and Trust”."
    assert norm("The White Houseꎬ “U. S. -EU Joint Statement”", english=True) == "The White House, “U.S.-EU Joint Statement”"


def test_superscript_exponent_restored():
    listed: list[Change] = []
    got = pj.normalize_text("阈值设定为 1025 FLOPsꎬ而", english=False, counts=Counter(), listed=listed)
    assert got == "阈值设定为10⟦sup:25⟧ FLOPs，而"
    assert [c.kind for c in listed] == ["superscript-restored"]
    # an ordinary number before FLOPs is not an exponent
    assert "sup" not in norm("共 500 FLOPs")


def test_acronym_run_into_year_gets_a_space():
    listed: list[Change] = []
    assert pj.normalize_text("TTC2022 年发布", english=False, counts=Counter(), listed=listed) == "TTC 2022年发布"
    assert listed[0].kind == "latin-digit-spacing"


def test_soft_hyphen_join_and_latin_line_join():
    changes: list[Change] = []
    assert pj._join("人工智能(Artificial Intel￣", "ligence)是", changes) == "人工智能(Artificial Intelligence)是"
    assert changes[0].kind == "soft-hyphen-joined" and changes[0].after == "Intelligence"
    assert pj._join("防务伙伴关系(AI", "Partnership for", []) == "防务伙伴关系(AI Partnership for"
    assert pj._join("查(Victor D.", "Cha)将", []) == "查(Victor D. Cha)将"
    assert pj._join("联合国大会以协商一致", "的方式", []) == "联合国大会以协商一致的方式"


def test_em_width_separates_full_and_indented_lines():
    full = "国际关系层面的联盟韧性是指国家通过联盟合作应对冲击、进行政策调整以恢复抵抗风"
    first = "国内外学界主要从五个方面对美欧人工智能合作开展研究:第一ꎬ美国正在拓展"
    assert pj.em_width(full) > pj.FIRST_LINE + 0.5
    assert pj.em_width(first) <= pj.FIRST_LINE + 0.5
    assert pj.em_width("Intelligence") < 7  # Latin is set about half an em wide


def _bl(text: str) -> pj.BodyLine:
    ln = pj.Line(0, text, ls=False, nb=False)
    ln.width = pj.em_width(text)
    return pj.BodyLine(ln, text, None)


def test_paragraph_break_rules():
    full = "甲" * 36 + "ꎮ"  # fills the measure and ends a sentence
    indented = "乙" * 34 + "丙"  # narrower and goes on: an indented first line
    cont = "丁" * 37
    short = "戊" * 10 + "ꎮ"
    run = [_bl(cont), _bl(short), _bl(cont), _bl(full), _bl(indented), _bl(full), _bl(cont)]
    assert pj._para_breaks(run, "no-such-key") == [True, False, True, False, True, False, False]


def test_header_page_digits_are_reversed():
    ln = pj.Line(1, "96　 联盟韧性视域下美国—欧盟人工智能合作发展及其限度", ls=False, nb=False)
    assert pj._header_page(ln, "联盟韧性视域下美国—欧盟人工智能合作发展及其限度") == (69, "title")
    ln = pj.Line(2, "07 欧洲研究　 2024 年第 4 期", ls=False, nb=False)
    assert pj._header_page(ln, "x") == (70, "journal")


# --------------------------------------------------------------------------- mini fixture


def test_mini_fixture_end_to_end():
    doc = pj.normalize(mini_raw(), "mini")
    assert doc.title == "测试文章标题用于检验规则是否正确"
    paras = doc.paragraphs()
    assert [p.role for p in paras] == ["abstract", "body", "body", "body"]
    assert paras[0].text == "⟦page:10⟧本文检验一个测试用的规则集合，覆盖页眉、脚注与分页。"
    # sentence across the page break rejoined, page mark at the exact join, footnotes renumbered
    assert paras[1].text == ("麦卡锡认为，人工智能（Artificial Intelligence）是一种科学。[^1]欧盟将阈值设定为"
                             "10⟦sup:25⟧ FLOPs，并且《人工智能法》在2024年通过了审议和⟦page:11⟧批准，"
                             "这句话跨越了页面。[^2]")
    assert paras[2].text == "第二段从这里开始，并且在下一页继续展开讨论的内容与⟦page:12⟧结论部分。"
    assert paras[3].text == "第三段在第十二页。[^3]结束。[^4]"
    assert [h.text for h in doc.blocks if isinstance(h, Heading)] == ["一 引言", "二 结论"]
    assert doc.footnotes == {
        "1": "John Smith, “A Test Citation,” 2024, https://example.org/a-b/.",
        "2": GAP,
        "3": "邱静：《测试论文》，第44-61页。",
        "4": GAP,
    }
    assert doc.card["页码"] == "10—12"
    assert doc.card["期刊"] == "《欧洲研究》2024年第4期"
    assert doc.card["作者"] == "张三" and doc.card["责任编辑"] == "李四"
    kinds = [c.kind for p in paras for c in p.changes if c.listed]
    assert kinds.count("page-break-rejoined") == 2
    assert kinds.count("gap-footnote-text") == 2
    assert "soft-hyphen-joined" in kinds


def test_missing_running_headers_is_a_layout_error():
    raw = "\n".join(l for l in mini_raw().splitlines() if "测试文章标题" not in l and "欧洲研究" not in l)
    with pytest.raises(LayoutError):
        pj.normalize(raw, "mini")


def test_footnote_markers_out_of_sequence_is_a_layout_error():
    raw = mini_raw().replace("结束ꎮ②", "结束ꎮ④")
    with pytest.raises(LayoutError, match="out of sequence"):
        pj.normalize(raw, "mini")


def test_missing_abstract_is_a_layout_error():
    raw = mini_raw().replace("内容提要:", "")
    with pytest.raises(LayoutError, match="内容提要"):
        pj.normalize(raw, "mini")


def test_headers_disagreeing_with_pages_is_a_layout_error():
    raw = mini_raw().replace("２１　 测试文章", "５１　 测试文章")  # p.15 where p.12 is expected
    with pytest.raises(LayoutError, match="disagree"):
        pj.normalize(raw, "mini")


def test_garbled_layout_is_a_layout_error():
    with pytest.raises(LayoutError):
        pj.normalize("随便一些文字\n\n没有页眉也没有摘要\n", "mini")


# --------------------------------------------------------------------------- the real source


def test_real_output_is_clean():
    doc = real_doc()
    for text in all_texts(doc):
        for ch in text:
            assert not pj.is_fullwidth_alnum(ch), text[:40]
            assert not ("\ua000" <= ch <= "\ua4cf"), text[:40]
            assert unicodedata.category(ch) != "Co", text[:40]
            assert ch not in "«»￣ꎬꎮꎻ①②③④⑤⑥⑦⑧⑨", text[:40]
        # no pinyin (tone-marked Latin) and no HTML
        assert not re.search("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", text)
        assert not re.search(r"</?[a-z]+[ >]", text)
        assert "  " not in text


def test_real_chinese_text_has_no_ascii_cjk_punctuation_or_stray_spaces():
    for p in real_doc().paragraphs():
        if isinstance(p, Paragraph):
            assert "(" not in p.text and ":" not in p.text.replace("⟦page:", "").replace("⟦sup:", "")
            assert not re.search(r"[\u4e00-\u9fff，。] |[ ][\u4e00-\u9fff，。]", p.text), p.text[:30]


def test_real_structure_counts():
    doc = real_doc()
    levels = Counter(b.level for b in doc.blocks if isinstance(b, Heading))
    assert levels == {2: 6, 3: 7, 4: 4}
    heads = [b.text for b in doc.blocks if isinstance(b, Heading)]
    assert heads[0] == "一 引言" and heads[-1] == "六 结语"
    assert "（一）国际关系中的联盟韧性" in heads
    assert "4.应用场景合作：协同构建人工智能技术标准以推进政策实践" in heads
    paras = doc.paragraphs()
    assert len(paras) == 58
    assert sum(isinstance(p, Table) for p in paras) == 1
    assert [p.role for p in paras if isinstance(p, Paragraph)].count("abstract") == 1
    assert doc.title == "联盟韧性视域下美国—欧盟人工智能合作发展及其限度"
    assert doc.card["页码"] == "60—86"
    assert doc.card["作者"] == "杜洞光、李相毅"


def test_real_no_duplicated_paragraphs():
    texts = [p.text for p in real_doc().paragraphs() if isinstance(p, Paragraph)]
    assert len(texts) == len(set(texts))
    sentences = [s for t in texts for s in re.split("(?<=。)", re.sub(r"⟦[^⟧]*⟧|\[\^\d+\]", "", t)) if len(s) > 15]
    assert len(sentences) == len(set(sentences))


def test_real_footnotes_one_to_one_and_in_order():
    doc = real_doc()
    refs = [r for b in doc.blocks if isinstance(b, Paragraph) for r in footnote_refs(b.text)]
    assert refs == [str(i) for i in range(1, 117)]
    assert sorted(doc.footnotes, key=int) == refs
    gaps = [k for k, v in doc.footnotes.items() if v == GAP]
    partial = [k for k, v in doc.footnotes.items() if v.startswith(GAP) and v != GAP]
    assert len(gaps) == 83 and partial == ["41", "52", "76"]
    listed = [c.kind for b in doc.paragraphs() for c in getattr(b, "changes", []) if c.listed]
    assert listed.count("gap-footnote-text") == 83 and listed.count("gap-footnote-partial") == 3


def test_real_footnotes_land_on_their_markers():
    doc = real_doc()

    def para_with(ref: str) -> str:
        return next(b.text for b in doc.blocks if isinstance(b, Paragraph) and f"[^{ref}]" in b.text)

    # p.69 ① Weitz ↔ the Geneva AI talks
    assert doc.footnotes["43"].startswith("Richard Weitz, “China and the United States Begin Official AI Dialogue,”")
    assert "拥有决定性影响力。[^43]" in para_with("43")
    # p.70 ② 邱静 and p.70 ③ the CNAS report
    assert doc.footnotes["47"].startswith("邱静：《欧美数字治理合作")
    assert "《关于应对中国的大西洋路线》[^47]和《应对中国崛起的跨大西洋路线图》[^48]" in para_with("47")
    # p.82 ③ the Ipsos poll behind "61%"
    assert "Six in Ten (61%)" in doc.footnotes["98"] and "61%的受访者表示反对致命的自主武器系统。[^98]" in para_with("98")
    # p.84 ③ Hoffman on hybrid war; ④ (Snorkel AI) lost
    assert doc.footnotes["109"].endswith("Potomac Institute for Policy Studies, 2007.")
    assert "恐怖主义行为等。[^109]" in para_with("109") and doc.footnotes["110"] == GAP
    # p.85 ④ closed-source models
    assert doc.footnotes["114"].startswith("人工智能发展分为开源与闭源两种模式。")
    assert "闭源人工智能模型。[^114]" in para_with("114")
    # fragments from the restoration table
    assert doc.footnotes["41"] == GAP + ("01/16/remarks-and-qa-by-national-security-advisor-jake-sullivan-at-the-"
                                         "2024-world-economic-forum-davos-switzerland/.")
    assert doc.footnotes["76"].startswith(GAP + "各种传感器。") and "数字孪生技术[^76]" in para_with("76")


def test_real_pages_marked_once_in_order_and_sentences_rejoined():
    doc = real_doc()
    pages = []
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            pages += pages_in(b.text)
        elif isinstance(b, Table):
            pages += [p for r in b.rows for c in r for p in pages_in(c)]
    assert pages == list(range(60, 87))
    text = "".join(b.text for b in doc.blocks if isinstance(b, Paragraph))
    for joined in ("以协商一致⟦page:61⟧的方式通过了", "人工智能全球伙伴关系组织（Global Partnership on "
                   "Artificial Intelli⟦page:70⟧gence，GPAI）", "都明⟦page:73⟧显扩大", "此次联合建⟦page:74⟧模并不共享",
                   "预计双方会⟦page:84⟧联合推进", "通过合作增强⟦page:86⟧联盟间抵御风险"):
        assert joined in text
    first = doc.paragraphs()[0]
    assert first.role == "abstract" and first.text.startswith("⟦page:60⟧随着人工智能技术的飞速发展")
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert table.rows[2][0] == "⟦page:72⟧第三次部长级会议（美国马里兰州）"
    rejoined = [c for b in doc.paragraphs() for c in getattr(b, "changes", []) if c.kind == "page-break-rejoined"]
    assert len(rejoined) == 21


def test_real_paragraph_boundaries():
    texts = [p.text for p in real_doc().paragraphs() if isinstance(p, Paragraph)]
    starts = [re.sub(r"⟦page:\d+⟧", "", t)[:20] for t in texts]
    # restoration table: a new paragraph although the line widths are silent
    assert any(s.startswith("基于对美欧跨大西洋传统联盟") for s in starts)
    # by rule: indented first line / full continuation line
    assert any(s.startswith("第一，维系效应。") for s in starts)
    assert any(s.startswith("从欧洲国家内部来看") for s in starts)
    assert not any(s.startswith("基于此，本文重点关注") for s in starts)
    assert not any(s.startswith("换句话说，北约") for s in starts)
    assert not any(s.startswith("美欧合作的目标是") for s in starts)
    assert not any(s.startswith("维系效应是指联盟") for s in starts)


def test_real_numbers_and_latin_names_intact():
    text = "".join(p.text for p in real_doc().paragraphs() if isinstance(p, Paragraph))
    for s in ("10⟦sup:25⟧ FLOPs", "（Katherine Tai）", "（Margrethe Vestager）", "（Artificial Intelligence）",
              "第14110号行政令", "从10%提升至20%", "（US-EU Trade and Technology Council，TTC）", "TTC 2022年发布",
              "（Recommendation of the Council on Artificial Intelligence）", "查（Victor D. Cha）"):
        assert s in text, s


def test_real_table():
    table = next(b for b in real_doc().blocks if isinstance(b, Table))
    assert table.caption == "表1 TTC六次会议（2021年9月—2024年4月）主要内容"
    assert table.header == ["TTC峰会", "时间", "TTC会议及人工智能合作主要成果"]
    assert [r[1] for r in table.rows] == ["2021年9月", "2022年5月", "2022年12月", "2023年5月", "2024年1月", "2024年4月"]
    assert table.rows[4][2].endswith("以加强国际标准制定组织的工作")
    note = real_doc().paragraphs()[real_doc().paragraphs().index(table) + 1]
    assert note.role == "note" and note.text.startswith("资料来源：作者根据白宫与欧盟委员会")


def test_real_document_changes_report_pages_and_headers():
    doc = real_doc()
    hdr = next(c for c in doc.changes if c.kind == "running-header-removed")
    assert hdr.count == 6 and "96→69" in hdr.note and "first page derived as 60" in hdr.note
    assert any(c.kind == "private-use-mapped" for c in doc.changes)
    assert any(c.kind == "footnote-assignment-assumed" and "p.84" in c.note for c in doc.changes)


def test_real_deterministic():
    a = pj.normalize(raw_text(), SPEC.key)
    b = pj.normalize(raw_text(), SPEC.key)
    assert a == b


def test_registry_dispatches_here():
    doc = SPEC.normalize(raw_text())
    assert doc.key == "du-alliance" and len(doc.footnotes) == 116
