"""`castview RECORDING@RFC3339` in a real terminal (tmux): the player opens paused at that
frame; `g` refuses a time of day outside the recording in the dialog, naming its span."""

from __future__ import annotations

import pytest

from castview.term.keyframes import Replay
from test_ui_helpers import SAMPLES
from tmux_app import CASTVIEW, castview_terminal

pytestmark = pytest.mark.tmux

REC = SAMPLES / "nK8mXc7CNTRL" / "2026-11-24T07:12:33.31415Z.cast"  # 07:12:33.31415 UTC, 12.58 s


@pytest.fixture
def tmux(tmp_path):
    with castview_terminal(tmp_path, 120, 30) as session:
        yield session


def test_a_link_opens_the_player_paused_at_its_frame(tmux):
    replay = Replay(lambda: open(REC, "rb"), str(REC))
    replay.build()
    expected = [line.strip() for line in replay.seek(40 - 33.31415).term.text().split("\n") if line.strip()]
    tmux.start(f"{CASTVIEW} '{REC}@2026-11-24T07:12:40Z'")
    tmux.wait_for("⏸ 0:06.7")  # paused, at 6.68585 s rounded up
    for line in expected[-3:]:  # the rows may be drawn after the status line (a loaded machine)
        tmux.wait_for(line)
    tmux.keys("g")
    tmux.wait_for("Go to")
    tmux.keys("@14:22:05", "Enter")
    screen = tmux.wait_for("outside the recording")
    assert "07:12:33.31415" in screen
    tmux.keys("Escape")
    tmux.wait_gone("outside the recording")
    tmux.keys("q")
    tmux.wait_for("1 recording")  # back in the browser
    tmux.keys("q")
    tmux.wait_for("CASTVIEW-EXITED-0")
