"""The grid of cells under the screen: rows, their flags, and tmux's row operations.

``buffer`` is a list of rows, each a list of exactly ``columns`` cells. Beside it,
``wrapped[y]`` (the row continues on the next one), ``used[y]`` (tmux's cellused: how
far the row was written) and ``hidden_rows`` (rows a reflow pushed above the screen,
tmux's history with ``history-limit 0``) exist so resizing reflows exactly as tmux does.

Row operations mirror tmux's ``grid_move_lines``/``grid_clear_lines`` exactly,
including how they drop the "wrapped" flag of neighbouring rows (which matters to
backspace at column 0 and to reflow on resize). Row -1 is the last row pushed above
the screen by a reflow, if any.
"""

from __future__ import annotations

from typing import Any

import pyte
from pyte.screens import Char, Cursor, Margins

from .cells import BLANK, CellCache
from .observer import ScreenObserver

#: Cell caches kept (one per attribute set seen); beyond, they start over.
CELL_CACHES = 512
# Shared by every screen: cells and SGR transitions depend only on the attributes, so a
# new terminal (a restored keyframe) starts with the cells the previous ones made.
_cell_caches: dict[Char, CellCache] = {}
# (top, bottom) -> the rows top..bottom: a scroll marks them dirty (a set is merged
# with a frozenset faster than with a range, which a log scrolling line by line feels).
_row_sets: dict[tuple[int, int], frozenset[int]] = {}
ROW_SETS = 256


class Grid(pyte.Screen):
    """Cells, the cursor's attributes and the row operations the screen builds on."""

    columns: int
    lines: int
    buffer: list[list[Char]]
    wrapped: list[bool]
    used: list[int]
    hidden_rows: list[tuple[list[Char], bool, int]]
    cursor: Cursor
    margins: Margins
    mode: set[int]
    tabstops: set[int]
    dirty: set[int]
    #: The cells the cursor's attributes give, by character (see ``CellCache``).
    _cells: CellCache
    # set from ``mode`` by ``_sync_modes``
    _autowrap: bool
    _insert: bool
    _origin: bool
    #: Printable ASCII can take the fast path: autowrap on, no insert, no DEC graphics.
    fast_ascii: bool

    #: Told what happens inside a feed (see :mod:`castview.term.observer`).
    observer: ScreenObserver | None = None

    def __init__(self, columns: int, lines: int) -> None:  # noqa: D107
        # pyte.Screen.__init__ builds a dict-based buffer we do not use.
        self.columns = max(1, int(columns))
        self.lines = max(1, int(lines))
        self.dirty = set()
        self.savepoints: list[Any] = []  # unused; pyte compatibility
        self._blanks: dict[str, Char] = {}

    def _set_attrs(self, attrs: Char) -> None:
        self.cursor.attrs = attrs
        self._cells = self.cell_cache(attrs)

    def cell_cache(self, attrs: Char) -> CellCache:
        """The cells of attributes *attrs*, shared by everything drawn with them."""
        cache = _cell_caches.get(attrs)
        if cache is None:
            if len(_cell_caches) > CELL_CACHES:
                _cell_caches.clear()
            cache = _cell_caches[attrs] = CellCache(attrs)
        return cache

    @staticmethod
    def cached_cells(attrs: Char) -> CellCache | None:
        """The cells of attributes *attrs* if a screen made some, else None."""
        return _cell_caches.get(attrs)

    def _blank(self, bg: str) -> Char:
        """An erased cell: a space with only the background colour kept."""
        cell = self._blanks.get(bg)
        if cell is None:
            cell = self._blanks[bg] = Char(" ", "default", bg)
        return cell

    # ----------------------------------------------------------- row helpers

    def _unwrap_above(self, y: int) -> None:
        if y > 0:
            self.wrapped[y - 1] = False
        elif self.hidden_rows:
            row, _, used = self.hidden_rows[-1]
            self.hidden_rows[-1] = (row, False, used)

    def _clear_lines(self, py: int, ny: int, blank: Char) -> None:
        """tmux grid_clear_lines on visible rows py..py+ny-1 (ny < 0: wrapped count)."""
        cols = self.columns
        buf, wr, used = self.buffer, self.wrapped, self.used
        for y in range(py, py + ny):
            buf[y] = [blank] * cols
            wr[y] = False
            used[y] = 0
        if ny > 0:
            self.dirty.update(range(py, py + ny))
        self._unwrap_above(py)

    def _clear_rows(self, top: int, end: int, blank: Char) -> None:
        """tmux grid_view_clear of whole rows top..end-1 (nothing if empty)."""
        if end > top:
            self._clear_lines(top, end - top, blank)

    def _grid_clear_lines(self, py: int, ny: int, blank: Char) -> None:
        """tmux grid_clear(0, py, sx, ny): with a "negative" (wrapped) ny it
        clears nothing but still drops the wrapped flag above *py*."""
        if ny != 0:
            self._clear_lines(py, max(ny, 0), blank)

    def _move_lines(self, dy: int, py: int, ny: int, blank: Char) -> None:
        """tmux grid_move_lines: rows py..py+ny-1 to dy..dy+ny-1, vacated rows emptied."""
        if ny <= 0 or py == dy:
            return
        buf, wr, used = self.buffer, self.wrapped, self.used
        self._unwrap_above(dy)
        rows, flags, counts = buf[py:py + ny], wr[py:py + ny], used[py:py + ny]
        buf[dy:dy + ny], wr[dy:dy + ny], used[dy:dy + ny] = rows, flags, counts
        cols = self.columns
        for y in range(py, py + ny):
            if y < dy or y >= dy + ny:
                buf[y] = [blank] * cols
                wr[y] = False
                used[y] = 0
        if py < dy or py >= dy + ny:
            self._unwrap_above(py)
        lo, hi = min(dy, py), max(dy, py) + ny
        self.dirty.update(range(lo, hi))

    def _scroll_up(self, top: int, bottom: int, blank: Char) -> None:
        """tmux grid_view_scroll_region_up (no history): one row."""
        buf = self.buffer
        if top == 0 and self.observer is not None:
            self.observer.scrolled_off(buf[0], self.wrapped[0])
        if bottom - top > 1 and bottom < len(buf):
            # the common case, done in place (same result as _move_lines, which also
            # clears the wrapped flag above a region of a single row)
            wr, used = self.wrapped, self.used
            if top:
                wr[top - 1] = False
            elif self.hidden_rows and self.hidden_rows[-1][1]:
                self._unwrap_above(0)
            del buf[top], wr[top], used[top]
            buf.insert(bottom, [blank] * self.columns)
            wr.insert(bottom, False)
            used.insert(bottom, 0)
            rows = _row_sets.get((top, bottom))
            if rows is None:
                if len(_row_sets) > ROW_SETS:
                    _row_sets.clear()
                rows = _row_sets[top, bottom] = frozenset(range(top, bottom + 1))
            self.dirty |= rows
            return
        self._move_lines(top, top + 1, bottom - top, blank)

    def _scroll_down(self, top: int, bottom: int, blank: Char) -> None:
        """tmux grid_view_scroll_region_down: one row."""
        self._move_lines(top + 1, top, bottom - top, blank)

    def _clear_cells(self, y: int, x0: int, x1: int, blank: Char) -> None:
        """Erase cells x0..x1-1 of row y (tmux grid_clear)."""
        if x0 <= 0 and x1 >= self.columns:
            self._clear_rows(y, y + 1, blank)
            return
        if x1 > x0:
            self.buffer[y][x0:x1] = [blank] * (x1 - x0)
            self.dirty.add(y)

    def _insert_cells(self, y: int, x: int, n: int, blank: Char) -> None:
        """tmux grid_view_insert_cells, including its quirk: the cells moved are
        the ``cols - x - n`` after the cursor; if that is less than *n*, the
        cells between are left as they were (and nothing happens if it is 0)."""
        cols = self.columns
        row = self.buffer[y]
        if x >= cols - 1:
            if x < cols:
                row[x] = blank
                self.dirty.add(y)
            return
        count = cols - x - n
        if count <= 0:
            return
        row[x + n:x + n + count] = row[x:x + count]
        end = min(x + count, x + n)
        row[x:end] = [blank] * (end - x)
        self.used[y] = cols
        self.dirty.add(y)

    def _set_blank_screen(self, cols: int, rows: int) -> None:
        """Empty rows of *cols* cells, nothing written, nothing wrapped."""
        self.buffer = [[BLANK] * cols for _ in range(rows)]
        self.wrapped = [False] * rows
        self.used = [0] * rows
