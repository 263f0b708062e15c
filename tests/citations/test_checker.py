"""One test per failure mode of the citation checker: caught, with the right path and line."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reportsite import bibliography
from reportsite.citations import check
from reportsite.citations.passages import Passage, SourceIndex
from reportsite.citations.syntax import find_citation_blocks
from reportsite.sources.registry import REPO_ROOT

PAGE = Path("docs/threads/example.md")
ENTRIES = {"src-a": object(), "src-b": object()}
INDEXES = {
    "src-a": SourceIndex("src-a", "甲", {
        1: Passage(1, "p-1", "美欧贸易和技术委员会（TTC）于2021年6月15日正式启动。", (69,)),
        2: Passage(2, "p-2", "双方将致力于在可信赖和负责任的人工智能概念和原则层面达成共识，", (69, 70)),
        3: Passage(3, "p-3", "并有意在此基础上建立共同的测量和评估工具。", (70,)),
    }, {69, 70}),
    "src-b": SourceIndex("src-b", "乙", {1: Passage(1, "p-1", "全球人工智能治理的前景取决于“善治”、“合治”与“法治”路径能否顺利推进。", ())}, set()),
}


def problems_for(md: str) -> list[str]:
    found = []
    blocks = find_citation_blocks(md)
    for block in blocks:
        for cite in block.citations:
            found += check.check_citation(cite, PAGE, ENTRIES, INDEXES)
    found += check.check_quotes(PAGE, md, blocks, INDEXES)
    found += check.check_script_html(PAGE, md)
    found += check.check_claims(PAGE, md)
    return [str(p) for p in found]


def test_valid_citations_quotes_and_claims_pass():
    md = (
        "# Title\n\n"
        "The council was launched in June 2021 [@src-a, ¶1].\n\n"
        "- The authors describe shared tools [@src-a, p. 70, ¶3; @src-b, ¶1].\n"
        "- They quote “共同的测量和评估工具” (common measurement and evaluation tools) [@src-a, ¶3].\n\n"
        "| Claim | Source |\n| --- | --- |\n| Paths | Ye and Li name three [@src-b, ¶1] |\n\n"
        "> 全球人工智能治理的前景取决于“善治”、“合治”与“法治”路径能否顺利推进。 [@src-b, ¶1]\n\n"
        "Paragraphs two to three span a page [@src-a, ¶2–3].\n\n"
        "A framing sentence. <!-- no-claim: framing -->\n"
    )
    assert problems_for(md) == []


def test_unknown_key():
    (p,) = problems_for("Claim [@nope, ¶1].\n")
    assert p.startswith("docs/threads/example.md:1:8: unknown citation key '@nope'")


def test_malformed_locator():
    (p,) = problems_for("Line one.<!-- no-claim: x -->\n\nClaim [@src-a, para 3].\n")
    assert p.startswith("docs/threads/example.md:3:8: malformed locator 'para 3'")


def test_paragraph_that_does_not_exist():
    (p,) = problems_for("Claim [@src-a, ¶9].\n")
    assert ":1:8: ¶9 does not exist in 'src-a' (it has ¶1–¶3)" in p


def test_page_that_does_not_exist_and_source_without_pages():
    problems = problems_for("Claim [@src-a, p. 12].\n\nOther [@src-b, 第3页].\n")
    assert ":1:8: p. 12 is not a printed page of 'src-a' (it has pages 69–70)" in problems[0]
    assert ":3:8: p. 3 is not a printed page of 'src-b' (it has no printed page numbers)" in problems[1]


def test_paragraph_not_on_the_cited_page():
    (p,) = problems_for("Claim [@src-a, p. 69, ¶3].\n")
    assert "¶3 of 'src-a' is on p. 70, not on the page(s) cited" in p


def test_backwards_range():
    (p,) = problems_for("Claim [@src-a, ¶3–1].\n")
    assert ":1:8: range '¶3–1' runs backwards" in p


def test_quote_not_in_cited_passage():
    (p,) = problems_for("They write “共同的评估工具” [@src-a, ¶3].\n")
    assert p.startswith("docs/threads/example.md:1:12: quote “共同的评估工具” is not in the cited passage")


def test_quote_tolerates_whitespace_and_punctuation_width_only():
    assert problems_for("They write “在此基础上建立 共同的测量” [@src-a, ¶3].\n") == []
    assert problems_for("They write “概念和原则层面达成共识,” [@src-a, ¶2].\n") == []
    assert problems_for("They write “概念和原则层面达成了共识” [@src-a, ¶2].\n")


def test_quote_cited_in_the_wrong_paragraph_or_without_citation_or_locator():
    assert "is not in the cited passage" in problems_for("“正式启动” [@src-a, ¶2].\n")[0]
    assert "has no citation" in problems_for("They call it “正式启动”. <!-- no-claim: x -->\n")[0]
    assert "without a ¶ or page locator" in problems_for("“正式启动” [@src-a].\n")[0]


def test_block_quote_is_verified():
    (p,) = problems_for("Intro. <!-- no-claim: x -->\n\n> 美欧贸易和技术委员会于2021年正式启动。\n> [@src-a, ¶1]\n")
    assert p.startswith("docs/threads/example.md:3:1: quote “美欧贸易和技术委员会于2021年正式启动")


def test_uncited_claims_paragraph_list_item_and_table_row():
    md = ("# T\n\nAn uncited claim about the report.\n\n- cited [@src-a, ¶1]\n- uncited item\n\n"
          "| A | B |\n| --- | --- |\n| uncited row | x |\n| cited row | [@src-a, ¶1] |\n")
    problems = problems_for(md)
    assert [p.split(": ")[0] for p in problems] == [
        "docs/threads/example.md:3:1", "docs/threads/example.md:6:1", "docs/threads/example.md:10:1"]
    assert "uncited paragraph" in problems[0] and "uncited list item" in problems[1] and "uncited table row" in problems[2]
    assert "<!-- no-claim: reason -->" in problems[0]


def test_opt_out_before_a_list_covers_the_list_only():
    md = "<!-- no-claim: navigation -->\n- [Other thread](other.md)\n- [Another](another.md)\n\nUncited claim.\n"
    problems = problems_for(md)
    assert len(problems) == 1 and ":5:1: uncited paragraph" in problems[0]


def test_claims_are_only_required_on_thread_and_synthesis_pages(tmp_path):
    docs = tmp_path / "docs"
    assert check.is_claim_page(docs / "threads" / "a.md", docs)
    assert check.is_claim_page(docs / "synthesis" / "b.md", docs)
    assert not check.is_claim_page(docs / "about" / "index.md", docs)
    assert not check.is_claim_page(docs / "index.md", docs)


def test_script_html_is_refused():
    md = ('Ok. <!-- no-claim: x -->\n\n<script>alert(1)</script>\n\n<img src="x.png" onerror="alert(1)">\n\n'
          '[click](javascript:alert(1))\n\n`<script>` in code is fine. <!-- no-claim: x -->\n')
    problems = [p for p in problems_for(md) if "raw HTML" in p]
    assert [p.split(": ")[0] for p in problems] == [
        "docs/threads/example.md:3:1", "docs/threads/example.md:5:1", "docs/threads/example.md:7:9"]


# --- bibliography ----------------------------------------------------------------

def _bib(tmp_path, text: str) -> Path:
    bib = tmp_path / "bib"
    bib.mkdir(exist_ok=True)
    (bib / "raw").mkdir(exist_ok=True)
    (bib / "raw" / "doc.txt").write_text("x", encoding="utf-8")
    (bib / "test.bib").write_text(text, encoding="utf-8")
    return bib


def test_bibliography_parse_error_has_its_line(tmp_path):
    bib = _bib(tmp_path, "@article{a,\n  title = {x},\n  journal = {y\n}\n\n@article{b, title={z}}\n")
    with pytest.raises(bibliography.BibliographyError) as info:
        bibliography.load(bib)
    assert str(info.value).startswith(f"{bib / 'test.bib'}:")
    assert info.value.line > 1


def test_bibliography_duplicate_key_points_at_the_second(tmp_path):
    bib = _bib(tmp_path, "@misc{a, title={x}, language={en}}\n\n@misc{a, title={y}, language={en}}\n")
    with pytest.raises(bibliography.BibliographyError) as info:
        bibliography.load(bib)
    assert info.value.line == 3 and "duplicate key 'a'" in info.value.message


def test_bibliography_field_problems(tmp_path):
    bib = _bib(tmp_path, (
        "@article{ok, title={T}, journal={J}, language={zh}, file={raw/doc.txt}}\n"
        "@article{nojournal, language={zh}}\n"
        "@misc{html, title={<b>x</b>}, language={en}}\n"
        "@misc{badurl, title={x}, language={en}, url={ftp//nowhere}}\n"
        "@misc{baddoi, title={x}, language={en}, doi={https://doi.org/10.1/x}}\n"
        "@misc{noraw, title={x}, language={en}, file={raw/missing.txt}}\n"
    ))
    problems = [str(p) for p in check.check_bibliography(bibliography.load(bib))]
    expect = {2: "lacks required field 'journal'", 3: "contains HTML or script", 4: "malformed URL",
              5: "malformed DOI", 6: "points to the raw document 'raw/missing.txt', which does not exist"}
    for line, text in expect.items():
        assert any(f"test.bib:{line}:1:" in p and text in p for p in problems), (line, problems)
    assert not any("test.bib:1:1" in p for p in problems)


def test_missing_title_needs_a_reason_and_placeholders_are_refused(tmp_path):
    bib = _bib(tmp_path, (
        "@article{untitled, journal={J}, language={zh}}\n"
        "@article{explained, titleunknown={The repost does not give it.}, journal={J}, language={zh}}\n"
        "@misc{scaffold, title={T}, language={TODO: the document's language}}\n"
    ))
    problems = [str(p) for p in check.check_bibliography(bibliography.load(bib))]
    assert any("test.bib:1:1:" in p and "lacks required field 'title'" in p and "titleunknown" in p for p in problems)
    assert not any("test.bib:2:1" in p for p in problems)
    assert any("test.bib:3:1:" in p and "field 'language' of 'scaffold' is still a placeholder" in p for p in problems)


def test_real_bibliography_is_sound():
    assert check.check_bibliography(bibliography.load()) == []


# --- whole repository ----------------------------------------------------------

def test_source_never_cited_is_reported(tmp_path):
    docs = tmp_path / "docs"
    (docs / "threads").mkdir(parents=True)
    (docs / "threads" / "t.md").write_text("Claim [@zhang-roadmap, ¶1].\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    problems = [str(p) for p in check.check(docs=docs, data_dir=tmp_path / "data")]
    never = [p for p in problems if "is never cited" in p]
    assert len(never) == 4 and all(p.startswith("bib/sources.bib:") for p in never)
    assert not any("'zhang-roadmap' is never cited" in p for p in problems)


def test_checker_cli_exits_nonzero_and_never_modifies_files(tmp_path):
    page = REPO_ROOT / "docs" / "threads" / "_checker_probe.md"
    page.write_text("Claim [@nope, ¶1].\n", encoding="utf-8")
    try:
        before = page.read_bytes()
        result = subprocess.run([sys.executable, "-m", "reportsite", "check", "--only", "citations"],
                                capture_output=True, text=True, cwd=REPO_ROOT)
        assert result.returncode == 1
        assert "docs/threads/_checker_probe.md:1:8: unknown citation key '@nope'" in result.stderr
        assert page.read_bytes() == before
    finally:
        page.unlink()


def test_the_repository_passes_the_citation_checker():
    assert [str(p) for p in check.check()] == []


def test_every_source_is_cited_with_paragraph_locators_on_several_pages():
    pages_citing = {}
    for path in check.page_files():
        for block in find_citation_blocks(path.read_text(encoding="utf-8")):
            for cite in block.citations:
                if cite.locator.paragraphs:
                    pages_citing.setdefault(cite.key, set()).add(path)
    for key in ["du-alliance", "zhang-roadmap", "dai-defence", "ye-governance", "rmlt-proposals"]:
        assert len(pages_citing.get(key, ())) >= 2, key
