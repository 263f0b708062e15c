"""`make benchmark` (reportsite/benchmark.py) without Lighthouse: how it serves the site, how it picks the
run it reports, how it scales the CPU slowdown and what it counts as the search index."""

from __future__ import annotations

import argparse
import gzip
import urllib.request

import pytest

from reportsite import benchmark


def _lhr(performance: float, requests: list[tuple[str, int]] = ()) -> dict:
    audits = {"network-requests": {"details": {"items": [{"url": u, "transferSize": n} for u, n in requests]}}}
    categories = {c: {"score": 1.0, "auditRefs": []} for c in benchmark.CATEGORIES}
    categories["performance"]["score"] = performance
    return {"categories": categories, "audits": audits}


def test_the_median_run_is_reported():
    runs = [_lhr(0.71), _lhr(0.93), _lhr(0.87)]
    assert benchmark.median_run(runs) is runs[2]
    assert benchmark.median_run(runs[:2]) is runs[0]  # even count: the lower middle, never the best


@pytest.mark.parametrize("index, multiplier", [(1750, 4.0), (1100, 2.5), (2000, 4.6), (200, 1.0), (9000, 10.0)])
def test_cpu_slowdown_scales_lighthouses_4x_to_the_host(index, multiplier):
    assert benchmark.calibrated_multiplier(index) == multiplier


def test_search_files_are_counted_apart_from_the_page():
    lhr = _lhr(0.9, [("http://h/threads/x/", 30_000), ("http://h/search/search_index.json", 300),
                     ("http://h/search/sections.json", 330_000), ("http://h/assets/bundle.js", 35_000)])
    result = benchmark.summarise("thread", "http://h/threads/x/", lhr)
    assert result.transferred == 395_300 and result.search_index == 330_300
    assert result.without_index == 65_000


def test_misses_name_the_page_the_category_and_the_byte_budget():
    good = benchmark.summarise("thread", "u", _lhr(0.95, [("http://h/threads/x/", 100_000)]))
    assert benchmark.misses([good]) == []
    slow = benchmark.summarise("thread", "u", _lhr(0.89, [("http://h/threads/x/", 160 * 1024)]))
    assert benchmark.misses([slow]) == ["thread: performance 89 < 90",
                                        "thread: 160 KB transferred without the search index > 150 KB"]


def test_the_server_compresses_text_like_github_pages(tmp_path):
    (tmp_path / "index.html").write_text("<p>" + "text " * 1000 + "</p>", encoding="utf-8")
    (tmp_path / "404.html").write_text("missing", encoding="utf-8")
    with benchmark.serve(tmp_path, "gzip") as (_server, url):
        request = urllib.request.Request(url + "/", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(response.read()).decode().startswith("<p>text")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + "/nowhere/")
        assert missing.value.code == 404


def test_a_client_dropping_its_connection_is_not_reported_as_a_server_error(tmp_path, capsys):
    with benchmark.serve(tmp_path, "gzip") as (server, _):
        for error in (ConnectionResetError(104, "Connection reset by peer"), BrokenPipeError(32, "Broken pipe"),
                      ValueError("a real fault")):
            try:
                raise error
            except (OSError, ValueError):
                server.handle_error(None, ("127.0.0.1", 1))
    reported = capsys.readouterr().err
    assert "ValueError: a real fault" in reported
    assert "ConnectionResetError" not in reported and "BrokenPipeError" not in reported


def test_the_default_cpu_slowdown_is_lighthouses_mobile_mode():
    parser = argparse.ArgumentParser()
    benchmark.add_arguments(parser)
    assert float(parser.parse_args([]).cpu_multiplier) == 4.0 == benchmark.Settings().cpu_multiplier


def test_a_run_on_a_host_much_faster_or_slower_than_assumed_is_off_calibration():
    assert not benchmark.off_calibration(1600, 1800)
    assert benchmark.off_calibration(1600, 1250) and benchmark.off_calibration(1600, 2000)


def test_the_slowdown_follows_the_host_and_off_calibration_runs_are_redone(tmp_path, monkeypatch):
    """Each run is slowed for the benchmarkIndex the run before it measured; a run that measured a host more than
    20% away from that is redone, at most twice per page, and only kept runs count."""
    (tmp_path / "index.html").write_text("<p>site</p>", encoding="utf-8")
    measured = iter([1750,                    # calibration
                     1750, 1000, 1000, 1000,  # page a: its 2nd run finds a slower host and is redone at that speed
                     2500, 1000, 2500, 2500, 2500])  # page b: redone twice, then kept although off: no retries left
    asked = []

    def fake_lighthouse(cli, url, report, cpu_multiplier=benchmark.DEFAULT_CPU_MULTIPLIER):
        asked.append(cpu_multiplier)
        lhr = _lhr(0.9)
        lhr["environment"] = {"benchmarkIndex": next(measured)}
        return lhr

    monkeypatch.setattr(benchmark, "lighthouse_cli", lambda: tmp_path / "cli.js")
    monkeypatch.setattr(benchmark, "run_lighthouse", fake_lighthouse)
    monkeypatch.setattr(benchmark, "CACHE", tmp_path / "cache")
    settings = benchmark.Settings(runs=3, cpu_multiplier=None)  # --cpu-multiplier auto
    results = benchmark.benchmark(tmp_path, pages={"a": "", "b": ""}, settings=settings)
    assert [r.name for r in results] == ["a", "b"]
    slow, fast = benchmark.calibrated_multiplier(1000), benchmark.calibrated_multiplier(2500)
    assert asked == [4.0,                          # calibration, at Lighthouse's default
                     4.0, 4.0, slow, slow,         # page a
                     slow, fast, slow, fast, fast]  # page b
    assert len(settings.used) == 6


def _timed(performance: float, fcp: float, long_tasks: list[tuple[str, float]]) -> dict:
    lhr = _lhr(performance)
    lhr["configSettings"] = {"throttling": {"cpuSlowdownMultiplier": 4.5}}
    lhr["audits"]["first-contentful-paint"] = {"numericValue": fcp}
    lhr["audits"]["long-tasks"] = {"details": {"items": [{"url": u, "startTime": t, "duration": 120}
                                                         for u, t in long_tasks]}}
    return lhr


BUNDLE = "http://h/assets/javascripts/bundle.a5f9d56c.min.js"


def test_each_run_says_whether_it_painted_before_materials_start_up_script():
    page = "http://h/sources/du-alliance/"
    early = _timed(0.86, 1658, [(page, 1533), (BUNDLE, 2085), (BUNDLE, 2440)])  # the page's own task comes first
    late = _timed(0.93, 2444, [(BUNDLE, 2094), (BUNDLE, 2444)])
    assert benchmark.painted_before_script(early) is True
    assert benchmark.painted_before_script(late) is False
    assert benchmark.painted_before_script(_timed(0.99, 900, [(page, 400)])) is None

    runs = [late, early, late]
    result = benchmark.with_runs(benchmark.summarise("reader", page, benchmark.median_run(runs)), runs)
    assert result.runs == [93, 86, 93] and result.scores["performance"] == 93
    assert "reader runs: 93 (4.5x), 86 (4.5x), 93 (4.5x); painted before Material's start-up script (which then counts as blocking " \
           "time) in 1 of 3" in benchmark.table([result], "gzip")
