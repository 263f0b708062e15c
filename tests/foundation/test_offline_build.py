"""The build needs no network: run it in a fresh network namespace with no interfaces up."""

import shutil
import subprocess
import sys

import pytest

from reportsite.sources.registry import REPO_ROOT

pytestmark = pytest.mark.build


def _no_network_prefix() -> tuple[list[str] | None, str]:
    """The command prefix that runs a program without network: as root a plain network namespace; as
    any other user (every GitHub runner) a user namespace with its own network namespace."""
    if not shutil.which("unshare"):
        return None, "the `unshare` command (util-linux) is not installed"
    for prefix in (["unshare", "--net"], ["unshare", "--user", "--map-root-user", "--net"]):
        if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix, ""
    return None, ("this kernel allows neither `unshare --net` nor `unshare --user --net` for this user "
                  "(unprivileged user namespaces are disabled, e.g. kernel.unprivileged_userns_clone=0)")


PREFIX, WHY_NOT = _no_network_prefix()


@pytest.mark.skipif(PREFIX is None, reason=WHY_NOT)
def test_strict_build_succeeds_without_network(tmp_path):
    probe = subprocess.run([*PREFIX, sys.executable, "-c",
                            "import socket; socket.create_connection(('1.1.1.1', 80), timeout=2)"],
                           capture_output=True, text=True)
    assert probe.returncode != 0, "the namespace must really have no network"
    result = subprocess.run([*PREFIX, sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                             "-d", str(tmp_path / "site")], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "site" / "sources" / "du-alliance" / "index.html").is_file()
