"""Transcripts: what a person saw, line by line, on synthetic sequences and real recordings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from castview.cast.model import Event
from castview.term.screen import Terminal
from castview.transcript import ALTERNATE, MAIN, TextTracker, TranscriptLine, render_text, transcript

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_casts"
PUBLIC = Path(__file__).parent / "data" / "public"
BASH = SAMPLES / "nHx4Tb1CNTRL" / "2026-11-20T09:15:02Z.cast"
NANO = SAMPLES / "nHx4Tb1CNTRL" / "2026-11-20T09:15:02.5Z.cast"
VIM = SAMPLES / "nWp2Lr8CNTRL" / "2026-11-20T14:03:11.033425744Z.cast"
LESS = SAMPLES / "nWp2Lr8CNTRL" / "2026-11-20T14:07:30.12Z.cast"
NO_PTY = SAMPLES / "nBq9Zs5CNTRL" / "2026-11-21T02:00:00.48Z.cast"
CASTVIEW = Path(sys.executable).parent / "castview"
ALL_CASTS = sorted(SAMPLES.glob("*/*.cast")) + sorted(PUBLIC.glob("*.cast"))


def run_events(chunks: list[str | tuple[float, str]], cols: int = 20, rows: int = 5) -> list[TranscriptLine]:
    """The transcript of output chunks (one event each, 1 s apart unless timed)."""
    lines: list[TranscriptLine] = []
    tracker = TextTracker(Terminal(cols, rows), lines.append)
    for i, chunk in enumerate(chunks):
        t, data = chunk if isinstance(chunk, tuple) else (float(i + 1), chunk)
        tracker.feed(Event(t, "o", data))
    tracker.finish()
    return lines


def texts(lines: list[TranscriptLine], screen: str = MAIN) -> list[str]:
    return [line.text for line in lines if line.screen == screen]


@pytest.mark.parametrize(
    "chunks, expected",
    [
        pytest.param(["a\r\nb\r\n", "c"], ["a", "b", "c"], id="lines and final screen"),
        pytest.param(["$ ", "e", "h", "c", "o", "\b\x1b[K", "\b\x1b[K", "\b\x1b[K", "cho hi", "\r\nhi\r\n$ "],
                     ["$ echo hi", "hi", "$"], id="backspace corrections"),
        pytest.param(["\r 10%", "\r 50%", "\r100%", "\r\ndone\r\n"], ["100%", "done"], id="progress bar"),
        pytest.param(["spin |", "\r\x1b[Kspin /", "\r\x1b[2Kspin -", "\r\x1b[Kok\r\n"], ["ok"],
                     id="erase-line redraws"),
        pytest.param(["one\r\ntwo\r\n$ clear\r\n", "\x1b[H\x1b[2J$ "], ["one", "two", "$ clear", "$"], id="clear"),
        pytest.param(["one\r\ntwo\r\n\x1b[H\x1b[2Jthree\r\n"], ["one", "two", "three"], id="clear inside an event"),
        pytest.param(["".join(f"line {i}\r\n" for i in range(12))], [f"line {i}" for i in range(12)],
                     id="lines that scroll past inside one event"),
        pytest.param(["x" * 30 + "\r\nshort\r\n"], ["x" * 30, "short"], id="soft-wrapped line joined"),
        pytest.param(["a\r\n\r\nb\r\n"], ["a", "", "b"], id="blank line kept, trailing ones dropped"),
        pytest.param(["l1\r\nl2\r\nl3\r\n", "\x1b[2A\x1b[2Kl2 done\r\n\r\n"], ["l1", "l2 done", "l3"],
                     id="cursor-up rewrite revises the line"),
        pytest.param(["日本語 ok\r\n"], ["日本語 ok"], id="wide characters"),
    ],
)
def test_main_screen_lines(chunks, expected):
    assert texts(run_events(chunks)) == expected


def test_a_line_fed_while_on_a_wrapped_row_is_not_joined_to_the_next():
    # readline: a command exactly as long as the row, the cursor taken back up, then Enter
    chunks = ["$ " + "y" * 18, " \r", "\x1b[A\x1b[19C\x1b[Ky\r\n", "output\r\n"]
    assert texts(run_events(chunks)) == ["$ " + "y" * 18, "output"]


def test_time_of_a_line_is_when_it_reached_its_final_form():
    lines = run_events([(1.0, "$ "), (2.0, "l"), (3.0, "s"), (9.0, "\r\n"), (9.5, "out\r\n")])
    assert [(line.time, line.text) for line in lines] == [(3.0, "$ ls"), (9.5, "out")]


def test_full_screen_app_is_summarised_by_frames_after_the_command_that_started_it():
    chunks = [
        (1.0, "$ vim\r\n"),
        (1.1, "\x1b[?1049h\x1b[H\x1b[2Jfirst page\r\nalpha"),
        (2.0, "\x1b[H\x1b[2Jsecond page\r\nbravo"),
        (2.5, "!"),  # a small edit: the same frame, in its final form
        (3.0, "\x1b[?1049l$ exit\r\n"),
    ]
    lines = run_events(chunks)
    assert [(line.screen, line.text) for line in lines if line.screen == MAIN] == [(MAIN, "$ vim"), (MAIN, "$ exit")]
    assert lines[0].text == "$ vim"  # before the frames
    frames: dict[int, list[str]] = {}
    for line in lines:
        if line.screen == ALTERNATE:
            frames.setdefault(line.frame, []).append(line.text)
    assert list(frames.values()) == [["first page", "alpha"], ["second page", "bravo!"]]
    rendered = list(render_text(lines))
    assert rendered[0] == "$ vim" and rendered[-1] == "$ exit"
    assert "│ second page" in rendered


def test_bare_line_feeds_of_a_session_without_pty_are_new_lines():
    lines = texts(transcript(NO_PTY))
    assert "hello from build-01" in lines
    assert "3 passed" in lines
    assert not any(line.startswith(" " * 10) for line in lines)  # no staircase


# ----------------------------------------------------------------------------- real recordings

@pytest.fixture(scope="module")
def bash_lines():
    return transcript(BASH)


def test_command_typed_with_corrections_is_in_its_final_form(bash_lines):
    lines = texts(bash_lines)
    assert "alice@prod-db:~$ echo 'sudo systemctl restart nginx'" in lines
    assert not any("ehco" in line or "sduo" in line for line in lines)


def test_progress_bar_appears_once_in_its_final_form(bash_lines):
    bars = [line for line in texts(bash_lines) if line.startswith("progress")]
    assert bars == ["progress 100% [####################]"]


def test_lines_before_clear_are_kept_in_order(bash_lines):
    lines = texts(bash_lines)
    order = ["alice@prod-db:~$ ls -F --color=always demo/", "日本語のテキスト ok",
             "combining: cafe\u0301  precomposed: caf\u00e9", "progress 100% [####################]",
             "alice@prod-db:~$ clear", "sudo systemctl restart nginx", "exit"]
    where = [lines.index(line) for line in order]
    assert where == sorted(where)


def test_wrapped_command_line_then_output(bash_lines):
    lines = texts(bash_lines)
    command = next(line for line in lines if "invalid UTF-8: \\xff" in line)
    assert command.endswith("\\x80 <&>\\n'")
    assert lines[lines.index(command) + 1].startswith("invalid UTF-8: ")


def test_times_are_on_the_recording_timeline(bash_lines):
    times = {line.text: line.time for line in bash_lines}
    assert times["alice@prod-db:~$ echo 'sudo systemctl restart nginx'"] == pytest.approx(34.799, abs=0.01)
    assert times["sudo systemctl restart nginx"] == pytest.approx(35.314, abs=0.01)
    assert all(0.0 <= line.time <= 38.0 for line in bash_lines)


def test_text_inside_nano_is_in_its_frames():
    lines = transcript(NANO)
    frames = [line for line in lines if line.screen == ALTERNATE]
    frame_text = [line.text for line in frames]
    assert any("deploy notes" in t for t in frame_text)
    assert any("tell the team: 完了 ✓" in t for t in frame_text)
    main = texts(lines)
    start = next(i for i, line in enumerate(lines) if line.text == "alice@prod-db:~$ nano notes.txt")
    cat = next(line for line in lines if line.text.endswith("cat notes.txt"))
    assert start < lines.index(frames[0]) < lines.index(cat)
    assert "- tell the team: 完了 ✓" in main  # cat's output after nano


def test_less_is_summarised_by_its_pages():
    lines = transcript(LESS)
    frames = {line.frame for line in lines if line.screen == ALTERNATE}
    assert 4 <= len(frames) <= 12  # a frame per page shown, not per redraw
    assert "deploy@web-1:~$ grep -c ERROR app.log" in texts(lines)


def test_vim_frames_show_the_edited_file():
    lines = transcript(VIM)
    frame_text = "\n".join(line.text for line in lines if line.screen == ALTERNATE)
    assert "def serve(port=8080):" in frame_text
    assert "deploy@web-1:~$ vim app.py" in texts(lines)


@pytest.mark.parametrize("path", ALL_CASTS, ids=lambda p: p.name)
def test_transcripts_of_every_recording_are_plain_text(path):
    try:
        lines = transcript(path)
    except Exception as exc:  # only the unreadable may fail, with a CastError
        from castview.cast.model import CastError

        assert isinstance(exc, CastError)
        return
    for line in render_text(lines, times=True):
        assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", line), line


# ----------------------------------------------------------------------------- the command

def run(*args: str, cache: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TSRECORDER_DST"}
    env.update({"CASTVIEW_CACHE_DIR": cache, "COLUMNS": "200"})
    return subprocess.run([str(CASTVIEW), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def cache():
    return tempfile.mkdtemp(prefix="castview-cat-cache-")


def test_cat_text_has_no_escape_sequences(cache):
    result = run("cat", str(BASH), cache=cache)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "alice@prod-db:~$ echo 'sudo systemctl restart nginx'\nsudo systemctl restart nginx\n" in result.stdout
    timed = run("cat", str(BASH), "--times", cache=cache).stdout
    assert "[0:35.314024] sudo systemctl restart nginx" in timed  # exact: --at 35.314024 shows it


def test_cat_jsonl_lines_parse_and_carry_metadata(cache):
    result = run("cat", str(NANO), "--format", "jsonl", cache=cache)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records and result.stdout.isascii()
    for record in records:
        assert record["node_id"] == "nHx4Tb1CNTRL"
        assert record["user"] == "alice@example.com"
        assert record["ssh_user"] == "alice"
        assert record["src_node"] == "alice-mbp.tail7f3e2.ts.net"
        assert record["connection_id"] == "ssh-conn-20261120T091501-8c1f2e4a7b"
        assert record["screen"] in ("main", "alternate")
        assert record["timestamp"].startswith("2026-11-20T09:15:")
    assert any(r["screen"] == "alternate" and "deploy notes" in r["text"] for r in records)


def test_cat_of_a_file_that_is_not_a_recording_fails_cleanly(cache):
    result = run("cat", str(SAMPLES / "README.md"), cache=cache)
    assert result.returncode == 1
    assert "not an asciicast recording" in result.stderr
