"""The PDF edition, built once per test session (and shared between pytest-xdist workers)."""

from __future__ import annotations

import fcntl
import functools
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportsite import pdf


def _shared_dir(tmp_path_factory, worker_id: str) -> Path:
    """A directory all workers of this session see (the PDF takes about a minute to build)."""
    base = tmp_path_factory.getbasetemp()
    return (base if worker_id == "master" else base.parent) / "pdf-edition"


@pytest.fixture(scope="session")
def pdf_path(tmp_path_factory, worker_id, built_site) -> Path:  # worker_id: pytest-xdist's fixture
    """site/downloads/us-eu-ai-report.pdf as `make pdf` makes it, from the session's built site."""
    shared = _shared_dir(tmp_path_factory, worker_id)
    shared.mkdir(parents=True, exist_ok=True)
    out = shared / "us-eu-ai-report.pdf"
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker builds, the others wait and reuse
        if not out.exists():
            problems = pdf.build(out, site_dir=built_site)
            assert problems == [], "\n".join(map(str, problems))
    return out


@pytest.fixture(scope="session")
def reader(pdf_path) -> PdfReader:
    return PdfReader(pdf_path)


def squash(text: str) -> str:
    """Text without whitespace or soft hyphens, for comparisons across line breaks."""
    return re.sub(r"[\s\u00ad]+", "", text)


@pytest.fixture(scope="session")
def page_text(reader):
    """page index -> its text, squashed; extracted on demand (extracting all pages takes half a minute)."""
    return functools.lru_cache(maxsize=None)(lambda index: squash(reader.pages[index].extract_text() or ""))
