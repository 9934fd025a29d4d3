"""`castview commands` and `castview grep --commands` (issue 14)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "commands"
BASH = DATA / "bash.cast"
GREP_KEYS = {"node_id", "node_name", "path", "name", "start", "user", "src_node", "src_node_id", "ssh_user",
             "local_user", "connection_id", "command", "time", "timestamp", "screen", "text", "match", "row",
             "col_start", "col_end", "shown"}


def run(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("TSRECORDER_DST", "TSRECORDER_BUCKET")}
    env.update({"CASTVIEW_CACHE_DIR": str(cache), "COLUMNS": "200", "TZ": "UTC"})
    return subprocess.run([sys.executable, "-m", "castview", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def infer_times() -> list[float]:
    from castview.cast.reader import read_head
    from castview.commands import scan_commands

    with open(BASH, "rb") as f:
        return [c.time for c in scan_commands(f, read_head(f, str(BASH)))]


def test_json_lists_every_command_with_its_fields(tmp_path):
    result = run("commands", str(BASH), "--json", cache=tmp_path)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    expected = json.loads((DATA / "bash.expected.json").read_text(encoding="utf-8"))
    assert [(r["command"], r["abandoned"], r["fullscreen"]) for r in records] == \
        [(e["command"], e["abandoned"], e["fullscreen"]) for e in expected]
    first = records[0]
    assert first["wall_time"] == first["timestamp"]
    assert re.fullmatch(r"2026-12-01T10:00:\d\d(\.\d+)?Z", first["wall_time"])
    assert first["prompt"] == "alice@prod-db:~#" and first["cwd"] == "~"
    assert first["session_command"] is None and first["name"] == "bash.cast"
    assert first["end"] >= first["time"] and first["output_lines"] == 2
    assert records[-1]["end"] is None and records[-1]["duration"] is None
    for record, exact in zip(records, infer_times(), strict=True):
        assert exact <= record["time"] < exact + 1e-6  # rounded up: its frame shows the line
    assert result.stdout.isascii()


def test_plain_text_one_line_per_command(tmp_path):
    result = run("commands", str(BASH), cache=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 17
    assert lines[4].endswith("rm -rf /tmp/scratch  [abandoned]")
    assert "for i in 1 2 3 ⏎ do echo n$i ⏎ done" in result.stdout
    assert "less app.log  [fullscreen]" in result.stdout


def test_controls_in_a_command_are_shown_escaped(tmp_path):
    path = tmp_path / "bidi.cast"
    events = [[0.0, "o", "\x1b[?2004h$ "], [1.0, "o", "echo \u202eevil"], [2.0, "o", "\r\n\x1b[?2004l\r"]]
    path.write_text("\n".join([json.dumps({"version": 2, "width": 80, "height": 24}),
                               *map(json.dumps, events)]) + "\n")
    result = run("commands", str(path), cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert "\u202e" not in result.stdout and "evil" in result.stdout


def test_a_file_that_is_not_a_recording_is_one_line_naming_it(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    result = run("commands", str(path), cache=tmp_path / "cache")
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "notes.txt" in line


def test_grep_commands_finds_only_what_was_typed(tmp_path):
    result = run("grep", "--commands", "rm -rf", str(DATA), "--json", cache=tmp_path)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    # typed and abandoned in bash, zsh and fish; never the `cat evil.txt` output "$ rm -rf /"
    assert sorted(r["name"] for r in records) == ["bash.cast", "fish.cast", "zsh.cast"]
    for r in records:
        assert set(r) == GREP_KEYS
        assert r["screen"] == "command" and r["text"] == "rm -rf /tmp/scratch" and r["match"] == "rm -rf"
        assert r["col_end"] - r["col_start"] == len("rm -rf")
    text = run("grep", "--commands", "rm -rf", str(DATA), cache=tmp_path)
    assert text.stdout.count("$ rm -rf /tmp/scratch") == 3
    assert "2 matches" not in text.stderr and "3 matches in 3 of" in text.stderr


def test_grep_without_commands_still_finds_the_output(tmp_path):
    result = run("grep", "rm -rf /", str(DATA / "bash.cast"), "--json", cache=tmp_path)
    texts = [json.loads(line)["text"] for line in result.stdout.splitlines()]
    assert "alice@prod-db:~$ rm -rf /" in texts


@pytest.mark.parametrize("pattern, count", [("^git ", 6), ("sudo", 0)])
def test_grep_commands_regex(tmp_path, pattern, count):
    result = run("grep", "--commands", "-E", pattern, str(DATA), "--json", cache=tmp_path)
    assert len(result.stdout.splitlines()) == count


def test_every_field_of_a_command_record_is_documented():
    from castview.commands import Command
    from castview.recording import Recording
    from castview.records import SESSION_KEYS, command_record, recording_record

    section = (ROOT / "README.md").read_text(encoding="utf-8").split("### Commands", 1)[1].split("\n### ", 1)[0]
    [table] = re.findall(r"((?:^\|.*\n)+)", section, re.M)
    documented = {name for row in table.splitlines()[2:] for name in re.findall(r"`(\w+)`", row.split("|")[1])}
    rec = recording_record(Recording.from_path(BASH).summary())
    record = command_record(rec, Command(1.0, "ls", "$", None, None, 0, False, False, 0, 2))
    assert set(record) == set(SESSION_KEYS) | {"time", "timestamp", "session_command"} | documented
