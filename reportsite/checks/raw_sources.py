"""The raw sources in bib/raw/ are exactly the documents we received.

bib/raw/SHA256SUMS (copied with them from the seed set) is the manifest: every
listed file must exist with that digest, and no unlisted file may appear.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..problems import Problem
from ..sources.registry import RAW_DIR

MANIFEST = "SHA256SUMS"
_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def check(raw_dir: Path = RAW_DIR) -> list[Problem]:
    manifest = raw_dir / MANIFEST
    if not manifest.is_file():
        return [Problem.at(manifest, 1, 1, "checksum manifest is missing; restore it with `git checkout -- bib/raw/SHA256SUMS`")]
    problems: list[Problem] = []
    listed: set[str] = set()
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        m = _LINE.match(line)
        if not m:
            problems.append(Problem.at(manifest, number, 1, "malformed line; expected '<sha256>  <file name>' as written by sha256sum"))
            continue
        digest, name = m.groups()
        listed.add(name)
        path = raw_dir / name
        if not path.is_file():
            problems.append(Problem.at(path, 1, 1, f"raw source listed in {MANIFEST}:{number} is missing; "
                                       "restore it with `git checkout -- bib/raw/` (raw sources are never regenerated or edited)"))
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(Problem.at(path, 1, 1, f"raw source has changed (SHA-256 differs from {MANIFEST}:{number}); "
                                       "raw sources are never edited: restore it with `git checkout -- bib/raw/` "
                                       "and make repairs in the normalizer or its data instead"))
    for path in sorted(raw_dir.iterdir()):
        if path.name != MANIFEST and not path.name.startswith(".") and path.name not in listed:
            problems.append(Problem.at(path, 1, 1, f"file is not listed in bib/raw/{MANIFEST}; a new source needs "
                                       "its checksum added there (sha256sum FILE >> bib/raw/SHA256SUMS)"))
    return problems
