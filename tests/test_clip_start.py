"""A clip starts at the original's exact start + --from: its wall clock, `--at` an RFC 3339
time and `ls` name the original's frames, not ones --from earlier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from castview.cli import app

ROOT = Path(__file__).parent.parent
# a start with a fraction (10:02:45.1234Z): the clip's start keeps it
ORIGINAL = ROOT / "sample_casts/nHx4Tb1CNTRL/2026-11-20T10:02:45.1234Z.cast"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))

    def invoke(*args: object):
        result = CliRunner().invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        return result.stdout

    return invoke


def field(block: str, name: str) -> str:
    return next(line.split()[2] for line in block.splitlines() if line.startswith(f"# {name} "))


def test_the_clip_wall_clock_is_the_originals(run, tmp_path: Path) -> None:
    part = tmp_path / "part.cast"
    run("clip", ORIGINAL, "--from", "0:10", "--to", "0:18", "-o", part)
    header = json.loads(part.read_text(encoding="utf-8").splitlines()[0])
    assert header["timestamp"] == 1795168975  # 10:02:55, whole seconds
    assert header["castview_clip"]["start"] == "2026-11-20T10:02:55.1234Z"
    clip_time = field(run("export", part, "--at", "0:05", "--provenance"), "time")
    assert clip_time == field(run("export", ORIGINAL, "--at", "0:15", "--provenance"), "time")
    # that time, given back, names the same frame in both
    assert run("export", part, "--at", clip_time) == run("export", ORIGINAL, "--at", clip_time)
    listed = json.loads(run("ls", "--json", part).splitlines()[0])
    assert listed["start"] == "2026-11-20T10:02:55.1234Z"


def test_an_exact_start_that_disagrees_with_the_timestamp_is_not_used(run, tmp_path: Path) -> None:
    part = tmp_path / "part.cast"
    run("clip", ORIGINAL, "--from", "0:10", "-o", part)
    lines = part.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    header["timestamp"] += 60  # edited by hand: the whole seconds win, as with a file name
    part.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    listed = json.loads(run("ls", "--json", part).splitlines()[0])
    assert listed["start"] == "2026-11-20T10:03:55Z"
