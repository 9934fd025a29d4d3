"""The lines that leave a redacted clip's screen as they left the original's.

A redacted clip is drawn again from masked frames (castview.redact). Drawn row by row,
nothing would ever scroll off its top or be cleared: its transcript (`castview cat`, an
evidence pack's transcript.txt) and a grep over it would keep only the last screen. So
while the original is replayed, `Moves` notes what each event did to whole lines -- rows
scrolled off the top, rows an erase in display cleared, the switch to and from the
alternate screen (with the screen as it was left), a line feed that ended a wrapped row
(a transcript no longer joins it to the next) -- and `replay_moves` does the same in the
clip before the frame is drawn: each row about to leave is drawn (masked) where it is,
then scrolled off by a line feed on the bottom row, cleared by the same kind of erase,
or left by a line feed. A transcript follows lines as they leave the screen, so it reads
the original's lines, masked.

`Shown` is the clip's own terminal, fed everything written: rows are drawn where they
differ from it in cells, in being wrapped, or in how far they were written ("used"),
which a resize reflows by, so the clip's lines reflow as the original's did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pyte.screens import Char

from .term.controls import DL, IL
from .term.observer import ScreenObserver
from .term.screen import Terminal
from .term.synthesize import CSI, cup, draw_rows, erase_cells, written_end
from .transcript import feed_lines

Row = tuple[Char, ...]
#: ("off", (row,), (wrapped,)) scrolled off the top; ("erase", rows range, the rows, their
#: wrapped flags) cleared; ("alt", on, the rows, their wrapped flags and used counts) the
#: alternate screen shown or left, the screen as it was then; ("lf", y, (row,), (True,)) a line
#: feed left the wrapped row y for the row below; ("rows", ((DL or IL, y), ...)) lines
#: deleted and inserted (by a scroll region, CSI M and L, a reverse index...).
Move = tuple[Any, ...]


class Moves(ScreenObserver):
    """What happens to whole lines on a screen while one event is fed (`take` after it)."""

    def __init__(self, term: Terminal) -> None:
        self.term = term
        self.screen = term.screen
        self.moves: list[Move] = []
        # while an event is fed, the main screen's rows as the clip has them so far (None:
        # a row cleared since); None while the alternate screen is shown, and between events
        self._rows: list[object | None] | None = None
        # a row cleared into a new list: (the new list, its line's first list)
        self._renewed: dict[int, tuple[list[Char], list[Char]]] = {}

    def feed(self, data: str) -> None:
        """Feed output to the terminal as a transcript does (transcript.feed_lines),
        noting lines deleted and inserted between the other moves (see row_ops)."""
        screen = self.screen
        self._renewed.clear()
        self._rows = list(screen.buffer) if screen.alt_saved is None else None
        feed_lines(self.term, data, self._line_fed)
        self._lines_moved()
        self._rows = None

    def _lines_moved(self) -> None:
        """Note the lines deleted and inserted since the last move (the clip has none of
        the scroll regions and line operations the original may have used)."""
        if self._rows is None:
            return
        renewed = self._renewed
        rows = []
        for row in self.screen.buffer:
            new, first = renewed.get(id(row), (None, row))
            rows.append(first if new is row else row)
        if ops := row_ops(self._rows, rows):
            self.moves.append(("rows", ops))
        self._rows = rows

    def row_renewed(self, old: list[Char], new: list[Char]) -> None:
        was, first = self._renewed.get(id(old), (None, old))
        self._renewed[id(new)] = (new, first if was is old else old)

    def _line_fed(self, y: int, row: list[Char]) -> None:
        screen = self.screen
        # a line feed that scrolled took the row off the top (scrolled_off), or within a
        # scroll region (row_ops)
        if screen.cursor.y == y + 1 and screen.buffer[y] is row:
            self._lines_moved()
            self.moves.append(("lf", y, (tuple(row),), (True,)))

    def scrolled_off(self, row: list[Char], wrapped: bool) -> None:
        self._lines_moved()
        self.moves.append(("off", (tuple(row),), (wrapped,)))
        if self._rows is not None:
            del self._rows[0]
            self._rows.append(None)

    def erasing_rows(self, rows: range) -> None:
        if rows:
            self._lines_moved()
            screen = self.screen
            self.moves.append(("erase", rows, tuple(tuple(screen.buffer[y]) for y in rows),
                               tuple(screen.wrapped[y] for y in rows)))
            if self._rows is not None:
                for y in rows:
                    self._rows[y] = None

    def entering_alternate(self) -> None:
        self._switch(True)

    def leaving_alternate(self) -> None:
        self._switch(False)

    def _switch(self, on: bool) -> None:
        """The screen switched from, as it is: a transcript reads it then (the command
        that started a full-screen app, the app's last screen), whatever this event drew
        on it before."""
        self._lines_moved()
        screen = self.screen
        self.moves.append(("alt", on, tuple(map(tuple, screen.buffer)), tuple(screen.wrapped), tuple(screen.used)))
        self._rows = None  # a transcript follows the lines of the main screen only

    def take(self) -> list[Move]:
        moves, self.moves = self.moves, []
        return moves


class Shown:
    """The redacted clip's terminal, fed all the output the clip holds so far."""

    def __init__(self, cols: int, rows: int) -> None:
        self.term = Terminal(cols, rows)
        # rows found equal to a frame's row, until written to (the screen's dirty rows):
        # most rows of most frames are the very tuple of the frame before
        self._known: dict[int, Row] = {}

    def holds(self, y: int, row: Row) -> bool:
        """Whether row *y* of the clip's screen has the cells of *row*."""
        screen = self.term.screen
        if screen.dirty:
            for written in screen.dirty:
                self._known.pop(written, None)
            screen.dirty.clear()
        if self._known.get(y) is row:
            return True
        if tuple(screen.buffer[y]) == row:
            self._known[y] = row
            return True
        return False

    @property
    def size(self) -> tuple[int, int]:
        screen = self.term.screen
        return screen.columns, screen.lines

    def out(self, text: str) -> str:
        """*text* (for the clip), fed to the terminal first."""
        if text:
            self.term.feed(text)
        return text


def settle(shown: Shown, y0: int, rows: Sequence[Row], wrapped: Sequence[bool],
           used: Sequence[int] | None = None) -> str:
    """Output text that makes rows *y0*.. of the clip's screen *rows*, each wrapped or not
    as *wrapped* says (a transcript joins wrapped rows into one line) and written as far
    as *used* says (None: rows about to leave, drawn whole): a row wrongly wrapped is
    unwrapped by erasing the row after it, a run of wrapped rows is drawn in one go
    (autowrap marks them); rows already right are left alone."""
    parts: list[str] = []
    screen = shown.term.screen
    height = screen.lines
    for i, flag in enumerate(wrapped):
        y = y0 + i
        if screen.wrapped[y] and not flag and y + 1 < height:
            parts.append(shown.out(cup(0, y + 1) + f"{CSI}2K"))
    i = 0
    while i < len(rows):
        j = i
        while wrapped[j] and j + 1 < len(rows):
            j += 1
        run = list(rows[i:j + 1])
        counts: list[int | None] = list(used[i:j + 1]) if used is not None else [None] * len(run)
        if wrapped[j] and y0 + j + 1 < height:  # runs on into a row not given: as shown
            run.append(tuple(screen.buffer[y0 + j + 1]))
            counts.append(screen.used[y0 + j + 1])
        parts.append(_draw_run(shown, y0 + i, run, counts))
        i = j + 1
    return "".join(parts)


def _draw_run(shown: Shown, top: int, run: list[Row], counts: list[int | None]) -> str:
    """Rows top.. made *run*, each running on into the next, written as far as *counts*
    says; nothing if they are already."""
    screen = shown.term.screen
    ys = range(top, top + len(run))
    if all(shown.holds(y, row) and (n is None or screen.used[y] == n)
           for y, row, n in zip(ys, run, counts, strict=True)) and all(screen.wrapped[y] for y in ys[:-1]):
        return ""
    # a row written further than it should be is cleared first: only that lowers "used"
    parts = [shown.out(cup(0, y) + f"{CSI}2K") for y, n in zip(ys, counts, strict=True)
             if n is not None and screen.used[y] > n]
    last, n = run[-1], counts[-1]
    end = len(last) if n is None else written_end(last, n)
    if len(run) > 1:
        end = max(end, 1)  # the row above is wrapped only once a character reaches this one
    parts.append(shown.out(draw_rows(run, top, end)))
    y = ys[-1]
    x = end
    while x < len(last):  # past how far it was written: erased cells (an erase leaves a colour)
        cell = last[x]
        stop = x + 1
        while stop < len(last) and last[stop] == cell:
            stop += 1
        if any(screen.buffer[y][c] != cell for c in range(x, stop)):
            parts.append(shown.out(erase_cells(cell, x, y, stop - x)))
        x = stop
    return "".join(parts)


def row_ops(before: Sequence[object | None], after: Sequence[object]) -> tuple[tuple[str, int], ...]:
    """The lines to delete and insert (DL or IL, row; on the whole screen, in order) so
    that the clip's rows, which stand for the original's rows *before* (None: one cleared
    since, a new list), stand for the rows *after*: each row still on the screen the same
    line, on the row it moved to (a transcript follows a line by its row, and writes it
    out when it leaves). Rows are compared by identity; none when nothing moved, or when
    rows changed order (no line operation does that)."""
    known = {id(row) for row in before}
    if all(a is b or (a is None and id(b) not in known) for a, b in zip(before, after, strict=True)):
        return ()
    staying = {id(row) for row in after}
    kept = [y for y, row in enumerate(before) if row is not None and id(row) in staying]
    present = {id(before[y]) for y in kept}
    if [before[y] for y in kept] != [row for row in after if id(row) in present]:
        return ()
    gone = sorted(set(range(len(before))) - set(kept), reverse=True)
    made = [y for y, row in enumerate(after) if id(row) not in present]
    return tuple([(DL, y) for y in gone] + [(IL, y) for y in made])


def replay_moves(moves: Sequence[Move], shown: Shown, mask: Callable[[Sequence[Row]], list[Row]]) -> str:
    """Output text doing *moves* in the clip (fed to *shown*); *mask* gives rows that are
    about to leave masked (they were never a frame of their own)."""
    parts: list[str] = []
    term = shown.term
    height = term.screen.lines
    for move in moves:
        kind = move[0]
        if kind == "off":
            parts.append(settle(shown, 0, mask(move[1]), move[2]))
            parts.append(shown.out(cup(0, height - 1) + "\n"))
        elif kind == "erase":
            rows: range = move[1]
            parts.append(settle(shown, rows.start, mask(move[2]), move[3]))
            parts.append(shown.out(_erase(rows, shown)))
        elif kind == "lf":
            y = move[1]
            parts.append(settle(shown, y, mask(move[2]), move[3]))
            parts.append(shown.out(cup(0, y) + "\n"))
        elif kind == "rows":
            parts.append(shown.out("".join(cup(0, y) + f"{CSI}{op}" for op, y in move[1])))
        elif move[1] != term.alternate:
            parts.append(settle(shown, 0, mask(move[2]), move[3], move[4]))  # the main screen stays: as written
            parts.append(shown.out(f"{CSI}?1049{'h' if move[1] else 'l'}"))
    return "".join(parts)


def _erase(rows: range, shown: Shown) -> str:
    """The erase in display that clears exactly *rows* (and, for a part of the screen, the
    one cell next to them it starts or ends at, which the frame drawn after puts back)."""
    cols, height = shown.size
    if rows.start == 0 and rows.stop >= height:
        return f"{CSI}2J"
    if rows.stop >= height:  # ED 0 from the last cell of the row above
        return cup(cols - 1, rows.start - 1) + f"{CSI}0J"
    return cup(0, rows.stop) + f"{CSI}1J"  # ED 1 up to the first cell of the row below
