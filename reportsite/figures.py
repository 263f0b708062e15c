"""Static SVG figures made at build time from the data files.

Figures are inline SVG with real text: they need no JavaScript, take their
colours from the theme's CSS variables (so they follow light/dark mode and
print), render Chinese with the page's CJK font stack, and carry a title and
description for assistive technology. Every figure also has a text version
next to it, generated from the same data.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from .citations.syntax import find_citation_blocks
from .report_data import ArgumentMap, ArgumentNode, Meeting

FONT_SIZE = 13
LINE_HEIGHT = 17
_CITATION = re.compile(r"\s*\[(?!\^)[^\[\]\n]*@[^\[\]\n]*\]")


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """Approximate rendered width: wide (CJK) characters are 1 em, others ~0.56 em."""
    return sum(size * (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.56) for ch in text)


def wrap(text: str, width: float, size: int = FONT_SIZE) -> list[str]:
    tokens = re.findall(r"[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+|\s+", text)
    lines, current = [], ""
    for token in tokens:
        candidate = current + token
        if current and text_width(candidate.rstrip(), size) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = candidate
    if current.strip():
        lines.append(current.rstrip())
    return lines or [""]


def strip_citations(text: str) -> str:
    return _CITATION.sub("", text).strip()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


# --- argument maps ---------------------------------------------------------------------

@dataclass
class _Box:
    node: ArgumentNode
    x: float
    y: float
    w: float
    h: float
    lines: list[str]


COLUMN_WIDTH = 230
COLUMN_GAP = 56
PAD = 8
V_GAP = 12


ATTRIBUTION_SIZE = 11


def _measure(node: ArgumentNode) -> tuple[list[str], float]:
    lines = wrap(node.label, COLUMN_WIDTH - 2 * PAD)
    extra = LINE_HEIGHT if node.attribution else 0
    return lines, len(lines) * LINE_HEIGHT + extra + 2 * PAD + 4


def _evidence_target(node: ArgumentNode, url_for) -> str | None:
    blocks = find_citation_blocks(node.text)
    for block in blocks:
        for cite in block.citations:
            first = cite.locator.first_paragraph
            if first is not None:
                return url_for(cite.key, first)
    return None


def argument_map_svg(argmap: ArgumentMap, url_for) -> str:
    """``url_for(key, paragraph)`` gives the href of a cited paragraph from the page."""
    boxes: list[_Box] = []
    edges: list[tuple[_Box, _Box]] = []
    y = 0.0

    def place(node: ArgumentNode, column: int) -> _Box:
        nonlocal y
        lines, h = _measure(node)
        x = column * (COLUMN_WIDTH + COLUMN_GAP)
        if not node.children:
            box = _Box(node, x, y, COLUMN_WIDTH, h, lines)
            y += h + V_GAP
        else:
            kids = [place(child, column + 1) for child in node.children]
            mid = (kids[0].y + kids[-1].y + kids[-1].h) / 2
            box = _Box(node, x, max(mid - h / 2, kids[0].y if len(kids) == 1 else mid - h / 2), COLUMN_WIDTH, h, lines)
            edges.extend((kid, box) for kid in kids)
            if box.y + box.h + V_GAP > y:
                y = box.y + box.h + V_GAP
        boxes.append(box)
        return box

    for claim in argmap.claims:
        place(claim, 0)
        y += V_GAP
    width = 3 * COLUMN_WIDTH + 2 * COLUMN_GAP
    height = y + 24
    uid = f"argmap-{argmap.thread}"
    out = [
        # role="group", not "img": an image's children are presentational, so the evidence links inside would be
        # neither announced nor reachable by assistive technology. A group keeps its title as its name and its
        # description, and exposes the box texts and the links (each named by its own <title>).
        f'<svg class="figure-svg argmap" viewBox="-2 -26 {width + 4} {height + 4}" role="group" '
        f'aria-labelledby="{uid}-title" aria-describedby="{uid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:xlink="http://www.w3.org/1999/xlink" style="max-width:{width + 4}px" font-size="{FONT_SIZE}">',
        f'<title id="{uid}-title">{_e(argmap.title)}</title>',
        f'<desc id="{uid}-desc">Claims on the left, the reasons given for them in the middle, the evidence on the '
        f"right; each evidence box links to the cited paragraph. A text version follows the figure.</desc>",
        '<defs><marker id="%s-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="argmap__arrowhead"/></marker></defs>' % uid,
    ]
    for i, heading in enumerate(["Claims", "Reasons", "Evidence (links to the source)"]):
        out.append(f'<text class="argmap__heading" x="{i * (COLUMN_WIDTH + COLUMN_GAP)}" y="-10">{heading}</text>')
    for child, parent in edges:
        x1, y1 = child.x, child.y + child.h / 2
        x2, y2 = parent.x + parent.w, parent.y + parent.h / 2
        mx = (x1 + x2) / 2
        out.append(f'<path class="argmap__edge" d="M{x1:.1f},{y1:.1f} C{mx:.1f},{y1:.1f} {mx:.1f},{y2:.1f} '
                   f'{x2 + 2:.1f},{y2:.1f}" marker-end="url(#{uid}-arrow)"/>')
    for box in sorted(boxes, key=lambda b: (b.x, b.y)):
        kind = box.node.kind
        rect = (f'<rect class="argmap__box argmap__box--{kind}" x="{box.x:.1f}" y="{box.y:.1f}" '
                f'width="{box.w:.1f}" height="{box.h:.1f}" rx="6"/>')
        texts = "".join(
            f'<text class="argmap__label argmap__label--{kind}" x="{box.x + PAD:.1f}" '
            f'y="{box.y + PAD + (i + 1) * LINE_HEIGHT - 4:.1f}">{_e(line)}</text>'
            for i, line in enumerate(box.lines)
        )
        if box.node.attribution:
            # Whose claim this is, under the label: a figure never states a source's claim as fact.
            texts += (f'<text class="argmap__attribution argmap__attribution--{kind}" x="{box.x + PAD:.1f}" '
                      f'y="{box.y + PAD + (len(box.lines) + 1) * LINE_HEIGHT - 4:.1f}" '
                      f'font-size="{ATTRIBUTION_SIZE}">— {_e(box.node.attribution)}</text>')
        group = f'<g id="{uid}-{_e(box.node.id)}">{rect}{texts}</g>'
        target = _evidence_target(box.node, url_for) if kind == "evidence" else None
        if target:
            # xlink:href, not href: Material's instant navigation makes every relative [href] absolute by assigning
            # `el.href = el.href`, which throws on an SVG <a> (its href is a read-only SVGAnimatedString) and stops
            # page changes. CSS [href] does not match the namespaced xlink:href, and browsers follow it the same.
            # Named by its visible text (WCAG 2.5.3, label in name); the <title> then describes it and shows on hover.
            # role="link" is what browsers give it anyway; tools that look for href alone (axe-core, Playwright's
            # role queries) need it said.
            name = box.node.label + (f" — {box.node.attribution}" if box.node.attribution else "")
            group = (f'<a xlink:href="{_e(target)}" role="link" class="argmap__link" aria-label="{_e(name)}">'
                     f'<title>{_e(strip_citations(box.node.text))}</title>{group}</a>')
        out.append(group)
    out.append("</svg>")
    return "".join(out)


def argument_map_text(argmap: ArgumentMap) -> str:
    """Nested Markdown list of the same map, with its citations (rendered by the citations plugin)."""
    lines = ['??? info "Text version of the argument map"', ""]

    def emit(node: ArgumentNode, depth: int):
        indent = "    " * (depth + 1)
        who = f" ({node.attribution})" if node.attribution else ""
        lines.append(f"{indent}- **{node.kind.capitalize()} {node.id} — {node.label}{who}.** {node.text}")
        for child in node.children:
            emit(child, depth + 1)

    for claim in argmap.claims:
        emit(claim, 0)
    return "\n".join(lines) + "\n"


# --- timeline ----------------------------------------------------------------------------

def _date_value(date: str) -> float:
    parts = [int(p) for p in date.split("-")]
    year, month, day = (parts + [7, 15])[:3] if len(parts) == 1 else (parts + [15])[:3]
    return year + (month - 1) / 12 + (day - 1) / 365


def timeline_svg(events: list[Meeting], title: str) -> str:
    if not events:
        return ""
    values = [_date_value(e.date) for e in events]
    start, end = int(min(values)), int(max(values)) + 1
    width, left, right = 900, 20, 20
    axis_y = 190
    scale = (width - left - right) / (end - start)
    x_of = lambda v: left + (v - start) * scale  # noqa: E731
    uid = "ttc-timeline"
    out = [
        f'<svg class="figure-svg timeline" viewBox="0 0 {width} 380" role="img" aria-labelledby="{uid}-title {uid}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12" style="max-width:{width}px">',
        f'<title id="{uid}-title">{_e(title)}</title>',
        f'<desc id="{uid}-desc">A time axis from {start} to {end}; circles mark ministerial meetings, diamonds mark '
        f"other milestones. The same events are listed in the table on this page.</desc>",
        f'<line class="timeline__axis" x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}"/>',
    ]
    for year in range(start, end + 1):
        x = x_of(year)
        out.append(f'<line class="timeline__tick" x1="{x:.1f}" y1="{axis_y - 6}" x2="{x:.1f}" y2="{axis_y + 6}"/>'
                   f'<text class="timeline__year" x="{x:.1f}" y="{axis_y + 22}" text-anchor="middle">{year}</text>')
    order = sorted(range(len(events)), key=lambda i: values[i])
    for rank, i in enumerate(order):
        event, x = events[i], x_of(values[i])
        above = rank % 2 == 0
        level = (rank // 2) % 3
        label_y = axis_y - 40 - level * 42 if above else axis_y + 52 + level * 42
        out.append(f'<line class="timeline__stem" x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" '
                   f'y2="{label_y + (10 if above else -14):.1f}"/>')
        if event.kind == "meeting":
            out.append(f'<circle class="timeline__mark timeline__mark--meeting" cx="{x:.1f}" cy="{axis_y}" r="6"/>')
        else:
            out.append(f'<path class="timeline__mark timeline__mark--milestone" d="M{x:.1f},{axis_y - 7} l7,7 l-7,7 l-7,-7 z"/>')
        anchor = "start" if x < width * 0.15 else "end" if x > width * 0.85 else "middle"
        out.append(f'<text class="timeline__date" x="{x:.1f}" y="{label_y - 2:.1f}" text-anchor="{anchor}">{_e(event.date)}</text>')
        for j, line in enumerate(wrap(event.title, 150, 12)[:2]):
            out.append(f'<text class="timeline__label" x="{x:.1f}" y="{label_y + 13 + j * 14:.1f}" '
                       f'text-anchor="{anchor}">{_e(line)}</text>')
    out.append("</svg>")
    return "".join(out)
