"""Strict build of the site, and a scan of the built site for off-site requests.

The build runs MkDocs as a subprocess (exactly what `make build` runs) and
turns its warnings into ``path:line`` problems: MkDocs names the page and the
broken target but not the line, so the line is found by searching the page.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from ..problems import Problem
from ..sources.registry import REPO_ROOT

DOCS = REPO_ROOT / "docs"
CONFIG = REPO_ROOT / "mkdocs.yml"

_DOC_WARNING = re.compile(r"Doc file '(?P<page>[^']+)' contains (?:a link|an unrecognized relative link|an absolute link) '(?P<target>[^']+)'(?P<rest>.*)")
_YAML_LINE = re.compile(r'in "(?P<file>[^"]+)", line (?P<line>\d+), column (?P<col>\d+)')
_LOCATED = re.compile(r"^(?P<path>[^\s:'\"]+\.(?:md|ya?ml|bib|json)):(?P<line>\d+):(?:(?P<col>\d+):)?(?P<rest>.*)$")
_LEVEL = re.compile(r"^(WARNING|ERROR)\s+-\s+(.*)$")


def _line_of(path: Path, needle: str) -> tuple[int, int]:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            col = line.find(needle)
            if col >= 0:
                return number, col + 1
    except OSError:
        pass
    return 1, 1


def log_messages(log: str) -> list[tuple[str, str]]:
    """(level, message) of each WARNING/ERROR; continuation lines (MkDocs lists pages on lines of their own)
    belong to the message before them."""
    messages: list[list[str]] = []
    for raw in log.splitlines():
        m = _LEVEL.match(raw.strip())
        if m:
            messages.append([m.group(1), m.group(2).strip()])
        elif messages and raw.strip() and (raw[:1].isspace() or raw.lstrip().startswith("- ")) \
                and not re.match(r"^\s*(INFO|DEBUG)\b", raw):
            messages[-1][1] += "\n" + raw.strip()
    return [(level, message) for level, message in messages]


_NOT_IN_NAV = "are not included in the \"nav\" configuration"


def problems_from_build_log(log: str, docs_dir: Path = DOCS, config: Path = CONFIG) -> list[Problem]:
    problems: list[Problem] = []
    for _, full_message in log_messages(log):
        message = full_message
        if _NOT_IN_NAV in message:
            for page in re.findall(r"^- (\S+\.md)$", message, re.MULTILINE):
                problems.append(Problem.at(docs_dir / page, 1, 1, "page is not in the site's navigation; add it "
                                           "under `nav:` in mkdocs.yml (or delete the page)"))
            continue
        message = " ".join(full_message.split("\n"))
        doc = _DOC_WARNING.search(message)
        if doc:
            page = docs_dir / doc.group("page")
            target = doc.group("target")
            line, col = _line_of(page, target.split("#")[0] or target)
            problems.append(Problem.at(page, line, col, f"{message} — fix the link target or create the page/anchor it points to"))
            continue
        located = _LOCATED.match(message)
        if located:
            path = Path(located.group("path"))
            if not path.is_absolute() and not (config.parent / path).exists():
                path = docs_dir / path
            problems.append(Problem.at(path, int(located.group("line")), int(located.group("col") or 1),
                                       located.group("rest").strip()))
            continue
        yaml = _YAML_LINE.search(message)
        if yaml:
            problems.append(Problem.at(yaml.group("file"), int(yaml.group("line")), int(yaml.group("col")),
                                       f"{message} — fix the YAML syntax here"))
            continue
        if message.startswith("Config value"):
            line, col = _line_of(config, message.split("'")[1] + ":") if "'" in message else (1, 1)
            problems.append(Problem.at(config, line, col, f"{message} — fix this setting in mkdocs.yml"))
            continue
        page_match = re.search(r"'([^']+\.md)'", message)
        path = docs_dir / page_match.group(1) if page_match else config
        problems.append(Problem.at(path, 1, 1, message))
    return problems


def _yaml_problems(log: str) -> list[Problem]:
    """A YAML syntax error spans several log lines; report it at the construct it names first."""
    marks = list(_YAML_LINE.finditer(log))
    if not marks:
        return []
    start = log.rfind("\n", 0, log.rfind("\n", 0, marks[0].start())) + 1
    detail = " ".join(line.strip() for line in log[start : marks[-1].end()].splitlines() if line.strip())
    first = marks[0]
    return [Problem.at(first.group("file"), int(first.group("line")), int(first.group("col")),
                       f"YAML syntax error: {detail} — fix the YAML syntax here")]


def build(site_dir: Path, config: Path = CONFIG) -> list[Problem]:
    """`mkdocs build --strict`; any warning or error becomes a Problem."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)],
        capture_output=True, text=True, cwd=config.parent,
    )
    problems = problems_from_build_log(result.stderr + result.stdout, config.parent / "docs", config)
    if result.returncode != 0 and not problems:
        problems = _yaml_problems(result.stderr + result.stdout)
    if result.returncode != 0 and not problems:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        problems.append(Problem.at(config, 1, 1, "mkdocs build failed: " + " | ".join(tail)))
    return problems


# --- Off-site requests ---------------------------------------------------

# Attributes that make the browser fetch something without a click.
_FETCHING = {
    "script": ["src"], "img": ["src", "srcset"], "iframe": ["src"], "audio": ["src"], "video": ["src", "poster"],
    "source": ["src", "srcset"], "track": ["src"], "embed": ["src"], "object": ["data"], "input": ["src"],
    "image": ["href", "xlink:href"], "use": ["href", "xlink:href"],
}
_FETCHING_LINK_RELS = {"stylesheet", "preload", "prefetch", "preconnect", "dns-prefetch", "modulepreload", "icon",
                       "shortcut", "apple-touch-icon", "manifest"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


def _is_offsite(url: str) -> bool:
    url = url.strip()
    parts = urlsplit(url)
    return bool(parts.netloc) or url.startswith("//")


def offsite_requests(site_dir: Path) -> list[Problem]:
    problems: list[Problem] = []
    for page in sorted(site_dir.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(True):
            urls: list[str] = []
            for attr in _FETCHING.get(tag.name, []):
                value = tag.get(attr)
                if value:
                    urls += [part.split()[0] for part in value.split(",") if part.strip()] if "srcset" in attr else [value]
            if tag.name == "link" and _FETCHING_LINK_RELS & set(tag.get("rel") or []):
                urls.append(tag.get("href", ""))
            if tag.has_attr("style"):
                urls += [a or b for a, b in _CSS_URL.findall(tag["style"])]
            if tag.name == "style" and tag.string:
                urls += [a or b for a, b in _CSS_URL.findall(tag.string)]
            for url in urls:
                if _is_offsite(url):
                    line = getattr(tag, "sourceline", 1) or 1
                    problems.append(Problem.at(page, line, 1, f"<{tag.name}> loads '{url}' from another host; "
                                               "the site must make no third-party requests: self-host the asset or remove it"))
    for sheet in sorted(site_dir.rglob("*.css")):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        for m in _CSS_URL.finditer(text):
            url = m.group(1) or m.group(2)
            if _is_offsite(url):
                problems.append(Problem.at(sheet, text.count("\n", 0, m.start()) + 1, 1,
                                           f"stylesheet loads '{url}' from another host; self-host it or remove it"))
    for script in sorted(site_dir.rglob("*.js")):
        text = script.read_text(encoding="utf-8", errors="replace")
        for m in re.finditer(r"""(?:fetch|importScripts)\(\s*['"](https?:)?//""", text):
            problems.append(Problem.at(script, text.count("\n", 0, m.start()) + 1, 1,
                                       "script fetches from another host; the site must make no third-party requests"))
    return problems
