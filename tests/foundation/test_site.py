"""The built site: skeleton, search in two languages, bibliography, privacy, strict failures."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reportsite.checks import site
from reportsite.sources.registry import SOURCES

pytestmark = pytest.mark.build


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_skeleton_sections_and_source_pages_exist(built_site):
    for page in ["index.html", "threads/index.html", "synthesis/index.html", "sources/index.html",
                 "references/index.html", "about/index.html", "about/cite/index.html",
                 "about/contributing/index.html", "about/licence/index.html"]:
        assert (built_site / page).is_file(), page
    for key in SOURCES:
        assert (built_site / "sources" / key / "index.html").is_file(), key
    tabs = [a.get_text(strip=True) for a in _soup(built_site / "index.html").select(".md-tabs__link")]
    assert tabs == ["Home", "Threads", "Synthesis", "Sources", "References", "About"]


def test_search_index_holds_english_and_segmented_chinese(built_site):
    index = json.loads((built_site / "search" / "sections.json").read_text(encoding="utf-8"))
    assert set(index["config"]["lang"]) == {"en", "zh"}
    texts = " ".join(doc["text"] for doc in index["docs"])
    assert "citation" in texts.lower()
    # reportsite.search segments Chinese with jieba at build time: words are separated by plain spaces.
    assert "\u200b" not in texts
    words = set(texts.split())
    assert "人工智能" in words and "合作" in words


def test_references_page_renders_every_entry_with_copyable_bibtex(built_site):
    soup = _soup(built_site / "references" / "index.html")
    for key in SOURCES:
        entry = soup.find(id=f"bib-{key}")
        assert entry is not None, key
        assert f"@" in soup.get_text() and key in soup.get_text()
    codes = [c.get_text() for c in soup.select("pre code")]
    assert sum(code.lstrip().startswith("@") for code in codes) == len(SOURCES)
    # No Markdown smart-punctuation debris from pandoc.
    formatted = " ".join(p.get_text() for p in soup.select("p.ref"))
    assert "100–118" in formatted and "--" not in formatted


def test_material_features_are_on(built_site):
    config = json.loads(_soup(built_site / "index.html").select_one("#__config").get_text())
    for feature in ["navigation.tabs", "navigation.sections", "navigation.instant", "search.suggest",
                    "search.highlight", "content.code.copy", "content.action.edit"]:
        assert feature in config["features"], feature
    # Mounted on every footnote at load (seconds of script on a phone); citation-previews.js previews footnotes.
    assert "content.footnote.tooltips" not in config["features"]
    assert "content.tooltips" not in config["features"]
    palette = _soup(built_site / "index.html").select("form[data-md-component=palette] input")
    assert len(palette) >= 2


def test_edit_links_point_at_the_repository_when_it_is_configured(built_site):
    edit = _soup(built_site / "about" / "index.html").select_one("a.md-content__button[href*='/edit/']")
    assert edit is not None
    assert edit["href"] == "https://github.com/example-org/example-repo/edit/main/docs/about/index.md"


def test_built_site_makes_no_third_party_requests(built_site):
    assert site.offsite_requests(built_site) == []


def test_offsite_scan_catches_cdn_script_and_web_font(tmp_path):
    (tmp_path / "index.html").write_text(
        '<html><head><link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '</head><body><script src="//cdn.example.com/x.js"></script><a href="https://example.com/">ok</a>'
        '<img src="img/local.png"></body></html>', encoding="utf-8")
    (tmp_path / "s.css").write_text('body{}\n@import url("https://fonts.example.com/f.css");\n', encoding="utf-8")
    problems = [str(p) for p in site.offsite_requests(tmp_path)]
    assert len(problems) == 3
    assert any("fonts.googleapis.com" in p for p in problems)
    assert any("cdn.example.com" in p for p in problems)
    assert any(p.endswith("") and "s.css:2:1" in p for p in problems)


def test_broken_link_fails_the_strict_build_with_page_and_line(repo_copy, tmp_path):
    page = repo_copy / "docs" / "about" / "cite.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [the missing page](../nowhere.md).\n", encoding="utf-8")
    problems = site.build(tmp_path / "out", repo_copy / "mkdocs.yml")
    assert problems, "a broken link must fail the build"
    line = len(page.read_text(encoding="utf-8").splitlines())
    assert any(p.path.endswith("docs/about/cite.md") and p.line == line and "nowhere.md" in p.message for p in problems), problems


def test_missing_anchor_fails_the_strict_build(repo_copy, tmp_path):
    page = repo_copy / "docs" / "about" / "cite.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [¶9999](../sources/zhang-roadmap.md#p-9999).\n", encoding="utf-8")
    problems = site.build(tmp_path / "out", repo_copy / "mkdocs.yml")
    assert any("p-9999" in p.message and p.path.endswith("cite.md") for p in problems), problems


def test_broken_mkdocs_yml_is_reported_with_its_line(repo_copy, tmp_path):
    config = repo_copy / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "nav: [unclosed")
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = site.build(tmp_path / "out", config)
    assert problems
    assert any(p.path.endswith("mkdocs.yml") and p.line > 1 for p in problems), problems


def test_check_command_exits_nonzero_and_names_the_file(repo_copy):
    raw = repo_copy / "bib" / "raw" / next(iter(SOURCES.values())).raw_name
    raw.write_bytes(raw.read_bytes() + b"tampered")
    result = subprocess.run([sys.executable, "-c", "import sys; from reportsite.checks import raw_sources;"
                             "from reportsite.problems import report; from pathlib import Path;"
                             f"sys.exit(report(raw_sources.check(Path({str(raw.parent)!r}))))"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{raw.name}:1:1: raw source has changed" in result.stderr
