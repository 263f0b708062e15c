"""The report's data files (data/*.yaml): facts written once, pages and figures made from them.

    data/arguments/<thread>.yaml   argument map of one thread page
    data/ttc_timeline.yaml         TTC ministerial meetings and roadmap milestones
    data/governance_models.yaml    US / EU / China approaches, one cited cell each
    data/agreement_matrix.yaml     main claims × sources, a stance and citation per cell
    data/glossary.yaml             institutions, instruments and terms (also the site's abbreviations)

Every field that states something about a source is a *claim field* and must
contain a citation in the page syntax ([@key, ¶n]); the citation checker reads
these files as text, so its messages give the YAML file and line.
Loading validates structure and raises DataError(path, line, message).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .sources.registry import REPO_ROOT

DATA_DIR = REPO_ROOT / "data"
STANCES = ("supports", "qualifies", "contests", "silent")


class DataError(ValueError):
    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


class _LineLoader(yaml.SafeLoader):
    """Keeps the line of every mapping so errors can point at it."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path):
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise DataError(path, (mark.line + 1) if mark else 1, f"YAML syntax error: {exc.problem}") from exc


def _require(path: Path, item: dict, keys: list[str]) -> None:
    for key in keys:
        if item.get(key) in (None, ""):
            raise DataError(path, item.get("__line__", 1), f"missing '{key}' in this entry; add it")


# --- argument maps ---------------------------------------------------------------

@dataclass
class ArgumentNode:
    id: str
    kind: str  # claim | reason | evidence
    label: str
    text: str
    supports: str | None
    line: int
    children: list["ArgumentNode"] = field(default_factory=list)
    # Whose claim the node states, by short name ("Du and Li"); empty for a neutral statement of fact.
    attribution: str = ""


@dataclass
class ArgumentMap:
    thread: str
    title: str
    claims: list[ArgumentNode]
    path: Path


def load_argument_map(path: Path) -> ArgumentMap:
    data = load_yaml(path) or {}
    _require(path, data, ["thread", "title", "nodes"])
    nodes: dict[str, ArgumentNode] = {}
    order: list[ArgumentNode] = []
    for item in data["nodes"]:
        _require(path, item, ["id", "kind", "label", "text"])
        if item["kind"] not in ("claim", "reason", "evidence"):
            raise DataError(path, item["__line__"], f"kind must be claim, reason or evidence, not '{item['kind']}'")
        if item["id"] in nodes:
            raise DataError(path, item["__line__"], f"duplicate node id '{item['id']}'")
        node = ArgumentNode(str(item["id"]), item["kind"], str(item["label"]), str(item["text"]),
                            item.get("supports"), item["__line__"], attribution=attribution(item.get("voice")))
        nodes[node.id] = node
        order.append(node)
    parent_kind = {"reason": "claim", "evidence": "reason"}
    claims = []
    for node in order:
        if node.kind == "claim":
            claims.append(node)
            continue
        parent = nodes.get(node.supports or "")
        if parent is None or parent.kind != parent_kind[node.kind]:
            raise DataError(path, node.line, f"{node.kind} '{node.id}' must name the {parent_kind[node.kind]} it "
                            f"supports in 'supports' (got '{node.supports}')")
        parent.children.append(node)
    return ArgumentMap(str(data["thread"]), str(data["title"]), claims, path)


@lru_cache(maxsize=1)
def _shortnames() -> dict[str, str]:
    from . import bibliography

    return {key: entry.get("shortname", key) for key, entry in bibliography.load().items()}


def attribution(voice) -> str:
    """"Du and Li; Ye and Li" for ``voice: [du-alliance, ye-governance]``; "" for neutral or none."""
    keys = [str(v) for v in (voice if isinstance(voice, list) else [voice]) if v and v != "neutral"]
    names = _shortnames()
    return "; ".join(names.get(k, k) for k in keys)


def argument_map_path(thread: str) -> Path:
    return DATA_DIR / "arguments" / f"{thread}.yaml"


# --- tables ---------------------------------------------------------------------

@dataclass
class Meeting:
    date: str
    place: str
    title: str
    outcomes: str
    line: int
    kind: str = "meeting"  # meeting | milestone


def load_timeline(path: Path) -> list[Meeting]:
    data = load_yaml(path) or {}
    events = []
    for item in data.get("events", []):
        _require(path, item, ["date", "title", "outcomes"])
        events.append(Meeting(str(item["date"]), str(item.get("place", "")), str(item["title"]),
                              str(item["outcomes"]), item["__line__"], str(item.get("kind", "meeting"))))
    return events


@dataclass
class Grid:
    """Rows × columns of cited cells (governance models, agreement matrix)."""
    columns: list[tuple[str, str]]  # (id, heading)
    rows: list[dict]  # {"label": str, "cells": {col_id: {"text"/"stance": ...}}, "__line__": n}
    path: Path


def load_grid(path: Path, stance: bool = False) -> Grid:
    data = load_yaml(path) or {}
    _require(path, data, ["columns", "rows"])
    columns = [(str(c["id"]), str(c["heading"])) for c in data["columns"]]
    ids = [c for c, _ in columns]
    for row in data["rows"]:
        _require(path, row, ["label", "cells"])
        for col in ids:
            cell = row["cells"].get(col)
            if cell is None:
                raise DataError(path, row["__line__"], f"row '{row['label']}' has no cell for column '{col}'")
            if stance and cell.get("stance") not in STANCES:
                raise DataError(path, cell.get("__line__", row["__line__"]),
                                f"stance must be one of {', '.join(STANCES)}")
            if not stance:
                _require(path, cell, ["text"])
    return Grid(columns, data["rows"], path)


# --- glossary -------------------------------------------------------------------

@dataclass
class Term:
    term: str
    zh: str
    abbr: str
    definition: str
    appears: str
    line: int
    # Other English renderings a translation may use for this term (e.g. a short form).
    also: tuple[str, ...] = ()


def load_glossary(path: Path) -> list[Term]:
    data = load_yaml(path) or {}
    terms = []
    for item in data.get("terms", []):
        _require(path, item, ["term", "zh", "definition", "appears"])
        terms.append(Term(str(item["term"]), str(item["zh"]), str(item.get("abbr", "")),
                          str(item["definition"]), str(item["appears"]), item["__line__"],
                          tuple(str(a) for a in item.get("also") or ())))
    return terms


@lru_cache(maxsize=1)
def abbreviations() -> tuple[tuple[str, str], ...]:
    path = DATA_DIR / "glossary.yaml"
    if not path.exists():
        return ()
    return tuple((t.abbr, f"{t.term} ({t.zh})") for t in load_glossary(path) if t.abbr)
