"""The real `castview` entry point in a real terminal (tmux): open, seek, see, quit."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from test_ui_helpers import PUBLIC
from tmux_app import CASTVIEW, castview_terminal

pytestmark = pytest.mark.tmux


@pytest.fixture
def recordings(tmp_path) -> Path:
    """The public recordings under a long path (the metadata pane must wrap it well, wherever
    the checkout lives), an hour old (a file modified within a minute would be live)."""
    copy = tmp_path / "a-directory-name-long-enough-that-the-metadata-pane-has-to-wrap-it" / "public"
    shutil.copytree(PUBLIC, copy)
    an_hour_ago = time.time() - 3600
    for path in copy.rglob("*"):
        os.utime(path, (an_hour_ago, an_hour_ago))
    return copy


@pytest.fixture
def tmux(tmp_path):
    with castview_terminal(tmp_path) as session:
        yield session


def test_open_seek_export_and_quit_in_a_real_terminal(tmux, tmp_path, recordings):
    from castview.term.keyframes import Replay

    recording = recordings / "termtosvg-htop.cast"
    tmux.start(f"{CASTVIEW} {recording}")
    tmux.wait_for("idle≤2s")  # the player is up (the file was opened directly)
    # pause: whatever the state, get to a paused player
    tmux.keys("space")
    deadline = time.monotonic() + 10
    while "⏸" not in tmux.screen() and time.monotonic() < deadline:
        tmux.keys("space")
        time.sleep(0.3)
    tmux.keys("5")  # 50 %
    replay = Replay(lambda: open(recording, "rb"), str(recording))
    replay.build()
    expected = [line.strip() for line in replay.seek(replay.duration / 2).term.text().split("\n") if line.strip()]
    deadline = time.monotonic() + 10
    while True:
        screen = tmux.screen()
        shown = [line.strip() for line in screen.split("\n")]
        found = [line for line in expected if line in shown]
        if len(found) >= min(6, len(expected)) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(found) >= min(6, len(expected)), screen
    assert "0:06.5" in screen  # the position: 50 % of 12.86 s, rounded up (it names the frame)
    # one event forward, then export the frame as text
    tmux.keys(".", "e")
    tmux.wait_for("Export the frame")
    tmux.keys("t")
    tmux.wait_for("Saved text")
    exported = list(tmp_path.glob("termtosvg-htop-*.txt"))
    assert len(exported) == 1 and "Uptime" in exported[0].read_text()
    tmux.keys("q")
    tmux.wait_for("1 recording")  # the browser
    tmux.keys("q")
    tmux.wait_for("CASTVIEW-EXITED-0")


def test_the_browser_at_80x24_then_a_resize(tmux, recordings):
    tmux.start(f"{CASTVIEW} {recordings}")
    tmux.wait_for("11 recordings")
    screen = tmux.wait_for("termtosvg-htop.cast")  # its row, once the headers are read
    assert all(len(line) <= 80 for line in screen.split("\n"))
    tmux.keys("/", "h", "t", "o", "p", "Enter")
    screen = tmux.wait_for("1 match")
    tmux.keys("Enter")
    tmux.wait_for("idle≤2s")
    tmux.run("resize-window", "-x", "200", "-y", "50")
    screen = tmux.wait_for("Header")  # the metadata pane appears beside the full view
    assert "termtosvg-htop.cast" in screen
    tmux.keys("q")
    tmux.keys("q")
    tmux.wait_for("CASTVIEW-EXITED-0")
