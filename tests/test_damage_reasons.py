"""A full read marks damaged only what is damaged, and says why.

tsrecorder writes width and height 0 for a session without a PTY (FORMATS.md): a normal
non-interactive session, not a problem, so `grep`/`index` must not mark it damaged. A
recording a full read did mark damaged has its first problem as the listing's `error`."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from castview.cast.model import Problem
from castview.cast.reader import read_head
from castview.problem_store import FOLDER, ProblemStore
from castview.recording import cache_key
from castview.sources.catalog import build_catalog
from castview.sources.local import LocalSource
from castview.term.fingerprint import Fingerprint
from test_ui_helpers import SAMPLES

CASTVIEW = Path(sys.executable).parent / "castview"
NO_PTY = "nBq9Zs5CNTRL/2026-11-21T02:00:00.48Z.cast"  # make over ssh: header 0x0
GARBAGE = "nDAMAGECNTRL/2026-11-22T08:30:00.02Z.cast"  # a non-JSON line 102


def cli(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSRECORDER_")}
    env.update({"CASTVIEW_CACHE_DIR": str(cache), "COLUMNS": "200"})
    done = subprocess.run([str(CASTVIEW), *args], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode in (0, 1), done.stderr  # grep exits 1 when nothing matches
    return done


def listed(cache: Path) -> dict[str, dict]:
    done = cli("ls", str(SAMPLES), "--json", cache=cache)
    return {f"{r['node_id']}/{r['name']}": r for r in map(json.loads, done.stdout.splitlines())}


def head_problems(header: dict) -> list[str]:
    return [p.message for p in read_head(io.BytesIO(json.dumps(header).encode() + b"\n"), "x.cast").problems]


@pytest.mark.parametrize("header", [
    {"version": 2, "width": 0, "height": 0},
    {"version": 3, "term": {"cols": 0, "rows": 0}},
])
def test_a_session_without_a_pty_has_no_problem(header):
    assert head_problems(header) == []


@pytest.mark.parametrize("header", [
    {"version": 2, "width": -5, "height": 10},
    {"version": 2, "width": 0, "height": 24},
    {"version": 2, "width": 100000, "height": 40},
    {"version": 3, "term": {"cols": 0, "rows": -1}},
])
def test_a_size_that_cannot_be_replayed_is_still_a_problem(header):
    (problem,) = head_problems(header)
    assert "is unusable; replaying at 80x24" in problem


@pytest.mark.parametrize("finder", [["grep", "sudo"], ["index"]])
def test_a_full_read_marks_only_the_damaged_sample_damaged(tmp_path, finder):
    cache = tmp_path / "cache"
    cli(*finder, str(SAMPLES), cache=cache)
    records = listed(cache)
    assert records[NO_PTY]["status"] == "ok" and records[NO_PTY]["error"] is None
    assert {key for key, r in records.items() if r["status"] == "damaged"} == {GARBAGE}
    error = records[GARBAGE]["error"]
    assert error.startswith("line 102: not an event") and "\n" not in error


def test_the_reason_is_the_first_problem_made_printable(tmp_path, monkeypatch):
    folder = tmp_path / "recs"
    folder.mkdir()
    target = folder / "a.cast"
    target.write_bytes((SAMPLES / NO_PTY).read_bytes())
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))
    st = target.stat()
    ProblemStore(tmp_path / "cache").record(cache_key(str(target)), Fingerprint(st.st_size, st.st_mtime), [
        Problem(7, "not an event: '\x1b]52;c;aGk=\x07'"), Problem(9, "second")])
    (rec,) = build_catalog([LocalSource(str(folder))]).recordings
    assert rec.status == "damaged" and rec.error == "line 7: not an event: '\\x1b]52;c;aGk=\\x07'"


def test_what_an_older_reader_recorded_marks_nothing(tmp_path, monkeypatch):
    """Caches written before 0x0 stopped being a problem do not keep the mark."""
    target = tmp_path / "recs" / "a.cast"
    target.parent.mkdir()
    target.write_bytes((SAMPLES / NO_PTY).read_bytes())
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))
    st = target.stat()
    ProblemStore(tmp_path / "cache").record(cache_key(str(target)), Fingerprint(st.st_size, st.st_mtime),
                                            [Problem(1, "header size 0x0 is unusable; replaying at 80x24")])
    (entry,) = (tmp_path / "cache" / FOLDER).iterdir()
    entry.write_text(json.dumps({**json.loads(entry.read_text()), "format": 1}))
    (rec,) = build_catalog([LocalSource(str(target.parent))]).recordings
    assert rec.status == "ok" and rec.error is None
