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
from .term.synthesize import CSI, cup, draw_row

Row = tuple[Char, ...]
#: ("off", row) scrolled off the top; ("erase", rows range, the rows) cleared; ("alt", on).
Move = tuple[Any, ...]


class Moves(ScreenObserver):
    """What happens to whole lines on a screen while one event is fed (`take` after it)."""

    def __init__(self, screen: Any) -> None:
        self.screen = screen
        self.moves: list[Move] = []

    def scrolled_off(self, row: list[Char], wrapped: bool) -> None:
        self.moves.append(("off", tuple(row)))

    def erasing_rows(self, rows: range) -> None:
        if rows:
            self.moves.append(("erase", rows, tuple(tuple(self.screen.buffer[y]) for y in rows)))

    def entering_alternate(self) -> None:
        self.moves.append(("alt", True))

    def leaving_alternate(self) -> None:
        self.moves.append(("alt", False))

    def take(self) -> list[Move]:
        moves, self.moves = self.moves, []
        return moves


class Shown:
    """The redacted clip's screen as drawn so far (rows of masked cells), and its
    alternate screen's state."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.saved_main: list[Row] | None = None  # the main screen, while the alternate is shown

    def blank(self) -> Row:
        return tuple([BLANK] * len(self.rows[0]))


def replay_moves(moves: Sequence[Move], shown: Shown, mask: Callable[[Sequence[Row]], list[Row]]) -> str:
    """Output text doing *moves* in the clip (*shown* updated); *mask* gives rows that
    are about to leave masked (they were never a frame of their own)."""
    parts: list[str] = []
    height = len(shown.rows)

    def make(y: int, row: Row) -> None:
        if shown.rows[y] != row:
            parts.append(draw_row(row, y))
            shown.rows[y] = row

    for move in moves:
        if move[0] == "off":
            make(0, mask([move[1]])[0])
            parts.append(cup(0, height - 1) + "\n")
            shown.rows = shown.rows[1:] + [shown.blank()]
        elif move[0] == "erase":
            rows: range = move[1]
            for y, row in zip(rows, mask(move[2]), strict=True):
                make(y, row)
            parts.append(_erase(rows, shown))
        elif move[1] and shown.saved_main is None:
            parts.append(f"{CSI}?1049h")
            shown.saved_main, shown.rows = shown.rows, [shown.blank()] * height
        elif not move[1] and shown.saved_main is not None:
            parts.append(f"{CSI}?1049l")
            shown.rows, shown.saved_main = shown.saved_main, None
    return "".join(parts)


def _erase(rows: range, shown: Shown) -> str:
    """The erase in display that clears exactly *rows* (and, for a part of the screen, the
    one cell next to them it starts or ends at, which the frame drawn after puts back)."""
    height = len(shown.rows)
    cols = len(shown.rows[0])
    for y in rows:
        shown.rows[y] = shown.blank()
    if rows.start == 0 and rows.stop >= height:
        return f"{CSI}2J"
    if rows.stop >= height:  # ED 0 from the last cell of the row above
        y = rows.start - 1
        shown.rows[y] = shown.rows[y][:-1] + (BLANK,)
        return cup(cols - 1, y) + f"{CSI}0J"
    y = rows.stop  # ED 1 up to the first cell of the row below
    shown.rows[y] = (BLANK,) + shown.rows[y][1:]
    return cup(0, y) + f"{CSI}1J"
