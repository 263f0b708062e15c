"""`make sources`: reproducible, committed, all-or-nothing, and it never touches raw files."""

import hashlib
import shutil

import pytest

from reportsite.cli import check_sources
from reportsite.sources import pipeline
from reportsite.sources.model import Document, Heading, Paragraph, Table, gap, page_mark
from reportsite.sources.registry import RAW_DIR, SOURCES, SourceSpec
from reportsite.sources.render import paragraph_index, render_page
from reportsite import bibliography


@pytest.fixture(scope="module")
def generated():
    return pipeline.generate_all()


def test_generation_is_deterministic(generated):
    assert pipeline.generate_all() == generated


def test_committed_reader_pages_are_what_the_generator_writes(generated):
    # The snapshot test: every committed reader page and index equals a fresh generation.
    assert pipeline.stale_outputs(generated) == []
    assert {p.name for p in generated} == {f"{k}.md" for k in SOURCES} | {f"{k}.json" for k in SOURCES}


def test_hand_edit_of_a_reader_page_is_caught(generated, tmp_path):
    path = next(p for p in generated if p.suffix == ".md")
    edited = dict(generated)
    original = generated[path]
    lines = original.splitlines()
    target = next(i for i, line in enumerate(lines) if 'id="p-3"' in line) + 2
    tampered = {path: original.replace(lines[target], lines[target] + "（手改）")}
    fake = tmp_path / path.name
    fake.write_text(tampered[path], encoding="utf-8")
    problems = pipeline.stale_outputs({fake: original})
    assert len(problems) == 1
    assert problems[0].line == target + 1
    assert "make sources" in problems[0].message


def test_check_sources_reports_nothing_on_the_committed_tree():
    assert check_sources() == []


def test_raw_files_are_never_written(generated):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in RAW_DIR.iterdir()}
    pipeline.generate_all()
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in RAW_DIR.iterdir()}
    assert before == after


@pytest.mark.parametrize("content, expected", [
    (b"", "is empty"),
    (b"   \n\n", "is empty"),
    ("正文".encode("gbk"), "not valid UTF-8"),
])
def test_bad_raw_input_gives_a_clear_error_naming_the_file(tmp_path, content, expected):
    spec = next(iter(SOURCES.values()))
    (tmp_path / spec.raw_name).write_bytes(content)
    with pytest.raises(pipeline.SourceError) as info:
        pipeline.outputs_for(spec, bibliography.load(), raw_dir=tmp_path)
    assert spec.raw_name in info.value.problem.path and expected in info.value.problem.message


@pytest.mark.parametrize("key", list(SOURCES))
def test_unknown_layout_is_a_clear_error(tmp_path, key):
    spec = SOURCES[key]
    (tmp_path / spec.raw_name).write_text("这不是任何已知版式的文本。\n" * 3, encoding="utf-8")
    with pytest.raises(pipeline.SourceError) as info:
        pipeline.outputs_for(spec, bibliography.load(), raw_dir=tmp_path)
    assert spec.raw_name in info.value.problem.path and "does not have the layout" in info.value.problem.message


def test_failure_writes_nothing(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    last = list(SOURCES.values())[-1]
    (raw / last.raw_name).write_bytes(b"")
    written = []
    monkeypatch.setattr(pipeline, "write_atomically", lambda path, content: written.append(path))
    with pytest.raises(pipeline.SourceError):
        pipeline.generate_all(raw_dir=raw)
    assert written == []


# --- rendering rules, on a small Document ------------------------------------------

def _doc():
    return Document(
        key="demo", title="示例",
        blocks=[
            Heading(2, "一、引言"),
            Paragraph("第一段[^1]，含*星号*与<b>标签</b>。"),
            Paragraph(f"第二段{page_mark(12)}跨页，缺字{gap()}处。"),
            Heading(3, "（一）表格"),
            Table(["", "短期"], [["目标", "术语"]]),
        ],
        footnotes={"1": "脚注原文。"},
    )


def test_paragraphs_and_tables_are_numbered_with_anchors_and_pages():
    index = paragraph_index(_doc())
    assert [p["n"] for p in index["paragraphs"]] == [1, 2, 3]
    assert index["paragraphs"][1]["pages"] == [12]
    assert index["paragraphs"][1]["text"] == "第二段跨页，缺字…处。"
    assert index["paragraphs"][2]["section"] == ["一、引言", "（一）表格"]


def test_rendered_page_escapes_source_text_and_marks_gaps_pages_and_footnotes():
    entry = bibliography.Entry("demo", "article", {"title": "示例", "journal": "刊"}, ["作者"], RAW_DIR, 1)
    page = render_page(_doc(), entry, "x.txt", "0" * 64)
    assert 'id="p-1"' in page and 'id="p-2"' in page and 'id="p-3"' in page
    assert r"\*星号\*" in page and r"\<b\>标签\</b\>" in page
    assert 'id="page-12"' in page and 'class="src-gap"' in page
    assert "[^demo-1]" in page and "[^demo-1]: 脚注原文。" in page
    assert "How this text was prepared" in page
