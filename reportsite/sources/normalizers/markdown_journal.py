"""Normalizer for a journal article converted from PDF to Markdown.

Layout (one Markdown line per paragraph, blank lines between):

* ``# <title><sup>\\*</sup>`` — the starred title note is the funding note,
  printed later as a line beginning ``\\* ``;
* ``□ <authors>`` byline; ``〔提 要〕…``, ``〔关键词〕…``, ``〔作者简介〕…`` (one
  line per author), ``〔中图分类号〕``, ``〔文献标识码〕``, ``〔文章编号〕``;
* body paragraphs with footnote references ``<sup>[n]</sup>``; headings with
  ``#``-levels the converter chose inconsistently;
* at every page end a footnote block (usually after a ``---`` line) whose
  definitions ``[n] …`` restart at [1] on each page, cutting through the
  paragraph that runs on to the next page;
* ``【责任编辑：…】`` at the end.
"""

from __future__ import annotations

import re

from ..model import Change, Document, Heading, LayoutError, Paragraph, sup
from ._footnotes import (
    FootnoteBlock,
    FootnoteLinker,
    clean_chars,
    attach_footnotes,
    count_changes,
    ends_sentence,
    excerpt_join,
    is_cjk,
    tidy_ref_spacing,
    unescape_markdown,
)

_TITLE_RE = re.compile(r"^#\s+(.+?)\s*$")
_TITLE_NOTE_RE = re.compile(r"<sup>\s*(\\?[*†‡])\s*</sup>")
_BYLINE_RE = re.compile(r"^□\s*(.+)$")
_LABEL_RE = re.compile(r"^〔([^〕]+)〕\s*(.*)$")
_NOTE_LINE_RE = re.compile(r"^\\?([*†‡])\s+(.+)$")
_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_RULE_RE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
_FN_DEF_RE = re.compile(r"^\[(\d+)\]\s*(.*)$")
_EDITOR_RE = re.compile(r"^【([^：:】]+)[：:]([^】]+)】$")
_REF_RE = re.compile(r"<sup>\s*\[(\d+)\]\s*</sup>")
_SUP_RE = re.compile(r"<sup>([^<]*)</sup>")
_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")
_H2_RE = re.compile(r"^[一二三四五六七八九十]+、")
_H3_RE = re.compile(r"^（[一二三四五六七八九十]+）")
_H4_RE = re.compile(r"^(?:\d+[.．、]|（\d+）)")
_ISSN_RE = re.compile(r"^(\d{4})\s+(\d{3}[\dX])\b")
_HALFWIDTH_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_ABSTRACT_LABELS = {"提要", "内容提要", "摘要", "内容摘要"}


def _heading_level(text: str, md_level: int) -> int:
    if _H2_RE.match(text):
        return 2
    if _H3_RE.match(text):
        return 3
    if _H4_RE.match(text):
        return 4
    return min(max(md_level, 2), 4)


def _fix_halfwidth_punct(text: str) -> tuple[str, int]:
    """ASCII , ; : ? ! between Chinese characters (or before a ref) → full-width."""
    count = 0
    out = list(text)
    for i, ch in enumerate(text):
        if ch in _HALFWIDTH_PUNCT and 0 < i < len(text) - 1:
            prev, nxt = text[i - 1], text[i + 1]
            if is_cjk(prev) and (is_cjk(nxt) or text.startswith("[^", i + 1)):
                out[i] = _HALFWIDTH_PUNCT[ch]
                count += 1
    return "".join(out), count


def _front_matter(lines: list[str], doc: Document) -> tuple[int, str, Paragraph | None]:
    """Parse title, byline and the 〔…〕 fields; returns (body start, note marker, abstract)."""
    idx = next((i for i, l in enumerate(lines) if l.strip()), None)
    m = _TITLE_RE.match(lines[idx]) if idx is not None else None
    if not m:
        raise LayoutError("markdown_journal: first line is not a '# title' line")
    title = m.group(1)
    note = _TITLE_NOTE_RE.search(title)
    marker = ""
    if note:
        marker = note.group(1).lstrip("\\")
        title = _TITLE_NOTE_RE.sub("", title).strip()
        doc.changes.append(Change("title-note-to-card", before=note.group(0), note="title note marker removed; its text goes to the card"))
    doc.title = title

    first_heading = next((i for i, l in enumerate(lines) if i > idx and _HEADING_RE.match(l.strip())), len(lines))
    labelled = [i for i, l in enumerate(lines[:first_heading]) if _LABEL_RE.match(l.strip())]
    if not labelled:
        raise LayoutError("markdown_journal: no 〔提要〕/〔关键词〕 front-matter fields")
    abstract: Paragraph | None = None
    last_label = ""
    i = idx + 1
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if not line:
            continue
        b = _BYLINE_RE.match(line)
        lab = _LABEL_RE.match(line)
        nl = _NOTE_LINE_RE.match(line)
        if b:
            doc.card["作者"] = "、".join(b.group(1).split())
            doc.changes.append(Change("byline-marker-stripped", before=line, after=doc.card["作者"], note="'□' byline marker dropped; authors moved to the card"))
        elif lab:
            last_label = re.sub(r"\s+", "", lab.group(1))
            if last_label in _ABSTRACT_LABELS:
                abstract = Paragraph(text=lab.group(2).strip(), role="abstract",
                                     changes=[Change("abstract-label-removed", before=f"〔{lab.group(1)}〕", listed=False)])
            else:
                doc.card[last_label] = lab.group(2).strip()
        elif marker and nl and nl.group(1) == marker:
            doc.card["基金项目"] = nl.group(2).strip()
        elif i - 1 < labelled[-1] and last_label and last_label not in _ABSTRACT_LABELS:
            doc.card[last_label] += "\n" + line  # e.g. the second author's bio line
        else:
            return i - 1, marker, abstract
    raise LayoutError("markdown_journal: no body after the front matter")


def normalize(raw: str, key: str) -> Document:
    lines = raw.splitlines()
    doc = Document(key=key, title="", blocks=[])
    start, marker, abstract = _front_matter(lines, doc)
    if abstract is None:
        raise LayoutError("markdown_journal: no 〔提要〕 abstract field")

    # --- classify body lines ---------------------------------------------------
    # items: ("text", str, starts_with_ref) | ("heading", level, text, md_level) | ("fn", FootnoteBlock) | ("rule",)
    items: list[tuple] = []
    new_block = True
    for line in (l.strip() for l in lines[start:]):
        if not line:
            continue
        h = _HEADING_RE.match(line)
        fn = _FN_DEF_RE.match(line)
        nl = _NOTE_LINE_RE.match(line)
        ed = _EDITOR_RE.match(line)
        if _RULE_RE.match(line):
            items.append(("rule",))
            new_block = True
        elif fn:
            if new_block or items[-1][0] != "fn" or fn.group(1) in items[-1][1].defs:
                items.append(("fn", FootnoteBlock()))
                new_block = False
            items[-1][1].defs[fn.group(1)] = fn.group(2)
        elif h:
            text = h.group(2)
            items.append(("heading", _heading_level(text, len(h.group(1))), text, len(h.group(1))))
            new_block = True
        elif ed:
            doc.card[ed.group(1).strip()] = ed.group(2).strip()
            new_block = True
        elif marker and nl and nl.group(1) == marker:
            doc.card["基金项目"] = nl.group(2).strip()
        else:
            items.append(("text", line, bool(_REF_RE.match(line))))
            new_block = True
    if not any(it[0] == "heading" for it in items):
        raise LayoutError("markdown_journal: no section headings in the body")

    # --- references → document-unique footnotes (own page's block) ----------
    linker = FootnoteLinker()
    for idx, item in enumerate(items):
        if item[0] != "text":
            continue
        block = next((it[1] for it in items[idx + 1 :] if it[0] == "fn"), None)
        changes: list[Change] = []
        n_refs = 0

        def repl(m: re.Match[str]) -> str:
            nonlocal n_refs
            fid, found = linker.link(block, m.group(1))
            n_refs += 1
            if not found:
                changes.append(Change("gap-footnote-missing", before=f"[{m.group(1)}]", after=f"[^{fid}]",
                                      note="the page's footnote block has no definition for this number; note text missing in the source"))
            return f"[^{fid}]"

        text = _REF_RE.sub(repl, item[1])
        counts: dict[str, int] = {}
        if n_refs:
            counts["footnote-ref-linked"] = n_refs
        text, n = _SUP_RE.subn(lambda m: sup(m.group(1)), text)
        counts["superscript-restored"] = n
        text, n = _TAG_RE.subn("", text)
        counts["html-tag-stripped"] = n
        text, n = unescape_markdown(text)
        counts["markdown-escape-removed"] = n
        text, n = _fix_halfwidth_punct(text)
        counts["halfwidth-punct"] = n
        items[idx] = ("text", text, item[2], changes + count_changes(counts))

    # --- rebuild paragraphs, rejoining what page ends cut ---------------------
    blocks: list = [abstract]
    open_para: Paragraph | None = None
    page_between = False
    level_changes: list[str] = []
    for item in items:
        kind = item[0]
        if kind in ("fn", "rule"):
            page_between = True
            continue
        if kind == "heading":
            _, level, text, md_level = item
            if level != md_level:
                level_changes.append(f"{'#' * md_level} {text} → {level}")
            blocks.append(Heading(level=level, text=text))
            open_para, page_between = None, False
            continue
        _, text, starts_with_ref, changes = item
        if open_para is not None and (starts_with_ref or not ends_sentence(open_para.text)):
            before, after = excerpt_join(open_para.text, text)
            if starts_with_ref:
                kind_name, note = "paragraph-rejoined-at-ref", "line began with a footnote reference, which cannot open a paragraph: the reference wrapped to the next line"
            else:
                kind_name = "page-break-rejoined"
                note = "first part does not end a sentence" + ("; footnote block in between" if page_between else "")
            open_para.changes.append(Change(kind_name, before=before, after=after, note=note))
            open_para.text += text
            open_para.changes.extend(changes)
        else:
            open_para = Paragraph(text=text, changes=changes)
            blocks.append(open_para)
        page_between = False
    if level_changes:
        doc.changes.append(Change("heading-level-normalised", note="; ".join(level_changes), listed=False, count=len(level_changes)))

    # --- character cleaning -------------------------------------------------------
    for b in blocks:
        b.text, counts = clean_chars(b.text)
        if isinstance(b, Paragraph):
            b.text, n = tidy_ref_spacing(b.text)
            counts["ref-spacing-removed"] = n
            b.changes.extend(count_changes(counts))
        else:
            doc.changes.extend(count_changes(counts, "in heading"))
    doc.blocks = blocks
    doc.title = clean_chars(doc.title)[0]

    # --- card -------------------------------------------------------------------
    card: dict[str, str] = {}
    for label, value in doc.card.items():
        value, _ = unescape_markdown(value)
        value = clean_chars(value)[0]
        if label == "文章编号":
            fixed = _ISSN_RE.sub(r"\1-\2", value)
            if fixed != value:
                doc.changes.append(Change("issn-hyphen-restored", before=value[:9], after=fixed[:9], note="ISSN is always NNNN-NNNN; the hyphen was lost in conversion"))
                value = fixed
        card[label] = value
    doc.card = card

    # --- footnote texts -----------------------------------------------------------
    attach_footnotes(doc, linker, [item[1] for item in items if item[0] == "fn"], "[{}]")
    return doc
