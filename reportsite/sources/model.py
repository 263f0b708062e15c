"""The normalized form of a source document.

Every normalizer (one per raw layout, in ``reportsite.sources.normalizers``)
turns a raw text into a :class:`Document`; ``reportsite.sources.render`` turns
a Document into the reader page and its paragraph index. Keeping the two apart
means paragraph numbering, anchors and the preparation report are made in one
place, the same way for every source.

Inline markup inside ``Paragraph.text`` (and table cells and footnote text):

* ``[^<id>]``            a footnote reference; ``<id>`` must be a key of
                          ``Document.footnotes`` (document-unique, e.g. "1").
* ``⟦gap⟧``              text is missing here (deleted or unrecoverable);
                          see :func:`gap`. Never fill a gap with guessed text.
* ``⟦page:<n>⟧``          printed page ``<n>`` of the original begins here
                          (journal page boundaries); see :func:`page_mark`.
* ``⟦sup:<text>⟧``        superscript restored where extraction flattened it
                          (e.g. ``10⟦sup:25⟧``); see :func:`sup`.

Everything else is plain text: the renderer escapes Markdown-significant
characters, so normalizers must not emit Markdown or HTML themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

GAP = "⟦gap⟧"
_PAGE_RE = re.compile(r"⟦page:(\d+)⟧")
_SUP_RE = re.compile(r"⟦sup:([^⟧]*)⟧")
_FOOTNOTE_REF_RE = re.compile(r"\[\^([^\]\s]+)\]")
MARKUP_RE = re.compile(r"⟦[^⟧]*⟧|\[\^[^\]\s]+\]")


def gap() -> str:
    """Marker for text that is missing from the source (shown as a visible gap)."""
    return GAP


def page_mark(page: int) -> str:
    """Marker for the start of printed page ``page`` inside a paragraph."""
    return f"⟦page:{page}⟧"


def sup(text: str) -> str:
    """Marker for superscript text restored after PDF extraction flattened it."""
    return f"⟦sup:{text}⟧"


def pages_in(text: str) -> list[int]:
    return [int(n) for n in _PAGE_RE.findall(text)]


def footnote_refs(text: str) -> list[str]:
    return _FOOTNOTE_REF_RE.findall(text)


def plain_text(text: str) -> str:
    """The reading text without markup: what a quote is checked against.

    Superscripts read as "10^25"; gaps
    become "…" so a quote can never match across missing text.
    """
    text = _SUP_RE.sub(lambda m: "^" + m.group(1), text)
    text = text.replace(GAP, "…")
    return MARKUP_RE.sub("", text)


@dataclass
class Change:
    """One repair or gap, reported in the page's preparation report.

    ``kind`` is a short, stable class name (e.g. "fullwidth-latin",
    "mojibake-redecoded", "spun-synonym", "gap-deleted-word"); counts per kind
    appear in the report, and every Change with ``listed=True`` is listed with
    its paragraph. ``before``/``after`` are short excerpts, not whole texts.
    """

    kind: str
    before: str = ""
    after: str = ""
    note: str = ""
    listed: bool = True
    # How many occurrences this Change stands for (for unlisted mass changes,
    # e.g. 37 full-width letters folded in one paragraph).
    count: int = 1


@dataclass
class Heading:
    level: int  # 2 for 一、 sections, 3 for （一） subsections, 4 below that
    text: str


@dataclass
class Paragraph:
    text: str
    # The damaged source text of this paragraph, shown beside the restoration
    # (used for the spun repost, where readers must be able to compare).
    original: str | None = None
    changes: list[Change] = field(default_factory=list)
    # "body" for running text; "abstract"/"keywords" etc. for front matter
    # that still belongs in the numbered text.
    role: str = "body"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""
    changes: list[Change] = field(default_factory=list)


Block = Union[Heading, Paragraph, Table]


@dataclass
class Document:
    """A normalized source.

    ``card`` holds provenance that is not part of the body (masthead, contact
    lines, repost disclaimer, author notes, funding notes): label → text,
    shown in the bibliographic card. ``notice`` is an optional prominent
    warning shown above the body (e.g. for a restored repost).
    ``changes`` holds document-level transformations not tied to one
    paragraph (e.g. "duplicate-copy-removed", "navigation-dropped").
    """

    key: str
    title: str
    blocks: list[Block]
    footnotes: dict[str, str] = field(default_factory=dict)
    card: dict[str, str] = field(default_factory=dict)
    notice: str = ""
    changes: list[Change] = field(default_factory=list)
    subtitle: str = ""

    def paragraphs(self) -> list[Paragraph | Table]:
        """The numbered blocks, in order: ¶1 is ``paragraphs()[0]``."""
        return [b for b in self.blocks if isinstance(b, (Paragraph, Table))]


class LayoutError(ValueError):
    """The raw file does not have the layout its normalizer expects."""
