"""A command typed at a shell prompt, as inferred from the screen."""

from __future__ import annotations

from typing import Any, NamedTuple

from ..cast.model import seconds_value

# Screen coordinates beyond this are damage (a cache entry written by someone else)
MAX_CELL = 1 << 20


class Command(NamedTuple):
    """One line (or PS2-continued lines) submitted to a shell's line editor."""

    time: float
    """Seconds into the recording when the line was submitted; the frame at this time
    still shows the whole command line."""
    command: str
    """The line as finally submitted; continuation lines joined with newlines."""
    prompt: str
    """The prompt's text (its last row for a prompt of several rows)."""
    cwd: str | None
    """The working directory the prompt (or an OSC 7 report) shows, if any."""
    end: float | None
    """When the next prompt appeared; None if none did."""
    output_lines: int
    """Screen lines between the command and the next prompt."""
    fullscreen: bool
    """The command showed the alternate screen (vim, less, htop...)."""
    abandoned: bool
    """The line was given up with ctrl-c, not run."""
    row: int = 0
    """The screen row of the command's first line at `time`."""
    col: int = 0
    """The screen column where the command begins (the end of the prompt)."""

    def duration(self) -> float | None:
        return None if self.end is None else max(self.end - self.time, 0.0)

    def flags(self) -> list[str]:
        return [name for name, on in (("fullscreen", self.fullscreen), ("abandoned", self.abandoned)) if on]

    def to_data(self) -> dict[str, Any]:
        return self._asdict()

    @classmethod
    def from_data(cls, data: Any) -> Command:
        """A Command from :meth:`to_data` output; ValueError for anything else."""
        if not isinstance(data, dict) or set(data) != set(cls._fields):
            raise ValueError("not a command record")
        fields = (
            _number(data["time"]),
            _text(data["command"]),
            _text(data["prompt"]),
            None if data["cwd"] is None else _text(data["cwd"]),
            None if data["end"] is None else _number(data["end"]),
            data["output_lines"],
            data["fullscreen"],
            data["abandoned"],
            data["row"],
            data["col"],
        )
        if (type(fields[5]) is not int or fields[5] < 0 or type(fields[6]) is not bool or type(fields[7]) is not bool
                or any(type(n) is not int or not 0 <= n <= MAX_CELL for n in fields[8:])):
            raise ValueError("bad command record")
        return cls(*fields)


def _number(value: Any) -> float:
    # times a recording can hold (the reader's bounds): inf, nan or 1e308 crash the clock
    seconds = seconds_value(value)
    if seconds is None:
        raise ValueError("bad time in command record")
    return seconds


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("bad text in command record")
    return value
