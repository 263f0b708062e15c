"""Private helpers shared by the ``report`` and ``markdown_journal`` normalizers.

Both sources print footnotes at the end of each page with markers that are
only unique within that page (the journal restarts at [1] on every page; the
report's circled numbers repeat after extraction).  The shared logic is:

* a reference is bound to the definition with the same marker in the *first
  footnote block that follows the text it stands in* (its own page's block);
* document-unique ids "1", "2", … are handed out in order of first reference;
* a paragraph cut by a page end is rejoined when its first part does not end a
  sentence;
* footnote texts lose the Markdown the converters added (autolinks, links whose
  label repeats the URL, emphasis, backslash escapes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import GAP, Change
from ..text import fold_fullwidth_alnum, strip_private_use, to_simplified

FOOTNOTE_REF_RE = re.compile(r"\[\^([^\]\s]+)\]")

# Characters that may end a paragraph.  A colon ends the lead-in of a list or a
# table; closing quotes/brackets only count when a terminal mark precedes them.
_TERMINAL = "。！？!?：…"
_CLOSERS = "”’」』）)》"


@dataclass
class FootnoteBlock:
    """The footnote definitions printed at the foot of one page, in order."""

    defs: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)


class FootnoteLinker:
    """Hands out document-unique footnote ids in order of first reference."""

    def __init__(self) -> None:
        self.footnotes: dict[str, str] = {}
        self._ids: dict[tuple[int, str], str] = {}

    def link(self, block: FootnoteBlock | None, marker: str) -> tuple[str, bool]:
        """Id for ``marker`` as defined in ``block``; (id, found).

        A marker with no definition in its page's block still gets an id, whose
        text is a gap marker: the reference stays, the missing note is visible.
        """
        key = (id(block), marker)
        if key in self._ids:
            return self._ids[key], True
        fid = str(len(self.footnotes) + 1)
        self._ids[key] = fid
        if block is not None and marker in block.defs:
            block.used.add(marker)
            self.footnotes[fid] = block.defs[marker]
            return fid, True
        self.footnotes[fid] = GAP
        return fid, False


def visible_text(text: str) -> str:
    """Text without footnote refs and trailing white space."""
    return FOOTNOTE_REF_RE.sub("", text).rstrip()


def ends_sentence(text: str) -> bool:
    """Does ``text`` (a paragraph part) end where a paragraph may end?"""
    t = visible_text(text)
    if not t:
        return True
    i = len(t) - 1
    while i > 0 and t[i] in _CLOSERS:
        i -= 1
    return t[i] in _TERMINAL


def is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’…—"


def tidy_ref_spacing(text: str) -> tuple[str, int]:
    """Drop converter spaces around footnote refs that sit in Chinese text."""
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        before, ref, after = m.group(1), m.group(2), m.group(3)
        prev = text[m.start() - 1] if m.start() > 0 else ""
        if prev and is_cjk(prev):
            count += len(before) + len(after)
            return ref
        return before + ref + after

    return re.sub(r"([ \t]*)(\[\^[^\]\s]+\])([ \t]*)", repl, text), count


# --- Markdown debris in footnote texts ------------------------------------

_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
_EMPH_RE = re.compile(r"(?<![\w*\\])\*([^*\s](?:[^*]*[^*\s])?)\*(?![\w*])")


def unescape_markdown(text: str) -> tuple[str, int]:
    """``\\_`` → ``_`` etc.; a doubled backslash before punctuation counts as one escape."""
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return m.group(1)

    text = re.sub(r"\\\\(?=[!-/:-@\[-`{-~])", "\\\\", text)
    text = _ESCAPE_RE.sub(repl, text)
    return text, count


def _inline_links(text: str) -> tuple[str, int]:
    """``[label](href)`` → href when the label is the URL, else label (href)."""
    out: list[str] = []
    pos = 0
    count = 0
    for m in re.finditer(r"\[([^\]]*)\]\(", text):
        if m.start() < pos:
            continue
        depth, j = 1, m.end()
        while j < len(text) and depth:
            if text[j] == "(" and text[j - 1] != "\\":
                depth += 1
            elif text[j] == ")" and text[j - 1] != "\\":
                depth -= 1
            j += 1
        if depth:
            continue
        label, href = m.group(1), text[m.end() : j - 1]
        plain_label, _ = unescape_markdown(label)
        out.append(text[pos : m.start()])
        out.append(href if plain_label.strip() in (href, "") or plain_label.startswith("http") else f"{plain_label} ({href})")
        pos = j
        count += 1
    out.append(text[pos:])
    return "".join(out), count


def clean_footnote_markdown(text: str) -> tuple[str, dict[str, int]]:
    """Strip converter Markdown from a footnote text; returns (text, counts per kind)."""
    counts: dict[str, int] = {}
    text, n = _inline_links(text)
    counts["footnote-link-unwrapped"] = n
    text, n = _AUTOLINK_RE.subn(r"\1", text)
    counts["footnote-link-unwrapped"] += n
    text, n = _EMPH_RE.subn(r"\1", text)
    counts["footnote-emphasis-dropped"] = n
    text, n = unescape_markdown(text)
    counts["footnote-escape-removed"] = n
    return text.strip(), {k: v for k, v in counts.items() if v}


def clean_chars(text: str) -> tuple[str, dict[str, int]]:
    """The character-level cleaning every text gets (Simplified, half-width Latin, no PUA)."""
    counts: dict[str, int] = {}
    simp = to_simplified(text)
    n = sum(1 for a, b in zip(text, simp) if a != b)
    if n:
        counts["traditional-to-simplified"] = n
    folded = fold_fullwidth_alnum(simp)
    n = sum(1 for a, b in zip(simp, folded) if a != b)
    if n:
        counts["fullwidth-latin"] = n
    cleaned, n = strip_private_use(folded)
    if n:
        counts["private-use-removed"] = n
    return cleaned, counts


def count_changes(counts: dict[str, int], note: str = "") -> list[Change]:
    """Unlisted mechanical Changes, one per kind, with the count in the note."""
    return [
        Change(kind=k, note=f"{v}×" + (f" {note}" if note else ""), listed=False, count=v)
        for k, v in sorted(counts.items())
        if v
    ]


def excerpt_join(a: str, b: str, width: int = 12) -> tuple[str, str]:
    """(before, after) excerpts for a paragraph rejoined across a page end."""
    a_vis, b_vis = visible_text(a), b.lstrip()
    return f"{a_vis[-width:]} ‖ {b_vis[:width]}", f"{a_vis[-width:]}{b_vis[:width]}"


def attach_footnotes(doc, linker: "FootnoteLinker", blocks: list["FootnoteBlock"], label_format: str) -> None:
    """Clean the linked footnote texts into ``doc.footnotes`` and report page-block
    definitions that no reference used (``label_format`` shows the source's own marker)."""
    counts: dict[str, int] = {}
    for fid, text in linker.footnotes.items():
        text, markdown_counts = clean_footnote_markdown(text)
        text, char_counts = clean_chars(text)
        for k, v in {**markdown_counts, **char_counts}.items():
            counts[k] = counts.get(k, 0) + v
        linker.footnotes[fid] = text
    doc.footnotes = linker.footnotes
    doc.changes.extend(count_changes(counts, "in footnote texts"))
    for block in blocks:
        for marker, text in block.defs.items():
            if marker not in block.used:
                doc.changes.append(Change("footnote-unreferenced", before=f"{label_format.format(marker)} {text[:40]}",
                                          note="definition without a reference on its page; not kept"))
