"""The bibliography in bib/*.bib, read with pybtex (the parser mkdocs-bibtex uses).

Loading is strict: a parse error or a duplicate key raises
:class:`BibliographyError` with the file and line, because every page's
citations and every reader page's card depend on this data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pybtex.database import BibliographyData, BibliographyDataError
from pybtex.database.input.bibtex import Parser
from pybtex.scanner import PybtexSyntaxError

from .sources.registry import REPO_ROOT

BIB_DIR = REPO_ROOT / "bib"
_ENTRY_START = re.compile(r"^[ \t]*@(\w+)[ \t]*\{[ \t]*([^,\s]+)[ \t]*,", re.MULTILINE)


class BibliographyError(ValueError):
    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass
class Entry:
    key: str
    type: str
    fields: dict[str, str]
    authors: list[str]
    path: Path
    line: int
    source: str = ""  # the entry's BibTeX text as written in the file

    def get(self, field: str, default: str = "") -> str:
        return self.fields.get(field, default)

    def card_rows(self) -> list[tuple[str, str]]:
        """Label → value rows for a reader page's bibliographic card."""
        f = self.fields
        rows: list[tuple[str, str]] = []
        authors = "、".join(self.authors) if self.authors else "Not named in the source · 原文未署名"
        if f.get("authorlatin"):
            # BibTeX "Surname, Given" back to Chinese order: "Du Dongguang".
            latin = [" ".join(p.strip() for p in name.split(",")) for name in re.split(r"\s+and\s+", f["authorlatin"])]
            authors += f" ({', '.join(latin)})"
        rows.append(("Authors · 作者", authors))
        if "title" in f:
            title = f"{f['title']}"
            if "titletranslation" in f:
                title += f"\n{f['titletranslation']} (our translation)"
            rows.append(("Title · 题名", title))
        else:
            why = f.get("titleunknown", "see note")
            rows.append(("Title · 题名", f"Not established · 题名待考: {why}"))
        container = f.get("journal") or f.get("series")
        if container:
            translation = f.get("journaltranslation")
            rows.append(("Published in · 刊载", f"《{container}》" + (f" ({translation})" if translation else "")))
        number = f.get("number", "")
        issue = number if "年" in number else ", ".join(v for v in (f.get("year"), f"No. {number}" if number else "") if v)
        if issue:
            rows.append(("Year, issue · 年份、期号", issue))
        if "pages" in f:
            rows.append(("Pages · 页码", f["pages"].replace("--", "–")))
        for field, label in (("institution", "Institution · 机构"), ("date", "Date · 日期"),
                             ("issn", "ISSN"), ("url", "URL")):
            if field in f:
                rows.append((label, f[field]))
        if "note" in f:
            rows.append(("Provenance · 来源说明", f["note"]))
        return rows


def entry_lines(text: str) -> dict[str, int]:
    """Line number of each entry's ``@type{key,`` (first occurrence)."""
    lines: dict[str, int] = {}
    for m in _ENTRY_START.finditer(text):
        lines.setdefault(m.group(2), text.count("\n", 0, m.start()) + 1)
    return lines


def entry_sources(text: str) -> dict[str, str]:
    """Each entry's text, from its ``@`` to the brace that closes it."""
    sources: dict[str, str] = {}
    for m in _ENTRY_START.finditer(text):
        depth, end = 0, len(text)
        for i in range(text.index("{", m.start()), len(text)):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            if depth == 0:
                end = i + 1
                break
        sources.setdefault(m.group(2), text[m.start():end].strip())
    return sources


def load_file(path: Path) -> dict[str, Entry]:
    text = path.read_text(encoding="utf-8")
    parser = Parser()
    try:
        data: BibliographyData = parser.parse_string(text)
    except PybtexSyntaxError as exc:
        raise BibliographyError(path, exc.lineno or 1, f"BibTeX syntax error: {exc}; "
                                "check braces and commas around this line") from exc
    except BibliographyDataError as exc:
        key = str(exc).rsplit(":", 1)[-1].strip()
        starts = [text.count("\n", 0, m.start()) + 1 for m in _ENTRY_START.finditer(text) if m.group(2) == key]
        line = starts[1] if len(starts) > 1 else 1
        raise BibliographyError(path, line, f"duplicate key '{key}': every entry needs its own key; "
                                "rename or delete one of them") from exc
    lines = entry_lines(text)
    sources = entry_sources(text)
    return {
        key: Entry(
            key=key,
            type=entry.type.lower(),
            fields={k.lower(): str(v) for k, v in entry.fields.items()},
            authors=[str(p) for p in entry.persons.get("author", [])],
            path=path,
            line=lines.get(key, 1),
            source=sources.get(key, ""),
        )
        for key, entry in data.entries.items()
    }


def load(bib_dir: Path = BIB_DIR) -> dict[str, Entry]:
    """All entries of all bib/*.bib files; a key defined in two files is an error."""
    entries: dict[str, Entry] = {}
    for path in sorted(bib_dir.glob("*.bib")):
        for key, entry in load_file(path).items():
            if key in entries:
                raise BibliographyError(path, entry.line, f"duplicate key '{key}' (also in "
                                        f"{entries[key].path.name}:{entries[key].line}); keys must be unique")
            entries[key] = entry
    return entries
