"""The English report as built: page structure, figures, glossary abbreviations, citations resolve."""

import html
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reportsite.problems import Problem
from reportsite.sources.registry import REPO_ROOT

pytestmark = pytest.mark.build
THREADS = ["alliance-resilience", "roadmap-goals", "governance-paths", "defence-cooperation"]
SYNTHESIS = ["ttc-timeline", "governance-models", "agreement-matrix", "glossary"]


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("thread", THREADS)
def test_thread_pages_have_the_agreed_structure(built_site, thread):
    soup = _soup(built_site / "threads" / thread / "index.html")
    article = soup.select_one("article")
    assert article.select_one(".admonition.abstract .admonition-title").get_text(strip=True) == "In brief"
    headings = [h.get_text(strip=True).rstrip("¶") for h in article.select("h2")]
    for required in ["Argument map", "Limits and counterpoints", "Related threads", "Cite this page", "References"]:
        assert required in headings, (thread, headings)
    words = len(re.findall(r"[A-Za-z]+(?:['’-][A-Za-z]+)*", (REPO_ROOT / "docs" / "threads" / f"{thread}.md").read_text()))
    assert 1500 <= words <= 4000, words


@pytest.mark.parametrize("thread", THREADS)
def test_argument_map_is_inline_svg_with_text_and_paragraph_links(built_site, thread):
    soup = _soup(built_site / "threads" / thread / "index.html")
    svg = soup.select_one("figure svg.argmap")
    # A group, not an img, so the links inside are exposed to assistive technology.
    assert svg is not None and svg.get("role") == "group" and svg.find("title") and svg.find("desc")
    assert len(svg.find_all("text")) > 10
    # xlink:href: Material's instant navigation throws on an SVG <a href> (see reportsite/figures.py).
    assert all(not a.has_attr("href") for a in svg.find_all("a"))
    links = [a.get("xlink:href") for a in svg.find_all("a")]
    assert links and all(re.fullmatch(r"\.\./\.\./sources/[a-z-]+/#p-\d+", href) for href in links)
    assert soup.select_one("details .admonition-title, details summary") is not None  # text version


def test_timeline_figure_and_table(built_site):
    soup = _soup(built_site / "synthesis" / "ttc-timeline" / "index.html")
    svg = soup.select_one("figure svg.timeline")
    assert svg is not None and len(svg.find_all("circle")) >= 6
    rows = soup.select("article table tbody tr")
    assert len(rows) == len(svg.find_all("circle")) + len(svg.select("path.timeline__mark--milestone"))


@pytest.mark.parametrize("page", SYNTHESIS)
def test_synthesis_tables_are_cited_cell_by_cell(built_site, page):
    soup = _soup(built_site / "synthesis" / page / "index.html")
    table = soup.select_one("article table:not(.src-card table)")
    # Which columns state something about a source (the others are labels, dates, names).
    claim_columns = {"ttc-timeline": [3], "glossary": [3, 4]}.get(page)
    for row in table.select("tbody tr"):
        cells = row.find_all("td")
        for index, cell in enumerate(cells):
            if index == 0 or (claim_columns and index not in claim_columns):
                continue
            if page == "agreement-matrix" and "silent" in cell.get_text():
                continue
            assert cell.select(".cite"), (page, row.get_text(" ", strip=True)[:80])


def test_glossary_abbreviations_show_on_hover_site_wide(built_site):
    soup = _soup(built_site / "threads" / "roadmap-goals" / "index.html")
    abbr = soup.find("abbr", string="TTC")
    assert abbr is not None and "美欧贸易和技术委员会" in abbr["title"]


def test_every_locator_link_resolves_to_an_existing_anchor(built_site):
    problems = []
    ids_cache: dict[Path, set[str]] = {}
    for page in sorted(built_site.rglob("index.html")):
        for link in _soup(page).select("a.cite__loc, svg a"):
            href = link.get("href") or link.get("xlink:href")
            target_path, _, fragment = href.partition("#")
            target_path = target_path.split("?")[0]
            target = (page.parent / target_path / "index.html").resolve()
            if target not in ids_cache:
                ids_cache[target] = {t["id"] for t in _soup(target).find_all(id=True)} if target.exists() else set()
            if fragment not in ids_cache[target]:
                problems.append(f"{page.relative_to(built_site)}: {href}")
    assert problems == []


def test_previews_contain_the_cited_paragraph_text(built_site):
    """A locator's preview (built in the browser from previews/<key>.json) shows the paragraph it links to."""
    import json

    soup = _soup(built_site / "threads" / "governance-paths" / "index.html")
    stores = {}
    checked = 0
    for link in soup.select(".cite__ref a.cite__loc[data-passages]"):
        if "#p-" not in link["href"]:
            continue
        key = link.find_parent(attrs={"data-cite": True})["data-cite"]
        n = int(link["href"].split("#p-")[1].split("?")[0])
        assert link["data-passages"].split()[0] == str(n)
        if key not in stores:
            stores[key] = json.loads((built_site / "previews" / f"{key}.json").read_text(encoding="utf-8"))
        text = json.loads((REPO_ROOT / "data" / "sources" / f"{key}.json").read_text())["paragraphs"][n - 1]["text"]
        shown = html.unescape(stores[key]["paragraphs"][str(n)]["zh"]).rstrip("…")
        assert " ".join(text.split()).startswith(shown[:80])
        checked += 1
    assert checked > 20


def test_github_annotations_are_printed_in_actions(monkeypatch, capsys):
    from reportsite.problems import report

    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert report([Problem("docs/a.md", 3, 7, "bad, 100% wrong")]) == 1
    out = capsys.readouterr()
    assert "docs/a.md:3:7: bad, 100% wrong" in out.err
    assert "::error file=docs/a.md,line=3,col=7::bad, 100%25 wrong" in out.out


def test_english_pages_cite_chinese_authors_by_romanized_name(built_site):
    works = {a.get_text() for a in _soup(built_site / "threads" / "alliance-resilience" / "index.html").select(".cite__work")}
    assert "Du and Li 2024" in works and "Zhang et al. 2022" in works
    assert not any("杜洞光" in w for w in works)
    card = _soup(built_site / "sources" / "du-alliance" / "index.html").select_one(".src-card").get_text()
    assert "杜洞光、李相毅 (Du Dongguang, Li Xiangyi)" in card
