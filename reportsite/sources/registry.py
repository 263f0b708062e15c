"""Which raw file is which source, and which normalizer reads it — as the bibliography says.

A source is a bibliography entry with a ``file`` field (``raw/<name>`` under
``bib/``). Its ``layout`` field names the normalizer; without one, the layout
is chosen from the file's content (HTML, Markdown or plain text, all read by
the generic ``clean`` normalizer). Adding a source therefore needs no code:
``reportsite add-source`` copies the file and scaffolds the entry.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .model import Document

REPO_ROOT = Path(__file__).resolve().parents[2]
BIB_DIR = REPO_ROOT / "bib"
RAW_DIR = BIB_DIR / "raw"

# layout name → (normalizer module, keyword arguments). The first five are the damaged layouts of the
# documents we received; "plain", "markdown" and "html" are clean documents.
LAYOUTS: dict[str, tuple[str, dict]] = {
    "pdf_journal": ("pdf_journal", {}),
    "report": ("report", {}),
    "spun_repost": ("spun_repost", {}),
    "markdown_journal": ("markdown_journal", {}),
    "web_page": ("web_page", {}),
    "plain": ("clean", {"flavor": "plain"}),
    "markdown": ("clean", {"flavor": "markdown"}),
    "html": ("clean", {"flavor": "html"}),
}

_HTML_HINT = re.compile(r"<(?:html|body|p|h[1-6]|div|article)\b", re.IGNORECASE)
_MARKDOWN_HINT = re.compile(r"^#{1,6} \S", re.MULTILINE)


def detect_layout(text: str) -> str:
    """The clean layout a file without a ``layout`` field is read with."""
    if _HTML_HINT.search(text):
        return "html"
    if _MARKDOWN_HINT.search(text):
        return "markdown"
    return "plain"


@dataclass(frozen=True)
class SourceSpec:
    key: str  # the BibTeX key, also the reader page's slug
    raw_name: str  # file name under bib/raw/
    normalizer: str  # layout name (see LAYOUTS); "" = detect from the content
    line: int = field(default=1, compare=False)  # the entry's line in its .bib file
    bib_path: Path = field(default=BIB_DIR / "sources.bib", compare=False)

    def layout_for(self, raw: str) -> str:
        return self.normalizer or detect_layout(raw)

    def normalize(self, raw: str) -> Document:
        module_name, kwargs = LAYOUTS[self.layout_for(raw)]
        module = importlib.import_module(f"reportsite.sources.normalizers.{module_name}")
        return module.normalize(raw, self.key, **kwargs)


def specs_from(entries: Mapping) -> dict[str, SourceSpec]:
    """Source specs from bibliography entries (those with a ``file`` field), in file order."""
    from ..bibliography import BibliographyError

    specs: dict[str, SourceSpec] = {}
    for entry in sorted(entries.values(), key=lambda e: (str(e.path), e.line)):
        file = entry.get("file")
        if not file:
            continue
        if not file.startswith("raw/") or "/" in file[4:]:
            raise BibliographyError(entry.path, entry.line, f"'file' of '{entry.key}' must name a file directly "
                                    f"under bib/raw/, as raw/<name> (got '{file}')")
        layout = entry.get("layout")
        if layout and layout not in LAYOUTS:
            raise BibliographyError(entry.path, entry.line, f"unknown layout '{layout}' for '{entry.key}'; use one "
                                    f"of {', '.join(LAYOUTS)}, or leave 'layout' out for a clean document")
        specs[entry.key] = SourceSpec(entry.key, file[4:], layout, entry.line, entry.path)
    return specs


class _Sources(Mapping):
    """The sources of the bibliography in bib/, read on first use (so a bad entry fails with its line)."""

    def __init__(self) -> None:
        self._specs: dict[str, SourceSpec] | None = None

    def _load(self) -> dict[str, SourceSpec]:
        if self._specs is None:
            from .. import bibliography

            self._specs = specs_from(bibliography.load(BIB_DIR))
        return self._specs

    def reload(self) -> None:
        self._specs = None

    def __getitem__(self, key: str) -> SourceSpec:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


SOURCES = _Sources()
