"""A one-line widget that repaints only the cells whose content changed.

A subclass says what the line holds (`content`, a Rich Text); `redraw` renders it,
compares it with the line on view and refreshes only the cells that differ. Setting the
same text again costs nothing on the wire; a clock's tenths cost one cell.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from .cell_diff import changed_runs, cut_at


class DiffLine(Widget):
    DEFAULT_CSS = """
    DiffLine { height: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._strip: Strip | None = None
        """The line on view (None: render it whole at the next paint)."""

    def content(self) -> Text:
        """What the line shows now."""
        return Text()

    def render(self) -> Text:  # what tests and snapshots read as the line's text
        return self.content()

    def _rendered(self, width: int) -> Strip:
        text = self.content()
        text.truncate(width, overflow=text.overflow or "ellipsis")
        segments = Segment.simplify(s for s in text.render(self.app.console) if s.text != "\n")
        return Strip(segments).extend_cell_length(width).crop(0, width)

    def redraw(self) -> None:
        """Show `content()` now, repainting only the cells that changed."""
        width = self.content_size.width
        if self._strip is None or not self.is_mounted or width <= 0:
            self._strip = None
            self.refresh()
            return
        new = self._rendered(width)
        runs = changed_runs(self._strip, new)
        if not runs:
            return
        self._strip = cut_at(new, runs)
        self.refresh(*(Region(start, 0, end - start, 1) for start, end in runs))

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        if self._strip is None or self._strip.cell_length != width:
            self._strip = self._rendered(width)
        return self._strip if y == 0 else Strip.blank(width)

    def on_resize(self) -> None:
        self._strip = None
        self.refresh()
