"""Editorial checks: whose claim each data entry states, and the published fact-check record.

Voice. Every claim-bearing entry of the data files (argument-map nodes, governance-model cells,
glossary definitions, timeline events) has a ``voice``: the source key(s) whose claim it states, or
``neutral`` for a plain fact its cited paragraph states (both may be listed). A field that speaks in a
source's voice must name that source by its bibliography ``shortname`` ("Du and Li argue…"), so no
stance of a source reads as the site's own.

Audit. ``data/audit/<name>.yaml`` records, for one page or data file, each cited sentence read against
the paragraphs it cites: a verbatim excerpt, the citation, a verdict (supported / fixed / removed) and,
for fixes, what changed. The check keeps the record honest: every block with a citation in an audited
file has an entry, and every excerpt is still found in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import bibliography, report_data
from ..citations.syntax import find_citation_blocks
from ..problems import Problem
from ..sources.registry import REPO_ROOT

AUDIT_DIR = report_data.DATA_DIR / "audit"
VERDICTS = ("supported", "fixed", "removed")
NEUTRAL = "neutral"
# Pages whose every cited sentence the fact-check record must cover.
AUDITED_PAGE_DIRS = ("docs/threads", "docs/synthesis")


def _fold(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


# --- voice -----------------------------------------------------------------------------

@dataclass
class VoicedField:
    path: Path
    line: int
    what: str
    text: str
    voice: object  # as written: str, list or None


# Data files whose entries are lists of claims: (file, list key, claim field, how an entry is named).
_ENTRY_LISTS = (
    ("glossary.yaml", "terms", "definition", lambda e: f"glossary entry '{e.get('term')}'"),
    ("ttc_timeline.yaml", "events", "outcomes", lambda e: f"timeline event '{e.get('title')}'"),
)


def _entries(path: Path, key: str) -> list[dict]:
    data = report_data.load_yaml(path) if path.exists() else None
    return [e for e in (data or {}).get(key) or [] if isinstance(e, dict)]


def voiced_fields(data_dir: Path = report_data.DATA_DIR) -> list[VoicedField]:
    """Every claim-bearing entry of the data files, with the field its voice applies to."""
    fields: list[VoicedField] = []
    for path in sorted((data_dir / "arguments").glob("*.yaml")):
        for node in _entries(path, "nodes"):
            fields.append(VoicedField(path, node.get("__line__", 1), f"node '{node.get('id')}'",
                                      str(node.get("text", "")), node.get("voice")))
    path = data_dir / "governance_models.yaml"
    for row in _entries(path, "rows"):
        for col, cell in (row.get("cells") or {}).items():
            if isinstance(cell, dict):
                fields.append(VoicedField(path, cell.get("__line__", row.get("__line__", 1)),
                                          f"cell '{row.get('label')}' × '{col}'", str(cell.get("text", "")),
                                          cell.get("voice")))
    for name, key, claim, label in _ENTRY_LISTS:
        for entry in _entries(data_dir / name, key):
            fields.append(VoicedField(data_dir / name, entry.get("__line__", 1), label(entry),
                                      str(entry.get(claim, "")), entry.get("voice")))
    return fields


def voice_keys(voice: object) -> list[str]:
    if voice is None:
        return []
    return [str(v) for v in (voice if isinstance(voice, list) else [voice])]


def check_voice(data_dir: Path = report_data.DATA_DIR, entries: dict | None = None) -> list[Problem]:
    try:
        entries = entries if entries is not None else bibliography.load()
        fields = voiced_fields(data_dir)
    except (bibliography.BibliographyError, report_data.DataError) as exc:
        return [Problem.at(exc.path, exc.line, 1, exc.message)]
    shortnames = {key: entry.get("shortname") for key, entry in entries.items()}
    problems: list[Problem] = []
    for f in fields:
        at = lambda message: problems.append(Problem.at(f.path, f.line, 1, f"{f.what}: {message}"))  # noqa: E731
        keys = voice_keys(f.voice)
        if not keys:
            at("no 'voice'; add `voice: <source key>` (or a list) naming whose claim the text states, or "
               "`voice: neutral` if it only states a fact the cited paragraph states")
            continue
        unknown = [k for k in keys if k != NEUTRAL and k not in entries]
        if unknown:
            at(f"voice '{unknown[0]}' is neither 'neutral' nor a source key ({', '.join(sorted(entries))})")
            continue
        text = _fold(f.text).lower()
        for key in keys:
            if key == NEUTRAL:
                continue
            name = shortnames.get(key) or key
            if _fold(name).lower() not in text:
                at(f"speaks in the voice of '{key}' but does not name it; attribute the claim in the text, "
                   f"e.g. \"{name} argue(s) …\" (the source's shortname in bib/)")
        if NEUTRAL not in keys:
            cited = {c.key for b in find_citation_blocks(f.text) for c in b.citations}
            for key in sorted(cited - set(keys)):
                at(f"cites '{key}' but its voice does not list it; add '{key}' (and name it in the text) or "
                   "'neutral' if that citation supports a plain fact")
    return problems


# --- the fact-check record ----------------------------------------------------------------

@dataclass
class AuditEntry:
    claim: str
    cites: str
    verdict: str
    fix: str
    line: int


@dataclass
class AuditRecord:
    path: Path
    file: str  # the audited file, relative to the repository
    reviewed: str
    entries: list[AuditEntry] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {v: sum(e.verdict == v for e in self.entries) for v in VERDICTS}


def load_record(path: Path) -> AuditRecord:
    data = report_data.load_yaml(path) or {}
    if not isinstance(data, dict) or not data.get("file"):
        raise report_data.DataError(path, 1, "an audit record names the audited file in 'file:' "
                                    "(e.g. file: docs/threads/x.md) and lists 'entries:'")
    record = AuditRecord(path, str(data["file"]), str(data.get("reviewed", "")))
    for item in data.get("entries") or []:
        line = item.get("__line__", 1) if isinstance(item, dict) else 1
        if not isinstance(item, dict) or not item.get("claim") or not item.get("cites"):
            raise report_data.DataError(path, line, "an audit entry needs 'claim' (a verbatim excerpt), 'cites' "
                                        "and 'verdict'")
        verdict = str(item.get("verdict", ""))
        if verdict not in VERDICTS:
            raise report_data.DataError(path, line, f"verdict must be one of {', '.join(VERDICTS)}, not '{verdict}'")
        fix = str(item.get("fix") or "")
        if verdict != "supported" and not fix:
            raise report_data.DataError(path, line, f"a '{verdict}' entry says in 'fix' what was wrong and what "
                                        "changed")
        record.entries.append(AuditEntry(_fold(str(item["claim"])), str(item["cites"]), verdict, fix, line))
    return record


def load_records(audit_dir: Path = AUDIT_DIR) -> list[AuditRecord]:
    return [load_record(p) for p in sorted(audit_dir.glob("*.yaml"))]


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")
_TABLE_ROW = re.compile(r"^\s*\|")


def markdown_blocks(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each paragraph, list item, table row and quote block of a Markdown page."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            current = None
            continue
        if _LIST_ITEM.match(line) or _TABLE_ROW.match(line) or current is None:
            current = [line]
            blocks.append((number, current))
            continue
        if _TABLE_ROW.match(current[0]):
            current = [line]
            blocks.append((number, current))
            continue
        current.append(line)
    return [(n, "\n".join(lines)) for n, lines in blocks]


def _yaml_strings(node, out: list[tuple[int, str]], line: int = 1) -> None:
    if isinstance(node, dict):
        here = node.get("__line__", line)
        for key, value in node.items():
            if key != "__line__":
                _yaml_strings(value, out, here)
    elif isinstance(node, list):
        for value in node:
            _yaml_strings(value, out, line)
    elif isinstance(node, str):
        out.append((line, node))


def cited_blocks(path: Path) -> list[tuple[int, str]]:
    """The blocks of a page or data file that contain a citation: what the record must cover."""
    if path.suffix == ".md":
        blocks = markdown_blocks(path.read_text(encoding="utf-8"))
    else:
        blocks = []
        _yaml_strings(report_data.load_yaml(path), blocks)
    return [(line, text) for line, text in blocks if find_citation_blocks(text)]


def audited_files(root: Path = REPO_ROOT) -> list[Path]:
    """Pages and data files whose cited sentences the record must cover."""
    files = [p for d in AUDITED_PAGE_DIRS for p in sorted((root / d).glob("*.md"))]
    data = root / "data"
    files += sorted((data / "arguments").glob("*.yaml"))
    files += [data / n for n in ("glossary.yaml", "governance_models.yaml", "agreement_matrix.yaml",
                                 "ttc_timeline.yaml", "theses.yaml")]
    return [p for p in files if p.exists() and cited_blocks(p)]


def check_audit(root: Path = REPO_ROOT) -> list[Problem]:
    audit_dir = root / "data" / "audit"
    try:
        records = load_records(audit_dir)
    except report_data.DataError as exc:
        return [Problem.at(exc.path, exc.line, 1, exc.message)]
    problems: list[Problem] = []
    by_file: dict[str, AuditRecord] = {}
    for record in records:
        target = root / record.file
        if not target.exists():
            problems.append(Problem.at(record.path, 1, 1, f"audited file '{record.file}' does not exist; fix 'file:'"))
            continue
        if record.file in by_file:
            problems.append(Problem.at(record.path, 1, 1, f"'{record.file}' is already audited in "
                                       f"{by_file[record.file].path.name}; keep one record per file"))
            continue
        by_file[record.file] = record
        blocks = [(line, _fold(text)) for line, text in cited_blocks(target)]
        whole = _fold(target.read_text(encoding="utf-8")) if target.suffix == ".md" else " ".join(t for _, t in blocks)
        live = [e for e in record.entries if e.verdict != "removed"]
        for entry in live:
            if entry.claim not in whole and not any(entry.claim in text for _, text in blocks):
                problems.append(Problem.at(record.path, entry.line, 1, f"excerpt “{entry.claim[:60]}” is not in "
                                           f"{record.file} (the text changed?); copy the current wording of the "
                                           "sentence, or re-audit it"))
        for line, text in blocks:
            if not any(entry.claim in text for entry in live):
                problems.append(Problem.at(target, line, 1, f"cited text “{text[:60]}…” has no entry in the "
                                           f"fact-check record {record.path.relative_to(root).as_posix()}; read it "
                                           "against the paragraphs it cites and add an entry (claim, cites, verdict)"))
    for target in audited_files(root):
        rel = target.relative_to(root).as_posix()
        if rel not in by_file:
            problems.append(Problem.at(target, 1, 1, f"{rel} has citations but no fact-check record; add "
                                       f"data/audit/{target.stem}.yaml (format: CONTRIBUTING.md → Fact-check record)"))
    return problems


def check() -> list[Problem]:
    return check_voice() + check_audit()
