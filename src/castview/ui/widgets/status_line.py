"""The player's status line: live state, speed and idle cap, the wall-clock time of the
frame on view, the search, events, panning, who. The player sets it whole from a
`PlayerStatus` value; only the cells that changed are repainted (DiffLine), so a
status that ticks with every event costs a few cells on the wire, not a line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from rich.text import Text
from textual.geometry import Region

from ... import formatting as fmt
from ...cast import timeline
from ...playback import LiveState
from ...sanitize import printable
from .diff_line import DiffLine

WIDE = 100
"""Columns from which the line says more: the wall clock's date, how to pan, who. Below,
at 80 columns, the wall clock (time and zone) and the pan still fit."""


@dataclass(frozen=True)
class PlayerStatus:
    live: LiveState
    following: bool
    speed: float
    idle_cap: float | None
    """None: idle time played in full."""
    search: Text
    """The search's part ("match 3/17", progress), from the search panel."""
    count: int
    events: int | None
    """Events indexed (None: not open)."""
    indexing: float | None
    """The fraction indexed while the first build runs."""
    panned: Region | None
    """The recording's cells on view, when it does not fit."""
    size: tuple[int, int]
    start_ns: int
    who: str
    position: float = 0.0
    """The playhead, in seconds from the start: start_ns + position is the frame's wall-clock time."""
    utc: bool = False
    """The wall clock in UTC (else in the local zone)."""
    before: float | None = None
    """The next event's time: the wall clock shown stays before it, so that typed back it
    names this frame (moments.frame_bound)."""
    playing: bool = False
    """While playing, the clock is padded to the width of hundredths: what follows it stays
    where it is (not repainted) as its digits come and go."""


class StatusLine(DiffLine):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.status: PlayerStatus | None = None

    def show(self, status: PlayerStatus) -> None:
        if status != self.status:
            self.status = status
            self.redraw()

    def content(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        status = self.status
        if status is None:
            return text
        text.append_text(self._live(status.live, status.following))
        if not status.following:  # speed and the idle cap do not apply at the live edge
            text.append("  " if text.plain else "")
            text.append(timeline.speed_label(status.speed), style="bold")
            text.append(f"  idle≤{status.idle_cap:g}s" if status.idle_cap is not None else "  idle: real")
        moment = fmt.wall_decimal(status.start_ns, status.position, status.before)
        text.append("  " if text.plain else "")
        wide = self.outer_size.width >= WIDE  # the terminal's width: the line spans it, padding and all
        zone = UTC if status.utc else None
        clock = fmt.wall_time(moment, zone, date=wide)
        if status.playing:
            clock = clock.ljust(len(fmt.wall_time(moment, zone, digits=2, date=wide)))
        text.append(clock)
        text.append_text(status.search)
        if status.events is not None:
            text.append(f"  ev {status.count}/{status.events}", style="dim")
            if status.indexing is not None:
                text.append(f"  indexing {status.indexing:.0%}", style="italic")
        r = status.panned
        if r is not None:
            cols, rows = status.size
            text.append("  panned: ", style="bold")
            if r.width < cols:
                text.append(f"cols {r.x + 1}-{r.right} ")
            if r.height < rows:
                text.append(f"rows {r.y + 1}-{r.bottom} ")
            text.append(f"of {cols}x{rows}" + (" (ctrl+arrows)" if wide else ""))
        if status.who and wide:
            text.append(f"  ·  {printable(status.who)}", style="dim")
        return text

    def _live(self, live: LiveState, following: bool) -> Text:
        """"● LIVE following", "● LIVE" (f: follow), "■ finished", "file deleted"."""
        text = Text()
        colours = self.app.current_theme
        green = colours.success or "green"
        if live.vanished:
            text.append("⚠ file deleted  ", style=f"bold {colours.warning or 'yellow'}")
        if live.live and following:
            text.append("● LIVE", style=f"bold {green}")
            text.append(" following", style=green)
        elif live.live:
            text.append("● LIVE", style=f"bold {green}")
            text.append(" (f: follow)", style="dim")
        elif live.finished:
            text.append("■ finished", style="bold")
        return text
