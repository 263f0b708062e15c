"""Raw file → reader page + paragraph index, for every source.

Generation is all-or-nothing: every page is produced in memory first, and
files are written (atomically, one by one) only when every source succeeded,
so a failure never leaves a half-finished page. Raw files are only read.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from .. import bibliography, translations
from ..problems import Problem, byte_position
from .model import Document, LayoutError
from .registry import RAW_DIR, REPO_ROOT, SOURCES, SourceSpec, specs_from  # noqa: F401 (SOURCES re-exported)
from .render import language_tag, render_index, render_page

PAGES_DIR = REPO_ROOT / "docs" / "sources"
INDEX_DIR = REPO_ROOT / "data" / "sources"


class SourceError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def read_raw(spec: SourceSpec, raw_dir: Path = RAW_DIR) -> tuple[str, str]:
    """The raw text and its SHA-256; clear errors for missing, empty or non-UTF-8 files."""
    path = raw_dir / spec.raw_name
    if not path.is_file():
        raise SourceError(Problem.at(path, 1, 1, f"raw source for '{spec.key}' is missing; restore it "
                                     "with `git checkout -- bib/raw/` (raw files are never regenerated)"))
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(Problem.at(path, 1, 1, f"raw source for '{spec.key}' is empty; restore the "
                                     "original file with `git checkout -- bib/raw/`"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = byte_position(data, exc.start)
        raise SourceError(Problem.at(path, line, col, f"raw source is not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
                                     "sources must be imported byte-for-byte as UTF-8 text")) from exc
    return text, hashlib.sha256(data).hexdigest()


def document(spec: SourceSpec, raw_dir: Path = RAW_DIR) -> tuple[Document, str]:
    """The normalized document of one source and the raw file's SHA-256."""
    text, digest = read_raw(spec, raw_dir)
    try:
        return spec.normalize(text), digest
    except LayoutError as exc:
        raise SourceError(Problem.at(raw_dir / spec.raw_name, 1, 1, f"'{spec.key}' does not have the layout "
                                     f"'{spec.layout_for(text)}' (bib entry line {spec.line}): {exc}; fix the "
                                     "entry's 'layout' field, or leave it out for a clean document")) from exc


def outputs_for(spec: SourceSpec, entries: dict[str, bibliography.Entry], raw_dir: Path = RAW_DIR) -> dict[Path, str]:
    doc, digest = document(spec, raw_dir)
    entry = entries[spec.key]
    try:
        translation = translations.load(spec.key)
    except translations.TranslationError as exc:
        raise SourceError(Problem.at(exc.path, exc.line, 1, exc.message)) from exc
    return {
        PAGES_DIR / f"{spec.key}.md": render_page(doc, entry, spec.raw_name, digest, translation),
        INDEX_DIR / f"{spec.key}.json": render_index(doc, translation, language_tag(entry)),
    }


def generate_all(raw_dir: Path = RAW_DIR) -> dict[Path, str]:
    entries = bibliography.load()
    outputs: dict[Path, str] = {}
    for spec in specs_from(entries).values():
        outputs.update(outputs_for(spec, entries, raw_dir))
    return outputs


def write_atomically(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def stale_outputs(outputs: dict[Path, str]) -> list[Problem]:
    problems = []
    for path, content in outputs.items():
        if not path.exists():
            problems.append(Problem.at(path, 1, 1, "generated reader file is missing; run `make sources` and commit it"))
            continue
        current = path.read_text(encoding="utf-8")
        if current != content:
            old, new = current.splitlines(), content.splitlines()
            line = next((i + 1 for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)) + 1)
            problems.append(Problem.at(path, line, 1, "generated file differs from what `make sources` writes "
                                       "(edited by hand, or stale after a normalizer/bibliography change); "
                                       "fix the normalizer or data, not this file, then run `make sources` and commit"))
    return problems
