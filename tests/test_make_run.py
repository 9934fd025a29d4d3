"""`make run` on a fresh clone says what it is doing while pip works, and the README tells
how to run castview on one's own recordings (issue 12, item 10)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_first_install_says_so_before_pip_starts(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # -n prints the recipe without running it; a venv that does not exist makes it due.
    done = subprocess.run(["make", "-n", "-C", str(ROOT), f"VENV={tmp_path / 'venv'}", "install"],
                          capture_output=True, text=True, check=True)
    lines = [line for line in done.stdout.splitlines() if line.strip() and not line.startswith("make")]
    assert lines[0].startswith("echo") and "first run takes a minute" in lines[0]
    pips = [line for line in lines if " install " in line and "/pip" in line]
    assert pips and all("--quiet" not in line and "-q " not in line for line in pips)


def test_the_readme_shows_own_recordings_json_lines_and_serving():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"make run ARGS=\S+", readme)
    ls_row = next(line for line in readme.splitlines() if line.startswith("| `castview ls"))
    assert "JSON Lines" in ls_row
    assert "castview serve" in readme
