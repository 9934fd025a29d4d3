"""`castview follow` like `tail -f` (issue 12, item 1): transcript lines as the cursor
leaves them, the screen's last lines when the recording goes quiet, a finished recording
printed at once, and a redrawn screen that fits the terminal."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from castview.cast.model import OUTPUT, Event
from castview.follow import CLEAR, QUIET_AFTER, TranscriptFollow, follow_stream
from castview.term.screen import Terminal
from castview.transcript import TextTracker, render_text, transcript
from live_writer import SAMPLES

CASTVIEW = Path(sys.executable).parent / "castview"
SHELL = SAMPLES / "nBq9Zs5CNTRL" / "2026-11-21T11:31:02.9876543Z.cast"


class FakeReplay:
    """What TranscriptFollow.reset reads of a Replay."""

    class header:  # noqa: N801
        class size:  # noqa: N801
            cols, rows = 40, 5

        no_pty = False


def following() -> tuple[TranscriptFollow, io.StringIO, list[float]]:
    out = io.StringIO()
    follow = TranscriptFollow(out)
    follow.reset(FakeReplay)  # type: ignore[arg-type]
    return follow, out, [0.0]


def feed(follow: TranscriptFollow, clock: list[float], data: str) -> None:
    clock[0] += 0.1
    follow.feed(Event(clock[0], OUTPUT, data))


def test_a_line_is_printed_once_the_cursor_leaves_it():
    follow, out, t = following()
    feed(follow, t, "$ ls\r\n")
    follow.flush()
    assert out.getvalue() == "$ ls\n"  # on a 5-row screen: nothing has scrolled off yet
    feed(follow, t, "notes.txt\r\n$ ")
    follow.flush()
    assert out.getvalue() == "$ ls\nnotes.txt\n"  # the prompt is not finished


def test_quiet_prints_the_cursors_line_open_and_typing_goes_on_it():
    follow, out, t = following()
    feed(follow, t, "$ ls\r\nnotes.txt\r\n$ ")
    follow.quiet()
    assert out.getvalue() == "$ ls\nnotes.txt\n$"  # like tail -f: the last line has no newline yet
    feed(follow, t, "cat notes.txt\r\nhello\r\n$ ")
    follow.flush()
    assert out.getvalue() == "$ ls\nnotes.txt\n$ cat notes.txt\nhello\n"
    follow.finish()
    assert out.getvalue() == "$ ls\nnotes.txt\n$ cat notes.txt\nhello\n$\n"


def test_a_line_changed_after_it_was_printed_is_printed_again_and_nothing_twice():
    follow, out, t = following()
    feed(follow, t, "step 1\r\nstep 2\r\n")
    follow.flush()
    feed(follow, t, "\x1b[2Astep 1 done\r\n\n")  # a redraw of a line above (cursor up)
    follow.flush()
    for n in range(8):  # everything scrolls off: printed lines are not printed again
        feed(follow, t, f"more {n}\r\n")
        follow.flush()
    follow.finish()
    lines = out.getvalue().splitlines()
    assert lines[:3] == ["step 1", "step 2", "step 1 done"]
    assert lines[3:] == [f"more {n}" for n in range(8)]


def test_the_same_lines_as_cat_for_a_session_without_redraws():
    """Written line by line, the transcript of a plain shell session is `cat`'s."""
    from castview.cast.reader import load_events

    header, events = load_events(SHELL)
    out = io.StringIO()
    follow = TranscriptFollow(out)
    follow.tracker = TextTracker(Terminal(*header.size), follow._line, onlcr=header.no_pty)  # noqa: SLF001
    for event in events:
        follow.feed(event)
        follow.flush()
    follow.finish()
    assert out.getvalue() == "".join(line + "\n" for line in render_text(transcript(SHELL)))


def write_cast(path: Path, data: list[str], size: tuple[int, int] = (40, 5)) -> None:
    header = {"version": 2, "width": size[0], "height": size[1], "timestamp": int(time.time())}
    lines = [json.dumps(header)] + [json.dumps([0.1 * (i + 1), "o", d]) for i, d in enumerate(data)]
    path.write_text("\n".join(lines) + "\n")


def wait_until(predicate, what: str, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def test_an_idle_live_file_prints_its_lines_then_its_screen_when_quiet(tmp_path):
    target = tmp_path / "live.cast"
    write_cast(target, ["$ uptime\r\n", " 10:00 up 3 days\r\n", "$ "])  # just written: live
    out, notices, stop = io.StringIO(), [], threading.Event()
    now = [1000.0]
    runner = threading.Thread(target=lambda: follow_stream(
        str(target), out, notices.append, transcript=True, interval=0.02, stop=stop, clock=lambda: now[0]))
    runner.start()
    try:
        wait_until(lambda: out.getvalue() == "$ uptime\n 10:00 up 3 days\n", "the finished lines")
        assert runner.is_alive()  # live: it waits for more
        now[0] += QUIET_AFTER  # the recording has been quiet that long
        wait_until(lambda: out.getvalue().endswith("days\n$"), "the prompt, once quiet")
        with open(target, "a") as f:
            f.write(json.dumps([1.0, "o", "exit\r\n"]) + "\n")
        wait_until(lambda: out.getvalue().endswith("days\n$ exit\n"), "the command typed at the prompt")
    finally:
        stop.set()
        runner.join(timeout=20)
    assert notices == []


def test_a_finished_recording_is_printed_and_the_command_ends(tmp_path):
    target = tmp_path / "old.cast"
    target.write_bytes(SHELL.read_bytes())
    os.utime(target, (time.time() - 3600, time.time() - 3600))
    env = {**os.environ, "CASTVIEW_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run([str(CASTVIEW), "follow", str(target), "--transcript"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "".join(line + "\n" for line in render_text(transcript(SHELL)))
    assert "not being written" in done.stderr and "--wait" in done.stderr


def test_wait_keeps_following_a_finished_recording(tmp_path):
    target = tmp_path / "old.cast"
    write_cast(target, ["hello\r\n"])
    os.utime(target, (time.time() - 3600, time.time() - 3600))
    out, stop = io.StringIO(), threading.Event()
    runner = threading.Thread(target=lambda: follow_stream(str(target), out, lambda _: None, transcript=True,
                                                           wait=True, interval=0.02, stop=stop))
    runner.start()
    try:
        wait_until(lambda: out.getvalue() == "hello\n", "the recording's line")
        with open(target, "a") as f:
            f.write(json.dumps([1.0, "o", "again\r\n"]) + "\n")
        wait_until(lambda: out.getvalue() == "hello\nagain\n", "the line written later")
    finally:
        stop.set()
        runner.join(timeout=20)


def screen_pages(target: Path, cells: tuple[int, int]) -> list[str]:
    out = io.StringIO()
    follow_stream(str(target), out, lambda _: None, tty=True, size=lambda: os.terminal_size(cells))
    return out.getvalue().split(CLEAR)[1:]


def test_a_screen_as_tall_as_the_terminal_leaves_a_row_for_the_status_line(tmp_path):
    target = tmp_path / "full.cast"
    write_cast(target, ["".join(f"row {n}\r\n" for n in range(30)) + "$ " + "x" * 100], size=(80, 24))
    os.utime(target, (time.time() - 3600, time.time() - 3600))
    (page,) = screen_pages(target, (80, 24))
    rows = page.split("\n")
    assert rows[-1] == ""  # the final newline, written once the command ends
    assert len(rows[:-1]) == 24 and "full.cast" in rows[23]  # 23 rows + status: no scrolling
    assert rows[0] == "row 9" and rows[21] == "$ " + "x" * 78 and rows[22] == "x" * 22
    assert all(len(row) <= 80 for row in rows)


def test_a_taller_screen_shows_the_rows_down_to_the_cursor(tmp_path):
    target = tmp_path / "tall.cast"
    write_cast(target, ["".join(f"row {n}\r\n" for n in range(40)) + "$ "], size=(120, 50))
    os.utime(target, (time.time() - 3600, time.time() - 3600))
    (page,) = screen_pages(target, (60, 20))
    rows = page.split("\n")[:-1]
    assert len(rows) == 20 and rows[-2] == "$" and rows[0] == "row 22"  # the cursor on the last row
    assert len(rows[-1]) <= 60 + len("\x1b[2m\x1b[0m")
