"""Repair GBK text that was decoded out of step ("shifted" mojibake).

Some reposted Chinese pages went through a GBK byte stream in which one byte
was lost; the decoder then paired each character's *trail* byte with the next
character's *lead* byte, producing a run of wrong (often rare) characters
until an ASCII byte brought it back in step.  Typical traces::

    '??墒牵罋W'      <- '。可是，美歐'   (lead byte of 。 lost; ？ folded to '?')
    '向?yàn)蹩颂m'     <- '向烏克蘭'       (lead byte 0x9E of 烏 lost)
    '?,F(xiàn)實(shí)上'   <- '。現(xiàn)實(shí)上'

Besides the shift, the damaged pages show three further effects that the
repair has to undo:

* full-width punctuation produced by the bad decoding was later folded to
  ASCII (，→',' ；→';' ！→'!' ？→'?' ：→':'), so each such ASCII mark may
  stand for its GBK full-width form (0xA3xx) or for itself;
* a lost byte is shown as '?', sometimes followed by a stray pinyin reading
  (e.g. '?(shù)', '?yàn)') that an annotation tool attached to it; the whole
  group stands for one unknown byte;
* characters decoded into GBK's user-defined area (private use) were
  stripped, silently removing two bytes.

Algorithm (per span, documented so that results can be audited):

1. *Find spans.*  A span starts at a '?' (with optional stray pinyin) next to
   CJK text and runs over CJK characters, further '?' and folded ASCII
   punctuation; it may end after a stray ASCII byte 0x40-0x7E (the byte that
   brings the decoder back in step, e.g. 'W', 'm', ']'), after a '?' that
   stands before punctuation or CJK text, or before a character carrying a
   pinyin reading (genuine text); hard stops: a Latin word, a digit, other
   ASCII, 16 tokens.  Every such end is a candidate.
2. *Re-decode.*  The span is re-encoded to GBK (each ambiguous ASCII mark
   tried both ways, '?' as an unknown byte or as ？ 0xA3BF) and decoded again
   *in step*: the first unknown byte is the lost lead byte of the first
   original character.  Only if no reading is valid, one stripped two-byte
   private-use character is assumed at each position in turn.
3. *Validate.*  Every fully known character of a reading must be common:
   its Simplified form lies in GB2312 level 1 (rows 0xB0-0xD7), or in level 2
   with a jieba single-character frequency of at least 1000, or it is common
   CJK punctuation.  Readings with a rare character are rejected.
4. *Resolve unknown bytes* (see :func:`_resolve`): (a) a lost lead byte
   before trail byte 0xA3 after a CJK character is read as '。' (0xA1A3) —
   this is how the sentence mark appears in every case whose other copy
   survives intact; (b) a jieba word (≥2 characters, Simplified) covering the
   character and a known neighbour, scored by frequency (×10 per extra
   character), must single out one byte-compatible character (score ≥ 100
   and ≥ 5× the runner-up; two adjacent unknowns only through a word of ≥3
   characters); (c) for an isolated unknown between known characters (and no
   private-use loss assumed), the byte-compatible character that is by far
   the most frequent (≥ 2.5× the runner-up).  Otherwise ⟦gap⟧.
5. *Score.*  A reading's score is the number of its characters covered by
   dictionary words minus 2 per gap and 2 per assumed private-use loss; the
   span end with the best gain over the garbled text wins.  If no reading
   beats the garble, the '?' is still a lost byte: the shortest run is
   replaced by a leading '。' (rule a) if any and one ⟦gap⟧.
   Consecutive gaps are collapsed into one ⟦gap⟧.

Returns the repaired text and one :class:`Change` per span
("mojibake-redecoded", or "gap-mojibake" when a ⟦gap⟧ had to be inserted).
Characters come back as decoded (Traditional stays Traditional); callers
convert to Simplified afterwards.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .model import GAP, Change
from .text import to_simplified

__all__ = ["repair_mojibake", "MojibakeSpan", "find_spans", "redecode"]

# ASCII marks that may be folded full-width punctuation (GBK row 0xA3).
_FOLDED = {",": 0xAC, ";": 0xBB, ":": 0xBA, "!": 0xA1, "?": 0xBF, "(": 0xA8, ")": 0xA9}
_PINYIN_LETTER = "a-zü\u00e0-\u00fc\u0101\u0113\u011b\u012b\u014d\u016b\u01ce\u01d0\u01d2\u01d4\u01d6\u01d8\u01da\u01dc"
# '?' optionally followed by a stray pinyin reading, whose '(' may be eaten.
_Q_RE = re.compile(rf"\?(?:\(?[{_PINYIN_LETTER}]+\))?")
_PINYIN_GROUP_RE = re.compile(rf"\([{_PINYIN_LETTER}]+\)")
_COMMON_PUNCT = set("，。、；：？！“”‘’《》（）—…·")
_MAX_TOKENS = 16
_UNKNOWN = -1


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, int]:
    """jieba's dictionary (Simplified words of 2-4 characters → frequency)."""
    import jieba

    words: dict[str, int] = {}
    path = Path(jieba.__file__).with_name("dict.txt")
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ")
            w = parts[0]
            if 2 <= len(w) <= 4 and all(_is_cjk(c) for c in w):
                words[w] = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
    return words


@lru_cache(maxsize=None)
def _is_common(ch: str) -> bool:
    if ch in _COMMON_PUNCT:
        return True
    if not _is_cjk(ch):
        return False
    s = to_simplified(ch)
    try:
        b = s.encode("gb2312")
    except UnicodeEncodeError:
        return False
    if len(b) != 2 or not 0xB0 <= b[0] <= 0xF7:
        return False
    # GB2312 level 1 (rows 0xB0-0xD7), or a level-2 character jieba sees often
    return b[0] <= 0xD7 or _single_freq().get(s, 0) >= 1000


@lru_cache(maxsize=None)
def _candidates(lead: int, trail: int) -> tuple[str, ...]:
    """All GBK characters matching a pair with one unknown byte (-1)."""
    out = []
    for x in range(0x81, 0xFF):
        pair = bytes([x if lead == _UNKNOWN else lead, x if trail == _UNKNOWN else trail])
        try:
            ch = pair.decode("gbk")
        except UnicodeDecodeError:
            continue
        if len(ch) == 1 and _is_common(ch):
            out.append(ch)
    return tuple(out)


@dataclass
class MojibakeSpan:
    start: int
    end: int
    before: str
    after: str
    gaps: int
    notes: list[str]


# ---------------------------------------------------------------- tokenizing
@dataclass(frozen=True)
class _Tok:
    text: str
    options: tuple[tuple[int, ...], ...]  # byte sequences this token may stand for
    kind: str  # "q" lost byte, "c" char, "p" folded punct, "l" stray letter


def _tokens_from(text: str, pos: int) -> list[_Tok]:
    """Tokens of a possible garbled run starting at ``pos`` (hard stops applied)."""
    toks: list[_Tok] = []
    i = pos
    while i < len(text) and len(toks) < _MAX_TOKENS:
        ch = text[i]
        m = _Q_RE.match(text, i)
        if ch == "?" and m:
            toks.append(_Tok(m.group(0), ((_UNKNOWN,), (0xA3, 0xBF)), "q"))
            i = m.end()
            continue
        if ch in _FOLDED:
            toks.append(_Tok(ch, ((ord(ch),), (0xA3, _FOLDED[ch])), "p"))
            i += 1
            continue
        if "\x40" <= ch <= "\x7e" and ch not in "()":
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if nxt.isascii() and nxt.isalpha():
                break  # a Latin word: hard stop
            toks.append(_Tok(ch, ((ord(ch),),), "l"))
            break  # a stray ASCII byte brings the decoder back in step
        if ch.isascii():
            break
        try:
            b = ch.encode("gbk")
        except UnicodeEncodeError:
            break
        if len(b) != 2:
            break
        if _PINYIN_GROUP_RE.match(text, i + 1):
            break  # an annotated character is genuine text: stop before it
        toks.append(_Tok(ch, (tuple(b),), "c"))
        i += 1
    return toks


# ---------------------------------------------------------------- decoding
def _decode(bs: list[int]) -> list[object] | None:
    """Decode bytes in step; a pair with an unknown byte gives its (lead, trail)."""
    out: list[object] = []
    i = 0
    n = len(bs)
    while i < n:
        b = bs[i]
        if b != _UNKNOWN and b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        if i + 1 >= n:
            return None
        t = bs[i + 1]
        if b == _UNKNOWN or t == _UNKNOWN:
            if t != _UNKNOWN and t < 0x40:
                return None
            if b != _UNKNOWN and b < 0x81:
                return None
            out.append((b, t))
        else:
            try:
                ch = bytes([b, t]).decode("gbk")
            except UnicodeDecodeError:
                return None
            if len(ch) != 1:
                return None
            out.append(ch)
        i += 2
    return out


@lru_cache(maxsize=None)
def _simp(ch: str) -> str:
    s = to_simplified(ch)
    return s if len(s) == 1 else ch


def _word_score(ctx: list[str], k: int) -> tuple[int, int]:
    """Best (length, frequency) of a lexicon word in ctx covering index k."""
    lex = _lexicon()
    best = (0, 0)
    for L in (4, 3, 2):
        for i in range(max(0, k - L + 1), k + 1):
            j = i + L
            if j > len(ctx):
                continue
            w = "".join(ctx[i:j])
            f = lex.get(w)
            if f is not None and (L, f) > best:
                best = (L, f)
    return best


_MIN_SCORE = 100


@lru_cache(maxsize=None)
def _char_freq(ch: str) -> int:
    return _single_freq().get(_simp(ch), 0)


@lru_cache(maxsize=1)
def _single_freq() -> dict[str, int]:
    import jieba

    out: dict[str, int] = {}
    with Path(jieba.__file__).with_name("dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ")
            if len(parts[0]) == 1 and len(parts) > 1 and parts[1].isdigit():
                out[parts[0]] = int(parts[1])
    return out


def _pick(scored: list[tuple[float, tuple[str, ...]]], margin: float = 5.0) -> tuple[str, ...] | None:
    """The clear winner of (score, choice) pairs: ≥ _MIN_SCORE and ≥ margin × the runner-up."""
    scored = sorted(scored, reverse=True)
    if not scored or scored[0][0] < _MIN_SCORE:
        return None
    if len(scored) > 1 and scored[0][0] < margin * scored[1][0]:
        return None
    return scored[0][1]


def _resolve(units: list[object], left: str, right: str, isolated_prior: bool = True):
    """Pick characters for units with an unknown byte; returns (chars, gaps, notes).

    Rules, in order: (1) 。 for a lost lead byte before 0xA3 after a CJK
    character; (2) a lexicon word (≥2 chars, jieba, Simplified) covering the
    unit, adjacent unknown pairs resolved jointly, scored by word frequency
    (×10 per character beyond two); (3) for an isolated unit between known
    characters, the byte-compatible character that is by far the most
    frequent (jieba single-character frequency / 20).  A winner must score
    ≥ 100 and ≥ 5× the runner-up (2.5× for rule 3); otherwise ⟦gap⟧.
    A pair must share a word of ≥3 characters with a known neighbour.
    """
    chars: list[str] = [u if isinstance(u, str) else GAP for u in units]
    gaps = 0
    notes: list[str] = []
    lctx = [_simp(c) for c in left[-3:]]
    rctx = [_simp(c) for c in right[:3]]
    done: set[int] = set()

    def ctx_with(repl: dict[int, str]) -> tuple[list[str], int]:
        seq = [repl.get(k, chars[k]) for k in range(len(chars))]
        return lctx + [_simp(x) if x != GAP else "\u3000" for x in seq] + rctx, len(lctx)

    for k, u in enumerate(units):
        if isinstance(u, str) or k in done:
            continue
        lead, trail = u
        prev = chars[k - 1] if k > 0 else (left[-1:] or "")
        if lead == _UNKNOWN and trail == 0xA3 and prev and _is_cjk(prev):
            chars[k] = "。"
            notes.append("lost lead byte before 0xA3 at a clause end read as 。")
            done.add(k)
    for k, u in enumerate(units):
        if isinstance(u, str) or k in done:
            continue
        lead, trail = u
        if lead == _UNKNOWN and trail == _UNKNOWN:
            gaps += 1
            continue
        group = [k]
        nxt = units[k + 1] if k + 1 < len(units) else None
        if isinstance(nxt, tuple) and k + 1 not in done and not (nxt[0] == _UNKNOWN and nxt[1] == _UNKNOWN):
            group.append(k + 1)
        cand_lists = [_candidates(*units[g]) for g in group]
        scored: list[tuple[float, tuple[str, ...]]] = []
        for combo in itertools.product(*cand_lists):
            repl = dict(zip(group, combo))
            ctx, off = ctx_with(repl)
            best = None
            for g in group:
                L, f = _word_score(ctx, off + g)
                if L < len(group) + (0 if len(group) == 1 else 0) or L < 2:
                    best = None
                    break
                val = f * 10 ** (L - 2)
                best = val if best is None else min(best, val)
            if best is not None:
                # for a pair, one word must cover both units and a known neighbour
                if len(group) == 2:
                    a, b = off + group[0], off + group[1]
                    ok = False
                    for L in (3, 4):
                        for i0 in range(max(0, b - L + 1), a + 1):
                            w = "".join(ctx[i0 : i0 + L])
                            if len(w) == L and "\u3000" not in w and w in _lexicon():
                                ok = True
                    if not ok:
                        continue
                scored.append((best, combo))
        win = _pick(scored)
        if win is not None:
            for g, c in zip(group, win):
                chars[g] = c
                done.add(g)
            notes.append(f"{''.join(win)} chosen by lexicon among byte-compatible characters")
            continue
        if isolated_prior and len(group) == 1:
            prev_ok = k == 0 or isinstance(units[k - 1], str)
            next_ok = k + 1 >= len(units) or isinstance(units[k + 1], str)
            if prev_ok and next_ok:
                win = _pick([(_char_freq(c) / 20, (c,)) for c in cand_lists[0]], margin=2.5)
                if win is not None:
                    chars[k] = win[0]
                    done.add(k)
                    notes.append(f"{win[0]} chosen as by far the most frequent byte-compatible character")
                    continue
        for g in group:
            done.add(g)
        gaps += len(group)
    return chars, gaps, notes


def _coverage(chars: list[str], left: str, right: str) -> int:
    """How many characters of the reading are covered by lexicon words."""
    lctx = [_simp(c) for c in left[-3:]]
    rctx = [_simp(c) for c in right[:3]]
    ctx = lctx + [_simp(c) if c != GAP else "\u3000" for c in chars] + rctx
    off = len(lctx)
    return sum(1 for k in range(len(chars)) if _word_score(ctx, off + k)[0] >= 2)


def _readings(toks: list[_Tok], allow_pua: bool):
    n_amb = sum(1 for t in toks if len(t.options) > 1)
    if n_amb > 7:
        return
    for choice in itertools.product(*[t.options for t in toks]):
        base: list[int] = [b for opt in choice for b in opt]
        if not base or base[0] != _UNKNOWN:
            continue  # the span starts with the lost byte
        variants = [(0, base)]
        if allow_pua:
            variants = [(1, base[:p] + [_UNKNOWN, _UNKNOWN] + base[p:]) for p in range(1, len(base))]
        for pua, bs in variants:
            units = _decode(bs)
            if units is None:
                continue
            if all(isinstance(u, tuple) or _is_common(u) or u.isascii() for u in units):
                yield pua, units


def _best_reading(toks: list[_Tok], left: str, right: str):
    """Best reading: (text, gaps, score, notes) or None."""
    best = None
    for allow_pua in (False, True):
        seen: set[tuple] = set()
        for pua, units in _readings(toks, allow_pua):
            key0 = tuple(units)
            if key0 in seen:
                continue
            seen.add(key0)
            chars, gaps, notes = _resolve(units, left, right, isolated_prior=not pua)
            score = _coverage(chars, left, right) - 2 * gaps - 2 * pua
            text = "".join(chars)
            key = (-score, gaps, text)
            if best is None or key < best[0]:
                best = (key, text, gaps, score, notes)
        if best is not None:
            break
    if best is None:
        return None
    return best[1], best[2], best[3], best[4]


def redecode(span: str, left: str = "", right: str = ""):
    """Best in-step reading of a garbled span: (text, gaps, score, notes) or None."""
    toks = _tokens_from(span, 0)
    if "".join(t.text for t in toks) != span:
        return None
    return _best_reading(toks, left, right)


def _is_end(toks: list[_Tok], k: int, text: str, end: int) -> bool:
    """Can a garbled run end after toks[k-1]?  (A resync point.)"""
    last = toks[k - 1]
    nxt = text[end : end + 1]
    if last.kind == "l":
        return True
    if last.kind == "q":
        return nxt == "" or nxt in ",;:!、。）)”" or not nxt.isascii()
    if last.kind == "c":
        return bool(_PINYIN_GROUP_RE.match(text, end))
    return False


def find_spans(text: str) -> list[MojibakeSpan]:
    spans: list[MojibakeSpan] = []
    i = 0
    while i < len(text):
        if text[i] != "?":
            i += 1
            continue
        prev = text[i - 1] if i > 0 else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if not (_is_cjk(prev) or prev in _COMMON_PUNCT or prev == ")" or _is_cjk(nxt) or nxt in "?,;!:("):
            i += 1
            continue
        toks = _tokens_from(text, i)
        if not toks or toks[0].kind != "q":
            i += 1
            continue
        left = _PINYIN_GROUP_RE.sub("", text[max(0, i - 30) : i])[-6:]
        best = None
        shortest = None
        for k in range(len(toks), 0, -1):
            end = i + sum(len(t.text) for t in toks[:k])
            if not _is_end(toks, k, text, end):
                continue
            right = text[end : end + 6]
            r = _best_reading(toks[:k], left, right)
            if r is None:
                continue
            garbled = text[i:end]
            gchars = [c if _is_cjk(c) else GAP for c in garbled]
            gscore = _coverage(gchars, left, right) - sum(1 for t in toks[:k] if t.kind == "q")
            rtext, gaps, score, notes = r
            shortest = (None, end, garbled, rtext, gaps, notes)
            key = (score - gscore, -gaps, k)
            if best is None or key > best[0]:
                best = (key, end, garbled, rtext, gaps, notes)
        if best is None or best[0][0] <= 0:
            # no reading reads better than the garble: still, a '?' in CJK text is
            # a lost byte, so take the shortest run's reading (gaps included)
            if shortest is None:
                i += 1
                continue
            _, end, garbled, rtext, gaps, notes = shortest
            head = "。" if rtext.startswith("。") else ""
            rest = rtext[len(head):]
            if rest:
                rtext, gaps = head + GAP, max(gaps, 1)
                notes = notes[:1] + ["no reading of the rest is better than the garble: one ⟦gap⟧"]
            best = ((0, 0, 0), end, garbled, rtext, gaps, notes)
        _, end, garbled, rtext, gaps, notes = best
        spans.append(MojibakeSpan(i, end, garbled, rtext, gaps, notes))
        i = end
    return spans


def repair_mojibake(text: str) -> tuple[str, list[Change]]:
    """Repair every shifted-GBK span in ``text``; see the module docstring."""
    spans = find_spans(text)
    out: list[str] = []
    changes: list[Change] = []
    pos = 0
    for sp in spans:
        out.append(text[pos : sp.start])
        out.append(re.sub(f"(?:{re.escape(GAP)})+", GAP, sp.after))
        pos = sp.end
        kind = "gap-mojibake" if sp.gaps else "mojibake-redecoded"
        note = "GBK bytes re-decoded one byte in step"
        if sp.notes:
            note += "; " + "; ".join(sp.notes)
        if sp.gaps:
            note += f"; {sp.gaps} character(s) with a lost byte could not be determined (⟦gap⟧)"
        changes.append(Change(kind=kind, before=sp.before, after=re.sub(f"(?:{re.escape(GAP)})+", GAP, sp.after), note=note))
    out.append(text[pos:])
    return "".join(out), changes
