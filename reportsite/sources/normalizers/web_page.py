"""Normalizer for a scraped copy of a 人民论坛 (People's Tribune) web article.

Raw layout (key ``rmlt-proposals``): HTML debris and site navigation
(网站首页 | 网站地图, 每日推荐, a "首页 > … > 正文" breadcrumb), the article
title on its own line, ``【摘要】``/``【关键词】``/``【中图分类号】`` front
matter, body paragraphs one per line with standalone section headings, back
matter (author note in parentheses, ``【注:…】`` funding note,
``【参考文献】`` ①②③ list, 责编/美编, 声明, ``[责任编辑:…]``) and a trailer
of ``|``-separated spam keywords. The page was converted to Traditional
characters and one span is GBK mojibake; half-width ``,:`` etc. stand in for
the Chinese full-width punctuation of the original publication.

Pipeline per kept line: mojibake repair (byte level, on the original
characters: first this module's pre-pass for spans that kept a GBK
user-defined character as a private-use code point, then the shared
``reportsite.sources.mojibake.repair_mojibake``) → leftover private-use
debris becomes a gap → Traditional →
Simplified (plus the 著→着 particle fix OpenCC leaves undone) → full-width
letters/digits folded → ASCII punctuation in Chinese context made full-width →
whitespace debris removed. Structure is decided on the Simplified form of
each line.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from reportsite.sources.model import (
    GAP,
    MARKUP_RE,
    Change,
    Document,
    Heading,
    LayoutError,
    Paragraph,
)
from reportsite.sources.mojibake import repair_mojibake
from reportsite.sources.text import (
    fold_fullwidth_alnum,
    is_fullwidth_alnum,
    is_private_use,
    to_simplified,
)

# ---------------------------------------------------------------- patterns

_ABSTRACT_RE = re.compile(r"^【\s*(?:内容)?(?:摘\s*要|提\s*要)\s*】\s*(.*)$")
_FRONT_LABEL_RE = re.compile(r"【\s*([^】]{1,12}?)\s*】\s*([^【]*)")
_FRONT_LABELS = ("关键词", "中图分类号", "文献标识码", "文章编号", "DOI")
_AUTHOR_RE = re.compile(r"^[（(]\s*(作者(?:为|系|是)?.*?)\s*[)）]$")
_NOTE_RE = re.compile(r"^【\s*注\s*[:：]\s*(.*?)\s*】$")
_REFS_RE = re.compile(r"^【\s*参考文献\s*】$")
_REF_ENTRY_RE = re.compile(r"^([\u2460-\u2473])\s*(.+)$")
_STAFF_RE = re.compile(r"(责编|美编|编辑|校对|审校)\s*/\s*(\S+)")
_STAFF_LINE_RE = re.compile(r"^(?:(?:责编|美编|编辑|校对|审校)\s*/\s*\S+\s*)+$")
_DISCLAIMER_RE = re.compile(r"^(声明)\s*[:：]\s*(.+)$")
_SIGNOFF_RE = re.compile(r"^[\[【]\s*(责任编辑)\s*[:：]\s*([^\]】]+?)\s*[\]】]$")
# Back-matter lines that become one card entry: (pattern, group holding the value, card label).
_BACK_MATTER = ((_AUTHOR_RE, 1, "作者"), (_NOTE_RE, 1, "注"), (_DISCLAIMER_RE, 2, "声明"), (_SIGNOFF_RE, 2, "责任编辑"))


def _back_matter_line(line: str):
    return next((entry for entry in _BACK_MATTER if entry[0].match(line)), None)
_BREADCRUMB_RE = re.compile(r"首页\s*>.*>\s*正文")
_CIRCLED = "".join(chr(c) for c in range(0x2460, 0x2474))

_SENTENCE_PUNCT = set("，,。；;：:！!？?")
_HEADING_MAX = 40

# A Chinese character or Chinese (full-width) punctuation: the context in
# which ASCII punctuation is debris of the original full-width marks.
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff0f\uff1a-\uff20《》“”‘’—…、]")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ASCII_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}

# OpenCC t2s leaves 著 alone (it is also a Simplified character: 著名, 显著);
# in a Simplified original the aspect particle is 着. These are the words
# in which 著 is the Simplified "zhù" and must stay.
_ZHU_WORDS = (
    "著名", "著作", "著称", "著述", "著录", "著者", "著书", "著有", "著就",
    "显著", "卓著", "昭著", "论著", "专著", "编著", "名著", "原著", "巨著",
    "遗著", "译著", "合著", "拙著", "新著", "土著", "撰著", "大著", "近著",
)


# ---------------------------------------------------------------- helpers


def _excerpt(text: str, start: int, end: int, pad: int = 6) -> str:
    return text[max(0, start - pad) : end + pad]


def _strip_html(raw: str) -> tuple[str, int]:
    """Tags out with a real HTML parser; returns (text, number of elements)."""
    soup = BeautifulSoup(raw, "html.parser")
    n = len(soup.find_all(True))
    return soup.get_text(), n


def _is_spam_line(line: str) -> bool:
    """A trailer line made of ``|``-separated keyword phrases, no sentences."""
    parts = [p.strip() for p in line.split("|") if p.strip()]
    return line.count("|") >= 3 and "。" not in line and all(len(p) <= 40 for p in parts)


def _is_heading(line: str) -> bool:
    return (
        0 < len(line) <= _HEADING_MAX
        and not any(ch in _SENTENCE_PUNCT for ch in line)
        and not line.startswith(("【", "[", "(", "（"))
        and _HAN_RE.search(line) is not None
    )


def _heading_level(line: str) -> int:
    if re.match(r"^[（(][一二三四五六七八九十]+[)）]", line):
        return 3
    if re.match(r"^(?:\d+[.、．]|[（(]\d+[)）])", line):
        return 4
    return 2


def _neighbour(text: str, i: int, step: int) -> str:
    """Nearest character to index ``i`` in direction ``step`` that is neither
    whitespace nor inline markup (``⟦…⟧``, ``[^n]``)."""
    spans = [m.span() for m in MARKUP_RE.finditer(text)]
    j = i + step
    while 0 <= j < len(text):
        inside = next((s for s in spans if s[0] <= j < s[1]), None)
        if inside:
            j = inside[0] - 1 if step < 0 else inside[1]
            continue
        if not text[j].isspace():
            return text[j]
        j += step
    return ""


def _fullwidth_punct(text: str) -> tuple[str, int]:
    """ASCII , : ; ? ! ( ) in Chinese context → ，：；？！（）.

    A mark is in Chinese context when the nearest real character on either
    side is a Han character or Chinese punctuation; marks between Latin
    letters/digits (``10:30``, ``a, b``) stay ASCII. A matched pair of ASCII
    parentheses becomes （） when its content or the character before it is
    Chinese, so ``(2024版)`` → ``（2024版）`` while ``(AI)`` in Latin text stays.
    """
    chars = list(text)
    count = 0
    markup = [m.span() for m in MARKUP_RE.finditer(text)]

    def in_markup(i: int) -> bool:
        return any(a <= i < b for a, b in markup)

    for m in re.finditer(r"\(([^()]*)\)", text):
        if in_markup(m.start()):
            continue
        before = _neighbour(text, m.start(), -1)
        if _CJK_RE.search(m.group(1)) or (before and _CJK_RE.match(before)):
            chars[m.start()] = "（"
            chars[m.end() - 1] = "）"
            count += 2
    for i, ch in enumerate(text):
        if ch in _ASCII_TO_FULL and not in_markup(i):
            prev, nxt = _neighbour(text, i, -1), _neighbour(text, i, 1)
            if (prev and _CJK_RE.match(prev)) or (nxt and _CJK_RE.match(nxt)):
                chars[i] = _ASCII_TO_FULL[ch]
                count += 1
    return "".join(chars), count


def _fix_zhe(text: str) -> tuple[str, list[tuple[str, str]]]:
    """著 → 着 except inside the words where 著 is Simplified zhù."""
    protected: set[int] = set()
    for word in _ZHU_WORDS:
        for m in re.finditer(word, text):
            protected.add(m.start() + word.index("著"))
    out = list(text)
    fixed = []
    for i, ch in enumerate(text):
        if ch == "著" and i not in protected:
            out[i] = "着"
            fixed.append((_excerpt(text, i, i + 1, 3), _excerpt("".join(out), i, i + 1, 3)))
    return "".join(out), fixed


def _clean_spaces(text: str) -> str:
    text = re.sub(r"[\s\u3000\xa0]+", " ", text).strip()
    # a space between two Chinese characters/marks is line-break debris
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", text)


def _original_group(m: re.Match, g: int, simp: str, orig: str) -> str:
    """Group ``g`` of a match made on the Simplified form of a line, taken
    from the original line (byte-level repairs need the original characters).
    t2s is length-preserving for these lines; if not, use the Simplified text."""
    if len(simp) == len(orig):
        return orig[m.start(g) : m.end(g)]
    return m.group(g)


# ------------------------------------------------------ private-use mojibake
#
# The shared repair (reportsite.sources.mojibake) re-encodes a garbled span
# with Python's "gbk" codec, which has no mapping for GBK's user-defined area;
# on this page the scraper decoded such a byte pair to a private-use code point
# (as Windows cp936/GB18030 do: bytes F8 BC → U+E24F) and *kept* it. Its bytes
# are therefore exactly known (GB18030 encodes it back), and the span can be
# re-decoded in step without guessing. This pre-pass handles only '?'-started
# spans that contain such a code point and otherwise follows the shared
# module's conventions: '?' is the one lost byte (the lead byte of the first
# original character), ASCII , ; : ! ? ( ) may be folded GBK full-width marks
# (row 0xA3), a single ASCII letter brings the decoder back in step, a lost
# lead byte before 0xA3 after a Chinese character is read as 。 (0xA1A3), and
# every other decoded character must be fully known and common (GB2312
# levels 1/2 after Simplification); otherwise nothing is changed.

_FOLDED = {",": 0xAC, ";": 0xBB, ":": 0xBA, "!": 0xA1, "?": 0xBF, "(": 0xA8, ")": 0xA9}
_COMMON_PUNCT = set("，。、；：？！“”‘’《》（）—…·")
_PUA_SPAN_RE = re.compile(r"(?<=[\u3400-\u9fff])\?[^\sA-Za-z0-9]*?[\ue000-\uf8ff][^\s\x00-\x7f]*[A-Za-z]?")


def _common(ch: str) -> bool:
    if ch in _COMMON_PUNCT:
        return True
    try:
        b = to_simplified(ch).encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xB0 <= b[0] <= 0xF7


def _redecode_pua_span(span: str) -> str | None:
    """In-step reading of a '?'-started span that kept a private-use char."""
    bs: list[int] = [-1]  # '?' = the lost lead byte
    for ch in span[1:]:
        if ch in _FOLDED:
            bs += [0xA3, _FOLDED[ch]]
        elif ch.isascii():
            if not ch.isalpha():
                return None
            bs.append(ord(ch))
        else:
            b = ch.encode("gb18030")
            if len(b) != 2:
                return None
            bs += list(b)
    if len(bs) % 2 or bs[1] != 0xA3:
        return None
    out = ["。"]  # lost lead byte + 0xA3 after a Chinese character
    for i in range(2, len(bs), 2):
        try:
            ch = bytes(bs[i : i + 2]).decode("gb18030")
        except UnicodeDecodeError:
            return None
        if len(ch) != 1 or not _common(ch):
            return None
        out.append(ch)
    return "".join(out)


def _repair_pua_mojibake(text: str) -> tuple[str, list[Change]]:
    changes: list[Change] = []

    def sub(m: re.Match) -> str:
        after = _redecode_pua_span(m.group(0))
        if after is None:
            return m.group(0)
        pua = [f"U+{ord(c):04X}={c.encode('gb18030').hex().upper()}" for c in m.group(0) if is_private_use(c)]
        changes.append(
            Change(
                kind="mojibake-redecoded",
                # private-use code points shown by name: output stays free of them
                before="".join(f"[U+{ord(c):04X}]" if is_private_use(c) else c for c in m.group(0)),
                after=after,
                note="GBK bytes re-decoded one byte in step; private-use char(s) kept by the scraper "
                f"re-encoded as GBK user-defined bytes ({', '.join(pua)}); folded ASCII marks taken as their GBK full-width bytes (row A3); "
                "lost lead byte before 0xA3 at a clause end read as 。",
            )
        )
        return after

    return _PUA_SPAN_RE.sub(sub, text), changes


def _clean(line: str, *, keep_spaces: bool = False) -> tuple[str, list[Change]]:
    """Character-level repairs of one kept line, each reported."""
    changes: list[Change] = []
    text = line

    text, moji = _repair_pua_mojibake(text)
    changes.extend(moji)
    text, moji = repair_mojibake(text)
    changes.extend(moji)

    pua = [i for i, ch in enumerate(text) if is_private_use(ch)]
    if pua:
        before = _excerpt(text, pua[0], pua[-1] + 1)
        text = re.sub(r"[\ue000-\uf8ff\U000f0000-\U0010ffff]+", GAP, text)
        changes.append(
            Change(
                kind="gap-private-use",
                before=before,
                after=GAP,
                note=f"{len(pua)} private-use code point(s) left after mojibake repair: lost text",
            )
        )

    simp = to_simplified(text)
    if simp != text:
        n = sum(a != b for a, b in zip(simp, text)) if len(simp) == len(text) else abs(len(simp) - len(text))
        changes.append(Change(kind="traditional-to-simplified", note=f"{n} characters", listed=False, count=n))
    text = simp
    text, zhe = _fix_zhe(text)
    for before, after in zhe:
        changes.append(
            Change(kind="t2s-particle-zhe", before=before, after=after, note="aspect particle 著 → 着 (OpenCC t2s leaves 著)")
        )

    n_fw = sum(1 for ch in text if is_fullwidth_alnum(ch))
    if n_fw:
        text = fold_fullwidth_alnum(text)
        changes.append(Change(kind="fullwidth-latin", note=f"{n_fw} characters", listed=False, count=n_fw))

    text, n_punct = _fullwidth_punct(text)
    if n_punct:
        changes.append(Change(kind="punct-fullwidth", note=f"{n_punct} ASCII marks in Chinese context made full-width", listed=False, count=n_punct))

    spaced = re.sub(r"[\s\u3000\xa0]+", " ", text).strip() if keep_spaces else _clean_spaces(text)
    if spaced != text.strip():
        changes.append(Change(kind="whitespace", note="spacing debris removed", listed=False))
    return spaced, changes


# ---------------------------------------------------------------- main


def normalize(raw: str, key: str) -> Document:
    text, n_elements = _strip_html(raw)
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    simp = [to_simplified(ln) for ln in lines]  # for classification only
    doc_changes: list[Change] = []
    if n_elements:
        doc_changes.append(
            Change(kind="html-stripped", note=f"{n_elements} HTML elements removed (html.parser)", listed=False, count=n_elements)
        )

    # -- locate the article: the title is the line just before 【摘要】
    abstract_idx = next((i for i, s in enumerate(simp) if _ABSTRACT_RE.match(s)), None)
    if abstract_idx is None:
        raise LayoutError(f"{key}: no 【摘要】 line found; not the expected 人民论坛 web layout")
    if abstract_idx == 0:
        raise LayoutError(f"{key}: no title line before 【摘要】")
    title_idx = abstract_idx - 1
    if "|" in simp[title_idx] or ">" in simp[title_idx] or len(simp[title_idx]) > 60:
        raise LayoutError(f"{key}: line before 【摘要】 does not look like a title: {simp[title_idx][:40]!r}")
    nav = lines[:title_idx]
    if nav:
        crumb = next((s for s in simp[:title_idx] if _BREADCRUMB_RE.search(s)), "")
        doc_changes.append(
            Change(
                kind="navigation-dropped",
                before=" / ".join(to_simplified(n) for n in nav)[:80],
                note=f"{len(nav)} navigation/debris lines before the title dropped"
                + (f" (breadcrumb: {to_simplified(crumb)})" if crumb else ""),
                listed=False,
                count=len(nav),
            )
        )
    title, title_changes = _clean(lines[title_idx])
    for c in title_changes:
        c.note = (c.note + " [title]").strip()
        doc_changes.append(c)

    # -- end of article: the [责任编辑:…] sign-off; spam trailer after it
    end = len(lines)
    signoff_idx = next((i for i in range(abstract_idx, len(lines)) if _SIGNOFF_RE.match(simp[i])), None)
    if signoff_idx is not None:
        end = signoff_idx + 1
    trailer = lines[end:]
    spam_phrases = 0
    region = []
    for i in range(abstract_idx, end):
        if _is_spam_line(simp[i]):
            spam_phrases += len([p for p in lines[i].split("|") if p.strip()])
            continue
        region.append(i)
    for ln in trailer:
        spam_phrases += len([p for p in ln.split("|") if p.strip()]) if "|" in ln else 1
    if trailer or spam_phrases:
        doc_changes.append(
            Change(
                kind="spam-dropped",  # no excerpt: the spam is not reproduced
                note=f"{len(trailer)} trailer line(s) after the sign-off dropped ({spam_phrases} '|'-separated spam phrases)",
                listed=False,
                count=max(spam_phrases, 1),
            )
        )

    blocks: list = []
    card: dict[str, str] = {}
    references: list[tuple[str, str]] = []
    back_matter = False
    in_refs = False

    def add_card(label: str, value: str, changes: list[Change]) -> None:
        card[label] = value
        for c in changes:
            c.note = (c.note + f" [card: {label}]").strip()
            doc_changes.append(c)

    for i in region:
        s, ln = simp[i], lines[i]
        m = _ABSTRACT_RE.match(s)
        if m:
            t, ch = _clean(_original_group(m, 1, s, ln))
            blocks.append(Paragraph(text=t, changes=ch, role="abstract"))
            continue
        labels = list(_FRONT_LABEL_RE.finditer(s))
        if s.startswith("【") and labels and all(m2.group(1).strip() in _FRONT_LABELS for m2 in labels):
            for m2 in labels:
                lb = m2.group(1).strip()
                val, ch = _clean(_original_group(m2, 2, s, ln), keep_spaces=lb == "关键词")
                add_card(lb, val, ch)
            continue
        if _REFS_RE.match(s):
            in_refs = back_matter = True
            continue
        if in_refs:
            m = _REF_ENTRY_RE.match(ln)
            if m:
                t, ch = _clean(m.group(2))
                references.append((m.group(1), t))
                for c in ch:
                    c.note = (c.note + " [card: 参考文献]").strip()
                    doc_changes.append(c)
                continue
            in_refs = False
        matched = _back_matter_line(s)
        if matched and (matched[0] is not _DISCLAIMER_RE or back_matter or "转载" in s):
            pattern, group, label = matched
            back_matter = True
            t, ch = _clean(_original_group(pattern.match(s), group, s, ln))
            add_card(label, t, ch)
            continue
        if _STAFF_LINE_RE.match(s):
            back_matter = True
            for m2 in _STAFF_RE.finditer(s):
                t, ch = _clean(_original_group(m2, 2, s, ln))
                add_card(m2.group(1), t, ch)
            continue
        if back_matter:
            raise LayoutError(f"{key}: unexpected line in the back matter: {s[:40]!r}")
        if _is_heading(s):
            t, ch = _clean(ln)
            for c in ch:
                c.note = (c.note + f" [heading: {t}]").strip()
                doc_changes.append(c)
            blocks.append(Heading(level=_heading_level(t), text=t))
            continue
        t, ch = _clean(ln)
        blocks.append(Paragraph(text=t, changes=ch))

    if not any(isinstance(b, Paragraph) and b.role == "body" for b in blocks):
        raise LayoutError(f"{key}: no body paragraphs between 【摘要】 and the back matter")

    footnotes: dict[str, str] = {}
    if references:
        footnotes = _references_to_footnotes(blocks, references, doc_changes)
        if not footnotes:
            card["参考文献"] = "\n".join(f"{mark}{t}" for mark, t in references)
            doc_changes.append(
                Change(
                    kind="references-to-card",
                    note=f"{len(references)} reference entries kept as a list in the card: "
                    "the body has no matching ①②③ markers",
                    listed=False,
                )
            )

    return Document(
        key=key,
        title=title,
        blocks=blocks,
        footnotes=footnotes,
        card=card,
        changes=doc_changes,
    )


def _references_to_footnotes(blocks: list, references: list[tuple[str, str]], doc_changes: list[Change]) -> dict[str, str]:
    """If the body carries the ①②③ markers of the reference list, make them
    real footnotes ([^1] …); every marker must match exactly one entry."""
    marks = {mark: text for mark, text in references}
    paras = [b for b in blocks if isinstance(b, Paragraph)]
    used = [ch for p in paras for ch in p.text if ch in _CIRCLED]
    if not used:
        return {}
    if sorted(set(used)) != sorted(marks) or len(used) != len(set(used)):
        raise LayoutError(
            f"body markers {''.join(used)} do not match the reference list {''.join(marks)} one to one"
        )
    footnotes: dict[str, str] = {}
    for p in paras:
        def sub(m: re.Match) -> str:
            fid = str(len(footnotes) + 1)
            footnotes[fid] = marks[m.group(0)]
            return f"[^{fid}]"

        new = re.sub(f"[{_CIRCLED}]", sub, p.text)
        if new != p.text:
            p.changes.append(Change(kind="footnote-marker", note="circled reference marker(s) → footnote refs", listed=False))
            p.text = new
    doc_changes.append(Change(kind="references-to-footnotes", note=f"{len(footnotes)} footnotes", listed=False))
    return footnotes
