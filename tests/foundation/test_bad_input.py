"""Bad input gives `path:line:col: message`, a non-zero exit, and no file changed.

The end-to-end tests break a scratch copy of the repository (the `repo_copy` fixture) and run
`python -m reportsite check --only …` inside it, as `make check` does; the rest are unit tests of the
pieces that turn MkDocs' log and front matter into positions.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reportsite.checks import files, site
from reportsite.cli import first_per_location
from reportsite.problems import Problem


def _snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def _check(repo: Path, *only: str) -> subprocess.CompletedProcess:
    """Run the check in the copy and assert it changed nothing there."""
    before = _snapshot(repo)
    args = [sys.executable, "-m", "reportsite", "check"]
    for name in only:
        args += ["--only", name]
    result = subprocess.run(args, capture_output=True, text=True, cwd=repo)
    assert _snapshot(repo) == before, "the check modified a file"
    return result


def _lines(result: subprocess.CompletedProcess, prefix: str) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith(prefix)]


def test_invalid_utf8_page_gives_line_and_column(repo_copy):
    page = repo_copy / "docs" / "threads" / "bad-bytes.md"
    page.write_bytes(b"# Bad bytes\n\nA sound line.\nab\xff cd\n")
    result = _check(repo_copy, "files")
    assert result.returncode == 1
    (line,) = _lines(result, "docs/threads/bad-bytes.md:")
    assert line.startswith("docs/threads/bad-bytes.md:4:3: not valid UTF-8 (byte 0xff at byte offset 29); "
                           "save the file as UTF-8")
    assert "Other checks not run: fix these first." in result.stderr


def test_gbk_encoded_data_file_is_reported_not_a_traceback(repo_copy):
    path = repo_copy / "data" / "arguments" / "gbk.yaml"
    path.write_bytes("thread: x\ntitle: 标题\n".encode("gbk"))
    result = _check(repo_copy, "files", "citations")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = _lines(result, "data/arguments/gbk.yaml:")
    assert line.startswith("data/arguments/gbk.yaml:2:8: not valid UTF-8 (byte 0xb1")
    assert "check citations" not in result.stderr  # later checks would only fail confusingly


def test_a_bad_byte_after_chinese_text_is_reported_at_the_column_an_editor_shows(repo_copy):
    page = repo_copy / "docs" / "threads" / "bad-after-chinese.md"
    page.write_bytes("# 标题\n\n联盟韧性".encode("utf-8") + b"\xff\n")
    result = _check(repo_copy, "files")
    assert result.returncode == 1
    (line,) = _lines(result, "docs/threads/bad-after-chinese.md:")
    # Four characters (twelve bytes) precede the bad byte on line 3.
    assert line.startswith("docs/threads/bad-after-chinese.md:3:5: not valid UTF-8 (byte 0xff")


def test_malformed_front_matter_points_at_its_line(repo_copy):
    page = repo_copy / "docs" / "threads" / "bad-front-matter.md"
    page.write_text("---\ntitle: [unclosed\n---\n\n# Title\n", encoding="utf-8")
    result = _check(repo_copy, "files")
    assert result.returncode == 1
    (line,) = _lines(result, "docs/threads/bad-front-matter.md:")
    assert line.startswith("docs/threads/bad-front-matter.md:2:")
    assert "front matter is not valid YAML" in line and "quote values with [ ] : or #" in line


def test_front_matter_that_never_ends(repo_copy):
    page = repo_copy / "docs" / "threads" / "open-front-matter.md"
    page.write_text("---\ntitle: Open\n\n# Title\n", encoding="utf-8")
    result = _check(repo_copy, "files")
    assert result.returncode == 1
    (line,) = _lines(result, "docs/threads/open-front-matter.md:")
    assert line.startswith("docs/threads/open-front-matter.md:1:1: front matter starts with --- but never ends; "
                           "close it with a line '---'")


def test_front_matter_problem_unit(tmp_path):
    path = tmp_path / "p.md"
    assert files.front_matter_problem(path, "---\ntitle: Fine\n---\n\nText\n") is None
    assert files.front_matter_problem(path, "No front matter: [x\n") is None
    problem = files.front_matter_problem(path, "---\ntitle: ok\nlang: zh: x\n---\n")
    assert (problem.line, problem.column) == (3, 9) and "not valid YAML" in problem.message
    problem = files.front_matter_problem(path, "---\n- a list\n---\n")
    assert problem.line == 2 and "must be 'key: value' lines" in problem.message


def _append_entry(repo: Path, entry: str) -> int:
    bib = repo / "bib" / "sources.bib"
    text = bib.read_text(encoding="utf-8")
    sep = "" if text.endswith("\n") else "\n"
    bib.write_text(text + sep + "\n" + entry, encoding="utf-8")
    return (text + sep).count("\n") + 2  # the line of the new entry's @


def test_bibliography_entry_without_title(repo_copy):
    line = _append_entry(repo_copy, "@misc{no-title,\n  language = {English},\n}\n")
    result = _check(repo_copy, "citations")
    assert result.returncode == 1
    assert any(p.startswith(f"bib/sources.bib:{line}:1: entry 'no-title' (@misc) lacks required field 'title'; "
                            "add it, or, if the document does not establish it, say why in a field "
                            "`titleunknown = {…}`") for p in _lines(result, "bib/sources.bib:")), result.stderr


def test_placeholder_fields_are_all_reported(repo_copy):
    # Two placeholders in one entry share its position: both must be reported, not just the first.
    line = _append_entry(repo_copy, "@misc{half-done,\n  author = {TODO},\n  title = {A title},\n"
                                    "  language = {English},\n  note = {TODO: say where it comes from},\n}\n")
    result = _check(repo_copy, "citations")
    assert result.returncode == 1
    here = _lines(result, f"bib/sources.bib:{line}:1: ")
    assert any("field 'note' of 'half-done' is still a placeholder (TODO: say where it comes from); fill it in "
               "from the document, or replace it with `noteunknown = {why it is unknown}`" in p for p in here), here
    assert any("field 'author' of 'half-done' is still a placeholder (TODO)" in p for p in here), here


# --- MkDocs log → problems --------------------------------------------------------------

NAV_LOG = """\
INFO    -  Cleaning site directory
INFO    -  Building documentation to directory: /tmp/site
WARNING -  The following pages exist in the docs directory, but are not included in the "nav" configuration:
  - threads/demo.md
  - about/extra.md
INFO    -  Documentation built in 3.21 seconds
"""


def test_pages_missing_from_nav_give_one_problem_each():
    problems = [str(p) for p in site.problems_from_build_log(NAV_LOG)]
    assert problems == [
        "docs/threads/demo.md:1:1: page is not in the site's navigation; add it under `nav:` in mkdocs.yml "
        "(or delete the page)",
        "docs/about/extra.md:1:1: page is not in the site's navigation; add it under `nav:` in mkdocs.yml "
        "(or delete the page)",
    ]


def test_multi_line_error_keeps_its_continuation_lines():
    log = ("INFO    -  Building documentation...\n"
           "ERROR   -  Error reading page 'threads/demo.md':\n"
           "  the table in this page has 3 columns in its header\n"
           "  but 2 in row 4\n"
           "INFO    -  Documentation built in 1.00 seconds\n")
    messages = site.log_messages(log)
    assert messages == [("ERROR", "Error reading page 'threads/demo.md':\n"
                                  "the table in this page has 3 columns in its header\n"
                                  "but 2 in row 4")]
    (problem,) = site.problems_from_build_log(log)
    assert str(problem) == ("docs/threads/demo.md:1:1: Error reading page 'threads/demo.md': the table in this page "
                            "has 3 columns in its header but 2 in row 4")


def test_located_plugin_error_keeps_its_position():
    # What MkDocs prints when the citation plugin refuses a key (the page exists: MkDocs was building it).
    log = ("ERROR   -  Error reading page 'threads/alliance-resilience.md':\n"
           "ERROR   -  docs/threads/alliance-resilience.md:7:12: unknown citation key '@nope'; known keys: "
           "du-alliance (bib/*.bib)\n"
           "Aborted with a BuildError!\n")
    problems = [str(p) for p in site.problems_from_build_log(log)]
    assert problems == [
        "docs/threads/alliance-resilience.md:1:1: Error reading page 'threads/alliance-resilience.md':",
        "docs/threads/alliance-resilience.md:7:12: unknown citation key '@nope'; known keys: du-alliance (bib/*.bib)",
    ]


def test_first_per_location_drops_what_a_later_check_repeats_only():
    a = Problem("bib/sources.bib", 3, 1, "lacks required field 'title'")
    b = Problem("bib/sources.bib", 3, 1, "field 'note' is still a placeholder")
    c = Problem("docs/x.md", 7, 12, "unknown citation key '@nope'")
    c_again = Problem("docs/x.md", 7, 12, "Error: unknown citation key '@nope'; known keys: …")
    d = Problem("docs/x.md", 9, 1, "a broken link")
    assert first_per_location([[a, b, c], [c_again, d]]) == [a, b, c, d]
    assert first_per_location([[c_again], [c]]) == [c_again]
    assert first_per_location([]) == []


# --- front matter offset of the citation plugin's messages ------------------------------------

def test_front_matter_lines_counts_the_front_matter_and_blank_lines_after_it():
    assert files.front_matter_lines("---\ntitle: X\nlang: zh\n---\n\n# Title\n") == 5
    assert files.front_matter_lines("---\ntitle: X\n---\n# Title\n") == 3
    assert files.front_matter_lines("# No front matter\n\n---\n") == 0
    assert files.front_matter_lines("---\ntitle: never closed\n") == 0


def test_plugin_line_plus_front_matter_is_the_line_in_the_file():
    # MkDocs hands the plugin the page without its front matter; adding front_matter_lines gives the file's line.
    text = "---\ntitle: X\n---\n\nIntro.\n\nClaim [@nope, ¶1].\n"
    body = text.split("\n", files.front_matter_lines(text))[-1]
    line_in_body = body.split("\n").index("Claim [@nope, ¶1].") + 1
    assert line_in_body + files.front_matter_lines(text) == text.split("\n").index("Claim [@nope, ¶1].") + 1
