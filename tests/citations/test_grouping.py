"""Several citations of one work in one bracket are grouped, as CSL's cite grouping does:
"Du and Li 2024, ¶¶28, 31, 35" instead of "Du and Li 2024, ¶28; Du and Li 2024, ¶31; …".

The author–date is written (and linked to the reference) once per group; every locator
keeps its own link to its paragraph or page and names the paragraphs its own preview shows."""

import json

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reportsite.sources.registry import REPO_ROOT

EN_PAGE = textwrap.dedent("""\
    Three paragraphs [@du-alliance, ¶28; @du-alliance, ¶31; @du-alliance, ¶35].

    Two works [@du-alliance, ¶4; @ye-governance, ¶2; @du-alliance, ¶6].

    Mixed [@du-alliance, ¶4; @du-alliance, p. 64, ¶8].

    Pages [@du-alliance, p. 64; @du-alliance, pp. 65–66].

    Ranges [@du-alliance, ¶12–13; @du-alliance, ¶20].

    Single [@du-alliance, ¶28].

    Prefixes [see @du-alliance, ¶4; cf. @du-alliance, ¶5].
    """)

ZH_PAGE = textwrap.dedent("""\
    ---
    lang: zh
    ---

    论点[@du-alliance, ¶28; @du-alliance, ¶31; @du-alliance, ¶35]。

    页码[@du-alliance, 第64页; @du-alliance, 第65页]。

    两部著作[@du-alliance, ¶4; @ye-governance, ¶2]。
    """)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A small site built with the real bibliography and passage indexes."""
    root = tmp_path_factory.mktemp("grouping")
    docs = root / "docs"
    (docs / "sources").mkdir(parents=True)
    (docs / "index.md").write_text(EN_PAGE, encoding="utf-8")
    (docs / "zh.md").write_text(ZH_PAGE, encoding="utf-8")
    for key in ("du-alliance", "ye-governance"):  # link targets; their anchors are not checked here
        (docs / "sources" / f"{key}.md").write_text(f"# {key}\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(textwrap.dedent(f"""\
        site_name: t
        docs_dir: docs
        plugins:
          - report-citations:
              bib_dir: {REPO_ROOT / "bib"}
        markdown_extensions: [attr_list, md_in_html, footnotes, pymdownx.details, pymdownx.superfences]
        """), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "site")],
                            cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root / "site"


def _brackets(site: Path, page: str) -> list:
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    return soup.select("article .cite-group, .md-content .cite-group") or soup.select(".cite-group")


def _text(tag) -> str:
    """The bracket as read."""
    return tag.get_text()


@pytest.fixture(scope="module")
def en(site):
    return _brackets(site, "index.html")


@pytest.fixture(scope="module")
def zh(site):
    return _brackets(site, "zh/index.html")


def test_one_work_several_paragraphs_names_the_author_once(en):
    bracket = en[0]
    assert _text(bracket) == "(Du and Li 2024, ¶¶28, 31, 35)"
    assert len(bracket.select(".cite")) == 1
    assert [a.get_text() for a in bracket.select(".cite__work")] == ["Du and Li 2024"]
    locators = bracket.select("a.cite__loc")
    assert [a["href"] for a in locators] == [f"sources/du-alliance/#p-{n}" for n in (28, 31, 35)]
    assert [a.get_text() for a in locators] == ["28", "31", "35"]
    assert [a["aria-label"] for a in locators] == ["¶28", "¶31", "¶35"]  # contains the visible text


def test_each_locator_names_the_paragraphs_of_its_own_preview(en, site):
    refs = en[0].select(".cite__ref")
    assert len(refs) == 3
    for ref, n in zip(refs, (28, 31, 35)):
        children = [c for c in ref.children if getattr(c, "name", None)]
        assert [c.name for c in children] == ["a"]  # no preview text in the page
        assert children[0]["data-passages"] == str(n)
    # A page locator previews the cited paragraph on that page, else the page's first paragraph.
    mixed = en[2].select("a.cite__loc")
    assert [a["data-passages"] for a in mixed] == ["4", "8", "8"]
    # The text is in the source's preview store, written once per source.
    store = json.loads((site / "previews" / "du-alliance.json").read_text(encoding="utf-8"))
    assert store["key"] == "du-alliance" and store["lang"] == "zh-Hans"
    assert {"28", "31", "35", "4", "8"} <= set(store["paragraphs"])


def test_fewer_links_per_bracket_than_one_author_date_per_locator(en):
    links = en[0].find_all("a")
    assert len(links) == 1 + 3  # one reference link, three locators
    assert len(links) < 2 * 3  # was an author–date link and a locator link per citation


def test_different_works_stay_separate_in_the_authors_order(en):
    bracket = en[1]
    assert _text(bracket) == "(Du and Li 2024, ¶¶4, 6; Ye and Li 2024, ¶2)"
    assert [c["data-cite"] for c in bracket.select(".cite")] == ["du-alliance", "ye-governance"]
    assert [a["href"] for a in bracket.select("a.cite__loc")] == [
        "sources/du-alliance/#p-4", "sources/du-alliance/#p-6", "sources/ye-governance/#p-2"]


def test_mixed_locators_are_listed_with_commas(en):
    bracket = en[2]
    assert _text(bracket) == "(Du and Li 2024, ¶4, p.\u00a064, ¶8)"
    assert [a["href"] for a in bracket.select("a.cite__loc")] == [
        "sources/du-alliance/#p-4", "sources/du-alliance/#page-64", "sources/du-alliance/#p-8"]
    assert not any(a.has_attr("aria-label") for a in bracket.select("a.cite__loc"))


def test_pages_group_as_pp(en):
    bracket = en[3]
    assert _text(bracket) == "(Du and Li 2024, pp.\u00a064, 65–66)"
    assert [a["href"] for a in bracket.select("a.cite__loc")] == [
        "sources/du-alliance/#page-64", "sources/du-alliance/#page-65"]
    assert [a["aria-label"] for a in bracket.select("a.cite__loc")] == ["p.\u00a064", "pp.\u00a065–66"]


def test_paragraph_ranges_keep_their_highlight(en):
    bracket = en[4]
    assert _text(bracket) == "(Du and Li 2024, ¶¶12–13, 20)"
    assert [a["href"] for a in bracket.select("a.cite__loc")] == [
        "sources/du-alliance/?hl=12-13#p-12", "sources/du-alliance/#p-20"]


def test_a_single_citation_is_unchanged(en):
    bracket = en[5]
    assert _text(bracket) == "(Du and Li 2024, ¶28)"
    assert bracket.select_one("a.cite__loc").get_text() == "¶28"
    assert not bracket.select_one("a.cite__loc").has_attr("aria-label")


def test_different_prefixes_are_not_merged(en):
    assert len(en[6].select(".cite")) == 2
    assert _text(en[6]).count("Du and Li 2024") == 2


def test_chinese_page_groups_with_the_enumeration_comma(zh):
    paras, pages, works = zh
    assert _text(paras) == "（杜洞光 等, 2024, ¶¶28、31、35）"
    assert len(paras.select(".cite__work")) == 1 and len(paras.select("a.cite__loc")) == 3
    assert [a["aria-label"] for a in paras.select("a.cite__loc")] == ["¶28", "¶31", "¶35"]
    assert _text(pages) == "（杜洞光 等, 2024, 第64、65页）"
    assert [a["aria-label"] for a in pages.select("a.cite__loc")] == ["第64页", "第65页"]
    assert [a["href"] for a in pages.select("a.cite__loc")] == [
        "../sources/du-alliance/#page-64", "../sources/du-alliance/#page-65"]
    assert len(works.select(".cite")) == 2 and "；" in _text(works)


@pytest.mark.build
def test_thread_page_names_each_work_once_per_bracket(built_site):
    soup = BeautifulSoup((built_site / "threads" / "alliance-resilience" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    brackets = soup.select("article .cite-group")
    assert brackets
    for bracket in brackets:
        keys = [c["data-cite"] for c in bracket.select(".cite")]
        assert len(keys) == len(set(keys)), _text(bracket)
    assert any("¶¶28, 31, 35" in _text(b) for b in brackets)


def test_unsigned_work_is_cited_by_its_english_short_name(built_site):
    """The People's Tribune article has no author: English pages cite it by the bibliography's shortname, and
    its reference says so and gives the English title (not the long Chinese title as the only name)."""
    html = (built_site / "threads" / "governance-paths" / "index.html").read_text(encoding="utf-8")
    assert "People’s Tribune article,” n.d." in html
    assert "人工智能治理国际合作的中国主张</span>,” n.d." not in html
    assert "[China's Proposals for International Cooperation on AI Governance] Cited on this site as" in html
