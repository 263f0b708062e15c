"""Chinese inside English text, marked up as Chinese.

A run of CJK characters in an English page gets ``<span lang="zh-Hans">``, so
browsers and PDF engines pick Chinese glyphs, screen readers switch voice, and
the style sheets can keep Chinese upright inside emphasis (Chinese has no
italics). Used for the site (MkDocs hook) and the PDF edition alike.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

CJK_RUN = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+")
_SKIP = ("svg", "pre", "code", "title", "desc", "text", "style", "script", "textarea")


def mark_chinese(soup: BeautifulSoup, root: Tag | BeautifulSoup) -> None:
    """Wrap every CJK run under ``root`` that is not already in a zh-tagged element."""
    for text in list(root.find_all(string=True)):
        if isinstance(text, Comment) or not CJK_RUN.search(text):
            continue
        parent = text.parent
        if parent is None or parent.name in _SKIP or parent.find_parent(list(_SKIP)):
            continue
        lang = next((p.get("lang") for p in [parent, *parent.parents] if isinstance(p, Tag) and p.get("lang")), "en")
        if lang.startswith("zh"):
            continue
        pieces, last = [], 0
        for m in CJK_RUN.finditer(text):
            if m.start() > last:
                pieces.append(NavigableString(text[last:m.start()]))
            span = soup.new_tag("span", lang="zh-Hans")
            span.string = m.group()
            pieces.append(span)
            last = m.end()
        if last < len(text):
            pieces.append(NavigableString(text[last:]))
        text.replace_with(*pieces)


def mark_chinese_in_html(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    mark_chinese(soup, soup)
    return str(soup)
