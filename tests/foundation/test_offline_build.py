"""The build needs no network: run it in a fresh network namespace with no interfaces up."""

import shutil
import subprocess
import sys

import pytest

from reportsite.sources.registry import REPO_ROOT

pytestmark = pytest.mark.build


def _can_unshare_network() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_unshare_network(), reason="needs `unshare --net` (root or user namespaces)")
def test_strict_build_succeeds_without_network(tmp_path):
    probe = subprocess.run(["unshare", "--net", sys.executable, "-c",
                            "import socket; socket.create_connection(('1.1.1.1', 80), timeout=2)"],
                           capture_output=True, text=True)
    assert probe.returncode != 0, "the namespace must really have no network"
    result = subprocess.run(["unshare", "--net", sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                             "-d", str(tmp_path / "site")], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "site" / "sources" / "du-alliance" / "index.html").is_file()
