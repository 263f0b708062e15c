"""Normalizer for a machine-"spun" 澎湃号 repost (source ``dai-defence``).

The raw file is a repost of an article by 戴长征 and 戴雯静 in 《现代国际关系》
that went through several kinds of damage; each is undone by a rule, in this
order, paragraph by paragraph (each step's traces are reported as Changes):

1. *Duplicate copy.*  The text appears twice, each copy ending with the 澎湃号
   disclaimer.  The first copy is kept; the second serves as a witness: where
   the copies differ (only in mojibake), the reading whose repair leaves less
   damage is used ("mojibake-from-duplicate").  The disclaimer goes to the card.
2. *Paragraphs.*  The repost is one line without headings; paragraph openings
   are data (``bib/restoration/spun_paragraphs.yaml``).  ``Paragraph.original``
   is the kept copy's raw text of that paragraph.
3. *Mojibake* (shifted GBK) → :func:`reportsite.sources.mojibake.repair_mojibake`
   on the Traditional text (before pinyin removal: stray readings mark lost bytes).
4. *Pinyin readings* "(zhǎng)" after characters are removed.
5. *Traditional → Simplified* (OpenCC), plus the particle 著→着 OpenCC leaves.
6. *Punctuation*: ASCII ,;() in Chinese text → ，；（）; "。" inside Latin
   abbreviations and decimals → "." (U.S., 7.5%).
7. *Spun synonyms* → ``bib/restoration/spun_synonyms.yaml`` in one pass,
   longest first ("spun-synonym", one Change per entry and paragraph with count).
8. *Deleted words* → ⟦gap⟧ by general rules (、、, 、和, 和。 …) and the sites in
   ``bib/restoration/spun_deletions.yaml`` ("gap-deleted").
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from ..model import GAP, Change, Document, LayoutError, Paragraph
from ..mojibake import repair_mojibake
from ..registry import REPO_ROOT
from ..text import to_simplified

RESTORATION_DIR = REPO_ROOT / "bib" / "restoration"

_PY = "a-zü\u00e0-\u00fc\u0101\u0113\u011b\u012b\u014d\u016b\u01ce\u01d0\u01d2\u01d4\u01d6\u01d8\u01da\u01dc"
_TONE = "\u00e0-\u00fc\u0101\u0113\u011b\u012b\u014d\u016b\u01ce\u01d0\u01d2\u01d4\u01d6\u01d8\u01da\u01dc"
# a reading in parentheses with at least one tone-marked letter (or a neutral
# syllable made only of pinyin letters directly after a CJK character)
PINYIN_RE = re.compile(rf"(?<=[\u3400-\u9fff])\((?=[{_PY}]*[{_TONE}])[{_PY}]+\)")
# the 澎湃号 disclaimer, in its spun Traditional form (and tolerant of the plain form)
DISCLAIMER_RE = re.compile(
    r"本文[為为][^。\n]{0,40}?[號号][^。\n]{0,60}?上[傳传][並并]?[發发][^。\n]*?"
    r"(?:拜候|訪問|访问)(?:\([^)]*\))?。"
)
_CJK = "\u3400-\u9fff"


# ----------------------------------------------------------------- data
@dataclass(frozen=True)
class _Synonym:
    spun: str
    original: str
    why: str
    regex: str


@lru_cache(maxsize=1)
def _synonyms() -> tuple[list[_Synonym], re.Pattern[str]]:
    data = yaml.safe_load((RESTORATION_DIR / "spun_synonyms.yaml").read_text(encoding="utf-8"))
    entries: list[_Synonym] = []
    for e in data:
        rx = re.escape(e["spun"])
        if e.get("before"):
            rx = f"(?<={e['before']})" + rx
        if e.get("not_before"):
            rx = f"(?<!{e['not_before']})" + rx
        if e.get("after"):
            rx += f"(?={e['after']})"
        if e.get("not_after"):
            rx += f"(?!{e['not_after']})"
        entries.append(_Synonym(e["spun"], e["original"], e["why"], rx))
    # longest spun form first; stable for equal lengths (file order)
    entries.sort(key=lambda s: -len(s.spun))
    big = re.compile("|".join(f"(?P<s{i}>{s.regex})" for i, s in enumerate(entries)))
    return entries, big


@lru_cache(maxsize=1)
def _deletions() -> list[dict]:
    data = yaml.safe_load((RESTORATION_DIR / "spun_deletions.yaml").read_text(encoding="utf-8"))
    for e in data:
        e["rx"] = re.compile(e["pattern"])
    return data


@lru_cache(maxsize=1)
def _openings() -> list[dict]:
    return yaml.safe_load((RESTORATION_DIR / "spun_paragraphs.yaml").read_text(encoding="utf-8"))


# ----------------------------------------------------------------- helpers
def _strip_pinyin_with_map(text: str) -> tuple[str, list[int]]:
    """Text without pinyin readings, and for each kept char its raw index."""
    out: list[str] = []
    idx: list[int] = []
    pos = 0
    for m in PINYIN_RE.finditer(text):
        for k in range(pos, m.start()):
            out.append(text[k])
            idx.append(k)
        pos = m.end()
    for k in range(pos, len(text)):
        out.append(text[k])
        idx.append(k)
    return "".join(out), idx


def _split_copies(raw: str) -> tuple[list[str], list[str]]:
    """Body copies and their disclaimers."""
    bodies: list[str] = []
    discl: list[str] = []
    pos = 0
    for m in DISCLAIMER_RE.finditer(raw):
        bodies.append(raw[pos : m.start()].strip())
        discl.append(m.group(0))
        pos = m.end()
    if not bodies:
        raise LayoutError("spun_repost: no 澎湃号 disclaimer found (expected at the end of each copy)")
    if raw[pos:].strip():
        raise LayoutError("spun_repost: text after the last disclaimer: " + raw[pos : pos + 40])
    return bodies, discl


def _damage(text: str) -> int:
    """How damaged a raw paragraph still is after the mojibake repair."""
    fixed, changes = repair_mojibake(text)
    gaps = fixed.count(GAP)
    qmarks = len(re.findall(rf"(?<=[{_CJK}])\?|\?(?=[{_CJK}])", fixed))
    rare = 0
    for ch in fixed:
        if "\u4e00" <= ch <= "\u9fff":
            try:
                b = to_simplified(ch).encode("gb2312")
                if b[0] > 0xD7:
                    rare += 1
            except UnicodeEncodeError:
                rare += 1
    return 3 * gaps + 3 * qmarks + rare


def _merge_with_witness(kept: str, other: str | None) -> tuple[str, list[Change]]:
    """Take the other copy's reading where it leaves less damage."""
    if other is None or other == kept:
        return kept, []
    changes: list[Change] = []
    current = kept
    sm = difflib.SequenceMatcher(None, kept, other, autojunk=False)
    shift = 0
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        a0, a1 = i1 + shift, i2 + shift
        candidate = current[:a0] + other[j1:j2] + current[a1:]
        if _damage(candidate) < _damage(current):
            changes.append(
                Change(
                    kind="mojibake-from-duplicate",
                    before=kept[max(0, i1 - 4) : i2 + 4],
                    after=other[max(0, j1 - 4) : j2 + 4],
                    note="the two copies in the repost differ here; the second copy's bytes decode with less damage",
                )
            )
            current = candidate
            shift += (j2 - j1) - (i2 - i1)
    return current, changes


def _punctuation(text: str) -> tuple[str, int, list[Change]]:
    n = 0
    listed: list[Change] = []

    def dec(m: re.Match[str]) -> str:
        listed.append(Change(kind="decimal-point-restored", before=m.group(0), after=m.group(0).replace("。", "."),
                             note="a full stop produced by the spinner inside a number or Latin abbreviation"))
        return m.group(0).replace("。", ".")

    text = re.sub(r"(?<=[A-Za-z0-9])。(?=[A-Za-z0-9]|\s[A-Za-z])", lambda m: dec(m), text)
    cjk_or_mark = rf"[{_CJK}，。、；：“”《》（）⟦⟧%]"

    def comma(m: re.Match[str]) -> str:
        nonlocal n
        n += 1
        return "，"

    # ASCII comma/semicolon touching Chinese text → full-width
    text, k = re.subn(rf"(?<={cjk_or_mark}),|,(?={cjk_or_mark})", "，", text)
    n += k
    text, k = re.subn(rf"(?<={cjk_or_mark});|;(?={cjk_or_mark})", "；", text)
    n += k
    # commas between Latin words get a following space
    text, k = re.subn(r"(?<=[A-Za-z]),(?=[A-Za-z])", ", ", text)
    n += k
    # parentheses in Chinese running text → full-width
    text, k = re.subn(r"\(", "（", text)
    n += k
    text, k = re.subn(r"\)", "）", text)
    n += k
    return text, n, listed


_PARTICLE_RE = re.compile(r"(?<=[跟随有任结击对制])著")

_GENERAL_GAPS = [
    (re.compile(r"、(?=、)"), "、" + GAP, "empty list item (、、): a word was deleted"),
    (re.compile(r"所谓(?=、)"), "所谓" + GAP, "所谓 directly followed by 、: the first item was deleted"),
    (re.compile(r"、(?=和)"), "、" + GAP, "、 directly followed by 和: an item was deleted"),
    (re.compile(r"和(?=等)"), "和" + GAP, "和 directly followed by 等: the last item was deleted"),
    (re.compile(r"和(?=。)"), "和" + GAP, "sentence ends with 和: the last conjunct was deleted"),
    (re.compile(r"了(?=的)"), "了" + GAP, "了的: the object/attribute between 了 and 的 was deleted"),
    (re.compile(r"，(?=的)"), "，" + GAP, "clause starts with 的: its head word was deleted"),
    (re.compile(r"的(?=，)"), "的" + GAP, "的 directly before a comma: the noun was deleted"),
]


def _apply_synonyms(text: str) -> tuple[str, list[Change]]:
    entries, big = _synonyms()
    counts: dict[int, int] = {}

    def sub(m: re.Match[str]) -> str:
        i = int(m.lastgroup[1:])
        counts[i] = counts.get(i, 0) + 1
        return entries[i].original

    out = big.sub(sub, text)
    changes = [
        Change(kind="spun-synonym", before=entries[i].spun, after=entries[i].original,
               note=f"{counts[i]}× — {entries[i].why}", count=counts[i])
        for i in sorted(counts, key=lambda i: (-len(entries[i].spun), entries[i].spun))
        if entries[i].spun != entries[i].original
    ]
    return out, changes


def _mark_deletions(text: str) -> tuple[str, list[Change]]:
    changes: list[Change] = []
    for e in _deletions():
        mark = e["mark"].replace("{gap}", GAP)

        def sub(m: re.Match[str], e=e, mark=mark) -> str:
            rep = m.expand(mark)
            changes.append(Change(kind=e.get("kind", "gap-deleted"), before=m.group(0), after=rep, note=e["why"]))
            return rep

        text = e["rx"].sub(sub, text)
    for rx, rep, why in _GENERAL_GAPS:
        def sub2(m: re.Match[str], rep=rep, why=why) -> str:
            ctx = m.string[max(0, m.start() - 4) : m.end() + 3]
            changes.append(Change(kind="gap-deleted", before=ctx, after=ctx.replace(m.group(0), rep, 1), note=why))
            return rep

        text = rx.sub(sub2, text)
    return text, changes


def _restore(raw_par: str) -> tuple[str, list[Change]]:
    """Steps 3-8 on one raw paragraph (already merged with the witness)."""
    changes: list[Change] = []
    text, mj = repair_mojibake(raw_par)
    changes += mj
    text, n = PINYIN_RE.subn("", text)
    if n:
        changes.append(Change(kind="pinyin-removed", note=f"{n} inserted pinyin readings removed", listed=False, count=n))
    simp = to_simplified(text)
    n = sum(1 for a, b in zip(text, simp) if a != b)
    text = simp
    if n:
        changes.append(Change(kind="traditional-to-simplified", note=f"{n} characters converted (OpenCC t2s)",
                              listed=False, count=n))
    text, n = _PARTICLE_RE.subn("着", text)
    if n:
        changes.append(Change(kind="traditional-to-simplified", before="著", after="着",
                              note=f"{n} aspect particles 著 left by OpenCC", listed=False, count=n))
    text, n, listed = _punctuation(text)
    changes += listed
    if n:
        changes.append(Change(kind="punctuation-normalized", note=f"{n} ASCII marks made full-width in Chinese text",
                              listed=False, count=n))
    text, syn = _apply_synonyms(text)
    changes += syn
    text, gaps = _mark_deletions(text)
    changes += gaps
    text = re.sub(f"(?:{re.escape(GAP)})+", GAP, text)
    return text, changes


def _paragraph_spans(body: str) -> list[tuple[int, int, dict]]:
    stripped, idx = _strip_pinyin_with_map(body)
    starts: list[tuple[int, dict]] = []
    for spec in _openings():
        op = spec["open"]
        hits = [m.start() for m in re.finditer(re.escape(op), stripped)]
        if len(hits) != 1:
            raise LayoutError(f"spun_repost: paragraph opening {op!r} found {len(hits)} times (expected once)")
        starts.append((idx[hits[0]], spec))
    starts.sort(key=lambda x: x[0])
    if starts[0][0] != 0:
        raise LayoutError("spun_repost: the text does not begin with the first listed paragraph opening")
    spans = []
    for k, (s, spec) in enumerate(starts):
        e = starts[k + 1][0] if k + 1 < len(starts) else len(body)
        spans.append((s, e, spec))
    return spans


def _position_map(sm: difflib.SequenceMatcher, n_a: int, n_b: int) -> list[int]:
    """For each index of the kept copy, the corresponding index in the other copy."""
    m = [0] * (n_a + 1)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        for k in range(i1, i2):
            m[k] = j1 + (k - i1) if op == "equal" else j1
    m[n_a] = n_b
    return m


NOTICE = (
    "本页是一篇经机器“洗稿”（同义词替换）后在澎湃号转载的文章的复原本，并非原文。"
    "原文为对外经济贸易大学戴长征、戴雯静发表于《现代国际关系》的文章，原题未见于转载稿。"
    "转载稿经过同义词替换、繁体转换、插入拼音、GBK 乱码、全文重复和删字等多重损坏；"
    "本页按可核对的规则复原，每段附有转载稿原文以便对照，每处改动列于准备报告。"
    "文中的 ⟦gap⟧ 标记表示转载稿中被删除或无法确定的文字，一律不作猜补。"
    "引用时请以《现代国际关系》原刊为准。"
)
TITLE = "美欧人工智能防务合作（戴长征、戴雯静文章的澎湃号转载稿复原本）"


def normalize(raw: str, key: str) -> Document:
    bodies, discl = _split_copies(raw.strip())
    kept = bodies[0]
    doc_changes: list[Change] = []
    other = None
    if len(bodies) > 1:
        ratio = difflib.SequenceMatcher(None, kept, bodies[1], autojunk=False).ratio()
        if ratio < 0.9:
            raise LayoutError(f"spun_repost: the two copies differ too much (similarity {ratio:.2f})")
        other = bodies[1]
        doc_changes.append(Change(kind="duplicate-copy-removed", before=bodies[1][:20] + "…",
                                  note=f"the repost contains the whole text twice (similarity {ratio:.3f}); "
                                       "the first copy is kept, the second is used only as a witness where the "
                                       "copies' mojibake differs", count=len(bodies) - 1))
    spans = _paragraph_spans(kept)
    pmap = None
    if other is not None:
        pmap = _position_map(difflib.SequenceMatcher(None, kept, other, autojunk=False), len(kept), len(other))
    blocks = []
    for s, e, spec in spans:
        par_raw = kept[s:e]
        other_raw = None
        if pmap is not None and other is not None:
            other_raw = other[pmap[s] : pmap[e]]
        merged, wchanges = _merge_with_witness(par_raw, other_raw)
        text, changes = _restore(merged)
        blocks.append(Paragraph(text=text, original=par_raw, changes=wchanges + changes,
                                role=spec.get("role", "body")))
    disc_text, _ = _restore(discl[0])
    doc_changes.append(Change(kind="repost-disclaimer-to-card", before=discl[0][:20] + "…",
                              note="the 澎湃号 disclaimer at the end of each copy is provenance, moved to the card",
                              count=len(discl)))
    card = {
        "原文作者": "戴长征、戴雯静（对外经济贸易大学国际关系学院）",
        "原文出处": "《现代国际关系》（原题、期号未见于转载稿）",
        "转载平台": "澎湃号（澎湃新闻）",
        "转载声明": disc_text,
    }
    return Document(key=key, title=TITLE, blocks=blocks, card=card, notice=NOTICE, changes=doc_changes)
