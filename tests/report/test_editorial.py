"""Editorial checks (reportsite/checks/editorial.py): voice of data entries, and the fact-check record.

One test per failure mode, on data written to tmp_path in the repository's formats; the bibliography
is the real one (read only), so shortnames are the published ones (Du and Li, Zhang et al.).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportsite import bibliography, pages
from reportsite.checks import editorial

ARGUMENTS = """\
thread: x
title: "Argument map: x"
nodes:
  - id: C1
    kind: claim
    label: "A claim"
    voice: du-alliance
    text: "Du and Li argue that the TTC strengthens alliance resilience [@du-alliance, ¶1]."
  - id: R1
    kind: reason
    supports: C1
    label: "A reason"
    voice: [neutral, zhang-roadmap]
    text: "The TTC was launched in June 2021, and Zhang et al. describe the roadmap [@zhang-roadmap, ¶2]."
"""
# C1 at line 4, R1 at line 9

GOVERNANCE = """\
columns:
  - {id: us, heading: "United States"}
rows:
  - label: "Approach"
    cells:
      us: {voice: neutral, text: "The October 2023 executive order [@du-alliance, ¶32]"}
"""
# the cell at line 6

GLOSSARY = """\
terms:
  - term: "Trade and Technology Council"
    zh: "美欧贸易和技术委员会"
    abbr: "TTC"
    voice: [neutral, du-alliance]
    definition: "US–EU forum launched on 15 June 2021 [@zhang-roadmap, ¶2]. Du and Li call it the main mechanism [@du-alliance, ¶21]."
    appears: "[@du-alliance, ¶3]"
"""
# the term at line 2

TIMELINE = """\
events:
  - date: "2021-06-15"
    title: "TTC launched"
    voice: neutral
    outcomes: "Launch announced in Brussels [@zhang-roadmap, ¶2]."
"""
# the event at line 2


@pytest.fixture(scope="module")
def entries():
    return bibliography.load()


def _voice_problems(tmp_path: Path, entries, **replace: tuple[str, str]) -> list[str]:
    """check_voice on a data dir whose files are the ones above, with (old, new) replacements per file."""
    data = tmp_path / "data"
    (data / "arguments").mkdir(parents=True, exist_ok=True)
    files = {"arguments/x.yaml": ARGUMENTS, "governance_models.yaml": GOVERNANCE, "glossary.yaml": GLOSSARY,
             "ttc_timeline.yaml": TIMELINE}
    names = {"arguments": "arguments/x.yaml", "governance": "governance_models.yaml", "glossary": "glossary.yaml",
             "timeline": "ttc_timeline.yaml"}
    for which, (old, new) in replace.items():
        name = names[which]
        assert old in files[name], old
        files[name] = files[name].replace(old, new)
    for name, text in files.items():
        (data / name).write_text(text, encoding="utf-8")
    before = {p: p.read_bytes() for p in data.rglob("*.yaml")}
    problems = [str(p) for p in editorial.check_voice(data, entries)]
    assert {p: p.read_bytes() for p in data.rglob("*.yaml")} == before, "the check modified a data file"
    return problems


def _one(problems: list[str]) -> str:
    assert len(problems) == 1, problems
    return problems[0]


def test_attributed_and_neutral_entries_pass(tmp_path, entries):
    assert _voice_problems(tmp_path, entries) == []


def test_entry_without_voice(tmp_path, entries):
    p = _one(_voice_problems(tmp_path, entries, timeline=("    voice: neutral\n", "")))
    assert p.startswith(f"{tmp_path / 'data' / 'ttc_timeline.yaml'}:2:1: timeline event 'TTC launched': no 'voice'; "
                        "add `voice: <source key>`")
    assert "`voice: neutral`" in p


def test_unknown_voice_key(tmp_path, entries):
    p = _one(_voice_problems(tmp_path, entries, governance=("voice: neutral", "voice: nobody")))
    assert p.startswith(f"{tmp_path / 'data' / 'governance_models.yaml'}:6:1: cell 'Approach' × 'us': voice 'nobody' "
                        "is neither 'neutral' nor a source key (")
    assert "du-alliance" in p and "zhang-roadmap" in p  # lists the keys to choose from


def test_voice_names_a_source_the_text_does_not_name(tmp_path, entries):
    p = _one(_voice_problems(tmp_path, entries, arguments=("Du and Li argue that", "Scholars argue that")))
    assert p.startswith(f"{tmp_path / 'data' / 'arguments' / 'x.yaml'}:4:1: node 'C1': speaks in the voice of "
                        "'du-alliance' but does not name it")
    assert '"Du and Li argue(s) …"' in p


def test_cites_a_source_not_in_its_voice(tmp_path, entries):
    p = _one(_voice_problems(tmp_path, entries, arguments=("resilience [@du-alliance, ¶1]",
                                                           "resilience [@du-alliance, ¶1; @dai-defence, ¶2]")))
    assert p.startswith(f"{tmp_path / 'data' / 'arguments' / 'x.yaml'}:4:1: node 'C1': cites 'dai-defence' but its "
                        "voice does not list it; add 'dai-defence'")


def test_neutral_allows_citing_a_source_for_a_plain_fact(tmp_path, entries):
    # The glossary definition cites zhang-roadmap for a date; with `neutral` in its voice that is fine …
    assert _voice_problems(tmp_path, entries) == []
    # … without it, the citation reads as an unattributed claim of Zhang et al.
    p = _one(_voice_problems(tmp_path, entries, glossary=("voice: [neutral, du-alliance]", "voice: du-alliance")))
    assert p.startswith(f"{tmp_path / 'data' / 'glossary.yaml'}:2:1: glossary entry 'Trade and Technology Council': "
                        "cites 'zhang-roadmap' but its voice does not list it")


def test_voice_check_reports_a_yaml_error_with_its_line(tmp_path, entries):
    p = _one(_voice_problems(tmp_path, entries, governance=('    cells:\n', '    cells: x: y\n')))
    assert p.startswith(f"{tmp_path / 'data' / 'governance_models.yaml'}:5:")
    assert "YAML syntax error" in p


# --- the fact-check record ----------------------------------------------------------------

PAGE = """\
# X

Du and Li argue that the TTC builds resilience [@du-alliance, ¶1].

- Zhang et al. date the launch to June 2021 [@zhang-roadmap, ¶2].
- A framing item. <!-- no-claim: x -->

Uncited framing text. <!-- no-claim: framing -->
"""

RECORD = """\
file: docs/threads/x.md
reviewed: '2026-01-01'
entries:
- claim: Du and Li argue that the TTC builds resilience
  cites: '[@du-alliance, ¶1]'
  verdict: supported
- claim: Zhang et al. date the launch to June 2021
  cites: '[@zhang-roadmap, ¶2]'
  verdict: fixed
  fix: 'The month was wrong; changed from May to June.'
- claim: An earlier sentence that was removed
  cites: '[@du-alliance, ¶2]'
  verdict: removed
  fix: 'Not supported by ¶2; removed.'
"""
# entries at lines 4, 7 and 11


@pytest.fixture
def root(tmp_path) -> Path:
    (tmp_path / "docs" / "threads").mkdir(parents=True)
    (tmp_path / "data" / "audit").mkdir(parents=True)
    (tmp_path / "docs" / "threads" / "x.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "data" / "audit" / "x.yaml").write_text(RECORD, encoding="utf-8")
    return tmp_path


def _audit_problems(root: Path) -> list[str]:
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    problems = [str(p) for p in editorial.check_audit(root)]
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before, "the check modified a file"
    return problems


def test_complete_record_passes(root):
    assert _audit_problems(root) == []


def test_cited_block_without_an_entry(root):
    page = root / "docs" / "threads" / "x.md"
    page.write_text(PAGE + "\nDai and Dai note a further point [@dai-defence, ¶2].\n", encoding="utf-8")
    p = _one(_audit_problems(root))
    assert p.startswith(f"{page}:10:1: cited text “Dai and Dai note a further point [@dai-defence, ¶2].…” has no "
                        "entry in the fact-check record data/audit/x.yaml")
    assert "add an entry (claim, cites, verdict)" in p


def test_stale_excerpt(root):
    page = root / "docs" / "threads" / "x.md"
    page.write_text(PAGE.replace("builds resilience", "strengthens resilience"), encoding="utf-8")
    problems = _audit_problems(root)
    assert len(problems) == 2, problems
    record_problem = next(p for p in problems if p.startswith(str(root / "data" / "audit" / "x.yaml")))
    assert record_problem.startswith(f"{root / 'data' / 'audit' / 'x.yaml'}:4:1: excerpt “Du and Li argue that the TTC "
                                     "builds resilience” is not in docs/threads/x.md (the text changed?)")
    assert "copy the current wording of the sentence, or re-audit it" in record_problem
    # … and the changed sentence is now uncovered, at its own line.
    assert any(p.startswith(f"{page}:3:1: cited text “Du and Li argue that the TTC strengthens") for p in problems)


def test_removed_entry_need_not_be_in_the_page(root):
    assert "An earlier sentence" not in PAGE and _audit_problems(root) == []


def test_cited_file_without_a_record(root):
    other = root / "docs" / "threads" / "y.md"
    other.write_text("Ye and Li name three paths [@ye-governance, ¶1].\n", encoding="utf-8")
    p = _one(_audit_problems(root))
    assert p.startswith(f"{other}:1:1: docs/threads/y.md has citations but no fact-check record; add "
                        "data/audit/y.yaml")


def test_page_without_citations_needs_no_record(root):
    (root / "docs" / "threads" / "z.md").write_text("Framing only. <!-- no-claim: x -->\n", encoding="utf-8")
    assert _audit_problems(root) == []


def test_bad_verdict(root):
    (root / "data" / "audit" / "x.yaml").write_text(RECORD.replace("verdict: fixed", "verdict: ok"), encoding="utf-8")
    p = _one(_audit_problems(root))
    assert p.startswith(f"{root / 'data' / 'audit' / 'x.yaml'}:7:1: verdict must be one of supported, fixed, removed, "
                        "not 'ok'")


def test_fixed_without_fix(root):
    record = RECORD.replace("  fix: 'The month was wrong; changed from May to June.'\n", "")
    (root / "data" / "audit" / "x.yaml").write_text(record, encoding="utf-8")
    p = _one(_audit_problems(root))
    assert p.startswith(f"{root / 'data' / 'audit' / 'x.yaml'}:7:1: a 'fixed' entry says in 'fix' what was wrong and "
                        "what changed")


def test_record_for_a_file_that_does_not_exist(root):
    (root / "data" / "audit" / "x.yaml").write_text(RECORD.replace("file: docs/threads/x.md", "file: docs/threads/gone.md"),
                                                    encoding="utf-8")
    problems = _audit_problems(root)
    assert any(p.startswith(f"{root / 'data' / 'audit' / 'x.yaml'}:1:1: audited file 'docs/threads/gone.md' does not "
                            "exist; fix 'file:'") for p in problems), problems
    assert any(p.startswith(f"{root / 'docs' / 'threads' / 'x.md'}:1:1: docs/threads/x.md has citations but no "
                            "fact-check record") for p in problems), problems


def test_two_records_for_one_file(root):
    (root / "data" / "audit" / "y.yaml").write_text(RECORD, encoding="utf-8")
    p = _one(_audit_problems(root))
    assert p.startswith(f"{root / 'data' / 'audit' / 'y.yaml'}:1:1: 'docs/threads/x.md' is already audited in x.yaml; "
                        "keep one record per file")


# --- the published record -----------------------------------------------------------------

def test_fact_check_record_page_has_a_summary_table_with_counts(root, monkeypatch):
    second = ("file: docs/threads/y.md\nreviewed: '2026-02-02'\nentries:\n"
              "- claim: Ye and Li name three paths\n  cites: '[@ye-governance, ¶1]'\n  verdict: supported\n"
              "- claim: Ye and Li also say\n  cites: '[@ye-governance, ¶2]'\n  verdict: supported\n")
    (root / "data" / "audit" / "y.yaml").write_text(second, encoding="utf-8")
    load = editorial.load_records
    monkeypatch.setattr(editorial, "load_records", lambda: load(root / "data" / "audit"))
    out = pages.fact_check_record("about/fact-check.md")
    lines = out.split("\n")
    header = "| Checked file | Cited sentences | Supported | Fixed | Removed | Reviewed |"
    assert lines[0] == header
    assert "| `docs/threads/x.md` | 3 | 1 | 1 | 1 | 2026-01-01 |" in lines
    assert "| `docs/threads/y.md` | 2 | 2 | 0 | 0 | 2026-02-02 |" in lines
    assert "| **All files** | **5** | **3** | **1** | **1** |  |" in lines
    # Every entry is listed in a collapsible block per file, with the fix where there is one.
    assert '??? note "docs/threads/x.md: 3 cited sentences"' in lines
    assert any("Zhang et al. date the launch to June 2021" in line and "| fixed |" in line
               and "The month was wrong; changed from May to June." in line for line in lines)


def test_fact_check_record_page_without_records(tmp_path, monkeypatch):
    load = editorial.load_records
    monkeypatch.setattr(editorial, "load_records", lambda: load(tmp_path))
    assert pages.fact_check_record("about/fact-check.md") == "*No fact-check record yet.*"
