"""`castview ls` fits its lines to the width asked for (ux80 #18: at COLUMNS=80 an unreadable
file's path filled the COMMAND column and `⚠ damaged` came after it, past column 80): cells
are cut with …, the status and review marks stay whole; `--json` and a pipe without COLUMNS
are unchanged."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_casts"
CASTVIEW = Path(sys.executable).parent / "castview"


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """The samples, an empty recording deep in a long path, and a review with a verdict."""
    base = tmp_path_factory.mktemp("ls-width")
    root = base / "recordings-kept-for-the-audit-of-the-fleet" / "tree"
    shutil.copytree(SAMPLES, root)
    empty = root / "nEmptyCNTRL" / "2026-01-01T00:00:00Z.cast"
    empty.parent.mkdir()
    empty.write_bytes(b"")
    os.utime(empty, (1767225600, 1767225600))  # old: damaged, not live
    env = {**os.environ, "CASTVIEW_CACHE_DIR": str(base / "cache"), "CASTVIEW_DATA_DIR": str(base / "data"),
           "CASTVIEW_CONFIG_DIR": str(base / "config"), "TZ": "UTC"}
    env.pop("COLUMNS", None)
    reviewed = sorted(root.glob("nHx4Tb1CNTRL/*.cast"))[0]
    done = subprocess.run([str(CASTVIEW), "review", str(reviewed), "--verdict", "incident"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return root, env


def ls(tree, *args: str, columns: str | None = None) -> str:
    root, env = tree
    env = dict(env) if columns is None else {**env, "COLUMNS": columns}
    done = subprocess.run([str(CASTVIEW), "ls", str(root), *args], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("args", [(), ("--by", "user"), ("--by", "connection"), ("--by", "time"), ("--paths",)])
def test_every_line_fits_80_columns(tree, args):
    text = ls(tree, *args, columns="80")
    wide = [line for line in text.splitlines() if cell_len(line) > 80]
    assert not wide
    assert "⚠ damaged" in text and "! incident" in text  # the marks kept whole


def test_json_and_a_pipe_without_columns_keep_whole_cells(tree):
    assert ls(tree, "--json", columns="80") == ls(tree, "--json")
    assert max(cell_len(line) for line in ls(tree).splitlines()) > 80  # each column up to its own width


def test_paths_are_cut_at_their_start_and_sizes_kept_whole(tree):
    """Was: every path cut at its end (`/tmp/…/recordings-kept-fo…`: all alike) and sizes
    cut mid-value (`10.5 …`)."""
    lines = [line for line in ls(tree, "--by", "time", "--paths", columns="80").splitlines()[2:] if line]
    assert lines and all(".cast" in line for line in lines), lines
    assert not any(" …  " in line.split(".cast", 1)[1][:16] for line in lines), lines
    names = {line.split(".cast", 1)[0].rsplit("…", 1)[-1][-8:] for line in lines}
    assert len(names) == len(lines)  # what is left of each path tells them apart
