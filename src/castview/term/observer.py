"""What a screen tells an observer while output is fed: the hook for transcripts.

Add an instance of a subclass of :class:`ScreenObserver` to a screen with
:func:`observe` (several may watch one screen: one replay feeds a transcript and a
command list; None, the default, costs one test per event below). The
screen calls it *during* ``Terminal.feed``, at the moments an observer could not see
from the screen between two feeds: a row scrolling off the top (within one feed a long
output scrolls many rows past), rows about to be erased, a row replaced by a fresh
one, the switch to and from the alternate screen, bracketed paste turned on or off, and
output a string sequence swallows.
Override only what you need; the defaults do nothing.

Rows are the screen's own lists of cells (``screen.buffer[y]``): compare them by
identity, never mutate them.
"""

from __future__ import annotations

from typing import Protocol

from pyte.screens import Char


class ScreenObserver:
    """Callbacks of a TermScreen and its parser."""

    def scrolled_off(self, row: list[Char], wrapped: bool) -> None:
        """*row* (and its wrapped flag) is about to leave the top of the screen by
        scrolling, on the main screen or the alternate one (``screen.alt_saved``)."""

    def erasing_rows(self, rows: range) -> None:
        """An erase in display (ED) is about to clear the rows *rows* (the rows below
        or above the cursor's, or all), before it touches them."""

    def row_renewed(self, old: list[Char], new: list[Char]) -> None:
        """An erase replaced the cursor's row *old* by the fresh list *new* (cleared in
        whole): the same screen line goes on in it."""

    def entering_alternate(self) -> None:
        """The alternate screen is about to be shown (the main screen is still shown)."""

    def leaving_alternate(self) -> None:
        """The alternate screen is about to be left (it is still shown)."""

    def bracketed_paste(self, on: bool) -> None:
        """DECSET/DECRST 2004 was just applied (set again while set, too): a shell's
        line editor starts or stops reading a line. The screen shows the moment."""

    def string_started(self, kind: str) -> None:
        """A string sequence began: *kind* is one of ``controls.STRING_KINDS`` (DCS,
        OSC, APC, PM, SOS, rename). Its contents never reach the screen."""

    def string_data(self, data: str) -> None:
        """More of the current string's contents, as fed (controls included; for a DCS,
        what follows its parameters and final byte)."""

    def string_ended(self) -> None:
        """The current string ended (a terminator, CAN/SUB, or ESC starting another
        sequence). A string still open when the output ends gets no call."""


class Observers(ScreenObserver):
    """Several observers of one screen, each told everything, in the order they were added."""

    def __init__(self, *observers: ScreenObserver) -> None:
        self.observers = list(observers)

    def scrolled_off(self, row: list[Char], wrapped: bool) -> None:
        for o in self.observers:
            o.scrolled_off(row, wrapped)

    def erasing_rows(self, rows: range) -> None:
        for o in self.observers:
            o.erasing_rows(rows)

    def row_renewed(self, old: list[Char], new: list[Char]) -> None:
        for o in self.observers:
            o.row_renewed(old, new)

    def entering_alternate(self) -> None:
        for o in self.observers:
            o.entering_alternate()

    def leaving_alternate(self) -> None:
        for o in self.observers:
            o.leaving_alternate()

    def bracketed_paste(self, on: bool) -> None:
        for o in self.observers:
            o.bracketed_paste(on)

    def string_started(self, kind: str) -> None:
        for o in self.observers:
            o.string_started(kind)

    def string_data(self, data: str) -> None:
        for o in self.observers:
            o.string_data(data)

    def string_ended(self) -> None:
        for o in self.observers:
            o.string_ended()


class _Observed(Protocol):
    observer: ScreenObserver | None


def observe(screen: _Observed, observer: ScreenObserver) -> None:
    """Have `observer` told what `screen` does, beside the observers it has already."""
    current = screen.observer
    if current is None:
        screen.observer = observer
    elif isinstance(current, Observers):
        current.observers.append(observer)
    else:
        screen.observer = Observers(current, observer)
