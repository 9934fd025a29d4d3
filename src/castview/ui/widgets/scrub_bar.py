"""One line: play state, position, a bar with markers, search matches, commands typed
at prompts and the indexed part, duration. A recording being written has its end (the live edge) marked; in
follow mode the head sits there, in the live style.

The parent sets the attributes; a click or drag on the bar posts SeekRequested with a
time on the recording's own timeline; hovering a marker shows its label. Only the cells
that changed are repainted (DiffLine): the knob moving a cell, or the clock's last digit,
costs a few bytes on the wire.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.reactive import reactive

from ... import formatting as fmt
from ...sanitize import printable
from ..messages import SeekRequested
from .diff_line import DiffLine


def _bar(default: object) -> reactive:  # type: ignore[type-arg]
    """An attribute whose change redraws the changed cells (not the whole line)."""
    return reactive(default, repaint=False)


class ScrubBar(DiffLine, can_focus=False):
    COMPONENT_CLASSES = {
        "scrub-bar--played",
        "scrub-bar--indexed",
        "scrub-bar--unindexed",
        "scrub-bar--marker",
        "scrub-bar--match",
        "scrub-bar--command",
        "scrub-bar--head",
        "scrub-bar--time",
        "scrub-bar--live",
        "scrub-bar--edge",
    }

    DEFAULT_CSS = """
    ScrubBar { height: 1; width: 1fr; }
    """

    position: reactive[float] = _bar(0.0)
    duration: reactive[float] = _bar(0.0)
    indexed: reactive[float] = _bar(0.0)
    """Seconds of the recording indexed so far (== duration once complete)."""
    complete: reactive[bool] = _bar(False)
    playing: reactive[bool] = _bar(False)
    markers: reactive[tuple[tuple[float, str], ...]] = _bar(())
    matches: reactive[tuple[float, ...]] = _bar(())
    """Times of the search matches (drawn under markers and the head)."""
    commands: reactive[tuple[float, ...]] = _bar(())
    """Times of the commands typed at prompts (drawn under matches)."""
    live: reactive[bool] = _bar(False)
    """The recording is still being written: its end is the live edge."""
    following: reactive[bool] = _bar(False)
    """Follow mode: the head stays at the live edge."""
    whole_seconds: reactive[bool] = _bar(False)
    """The clock without tenths (low bandwidth: it then changes once a second)."""
    before: reactive[float | None] = _bar(None)
    """The next event's time: the position shown stays before it, so that typed back it
    names the frame on view (moments.frame_bound)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._dragging = False
        self._redraw_queued = False

    def _changed(self) -> None:
        """Attributes set together (the player sets them all at once) redraw once."""
        if not self._redraw_queued:
            self._redraw_queued = True
            self.call_next(self._redraw_queued_now)

    def _redraw_queued_now(self) -> None:
        self._redraw_queued = False
        self.redraw()

    watch_position = watch_duration = watch_indexed = watch_complete = watch_playing = _changed
    watch_markers = watch_matches = watch_live = watch_following = watch_whole_seconds = _changed
    watch_before = watch_commands = _changed

    # -- geometry ------------------------------------------------------------------------
    def _time(self, seconds: float, before: float | None = None) -> str:
        return fmt.clock(seconds, before, digits=0 if self.whole_seconds else 1)

    def _labels(self) -> tuple[str, str]:
        icon = "●" if self.following else "▶" if self.playing else "⏸"
        left = f"{icon} {self._time(self.position, self.before)} "
        right = f" {self._time(self.duration)}"
        return left, right

    def _bar_span(self) -> tuple[int, int]:
        left, right = self._labels()
        start = len(left)
        return start, max(1, self.size.width - start - len(right))

    def time_at(self, x: int) -> float:
        start, width = self._bar_span()
        fraction = (x - start) / max(1, width - 1)
        return max(0.0, min(1.0, fraction)) * self.duration

    def _cell(self, t: float, width: int) -> int:
        if self.duration <= 0:
            return 0
        return max(0, min(width - 1, round(t / self.duration * (width - 1))))

    def marker_label(self, x: int) -> str | None:
        """The label(s) of the marker(s) drawn at cell `x` of the line (None: no marker there)."""
        start, width = self._bar_span()
        if not start <= x < start + width:
            return None
        labels = [printable(label) or "(marker)" for t, label in self.markers if self._cell(t, width) == x - start]
        return " / ".join(labels) if labels else None

    # -- drawing -------------------------------------------------------------------------
    def content(self) -> Text:
        left, right = self._labels()
        _, width = self._bar_span()
        style = self.get_component_rich_style
        played, indexed, unindexed = (
            style("scrub-bar--played"), style("scrub-bar--indexed"), style("scrub-bar--unindexed"))
        head_cell = self._cell(self.position, width)
        indexed_cells = width if self.complete or self.duration <= 0 else self._cell(self.indexed, width) + 1
        marker_cells = {self._cell(t, width) for t, _ in self.markers}
        match_cells = {self._cell(t, width) for t in self.matches}
        command_cells = {self._cell(t, width) for t in self.commands}
        text = Text(no_wrap=True, overflow="crop")
        if self.following:
            text.append(left[0], style("scrub-bar--live"))
            text.append(left[1:], style("scrub-bar--time"))
        else:
            text.append(left, style("scrub-bar--time"))
        for x in range(width):
            if x == head_cell:
                text.append("●", style("scrub-bar--live" if self.following else "scrub-bar--head"))
            elif self.live and x == width - 1:
                text.append("▐", style("scrub-bar--edge"))
            elif x in marker_cells:
                text.append("◆", style("scrub-bar--marker"))
            elif x in match_cells:
                text.append("┃", style("scrub-bar--match"))
            elif x in command_cells:
                text.append("╿", style("scrub-bar--command"))
            elif x < head_cell:
                text.append("━", played)
            elif x < indexed_cells:
                text.append("━", indexed)
            else:
                text.append("┄", unindexed)
        text.append(right, style("scrub-bar--time"))
        return text

    # -- mouse ---------------------------------------------------------------------------
    def _seek_to(self, x: int) -> None:
        if self.duration > 0:
            self.post_message(SeekRequested(self.time_at(x)))

    def _content_x(self, event: events.MouseEvent) -> int:
        return event.x - self.styles.gutter.left

    def on_mouse_down(self, event: events.MouseDown) -> None:
        start, width = self._bar_span()
        x = self._content_x(event)
        if start <= x < start + width:
            event.stop()
            self._dragging = True
            self.capture_mouse()
            self._seek_to(x)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        x = self._content_x(event)
        if self._dragging:
            event.stop()
            self._seek_to(x)
            return
        label = self.marker_label(x)
        self.tooltip = Text(f"marker: {label}") if label is not None else None

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            event.stop()
            self._dragging = False
            self.release_mouse()
