"""`reportsite add-source FILE --key KEY`: bring a new document in without touching code.

Everything is checked before anything is written: the key is new and
well-formed, the file is UTF-8 text that its layout's normalizer can read. Then
the file is copied byte for byte into bib/raw/, its checksum is added to the
manifest, a bibliography entry is appended whose unknown fields are TODO
placeholders (so `make check` fails until a person fills them in), and the
reader page is generated. Existing files are only appended to, never rewritten.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .. import bibliography
from ..problems import Problem, byte_position
from .model import Document, LayoutError
from .registry import BIB_DIR, LAYOUTS, RAW_DIR, SourceSpec, detect_layout

_KEY = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


class AddSourceError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Added:
    raw_path: Path
    bib_path: Path
    bib_line: int
    layout: str
    document: Document


def _entry(key: str, raw_name: str, layout: str, title: str) -> str:
    # Every field a person must establish from the document is a TODO placeholder: `make check`
    # refuses placeholders, so the entry cannot be published half-filled.
    return f"""
@misc{{{key},
  author            = {{TODO}},
  authorlatin       = {{TODO}},
  shortname         = {{TODO: how pages name the source in English, e.g. "Du and Li"}},
  title             = {{{title}}},
  titletranslation  = {{TODO: English rendering of the title}},
  year              = {{TODO: year of publication as printed; or replace this line with yearunknown = {{why}}}},
  language          = {{TODO: the document's language, e.g. Chinese}},
  langid            = {{TODO: e.g. chinese}},
  file              = {{raw/{raw_name}}},
  layout            = {{{layout}}},
  note              = {{TODO: where the document comes from and which facts above were taken from where}},
}}
"""


def add_source(file: Path, key: str, layout: str | None = None, bib_dir: Path = BIB_DIR,
               raw_dir: Path = RAW_DIR) -> Added:
    bib_path = bib_dir / "sources.bib"
    fail = lambda path, message, line=1, col=1: AddSourceError(Problem.at(path, line, col, message))  # noqa: E731
    if not _KEY.match(key):
        raise fail(file, f"key '{key}' is not a valid source key: use lower-case letters, digits and hyphens, "
                         "e.g. wang-standards (it becomes the reader page's address)")
    entries = bibliography.load(bib_dir)
    if key in entries:
        raise fail(entries[key].path, f"key '{key}' is already used by an entry here; choose another --key",
                   entries[key].line)
    if not file.is_file():
        raise fail(file, "no such file; give the path of the document to add")
    data = file.read_bytes()
    if not data.strip():
        raise fail(file, "the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = byte_position(data, exc.start)
        raise fail(file, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); convert the file to UTF-8 first, "
                         "e.g. `iconv -f GB18030 -t UTF-8`", line, col) from exc
    layout = layout or detect_layout(text)
    if layout not in LAYOUTS:
        raise fail(file, f"unknown layout '{layout}'; use one of {', '.join(LAYOUTS)}")
    raw_name = f"{key}{file.suffix or '.txt'}"
    raw_path = raw_dir / raw_name
    if raw_path.exists():
        raise fail(raw_path, "a raw file of this name already exists; choose another --key")
    spec = SourceSpec(key, raw_name, layout)
    try:
        document = spec.normalize(text)
    except LayoutError as exc:
        raise fail(file, f"cannot be read as '{layout}': {exc}") from exc
    title = document.title.replace("{", "(").replace("}", ")")
    shutil.copyfile(file, raw_path)
    manifest_path = raw_dir / "SHA256SUMS"
    manifest_text = manifest_path.read_text(encoding="utf-8") if manifest_path.exists() else ""
    with open(manifest_path, "a", encoding="utf-8") as manifest:
        separator = "" if not manifest_text or manifest_text.endswith("\n") else "\n"
        manifest.write(f"{separator}{hashlib.sha256(data).hexdigest()}  {raw_name}\n")
    before = bib_path.read_text(encoding="utf-8")
    entry = _entry(key, raw_name, layout, title)
    if not before.endswith("\n"):
        entry = "\n" + entry
    with open(bib_path, "a", encoding="utf-8") as bib:
        bib.write(entry)
    entry_line = (before + entry)[: len(before) + entry.index("@")].count("\n") + 1
    return Added(raw_path, bib_path, entry_line, layout, document)
