"""One JSON record for a recording and one for a line or match, the same in every command
(`castview.records`), and every field documented in README.md."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from castview.cast.model import Header
from castview.recording import Recording
from castview.records import SESSION_KEYS, line_record, match_record, recording_record, who
from castview.search import Match
from castview.transcript import TranscriptLine

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_casts"
NANO = SAMPLES / "nHx4Tb1CNTRL" / "2026-11-20T09:15:02.5Z.cast"
CASTVIEW = Path(sys.executable).parent / "castview"


def run(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TSRECORDER_DST"}
    env.update({"CASTVIEW_CACHE_DIR": str(cache), "COLUMNS": "200"})
    result = subprocess.run([str(CASTVIEW), *args], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def documented() -> dict[str, set[str]]:
    """The fields of each table in README.md's "JSON output" section."""
    section = (ROOT / "README.md").read_text().split("### JSON output", 1)[1].split("\n### ", 1)[0]
    tables = re.findall(r"((?:^\|.*\n)+)", section, re.M)
    fields = [
        {name for row in table.splitlines()[2:] for name in re.findall(r"`(\w+)`", row.split("|")[1])}
        for table in tables
    ]
    recording, line = fields
    return {"recording": recording, "line": line}


@pytest.mark.parametrize(
    "raw, expected",
    [
        ({"srcNodeUser": "alice@example.com", "srcNodeTags": ["tag:x"], "sshUser": "root"}, "alice@example.com"),
        ({"srcNodeTags": ["tag:ci", "tag:prod"], "sshUser": "ci"}, "tag:ci,tag:prod"),
        ({"sshUser": "root"}, "root"),
        ({}, ""),
    ],
)
def test_who(raw, expected):
    assert who(Header({"version": 2, "width": 80, "height": 24, **raw}, 2)) == expected


def test_who_of_an_unreadable_recording():
    assert who(None) == ""


def test_every_field_is_documented_and_every_documented_field_exists():
    docs = documented()
    rec = recording_record(Recording.from_path(NANO).summary())
    assert set(rec) == docs["recording"]
    line = line_record(rec, TranscriptLine(1.5, "$ ls", "alternate", 2, 3))
    match = match_record(rec, Match(1.5, "$ ls", 3, 2, 4, "main", None, True, 2, 4))
    assert set(line) | set(match) == set(SESSION_KEYS) | docs["line"]
    assert set(SESSION_KEYS) <= docs["recording"]


def test_a_recording_record():
    rec = recording_record(Recording.from_path(NANO).summary())
    assert rec["node_id"] == "nHx4Tb1CNTRL" and rec["path"] == str(NANO) and rec["name"] == NANO.name
    assert rec["start"] == "2026-11-20T09:15:02.5Z" and rec["start_ns"] == 1_795_166_102_500_000_000
    assert rec["user"] == rec["src_node_user"] == "alice@example.com" and rec["ssh_user"] == "alice"
    assert rec["status"] == "ok" and rec["error"] is None and rec["also_at"] == []
    assert isinstance(rec["duration"], float) and isinstance(rec["size"], int)
    assert (rec["width"], rec["height"]) == (80, 24) and isinstance(rec["src_node_tags"], list)
    match = match_record(rec, Match(1.25, "a deploy b", 3, 2, 8, "main", None, True, 2, 8))
    assert match["timestamp"] == "2026-11-20T09:15:03.75Z" and match["time"] == 1.25
    assert (match["text"], match["match"], match["row"], match["col_start"], match["col_end"]) == (
        "a deploy b",
        "deploy",
        3,
        2,
        8,
    )
    main = line_record(rec, TranscriptLine(0.5, "$ ls"))
    assert "frame" not in main and "row" not in main and main["screen"] == "main"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    cache = tmp_path_factory.mktemp("records-cache")
    ls = [json.loads(line) for line in run("ls", str(SAMPLES), "--json", cache=cache).stdout.splitlines()]
    info = json.loads(run("info", str(NANO), "--json", cache=cache).stdout)
    grep = [
        json.loads(line) for line in run("grep", "deploy notes", str(NANO), "--json", cache=cache).stdout.splitlines()
    ]
    cat = [json.loads(line) for line in run("cat", str(NANO), "--format", "jsonl", cache=cache).stdout.splitlines()]
    return ls, info, grep, cat


def test_ls_info_grep_and_cat_say_the_same_of_a_recording(outputs):
    ls, info, grep, cat = outputs
    (listed,) = [r for r in ls if r["path"] == str(NANO)]
    assert {k: info[k] for k in listed} == listed  # info begins with the recording record
    assert grep and cat
    for record in grep + cat:
        assert {k: record[k] for k in SESSION_KEYS} == {k: listed[k] for k in SESSION_KEYS}
    assert {r["screen"] for r in cat} == {"main", "alternate"}
    assert all(("frame" in r) == (r["screen"] == "alternate") for r in cat)
