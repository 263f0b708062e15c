"""The PDF edition (issue 12): contents, fonts, links into the appendix, reproducibility, clear errors."""

from __future__ import annotations

import builtins
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf.generic import IndirectObject

from reportsite import cli, pdf
from reportsite.sources.registry import REPO_ROOT

from .conftest import squash

pytestmark = pytest.mark.build
PARTS = pdf.chapters()
SOURCES = [ch.url.strip("/").split("/")[-1] for ch in PARTS["source"]]
SENTENCE = re.compile(r"[^。！？]*[。！？]")
CJK_ONLY = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’—…]+$")


def _outline_titles(outline, depth=0):
    for item in outline:
        if isinstance(item, list):
            yield from _outline_titles(item, depth + 1)
        else:
            yield depth, item.title


def _h1(chapter: pdf.Chapter) -> str:
    md = REPO_ROOT / "docs" / (chapter.url.rstrip("/") + ".md")
    return next(line[2:].strip() for line in md.read_text(encoding="utf-8").splitlines() if line.startswith("# "))


def _paragraphs(key: str) -> dict[int, str]:
    data = json.loads((REPO_ROOT / "data" / "sources" / f"{key}.json").read_text(encoding="utf-8"))
    return {p["n"]: p["text"] for p in data["paragraphs"]}


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def test_the_reading_order_comes_from_the_nav():
    assert [len(PARTS[k]) for k in ("intro", "thread", "synthesis", "references", "source")] == [1, 4, 4, 1, 5]
    assert SOURCES == ["du-alliance", "zhang-roadmap", "dai-defence", "ye-governance", "rmlt-proposals"]


def test_outline_lists_every_thread_synthesis_page_and_source(reader):
    outline = list(_outline_titles(reader.outline))
    for part in ("Introduction", "Threads", "Synthesis", "References", "Appendix: the sources"):
        assert (0, part) in outline, f"no top-level bookmark '{part}'"
    for chapter in PARTS["thread"] + PARTS["synthesis"]:
        assert (1, _h1(chapter)) in outline, f"no bookmark for {chapter.url} under its part"
    for chapter in PARTS["source"]:
        assert (1, chapter.title) in outline, f"no bookmark for source {chapter.url}"
    top = [title for depth, title in outline if depth == 0]
    assert top == ["Contents", "Introduction", "Threads", "Synthesis", "References", "Appendix: the sources"]


def test_metadata_and_tags(reader):
    meta = reader.metadata
    assert meta.title == "US–EU AI Cooperation and Global AI Governance"
    assert meta.author and meta.subject and meta.get("/Keywords")
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"], "not a tagged PDF"


def test_fonts_are_embedded_and_one_covers_chinese(reader):
    fonts = {}
    for page in reader.pages:
        for font in (_resolve(page["/Resources"]).get("/Font") or {}).values():
            font = _resolve(font)
            fonts[font["/BaseFont"]] = font
    assert fonts
    cjk = False
    for name, font in fonts.items():
        descendant = _resolve(font["/DescendantFonts"][0]) if "/DescendantFonts" in font else font
        descriptor = _resolve(descendant["/FontDescriptor"])
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), f"font {name} is not embedded"
        if "CJK" in name and "/ToUnicode" in font:
            cmap = _resolve(font["/ToUnicode"]).get_data().decode("latin-1")
            targets = [int(m, 16) for m in re.findall(r"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]{4})>", cmap)]
            cjk = cjk or sum(0x4E00 <= t <= 0x9FFF for t in targets) > 500
    assert cjk, "no embedded font maps hundreds of Chinese characters"


def _dest_page(reader, name: str) -> int:
    return reader.get_destination_page_number(reader.named_destinations[name])


def test_text_holds_each_thread_title_and_a_chinese_sentence_of_each_source(reader, page_text):
    for chapter in PARTS["thread"]:
        first = _dest_page(reader, chapter.slug)
        assert squash(_h1(chapter)) in page_text(first), f"thread title of {chapter.url} missing"
    for key in SOURCES:
        sentences = [(n, s) for n, para in _paragraphs(key).items() for s in SENTENCE.findall(para)
                     if len(s) >= 15 and CJK_ONLY.match(s)]
        assert sentences, key
        n, sentence = sentences[len(sentences) // 2]
        page = _dest_page(reader, f"sources-{key}--p-{n}")
        text = page_text(page) + page_text(page + 1)  # a sentence may run on to the next page
        assert squash(sentence) in text, f"{key}: '{sentence}' (¶{n}) not in the PDF's text"


def _links(reader):
    """(page index, destination name) of every internal link annotation."""
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = _resolve(annot)
            if annot.get("/Subtype") != "/Link":
                continue
            action = _resolve(annot.get("/A")) if "/A" in annot else None
            if action is not None and action.get("/S") == "/URI":
                continue
            dest = annot.get("/Dest") if "/Dest" in annot else action.get("/D") if action else None
            yield index, _resolve(dest)


def test_every_internal_link_resolves_to_a_destination(reader):
    names = reader.named_destinations
    links = list(_links(reader))
    assert len(links) > 1000, "citations should be links"
    for index, dest in links:
        if isinstance(dest, str):
            assert dest in names, f"page {index + 1}: link to missing destination '{dest}'"
        else:
            assert dest is not None and len(dest) >= 2, f"page {index + 1}: link without a destination"


def test_paragraph_citations_land_on_the_page_that_holds_the_paragraph(reader, page_text):
    names = reader.named_destinations
    appendix_start = min(reader.get_destination_page_number(names[f"sources-{key}"]) for key in SOURCES)
    paragraphs = {key: _paragraphs(key) for key in SOURCES}
    cited = sorted({dest for index, dest in _links(reader) if index < appendix_start and isinstance(dest, str)
                    and re.fullmatch(r"sources-[a-z-]+--p-\d+", dest)})
    assert len(cited) > 100
    for dest in cited[:: max(1, len(cited) // 40)]:
        key, n = re.fullmatch(r"sources-([a-z-]+)--p-(\d+)", dest).groups()
        opening = squash(re.sub(r"〔…〕|⟦gap⟧", "", paragraphs[key][int(n)]))[:12]
        page = reader.get_destination_page_number(names[dest])
        assert page >= appendix_start
        assert opening in page_text(page), f"{dest}: page {page + 1} does not hold the opening of ¶{n} ('{opening}')"


def test_the_site_links_to_the_pdf(built_site):
    html = (built_site / "threads" / "alliance-resilience" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../downloads/us-eu-ai-report.pdf"' in html
    assert 'href="./downloads/us-eu-ai-report.pdf"' in (built_site / "index.html").read_text(encoding="utf-8")


def test_two_builds_are_byte_identical_and_need_no_network(tmp_path, request):
    """A second, independent `reportsite pdf` (its own site build) gives the same bytes; where the kernel
    allows it, that build runs in a network namespace with no network, so it also proves the PDF needs none."""
    from tests.foundation.test_offline_build import PREFIX

    second = tmp_path / "again.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_REPO_URL", "SITE_EDIT_URI")}
    result = subprocess.run([*(PREFIX or []), sys.executable, "-m", "reportsite", "pdf", "--output", str(second)],
                            cwd=REPO_ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    first = request.getfixturevalue("pdf_path")
    assert first.read_bytes() == second.read_bytes(), "two builds of the same commit differ"


# --- Bad input: one clear error, no traceback --------------------------------------

def _run_cli(capsys, tmp_path) -> tuple[int, str]:
    status = cli.main(["pdf", "--output", str(tmp_path / "x.pdf"), "--site-dir", str(tmp_path)])
    err = capsys.readouterr().err
    return status, err


def test_missing_engine_names_what_to_install(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed
    status, err = _run_cli(capsys, tmp_path)
    assert status == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "WeasyPrint is not installed" in err and "make install" in err


def test_missing_pango_names_the_debian_package(monkeypatch, capsys, tmp_path):
    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")
        return real_import(name, *args, **kwargs)
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_pango)
    status, err = _run_cli(capsys, tmp_path)
    assert status == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "sudo apt-get install libpango-1.0-0" in err


def test_missing_cjk_font_names_the_debian_package(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no fc-list: no font found
    assert pdf.cjk_fonts() == []
    status, err = _run_cli(capsys, tmp_path)
    assert status == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "sudo apt-get install fonts-noto-cjk" in err
