"""`reportsite benchmark` (`make benchmark`): Lighthouse, mobile, on one page of each kind.

A measurement, not a test: it builds the site (or takes a built one), serves it on 127.0.0.1 the way GitHub
Pages serves it (gzip, or brotli with ``--compression br``; ``Cache-Control: max-age=600``; 404.html for a
missing page), runs Lighthouse's default mobile configuration (simulated slow 4G, a mid-range phone) with
Debian's Chromium on each page, and prints the four category scores and the bytes each page transferred. It
exits non-zero when a page misses a target (see TARGETS) and says which audits cost points.

Variability. Lighthouse's performance score varies from run to run, the more so on a busy two-core machine
(one page scored from 71 to 87 in consecutive runs here, and its Total Blocking Time from 350 to 700 ms).
As Lighthouse's documentation advises (docs/variability.md: the median of five runs), each page is measured
five times (``--runs``) and the median run (by performance score) is reported.

CPU. Lighthouse's mobile mode emulates a mid-range phone by slowing the host's CPU 4x, a factor chosen for a desktop
host with a benchmarkIndex of about 1500-2000. The targets (TARGETS) are set for Lighthouse's mobile mode as it
comes, so that is the default (``--cpu-multiplier 4``). ``--cpu-multiplier auto`` scales the 4x to this host
instead, as Lighthouse's documentation (docs/throttling.md, "Calibrating the CPU slowdown") describes for a host
outside that range: one calibration run measures the host's benchmarkIndex and the multiplier becomes 4 ×
benchmarkIndex / 1750, the middle of the bracket, kept within Lighthouse's documented range of 1-10. On a busy
two-core host the index moves from run to run (from 1,270 to 2,870 in one day's benchmarks here), so the calibrated
multiplier follows it: each run uses the index the previous run measured, and a run whose own index is more than 20%
off the one its multiplier was scaled to emulated another phone and is run again (at most twice per page). The index
and the multiplier are printed with the figures.

Each page's line is its median run; under it come every run's performance score (with its CPU slowdown) and how
many runs painted before Material's start-up script ran. Lighthouse simulates a phone from one unthrottled load, and
a script task counts towards First Contentful Paint if it started before the page first painted in that load, as
blocking time if it started after. Which of the two happens varies from load to load, on every page: a page painted in
parts while it is still being parsed paints before Material's script at the end of it is reached. The reader
page, whose HTML (the whole bilingual text) is the largest, does so most often, and at the larger CPU slowdowns
Material's start-up then costs it most of its Total Blocking Time.

Lighthouse is an npm package; it is installed, at a pinned version, into .cache/lighthouse the first time
(needs node and npm, and the npm registry once). The JSON reports are kept in .cache/lighthouse/reports/.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .sources.registry import REPO_ROOT

# 12.2.3: the newest Lighthouse that runs on Node 20 (13 wants Node 22).
LIGHTHOUSE_VERSION = "12.2.3"
CACHE = REPO_ROOT / ".cache" / "lighthouse"
PAGES = {
    "home": "",
    "thread": "threads/alliance-resilience/",
    "synthesis": "synthesis/governance-models/",
    "reader": "sources/du-alliance/",
    "references": "references/",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 100}
THREAD_BYTES_TARGET = 150 * 1024  # transferred by the thread page, not counting the search index
SEARCH_INDEX = "/search/"  # the stub search_index.json, and sections.json once search opens
DEFAULT_CPU_MULTIPLIER = 4.0
REFERENCE_BENCHMARK_INDEX = 1750  # the host Lighthouse's 4x is meant for (docs/throttling.md: 1500-2000)
CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]
_COMPRESSIBLE = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map", ".ico"}


class BenchmarkError(Exception):
    pass


# --- serving like GitHub Pages ------------------------------------------------------------

def _encode(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        import brotli  # a dependency of fonttools/WeasyPrint, pinned in requirements.txt

        return brotli.compress(data, quality=11)
    return gzip.compress(data, compresslevel=9, mtime=0)


def make_handler(root_of: Callable[[], Path], compression: str):
    """A request handler serving the directory ``root_of()`` returns (known only after the build, which needs the
    server's port), compressing text as GitHub Pages does; compressed bodies are cached."""
    cache: dict[tuple[Path, str], bytes] = {}
    lock = threading.Lock()

    class Handler(http.server.SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a CDN gives

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root_of()), **kwargs)

        def log_message(self, *args):
            pass

        def send_head(self):
            root = root_of()
            path = Path(self.translate_path(self.path))
            status = 200
            if path.is_dir():
                if not self.path.split("?")[0].endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", self.path.split("?")[0] + "/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                path = path / "index.html"
            if not path.is_file():
                path, status = root / "404.html", 404
            data = path.read_bytes()
            encoding = None
            accepted = self.headers.get("Accept-Encoding", "")
            if path.suffix in _COMPRESSIBLE:
                if compression == "br" and "br" in accepted:
                    encoding = "br"
                elif "gzip" in accepted:
                    encoding = "gzip"
            if encoding:
                with lock:
                    key = (path, encoding)
                    if key not in cache:
                        cache[key] = _encode(data, encoding)
                    data = cache[key]
            self.send_response(status)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "max-age=600")
            self.send_header("Vary", "Accept-Encoding")
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.end_headers()
            return io.BytesIO(data)

    return Handler


@contextlib.contextmanager
def serve(root: Path | None, compression: str):
    """Yields (server, url), the server already bound and serving; with ``root`` None, call server.set_root(path)
    before the first request (the site is built after the port is known, for SITE_URL)."""
    holder: dict[str, Path] = {} if root is None else {"root": root}

    class _Server(http.server.ThreadingHTTPServer):
        daemon_threads = True

        def set_root(self, path: Path) -> None:
            holder["root"] = path

        def handle_error(self, request, client_address) -> None:
            # Chromium drops its kept-alive connections when Lighthouse closes the browser: not an error of the
            # server's, and its traceback in the middle of the benchmark's output read like one.
            if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
                return
            super().handle_error(request, client_address)

    server = _Server(("127.0.0.1", 0), make_handler(lambda: holder["root"], compression))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


# --- Lighthouse ---------------------------------------------------------------------------

def chromium() -> str:
    path = os.environ.get("CHROME_PATH") or os.environ.get("REPORTSITE_CHROMIUM") or next(
        (found for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
         if (found := shutil.which(name))), None)
    if not path:
        raise BenchmarkError("no Chromium/Chrome found: install chromium or set REPORTSITE_CHROMIUM=/path/to/it")
    return path


def lighthouse_cli(version: str = LIGHTHOUSE_VERSION) -> Path:
    """The pinned Lighthouse CLI, installed into .cache/lighthouse on first use."""
    package = CACHE / "node_modules" / "lighthouse" / "package.json"
    cli = CACHE / "node_modules" / "lighthouse" / "cli" / "index.js"
    if package.exists() and json.loads(package.read_text(encoding="utf-8")).get("version") == version:
        return cli
    if not shutil.which("node") or not shutil.which("npm"):
        raise BenchmarkError("Lighthouse needs Node.js ≥ 18.20 and npm (on Debian: apt-get install nodejs npm)")
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"==> Installing lighthouse@{version} into {CACHE.relative_to(REPO_ROOT)} (once)", file=sys.stderr)
    result = subprocess.run(["npm", "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "--save-exact",
                             f"lighthouse@{version}"], capture_output=True, text=True)
    if result.returncode != 0 or not cli.exists():
        raise BenchmarkError(f"npm could not install lighthouse@{version}:\n{result.stderr[-2000:]}")
    return cli


def run_lighthouse(cli: Path, url: str, report: Path, cpu_multiplier: float = DEFAULT_CPU_MULTIPLIER) -> dict:
    env = {**os.environ, "CHROME_PATH": chromium()}
    command = ["node", str(cli), url, "--quiet", "--output=json", f"--output-path={report}",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={' '.join(CHROME_FLAGS)}",
               f"--throttling.cpuSlowdownMultiplier={cpu_multiplier:g}"]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0 or not report.exists():
        raise BenchmarkError(f"lighthouse failed on {url}:\n{(result.stderr or result.stdout)[-2000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


# --- results ------------------------------------------------------------------------------

@dataclass
class PageResult:
    name: str
    url: str
    scores: dict[str, int]
    transferred: int  # bytes over the wire, every request
    search_index: int  # of which the search index
    requests: int
    lost: dict[str, list[str]]  # category -> the audits that cost it points
    metrics: dict[str, str]
    runs: list[int] = field(default_factory=list)  # every run's performance score, in run order
    slowdowns: list[float] = field(default_factory=list)  # every run's CPU slowdown
    # per run: whether the page first painted before Material's start-up script (None: no such long task)
    painted_before_script: list[bool | None] = field(default_factory=list)

    @property
    def without_index(self) -> int:
        return self.transferred - self.search_index


def _score(lhr: dict, category: str) -> int:
    return round((lhr["categories"][category]["score"] or 0) * 100)


def summarise(name: str, url: str, lhr: dict) -> PageResult:
    scores = {c: _score(lhr, c) for c in CATEGORIES}
    items = lhr["audits"]["network-requests"]["details"]["items"]
    transferred = sum(int(i.get("transferSize") or 0) for i in items)
    index = sum(int(i.get("transferSize") or 0) for i in items if SEARCH_INDEX in i.get("url", ""))
    lost: dict[str, list[str]] = {}
    for category in CATEGORIES:
        for ref in lhr["categories"][category]["auditRefs"]:
            audit = lhr["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
                lost.setdefault(category, []).append(f"{audit['title']}{value}")
    metrics = {key: lhr["audits"][key].get("displayValue", "")
               for key in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                           "cumulative-layout-shift", "speed-index") if key in lhr["audits"]}
    return PageResult(name, url, scores, transferred, index, len(items), lost, metrics)


MATERIAL_SCRIPT = "/assets/javascripts/bundle."


def painted_before_script(lhr: dict) -> bool | None:
    """Whether Lighthouse's simulated first paint came before the first long task of Material's script (which
    then counts as blocking time); None when the run has no long task of Material's."""
    tasks = [t for t in lhr["audits"].get("long-tasks", {}).get("details", {}).get("items", [])
             if MATERIAL_SCRIPT in t.get("url", "")]
    if not tasks:
        return None
    return lhr["audits"]["first-contentful-paint"]["numericValue"] < min(t["startTime"] for t in tasks)


def with_runs(result: PageResult, lhrs: list[dict]) -> PageResult:
    result.runs = [_score(lhr, "performance") for lhr in lhrs]
    result.slowdowns = [lhr.get("configSettings", {}).get("throttling", {}).get("cpuSlowdownMultiplier") for lhr in lhrs]
    result.painted_before_script = [painted_before_script(lhr) for lhr in lhrs]
    return result


def calibrated_multiplier(benchmark_index: float) -> float:
    """The CPU slowdown that makes this host emulate the phone Lighthouse's 4x emulates on its reference host."""
    return round(min(10.0, max(1.0, DEFAULT_CPU_MULTIPLIER * benchmark_index / REFERENCE_BENCHMARK_INDEX)), 1)


CALIBRATION_TOLERANCE = 0.2  # a run whose benchmarkIndex is further off than this from its multiplier's is redone
RETRIES_PER_PAGE = 2


def off_calibration(scaled_to: float, measured: float, tolerance: float = CALIBRATION_TOLERANCE) -> bool:
    """Whether a run measured a host so much faster or slower than the multiplier assumed that it emulated
    another phone."""
    return abs(measured / scaled_to - 1) > tolerance


def median_run(lhrs: list[dict]) -> dict:
    """The run with the median performance score (the lower middle one of an even number)."""
    ranked = sorted(lhrs, key=lambda lhr: lhr["categories"]["performance"]["score"] or 0)
    return ranked[(len(ranked) - 1) // 2]


def misses(results: list[PageResult]) -> list[str]:
    found = []
    for r in results:
        for category, target in TARGETS.items():
            if r.scores[category] < target:
                found.append(f"{r.name}: {category} {r.scores[category]} < {target}")
        if r.name == "thread" and r.without_index > THREAD_BYTES_TARGET:
            found.append(f"thread: {r.without_index / 1024:.0f} KB transferred without the search index "
                         f"> {THREAD_BYTES_TARGET // 1024} KB")
    return found


def table(results: list[PageResult], compression: str, settings: Settings | None = None) -> str:
    settings = settings or Settings(runs=1, cpu_multiplier=DEFAULT_CPU_MULTIPLIER)
    if settings.used:
        indexes = [index for index, _ in settings.used]
        slowdowns = [multiplier for _, multiplier in settings.used]
        cpu = f"host benchmarkIndex {min(indexes):.0f}-{max(indexes):.0f}, CPU slowdown "
        cpu += (f"{min(slowdowns):g}-{max(slowdowns):g}x scaled to it run by run" if settings.cpu_multiplier is None
                else f"{settings.cpu_multiplier:g}x")
    else:
        host = f"host benchmarkIndex {settings.benchmark_index:.0f}, " if settings.benchmark_index else ""
        cpu = f"{host}CPU slowdown {settings.cpu_multiplier:g}x"
    lines = [f"Lighthouse {LIGHTHOUSE_VERSION}, mobile (simulated slow 4G; {cpu}), served with {compression}; "
             f"median of {settings.runs} run(s) per page:",
             f"{'page':<11} {'perf':>4} {'a11y':>4} {'bp':>4} {'seo':>4} {'KB sent':>8} {'w/o index':>9} "
             f"{'index':>6} {'req':>4}  LCP / TBT / CLS"]
    for r in results:
        s = r.scores
        lines.append(f"{r.name:<11} {s['performance']:>4} {s['accessibility']:>4} {s['best-practices']:>4} "
                     f"{s['seo']:>4} {r.transferred / 1024:>8.1f} {r.without_index / 1024:>9.1f} "
                     f"{r.search_index / 1024:>6.1f} {r.requests:>4}  "
                     f"{r.metrics.get('largest-contentful-paint', '')} / {r.metrics.get('total-blocking-time', '')} / "
                     f"{r.metrics.get('cumulative-layout-shift', '')}")
    for r in results:
        if len(r.runs) > 1:
            early = sum(1 for p in r.painted_before_script if p)
            runs = ", ".join(f"{score} ({slowdown:g}x)" if slowdown else str(score)
                             for score, slowdown in zip(r.runs, r.slowdowns))
            lines.append(f"  {r.name} runs: {runs}; painted before Material's start-up script "
                         f"(which then counts as blocking time) in {early} of {len(r.runs)}")
    lines.append(f"targets: performance ≥ {TARGETS['performance']}, accessibility, best practices and SEO "
                 f"{TARGETS['seo']}; thread page ≤ {THREAD_BYTES_TARGET // 1024} KB without the search index")
    for r in results:
        for category, audits in r.lost.items():
            lines.append(f"  {r.name} {category}: " + "; ".join(audits))
    return "\n".join(lines)


@dataclass
class Settings:
    runs: int = 5
    cpu_multiplier: float | None = DEFAULT_CPU_MULTIPLIER  # None: calibrate to the host
    benchmark_index: float | None = None  # measured by the calibration run
    used: list[tuple[float, float]] = field(default_factory=list)  # (benchmarkIndex, multiplier) of each kept run


def benchmark(site_dir: Path | None, compression: str = "gzip", pages: dict[str, str] = PAGES,
              settings: Settings | None = None) -> list[PageResult]:
    settings = settings or Settings()
    cli = lighthouse_cli()
    reports = CACHE / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        server, url = stack.enter_context(serve(site_dir, compression))
        if site_dir is None:
            from .checks import site

            # Built as production builds it: SITE_URL set (here to the local address) enables the sitemap,
            # canonical links and instant navigation.
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="reportsite-benchmark-")))
            print(f"==> Building the site with SITE_URL={url}", file=sys.stderr)
            old = os.environ.get("SITE_URL")
            os.environ["SITE_URL"] = url
            try:
                problems = site.build(tmp)
            finally:
                if old is None:
                    os.environ.pop("SITE_URL", None)
                else:
                    os.environ["SITE_URL"] = old
            if problems:
                raise BenchmarkError("the site does not build:\n" + "\n".join(map(str, problems)))
            server.set_root(tmp)
        scaled = settings.cpu_multiplier is None
        index = None
        if scaled:
            print("==> Calibrating the CPU slowdown (one Lighthouse run)", file=sys.stderr)
            first = next(iter(pages.values()))
            lhr = run_lighthouse(cli, url + first, reports / "calibration.json")
            index = settings.benchmark_index = float(lhr["environment"]["benchmarkIndex"])
            print(f"    benchmarkIndex {index:.0f}: CPU slowdown {calibrated_multiplier(index):g}x", file=sys.stderr)
        results = []
        for name, path in pages.items():
            runs, retries = [], 0
            while len(runs) < settings.runs:
                multiplier = calibrated_multiplier(index) if scaled else settings.cpu_multiplier
                run = len(runs) + 1
                print(f"==> Lighthouse: {name} ({url}{path}), run {run} of {settings.runs} ({multiplier:g}x)",
                      file=sys.stderr)
                lhr = run_lighthouse(cli, url + path, reports / f"{name}-{run}.json", multiplier)
                measured = float(lhr["environment"]["benchmarkIndex"])
                if scaled:
                    if off_calibration(index, measured) and retries < RETRIES_PER_PAGE:
                        print(f"    the host measured benchmarkIndex {measured:.0f}, not {index:.0f}: run again at "
                              f"{calibrated_multiplier(measured):g}x", file=sys.stderr)
                        index, retries = measured, retries + 1
                        continue
                    index = measured
                runs.append(lhr)
                settings.used.append((measured, multiplier))
            results.append(with_runs(summarise(name, url + path, median_run(runs)), runs))
    return results


def main(args: argparse.Namespace) -> int:
    site_dir = Path(args.site_dir).resolve() if args.site_dir else None
    if site_dir is not None and not (site_dir / "index.html").exists():
        print(f"error: {site_dir} holds no built site (no index.html)", file=sys.stderr)
        return 2
    settings = Settings(runs=args.runs, cpu_multiplier=None if args.cpu_multiplier == "auto" else float(args.cpu_multiplier))
    try:
        results = benchmark(site_dir, args.compression, settings=settings)
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(table(results, args.compression, settings))
    if args.json:
        Path(args.json).write_text(json.dumps([r.__dict__ | {"without_index": r.without_index} for r in results],
                                              indent=2), encoding="utf-8")
    missed = misses(results)
    if missed:
        print("missed targets:\n  " + "\n  ".join(missed))
        return 1
    print("every target met")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site-dir", help="benchmark this already built site instead of building one "
                        "(build it with SITE_URL set, as production is)")
    parser.add_argument("--compression", choices=["gzip", "br"], default="gzip",
                        help="what the server compresses with (GitHub Pages: gzip; default)")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--runs", type=int, default=5, help="Lighthouse runs per page; the median is reported (default 5)")
    parser.add_argument("--cpu-multiplier", default=f"{DEFAULT_CPU_MULTIPLIER:g}",
                        help="CPU slowdown: a number (default 4, Lighthouse's mobile mode), or 'auto' to scale "
                        "Lighthouse's 4x to this host's benchmarkIndex")
