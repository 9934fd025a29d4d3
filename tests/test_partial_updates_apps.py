"""The sequences a terminal view queues for its app's next update (a scroll) go out with
that app's updates only (ux80 #19: the queue was the process's; the headless apps of the
tests/test_ui_*.py files never render, so their scrolls came out in the first update the
status-clock wire test counted: 42 bytes for a 14-byte clock change)."""

from __future__ import annotations

from types import SimpleNamespace

from rich.console import Console
from rich.segment import Segment
from textual.strip import Strip

from castview.ui import partial_updates

SCROLL = "\x1b[1;21r\x1b[3S\x1b[r"


def one_cell_update() -> SimpleNamespace:
    """A partial update of one cell (what `_render_segments` reads of a ChopsUpdate)."""
    return SimpleNamespace(spans=[(0, 0, 1)], chops=[{0: Strip([Segment("a")])}], chop_ends=[[1]])


def test_a_scroll_goes_out_with_its_own_apps_next_update_only():
    mine, other = Console(), Console()
    partial_updates.before_next_update(mine, SCROLL)
    assert SCROLL not in partial_updates._render_segments(one_cell_update(), other)  # noqa: SLF001
    assert partial_updates._render_segments(one_cell_update(), mine).startswith(SCROLL)  # noqa: SLF001
    assert SCROLL not in partial_updates._render_segments(one_cell_update(), mine)  # noqa: SLF001  (once)
