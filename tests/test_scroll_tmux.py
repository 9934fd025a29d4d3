"""Output that scrolls, played in a real terminal (tmux): the view has the terminal scroll
its rows (ui/widgets/terminal_view.py), so what tmux shows must be the recording's frame,
row for row, while playing, after a resize (a full repaint, from Textual's caches), with
the metadata pane beside it (no scrolling then), after seeks and steps."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tmux_app import CASTVIEW, TmuxApp, castview_terminal

pytestmark = pytest.mark.tmux

COLS, ROWS, LINES = 80, 12, 60


def text(i: int) -> str:
    """Line i of the recording: different on every row, and wide (a scroll shifts it all)."""
    return f"line {i:02d} " + "".join(chr(ord("a") + (i + j) % 26) for j in range(60))


def frame(printed: int) -> list[str]:
    """The recording's screen once `printed` lines were printed (each ends with CRLF)."""
    shown = [text(i) for i in range(max(0, printed - ROWS + 1), printed)]
    return (shown + [""] * ROWS)[:ROWS]


@pytest.fixture
def recording(tmp_path) -> Path:
    path = tmp_path / "scrolling.cast"
    events = [[1.0 + 0.05 * i, "o", text(i) + "\r\n"] for i in range(LINES)]
    path.write_text("\n".join(json.dumps(x) for x in [{"version": 2, "width": COLS, "height": ROWS}, *events]) + "\n")
    an_hour_ago = time.time() - 3600  # a file modified within a minute would be live
    os.utime(path, (an_hour_ago, an_hour_ago))
    return path


@pytest.fixture
def tmux(tmp_path):
    with castview_terminal(tmp_path, COLS, 24) as session:
        yield session


def settled(tmux: TmuxApp, timeout: float = 20.0) -> list[str]:
    """The pane once it stopped changing (three captures alike)."""
    deadline = time.monotonic() + timeout
    captures = [tmux.screen()]
    while time.monotonic() < deadline:
        time.sleep(0.2)
        captures.append(tmux.screen())
        if len(captures) >= 3 and captures[-1] == captures[-2] == captures[-3]:
            return captures[-1].split("\n")
    raise AssertionError(f"the pane never settled:\n{captures[-1]}")


def view(tmux: TmuxApp, width: int, beside: bool) -> list[str]:
    """The view's rows in the pane, `width` columns of each: it is centred above the status
    line, scrub bar and footer (on the left with the metadata pane `beside` it)."""
    pane = settled(tmux)
    pane_width, pane_height = map(int, tmux.run("display-message", "-p", "#{pane_width} #{pane_height}").split())
    top = (pane_height - 3 - ROWS) // 2
    left = 0 if beside else max(0, (pane_width - COLS) // 2)
    return [line[left:left + width].rstrip() for line in pane[top:top + ROWS]]


def shows(tmux: TmuxApp, expected: list[str], width: int = COLS, beside: bool = False) -> None:
    assert view(tmux, width, beside) == [line[:width] for line in expected]


def played_to_the_end(tmux: TmuxApp) -> None:
    tmux.wait_for(text(LINES - 1)[:12])
    shows(tmux, frame(LINES))


def test_scrolled_rows_are_right_after_resizes_seeks_and_the_metadata_pane(tmux, recording):
    tmux.start(f"{CASTVIEW} {recording}")
    played_to_the_end(tmux)
    # A full repaint draws every row again: none may come from before the scrolls.
    tmux.run("resize-window", "-x", "100", "-y", "30")
    shows(tmux, frame(LINES))
    tmux.run("resize-window", "-x", str(COLS), "-y", "24")
    shows(tmux, frame(LINES))
    tmux.keys("home")
    shows(tmux, frame(0))
    for _ in range(15):
        tmux.keys(".")
    shows(tmux, frame(15))
    tmux.keys(",")
    shows(tmux, frame(14))
    tmux.keys("m")  # the metadata pane beside the view: it no longer spans the width
    tmux.wait_for("Header")
    shows(tmux, frame(14), width=40, beside=True)
    tmux.keys("space")
    tmux.wait_for(text(LINES - 1)[:12])
    shows(tmux, frame(LINES), width=40, beside=True)
    tmux.keys("m")
    shows(tmux, frame(LINES))
    tmux.keys("home", "space")  # played again from the start at full width: scrolled
    played_to_the_end(tmux)
    tmux.run("resize-window", "-x", "60", "-y", "24")  # narrower than the recording: panned
    shows(tmux, frame(LINES), width=60)
    tmux.run("resize-window", "-x", str(COLS), "-y", "24")
    shows(tmux, frame(LINES))
