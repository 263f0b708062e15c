import shutil

from reportsite.checks import raw_sources
from reportsite.sources.registry import RAW_DIR, SOURCES


def test_committed_raw_sources_match_their_manifest():
    assert raw_sources.check() == []


def test_every_registered_source_has_a_raw_file_in_the_manifest():
    manifest = (RAW_DIR / "SHA256SUMS").read_text(encoding="utf-8")
    for spec in SOURCES.values():
        assert spec.raw_name in manifest


def _copy(tmp_path):
    dest = tmp_path / "raw"
    shutil.copytree(RAW_DIR, dest)
    return dest


def test_changed_raw_file_is_reported_with_its_path(tmp_path):
    raw = _copy(tmp_path)
    name = next(iter(SOURCES.values())).raw_name
    with open(raw / name, "ab") as handle:
        handle.write(b"x")
    problems = raw_sources.check(raw)
    assert len(problems) == 1
    assert problems[0].path.endswith(name)
    assert "has changed" in problems[0].message and "git checkout" in problems[0].message


def test_missing_raw_file_is_reported(tmp_path):
    raw = _copy(tmp_path)
    name = list(SOURCES.values())[2].raw_name
    (raw / name).unlink()
    problems = raw_sources.check(raw)
    assert [p.path.endswith(name) for p in problems] == [True]
    assert "missing" in problems[0].message


def test_unlisted_file_and_malformed_manifest_line_are_reported(tmp_path):
    raw = _copy(tmp_path)
    (raw / "005_new.txt").write_text("新来源", encoding="utf-8")
    with open(raw / "SHA256SUMS", "a", encoding="utf-8") as handle:
        handle.write("\nnot a checksum line\n")
    messages = [str(p) for p in raw_sources.check(raw)]
    assert any("005_new.txt:1:1: file is not listed" in m for m in messages)
    assert any("SHA256SUMS:7:1: malformed line" in m for m in messages)
