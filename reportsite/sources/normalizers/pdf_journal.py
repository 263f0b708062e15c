"""Normalizer for a Chinese journal article extracted from a 方正-typeset PDF.

Layout of the raw text (e.g. 《欧洲研究》 articles as text-extracted from the PDF):

* every printed line is one raw line, lines separated by blank lines; a line
  that starts a new text *block* (page start, footnote fragment) carries a
  leading space and has no blank line before it;
* Latin letters and digits are full-width (ＵＳ－ＥＵ, ２０２４) and the
  Chinese punctuation ，。； comes out as Yi syllables (ꎬꎮꎻ); 《》 as «»;
* each page's body is followed by a *dump*: the running header (page number
  with its digits reversed + journal name or article title), the footnote
  markers ①②… on lines of their own, and the footnote texts, many of them lost;
* footnote markers restart at ① on every page;
* words split at a line end carry '￣'.

The rules, in order: fold characters (``_prepare``); classify each line as
header / marker / note text / body (``_classify``); cut the body into printed
pages (``_paginate``: a page starts after every dump and at every block start
that the footnote numbering confirms) and number them from the running headers
(``_number_pages``); assign the dumped note texts to the page's markers
(``_page_notes``); then build headings, the table and paragraphs from the body
lines (``_assemble``), where a paragraph ends at a line that ends a sentence and
is visibly short, or is followed by an indented (narrower) first line.
Decisions the raw text cannot support by rule are data in
``bib/restoration/pdf_journal.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from ..model import GAP, Change, Document, Heading, LayoutError, Paragraph, Table, page_mark, sup
from ..registry import REPO_ROOT
from ..text import is_fullwidth_alnum, is_private_use, to_simplified

RESTORATION_FILE = REPO_ROOT / "bib" / "restoration" / "pdf_journal.yaml"

# The 方正 fonts' punctuation glyphs are mapped onto Yi syllables by the PDF
# text layer. Each is mapped to its Chinese form (Chinese text) or to its
# ASCII form (inside an English citation). Any other Yi syllable is an error.
YI_PUNCT_CJK = {"\ua3ac": "，", "\ua3ae": "。", "\ua3bb": "；"}
YI_PUNCT_LATIN = {"\ua3ac": ",", "\ua3ae": ".", "\ua3bb": ";"}
# Private-use code points of the same fonts, with what they stand for by
# context: U+1001B0 ends English citations ("Studies, 2007􀆰") — a full stop.
PRIVATE_USE_MAP = {"\U001001b0": "."}
# Full-width symbols that only occur inside Latin runs (URLs, "US－EU", "10％").
FULLWIDTH_SYMBOLS = "＃％＆＿－"
SOFT_HYPHEN = "￣"  # marks a word split at a line end
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Placeholders used while text is assembled (private-use, never in output):
# footnote reference n → chr(_FN_BASE + n); start of printed page p → chr(_PAGE_BASE + p).
_FN_BASE = 0xE000
_PAGE_BASE = 0xF000
_PH_RE = re.compile("[\ue000-\uf8ff]")

_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_TERMINAL_RE = re.compile(r"[ꎮ。？！?!][”’»）)]*[\ue000-\uefff①-⑳]*$")
_MARKER_ONLY_RE = re.compile(r"^[①-⑳]$")
_JOURNAL_HEADER_RE = re.compile(r"^(\d{1,4})[ \u3000]+(\S+?)[ \u3000]*(\d{4})\s*年第\s*(\d+)\s*期[ \u3000]*$")
_TITLE_HEADER_RE = re.compile(r"^(\d{1,4})[ \u3000]+(\S.*?)[ \u3000]*$")
_ABSTRACT_RE = re.compile(r"^[ \u3000]*(内容提要|内容摘要|摘要|提要)[:：][ \u3000]*")
_KEYWORDS_RE = re.compile(r"^[ \u3000]*(关键词|关键字)[:：][ \u3000]*")
_BIO_RE = re.compile(r"^[(（]作者简介[:：]")
_H2_RE = re.compile(r"^([一二三四五六七八九十]{1,3})[ \u3000]+(\S.*)$")
_H3_RE = re.compile(r"^[(（]([一二三四五六七八九十]{1,3})[)）][ \u3000]*(\S.*)$")
_H4_RE = re.compile(r"^(\d{1,2})[.．][ \u3000]*(\S.*)$")
_CAPTION_RE = re.compile(r"^表[ \u3000]*(\d+)[ \u3000]+(\S.*)$")
_TABLE_SOURCE_RE = re.compile(r"^[ \u3000]*资料来源[:：]")
_DATE_CELL_RE = re.compile(r"^\d{4}[ \u3000]*年([ \u3000]*\d{1,2}[ \u3000]*月)?$")
_NOTE_START_RE = re.compile(r"^([\u4e00-\u9fff·]{2,12}(等)?[:：]«|参见|同上|See |Ibid)")

FULL_LINE = 37.0  # em of a full body line
FIRST_LINE = 35.0  # em of a paragraph's first line (2 em indent)


@dataclass
class Line:
    no: int  # 1-based raw line number
    text: str  # folded, stripped
    ls: bool  # leading space: starts a new text block
    nb: bool  # no blank line before it
    width: float = 0.0
    folded: int = 0  # full-width Latin letters/digits/symbols folded
    kind: str = ""  # header | marker | note | body


@dataclass
class Note:
    page: int  # printed page
    lines: list[Line]
    fragment: bool  # only the tail of a note survived


@dataclass
class Ctx:
    """What the assembly collects besides blocks."""

    doc_changes: list[Change] = field(default_factory=list)
    card: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _restorations() -> dict:
    with open(RESTORATION_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def restorations_for(key: str) -> dict:
    return _restorations().get(key) or {}


# --------------------------------------------------------------------------- characters


def em_width(text: str) -> float:
    """Printed width of a line in em of the body font (Latin is about half an em)."""
    w = 0.0
    prev = ""
    for ch in text:
        if ch == " ":
            w += 0.0 if prev in YI_PUNCT_CJK else 0.25
        elif "A" <= ch <= "Z":
            w += 0.65
        elif ch.isascii() and (ch.isalnum() or ch in ".-%/_#&,'"):
            w += 0.5
        elif ch in CIRCLED:
            w += 0.5
        else:
            w += 1.0
        prev = ch
    return w


def _fold_line(raw: str, no: int, changes: list[Change]) -> tuple[str, int]:
    out = []
    folded = 0
    for ch in raw:
        if is_fullwidth_alnum(ch) or ch in FULLWIDTH_SYMBOLS:
            out.append(unicodedata.normalize("NFKC", ch))
            folded += 1
        elif ch in PRIVATE_USE_MAP:
            out.append(PRIVATE_USE_MAP[ch])
            changes.append(Change("private-use-mapped", ch.encode("unicode_escape").decode(), PRIVATE_USE_MAP[ch],
                                  f"raw line {no}: 方正 private-use glyph read as '{PRIVATE_USE_MAP[ch]}' by context"))
        elif is_private_use(ch):
            changes.append(Change("private-use-dropped", ch.encode("unicode_escape").decode(), "",
                                  f"raw line {no}: unknown private-use glyph dropped"))
        elif "\ua000" <= ch <= "\ua4cf" and ch not in YI_PUNCT_CJK:
            raise LayoutError(f"raw line {no}: Yi syllable {ch!r} (U+{ord(ch):04X}) is not a known punctuation glyph")
        else:
            out.append(ch)
    return "".join(out), folded


def _prepare(raw: str, ctx: Ctx) -> list[Line]:
    lines: list[Line] = []
    prev_blank = True
    for no, raw_line in enumerate(raw.splitlines(), 1):
        if not raw_line.strip():
            prev_blank = True
            continue
        text, folded = _fold_line(raw_line, no, ctx.doc_changes)
        stripped = text.strip(" \t\u3000")
        ln = Line(no, stripped, ls=raw_line[:1] in " \t", nb=not prev_blank, folded=folded)
        ln.width = em_width(text.strip(" \t"))
        lines.append(ln)
        prev_blank = False
    if not lines:
        raise LayoutError("no text lines")
    return lines


def _terminal(text: str) -> bool:
    return bool(_TERMINAL_RE.search(text))


def _latin_dominant(text: str) -> bool:
    letters = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    cjk = len(_CJK_RE.findall(text))
    return letters >= 3 and letters * 0.55 > cjk


def _looks_like_note(ln: Line) -> bool:
    """A footnote line: set in a smaller font (wider than the body measure), English, or a citation start."""
    return _latin_dominant(ln.text) or ln.width > 41.5 or bool(_NOTE_START_RE.match(ln.text))


def _note_ended(text: str) -> bool:
    return bool(re.search(r"[.。ꎮ]$", text.rstrip()))


# --------------------------------------------------------------------------- structure


def _running_title(lines: list[Line]) -> str:
    counts: Counter[str] = Counter()
    for ln in lines:
        m = _TITLE_HEADER_RE.match(ln.text)
        if m and not _JOURNAL_HEADER_RE.match(ln.text):
            rest = m.group(2)
            if len(_CJK_RE.findall(rest)) >= 8 and not re.search("[ꎬꎮꎻ，。；]", rest):
                counts[rest] += 1
    repeated = [t for t, n in counts.items() if n >= 2]
    if len(repeated) != 1:
        raise LayoutError(f"expected one running article title in the page headers, found {len(repeated)}")
    return repeated[0]


def _header_page(ln: Line, title: str) -> tuple[int, str] | None:
    """(printed page, kind) for a running header line, else None. Page digits are reversed."""
    m = _JOURNAL_HEADER_RE.match(ln.text)
    if m:
        return int(m.group(1)[::-1]), "journal"
    m = _TITLE_HEADER_RE.match(ln.text)
    if m and m.group(2) == title:
        return int(m.group(1)[::-1]), "title"
    return None


def _classify(lines: list[Line], title: str) -> None:
    in_dump = False
    note_open = False
    for ln in lines:
        if _header_page(ln, title):
            ln.kind, in_dump, note_open = "header", True, False
        elif _MARKER_ONLY_RE.match(ln.text):
            ln.kind, in_dump, note_open = "marker", True, False
        else:
            note_like = _looks_like_note(ln) or note_open
            if in_dump and note_like:
                ln.kind = "note"
            elif not in_dump and ln.ls and ln.nb and _looks_like_note(ln):
                ln.kind, in_dump = "note", True  # a dump of which only a fragment survived
            else:
                ln.kind, in_dump = "body", False
            note_open = ln.kind == "note" and not _note_ended(ln.text)


def _markers(text: str) -> list[int]:
    return [CIRCLED.index(ch) + 1 for ch in text if ch in CIRCLED]


def _paginate(lines: list[Line], ctx: Ctx) -> list[int]:
    """Segment index (0-based page of the article) for every line."""
    seg = 0
    seg_markers = 0
    after_dump = False
    out: list[int] = []
    body_idx = [i for i, ln in enumerate(lines) if ln.kind == "body"]
    prev_body: Line | None = None
    for i, ln in enumerate(lines):
        if ln.kind != "body":
            after_dump = after_dump or prev_body is not None
            out.append(seg)
            continue
        new_page = False
        if prev_body is not None:
            if after_dump:
                new_page = True
            elif ln.ls and ln.nb:
                later = [m for j in body_idx if j >= i for m in _markers(lines[j].text)]
                if not _terminal(prev_body.text):
                    new_page = True  # a block start in mid-sentence: only a page break does that
                elif seg_markers and later and later[0] == 1:
                    new_page = True  # the footnote numbering restarts
                else:
                    ctx.doc_changes.append(Change(
                        "block-start-not-page", ln.text[:12], "",
                        f"raw line {ln.no} starts a text block but the footnote numbering does not restart: "
                        "kept on the same page", listed=False))
        if new_page:
            seg += 1
            seg_markers = 0
        seg_markers += len(_markers(ln.text))
        after_dump = False
        prev_body = ln
        out.append(seg)
    return out


def _number_pages(lines: list[Line], segs: list[int], title: str, ctx: Ctx) -> int:
    """The printed number of the first page, derived from every running header."""
    firsts = []
    seen = []
    for ln, s in zip(lines, segs):
        hp = _header_page(ln, title) if ln.kind == "header" else None
        if hp:
            firsts.append(hp[0] - s)
            seen.append(f"{ln.text.split()[0]}→{hp[0]}")
    if not firsts:
        raise LayoutError("no running header with a page number: cannot number the pages")
    if len(set(firsts)) != 1:
        raise LayoutError(f"running headers disagree with the page segmentation (first page would be {sorted(set(firsts))})")
    first = firsts[0]
    ctx.doc_changes.append(Change(
        "running-header-removed", f"{len(firsts)} headers", "",
        f"page numbers printed reversed: {', '.join(seen)}; first page derived as {first}", listed=False,
        count=len(firsts)))
    return first


# --------------------------------------------------------------------------- notes


def _page_notes(lines: list[Line], segs: list[int], first: int) -> dict[int, list[Note]]:
    notes: dict[int, list[Note]] = {}
    cur: Note | None = None
    for ln, s in zip(lines, segs):
        if ln.kind != "note":
            cur = None
            continue
        page = first + s
        starts = cur is None or _note_ended(cur.lines[-1].text) or ln.ls
        if starts:
            cur = Note(page, [ln], fragment=ln.ls)
            notes.setdefault(page, []).append(cur)
        else:
            cur.lines.append(ln)
    return notes


def _assign_notes(page: int, markers: list[int], texts: list[Note], key: str,
                  ctx: Ctx) -> dict[int, Note | None]:
    """Marker number → note text on one page."""
    out: dict[int, Note | None] = {m: None for m in markers}
    rest = list(texts)
    for frag in restorations_for(key).get("footnote_fragments") or []:
        if frag["page"] != page:
            continue
        hit = [n for n in rest if _note_plain(n).startswith(frag["starts_with"])]
        if len(hit) != 1 or frag["marker"] not in out:
            raise LayoutError(f"p.{page}: restoration entry for fragment {frag['starts_with']!r} does not match")
        out[frag["marker"]] = hit[0]
        rest.remove(hit[0])
    free = [m for m in markers if out[m] is None]
    if len(rest) > len(free):
        raise LayoutError(f"p.{page}: {len(texts)} footnote texts for {len(markers)} markers")
    if rest and len(rest) < len(free):
        ctx.doc_changes.append(Change(
            "footnote-assignment-assumed", "", "",
            f"p.{page}: {len(rest)} note texts for {len(free)} markers; assigned in order from the first, "
            "the missing ones taken to be the last"))
    for m, n in zip(free, rest):
        out[m] = n
    return out


def _join_note(note: Note) -> tuple[str, list[tuple[str, str]]]:
    text = ""
    hyphens = []
    for ln in note.lines:
        t = ln.text
        if not text:
            text = t
        elif text.endswith(SOFT_HYPHEN):
            left = re.search(r"[A-Za-z]*$", text[:-1]).group(0)
            right = re.match(r"[A-Za-z]*", t).group(0)
            hyphens.append((f"{left}{SOFT_HYPHEN}|{right}", left + right))
            text = text[:-1] + t
        elif text[-1] in "-/_:" or _CJK_RE.match(text[-1]) or _CJK_RE.match(t[0]):
            text += t
        else:
            text += " " + t
    return text, hyphens


def _note_plain(note: Note) -> str:
    text, _ = _join_note(note)
    english = len(_CJK_RE.findall(text)) < 4
    return _PH_RE.sub("", normalize_text(text, english=english, counts=Counter(), listed=[]))


# --------------------------------------------------------------------------- text normalisation


def _is_latin_left(ch: str, english: bool) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".,;!?%&'-/") or (english and ch in "’”:)")


def _is_latin_right(ch: str, english: bool) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "&") or (english and ch in "“‘(")


def _normalize_spaces(text: str, english: bool) -> tuple[str, int]:
    """Keep a single space only between Latin/digit runs; none between CJK and Latin/digits."""
    # whitespace around placeholders counts once, before them
    text = re.sub(r"[ \u3000]*([\ue000-\uf8ff]+)[ \u3000]*",
                  lambda m: (" " if m.group(0) != m.group(1) else "") + m.group(1), text)
    out: list[str] = []
    removed = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \u3000\t":
            j = i
            while j < n and text[j] in " \u3000\t":
                j += 1
            left = next((c for c in reversed(out) if not _PH_RE.match(c)), "")
            right = next((c for c in text[j:] if not _PH_RE.match(c) and c not in " \u3000\t"), "")
            if left and right and _is_latin_left(left, english) and _is_latin_right(right, english):
                out.append(" ")
                removed += (j - i) - 1
            else:
                removed += j - i
            i = j
        else:
            out.append(ch)
            i += 1
    return "".join(out), removed


def _fix_url(m: re.Match) -> str:
    return re.sub(r"\s+", "", m.group(0))


def normalize_text(text: str, *, english: bool, counts: Counter, listed: list[Change]) -> str:
    """Character-level repairs of one assembled text (placeholders are left in place)."""
    yi_map = YI_PUNCT_LATIN if english else YI_PUNCT_CJK
    n_yi = sum(text.count(c) for c in yi_map)
    if n_yi:
        counts["yi-punctuation"] += n_yi
        for c, r in yi_map.items():
            text = text.replace(c, r)
    if english:
        text = re.sub(r"([,;])(?=[A-Za-z0-9“‘(])", r"\1 ", text)
    # URLs: the extraction spaced out every '/' and some '.'
    text = re.sub(r"https?:[^\u3400-\u9fff，。；（）]*", _fix_url, text)
    if re.fullmatch(r"[\s\w./#%&?=~-]+/[\s\w./#%&?=~-]*", text) and "/" in text and not _CJK_RE.search(text):
        text = re.sub(r"\s+", "", text)  # a surviving URL tail
    # "U. S. -EU" → "U.S.-EU"
    text, k = re.subn(r"\b([A-Z])\. ([A-Z])\. ?-", r"\1.\2.-", text)
    counts["latin-spacing"] += k
    if not english:
        k = text.count("«") + text.count("»")
        if k:
            counts["book-title-marks"] += k
            text = text.replace("«", "《").replace("»", "》")
        k = text.count("(") + text.count(")")
        text = text.replace("(", "（").replace(")", "）")
        text, k2 = re.subn(r"(?<=[^\x00-\x7f\ue000-\uf8ff]):|(?<=[^\x00-\x7f][\ue000-\uf8ff]):", "：", text)
        if k + k2:
            counts["cjk-punctuation"] += k + k2
        text, k = re.subn("———", "——", text)
        if k:
            counts["dash-normalized"] += k
    else:
        text, k = re.subn(r"([“‘]) +", r"\1", text)
        counts["latin-spacing"] += k
    text, removed = _normalize_spaces(text, english)
    if removed:
        counts["spacing"] += removed
    if not english:
        def _year_space(m: re.Match) -> str:
            listed.append(Change("latin-digit-spacing", m.group(0), f"{m.group(1)} {m.group(2)}",
                                 "acronym run into a year: space restored"))
            return f"{m.group(1)} {m.group(2)}"
        text = re.sub(r"(?<![A-Za-z])([A-Z]{2,})(\d{4})(?=年)", _year_space, text)

    def _sup(m: re.Match) -> str:
        listed.append(Change("superscript-restored", m.group(0), f"10^{m.group(1)} {m.group(2)}",
                             "exponent flattened by the extraction (threshold of compute)"))
        return f"10{sup(m.group(1))} {m.group(2)}"

    text = re.sub(r"(?<![\d.,])10(\d{2}) ?(FLOPs?|FLOP/s)\b", _sup, text)
    return text


def finalize_markup(text: str) -> str:
    def rep(m: re.Match) -> str:
        o = ord(m.group(0))
        return page_mark(o - _PAGE_BASE) if o >= _PAGE_BASE else f"[^{o - _FN_BASE}]"
    return _PH_RE.sub(rep, text)


# --------------------------------------------------------------------------- assembly


@dataclass
class BodyLine:
    line: Line
    text: str  # with placeholders
    page_start: int | None  # printed page that begins at this line


def _join(a: str, b: str, changes: list[Change]) -> str:
    a_core = _PH_RE.sub("", a)
    b_core = _PH_RE.sub("", b)
    if a_core.endswith(SOFT_HYPHEN):
        left = re.search(r"[A-Za-z]*$", a_core[:-1]).group(0)
        right = re.match(r"[A-Za-z]*", b_core).group(0)
        changes.append(Change("soft-hyphen-joined", f"{left}{SOFT_HYPHEN}|{right}", left + right,
                              "word split at a line end rejoined"))
        idx = a.rfind(SOFT_HYPHEN)
        return a[:idx] + a[idx + 1:] + b
    if a_core and b_core and b_core[0].isascii() and b_core[0].isalnum() and (
            (a_core[-1].isascii() and a_core[-1].isalnum())
            or (len(a_core) > 1 and a_core[-1] in ".,;:" and a_core[-2].isascii() and a_core[-2].isalnum())):
        return a + " " + b
    return a + b


def _match_any(plain: str, patterns: list[str]) -> bool:
    return any(plain.startswith(p) for p in patterns)


def _line_plain(text: str) -> str:
    return _PH_RE.sub("", normalize_text(text, english=False, counts=Counter(), listed=[]))


def _para_breaks(run: list[BodyLine], key: str) -> list[bool]:
    """For each line of a prose run: does a new paragraph start here?"""
    rules = restorations_for(key).get("paragraph_breaks") or {}
    split_before = rules.get("split_before") or []
    join_before = rules.get("join_before") or []
    starts = [True] + [False] * (len(run) - 1)
    first_of_para = True
    for i in range(1, len(run)):
        a, b = run[i - 1].line, run[i].line
        plain_b = _line_plain(run[i].text)
        if _match_any(plain_b, split_before):
            brk = True
        elif _match_any(plain_b, join_before):
            brk = False
        elif not _terminal(a.text):
            brk = False
        elif a.width < (FIRST_LINE if first_of_para else FULL_LINE) - 2:
            brk = True  # a sentence ends on a short line
        elif b.width > FIRST_LINE + 0.5:
            brk = False  # the next line fills the full measure: no indent
        elif not _terminal(b.text):
            brk = True  # the next line is narrower yet goes on: it is indented
        else:
            # b is narrow and ends a sentence: indented first line or last line?
            c = run[i + 1].line if i + 1 < len(run) else None
            brk = c is not None and c.width > FULL_LINE - 0.5  # b is followed by a full line: b is a first line
        starts[i] = brk
        first_of_para = brk
    return starts


def _count_changes(counts: Counter, folded: int) -> list[Change]:
    out = []
    if folded:
        out.append(Change("fullwidth-latin", "Ａ１", "A1", f"{folded} full-width letters/digits/symbols folded",
                          listed=False, count=folded))
    notes = {
        "yi-punctuation": "Yi syllables ꎬꎮꎻ read as ，。；",
        "book-title-marks": "«» read as 《》",
        "cjk-punctuation": "ASCII ( ) : in Chinese text set full-width",
        "dash-normalized": "——— read as ——",
        "spacing": "extraction spaces between Chinese and Latin/digits removed",
        "latin-spacing": "spacing inside Latin text repaired",
        "traditional-to-simplified": "traditional characters converted (OpenCC t2s)",
    }
    for kind, note in notes.items():
        if counts.get(kind):
            out.append(Change(kind, "", "", f"{counts[kind]}× {note}", listed=False, count=counts[kind]))
    return out


class _Builder:
    def __init__(self) -> None:
        self.blocks: list = []
        self.pending_page = ""  # page placeholder waiting for the next block

    def paragraph(self, lines: list[BodyLine], role: str = "body", strip_label: re.Pattern | None = None) -> None:
        changes: list[Change] = []
        text = ""
        folded = 0
        for k, bl in enumerate(lines):
            t = bl.text
            if k == 0 and strip_label is not None:
                lead = re.match("[\ue000-\uf8ff]*", t).group(0)
                t = lead + strip_label.sub("", t[len(lead):], count=1)
            folded += bl.line.folded
            if k == 0:
                text = self.pending_page + t
                self.pending_page = ""
            else:
                if bl.page_start is not None:
                    tail = _PH_RE.sub("", text)[-10:]
                    head = _PH_RE.sub("", t)[:10]
                    changes.append(Change("page-break-rejoined", f"{tail}｜{head}", _line_plain(tail + head),
                                          f"p.{bl.page_start - 1}→p.{bl.page_start}: text continued after the "
                                          "running header and footnote block"))
                text = _join(text, t, changes)
        counts: Counter = Counter()
        listed: list[Change] = []
        text = normalize_text(text, english=False, counts=counts, listed=listed)
        simplified = to_simplified(text)
        if simplified != text:
            counts["traditional-to-simplified"] += sum(1 for x, y in zip(text, simplified) if x != y)
            text = simplified
        changes = _count_changes(counts, folded) + changes + listed
        if strip_label is not None and lines and strip_label.match(_PH_RE.sub("", lines[0].text)):
            label = strip_label.match(_PH_RE.sub("", lines[0].text)).group(1)
            changes.append(Change("label-removed", label, "", f"heading label “{label}” dropped: the role says it",
                                  listed=False))
        self.blocks.append(Paragraph(text=text, changes=changes, role=role))

    def heading(self, bl: BodyLine, level: int, text: str) -> None:
        lead = "".join(_PH_RE.findall(bl.text))
        self.pending_page += "".join(c for c in lead if ord(c) >= _PAGE_BASE)
        self.blocks.append(Heading(level, text))


def _heading_of(bl: BodyLine) -> tuple[int, str] | None:
    t = _PH_RE.sub("", bl.text)
    if _terminal(t) or bl.line.width > 33:
        return None
    m = _H2_RE.match(t)
    if m:
        title = _line_plain(m.group(2))
        return 2, f"{m.group(1)} {title}"
    m = _H3_RE.match(t)
    if m:
        return 3, f"（{m.group(1)}）{_line_plain(m.group(2))}"
    m = _H4_RE.match(t)
    if m:
        return 4, f"{m.group(1)}.{_line_plain(m.group(2))}"
    return None


def _cell(lines: list[BodyLine], counts: Counter) -> str:
    text = ""
    for bl in lines:
        text = _join(text, bl.text, []) if text else bl.text
    text = normalize_text(text, english=False, counts=counts, listed=[])
    return finalize_markup(to_simplified(text))


def _table(b: _Builder, items: list[BodyLine]) -> None:
    cap = _CAPTION_RE.match(_PH_RE.sub("", items[0].text))
    caption = f"表{cap.group(1)} {_line_plain(cap.group(2))}"
    header_raw = _PH_RE.sub("", items[1].text)
    header_raw = re.sub(r"(?<=[\u4e00-\u9fff])\u3000 ?(?=[\u4e00-\u9fff])", "", header_raw)  # letter-spaced cell
    tokens = header_raw.split()
    header: list[str] = []
    for tok in tokens:  # a Latin token belongs to the Chinese word after it ("TTC 峰会")
        if header and _latin_dominant(header[-1]) and not _CJK_RE.search(header[-1]):
            header[-1] += tok
        else:
            header.append(tok)
    header = [_line_plain(h) for h in header]
    rows: list[list[list[BodyLine]]] = []
    content: list[BodyLine] = []
    for bl in items[2:]:
        t = _PH_RE.sub("", bl.text)
        if _DATE_CELL_RE.match(t):
            # the row label: the line above the date, with the place "(…)" line above that
            label = []
            if content and re.match(r"^[(（].*[)）]$", _PH_RE.sub("", content[-1].text)):
                label.insert(0, content.pop())
            if content:
                label.insert(0, content.pop())
            if rows:
                rows[-1][2] = content
            rows.append([label, [bl], []])
            content = []
        else:
            content.append(bl)
    if not rows:
        raise LayoutError("table without a date column: cannot find its rows")
    rows[-1][2] = content
    if len(header) != 3:
        raise LayoutError(f"table header has {len(header)} columns, rows have 3")
    counts: Counter = Counter()
    out_rows = [[_cell(cell, counts) for cell in row] for row in rows]
    n_fold = sum(bl.line.folded for bl in items)
    changes = _count_changes(counts, 0)
    changes.append(Change("table-rebuilt", "", "", f"{len(out_rows)} rows × 3 cells rebuilt from one raw line per "
                          "cell line", listed=False, count=len(out_rows)))
    if n_fold:
        changes.append(Change("fullwidth-latin", "Ａ１", "A1", f"{n_fold} full-width letters/digits/symbols folded",
                              listed=False, count=n_fold))
    if b.pending_page:
        out_rows[0][0] = finalize_markup(b.pending_page) + out_rows[0][0]
        b.pending_page = ""
    b.blocks.append(Table(header=header, rows=out_rows, caption=caption, changes=changes))


def _assemble(body: list[BodyLine], key: str, ctx: Ctx) -> list:
    b = _Builder()
    i, n = 0, len(body)
    # front matter: everything before the first level-2 heading
    front: list[BodyLine] = []
    while i < n and not (_heading_of(body[i]) or (None, None))[0] == 2:
        front.append(body[i])
        i += 1
    if not front or not _ABSTRACT_RE.match(_PH_RE.sub("", front[0].text)):
        raise LayoutError("the article does not open with a 内容提要/摘要 paragraph")
    abstract: list[BodyLine] = []
    for bl in front:
        t = _PH_RE.sub("", bl.text)
        if _KEYWORDS_RE.match(t):
            ctx.card["关键词"] = _line_plain(_KEYWORDS_RE.sub("", t))
        else:
            abstract.append(bl)
    for para in _split_paragraphs(abstract, key):
        b.paragraph(para, role="abstract", strip_label=_ABSTRACT_RE)
    run: list[BodyLine] = []

    def flush() -> None:
        for para in _split_paragraphs(run, key):
            b.paragraph(para)
        run.clear()

    while i < n:
        bl = body[i]
        t = _PH_RE.sub("", bl.text)
        h = _heading_of(bl)
        if _BIO_RE.match(t):
            flush()
            _end_matter(body[i:], ctx)
            break
        if h:
            flush()
            b.heading(bl, *h)
            i += 1
            continue
        if _CAPTION_RE.match(t):
            flush()
            j = i + 1
            while j < n and not _TABLE_SOURCE_RE.match(_PH_RE.sub("", body[j].text)) \
                    and body[j].line.width < 33:
                j += 1
            _table(b, body[i:j])
            if j < n and _TABLE_SOURCE_RE.match(_PH_RE.sub("", body[j].text)):
                b.paragraph([body[j]], role="note")
                j += 1
            i = j
            continue
        run.append(bl)
        i += 1
    flush()
    if b.pending_page:
        raise LayoutError("a page starts after the last paragraph")
    return b.blocks


def _split_paragraphs(run: list[BodyLine], key: str) -> list[list[BodyLine]]:
    if not run:
        return []
    starts = _para_breaks(run, key)
    paras: list[list[BodyLine]] = []
    for bl, s in zip(run, starts):
        if s:
            paras.append([bl])
        else:
            paras[-1].append(bl)
    return paras


def _end_matter(rest: list[BodyLine], ctx: Ctx) -> None:
    text = ""
    for bl in rest:
        text = _join(text, bl.text, []) if text else bl.text
    text = _PH_RE.sub("", normalize_text(text, english=False, counts=Counter(), listed=[]))
    m = re.match(r"^（作者简介：(.*?)(?:责任编辑：(.*?))?）$", text)
    if not m:
        raise LayoutError(f"unexpected end matter: {text[:40]!r}")
    bio = m.group(1).strip()
    ctx.card["作者简介"] = bio
    names = [part.split("，")[0] for part in re.split("；", bio.rstrip("。")) if "，" in part]
    if names:
        ctx.card["作者"] = "、".join(names)
    if m.group(2):
        ctx.card["责任编辑"] = m.group(2).strip()


# --------------------------------------------------------------------------- entry point


def normalize(raw: str, key: str) -> Document:
    ctx = Ctx()
    lines = _prepare(raw, ctx)
    title = _running_title(lines)
    _classify(lines, title)
    segs = _paginate(lines, ctx)
    first = _number_pages(lines, segs, title, ctx)
    journal = None
    for ln in lines:
        m = _JOURNAL_HEADER_RE.match(ln.text) if ln.kind == "header" else None
        if m:
            journal = (m.group(2), m.group(3), m.group(4))
            break
    last = first + segs[-1]

    # footnote references: per-page ① … → document-unique numbers, in order
    body_lines = [(ln, s) for ln, s in zip(lines, segs) if ln.kind == "body"]
    page_markers: dict[int, list[int]] = {}
    for ln, s in body_lines:
        page_markers.setdefault(first + s, []).extend(_markers(ln.text))
    for page, ms in page_markers.items():
        if ms != list(range(1, len(ms) + 1)):
            raise LayoutError(f"p.{page}: footnote markers out of sequence: {ms}")
    note_texts = _page_notes(lines, segs, first)
    for page in note_texts:
        if page not in page_markers:
            raise LayoutError(f"p.{page}: footnote texts but no markers")
    footnotes: dict[str, str] = {}
    gaps: dict[int, Change] = {}
    ref_of: dict[tuple[int, int], int] = {}
    gid = 0
    for page in sorted(page_markers):
        assigned = _assign_notes(page, page_markers[page], note_texts.get(page, []), key, ctx)
        for m in page_markers[page]:
            gid += 1
            ref_of[(page, m)] = gid
            note = assigned[m]
            if note is None:
                footnotes[str(gid)] = GAP
                gaps[gid] = Change("gap-footnote-text", f"p.{page} {CIRCLED[m - 1]}", GAP,
                                   f"footnote {gid}: its text is missing from the extraction")
                continue
            text, hyphens = _join_note(note)
            english = len(_CJK_RE.findall(text)) < 4
            counts: Counter = Counter()
            listed: list[Change] = []
            text = normalize_text(text, english=english, counts=counts, listed=listed)
            if note.fragment:
                text = GAP + text
                gaps[gid] = Change("gap-footnote-partial", f"p.{page} {CIRCLED[m - 1]}", f"{GAP}{text[len(GAP):][:30]}",
                                   f"footnote {gid}: only the end of its text survived the extraction")
            footnotes[str(gid)] = finalize_markup(to_simplified(text))
            for before, after in hyphens:
                ctx.doc_changes.append(Change("soft-hyphen-joined", before, after, f"footnote {gid}"))
            for ch in listed:
                ch.note = f"footnote {gid}: {ch.note}"
                ctx.doc_changes.append(ch)
            folded = sum(ln.folded for ln in note.lines)
            ctx.doc_changes.extend(
                Change(c.kind, c.before, c.after, f"footnote {gid}: {c.note}", listed=False, count=c.count)
                for c in _count_changes(counts, folded))

    # body lines with placeholders
    body: list[BodyLine] = []
    prev_seg = None
    for ln, s in body_lines:
        page = first + s
        text = ln.text

        def ref(m: re.Match, page: int = page) -> str:
            return chr(_FN_BASE + ref_of[(page, CIRCLED.index(m.group(0)) + 1)])

        text = re.sub(f"[{CIRCLED}]", ref, text)
        page_start = page if s != prev_seg else None
        if page_start is not None:
            text = chr(_PAGE_BASE + page) + text
        body.append(BodyLine(ln, text, page_start))
        prev_seg = s

    blocks = _assemble(body, key, ctx)

    # attach gap changes to the paragraph holding the reference, finalize markup
    for blk in blocks:
        if isinstance(blk, Paragraph):
            for o in sorted({ord(c) - _FN_BASE for c in _PH_RE.findall(blk.text) if ord(c) < _PAGE_BASE}):
                if o in gaps:
                    blk.changes.append(gaps.pop(o))
            blk.text = finalize_markup(blk.text)
    if gaps:
        raise LayoutError(f"footnote references outside paragraphs: {sorted(gaps)}")

    n_headers = sum(1 for ln in lines if ln.kind == "header")
    n_notes = sum(len(v) for v in note_texts.values())
    ctx.doc_changes.append(Change(
        "footnote-dump-extracted", "", "",
        f"{n_notes} footnote texts (of {gid} markers) lifted from the page-end dumps; "
        f"markers restarting on every page renumbered 1–{gid}", listed=False))
    ctx.doc_changes.append(Change(
        "page-marks", "", "", f"{last - first + 1} printed pages {first}–{last}; {n_headers} running headers "
        "removed; page boundaries marked ⟦page:n⟧", listed=False))

    card: dict[str, str] = {}
    if journal:
        card["期刊"] = f"《{journal[0]}》{journal[1]}年第{journal[2]}期"
    card["页码"] = f"{first}—{last}"
    card.update(ctx.card)
    return Document(key=key, title=_line_plain(title), blocks=blocks, footnotes=footnotes, card=card,
                    changes=ctx.doc_changes)
