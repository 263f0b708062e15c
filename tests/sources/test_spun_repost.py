"""Tests for the spun-repost normalizer (source dai-defence, raw 002)."""

from __future__ import annotations

import re
import unicodedata

import pytest
import yaml

from reportsite.sources.model import GAP, Heading, LayoutError, Paragraph
from reportsite.sources.normalizers import spun_repost as sr
from reportsite.sources.registry import RAW_DIR, SOURCES
from reportsite.sources.text import to_simplified

SPEC = SOURCES["dai-defence"]
DISCLAIMER = "本文為磅礴號(hào)做者或機(jī)構(gòu)正在磅礴舊事上傳並發(fā)布,僅代表該做者或機(jī)構(gòu)概念,不代表磅礴舊事的概念或立場(chǎng),申請(qǐng)磅礴號(hào)請(qǐng)用電腦拜候。"


@pytest.fixture(scope="module")
def raw() -> str:
    return (RAW_DIR / SPEC.raw_name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc(raw):
    return SPEC.normalize(raw)


# ------------------------------------------------------------ unit tests
def test_pinyin_readings_removed():
    text, changes = sr._restore("全球大國正在軍事防務(wù)范疇的成長(zhǎng)。")
    assert "(" not in text and "wù" not in text
    assert any(c.kind == "pinyin-removed" and c.count == 2 for c in changes)


def test_traditional_converted_after_repairs():
    text, _ = sr._restore("歐洲國度的兵器進(jìn)口")
    assert text == "欧洲国家的武器进口"


def test_synonym_swaps_do_not_chain():
    # 合做→合作 and 合作→竞争 in one pass: 合做 must not end as 竞争
    text, changes = sr._restore("國際合做和市場(chǎng)份額合作")
    assert text == "国际合作和市场份额竞争"
    kinds = {(c.before, c.after): c.count for c in changes if c.kind == "spun-synonym"}
    assert kinds[("合做", "合作")] == 1 and kinds[("合作", "竞争")] == 1


def test_genuine_zhengzai_and_context_rules():
    text, _ = sr._restore("歐盟正正在成立機(jī)制,美國正在北約框架下取得進(jìn)展,並獲取手藝")
    assert text == "欧盟正在建立机制，美国在北约框架下取得进展，并获取技术"


def test_deleted_words_marked_never_filled():
    text, changes = sr._restore("美國完成取歐盟、法國、、意大利的磋商")
    assert f"法国、{GAP}、意大利" in text
    gaps = [c for c in changes if c.kind.startswith("gap-")]
    assert len(gaps) == 1 and gaps[0].listed


def test_general_deletion_rules():
    text, _ = sr._restore("遍及所謂、和等價(jià)值不雅")
    assert text == f"普遍所谓{GAP}、{GAP}和{GAP}等价值观"


def test_punctuation_and_decimal_point():
    text, changes = sr._restore("下降了7。5%,聯(lián)盟(EU-U。S。 Research)")
    assert "7.5%" in text and "EU-U.S. Research" in text
    assert "，" in text and "（" in text and "）" in text
    assert sum(1 for c in changes if c.kind == "decimal-point-restored") == 3


def test_mojibake_repaired_inside_pipeline():
    text, changes = sr._restore("美國更是向?yàn)蹩颂m援助了大量無人兵器")
    assert text == "美国更是向乌克兰援助了大量无人武器"
    assert any(c.kind == "mojibake-redecoded" for c in changes)


def test_witness_copy_used_where_less_damaged():
    # copy 1 lost a private-use pair inside the run; copy 2 decodes cleanly
    kept = "幾個(gè)方面??墒牵罋W正在合做中"
    other = "幾個(gè)方面??墒?,美歐正在合做中"
    merged, changes = sr._merge_with_witness(kept, other)
    assert merged == other and changes[0].kind == "mojibake-from-duplicate"
    merged, changes = sr._merge_with_witness(other, kept)
    assert merged == other and changes == []
    # equal damage after repair: the kept copy stays
    merged, changes = sr._merge_with_witness("流程??偟膩碚f,北約", "流程。總的來說,北約")
    assert merged == "流程??偟膩碚f,北約" and changes == []


def test_split_copies_and_disclaimer():
    bodies, discl = sr._split_copies("甲乙。" + DISCLAIMER + "\n甲乙。" + DISCLAIMER)
    assert bodies == ["甲乙。", "甲乙。"] and len(discl) == 2


def test_layout_error_without_disclaimer():
    with pytest.raises(LayoutError):
        sr.normalize("近年來,跟著人工智能手藝的快速成長(zhǎng)。", "dai-defence")


def test_layout_error_when_paragraph_opening_missing(raw):
    garbled = raw.replace("第二,尋求確立", "第二尋求確立")
    with pytest.raises(LayoutError):
        sr.normalize(garbled, "dai-defence")


# ------------------------------------------------------------ the real file
def test_structure(doc):
    paras = doc.paragraphs()
    assert len(paras) == 26
    assert not [b for b in doc.blocks if isinstance(b, Heading)]  # no heading survives
    assert [p.role for p in paras[:3]] == ["repost-intro", "abstract", "body"]
    assert doc.footnotes == {}


def test_title_notice_card(doc):
    assert "戴长征" in doc.title and "复原" in doc.title
    assert "现代国际关系" in doc.notice and "⟦gap⟧" in doc.notice
    assert doc.card["转载声明"].startswith("本文为澎湃号作者或机构在澎湃新闻上传并发布")
    assert doc.card["转载声明"].endswith("申请澎湃号请用电脑访问。")
    assert not any("澎湃" in p.text or "磅礴" in p.text for p in doc.paragraphs())


def test_duplicate_removed(doc, raw):
    kinds = [c.kind for c in doc.changes]
    assert "duplicate-copy-removed" in kinds
    texts = [p.text for p in doc.paragraphs()]
    assert len(texts) == len(set(texts))
    # the originals are exactly the first copy of the raw text
    first = raw.split("\n")[0]
    joined = "".join(p.original for p in doc.paragraphs())
    assert first.startswith(joined) and len(joined) > 0.95 * len(first)


def test_clean_characters(doc):
    text = "\n".join(p.text for p in doc.paragraphs()) + "".join(doc.card.values())
    assert not any("\uff21" <= c <= "\uff5a" or "\uff10" <= c <= "\uff19" for c in text)
    assert not any("\ua000" <= c <= "\ua4cf" for c in text)
    assert not any(unicodedata.category(c) == "Co" for c in text)
    assert not re.search("[àáǎāèéěēìíǐīòóǒōùúǔūǖǘǚǜ]", text), "pinyin left"
    assert [c for c in text if to_simplified(c) != c] == [], "Traditional characters left"
    assert "?" not in text
    assert not re.search(r"[\u4e00-\u9fff][,;()]|[,;()][\u4e00-\u9fff]", text)


def test_no_leftover_spun_vocabulary(doc):
    text = "\n".join(p.text for p in doc.paragraphs())
    entries = yaml.safe_load((sr.RESTORATION_DIR / "spun_synonyms.yaml").read_text(encoding="utf-8"))
    originals = [e["original"] for e in entries]
    left = []
    for e in entries:
        if any(k in e for k in ("before", "not_before", "after", "not_after")):
            continue  # context rules keep some occurrences on purpose
        if any(e["spun"] in o for o in originals):
            continue  # the spun form is also a restored word (swaps)
        if e["spun"] in text:
            left.append(e["spun"])
    assert left == []
    for word in ("手艺", "平安", "合做", "计谋", "尺度", "好处", "劣势", "不雅", "挑和", "做和", "正正在"):
        assert word not in text


def test_known_restorations(doc):
    text = "\n".join(p.text for p in doc.paragraphs())
    for s in ("随着人工智能技术的快速发展", "对外经济贸易大学", "向乌克兰援助", "改变战争方式和形态",
              "国际和平研究所（SIPRI）", "相对于美国的⟦gap⟧性和平等性", "新兴和⟦gap⟧性技术",
              "英国的工业产出下降了7.5%", "EU-U.S. Research Alliance", "。总体而言", "因为单边主义",
              "普遍所谓⟦gap⟧、⟦gap⟧和⟦gap⟧等价值观", "事实上，美欧之间"):
        assert s in text, s


def test_every_gap_has_a_listed_change(doc):
    for p in doc.paragraphs():
        assert isinstance(p, Paragraph)
        n = p.text.count(GAP)
        listed = [c for c in p.changes if c.kind.startswith("gap-") and c.listed]
        assert (n == 0) == (not listed)
        assert len(listed) >= 1 if n else True
        assert n <= sum(c.after.count(GAP) for c in listed) + 0


def test_deterministic(raw, doc):
    again = SPEC.normalize(raw)
    assert [(p.text, p.original, [(c.kind, c.before, c.after, c.count) for c in p.changes])
            for p in again.paragraphs()] == [
        (p.text, p.original, [(c.kind, c.before, c.after, c.count) for c in p.changes]) for p in doc.paragraphs()
    ]
