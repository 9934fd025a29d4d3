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
from ..fit_line import Part, fit_line
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
        """The parts that fit: at 80 columns the panning's key hint goes first, then the
        events count, the idle cap and the panning's detail (fit_line), rather than the end
        of the line. Each part brings its own separator (two spaces, styled as it always was)."""
        status = self.status
        if status is None:
            return Text(no_wrap=True, overflow="ellipsis")
        live = self._live(status.live, status.following)
        parts = [Part((live,), rank=9)]
        lead = "  " if live.plain else ""
        if not status.following:  # speed and the idle cap do not apply at the live edge
            parts.append(Part((Text.assemble(lead, (timeline.speed_label(status.speed), "bold")),), rank=8))
            idle = f"  idle≤{status.idle_cap:g}s" if status.idle_cap is not None else "  idle: real"
            parts.append(Part((Text(idle), Text()), rank=3))
            lead = "  "
        moment = fmt.wall_decimal(status.start_ns, status.position, status.before)
        wide = self.outer_size.width >= WIDE  # the terminal's width: the line spans it, padding and all
        zone = UTC if status.utc else None
        clock = fmt.wall_time(moment, zone, date=wide)
        if status.playing:
            clock = clock.ljust(len(fmt.wall_time(moment, zone, digits=2, date=wide)))
        parts += [Part((Text(lead + clock),), rank=7), Part((status.search,), rank=8)]
        if status.events is not None:
            parts.append(Part((Text(f"  ev {status.count}/{status.events}", style="dim"), Text()), rank=2))
            if status.indexing is not None:
                parts.append(Part((Text(f"  indexing {status.indexing:.0%}", style="italic"),), rank=6))
        if status.panned is not None:
            parts.append(self._panned(status))
            if wide:
                parts.append(Part((Text(" (ctrl+arrows)"), Text()), rank=1))
        if status.who and wide:
            parts.append(Part((Text(f"  ·  {printable(status.who)}", style="dim"), Text()), rank=0))
        return fit_line(parts, self.content_size.width or self.outer_size.width, gaps=("", ""))

    @staticmethod
    def _panned(status: PlayerStatus) -> Part:
        """`panned: cols 1-80 rows 1-21 of 100x30`, then `panned` alone."""
        r, (cols, rows) = status.panned or Region(), status.size
        where = (f"cols {r.x + 1}-{r.right} " if r.width < cols else "") + \
            (f"rows {r.y + 1}-{r.bottom} " if r.height < rows else "") + f"of {cols}x{rows}"
        return Part((Text.assemble(("  panned: ", "bold"), where), Text("  panned", style="bold")), rank=4)

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
