"""`castview grep` prints one row per matching line, however often the line holds the pattern."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CASTVIEW = Path(sys.executable).parent / "castview"


def _cast(path: Path) -> Path:
    header = {"version": 2, "width": 80, "height": 24, "timestamp": 1763629000}
    events = [[0.5, "o", "word word word word\r\n"], [1.0, "o", "no match here\r\n"]]
    path.write_text("\n".join(json.dumps(x) for x in [header, *events]) + "\n")
    return path


def _grep(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("TSRECORDER_DST", "TSRECORDER_BUCKET")}
    env.update({"CASTVIEW_CACHE_DIR": str(cache), "COLUMNS": "200", "TZ": "UTC"})
    return subprocess.run([str(CASTVIEW), "grep", *args], capture_output=True, text=True, env=env, timeout=120)


def test_plain_grep_prints_a_line_once_json_every_occurrence(tmp_path):
    cast = _cast(tmp_path / "words.cast")
    plain = _grep("word", str(cast), cache=tmp_path / "cache")
    assert plain.returncode == 0, plain.stderr
    rows = plain.stdout.splitlines()
    assert len(rows) == 1 and rows[0].endswith("word word word word"), rows
    assert "4 matches" in plain.stderr
    as_json = _grep("word", str(cast), "--json", cache=tmp_path / "cache")
    records = [json.loads(x) for x in as_json.stdout.splitlines()]
    assert [(r["col_start"], r["col_end"]) for r in records] == [(0, 4), (5, 9), (10, 14), (15, 19)]
