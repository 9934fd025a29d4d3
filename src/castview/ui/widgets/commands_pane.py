"""The player's commands pane (`t`): every command typed at a shell prompt, with its time
and duration; enter seeks to the moment it was submitted; the command playing is
highlighted as the position moves.

The list is found (or read from the cache) by a thread worker of the pane's own when the
pane is first shown (``castview.commands``), and posted back as :class:`CommandsPane.Found`,
which also tells the player the times to mark on the scrub bar.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ... import formatting as fmt
from ...commands import Command
from ...recording import READ_ERRORS, Recording, error_message
from ...sanitize import printable
from ..messages import SeekRequested


def shown_times(commands: list[Command], before: Callable[[float], float | None] | None = None) -> list[str]:
    """The commands' times as they name the frame enter seeks to (formatting.py): as short
    as the next event's time allows when `before` gives it, else exact. Padded to line up
    at their decimal point, so that the commands after them line up too."""
    shown = [fmt.clock(c.time, before(c.time)) if before is not None else fmt.exact_clock(c.time, 1)
             for c in commands]
    parts = [time.partition(".") for time in shown]
    whole = max((len(w) for w, _, _ in parts), default=0)
    fraction = max((len(dot + f) for _, dot, f in parts), default=0)
    return [w.rjust(whole) + (dot + f).ljust(fraction) for w, dot, f in parts]


def command_row(command: Command, time: str) -> Text:
    """`time  command  duration`, one line, controls made visible."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{time} ", style="bold")
    if command.abandoned:
        text.append("✗ ", style="dim")
    elif command.fullscreen:
        text.append("▣ ", style="dim")
    text.append(printable(command.command.replace("\n", " ⏎ ")))
    duration = command.duration()
    if duration is not None and duration >= 1.0:
        text.append(f"  {fmt.duration(duration)}", style="dim")
    return text


def current_index(times: list[float], position: float) -> int | None:
    """The command playing at *position*: the last one submitted at or before it."""
    k = bisect_right(times, position) - 1
    return k if k >= 0 else None


class CommandsPane(OptionList):
    """Commands typed at prompts; the parent sets `position` and calls :meth:`load`."""

    class Found(Message):
        """The commands of the recording were found (or could not be: `error`)."""

        def __init__(self, commands: list[Command], error: str | None) -> None:
            super().__init__()
            self.commands = commands
            self.error = error

    position: reactive[float] = reactive(0.0)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)
        self.commands: list[Command] = []
        self.bound: Callable[[float], float | None] | None = None
        """What a time shown for the frame at a time must stay before (moments.match_bound),
        set by the player; None: times are shown exactly."""
        self._times: list[float] = []
        self.loading_started = False
        self.loaded = False

    def load(self, recording: Callable[[], Recording], location: str, cache_dir: str | Path,
             cached_only: bool = False) -> None:
        """Find the commands once, off the UI thread (*recording* is called there);
        *cached_only*: only if the cache has them (the player shows their marks at once)."""
        if self.loading_started:
            return
        if not cached_only:
            self.loading_started = True
            if not self.loaded:
                self.set_options([Option(Text("finding the commands…", style="italic"), disabled=True)])
        self._find(recording, location, cache_dir, cached_only)

    @work(thread=True, exclusive=True, group="commands", exit_on_error=False)
    def _find(self, recording: Callable[[], Recording], location: str, cache_dir: str | Path,
              cached_only: bool) -> None:
        from textual.worker import get_current_worker

        from ...commands import CommandStore, ScanCancelled, commands_of
        from ...term.fingerprint import fingerprint_of

        worker = get_current_worker()
        try:
            rec = recording()
            if cached_only:
                found = CommandStore(cache_dir).load(
                    rec.cache_key, fingerprint_of(rec.opener, rec.size, rec.mtime, rec.etag))
                if found is None:
                    return
            else:
                found = commands_of(rec, cache_dir=cache_dir, cancelled=lambda: worker.is_cancelled)
        except ScanCancelled:
            return
        except READ_ERRORS as exc:
            if not cached_only:
                self.post_message(self.Found([], error_message(exc, location)))
            return
        self.post_message(self.Found(found, None))

    @on(Found)
    def _found(self, message: Found) -> None:
        self.commands = message.commands
        self._times = [c.time for c in message.commands]
        self.loaded = True
        if message.error is not None:
            self.set_options([Option(Text("⚠ " + printable(message.error)), disabled=True)])
        elif not message.commands:
            self.set_options([Option(Text("no commands typed at a shell prompt", style="italic"), disabled=True)])
        else:
            times = shown_times(message.commands, self.bound)
            self.set_options([Option(command_row(c, t)) for c, t in zip(message.commands, times, strict=True)])
            self._follow()

    def watch_position(self) -> None:
        self._follow()

    def _follow(self) -> None:
        if not self.commands:
            return
        k = current_index(self._times, self.position)
        if k is not None and k != self.highlighted:
            self.highlighted = k

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.commands and 0 <= event.option_index < len(self.commands):
            self.post_message(SeekRequested(self.commands[event.option_index].time))
