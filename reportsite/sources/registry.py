"""Which raw file is which source, and which normalizer reads it."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from .model import Document

REPO_ROOT = Path(__file__).resolve().parents[2]
RAW_DIR = REPO_ROOT / "bib" / "raw"


@dataclass(frozen=True)
class SourceSpec:
    key: str  # the BibTeX key, also the reader page's slug
    raw_name: str  # file name under bib/raw/
    normalizer: str  # module under reportsite.sources.normalizers

    def normalize(self, raw: str) -> Document:
        module = importlib.import_module(f"reportsite.sources.normalizers.{self.normalizer}")
        return module.normalize(raw, self.key)


SOURCES: dict[str, SourceSpec] = {
    spec.key: spec
    for spec in (
        SourceSpec("du-alliance", "000_4d3b5854a86d7a9f.txt", "pdf_journal"),
        SourceSpec("zhang-roadmap", "001_82d084b56d20530e.txt", "report"),
        SourceSpec("dai-defence", "002_b8c816734b10e1cf.txt", "spun_repost"),
        SourceSpec("ye-governance", "003_068d461c9fedf704.txt", "markdown_journal"),
        SourceSpec("rmlt-proposals", "004_3f9b936aedf6ddad.txt", "web_page"),
    )
}
