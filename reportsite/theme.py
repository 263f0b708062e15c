"""Material's own stylesheets, trimmed after the build of a rule that costs every page load and buys nothing here.

Material's palette component (the light/dark toggle) sets ``data-md-color-switching`` on ``<body>`` while it
applies the palette, on every page load, and removes it on the next frame. Its palette stylesheet has the rule
``[data-md-color-switching] *, … :before, … :after {transition-duration: 0s !important}``, so each of those two
attribute changes makes the browser restyle every element of the page. Traced in Chromium on a reader page
(1,450 elements) at the benchmark's CPU slowdown, the two restyles took 60-170 ms each, on the main thread while
the page starts. Without the rule the attribute is inert; the one difference a reader can see is that a click
on the palette toggle fades colours over Material's own 125-250 ms transitions instead of switching at once.

The stylesheet is parsed and written back with tinycss2 (already installed for WeasyPrint); only qualified rules
whose selector names the attribute are dropped, inside at-rules too.
"""

from __future__ import annotations

from pathlib import Path

import tinycss2

SWITCHING_ATTRIBUTE = "data-md-color-switching"
PALETTE_STYLESHEETS = "assets/stylesheets/palette.*.min.css"


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


def trim_palette_stylesheets(site_dir: str | Path) -> int:
    """Drops the palette-switching rule from the built site's Material palette stylesheet(s); returns how many
    rules were dropped (0 means Material no longer has the rule, or the site has no palette)."""
    removed = 0
    for path in sorted(Path(site_dir).glob(PALETTE_STYLESHEETS)):
        css, dropped = without_rules_naming(path.read_text(encoding="utf-8"), SWITCHING_ATTRIBUTE)
        if dropped:
            path.write_text(css, encoding="utf-8")
            removed += dropped
    return removed
