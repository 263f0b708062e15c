"""Material's theme, adjusted after the build where its start-up script would redo work on every page load.

Material's palette component (the light/dark toggle) sets ``data-md-color-switching`` on ``<body>`` while it
applies the palette, on every page load, and removes it on the next frame. Its palette stylesheet has the rule
``[data-md-color-switching] *, … :before, … :after {transition-duration: 0s !important}``, so each of those two
attribute changes makes the browser restyle every element of the page. Traced in Chromium on a reader page
(1,450 elements) at the benchmark's CPU slowdown, the two restyles took 60-170 ms each, on the main thread while
the page starts. Without the rule the attribute is inert; the one difference a reader can see is that a click
on the palette toggle fades colours over Material's own 125-250 ms transitions instead of switching at once.

The stylesheet is parsed and written back with tinycss2 (already installed for WeasyPrint); only qualified rules
whose selector names the attribute are dropped, inside at-rules too.

Tables. Material's script wraps every unclassed table (``table:not([class])``) in a scrolling frame when a page
starts, by taking the table out of the page and putting it back inside the frame; the browser then styles and lays
out the table, and on the synthesis pages the whole article around it, a second time. On the governance-models
page (a 570-element comparison table) that was the largest single piece of start-up work: Lighthouse's Total
Blocking Time there fell from 500-650 ms to 80-370 ms with the table framed at build time (make benchmark's
pages, 4x CPU slowdown, three runs each). So the build writes Material's frame itself (``prewrap_tables``) and
marks the table ``prewrapped``, which Material's script leaves alone; Material's table rules are extended to the
class in its own stylesheet (``style_prewrapped_tables``), so they keep Material's look and follow its updates.
"""

from __future__ import annotations

from pathlib import Path

import tinycss2
from bs4 import BeautifulSoup, Tag

SWITCHING_ATTRIBUTE = "data-md-color-switching"
PALETTE_STYLESHEETS = "assets/stylesheets/palette.*.min.css"
MAIN_STYLESHEETS = "assets/stylesheets/main.*.min.css"
PREWRAPPED = "prewrapped"
# What Material's content script wraps, and the selector its stylesheet styles them by.
UNCLASSED_TABLE = "table:not([class])"
# Same specificity as Material's selector (:is() takes its most specific argument's), so the cascade is unchanged.
STYLED_TABLE = f"table:is(:not([class]),.{PREWRAPPED})"


def _without(nodes: list, attribute: str) -> tuple[list, int]:
    kept, removed = [], 0
    for node in nodes:
        if node.type == "qualified-rule" and attribute in tinycss2.serialize(node.prelude):
            removed += 1
            continue
        if node.type == "at-rule" and node.content is not None:
            inner = tinycss2.parse_blocks_contents(node.content)
            if any(child.type in ("qualified-rule", "at-rule") for child in inner):
                inner, dropped = _without(inner, attribute)
                if dropped:
                    removed += dropped
                    node.content = inner
        kept.append(node)
    return kept, removed


def without_rules_naming(css: str, attribute: str) -> tuple[str, int]:
    """``css`` without the style rules whose selectors name ``attribute``, and how many were dropped."""
    rules, removed = _without(tinycss2.parse_stylesheet(css), attribute)
    return (tinycss2.serialize(rules) if removed else css), removed


def _rewrite_stylesheets(site_dir: str | Path, pattern: str, rewrite) -> int:
    """Applies ``rewrite`` (css -> (css, count)) to the built stylesheets matching ``pattern``; returns the total
    count. A file is written only when something in it changed."""
    total = 0
    for path in sorted(Path(site_dir).glob(pattern)):
        css, count = rewrite(path.read_text(encoding="utf-8"))
        if count:
            path.write_text(css, encoding="utf-8")
            total += count
    return total


def trim_palette_stylesheets(site_dir: str | Path) -> int:
    """Drops the palette-switching rule from the built site's Material palette stylesheet(s); returns how many
    rules were dropped (0 means Material no longer has the rule, or the site has no palette)."""
    return _rewrite_stylesheets(site_dir, PALETTE_STYLESHEETS,
                                lambda css: without_rules_naming(css, SWITCHING_ATTRIBUTE))


# --- Tables framed at build time ------------------------------------------------------------------

def prewrap_tables(soup: BeautifulSoup) -> int:
    """Frames each unclassed table of a page as Material's script would (div.md-typeset__scrollwrap >
    div.md-typeset__table > table) and marks it prewrapped; returns how many were framed."""
    tables = [t for t in soup.find_all("table") if not t.has_attr("class")]
    for table in tables:
        scrollwrap = soup.new_tag("div", attrs={"class": "md-typeset__scrollwrap"})
        frame = soup.new_tag("div", attrs={"class": "md-typeset__table"})
        table.wrap(frame)
        frame.wrap(scrollwrap)
        table["class"] = PREWRAPPED
    return len(tables)


def unwrap_prewrapped_tables(root: Tag) -> None:
    """Undoes prewrap_tables (the PDF lays tables out itself and styles them by their place in the page)."""
    for table in root.select(f"div.md-typeset__scrollwrap > div.md-typeset__table > table.{PREWRAPPED}"):
        frame = table.parent
        frame.parent.unwrap()
        frame.unwrap()
        del table["class"]


def _selector_occurrences(nodes: list, text: str) -> int:
    found = 0
    for node in nodes:
        if node.type == "qualified-rule":
            found += tinycss2.serialize(node.prelude).count(text)
        elif node.type == "at-rule" and node.content is not None:
            found += _selector_occurrences(tinycss2.parse_blocks_contents(node.content), text)
    return found


def with_prewrapped_tables_styled(css: str) -> tuple[str, int]:
    """``css`` with every selector for Material's unclassed tables extended to prewrapped ones, and how many.

    A plain replacement, once tinycss2 has shown that every occurrence is in a selector: written back through
    tinycss2, the stylesheet would change elsewhere too (it writes ``1n+2`` as ``1n/**/+2``)."""
    in_selectors = _selector_occurrences(tinycss2.parse_stylesheet(css), UNCLASSED_TABLE)
    if in_selectors != css.count(UNCLASSED_TABLE):
        raise ValueError(f"'{UNCLASSED_TABLE}' appears outside selectors in Material's stylesheet: "
                         "reportsite/theme.py cannot extend its table rules safely")
    return css.replace(UNCLASSED_TABLE, STYLED_TABLE), in_selectors


def style_prewrapped_tables(site_dir: str | Path) -> int:
    """Extends Material's table rules in the built site's main stylesheet to prewrapped tables; returns how many
    rules were extended (0 means Material no longer styles tables this way)."""
    return _rewrite_stylesheets(site_dir, MAIN_STYLESHEETS, with_prewrapped_tables_styled)
