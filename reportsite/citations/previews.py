"""What a citation preview shows, written once per source instead of once per citation.

A thread page cites the same paragraphs many times; with the preview text inline beside every
locator, previews were three quarters of a thread page (465 of 643 KB). The site now writes one
store per source, ``previews/<key>.json`` at the site root, with the shortened text of each
paragraph: the site's English translation (when there is one) and the original. Locators carry
only the numbers of the paragraphs they preview (``data-passages``); docs/javascripts/
citation-previews.js fetches a source's store the first time one of its citations is hovered,
focused or tapped, and builds the preview beside the locator. Without JavaScript, a locator is
still a link to the cited paragraph on the reader page.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from ..chinese import mark_chinese_in_html
from .passages import SourceIndex

STORE_DIR = "previews"


def shorten(text: str, limit: int, at_word: bool = False) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if at_word and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def store(index: SourceIndex, chars: int) -> dict:
    """The preview store of one source: its language and, per paragraph number, HTML fragments
    ``zh`` (the original, ``chars`` characters at most) and ``en`` (the English translation, twice
    that, cut at a word; Chinese inside it marked ``lang="zh-Hans"``)."""
    paragraphs = {}
    for n, passage in sorted(index.paragraphs.items()):
        entry = {"zh": html.escape(shorten(passage.text, chars), quote=False)}
        if passage.en:
            entry["en"] = mark_chinese_in_html(html.escape(shorten(passage.en, chars * 2, at_word=True), quote=False))
        paragraphs[str(n)] = entry
    return {"key": index.key, "lang": index.lang, "paragraphs": paragraphs}


def write_stores(indexes: dict[str, SourceIndex], site_dir: str | Path, chars: int) -> list[Path]:
    """Write ``previews/<key>.json`` for every source; byte-identical for identical input."""
    out_dir = Path(site_dir) / STORE_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for key, index in sorted(indexes.items()):
        path = out_dir / f"{key}.json"
        path.write_text(json.dumps(store(index, chars), ensure_ascii=False, separators=(",", ":"), sort_keys=True),
                        encoding="utf-8")
        written.append(path)
    return written
