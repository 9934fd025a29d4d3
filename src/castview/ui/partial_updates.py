"""Partial screen updates that start where the change starts.

Textual writes a dirty region of a line from the left edge of the widget it lies in
(its `ChopsUpdate.render_segments` crops a widget's part of the line on the right
only; "TODO: crop to x extents" in its source). A one-cell change at column 70 of the
recorded terminal, or in the clock at the right of the scrub bar, so re-sent 70 cells
with their colours on every frame: most of what the player wrote over SSH (issue 18).

`install` replaces that one method with one that crops on both sides: the terminal
gets a cursor move and the changed cells. The widgets keep their dirty regions to
whole characters (ui/widgets/cell_diff.py), so a crop never splits a wide one there.
Installed once, for the whole app; a Textual without the method is left alone.

`before_next_update` queues terminal sequences written at the start of the next partial
update, before its cells (the terminal view scrolls its rows that way, ui/widgets/
terminal_view.py); a full update (a layout) rewrites everything, so it drops them. The
queue is the app's (keyed by its console): an app that never renders its updates (run
headless, as in tests) must not hand its scrolls to another app of the same process.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from rich.console import Console
from rich.control import Control
from textual import _compositor

_original = getattr(_compositor.ChopsUpdate, "render_segments", None)
_original_full = getattr(_compositor.LayoutUpdate, "render_segments", None)
_queued: WeakKeyDictionary[Console, list[str]] = WeakKeyDictionary()


def before_next_update(console: Console, sequence: str) -> None:
    """Write `sequence` at the start of the next partial update rendered on `console` (the app's)."""
    _queued.setdefault(console, []).append(sequence)


def _take_queued(console: Console) -> str:
    return "".join(_queued.pop(console, ()))


def _render_segments(self: _compositor.ChopsUpdate, console: Console) -> str:
    """What Textual's method writes, each part cropped to the dirty span [x1, x2)."""
    sequences: list[str] = [_take_queued(console)]
    append = sequences.append
    move_to = Control.move_to
    last_y = self.spans[-1][0]
    for y, x1, x2 in self.spans:
        for end, (x, strip) in zip(self.chop_ends[y], self.chops[y].items(), strict=False):
            if strip is None or x > x2 or end <= x1:
                continue
            start = max(x, x1)
            if start == x and end <= x2:
                part = strip
            else:
                part = strip.crop(start - x, min(end, x2) - x)
            append(move_to(start, y).segment.text)
            append(part.render(console))
        if y != last_y:
            append("\n")
    return "".join(sequences)


def _render_full(self: _compositor.LayoutUpdate, console: Console) -> str:
    _queued.pop(console, None)
    assert _original_full is not None
    return _original_full(self, console)


def installed() -> bool:
    return _compositor.ChopsUpdate.render_segments is _render_segments


def install() -> None:
    """Crop partial updates on both sides (idempotent)."""
    if _original is not None and _original_full is not None:
        _compositor.ChopsUpdate.render_segments = _render_segments  # type: ignore[method-assign]
        _compositor.LayoutUpdate.render_segments = _render_full  # type: ignore[method-assign]
