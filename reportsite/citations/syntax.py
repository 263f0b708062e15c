"""Citation syntax: pandoc-style blocks with paragraph and page locators.

    [@key]                      the work as a whole
    [@key, ¶12]                 paragraph 12 of the reader page
    [@key, ¶12–14]              paragraphs 12 to 14 (en dash or hyphen)
    [@key, p. 70, ¶12]          printed page 70, paragraph 12
    [@key, pp. 70–71]           printed pages
    [@key, 第68页]              page locator written in Chinese (Chinese pages)
    [@a, ¶3; @b, ¶7]            several works
    [see @key, ¶4]              a prefix before the key

Citation-like text inside code spans and fenced code blocks is not a
citation (upstream mkdocs-bibtex processes it; we do not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A bracketed span that contains an @key and is not a link, image, footnote or
# link definition. Nested brackets are not part of the syntax.
_BLOCK = re.compile(r"(?<![\\!\]])\[(?!\^)(?P<body>[^\[\]\n]*@[^\[\]\n]*)\](?![(:\[])")
_ITEM = re.compile(r"^\s*(?P<prefix>[^@]*?)\s*(?<![\w.])@(?P<key>[\w][\w:.#$%&+?<>~/-]*?)\s*(?:,\s*(?P<locator>.*?))?\s*$")
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")

_DASH = "[–—-]"
_PARA_PART = re.compile(rf"^¶\s*(\d+)(?:\s*{_DASH}\s*(\d+))?$")
_PAGE_PART = re.compile(rf"^(?:pp?\.\s*(\d+)(?:\s*{_DASH}\s*(\d+))?|第\s*(\d+)(?:\s*{_DASH}\s*(\d+))?\s*页)$")


@dataclass
class Locator:
    pages: list[tuple[int, int]] = field(default_factory=list)  # (first, last) inclusive
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def first_paragraph(self) -> int | None:
        return self.paragraphs[0][0] if self.paragraphs else None

    def paragraph_numbers(self) -> list[int]:
        return [n for first, last in self.paragraphs for n in range(first, last + 1)]


@dataclass
class Citation:
    key: str
    prefix: str
    locator_text: str
    locator: Locator
    line: int  # 1-based, in the page's Markdown
    column: int  # 1-based column of the '@'


@dataclass
class CitationBlock:
    raw: str  # including the brackets
    start: int  # offset in the Markdown
    end: int
    line: int
    column: int
    citations: list[Citation]


def parse_locator(text: str) -> Locator:
    locator = Locator()
    if not text:
        return locator
    for part in (p.strip() for p in text.split(",")):
        if not part:
            locator.errors.append("empty locator part (a stray comma?)")
            continue
        para = _PARA_PART.match(part)
        page = _PAGE_PART.match(part)
        if para:
            first, last = int(para.group(1)), int(para.group(2) or para.group(1))
            locator.paragraphs.append((first, last))
        elif page:
            first = int(page.group(1) or page.group(3))
            last = int(page.group(2) or page.group(4) or first)
            locator.pages.append((first, last))
        else:
            locator.errors.append(
                f"malformed locator '{part}': write paragraphs as ¶12 or ¶12–14 and pages as p. 70, pp. 70–71 or 第70页"
            )
            continue
        if last < first:
            locator.errors.append(f"range '{part}' runs backwards: write the smaller number first")
    return locator


def code_mask(markdown: str) -> list[bool]:
    """Per character: True where the text is inside a fenced code block or code span."""
    mask = [False] * len(markdown)
    offset = 0
    fence: str | None = None
    for line in markdown.splitlines(keepends=True):
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m.group("fence")[0] * len(m.group("fence"))
            mask[offset : offset + len(line)] = [True] * len(line)
        elif fence is not None:
            mask[offset : offset + len(line)] = [True] * len(line)
            if m and m.group("fence").startswith(fence):
                fence = None
        else:
            for span in _CODE_SPAN.finditer(line):
                mask[offset + span.start() : offset + span.end()] = [True] * (span.end() - span.start())
        offset += len(line)
    return mask


def _line_col(markdown: str, offset: int) -> tuple[int, int]:
    line = markdown.count("\n", 0, offset) + 1
    return line, offset - (markdown.rfind("\n", 0, offset) + 1) + 1


def find_citation_blocks(markdown: str) -> list[CitationBlock]:
    mask = code_mask(markdown)
    blocks: list[CitationBlock] = []
    for m in _BLOCK.finditer(markdown):
        if mask[m.start()]:
            continue
        body = m.group("body")
        if _EMAIL.fullmatch(body.strip()):
            continue
        citations: list[Citation] = []
        body_start = m.start("body")
        pos = 0
        for item in body.split(";"):
            item_start = body_start + pos
            pos += len(item) + 1
            im = _ITEM.match(item)
            if not im:
                continue
            at = item_start + item.index("@" + im.group("key"))
            line, col = _line_col(markdown, at)
            locator_text = (im.group("locator") or "").strip()
            citations.append(Citation(im.group("key"), im.group("prefix").strip(), locator_text,
                                      parse_locator(locator_text), line, col))
        if citations:
            line, col = _line_col(markdown, m.start())
            blocks.append(CitationBlock(m.group(0), m.start(), m.end(), line, col, citations))
    return blocks
