"""The recorded terminal, drawn at the recording's size with the Line API.

Rows arrive already rendered (the playback engine's thread turns its screen into
Strips); the view keeps them and repaints only the cells a frame changed (cell_diff: a
typed character costs that cell on the wire, not its row). When the rows on view moved up
(output scrolling), the view has the terminal scroll them (a scroll region, `CSI S`) and
repaints only what then differs, instead of every row: it keeps what it painted last
(`render_line` records it) to know what the terminal shows, and drops Textual's cache of
its lines, which still holds them unscrolled (a later full repaint, after a resize, would
draw them from it). It does so only when nothing else shares its rows: it spans the
terminal's width, and no other widget (a toast, a tooltip, an overlay) is drawn over it.
A pan, and a resize of the recording, likewise repaint only what differs from what was
painted. A resize that leaves the view its size (both sizes fill its box) needs no layout;
one that changes it is laid out and painted once (not again for its virtual size, nor for
its old size after).

A recording larger than the view is panned, never wrapped, by one rule: the view shows
the top left of the recording, moved just enough that the cursor is on view (the cursor
on the view's last row when it is below the first screenful). The same frame is shown
the same way however it was reached. A pan by hand (ctrl+arrows, the mouse wheel) holds
while the recording plays (moving only to keep the cursor on view) until the player
moves the playhead (`release_pan`). A hidden cursor leaves the view where it is while
playing; a frame sought to with a hidden cursor shows the top left.

A search match can be highlighted: a span of cells on one row, drawn in the
`terminal-view--match` style over whatever the recording drew there, and kept on view
(the view pans to it instead of following the cursor) until it is cleared.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from ...playback import Frame
from .. import partial_updates
from .cell_diff import changed_runs, cut_at, rows_scrolled

HIGHLIGHT_CONTEXT = 2  # rows kept on view above a highlighted match when panning to it


class Highlight(NamedTuple):
    """Cells [col_start, col_end) of `row` (the recording's row, 0-based)."""

    row: int
    col_start: int
    col_end: int


class TerminalView(Widget, can_focus=False):
    COMPONENT_CLASSES = {"terminal-view--outside", "terminal-view--match"}

    DEFAULT_CSS = """
    TerminalView {
        width: auto;
        height: auto;
        max-width: 100%;
        max-height: 100%;
    }
    """

    pan = reactive((0, 0), always_update=False, layout=False, repaint=False)  # watch_pan repaints

    class ViewChanged(Message):
        """The part of the recording on view changed (a pan, a resize of the view)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cols = 80
        self.rows = 24
        self._lines: list[Strip] = []
        self._background = Style()
        self.follow_cursor = True
        self.cursor: tuple[int, int, bool] = (0, 0, True)
        self.highlight: Highlight | None = None
        self.panned_by_hand = False
        """The user panned: the view holds there until `release_pan`."""
        self._painted: dict[int, Strip] = {}
        """The lines on the terminal, by row of the view, as render_line last made them."""
        self._following = False
        """The pan moves by the rule (_repan): its caller repaints it (maybe by a scroll)."""

    # -- size ----------------------------------------------------------------------------
    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self.cols

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.rows

    @property
    def panned(self) -> bool:
        """Whether part of the recording is outside the view."""
        return self.cols > self.size.width or self.rows > self.size.height

    def visible_region(self) -> Region:
        """The recording's cells on view: x, y, width, height."""
        px, py = self.pan
        return Region(px, py, min(self.cols, self.size.width), min(self.rows, self.size.height))

    def set_background(self, colour: str) -> None:
        """The terminal theme's background, for rows not drawn yet."""
        self._background = Style(bgcolor=colour)
        self.refresh()

    # -- search highlight ----------------------------------------------------------------
    def set_highlight(self, highlight: Highlight | None) -> None:
        """Highlight a match (None: clear); the view pans to show it."""
        if highlight == self.highlight:
            return
        old = self.highlight
        self.highlight = highlight
        if highlight is not None:
            self._reveal(highlight)
        for h in (old, highlight):
            if h is not None:
                self._refresh_row(h.row)

    def _reveal(self, h: Highlight) -> None:
        if not self.panned or not self.size:
            return
        px, py = self.pan
        w, height = self.size.width, self.size.height
        if h.row < py or h.row >= py + height:
            py = h.row - min(HIGHLIGHT_CONTEXT, height - 1)
        if h.col_start < px or h.col_end > px + w:
            px = h.col_start - max(0, min(8, w - (h.col_end - h.col_start)))
        self.pan = self._clamped(px, py)

    def _refresh_row(self, row: int) -> None:
        py = self.pan[1]
        if py <= row < py + self.size.height:
            self.refresh(Region(0, row - py, self.size.width, 1))

    # -- frames --------------------------------------------------------------------------
    def show(self, frame: Frame[Strip]) -> bool:
        """Show a frame; whether any cell on view changed (a playing frame may only move
        the position)."""
        resized = (frame.cols, frame.rows) != (self.cols, self.rows)
        self.cursor = frame.cursor
        if frame.full or resized or len(self._lines) != frame.rows:
            size = self._size_for(frame.cols, frame.rows)
            relaid = resized and size != self.size
            self.cols, self.rows = frame.cols, frame.rows
            blank = Strip.blank(frame.cols, self._background)
            old = self._lines if not resized and len(self._lines) == frame.rows else None
            self._lines = [frame.lines.get(y, blank) for y in range(frame.rows)]
            if relaid:
                # The layout paints the view whole (its size changes). Textual repaints a
                # widget whose virtual size changes after that layout: set now, it is not a
                # change then.
                if size is not None:
                    self.set_reactive(Widget.virtual_size, size)
                self._painted = {}  # no scrolling until the layout has painted it again
                self.refresh(layout=True, repaint=False)
                self._repan(sought=True)
                self.call_after_refresh(self._laid_out, self.outer_size.region)
                return True
            if self._repan(sought=True) or old is None:
                return self._repaint_painted()
            # a seek or a redraw at the same place: the cells that differ
            return self._paint({y: self._changed(y, old[y]) for y in range(frame.rows)})
        changed: dict[int, list[tuple[int, int]]] = {}
        for y, strip in frame.lines.items():
            if 0 <= y < len(self._lines):
                old_row = self._lines[y]
                self._lines[y] = strip
                changed[y] = self._changed(y, old_row)
        if self._repan(sought=False):  # a pan down with the cursor is a scroll
            return self._repaint_painted()
        return self._paint(changed)

    def _repan(self, sought: bool) -> bool:
        """Pan by the rule, within the recording; whether the pan moved. The caller
        repaints (what differs on the terminal, maybe by a scroll), not watch_pan."""
        before = self.pan
        self._following = True
        try:
            self._clamp_pan()
            self._follow(sought=sought)
        finally:
            self._following = False
        return self.pan != before

    def _size_for(self, cols: int, rows: int) -> Size | None:
        """The view's size with a recording of cols x rows (None: not laid out yet): the
        recording's, within its box. A resize of the recording that leaves it the same
        (both fill the box) needs no layout, which would repaint every cell of the view."""
        box = self.parent
        if not isinstance(box, Widget) or not self.size:
            return None
        room = box.content_size  # what 100% is for max-width and max-height
        return Size(min(cols, room.width), min(rows, room.height))

    def _laid_out(self, old: Region) -> None:
        """After a layout that resized the view (and painted it whole): Textual still holds a
        repaint of the view at its old size (queued as the layout resized it), which would
        send it all again with the next change; then what differs from the terminal, should
        the layout not have painted it."""
        if not self.is_attached:  # the player closed meanwhile
            return
        self._repaint_regions.discard(old)
        self._repaint_painted()

    def _repaint_painted(self) -> bool:
        """Repaint the cells on view that differ from what the terminal shows (after a pan
        or a resize of the recording), by a scroll if the rows moved up; whether any did."""
        if not self.size:  # not laid out yet: painted whole once it is
            self.refresh()
            return True
        if self._scrolled():
            return True
        height = self.size.height
        return self._refresh_differing([self._line(y) for y in range(height)], range(height))

    def _refresh_differing(self, new: list[Strip], rows: range) -> bool:
        """Refresh the cells of `rows` where `new` differs from what was painted there
        (a row never painted: whole); whether any differ."""
        refreshed = False
        for y in rows:
            for start, end in changed_runs(self._painted.get(y), new[y]):
                self.refresh(Region(start, y, end - start, 1))
                refreshed = True
        return refreshed

    def _paint(self, changed: dict[int, list[tuple[int, int]]]) -> bool:
        """Show the changed cells, by a scroll if the rows moved up; whether any changed."""
        if any(changed.values()) and self._scrolled():
            return True
        return self._repaint(changed)

    def _scrolled(self) -> bool:
        """If the rows on view moved up, scroll them on the terminal and repaint what
        then differs; whether it did. Rows at the bottom that did not change (a prompt, the
        cursor's row) are left out of the scroll region, so they are not repainted."""
        height = self.size.height
        if height < 4 or not self.is_mounted or not self._may_scroll():
            return False
        painted = self._painted
        new = [self._line(y) for y in range(height)]
        bottom = height
        while bottom > 0 and changed_runs(painted[bottom - 1], new[bottom - 1]) == []:
            bottom -= 1
        k = rows_scrolled([painted[y] for y in range(bottom)], new[:bottom]) if bottom >= 4 else 0
        if not k:
            return False
        top = self.region.y
        partial_updates.before_next_update(self.app.console, f"\x1b[{top + 1};{top + bottom}r\x1b[{k}S\x1b[r")
        # What the terminal shows once scrolled; the rows repainted are recorded as painted.
        self._painted = {y: painted[y + k] for y in range(bottom - k)} | {y: painted[y] for y in range(bottom, height)}
        self._styles_cache.clear()
        self._refresh_differing(new, range(bottom))
        return True

    def _may_scroll(self) -> bool:
        """Whether scrolling the view's terminal lines moves only the view: it spans the
        terminal's width, its screen is on view, and no other widget (a toast, a tooltip,
        the compact scrub bar) is drawn over any of its cells."""
        screen = self.screen
        region = self.region
        if not (self.app.screen is screen and region.x == 0 and region.width == screen.size.width
                and self.highlight is None and partial_updates.installed()
                and all(y in self._painted for y in range(self.size.height))):
            return False
        own = set(self.ancestors_with_self)
        return not any(
            widget not in own and clip.intersection(area).overlaps(region)
            for widget, (area, clip) in screen._compositor.visible_widgets.items()
        )

    def _changed(self, y: int, old: Strip) -> list[tuple[int, int]]:
        """The runs of cells of row y that differ from `old` (its new strip cut at their ends)."""
        runs = changed_runs(old, self._lines[y])
        if runs:
            self._lines[y] = cut_at(self._lines[y], runs)
        return runs

    def _repaint(self, changed: dict[int, list[tuple[int, int]]]) -> bool:
        """Refresh the changed cells on view; whether there were any."""
        px, py = self.pan
        repainted = False
        width, height = self.size.width, self.size.height
        h = self.highlight
        for y, runs in changed.items():
            if not runs or not py <= y < py + height:
                continue
            for start, end in [(0, self.cols)] if h is not None and h.row == y else runs:
                x1, x2 = max(0, start - px), min(width, end - px)
                if x1 < x2:
                    self.refresh(Region(x1, y - py, x2 - x1, 1))
                    repainted = True
        return repainted

    def release_pan(self) -> None:
        """The playhead moved: the view goes back to the pan rule."""
        self.panned_by_hand = False

    def _follow(self, sought: bool = False) -> None:
        """Pan by the rule (see the module's docstring; only when the recording does not
        fit). `sought`: a frame reached by a move, not by playing on."""
        if self.highlight is not None:
            self._reveal(self.highlight)
            return
        if not self.follow_cursor or not self.panned or not self.size:
            return
        x, y, hidden = self.cursor
        w, h = self.size.width, self.size.height
        if hidden:
            if sought and not self.panned_by_hand:
                self.pan = self._clamped(0, 0)
            return
        if not self.panned_by_hand:
            self.pan = self._clamped(x - w + 1, y - h + 1)
            return
        px, py = self.pan
        if x < px:
            px = x
        elif x >= px + w:
            px = x - w + 1
        if y < py:
            py = y
        elif y >= py + h:
            py = y - h + 1
        self.pan = self._clamped(px, py)

    def _clamped(self, px: int, py: int) -> tuple[int, int]:
        return (
            max(0, min(px, self.cols - self.size.width)),
            max(0, min(py, self.rows - self.size.height)),
        )

    def _clamp_pan(self) -> None:
        self.pan = self._clamped(*self.pan)

    def pan_by(self, dx: int, dy: int) -> None:
        self.panned_by_hand = True
        self.pan = self._clamped(self.pan[0] + dx, self.pan[1] + dy)

    def watch_pan(self) -> None:
        if not self._following:
            self.refresh()
        self.post_message(self.ViewChanged())

    def on_resize(self, event: events.Resize) -> None:
        # What was painted stays known: the layout that resized the view painted it whole,
        # before this event is handled.
        if self._repan(sought=True):
            self._repaint_painted()
        self.post_message(self.ViewChanged())

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        if self.rows > self.size.height:
            event.stop()
            self.pan_by(0, 2)
        elif self.cols > self.size.width:
            event.stop()
            self.pan_by(4, 0)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if self.rows > self.size.height:
            event.stop()
            self.pan_by(0, -2)
        elif self.cols > self.size.width:
            event.stop()
            self.pan_by(-4, 0)

    # -- drawing -------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        strip = self._line(y)
        self._painted[y] = strip
        return strip

    def _line(self, y: int) -> Strip:
        width = self.size.width
        px, py = self.pan
        row = y + py
        outside = self.get_component_rich_style("terminal-view--outside")
        if 0 <= row < len(self._lines):
            strip = self._lines[row]
            h = self.highlight
            if h is not None and h.row == row:
                strip = self._marked(strip, h)
            if px or strip.cell_length > width:
                strip = strip.crop(px, px + width)
            if strip.cell_length < width:
                strip = strip.extend_cell_length(width, outside)
            return strip
        return Strip([Segment(" " * width, outside)], width)

    def _marked(self, strip: Strip, h: Highlight) -> Strip:
        """The row with the match's cells in the match style (over the recording's own)."""
        end = min(h.col_end, strip.cell_length)
        start = max(0, h.col_start)
        if start >= end:
            return strip
        style = self.get_component_rich_style("terminal-view--match")
        before, match, after = strip.divide([start, end, strip.cell_length])
        match = Strip(Segment.apply_style(list(match), post_style=style), match.cell_length)
        return Strip.join([before, match, after])

    def highlighted_text(self) -> str | None:
        """The text of the highlighted cells (for tests), None without a highlight."""
        h = self.highlight
        if h is None or not 0 <= h.row < len(self._lines):
            return None
        return self._lines[h.row].crop(h.col_start, h.col_end).text

    def screen_text(self) -> list[str]:
        """The rows as plain text (what is shown, for tests)."""
        return [strip.text for strip in self._lines]

