"""`reportsite add-source`: a new document goes in without code, and `make check` holds it to the rules.

End to end in a scratch copy of the repository (`repo_copy`); the normalizer of clean documents and
layout detection are unit-tested on small texts.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reportsite.sources.model import Heading, LayoutError, Paragraph, Table
from reportsite.sources.normalizers import clean
from reportsite.sources.registry import REPO_ROOT, detect_layout

DOCUMENT = """\
Standards for Trustworthy AI

Introduction

The two sides agreed in 2022 to cooperate on standards for trustworthy AI.[^1]
This sentence continues the first paragraph.

Background

A second paragraph says that the roadmap has short-term and long-term goals.

[^1]: Joint statement of the third ministerial meeting.
"""

FILLED_ENTRY = """\
@misc{test-standards,
  author            = {Smith, Jane},
  authorlatin       = {Smith, Jane},
  shortname         = {Smith},
  title             = {Standards for Trustworthy AI},
  year              = {2024},
  language          = {English},
  langid            = {english},
  file              = {raw/test-standards.txt},
  layout            = {plain},
  note              = {A short English document written for the test suite.},
}
"""

THREAD = """\
---
title: Test thread
---

# Test thread

Smith reports that the two sides agreed in 2022 to cooperate on standards [@test-standards, ¶1].

Smith also mentions short- and long-term goals [@test-standards, ¶2].
"""


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportsite", *args], capture_output=True, text=True, cwd=repo)


def _problem_lines(result: subprocess.CompletedProcess) -> set[str]:
    return {line for line in result.stderr.splitlines() if line and not line.startswith(("check ", "Other checks"))}


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def document(tmp_path) -> Path:
    path = tmp_path / "incoming" / "standards.txt"
    path.parent.mkdir()
    path.write_bytes(DOCUMENT.encode("utf-8"))
    return path


CHECKS = ("--only", "raw", "--only", "sources", "--only", "citations")


def test_add_source_end_to_end(repo_copy, document):
    bib = repo_copy / "bib" / "sources.bib"
    manifest = repo_copy / "bib" / "raw" / "SHA256SUMS"
    bib_before, manifest_before = bib.read_text(encoding="utf-8"), manifest.read_text(encoding="utf-8")
    # What the checks say about the repository as it is (others may be mid-edit): adding a source may add nothing
    # to it. Run meanwhile, in the repository itself (checks only read).
    baseline = subprocess.Popen([sys.executable, "-m", "reportsite", "check", *CHECKS], cwd=REPO_ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    result = _run(repo_copy, "add-source", str(document), "--key", "test-standards")
    assert result.returncode == 0, result.stderr

    raw = repo_copy / "bib" / "raw" / "test-standards.txt"
    assert raw.read_bytes() == document.read_bytes()
    digest = hashlib.sha256(document.read_bytes()).hexdigest()
    manifest_after = manifest.read_text(encoding="utf-8")
    assert manifest_after.startswith(manifest_before)  # appended, never rewritten
    assert manifest_after[len(manifest_before):].strip("\n") == f"{digest}  test-standards.txt"

    bib_after = bib.read_text(encoding="utf-8")
    assert bib_after.startswith(bib_before)
    entry = bib_after[len(bib_before):].strip()
    assert entry.startswith("@misc{test-standards,") and entry.endswith("}")
    assert "title             = {Standards for Trustworthy AI}" in entry
    assert "file              = {raw/test-standards.txt}" in entry and "layout            = {plain}" in entry
    for field in ("author", "shortname", "year", "language", "note"):
        assert any(line.strip().startswith(field) and "TODO" in line for line in entry.splitlines()), field
    entry_line = bib_after[: bib_after.index("@misc{test-standards,")].count("\n") + 1
    assert f"bib/sources.bib:{entry_line}" in result.stdout  # tells where to fill in the fields

    page = repo_copy / "docs" / "sources" / "test-standards.md"
    index = json.loads((repo_copy / "data" / "sources" / "test-standards.json").read_text(encoding="utf-8"))
    assert 'id="p-1"' in page.read_text(encoding="utf-8") and 'id="p-2"' in page.read_text(encoding="utf-8")
    assert "TODO" in page.read_text(encoding="utf-8")  # the card shows the placeholders until they are filled in
    assert [p["text"] for p in index["paragraphs"]] == [
        "The two sides agreed in 2022 to cooperate on standards for trustworthy AI. This sentence continues the "
        "first paragraph.",
        "A second paragraph says that the roadmap has short-term and long-term goals.",
    ]
    assert [p["section"] for p in index["paragraphs"]] == [["Introduction"], ["Background"]]

    # The placeholders keep the entry from passing the check, each reported at the entry's line.
    before = _tree(repo_copy)
    todo = _run(repo_copy, "check", "--only", "citations")
    assert _tree(repo_copy) == before
    assert todo.returncode == 1
    at_entry = [line for line in todo.stderr.splitlines() if line.startswith(f"bib/sources.bib:{entry_line}:1: ")]
    placeholders = [line for line in at_entry if "of 'test-standards' is still a placeholder" in line]
    assert {line.split("field '")[1].split("'")[0] for line in placeholders} >= {
        "author", "shortname", "year", "language", "note"}
    assert all("fill it in from the document" in line for line in placeholders)

    # A person fills in the entry, adds the page to nav and cites it from a thread page.
    bib.write_text(bib_before.rstrip("\n") + "\n\n" + FILLED_ENTRY, encoding="utf-8")
    config = repo_copy / "mkdocs.yml"
    nav = config.read_text(encoding="utf-8")
    anchor = "      - \"People's Tribune · 中国主张\": sources/rmlt-proposals.md\n"
    thread_anchor = "      - Defence cooperation: threads/defence-cooperation.md\n"
    assert anchor in nav and thread_anchor in nav
    nav = nav.replace(anchor, anchor + "      - \"Smith 2024 · test\": sources/test-standards.md\n")
    nav = nav.replace(thread_anchor, thread_anchor + "      - Test thread: threads/test.md\n")
    config.write_text(nav, encoding="utf-8")
    (repo_copy / "docs" / "threads" / "test.md").write_text(THREAD, encoding="utf-8")

    regenerated = _run(repo_copy, "sources")
    assert regenerated.returncode == 0, regenerated.stderr
    assert "wrote docs/sources/test-standards.md" in regenerated.stdout  # the card now shows the filled fields
    assert raw.read_bytes() == document.read_bytes()

    final = _run(repo_copy, "check", *CHECKS)
    out, err = baseline.communicate()
    baseline = subprocess.CompletedProcess(baseline.args, baseline.returncode, out, err)
    assert _problem_lines(final) - _problem_lines(baseline) == set(), final.stderr
    assert final.returncode == baseline.returncode
    assert "TODO" not in page.read_text(encoding="utf-8")  # the regenerated card shows the filled-in entry


@pytest.mark.parametrize("case", ["invalid key", "existing key", "not UTF-8", "no title line", "unknown layout"])
def test_add_source_refuses_bad_input_and_adds_nothing(repo_copy, tmp_path, case):
    incoming = tmp_path / "incoming.txt"
    incoming.write_bytes(DOCUMENT.encode("utf-8"))
    key, extra = "test-standards", []
    if case == "invalid key":
        key = "Test_Standards"
        expected = f"{incoming}:1:1: key 'Test_Standards' is not a valid source key: use lower-case letters"
    elif case == "existing key":
        key = "du-alliance"
        text = (repo_copy / "bib" / "sources.bib").read_text(encoding="utf-8")
        line = text[: text.index("@article{du-alliance,")].count("\n") + 1
        expected = f"bib/sources.bib:{line}:1: key 'du-alliance' is already used by an entry here; choose another --key"
    elif case == "not UTF-8":
        incoming.write_bytes("Title\n\n正文第一段。\n".encode("utf-8") + "第二段".encode("gbk") + b"\n")
        expected = f"{incoming}:4:1: not valid UTF-8 (byte 0xb5); convert the file to UTF-8 first"
    elif case == "no title line":
        incoming.write_text("This first paragraph is a sentence, not a title.\nIt runs on.\n\nSecond.\n",
                            encoding="utf-8")
        expected = f"{incoming}:1:1: cannot be read as 'plain': a plain-text source starts with its title alone"
    else:
        extra = ["--layout", "pdf"]
        expected = f"{incoming}:1:1: unknown layout 'pdf'; use one of "
    watched = [repo_copy / "bib", repo_copy / "docs" / "sources", repo_copy / "data" / "sources"]
    before = [_tree(d) for d in watched]
    result = _run(repo_copy, "add-source", str(incoming), "--key", key, *extra)
    assert result.returncode == 1
    assert "Nothing was added." in result.stderr
    assert any(line.startswith(expected) for line in result.stderr.splitlines()), result.stderr
    assert [_tree(d) for d in watched] == before


# --- the normalizer of clean documents ----------------------------------------------------

def test_plain_text_title_headings_paragraphs_and_footnotes():
    doc = clean.normalize(
        "关于标准合作的报告\n\n一、引言\n\n第一行文字\n第二行文字，含注释[^1]。\nEnglish words\ncontinue here.\n\n"
        "（一）背景\n\n另一段。\n\n[^1]: 注释文字，\n续行。\n", "k", "plain")
    assert doc.title == "关于标准合作的报告"
    assert doc.blocks == [
        Heading(2, "一、引言"),
        Paragraph("第一行文字第二行文字，含注释[^1]。 English words continue here."),
        Heading(3, "（一）背景"),
        Paragraph("另一段。"),
    ]
    assert doc.footnotes == {"1": "注释文字，续行。"}


def test_plain_text_sentence_is_not_a_heading():
    doc = clean.normalize("标题\n\n这是一个短句。\n\n另一个短句\n\n最后一段。\n", "k", "plain")
    assert doc.blocks == [Paragraph("这是一个短句。"), Heading(2, "另一个短句"), Paragraph("最后一段。")]


def test_plain_text_footnote_referenced_but_not_defined_is_an_error():
    with pytest.raises(LayoutError, match=r"footnote \[\^2\] is referenced but never defined"):
        clean.normalize("Title\n\nText[^2].\n", "k", "plain")


def test_markdown_headings_list_items_table_and_footnotes():
    doc = clean.normalize(
        "# Title here\n\n## 一、引言\n\nPara with a note[^1].\n\n- item one\n- item two\n\n"
        "### （一）Details\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n[^1]: Note text.\n", "k", "markdown")
    assert doc.title == "Title here"
    assert doc.blocks == [
        Heading(2, "一、引言"),
        Paragraph("Para with a note[^1]."),
        Paragraph("item one"),
        Paragraph("item two"),
        Heading(3, "（一）Details"),
        Table(["A", "B"], [["1", "2"]]),
    ]
    assert doc.footnotes == {"1": "Note text."}


def test_markdown_markup_is_not_kept_as_text():
    doc = clean.normalize("# T\n\nSome *emphasis* and a [link](https://example.org).\n", "k", "markdown")
    assert doc.blocks == [Paragraph("Some emphasis and a link.")]


HTML = """\
<!DOCTYPE html>
<html><head><title>Window title</title><script>var x = 1;</script></head>
<body>
<nav><ul><li><a href="#intro">Intro</a></li><li>Home</li></ul></nav>
<h1>Report title</h1>
<h2 id="intro">Introduction</h2>
<p>Text with a note<sup><a href="#fn1">1</a></sup> and another<a href="#fn2">2</a>.</p>
<p>Second&nbsp;paragraph.</p>
<ol>
  <li id="fn1">First note.</li>
  <li id="fn2">Second note.</li>
</ol>
</body></html>
"""


def test_html_drops_navigation_and_turns_footnote_links_into_references():
    doc = clean.normalize(HTML, "k", "html")
    assert doc.title == "Report title"
    assert doc.blocks == [
        Heading(2, "Introduction"),
        Paragraph("Text with a note[^1] and another[^2]."),
        Paragraph("Second paragraph."),
    ]
    assert doc.footnotes == {"1": "First note.", "2": "Second note."}


def test_html_footnotes_in_a_marked_footnote_section():
    html = HTML.replace("<ol>", '<section class="footnotes"><ol>').replace("</ol>", "</ol></section>")
    doc = clean.normalize(html, "k", "html")
    assert doc.footnotes == {"1": "First note.", "2": "Second note."}
    assert Paragraph("First note.") not in doc.blocks


def test_html_without_a_title_is_an_error():
    with pytest.raises(LayoutError, match="needs a title"):
        clean.normalize("<p>Only a paragraph.</p>", "k", "html")


@pytest.mark.parametrize("text, layout", [
    ("<html><body><p>x</p></body></html>", "html"),
    ("Intro\n\n<p>A paragraph in HTML.</p>\n", "html"),
    ("# Title\n\nText.\n", "markdown"),
    ("Title\n\n## Section\n\nText.\n", "markdown"),
    ("Title\n\n#hashtag is not a heading.\n", "plain"),
    ("标题\n\n一、引言\n\n正文。\n", "plain"),
])
def test_detect_layout(text, layout):
    assert detect_layout(text) == layout
