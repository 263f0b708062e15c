"""Data files → pages and figures: structure errors point at their line; figures are static, accessible SVG."""

import textwrap
import xml.etree.ElementTree as ET

import pytest

from reportsite import figures, pages, report_data
from reportsite.citations import check

SVG = "{http://www.w3.org/2000/svg}"

ARGMAP = textwrap.dedent("""\
    thread: demo
    title: "Argument map: demo"
    nodes:
      - id: C1
        kind: claim
        label: "合作增强联盟韧性 — cooperation builds resilience"
        text: "Du and Li argue so [@du-alliance, ¶1]"
      - id: R1
        kind: reason
        supports: C1
        label: "Three effects"
        text: "They name three effects [@du-alliance, ¶5]"
      - id: E1
        kind: evidence
        supports: R1
        label: "Definition of the effects"
        text: "The definition [@du-alliance, ¶6]"
    """)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_argument_map_svg_is_valid_accessible_and_links_evidence(tmp_path):
    argmap = report_data.load_argument_map(_write(tmp_path, "arguments/demo.yaml", ARGMAP))
    svg = figures.argument_map_svg(argmap, lambda key, n: f"../../sources/{key}/#p-{n}")
    root = ET.fromstring(svg)
    assert root.get("role") == "group" and root.find(f"{SVG}title").text == "Argument map: demo"
    assert root.get("aria-labelledby") == root.find(f"{SVG}title").get("id")
    assert root.find(f"{SVG}desc") is not None
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "合作增强联盟韧性" in texts and "Three effects" in texts
    links = [a.get("{http://www.w3.org/1999/xlink}href") for a in root.iter(f"{SVG}a")]
    assert all(a.get("href") is None for a in root.iter(f"{SVG}a"))  # Material's instant navigation throws on href
    assert links == ["../../sources/du-alliance/#p-6"]
    assert "<script" not in svg and "fill=\"#" not in svg  # colours come from the theme's CSS


def test_argument_map_text_version_keeps_citations():
    argmap = report_data.ArgumentMap("demo", "t", [], None)
    node = report_data.ArgumentNode("C1", "claim", "L", "Text [@du-alliance, ¶1]", None, 1)
    node.children.append(report_data.ArgumentNode("R1", "reason", "R", "Reason [@du-alliance, ¶2]", "C1", 2))
    argmap.claims.append(node)
    text = figures.argument_map_text(argmap)
    assert "- **Claim C1 — L.** Text [@du-alliance, ¶1]" in text
    assert "        - **Reason R1 — R.** Reason [@du-alliance, ¶2]" in text


def test_argument_map_structure_errors_point_at_their_line(tmp_path):
    bad = ARGMAP.replace("supports: R1", "supports: C1")
    with pytest.raises(report_data.DataError) as info:
        report_data.load_argument_map(_write(tmp_path, "arguments/demo.yaml", bad))
    assert info.value.line == 13 and "must name the reason it supports" in info.value.message


def test_uncited_and_multi_cited_evidence_are_reported(tmp_path):
    data = tmp_path / "data"
    text = ARGMAP.replace('"They name three effects [@du-alliance, ¶5]"', '"No citation here"')
    text = text.replace('"The definition [@du-alliance, ¶6]"', '"Two [@du-alliance, ¶6–7]"')
    path = _write(data, "arguments/demo.yaml", text)
    problems = [str(p) for p in check.check_data_structure(path, data)]
    assert any(":8:1: uncited reason 'R1'" in p for p in problems)
    assert any(":13:1: evidence 'E1' must cite exactly one source paragraph" in p for p in problems)


def test_wrapping_measures_chinese_as_wide():
    assert figures.text_width("人工智能") > figures.text_width("abcd") * 1.5
    lines = figures.wrap("美欧人工智能合作增强联盟韧性并协调对华政策", 100)
    assert len(lines) > 1 and "".join(lines) == "美欧人工智能合作增强联盟韧性并协调对华政策"


def test_timeline_svg_places_every_event(tmp_path):
    path = _write(tmp_path, "t.yaml", textwrap.dedent("""\
        events:
          - {date: "2021-09-29", kind: meeting, place: Pittsburgh, title: First meeting, outcomes: "x [@zhang-roadmap, ¶2]"}
          - {date: "2022-12", kind: milestone, title: Joint roadmap, outcomes: "y [@zhang-roadmap, ¶1]"}
        """))
    events = report_data.load_timeline(path)
    root = ET.fromstring(figures.timeline_svg(events, "TTC"))
    assert len(list(root.iter(f"{SVG}circle"))) == 1
    labels = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "First meeting" in labels and "Joint roadmap" in labels and "2021" in labels and "2022" in labels


def test_grid_needs_every_cell_and_valid_stances(tmp_path):
    path = _write(tmp_path, "agreement_matrix.yaml", textwrap.dedent("""\
        columns: [{id: a, heading: A}, {id: b, heading: B}]
        rows:
          - label: Claim
            cells:
              a: {stance: supports, text: "x [@du-alliance, ¶1]"}
              b: {stance: maybe}
        """))
    with pytest.raises(report_data.DataError) as info:
        report_data.load_grid(path, stance=True)
    assert info.value.line == 6 and "stance must be one of" in info.value.message


def test_placeholders_are_filled_and_unknown_argument_map_is_an_error():
    md = pages.fill_placeholders("# T\n\n<!-- sources-table -->\n", "index.md")
    assert "[`du-alliance`](sources/du-alliance.md)" in md
    with pytest.raises(report_data.DataError) as info:
        pages.fill_placeholders("<!-- argument-map: no-such-thread -->", "threads/x.md")
    assert "no-such-thread" in info.value.message


def test_paragraph_urls_are_relative_to_the_page():
    assert pages.paragraph_url("threads/roadmap-goals.md", "zhang-roadmap", 13) == "../../sources/zhang-roadmap/#p-13"
    assert pages.paragraph_url("index.md", "zhang-roadmap", 1) == "sources/zhang-roadmap/#p-1"
    assert pages.paragraph_url("synthesis/index.md", "du-alliance", 2) == "../sources/du-alliance/#p-2"
