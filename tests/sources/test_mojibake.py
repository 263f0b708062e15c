"""Unit tests for reportsite.sources.mojibake on strings corrupted the same way
as the damaged reposts: encode GBK, lose one byte, decode the rest out of step,
fold full-width punctuation to ASCII."""

from __future__ import annotations

from reportsite.sources.model import GAP
from reportsite.sources.mojibake import repair_mojibake

_FOLD = str.maketrans({"，": ",", "；": ";", "！": "!", "？": "?", "：": ":"})


def corrupt(original: str) -> str:
    """Lose the first byte of ``original``'s GBK form and decode the rest."""
    raw = original.encode("gbk")[1:]
    return "?" + raw.decode("gbk", errors="replace").replace("\ufffd", "?").translate(_FOLD)


def test_corrupt_helper_makes_the_known_trace():
    # the helper reproduces a trace seen in the raw repost
    assert corrupt("烏克蘭") == "?蹩颂m"
    assert corrupt("。總的來說") == "??偟膩碚f"


def test_sentence_mark_and_shifted_run():
    garbled = "這一過程" + corrupt("。總的來說") + ",北約"
    fixed, changes = repair_mojibake(garbled)
    assert fixed == "這一過程。總的來說,北約"
    assert [c.kind for c in changes] == ["mojibake-redecoded"]
    assert changes[0].before == "??偟膩碚f"


def test_lost_lead_byte_resolved_by_lexicon():
    garbled = "美國更是向" + corrupt("烏克蘭") + "援助了"
    fixed, changes = repair_mojibake(garbled)
    assert fixed == "美國更是向烏克蘭援助了"
    assert changes[0].after == "烏克蘭"


def test_stray_pinyin_after_lost_byte_is_dropped():
    # '?yàn)' : a lost byte carrying a stray reading, as in the raw file
    fixed, _ = repair_mojibake("美國更是向?yàn)蹩颂m援助了")
    assert fixed == "美國更是向烏克蘭援助了"


def test_undeterminable_character_becomes_gap():
    # 將 (0x8CA2) loses its lead byte; trail 0xA2 fits several common characters
    garbled = "其政策導向" + corrupt("將深刻影響美歐") + "人工"
    fixed, changes = repair_mojibake(garbled)
    assert fixed == f"其政策導向{GAP}深刻影響美歐人工"
    assert changes[0].kind == "gap-mojibake"


def test_folded_fullwidth_punctuation_inside_run():
    # 。 lead lost; ？(A3BF) shows as '?', the run ends at the stray 'W'
    fixed, _ = repair_mojibake("幾個方面??墒?,美歐正在")
    assert fixed == "幾個方面。可是,美歐正在"


def test_clean_text_and_latin_question_marks_untouched():
    for text in ("美歐正在加強合作。", "What? Yes. (AI Act)", "Is it 2024?"):
        fixed, changes = repair_mojibake(text)
        assert fixed == text and changes == []


def test_one_change_per_span():
    text = "這一過程" + corrupt("。總的來說") + ",北約;美國更是向" + corrupt("烏克蘭") + "援助"
    fixed, changes = repair_mojibake(text)
    assert fixed == "這一過程。總的來說,北約;美國更是向烏克蘭援助"
    assert len(changes) == 2
