"""Generated fragments of hand-written pages, from the data files (one fact, written once).

A page asks for a fragment with an HTML comment placeholder, e.g.
``<!-- sources-table -->``; the MkDocs hook replaces it at build time.
"""

from __future__ import annotations

import posixpath

from . import bibliography
from .sources.registry import SOURCES


def _rel(from_src: str, to_src: str) -> str:
    return posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")


def sources_table(page_src: str) -> str:
    entries = bibliography.load()
    rows = ["| Source | Authors | Outlet | Year | Reader page |", "| --- | --- | --- | --- | --- |"]
    for key in SOURCES:
        e = entries[key]
        title = e.get("title")
        translation = e.get("titletranslation")
        label = (f"{translation} ({title})" if title else "Title not established") if translation or title else key
        authors = "、".join(e.authors) or "Unnamed researcher"
        outlet = e.get("journal") or e.get("series") or e.get("institution")
        english = e.get("journaltranslation")
        outlet_text = f"《{outlet}》" + (f" ({english})" if english else "") if outlet else ""
        rows.append(f"| {label} | {authors} | {outlet_text} | {e.get('year') or 'n.d.'} | "
                    f"[`{key}`]({_rel(page_src, f'sources/{key}.md')}) |")
    return "\n".join(rows) + "\n"


PLACEHOLDERS = {
    "<!-- sources-table -->": sources_table,
}


def fill_placeholders(markdown: str, page_src: str) -> str:
    for placeholder, make in PLACEHOLDERS.items():
        if placeholder in markdown:
            markdown = markdown.replace(placeholder, make(page_src))
    return markdown
