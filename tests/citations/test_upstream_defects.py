"""mkdocs-bibtex 4.4.0 is archived upstream. Each test here pins one of its defects
(so an upgrade that changes the behaviour is noticed) and shows that our wrapper,
the `report-citations` plugin, does not have it."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pypandoc
import pytest
from bs4 import BeautifulSoup
from mkdocs_bibtex import registry as upstream_registry
from mkdocs_bibtex.citation import CitationBlock as UpstreamBlock
from mkdocs_bibtex.registry import PandocRegistry

from reportsite.citations.styles import csl_path
from reportsite.citations.syntax import find_citation_blocks

BIB = textwrap.dedent("""\
    @article{em,
      author = {Doe, Jane},
      title = {Alliances—and Resilience},
      journal = {Journal of Tests},
      year = {2024},
      pages = {68--70},
      language = {English},
    }
    """)


@pytest.fixture
def bib_file(tmp_path) -> Path:
    path = tmp_path / "em.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


def _upstream(bib_file, style, markdown, monkeypatch):
    # Upstream as shipped: undo our Unicode shim for this test.
    monkeypatch.setattr(upstream_registry, "pypandoc", pypandoc)
    registry = PandocRegistry(bib_files=[str(bib_file)], csl_file=str(csl_path(style)), csl_file_encoding=None)
    blocks = UpstreamBlock.from_markdown(markdown)
    registry.validate_citation_blocks(blocks)
    return registry, blocks


def test_upstream_drops_locators_in_footnote_mode(bib_file, monkeypatch):
    registry, blocks = _upstream(bib_file, "china-national-standard-gb-t-7714-2015-numeric", "[@em, ¶12]", monkeypatch)
    assert registry.inline_text(blocks[0]) == "[^em]"


def test_upstream_drops_non_english_locators(bib_file, monkeypatch):
    registry, blocks = _upstream(bib_file, "china-national-standard-gb-t-7714-2015-author-date",
                                 "[@em, 第68页] [@em, ¶12]", monkeypatch)
    assert [registry.inline_text(b) for b in blocks] == ["(Doe, 2024)[^em]", "(Doe, 2024)[^em]"]


def test_upstream_writes_em_dash_as_three_hyphens(bib_file, monkeypatch):
    registry, blocks = _upstream(bib_file, "chicago-author-date", "[@em]", monkeypatch)
    assert "Alliances---and" in registry._reference_cache["em"]
    assert "68--70" in registry._reference_cache["em"]


def test_upstream_processes_citations_inside_code():
    blocks = UpstreamBlock.from_markdown("`[@em]` and\n```\n[@em, ¶2]\n```\n")
    assert len(blocks) == 2
    assert find_citation_blocks("`[@em]` and\n```\n[@em, ¶2]\n```\n") == []


def test_upstream_only_warns_on_unknown_keys(bib_file, monkeypatch, caplog):
    registry, blocks = _upstream(bib_file, "chicago-author-date", "[@nokey, ¶1]", monkeypatch)
    assert "Citing unknown reference key nokey" in caplog.text


# --- our wrapper, in a real (small) MkDocs build ----------------------------------

def _build(tmp_path, bib_file, page: str, lang: str = "en"):
    docs = tmp_path / "docs"
    docs.mkdir()
    front = f"---\nlang: {lang}\n---\n\n" if lang != "en" else ""
    (docs / "index.md").write_text(front + page, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(textwrap.dedent(f"""\
        site_name: t
        docs_dir: docs
        plugins:
          - report-citations:
              bib_file: {bib_file}
        markdown_extensions: [attr_list, md_in_html, footnotes, pymdownx.details, pymdownx.superfences]
        """), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / "site")],
                            cwd=tmp_path, capture_output=True, text=True)
    return result


def test_wrapper_renders_dash_locators_and_skips_code(tmp_path, bib_file):
    result = _build(tmp_path, bib_file, "Claim [@em, 第68页]. Other [@em, ¶12–14].\n\nCode `[@em]`.\n")
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((tmp_path / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    cites = [c.get_text() for c in soup.select(".cite")]
    assert cites == ["Doe 2024, p.\u00a068", "Doe 2024, ¶12–14"]
    ref = soup.select_one("#ref-em").get_text()
    assert "Alliances—and Resilience" in ref and "68–70" in ref and "---" not in ref
    assert soup.find("code").get_text() == "[@em]"


def test_wrapper_keeps_locators_on_chinese_pages(tmp_path, bib_file):
    result = _build(tmp_path, bib_file, "论点[@em, 第68页]。\n", lang="zh")
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((tmp_path / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one(".cite-group").get_text() == "（Doe, 2024, 第68页）"


def test_wrapper_fails_the_build_on_unknown_key_with_page_and_line(tmp_path, bib_file):
    result = _build(tmp_path, bib_file, "Intro.\n\nClaim [@nokey, ¶1].\n")
    assert result.returncode != 0
    assert "index.md:3:8: unknown citation key '@nokey'" in result.stderr
