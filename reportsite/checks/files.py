"""Every input file reads as UTF-8, and every page's front matter is valid YAML.

These run first: a page that cannot be decoded or whose front matter is broken
would otherwise surface as a traceback, or be rendered with its front matter as
text. Each problem names the file, line and column.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..problems import Problem, byte_position
from ..sources.registry import REPO_ROOT

_TEXT_GLOBS = ("docs/**/*.md", "docs/**/*.css", "docs/**/*.js", "data/**/*.yaml", "bib/*.bib", "mkdocs.yml",
               "overrides/**/*.html")


def decode(path: Path) -> tuple[str | None, Problem | None]:
    data = path.read_bytes()
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line, col = byte_position(data, exc.start)
        return None, Problem.at(path, line, col, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte offset "
                                f"{exc.start}); save the file as UTF-8 (the site's text files are all UTF-8)")


def _front_matter_end(lines: list[str]) -> int | None:
    """Index of the line closing the front matter; None when there is none (or it never closes)."""
    if not lines or lines[0].rstrip() != "---":
        return None
    return next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)


def front_matter_problem(path: Path, text: str) -> Problem | None:
    """A Markdown page's front matter (between --- lines at the top) must be a YAML mapping."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    end = _front_matter_end(lines)
    if end is None:
        return Problem.at(path, 1, 1, "front matter starts with --- but never ends; close it with a line '---'")
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = (mark.line + 2) if mark else 2
        col = (mark.column + 1) if mark else 1
        return Problem.at(path, line, col, f"front matter is not valid YAML: {exc.problem}; fix it (e.g. quote "
                          "values with [ ] : or #), or MkDocs shows it as page text")
    if meta is not None and not isinstance(meta, dict):
        return Problem.at(path, 2, 1, "front matter must be 'key: value' lines (a YAML mapping)")
    return None


def front_matter_lines(text: str) -> int:
    """How many lines precede what MkDocs hands plugins: the front matter and the blank lines after it."""
    lines = text.split("\n")
    end = _front_matter_end(lines)
    if end is None:
        return 0
    start = end + 1
    while start < len(lines) and not lines[start].strip():
        start += 1
    return start


def check(root: Path = REPO_ROOT) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[Path] = set()
    for pattern in _TEXT_GLOBS:
        for path in sorted(root.glob(pattern)):
            if path in seen or not path.is_file():
                continue
            seen.add(path)
            text, problem = decode(path)
            if problem:
                problems.append(problem)
            elif path.suffix == ".md":
                problem = front_matter_problem(path, text)
                if problem:
                    problems.append(problem)
    return problems
