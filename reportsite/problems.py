"""How every check reports: ``path:line:column: message``, plus GitHub annotations.

A message says what is wrong *and* how to fix it. Checks collect Problems and
never modify files; the CLI prints them and exits non-zero if there are any.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .sources.registry import REPO_ROOT


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str

    @classmethod
    def at(cls, path: Path | str, line: int = 1, column: int = 1, message: str = "") -> "Problem":
        return cls(display_path(path), max(line, 1), max(column, 1), message)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"

    def github_annotation(self) -> str:
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={self.path},line={self.line},col={self.column}::{message}"


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """Line and column (1-based) of byte ``offset`` in ``data``, e.g. where a UTF-8 decode failed.

    The column counts characters, as editors do: the text before the offset is valid UTF-8 (a decode
    stops at the first bad byte), and on a line of Chinese each character is three bytes."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    before = data[line_start:offset].decode("utf-8", errors="replace")
    return data.count(b"\n", 0, offset) + 1, len(before) + 1


def display_path(path: Path | str) -> str:
    path = Path(path)
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def report(problems: list[Problem], stream=None) -> int:
    """Print problems (sorted, de-duplicated); return the exit status."""
    stream = stream or sys.stderr
    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    for problem in sorted(set(problems)):
        print(problem, file=stream)
        if in_actions:
            print(problem.github_annotation(), file=sys.stdout)
    return 1 if problems else 0
