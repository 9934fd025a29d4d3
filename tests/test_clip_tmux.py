"""`x` in a real terminal (tmux, 80x24): the player opened at a frame, the dialog shows
that frame's time as `from`, enter writes the clip into the working folder and a toast
names it; the clip starts on the frame."""

from __future__ import annotations

import json

import pytest

from castview.recording import Recording
from castview.term.keyframes import Replay
from test_open_at_tmux import CASTVIEW, REC, tmux  # noqa: F401  (tmux: the fixture)
from test_ui_helpers import term_text

pytestmark = pytest.mark.tmux


def test_x_writes_a_clip_from_the_frame_on_view(tmux, tmp_path):  # noqa: F811  (the fixture)
    tmux.width, tmux.height = 80, 24  # the dialog fits the smallest terminal
    tmux.start(f"{CASTVIEW} '{REC}@2026-11-24T07:12:40Z'")
    tmux.wait_for("⏸ 0:06.7")  # paused, at 6.68585 s rounded up
    tmux.keys("x")
    screen = tmux.wait_for("Clip or evidence pack of")
    assert "from 0:06.7" in screen and "to end" in screen
    assert "2026-11-24T07-12-33.31415Z-0m06.7s-end.cast" in screen
    tmux.keys("Enter")
    tmux.wait_for("Wrote the clip", timeout=60)
    (clip,) = tmp_path.glob("*.cast")
    assert clip.name == "2026-11-24T07-12-33.31415Z-0m06.7s-end.cast"
    header = json.loads(clip.read_text().splitlines()[0])
    assert header["castview_clip"]["source"] == str(REC)
    original = Replay(lambda: open(REC, "rb"), str(REC))
    original.build()
    replay, _ = Recording.from_path(clip).open_replay(None)
    assert term_text(replay.seek(0.0).term) == term_text(original.seek(40 - 33.31415).term)
    tmux.keys("q")
    tmux.wait_for("1 recording")
    tmux.keys("q")
    tmux.wait_for("CASTVIEW-EXITED-0")
