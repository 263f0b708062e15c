"""make linkcheck's logic, against a local HTTP server (never the internet): 200, 404, a redirect, a
timeout, the allowlist, and an unreachable network."""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

import pytest

from reportsite import linkcheck


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path == "/ok":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"fine")
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.end_headers()
        elif self.path == "/slow":
            time.sleep(4)
            self.send_response(200)
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def _page(tmp_path: Path, lines: list[str]) -> Path:
    page = tmp_path / "docs" / "page.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return page


def test_reports_broken_links_with_file_line_and_status(tmp_path, server):
    _page(tmp_path, ["# Page", f"Fine: <{server}/ok>", f"Moved: [x]({server}/moved)", f"Gone: {server}/gone."])
    links = linkcheck.collect(tmp_path)
    assert [(l.url, l.line) for l in links] == [(f"{server}/ok", 2), (f"{server}/moved", 3), (f"{server}/gone", 4)]
    result = linkcheck.check(links, allowlist=[], cache=False, retries=0, timeout=2, cwd=tmp_path)
    assert not result.unreachable and result.checked == 3
    assert [str(p).split(": ", 1)[0] for p in result.broken] == [f"{tmp_path}/docs/page.md:4:1"]
    assert f"{server}/gone — 404" in result.broken[0].message


def test_a_timeout_is_reported_not_hung_on(tmp_path, server):
    _page(tmp_path, [f"Slow: {server}/slow"])
    started = time.monotonic()
    result = linkcheck.check(linkcheck.collect(tmp_path), allowlist=[], cache=False, retries=0, timeout=1, cwd=tmp_path)
    assert time.monotonic() - started < 30
    assert len(result.broken) == 1 and "slow" in result.broken[0].message


def test_allowlisted_hosts_are_not_requested(tmp_path, server):
    import re

    _page(tmp_path, [f"Skipped: {server}/gone"])
    result = linkcheck.check(linkcheck.collect(tmp_path), allowlist=[(re.compile(r"/gone$"), "test")],
                             cache=False, retries=0, timeout=2, cwd=tmp_path)
    assert result.broken == [] and result.skipped == 1 and result.checked == 0


def test_no_network_is_said_plainly(tmp_path):
    # Port 9 (discard) on loopback refuses connections: the same failure for every URL as when offline.
    _page(tmp_path, ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"])
    result = linkcheck.check(linkcheck.collect(tmp_path), allowlist=[], cache=False, retries=0, timeout=2,
                             cwd=tmp_path)
    assert result.unreachable


def test_markdown_escapes_and_trailing_punctuation_are_not_part_of_the_url(tmp_path):
    _page(tmp_path, [r"See https://example.org/AAFF\_EcPol.pdf, and (https://example.org/x)."])
    assert [l.url for l in linkcheck.collect(tmp_path)] == ["https://example.org/AAFF_EcPol.pdf", "https://example.org/x"]
