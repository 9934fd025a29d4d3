"""Every command says the same one line for a file it cannot read or write (recording.error_message)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASH = ROOT / "sample_casts" / "nHx4Tb1CNTRL" / "2026-11-20T09:15:02Z.cast"
CASTVIEW = Path(sys.executable).parent / "castview"


def run(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TSRECORDER_DST"}
    env.update({"CASTVIEW_CACHE_DIR": str(cache), "COLUMNS": "200"})
    return subprocess.run([str(CASTVIEW), *args], capture_output=True, text=True, env=env, timeout=120)


# `index` takes SOURCEs (a directory is one): it says what `ls` says (test_index_sources_case.py).
@pytest.mark.parametrize("command", [("info",), ("export", "--at", "1"), ("cat",), ("follow",)])
@pytest.mark.parametrize("missing, reason", [("missing.cast", "No such file or directory"), (".", "Is a directory")])
def test_a_recording_that_cannot_be_read(tmp_path, command, missing, reason):
    target = tmp_path / missing
    result = run(command[0], str(target), *command[1:], cache=tmp_path / "cache")
    assert result.returncode == 1
    assert result.stderr.strip() == f"castview: {target}: cannot read ({reason})"


def test_an_output_that_cannot_be_written(tmp_path):
    out = tmp_path / "no-such-dir" / "out.txt"
    for command in (("export", str(BASH), "--at", "end"), ("cat", str(BASH))):
        result = run(*command, "-o", str(out), cache=tmp_path / "cache")
        assert result.returncode == 1
        assert result.stderr.endswith(f"castview: {out}: cannot write (No such file or directory)\n")
