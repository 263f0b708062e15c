"""The citation checker: every citation points somewhere real, every quote is verbatim,
every claim on a report page is cited, and the bibliography is sound.

Definitions (documented for contributors in CONTRIBUTING.md):

* A **quote** is Chinese text in “…” or 「…」 (at least one CJK character) on a
  page, or a block quote containing Chinese. Inline quotes must be followed
  directly by their citation, optionally with an English rendering in
  parentheses between: “…” (English) [@key, ¶n]. Block quotes carry their
  citation inside the block. The quote must occur in the cited paragraphs,
  ignoring only whitespace and full-/half-width differences of punctuation.
* A **claim** is any paragraph, list item or table body row on a thread or
  synthesis page (docs/threads/, docs/synthesis/). Each carries a citation, or
  the explicit opt-out ``<!-- no-claim: reason -->`` — in the block itself, or
  on the line directly before a list or table to cover all of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from .. import bibliography, report_data
from ..problems import Problem
from ..sources.registry import REPO_ROOT, SOURCES
from . import passages
from .syntax import Citation, CitationBlock, code_mask, find_citation_blocks

DOCS = REPO_ROOT / "docs"
CLAIM_DIRS = ("threads", "synthesis")
NO_CLAIM = re.compile(r"<!--\s*no-claim:\s*\S[^>]*-->")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_INLINE_QUOTE = re.compile(
    r"(?:“(?P<q1>[^”\n]*)”|「(?P<q2>[^」\n]*)」)"
    r"(?P<after>\s*(?:\([^()\n]*\)\s*)?)(?P<cite>\[(?!\^)[^\[\]\n]*@[^\[\]\n]*\])?"
)
_SCRIPT_HTML = re.compile(r"<\s*script\b|<[^>\n]*\son[a-z]+\s*=|javascript\s*:", re.I)

REQUIRED_FIELDS = {
    "article": ["title", "journal", "language"],
    "report": ["title", "institution", "year", "language"],
    "book": ["title", "publisher", "year", "language"],
    "misc": ["title", "language"],
    "online": ["title", "url", "language"],
}
# What `reportsite add-source` writes into fields a person must fill in.
PLACEHOLDER_MARK = "TODO"
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_HTML_IN_FIELD = re.compile(r"<\s*/?\s*[a-zA-Z!]|javascript\s*:", re.I)


# A quotation inside a quotation is nested with corner brackets (“…「善治」…”): the source's own
# quotation marks and ours compare equal, whichever way round they are nested.
_QUOTE_MARKS = str.maketrans({"「": "“", "」": "”", "『": "‘", "』": "’"})


def _fold(text: str) -> str:
    """What a quote is compared on: no whitespace, punctuation width and quotation-mark style folded."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_MARKS)
    return re.sub(r"\s+", "", text)


def page_files(docs: Path = DOCS) -> list[Path]:
    generated = {docs / "sources" / f"{key}.md" for key in SOURCES}
    return sorted(p for p in docs.rglob("*.md") if p not in generated)


def is_claim_page(path: Path, docs: Path = DOCS) -> bool:
    rel = path.relative_to(docs).parts
    return len(rel) > 1 and rel[0] in CLAIM_DIRS


# --- citations and locators ---------------------------------------------

def check_citation(cite: Citation, path: Path, entries, indexes) -> list[Problem]:
    at = lambda msg: Problem.at(path, cite.line, cite.column, msg)  # noqa: E731
    if cite.key not in entries:
        return [at(f"unknown citation key '@{cite.key}': use one of {', '.join(sorted(entries))} "
                   "or add an entry to bib/sources.bib")]
    problems = [at(error) for error in cite.locator.errors]
    index = indexes.get(cite.key)
    if index is None:
        if cite.locator.paragraphs or cite.locator.pages:
            problems.append(at(f"'{cite.key}' has no reader page, so ¶ and page locators cannot be checked; "
                               "cite it without a locator or add it to the source registry"))
        return problems
    last = max(index.paragraphs) if index.paragraphs else 0
    for first, end in cite.locator.paragraphs:
        for n in (first, end):
            if not index.has_paragraph(n):
                problems.append(at(f"¶{n} does not exist in '{cite.key}' (it has ¶1–¶{last}); check the number "
                                   f"against the reader page docs/sources/{cite.key}.md — paragraph numbers change "
                                   "when its normalizer changes"))
                break
    for first, end in cite.locator.pages:
        for n in (first, end):
            if not index.has_page(n):
                known = f"pages {min(index.pages)}–{max(index.pages)}" if index.pages else "no printed page numbers"
                problems.append(at(f"p. {n} is not a printed page of '{cite.key}' (it has {known}); "
                                   "fix the page or cite a paragraph (¶) instead"))
                break
        else:
            on_pages = {p for a, b in cite.locator.pages for p in range(a, b + 1)}
            for para in cite.locator.paragraph_numbers():
                passage = index.paragraphs.get(para)
                if passage and not on_pages & set(passage.pages):
                    problems.append(at(f"¶{para} of '{cite.key}' is on p. {', '.join(map(str, passage.pages))}, "
                                       f"not on the page(s) cited; fix the page or the paragraph"))
    return problems


# --- quotes ---------------------------------------------------------------

def _cited_text(block: CitationBlock, indexes) -> tuple[str, list[str]]:
    texts, missing = [], []
    for cite in block.citations:
        index = indexes.get(cite.key)
        numbers = cite.locator.paragraph_numbers()
        if index is None:
            continue
        if not numbers:
            for first, last in cite.locator.pages:
                for page in range(first, last + 1):
                    numbers += index.paragraphs_on_page(page)
        if not numbers:
            missing.append(cite.key)
        texts += [index.paragraphs[n].text for n in numbers if n in index.paragraphs]
    return "".join(texts), missing


def _verify_quote(quote: str, block: CitationBlock | None, path: Path, line: int, col: int, indexes) -> list[Problem]:
    shown = quote if len(quote) <= 24 else quote[:24] + "…"
    if block is None:
        nested = " (a quote that itself contains “…” goes in 「…」)" if "“" in quote else ""
        return [Problem.at(path, line, col, f"quote “{shown}” has no citation: put its citation directly after the "
                           "closing quotation mark (an English rendering in parentheses may come between), "
                           f"or write a term without quotation marks{nested}")]
    cited, missing = _cited_text(block, indexes)
    if missing:
        return [Problem.at(path, line, col, f"quote “{shown}” cites '{missing[0]}' without a ¶ or page locator; "
                           "add the paragraph the quote comes from, e.g. [@key, ¶12]")]
    if not cited:
        return []  # the locator itself is reported as wrong by check_citation
    if _fold(quote) not in _fold(cited):
        return [Problem.at(path, line, col, f"quote “{shown}” is not in the cited passage ({block.raw}); "
                           "quotes must be verbatim (only whitespace and punctuation width may differ): "
                           "copy it from the reader page or fix the locator")]
    return []


def check_quotes(path: Path, text: str, blocks: list[CitationBlock], indexes) -> list[Problem]:
    mask = code_mask(text)
    by_start = {b.start: b for b in blocks}
    problems: list[Problem] = []
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    in_blockquote: list[int] = []

    def flush_blockquote():
        if not in_blockquote:
            return
        first, last = in_blockquote[0], in_blockquote[-1]
        chunk = "".join(lines[first : last + 1])
        quoted_blocks = [b for b in blocks if offsets[first] <= b.start < offsets[last + 1]]
        body = re.sub(r"^\s*>\s?", "", chunk, flags=re.M)
        body = re.sub(r"\[(?!\^)[^\[\]\n]*@[^\[\]\n]*\]", "", body)
        body = re.sub(r"\([^()\n]*\)|<!--.*?-->", "", body).strip()
        if _CJK.search(body):
            problems.extend(_verify_quote(body, quoted_blocks[0] if quoted_blocks else None, path, first + 1, 1, indexes))
        in_blockquote.clear()

    for number, line in enumerate(lines):
        if line.lstrip().startswith(">") and not mask[offsets[number]]:
            in_blockquote.append(number)
        else:
            flush_blockquote()
    flush_blockquote()

    quoted_lines = set()
    for number in range(len(lines)):
        if lines[number].lstrip().startswith(">"):
            quoted_lines.add(number)
    for m in _INLINE_QUOTE.finditer(text):
        quote = m.group("q1") if m.group("q1") is not None else m.group("q2")
        if mask[m.start()] or not _CJK.search(quote):
            continue
        line = text.count("\n", 0, m.start())
        if line in quoted_lines:
            continue
        block = by_start.get(m.start("cite")) if m.group("cite") else None
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        problems.extend(_verify_quote(quote, block, path, line + 1, col, indexes))
    return problems


# --- uncited claims --------------------------------------------------------

def _claim_blocks(text: str) -> Iterable[tuple[int, str, str]]:
    """(line, kind, text) for each paragraph, list item and table body row."""
    mask = code_mask(text)
    offset = 0
    lines = text.splitlines(keepends=True)
    in_front_matter = bool(lines) and lines[0].strip() == "---"
    paragraph: list[tuple[int, str]] = []
    paragraph_kind = "paragraph"
    table_rows = 0
    previous_opt_out = False
    block_opt_out = False

    def flush():
        nonlocal paragraph, paragraph_kind
        if paragraph:
            yield paragraph[0][0], paragraph_kind, "".join(t for _, t in paragraph)
        paragraph, paragraph_kind = [], "paragraph"

    for number, line in enumerate(lines, start=1):
        start = offset
        offset += len(line)
        stripped = line.strip()
        if in_front_matter:
            if number > 1 and stripped == "---":
                in_front_matter = False
            continue
        if mask[start] if start < len(mask) else False:
            yield from flush()
            continue
        if not stripped:
            yield from flush()
            table_rows = 0
            block_opt_out = False
            continue
        if NO_CLAIM.fullmatch(stripped):
            yield from flush()
            previous_opt_out = True
            continue
        opt_out_here, previous_opt_out = previous_opt_out, False
        if opt_out_here:
            block_opt_out = True
        if stripped.startswith(("#", "!!!", "???", "???+", "<div", "</div", "<figure", "</figure", "![", "--8<--")) \
                or stripped.startswith("<!--") or stripped.startswith("*[") or re.match(r"^\[\^[^\]]+\]:", stripped):
            yield from flush()
            continue
        content = stripped
        if block_opt_out:
            content += " <!-- no-claim: block -->"
        if stripped.startswith("|"):
            yield from flush()
            table_rows += 1
            if table_rows > 2:
                yield number, "table row", content
            continue
        if re.match(r"^([-*+]|\d+[.)])\s+", stripped):
            yield from flush()
            paragraph, paragraph_kind = [(number, content)], "list item"
            continue
        if line.startswith(("    ", "\t")) and paragraph and re.match(r"^([-*+]|\d+[.)])\s+", paragraph[0][1]):
            paragraph.append((number, " " + content))
            continue
        paragraph.append((number, " " + content))
    yield from flush()


def check_claims(path: Path, text: str) -> list[Problem]:
    problems = []
    for line, kind, content in _claim_blocks(text):
        if NO_CLAIM.search(content):
            continue
        if not find_citation_blocks(content):
            excerpt = re.sub(r"\s+", " ", content).strip()[:50]
            problems.append(Problem.at(path, line, 1, f"uncited {kind}: “{excerpt}…” — cite the source paragraph it "
                                       "rests on, e.g. [@key, ¶12], or mark framing text that makes no claim "
                                       "about a source with <!-- no-claim: reason -->"))
    return problems


# --- raw HTML that could run script --------------------------------------------

def check_script_html(path: Path, text: str) -> list[Problem]:
    mask = code_mask(text)
    problems = []
    for m in _SCRIPT_HTML.finditer(text):
        if mask[m.start()]:
            continue
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        problems.append(Problem.at(path, line, col, f"raw HTML that could run script ('{m.group(0).strip()}'): "
                                   "pages may not contain <script>, on…= event attributes or javascript: URLs; "
                                   "remove it (site behaviour belongs in docs/javascripts/)"))
    return problems


# --- bibliography ----------------------------------------------------------

def check_bibliography(entries: dict[str, bibliography.Entry]) -> list[Problem]:
    problems = []
    for key, entry in entries.items():
        at = lambda msg: Problem.at(entry.path, entry.line, 1, msg)  # noqa: E731
        for field in REQUIRED_FIELDS.get(entry.type, ["title", "language"]):
            if not entry.get(field) and not entry.get(f"{field}unknown"):
                problems.append(at(f"entry '{key}' (@{entry.type}) lacks required field '{field}'; add it, or, if "
                                   f"the document does not establish it, say why in a field `{field}unknown = {{…}}`"))
        # pybtex moves `author` out of the fields into persons: check it there too.
        for field, value in [*entry.fields.items(), ("author", " and ".join(entry.authors))]:
            if PLACEHOLDER_MARK in value:
                problems.append(at(f"field '{field}' of '{key}' is still a placeholder ({value[:60]}); fill it in "
                                   f"from the document, or replace it with `{field}unknown = {{why it is unknown}}`"))
        for field, value in entry.fields.items():
            if _HTML_IN_FIELD.search(value):
                problems.append(at(f"field '{field}' of '{key}' contains HTML or script; BibTeX fields must be "
                                   "plain text"))
        url = entry.get("url")
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
                problems.append(at(f"malformed URL in '{key}': '{url}'; write a full http(s):// address"))
        doi = entry.get("doi")
        if doi and not _DOI.match(doi):
            problems.append(at(f"malformed DOI in '{key}': '{doi}'; write it as 10.NNNN/suffix, without https://doi.org/"))
        attachment = entry.get("file")
        if attachment and not (entry.path.parent / attachment).is_file():
            problems.append(at(f"entry '{key}' points to the raw document '{attachment}', which does not exist; "
                               "fix `file` (relative to bib/) or restore the raw file"))
    for key, spec in SOURCES.items():
        entry = entries.get(key)
        if entry is None:
            continue
        if entry.get("file") != f"raw/{spec.raw_name}":
            problems.append(Problem.at(entry.path, entry.line, 1, f"entry '{key}' must attach its raw document: "
                                       f"file = {{raw/{spec.raw_name}}}"))
    return problems


# --- data files ---------------------------------------------------------------

def _uncited(path: Path, line: int, what: str) -> Problem:
    return Problem.at(path, line, 1, f"uncited {what}: every claim in a data file cites the source paragraph "
                      "it rests on, e.g. [@key, ¶12]")


def check_data_structure(path: Path, data_dir: Path) -> list[Problem]:
    """Each data file's claim fields carry citations; structure errors come with their line."""
    problems: list[Problem] = []
    rel = path.relative_to(data_dir).as_posix()
    try:
        if rel.startswith("arguments/"):
            argmap = report_data.load_argument_map(path)
            stack = list(argmap.claims)
            while stack:
                node = stack.pop()
                stack.extend(node.children)
                blocks = find_citation_blocks(node.text)
                if not blocks:
                    problems.append(_uncited(path, node.line, f"{node.kind} '{node.id}'"))
                elif node.kind == "evidence":
                    cites = [c for b in blocks for c in b.citations]
                    if len(cites) != 1 or len(cites[0].locator.paragraph_numbers()) != 1:
                        problems.append(Problem.at(path, node.line, 1, f"evidence '{node.id}' must cite exactly one "
                                                   "source paragraph, e.g. [@key, ¶12]: the figure links to it"))
        elif rel == "ttc_timeline.yaml":
            for event in report_data.load_timeline(path):
                if not find_citation_blocks(event.outcomes):
                    problems.append(_uncited(path, event.line, f"timeline event '{event.title}'"))
        elif rel in ("governance_models.yaml", "agreement_matrix.yaml"):
            grid = report_data.load_grid(path, stance=rel == "agreement_matrix.yaml")
            for row in grid.rows:
                for col, _ in grid.columns:
                    cell = row["cells"][col]
                    if cell.get("stance") == "silent":
                        continue
                    if not find_citation_blocks(str(cell.get("text", ""))):
                        problems.append(_uncited(path, cell.get("__line__", row["__line__"]),
                                                 f"cell '{row['label']}' × '{col}'"))
        elif rel == "glossary.yaml":
            for term in report_data.load_glossary(path):
                if not find_citation_blocks(term.appears):
                    problems.append(_uncited(path, term.line, f"glossary entry '{term.term}' ('appears' must cite "
                                             "where the term appears)"))
    except report_data.DataError as exc:
        problems.append(Problem.at(exc.path, exc.line, 1, exc.message))
    return problems


def data_files(data_dir: Path) -> list[Path]:
    # Paragraph indexes and translations hold source text, not claims.
    return sorted(p for p in data_dir.rglob("*.yaml")
                  if not {"sources", "translations"} & set(p.relative_to(data_dir).parts))


# --- everything --------------------------------------------------------------

def check(docs: Path = DOCS, bib_dir: Path = bibliography.BIB_DIR, index_dir: Path = passages.INDEX_DIR,
          data_dir: Path = report_data.DATA_DIR) -> list[Problem]:
    try:
        entries = bibliography.load(bib_dir)
    except bibliography.BibliographyError as exc:
        return [Problem.at(exc.path, exc.line, 1, exc.message)]
    problems = check_bibliography(entries)
    indexes = passages.load_all.__wrapped__(index_dir)
    missing_sources = [k for k in SOURCES if k not in entries]
    for key in missing_sources:
        problems.append(Problem.at(bib_dir / "sources.bib", 1, 1, f"source '{key}' has no BibTeX entry; add one"))
    cited: set[str] = set()
    for path in [*page_files(docs), *data_files(data_dir)]:
        text = path.read_text(encoding="utf-8")
        blocks = find_citation_blocks(text)
        for block in blocks:
            for cite in block.citations:
                cited.add(cite.key)
                problems += check_citation(cite, path, entries, indexes)
        problems += check_quotes(path, text, blocks, indexes)
        problems += check_script_html(path, text)
        if path.suffix == ".yaml":
            problems += check_data_structure(path, data_dir)
        elif is_claim_page(path, docs):
            problems += check_claims(path, text)
    for key in SOURCES:
        if key in entries and key not in cited:
            entry = entries[key]
            problems.append(Problem.at(entry.path, entry.line, 1, f"source '{key}' is never cited by any page; "
                                       "cite it where the report uses it, or remove it from the bibliography"))
    return problems
