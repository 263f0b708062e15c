"""Shared fixtures: a built site (built once per test session) and a scratch copy of the repo."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from reportsite.checks import site
from reportsite.sources.registry import REPO_ROOT

COPY_IGNORE = shutil.ignore_patterns(".venv", "site", ".git", "__pycache__", ".pytest_cache", "*.egg-info")


WORKFLOW_ENV = {"SITE_REPO_URL": "https://github.com/example-org/example-repo", "SITE_EDIT_URI": "edit/main/docs/"}


def build_site_with(out: Path, env: dict[str, str]) -> Path:
    """A strict build into ``out`` with ``env`` set as the workflows set it; fails the test on any problem."""
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        problems = site.build(out)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert problems == [], "\n".join(map(str, problems))
    return out


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site as `make build` makes it, with the repository URL set as the workflows set it."""
    return build_site_with(tmp_path_factory.mktemp("site"), WORKFLOW_ENV)


@pytest.fixture
def repo_copy(tmp_path) -> Path:
    """A scratch copy of the repository that a test may break freely."""
    dest = tmp_path / "repo"
    shutil.copytree(REPO_ROOT, dest, ignore=COPY_IGNORE)
    return dest
