"""Times and durations the CLI shows name their frame, and `castview grep` reads the `re:`
prefix like the app (the new user's rough edges, issue 12 and 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from bisect import bisect_right
from decimal import Decimal
from pathlib import Path

import pytest

from castview import formatting as fmt

ROOT = Path(__file__).resolve().parent.parent
BASH = Path(__file__).resolve().parent / "data" / "commands" / "bash.cast"
SAMPLES = ROOT / "sample_casts"


def run(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("TSRECORDER_DST", "TSRECORDER_BUCKET")}
    env.update({"CASTVIEW_CACHE_DIR": str(cache), "COLUMNS": "200", "TZ": "UTC"})
    return subprocess.run([sys.executable, "-m", "castview", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)


def event_times(path: Path) -> list[float]:
    return [json.loads(line)[0] for line in path.read_text().splitlines()[1:] if line.strip()]


def seconds(shown: str) -> float:
    """m:ss.f typed back, read as `--at` reads it (moments.py: exact decimals, then a float)."""
    *hm, s = shown.split(":")
    return float(sum(int(x) * 60 ** (len(hm) - i) for i, x in enumerate(hm)) + Decimal(s))


def test_commands_times_name_the_frame_that_shows_the_command_line(tmp_path):
    plain = run("commands", str(BASH), cache=tmp_path)
    records = run("commands", str(BASH), "--json", cache=tmp_path)
    assert plain.returncode == 0 and records.returncode == 0, plain.stderr + records.stderr
    from castview.commands import commands_of

    found = commands_of(str(BASH), cache_dir=tmp_path)
    times = event_times(BASH)
    lines = plain.stdout.splitlines()
    assert len(lines) == len(found) > 10
    for line, command in zip(lines, found, strict=True):
        shown = line.split()[0]
        # typed back, the time shown gives the frame of the command's own time
        assert bisect_right(times, seconds(shown)) == bisect_right(times, command.time), (line, command.time)


def test_commands_durations_are_shown_honestly(tmp_path):
    result = run("commands", str(BASH), cache=tmp_path)
    from castview.commands import commands_of

    found = commands_of(str(BASH), cache_dir=tmp_path)
    short = [(line, c) for line, c in zip(result.stdout.splitlines(), found, strict=True)
             if c.duration() is not None and c.duration() < 0.05]
    assert short  # the sample has commands whose output follows within milliseconds
    for line, command in short:
        assert line.split()[1:3] in (["<1", "ms"], [str(round(command.duration() * 1000)), "ms"]), line
        assert "0:00.1" not in line


@pytest.mark.parametrize("seconds_, shown", [
    (0.0018, "2 ms"), (0.0004, "<1 ms"), (0.0, "0 ms"), (0.9994, "999 ms"), (0.9996, "1.0s"),
    (1.84, "1.8s"), (59.96, "1:00.0"), (62.5, "1:02.5"), (3725.25, "1:02:05.2"), (None, "?"),
])
def test_elapsed(seconds_, shown):
    assert fmt.elapsed(seconds_) == shown


def grep_count(*args: str, cache: Path) -> int:
    result = run("grep", *args, str(SAMPLES), "--json", cache=cache)
    assert result.returncode == 0, result.stderr
    return len(result.stdout.splitlines())


def test_grep_reads_the_re_prefix_like_the_app(tmp_path):
    assert grep_count(r"re:sudo\s+\w+", cache=tmp_path) == grep_count(r"sudo\s+\w+", "-E", cache=tmp_path) == 2
    # smart case: `\S` is an escape, not an uppercase letter
    assert grep_count(r"re:\Sudo", cache=tmp_path) == 2
    # -E with the prefix is the same expression
    assert grep_count(r"re:sudo\s+\w+", "-E", cache=tmp_path) == 2
    bad = run("grep", "re:(", str(SAMPLES), cache=tmp_path)
    assert bad.returncode == 2 and "bad regular expression" in bad.stderr


def test_one_parser_for_the_cli_and_the_search_boxes():
    from castview import search
    from castview.ui import search_view

    for typed in (r"re:sudo\s+\w+", r"re:\Sudo", "Sudo", "a.b"):
        cli, box = search.parse_query(typed), search_view.parse_query(typed)
        assert (cli.pattern, cli.regex, cli.ignore_case) == (box.pattern, box.regex, box.ignore_case)
    assert search.parse_query("re:x", ignore_case=False).ignore_case is False
