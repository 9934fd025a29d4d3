"""The player's status line: live state, speed and idle cap, the search, events, panning,
when and who. The player sets it whole from a `PlayerStatus` value."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.geometry import Region
from textual.widgets import Static

from ... import formatting as fmt
from ...cast import timeline
from ...playback import LiveState
from ...sanitize import printable


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


class StatusLine(Static):
    def show(self, status: PlayerStatus) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append_text(self._live(status.live, status.following))
        if not status.following:  # speed and the idle cap do not apply at the live edge
            text.append("  " if text.plain else "")
            text.append(timeline.speed_label(status.speed), style="bold")
            text.append(f"  idle≤{status.idle_cap:g}s" if status.idle_cap is not None else "  idle: real")
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
            text.append(f"of {cols}x{rows} (ctrl+arrows)")
        text.append(f"  ·  {fmt.local_time(status.start_ns)}", style="dim")
        if status.who:
            text.append(f" {printable(status.who)}", style="dim")
        self.update(text)

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
