"""Clean documents: UTF-8 plain text, Markdown or simple HTML, as a contributor would supply them.

Unlike the other normalizers, which undo the damage of one particular raw file,
this one assumes the text is sound and only maps its structure onto the model:

* **title**: the first heading (``# Title`` / ``<h1>``, else ``<title>``), or,
  in plain text, the first line when it stands alone;
* **headings**: Markdown/HTML headings (level 2–4); in plain text a short line
  on its own that does not end like a sentence (e.g. ``一、引言``);
* **paragraphs**: blocks separated by blank lines (plain), ``<p>``, list items
  and block quotes (Markdown, HTML); tables become numbered tables;
* **footnotes**: Markdown ``[^id]`` references with ``[^id]: text``
  definitions (also accepted in plain text), and HTML links to an element
  inside a footnote list (e.g. ``<a href="#fn1">`` → ``<li id="fn1">``).

Markdown is read with Python-Markdown and HTML with Beautiful Soup, both
already used by the site. Traditional characters are left as written: a clean
document is published as received.
"""

from __future__ import annotations

import re
import unicodedata

import markdown as python_markdown
from bs4 import BeautifulSoup, NavigableString, Tag

from ..model import Document, Heading, LayoutError, Paragraph, Table

_SENTENCE_END = tuple("。！？!?.；;：:，,”’」』)）…")
_FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]*(.*)$")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def _join_lines(lines: list[str]) -> str:
    """Join the lines of one paragraph: no space between Chinese characters, one elsewhere."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if out and not (_CJK.match(line[0]) and (_CJK.match(out[-1]) or out.endswith("]"))):
            out += " "
        out += line
    return out


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).lstrip("\ufeff")


def _is_heading_line(block: list[str]) -> bool:
    line = block[0].strip()
    return len(block) == 1 and 0 < len(line) <= 40 and not line.endswith(_SENTENCE_END) and not _FOOTNOTE_DEF.match(line)


def _heading_level(text: str) -> int:
    return 3 if re.match(r"^[（(]", text) else 2


def _plain(raw: str, key: str) -> Document:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in _normalize(raw).split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    footnotes: dict[str, str] = {}
    body: list[list[str]] = []
    for block in blocks:
        if _FOOTNOTE_DEF.match(block[0].strip()):
            fn_id, text = None, []
            for line in block:
                m = _FOOTNOTE_DEF.match(line.strip())
                if m:
                    if fn_id:
                        footnotes[fn_id] = _join_lines(text)
                    fn_id, text = m.group(1), [m.group(2)]
                else:
                    text.append(line)
            footnotes[fn_id] = _join_lines(text)
        else:
            body.append(block)
    if len(body) < 2 or not _is_heading_line(body[0]):
        raise LayoutError("a plain-text source starts with its title alone on the first line, followed by a blank "
                          "line and the text in paragraphs separated by blank lines")
    title = body[0][0].strip()
    doc_blocks: list[Heading | Paragraph | Table] = []
    for block in body[1:]:
        if _is_heading_line(block) and not _FOOTNOTE_REF.search(block[0]):
            text = block[0].strip()
            doc_blocks.append(Heading(_heading_level(text), text))
        else:
            doc_blocks.append(Paragraph(_join_lines(block)))
    return _finish(key, title, doc_blocks, footnotes)


def _inline_text(node: Tag, footnote_ids: dict[str, str]) -> str:
    """An element's text, with links to footnotes turned into [^id] markers."""
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, NavigableString):
            parts.append(str(child))
        elif isinstance(child, Tag):
            target = (child.get("href") or "")[1:] if child.name == "a" and (child.get("href") or "").startswith("#") else ""
            if target in footnote_ids:
                parts.append(f"[^{footnote_ids[target]}]")
            elif child.name == "sup" and child.find("a", href=re.compile(r"^#")) is not None:
                parts.append(_inline_text(child, footnote_ids))
            elif child.name == "br":
                parts.append("\n")
            elif "footnote-backref" in (child.get("class") or []):
                continue
            else:
                parts.append(_inline_text(child, footnote_ids))
    return "".join(parts)


def _clean_inline(text: str) -> str:
    return _join_lines(text.split("\n")).replace("\u00a0", " ")


def _html(raw: str, key: str) -> Document:
    soup = BeautifulSoup(_normalize(raw), "html.parser")
    for junk in soup.find_all(["script", "style", "nav", "header", "footer", "noscript"]):
        junk.decompose()
    # Footnote lists: Python-Markdown's div.footnote, pandoc's section.footnotes, or any list whose items
    # are link targets of the text.
    containers = soup.select("div.footnote, section.footnotes, aside.footnotes, ol.footnotes")
    targets = {a["href"][1:] for a in soup.find_all("a", href=True) if a["href"].startswith("#")}
    for candidate in soup.find_all(["ol", "ul"]):
        items = candidate.find_all("li", recursive=False)
        inside = any(candidate is c or any(p is c for p in candidate.parents) for c in containers)
        if items and not inside and all(li.get("id") in targets for li in items):
            containers.append(candidate)
    footnote_ids: dict[str, str] = {}
    footnote_items: list[tuple[str, Tag]] = []
    for container in containers:
        for item in container.find_all("li"):
            if item.get("id"):
                fn_id = re.sub(r"^(?:fn[:\-_]?|footnote[:\-_]?|note[:\-_]?)", "", item["id"]) or item["id"]
                footnote_ids[item["id"]] = fn_id
                footnote_items.append((fn_id, item))
    footnotes = {fn_id: _clean_inline(_inline_text(item, footnote_ids)).rstrip(" ↩") for fn_id, item in footnote_items}
    for container in containers:
        container.decompose()
    title_tag = soup.find("h1") or soup.find("title")
    if title_tag is None or not title_tag.get_text(strip=True):
        raise LayoutError("an HTML or Markdown source needs a title: a first-level heading (# Title / <h1>) or <title>")
    title = _clean_inline(title_tag.get_text())
    root = soup.body or soup
    blocks: list[Heading | Paragraph | Table] = []
    for element in root.find_all(["h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "table", "pre"]):
        if element.find_parent(["table", "li", "blockquote"]) is not None and element.name != "table":
            if not (element.name == "li" and element.find_parent("blockquote") is None
                    and element.find_parent("table") is None and element.find_parent("li") is None):
                continue
        if element.name == "table":
            if element.find_parent("table") is not None:
                continue
            rows = [[_clean_inline(_inline_text(c, footnote_ids)) for c in tr.find_all(["th", "td"])]
                    for tr in element.find_all("tr")]
            rows = [r for r in rows if r]
            if rows:
                caption = element.find("caption")
                blocks.append(Table(rows[0], rows[1:], _clean_inline(caption.get_text()) if caption else ""))
            continue
        text = _clean_inline(_inline_text(element, footnote_ids))
        if not text:
            continue
        if element.name.startswith("h"):
            blocks.append(Heading(min(max(int(element.name[1]), 2), 4), text))
        elif element.name == "li" and element.find("p") is not None:
            continue  # its <p> children are the paragraphs
        else:
            blocks.append(Paragraph(text))
    return _finish(key, title, blocks, footnotes)


def _markdown(raw: str, key: str) -> Document:
    converter = python_markdown.Markdown(extensions=["footnotes", "tables"],
                                         extension_configs={"footnotes": {"BACKLINK_TEXT": ""}})
    return _html(converter.convert(_normalize(raw)), key)


def _finish(key: str, title: str, blocks: list, footnotes: dict[str, str]) -> Document:
    if not any(isinstance(b, (Paragraph, Table)) for b in blocks):
        raise LayoutError("no paragraphs found after the title")
    referenced = {ref for b in blocks if isinstance(b, Paragraph) for ref in _FOOTNOTE_REF.findall(b.text)}
    referenced |= {ref for b in blocks if isinstance(b, Table) for row in [b.header, *b.rows]
                   for cell in row for ref in _FOOTNOTE_REF.findall(cell)}
    missing = sorted(referenced - set(footnotes))
    if missing:
        raise LayoutError(f"footnote [^{missing[0]}] is referenced but never defined; add `[^{missing[0]}]: text`")
    return Document(key=key, title=title, blocks=blocks, footnotes={k: v for k, v in footnotes.items() if k in referenced})


def normalize(raw: str, key: str, flavor: str = "plain") -> Document:
    if flavor == "plain":
        return _plain(raw, key)
    if flavor == "markdown":
        return _markdown(raw, key)
    if flavor == "html":
        return _html(raw, key)
    raise ValueError(f"unknown flavor {flavor!r}")
