"""README, Makefile, CI and workflow files agree with each other and are valid."""

import re
import subprocess
import sys

from reportsite.sources.registry import REPO_ROOT


def _readme_setup_commands() -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_has_exactly_two_setup_commands_serve_and_test():
    assert _readme_setup_commands() == ["make serve", "make test"]


def test_ci_runs_exactly_the_readme_test_command():
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [l.strip() for l in ci.splitlines() if l.strip() and not l.lstrip().startswith(("#", "set ", "cd "))]
    assert commands == [_readme_setup_commands()[1]]


def test_make_serve_binds_the_documented_address():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "HOST ?= 127.0.0.1:8000" in makefile
    assert re.search(r"^serve: install\n\t\$\(BIN\)/mkdocs serve --dev-addr \$\(HOST\)", makefile, re.M)


def test_requirements_pin_every_package():
    for name in ["requirements.txt", "requirements-test.txt"]:
        for line in (REPO_ROOT / name).read_text(encoding="utf-8").splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-"):
                assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[\w.]+", line), f"{name}: unpinned '{line}'"
    runtime = (REPO_ROOT / "requirements.txt").read_text(encoding="utf-8")
    for pinned in ["mkdocs==1.6.", "mkdocs-material==9.", "mkdocs-bibtex==4.4.0", "pypandoc-binary==", "jieba==",
                   "pymdown-extensions==", "opencc=="]:
        assert pinned in runtime, pinned


def test_github_workflows_are_valid_and_call_make_targets():
    workflows = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) >= 2
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                             *map(str, workflows)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    texts = {w.name: w.read_text(encoding="utf-8") for w in workflows}
    assert any("pull_request" in t and "make test" in t for t in texts.values())
    assert any("deploy-pages" in t and "make build" in t and "branches: [main]" in t for t in texts.values())


def test_workflow_validator_rejects_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("name: x\non: push\njobs:\n  a:\n    steps: []\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                             str(bad)], capture_output=True, text=True)
    assert result.returncode != 0


def test_deploy_tests_before_publishing_and_sets_the_site_address():
    deploy = (REPO_ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    assert deploy.index("make test") < deploy.index("make build")
    assert "SITE_URL:" in deploy and "configure-pages" in deploy


def test_pull_request_checks_run_once_per_change():
    import yaml

    pr = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "pull-request.yml").read_text(encoding="utf-8"))
    triggers = pr[True] if True in pr else pr["on"]  # PyYAML reads the key `on` as True
    assert set(triggers) == {"pull_request"}
    steps = [s.get("run", "") for s in pr["jobs"]["test"]["steps"]]
    assert sum("make test" in run for run in steps) == 1 and not any("make check" in run for run in steps)
    assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in pr["jobs"]["test"]["steps"])


def test_browser_is_found_by_executable_not_by_package_name():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "dpkg -s" not in makefile
    assert "command -v" in makefile and "REPORTSITE_CHROMIUM" in makefile
