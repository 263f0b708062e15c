"""The cited passages: paragraph indexes written by `make sources` (data/sources/*.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..sources.registry import REPO_ROOT

INDEX_DIR = REPO_ROOT / "data" / "sources"


@dataclass(frozen=True)
class Passage:
    n: int
    anchor: str
    text: str
    pages: tuple[int, ...]
    en: str = ""  # the site's English translation, when there is one


@dataclass
class SourceIndex:
    key: str
    title: str
    paragraphs: dict[int, Passage]
    pages: set[int]
    lang: str = "zh-Hans"  # the language the source is written in

    def has_paragraph(self, n: int) -> bool:
        return n in self.paragraphs

    def has_page(self, n: int) -> bool:
        return n in self.pages

    def paragraphs_on_page(self, page: int) -> list[int]:
        return [n for n, p in self.paragraphs.items() if page in p.pages]

    def first_paragraph_of_page(self, page: int) -> int | None:
        on_page = self.paragraphs_on_page(page)
        return on_page[0] if on_page else None


def _load(path: Path) -> SourceIndex:
    data = json.loads(path.read_text(encoding="utf-8"))
    paragraphs = {
        p["n"]: Passage(p["n"], p["anchor"], p["text"], tuple(p.get("pages", [])), p.get("en", ""))
        for p in data["paragraphs"]
    }
    return SourceIndex(data["key"], data["title"], paragraphs, set(data.get("pages", [])), data.get("lang", "zh-Hans"))


@lru_cache(maxsize=None)
def load_all(index_dir: Path = INDEX_DIR) -> dict[str, SourceIndex]:
    return {path.stem: _load(path) for path in sorted(index_dir.glob("*.json"))}
