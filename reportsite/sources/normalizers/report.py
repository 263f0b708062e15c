"""Normalizer for the Tsinghua CISS report layout (text extracted from the PDF).

Layout (one line per paragraph, blank lines between blocks):

* masthead: issue line "2022年第8期（总第33期）", series name and its English
  form, "<系列>：" + title, centre name (Chinese + English block), a repeated
  "<系列>： <题目>" line, authors, the authors' programme;
* the summary paragraph, then the body with headings 一、… / （一）…, a
  tab-separated table, and footnote blocks at page ends whose lines begin with
  a circled number ("^① …" or "① …");
* back matter: 发表日期/审编/签发, QR-code caption, printer, address, phone,
  website and e-mail.

Footnote references are "^①" in the text. Circled numbers repeat in the
extraction (after ⑩ the PDF's ⑪–⑬ come out as ①–③, and ⑱–⑳ as ⑮–⑰), so a
reference is bound to the definition in the first footnote block after it
(its own page) and renumbered document-wide.
"""

from __future__ import annotations

import re
from functools import lru_cache
import yaml

from ..model import Change, Document, Heading, LayoutError, Paragraph, Table
from ..registry import REPO_ROOT
from ._footnotes import (
    FootnoteBlock,
    FootnoteLinker,
    clean_chars,
    attach_footnotes,
    count_changes,
    ends_sentence,
    excerpt_join,
)

RESTORATION_FILE = REPO_ROOT / "bib" / "restoration" / "zhang-roadmap.yaml"

CIRCLED = "".join(chr(c) for c in range(0x2460, 0x2474))  # ①..⑳
_ISSUE_RE = re.compile(r"^\d{4}年第\d+期（总第\d+期）$")
_ENGLISH_RE = re.compile(r"^[A-Z][A-Z &,.'’-]*$")
_H2_RE = re.compile(r"^[一二三四五六七八九十]+、\S")
_H3_RE = re.compile(r"^（[一二三四五六七八九十]+）\S")
_FN_DEF_RE = re.compile(rf"^\^?([{CIRCLED}])\s*(\S.*)$")
_REF_RE = re.compile(rf"\^([{CIRCLED}])")
_BACK_START_RE = re.compile(r"^(发表日期|审编|签发)：")
_LABELLED_RE = re.compile(r"^([^：\s]{2,6})：(.+)$")
_URL_IN_ANGLES_RE = re.compile(r"<((?:https?)://[^>\s]+)>")
_AUTHORS_RE = re.compile(r"^[\u4e00-\u9fff]{2,4}(、[\u4e00-\u9fff]{2,4})+$")


@lru_cache(maxsize=1)
def _restoration() -> tuple[tuple[str, str], ...]:
    """(first_ends, next_starts) pairs of case-by-case paragraph joins."""
    data = yaml.safe_load(RESTORATION_FILE.read_text(encoding="utf-8")) or {}
    return tuple((j["first_ends"], j["next_starts"]) for j in data.get("joins", []))


def _groups(raw: str) -> list[list[str]]:
    """Runs of consecutive non-blank lines (tabs kept, other edges stripped)."""
    groups: list[list[str]] = []
    current: list[str] = []
    for line in raw.splitlines():
        if line.strip():
            current.append(line.rstrip().lstrip(" \u3000") if "\t" in line else line.strip())
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _join_lines(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        sep = " " if out[-1:].isascii() and line[:1].isascii() and out[-1:].isalnum() else ""
        out += sep + line
    return out


def _heading_level(text: str) -> int | None:
    if len(text) > 40 or "。" in text:
        return None
    if _H2_RE.match(text):
        return 2
    if _H3_RE.match(text):
        return 3
    return None


def _is_abstract_candidate(group: list[str]) -> bool:
    text = _join_lines(group)
    return len(text) >= 60 and "。" in text and _heading_level(text) is None


def _parse_front(groups: list[list[str]], doc: Document) -> None:
    """Masthead groups → title, subtitle and card."""
    last_label = ""
    title = ""
    for group in groups:
        text = _join_lines(group)
        if all(_ENGLISH_RE.match(line) for line in group):
            label = f"{last_label}（英文）" if last_label else "英文名称"
            doc.card[label] = " ".join(group)
            continue
        if len(group) == 2 and group[0].endswith("："):
            doc.subtitle, title = group[0].rstrip("："), group[1]
            continue
        flat = re.sub(r"\s+", "", text)
        if title and flat == f"{doc.subtitle}：{title}":
            doc.changes.append(Change("duplicate-title-removed", before=text, note="masthead title repeated above the byline"))
            continue
        if _ISSUE_RE.match(text):
            last_label = "期号"
        elif _AUTHORS_RE.match(text):
            last_label = "作者"
        elif text.endswith("报告"):
            last_label = "报告系列"
        elif text.endswith("项目"):
            last_label = "作者单位"
        elif text.endswith("中心"):
            last_label = "编写机构"
        else:
            last_label = "题头"
            if last_label in doc.card:
                doc.card[last_label] += "\n" + text
                continue
        doc.card[last_label] = text
    if not title:
        raise LayoutError("report: no '<系列>：' + title lines in the masthead")
    doc.title = title


def _parse_back(groups: list[list[str]], doc: Document) -> None:
    """Back matter → card (publication data, printer, contact lines)."""
    for line in (line for g in groups for line in g):
        rest = line
        for url in _URL_IN_ANGLES_RE.findall(line):
            doc.card["网址"] = url
            rest = rest.replace(f"<{url}>", "").strip()
        if not rest:
            continue
        m = _LABELLED_RE.match(rest)
        if m:
            doc.card[m.group(1)] = m.group(2).strip()
        elif rest.endswith("编印"):
            doc.card["编印"] = rest[: -len("编印")]
        elif rest.startswith("扫码"):
            doc.changes.append(Change("qr-caption-dropped", before=rest, note="caption of a QR code image that the text extraction lost"))
        else:
            doc.card["备注"] = (doc.card.get("备注", "") + "\n" + rest).strip()
    doc.changes.append(Change("back-matter-to-card", note="publication, editing and contact lines moved to the card", listed=False))


def normalize(raw: str, key: str) -> Document:
    groups = _groups(raw)
    doc = Document(key=key, title="", blocks=[])

    # --- split masthead | summary + body | back matter -----------------------
    first_heading = next((i for i, g in enumerate(groups) if len(g) == 1 and _heading_level(g[0]) == 2), None)
    if first_heading is None:
        raise LayoutError("report: no section heading '一、…' found")
    abstract_at = next((i for i, g in enumerate(groups[:first_heading]) if _is_abstract_candidate(g)), None)
    if abstract_at is None:
        raise LayoutError("report: no summary paragraph before the first heading")
    back_at = next(
        (i for i, g in enumerate(groups) if i > first_heading and _BACK_START_RE.match(g[0])), len(groups)
    )
    _parse_front(groups[:abstract_at], doc)
    doc.changes.append(Change("masthead-to-card", note=f"{abstract_at} masthead blocks moved to the card/subtitle", listed=False, count=abstract_at))
    _parse_back(groups[back_at:], doc)

    # --- classify body groups ------------------------------------------------
    # items: ("text", str) | ("heading", level, str) | ("table", rows) | ("fn", FootnoteBlock)
    items: list[tuple] = []
    for group in groups[abstract_at:back_at]:
        text = _join_lines(group)
        fn = _FN_DEF_RE.match(text)
        if fn and "\t" not in text:
            if not items or items[-1][0] != "fn":
                items.append(("fn", FootnoteBlock()))
            block: FootnoteBlock = items[-1][1]
            if fn.group(1) in block.defs:
                raise LayoutError(f"report: footnote {fn.group(1)} defined twice in one block")
            block.defs[fn.group(1)] = fn.group(2)
        elif all("\t" in line for line in group):
            items.append(("table", [line.split("\t") for line in group]))
        elif len(group) == 1 and _heading_level(text):
            items.append(("heading", _heading_level(text), text))
        else:
            items.append(("text", text))

    # --- bind references to their page's block (before any rejoining) -------
    linker = FootnoteLinker()
    parts: list[tuple] = []  # like items, but text items carry their Changes
    for idx, item in enumerate(items):
        if item[0] != "text":
            parts.append(item)
            continue
        block = next((it[1] for it in items[idx + 1 :] if it[0] == "fn"), None)
        changes: list[Change] = []
        n_refs = 0

        def repl(m: re.Match[str]) -> str:
            nonlocal n_refs
            marker = m.group(1)
            fid, found = linker.link(block, marker)
            n_refs += 1
            if not found:
                changes.append(Change("gap-footnote-missing", before=m.group(0), after=f"[^{fid}]",
                                      note="no definition for this marker in the page's footnote block"))
            elif int(fid) != CIRCLED.index(marker) + 1:
                changes.append(Change("footnote-renumbered", before=m.group(0), after=f"[^{fid}]",
                                      note="extraction repeats an earlier circled number; bound to this page's note"))
            return f"[^{fid}]"

        text = _REF_RE.sub(repl, item[1])
        if n_refs:
            changes.insert(0, Change("footnote-ref-linked", note=f"{n_refs}× ^circled → [^n]", listed=False, count=n_refs))
        parts.append(("text", text, changes))

    # --- rejoin paragraphs cut by a page end ----------------------------------
    joins = _restoration()
    blocks: list = []
    open_para: Paragraph | None = None  # last paragraph, if only footnote blocks followed it
    for part in parts:
        kind = part[0]
        if kind == "fn":
            continue
        if kind == "text":
            text, changes = part[1], part[2]
            if open_para is not None:
                by_rule = not ends_sentence(open_para.text)
                by_data = any(open_para.text.endswith(a) and text.startswith(b) for a, b in joins)
                if by_rule or by_data:
                    before, after = excerpt_join(open_para.text, text)
                    open_para.changes.append(Change(
                        "page-break-rejoined", before=before, after=after,
                        note=("first part does not end a sentence" if by_rule
                              else "restoration data bib/restoration/zhang-roadmap.yaml"),
                    ))
                    open_para.text += text
                    open_para.changes.extend(changes)
                    continue
            open_para = Paragraph(text=text, changes=changes)
            blocks.append(open_para)
            continue
        open_para = None
        if kind == "heading":
            blocks.append(Heading(level=part[1], text=part[2]))
        else:
            rows = part[1]
            width = max(len(r) for r in rows)
            padded = [r + [""] * (width - len(r)) for r in rows]
            table = Table(header=[c.strip() for c in padded[0]], rows=[[c.strip() for c in r] for r in padded[1:]])
            table.changes.append(Change("table-from-tabs", note=f"{len(rows) - 1} rows × {width} columns from tab-separated lines", listed=False))
            if any(len(r) != width for r in rows):
                table.changes.append(Change("table-row-padded", note="short rows padded with empty cells"))
            blocks.append(table)

    # --- character-level cleaning, roles ------------------------------------
    for b in blocks:
        if isinstance(b, Paragraph):
            b.text, counts = clean_chars(b.text)
            b.changes.extend(count_changes(counts))
        elif isinstance(b, Heading):
            b.text, counts = clean_chars(b.text)
            doc.changes.extend(count_changes(counts, "in heading"))
        else:
            counts_all: dict[str, int] = {}
            for row in [b.header, *b.rows]:
                for i, cell in enumerate(row):
                    row[i], counts = clean_chars(cell)
                    for k, v in counts.items():
                        counts_all[k] = counts_all.get(k, 0) + v
            b.changes.extend(count_changes(counts_all))
    first = blocks[0]
    if not isinstance(first, Paragraph):
        raise LayoutError("report: body does not start with the summary paragraph")
    first.role = "abstract"
    doc.blocks = blocks
    doc.title, _ = clean_chars(doc.title)
    doc.subtitle, _ = clean_chars(doc.subtitle)
    doc.card = {k: clean_chars(v)[0] for k, v in doc.card.items()}

    # --- footnote texts -------------------------------------------------------
    attach_footnotes(doc, linker, [item[1] for item in items if item[0] == "fn"], "{}")
    return doc
