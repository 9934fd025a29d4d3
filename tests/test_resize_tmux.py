"""A recording that resizes itself, played in a real terminal (tmux): the view repaints only
what a resize changed (ui/widgets/terminal_view.py), so what tmux shows must be the
recording's frame, row for row, after each grow and shrink, whether the view keeps its
size (100x30 and 120x35 both fill a 100x27 view) or takes the new one (100x20)."""

from __future__ import annotations

import pytest

from test_resize_wire import COLS, LINES_BETWEEN, ROWS, SIZES, events, on_view, write
from test_scroll_tmux import settled
from tmux_app import CASTVIEW, TmuxApp, castview_terminal

pytestmark = pytest.mark.tmux


@pytest.fixture
def tmux(tmp_path):
    with castview_terminal(tmp_path, COLS, ROWS) as session:
        yield session


def shows(tmux: TmuxApp, count: int) -> None:
    """The pane shows the recording's frame after `count` events in the view: centred
    above the status line, scrub bar and footer, at most the pane's width and their height."""
    pane = settled(tmux)
    height = ROWS - 3
    size, rows = on_view(count, COLS, height)
    width, shown_height = min(size[0], COLS), min(size[1], height)
    top, left = (height - shown_height) // 2, (COLS - width) // 2
    assert [line[left:left + width].rstrip() for line in pane[top:top + shown_height]] == rows, count


def test_the_terminal_shows_the_frame_after_each_grow_and_shrink(tmux, tmp_path):
    recording = write(tmp_path / "resizing.cast")
    tmux.start(f"{CASTVIEW} {recording}")
    last = len(events())
    tmux.wait_for(f"ev {last}/{last}")  # played to the end
    shows(tmux, last)
    tmux.keys("home")
    shows(tmux, 0)
    count = 0
    # Before each resize, just after it (a grow or a shrink), and a few lines later.
    for step in [LINES_BETWEEN] + [1, LINES_BETWEEN // 2, LINES_BETWEEN - LINES_BETWEEN // 2] * len(SIZES):
        for _ in range(step):
            tmux.keys(".")
        count += step
        tmux.wait_for(f"ev {count}/{last}")
        shows(tmux, count)
    assert count == last
