"""The lines that leave a redacted clip's screen as they left the original's.

A redacted clip is drawn again from masked frames (castview.redact). Drawn row by row,
nothing would ever scroll off its top or be cleared: its transcript (`castview cat`, an
evidence pack's transcript.txt) and a grep over it would keep only the last screen. So
while the original is replayed, `Moves` notes what each event did to whole lines -- rows
scrolled off the top, rows an erase in display cleared, the switch to and from the
alternate screen -- and `replay_moves` does the same in the clip before the frame is
drawn: each row about to leave is drawn (masked) where it is, then scrolled off by a line
feed on the bottom row, or cleared by the same kind of erase. A transcript follows lines
as they leave the screen, so it reads the original's lines, masked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pyte.screens import Char

from .term.cells import BLANK
from .term.observer import ScreenObserver
from .term.synthesize import CSI, cup, draw_rows

Row = tuple[Char, ...]
#: ("off", (row,), (wrapped,)) scrolled off the top; ("erase", rows range, the rows, their
#: wrapped flags) cleared; ("alt", on) the alternate screen shown or left.
Move = tuple[Any, ...]


class Moves(ScreenObserver):
    """What happens to whole lines on a screen while one event is fed (`take` after it)."""

    def __init__(self, screen: Any) -> None:
        self.screen = screen
        self.moves: list[Move] = []

    def scrolled_off(self, row: list[Char], wrapped: bool) -> None:
        self.moves.append(("off", (tuple(row),), (wrapped,)))

    def erasing_rows(self, rows: range) -> None:
        if rows:
            screen = self.screen
            self.moves.append(("erase", rows, tuple(tuple(screen.buffer[y]) for y in rows),
                               tuple(screen.wrapped[y] for y in rows)))

    def entering_alternate(self) -> None:
        self.moves.append(("alt", True))

    def leaving_alternate(self) -> None:
        self.moves.append(("alt", False))

    def take(self) -> list[Move]:
        moves, self.moves = self.moves, []
        return moves


class Shown:
    """The redacted clip's screen as drawn so far: rows of masked cells, which of them
    run on into the next (wrapped), and the main screen while the alternate is shown."""

    def __init__(self, rows: list[Row], wrapped: list[bool] | None = None) -> None:
        self.rows = rows
        self.wrapped = wrapped if wrapped is not None else [False] * len(rows)
        self.saved_main: tuple[list[Row], list[bool]] | None = None

    def blank(self) -> Row:
        return tuple([BLANK] * len(self.rows[0]))


def settle(shown: Shown, y0: int, rows: Sequence[Row], wrapped: Sequence[bool]) -> str:
    """Output text that makes rows *y0*.. of the clip's screen *rows*, each wrapped or not
    as *wrapped* says (a transcript joins wrapped rows into one line): a row wrongly
    wrapped is unwrapped by erasing the row after it, a run of wrapped rows is drawn in
    one go (autowrap marks them); rows already right are left alone."""
    parts: list[str] = []
    height = len(shown.rows)
    for i, flag in enumerate(wrapped):
        y = y0 + i
        if shown.wrapped[y] and not flag and y + 1 < height:
            parts.append(cup(0, y + 1) + f"{CSI}2K")
            shown.rows[y + 1] = shown.blank()
            shown.wrapped[y] = shown.wrapped[y + 1] = False
    i = 0
    while i < len(rows):
        j = i
        while wrapped[j] and j + 1 < len(rows):
            j += 1
        run = list(rows[i:j + 1])
        if wrapped[j] and y0 + j + 1 < height:  # runs on into a row not given: as shown
            run.append(shown.rows[y0 + j + 1])
        ys = range(y0 + i, y0 + i + len(run))
        if any(shown.rows[y] != row for y, row in zip(ys, run, strict=True)) \
                or not all(shown.wrapped[y] for y in ys[:-1]):
            parts.append(draw_rows(run, ys[0]))
            for y, row in zip(ys, run, strict=True):
                shown.rows[y] = row
            for y in ys[:-1]:
                shown.wrapped[y] = True
        i = j + 1
    return "".join(parts)


def replay_moves(moves: Sequence[Move], shown: Shown, mask: Callable[[Sequence[Row]], list[Row]]) -> str:
    """Output text doing *moves* in the clip (*shown* updated); *mask* gives rows that
    are about to leave masked (they were never a frame of their own)."""
    parts: list[str] = []
    height = len(shown.rows)
    for move in moves:
        if move[0] == "off":
            parts.append(settle(shown, 0, mask(move[1]), move[2]))
            parts.append(cup(0, height - 1) + "\n")
            shown.rows = shown.rows[1:] + [shown.blank()]
            shown.wrapped = shown.wrapped[1:] + [False]
        elif move[0] == "erase":
            rows: range = move[1]
            parts.append(settle(shown, rows.start, mask(move[2]), move[3]))
            parts.append(_erase(rows, shown))
        elif move[1] and shown.saved_main is None:
            parts.append(f"{CSI}?1049h")
            shown.saved_main = (shown.rows, shown.wrapped)
            shown.rows, shown.wrapped = [shown.blank()] * height, [False] * height
        elif not move[1] and shown.saved_main is not None:
            parts.append(f"{CSI}?1049l")
            (shown.rows, shown.wrapped), shown.saved_main = shown.saved_main, None
    return "".join(parts)


def _erase(rows: range, shown: Shown) -> str:
    """The erase in display that clears exactly *rows* (and, for a part of the screen, the
    one cell next to them it starts or ends at, which the frame drawn after puts back)."""
    height = len(shown.rows)
    cols = len(shown.rows[0])
    for y in rows:
        shown.rows[y] = shown.blank()
        shown.wrapped[y] = False
    if rows.start > 0:
        shown.wrapped[rows.start - 1] = False  # an erased row unwraps the one above
    if rows.start == 0 and rows.stop >= height:
        return f"{CSI}2J"
    if rows.stop >= height:  # ED 0 from the last cell of the row above
        y = rows.start - 1
        shown.rows[y] = shown.rows[y][:-1] + (BLANK,)
        return cup(cols - 1, y) + f"{CSI}0J"
    y = rows.stop  # ED 1 up to the first cell of the row below
    shown.rows[y] = (BLANK,) + shown.rows[y][1:]
    return cup(0, y) + f"{CSI}1J"
