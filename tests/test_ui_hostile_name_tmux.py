"""A recording whose file name holds a title change and a colour (ESC ] 0 ; … BEL, ESC [ 31 m)
in a real terminal (tmux, 80x24): `x` shows the name escaped, the pane's title stays, no
raw sequence reaches the screen, and the clip written has a safe name."""

from __future__ import annotations

import shutil

import pytest

from test_open_at_tmux import CASTVIEW, tmux  # noqa: F401  (tmux: the fixture)
from test_ui_clip_dialog import SECRET_REC

pytestmark = pytest.mark.tmux

NAME = "2026-11-25T10:03:20Z\x1b]0;FNAME\x07\x1b[31m.cast"


def pane_title(tmux) -> str:  # noqa: F811  (the fixture's type)
    return tmux.run("display-message", "-p", "#{pane_title}").rstrip("\n")


def test_x_on_a_hostile_name_shows_it_escaped_and_writes_a_safe_name(tmux, tmp_path):  # noqa: F811
    tmux.width, tmux.height = 80, 24
    folder = tmp_path / "recs" / "nHx4Tb1CNTRL"
    folder.mkdir(parents=True)
    shutil.copy(SECRET_REC, folder / NAME)
    tmux.start(f"{CASTVIEW} recs/nHx4Tb1CNTRL/*.cast")  # (the shell passes the name's bytes)
    tmux.wait_for("▶ 0:")
    tmux.keys("space", "0")  # paused, at the start
    tmux.wait_for("⏸ 0:00.0")
    title = pane_title(tmux)
    tmux.keys("x")
    screen = tmux.wait_for("Clip or evidence pack of")
    assert "\\x1b]0;FNAME\\x07" in screen  # the name, escaped
    assert "2026-11-25T10-03-20Z-0-FNAME-31m-0m00.0s-end.cast" in screen
    assert "\x1b[31m" not in tmux.screen(escapes=True)  # (the app's colours are 24-bit)
    assert pane_title(tmux) == title != "FNAME"
    tmux.keys("Enter")
    tmux.wait_for("Wrote the clip", timeout=60)
    assert [p.name for p in tmp_path.glob("*.cast")] == ["2026-11-25T10-03-20Z-0-FNAME-31m-0m00.0s-end.cast"]
    assert pane_title(tmux) == title
    tmux.keys("q")
    tmux.wait_for("1 recording")
    tmux.keys("q")
    tmux.wait_for("CASTVIEW-EXITED-0")
