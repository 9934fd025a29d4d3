"""Output hidden inside terminal string sequences: anomalies, and the text they held.

A DCS, OSC, APC, PM or SOS string never reaches the screen, and a terminal waits for
its terminator: after an unterminated ``ESC P q`` tmux swallows every later byte, so
the 100 ``rm -rf`` lines that follow show nowhere -- not in a player (which renders
what a terminal would), and unless something looks, not in a transcript or a search.
tmux gives up on a string after 5 seconds without its terminator, and other terminals
differ, so that text is text a terminal could have shown.

:class:`StringWatch` follows the strings of one terminal (told by the screen's
observer hook) and finds the suspicious ones: a string still open when the recording
ends, one that held a line feed (text, not a title or an image), one longer than
:data:`SWALLOW_LIMIT`, one still open :data:`STRING_TIMEOUT` seconds after it began.
Each is an :class:`Anomaly` (``unterminated DCS at 0:00.2 swallowed 4.1 KB``); with a
``recover`` factory, its contents, from its first byte, also go to a reader (the
transcript renders them on a side terminal, so ``cat`` and ``grep`` show them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple, Protocol

from . import formatting as fmt
from .term.observer import ScreenObserver

#: Characters after which a string is suspicious whatever it holds (kitty graphics
#: send images in 4 KB strings; a title, a hyperlink, a query is far shorter).
SWALLOW_LIMIT = 64 * 1024
#: Seconds after which tmux leaves a string without its terminator and shows what follows.
STRING_TIMEOUT = 5.0


class Anomaly(NamedTuple):
    """A string sequence that swallowed output."""

    time: float
    """Seconds into the recording when the string began."""
    kind: str
    """DCS, OSC, APC, PM, SOS or rename (``term.controls.STRING_KINDS``)."""
    bytes: int
    """UTF-8 bytes of output it swallowed."""
    terminated: bool
    """False when it was still open at the end of the recording."""

    def describe(self) -> str:
        return (f"{'' if self.terminated else 'unterminated '}{self.kind} at {fmt.clock(self.time)} "
                f"swallowed {fmt.size(self.bytes)}")


class Reader(Protocol):
    """Where a suspicious string's contents go, in order, with the time each arrived."""

    def feed(self, time: float, data: str) -> None: ...

    def close(self) -> None: ...


class StringWatch(ScreenObserver):
    """Finds the strings that swallowed output. Set :attr:`now` to the time of each
    event before it is fed; call :meth:`finish` after the last one.

    *recover(number, kind)* makes the reader of the *number*-th anomaly (0, 1...)."""

    def __init__(self, recover: Callable[[int, str], Reader] | None = None) -> None:
        self.now = 0.0
        self.anomalies: list[Anomaly] = []
        self._recover = recover
        self._kind: str | None = None
        self._start = 0.0
        self._bytes = 0
        self._pending: list[tuple[float, str]] = []  # until the string is found suspicious
        self._suspect = False
        self._reader: Reader | None = None

    def string_started(self, kind: str) -> None:
        self._kind, self._start, self._bytes, self._suspect = kind, self.now, 0, False

    def string_data(self, data: str) -> None:
        if self._kind is None:  # pragma: no cover - the parser starts every string it reports
            return
        self._bytes += len(data.encode("utf-8", "surrogatepass"))
        if self._suspect:
            if self._reader is not None:
                self._reader.feed(self.now, data)
            return
        if self._recover is not None:
            self._pending.append((self.now, data))
        if self._bytes > SWALLOW_LIMIT or "\n" in data or self.now - self._start >= STRING_TIMEOUT:
            self._suspected()

    def string_ended(self) -> None:
        self._close(terminated=True)

    @property
    def reader(self) -> Reader | None:
        """The reader of the string open now, once it was found suspicious."""
        return self._reader

    def finish(self) -> None:
        """The recording ended: a string still open swallowed everything since it began."""
        if self._kind is not None:
            if not self._suspect:
                self._suspected()
            self._close(terminated=False)

    def _suspected(self) -> None:
        self._suspect = True
        if self._recover is not None:
            self._reader = self._recover(len(self.anomalies), self._kind or "")
            for time, data in self._pending:
                self._reader.feed(time, data)
        self._pending = []

    def _close(self, terminated: bool) -> None:
        if self._kind is None:
            return
        if self._suspect:
            if self._reader is not None:
                self._reader.close()
            self.anomalies.append(Anomaly(self._start, self._kind, self._bytes, terminated))
        self._kind = None
        self._pending = []
        self._reader = None


_ESC_RUN = re.compile("\x1b+")
_STRING_START = re.compile("\x1b[P\\]_^Xk]")


class Unstring:
    """Turns a string's contents into output a terminal shows: the introducers of
    strings inside it are dropped (``ESC P`` nested in a DCS would hide the rest again).
    A run of ESC counts as one (a terminal abandons all but the last), and an ESC at the
    end of a piece waits for the next, so dropping never makes a new introducer."""

    def __init__(self) -> None:
        self._carry = ""

    def __call__(self, data: str) -> str:
        data = _ESC_RUN.sub("\x1b", self._carry + data)
        self._carry = ""
        if data.endswith("\x1b"):
            data, self._carry = data[:-1], "\x1b"
        return _STRING_START.sub("", data)
