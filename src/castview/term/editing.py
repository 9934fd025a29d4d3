"""Erasing, inserting and deleting cells and lines, scrolling the region (tmux).

Erased cells keep only the background colour of the cursor's attributes. IL and DL do
not move the cursor (tmux).
"""

from __future__ import annotations

from typing import Any

from pyte.screens import Char, Margins

from .cursor import CursorScreen


class EditingScreen(CursorScreen):
    """Erase, insert, delete and scroll."""

    # ----------------------------------------------------------- characters

    def _span(self, count: int | None) -> int:
        """How many cells from the cursor a count of ICH or ECH covers (0: none), as tmux
        clamps it to the line."""
        x, cols = self.cursor.x, self.columns
        if x > cols - 1:
            return 0
        return max(0, min(count or 1, cols - x))

    def insert_characters(self, count: int | None = None) -> None:
        """ICH (``CSI n @``)."""
        n = self._span(count)
        if n:
            cur = self.cursor
            self._insert_cells(cur.y, cur.x, n, self._blank(cur.attrs[2]))

    def delete_characters(self, count: int | None = None) -> None:
        """DCH (``CSI n P``): tmux grid_view_delete_cells."""
        cur = self.cursor
        n = count or 1
        cols = self.columns
        x = cur.x
        if n > cols - x:
            n = cols - x
        if n <= 0 or x > cols - 1:
            return
        y = cur.y
        row = self.buffer[y]
        moved = cols - x - n
        if moved > 0:
            row[x:x + moved] = row[x + n:cols]
            if cols - n > self.used[y]:
                self.used[y] = cols - n
        self._clear_cells(y, cols - n, cols, self._blank(cur.attrs[2]))
        self.dirty.add(y)

    def erase_characters(self, count: int | None = None) -> None:
        """ECH (``CSI n X``)."""
        n = self._span(count)
        if n:
            cur = self.cursor
            self._clear_cells(cur.y, cur.x, cur.x + n, self._blank(cur.attrs[2]))

    # ---------------------------------------------------------------- erase

    def erase_in_line(self, how: int = 0, private: bool = False) -> None:
        """EL (``CSI n K``)."""
        cur = self.cursor
        x, y = cur.x, cur.y
        if how == 0 and 0 < x < self.columns:
            # the usual case, the rest of a row after its text: the row itself stays
            self.buffer[y][x:] = [self._blank(cur.attrs[2])] * (self.columns - x)
            self.dirty.add(y)
            return
        before = self.buffer[y]
        self._erase_in_line(how)
        if self.observer is not None and self.buffer[y] is not before:
            self.observer.row_renewed(before, self.buffer[y])

    def _erase_in_line(self, how: int) -> None:
        cur = self.cursor
        cols = self.columns
        blank = self._blank(cur.attrs[2])
        if how == 0:
            if cur.x == 0:
                self._clear_rows(cur.y, cur.y + 1, blank)
            elif cur.x <= cols - 1:
                self._clear_cells(cur.y, cur.x, cols, blank)
        elif how == 1:
            if cur.x >= cols - 1:
                self._clear_rows(cur.y, cur.y + 1, blank)
            else:
                self._clear_cells(cur.y, 0, cur.x + 1, blank)
        elif how == 2:
            self._clear_rows(cur.y, cur.y + 1, blank)

    def erase_in_display(self, how: int = 0, *args: Any, **kwargs: Any) -> None:
        """ED (``CSI n J``). ED 3 only drops (hidden) history."""
        observer = self.observer
        if observer is None:
            self._erase_in_display(how)
            return
        y = self.cursor.y
        lost = {0: range(y + 1, self.lines), 1: range(0, y), 2: range(0, self.lines)}.get(how, range(0))
        if lost:
            observer.erasing_rows(lost)
        before = self.buffer[y]
        self._erase_in_display(how)
        if how != 2 and self.buffer[y] is not before:
            observer.row_renewed(before, self.buffer[y])

    def _erase_in_display(self, how: int) -> None:
        cur = self.cursor
        cols = self.columns
        blank = self._blank(cur.attrs[2])
        if how == 0:
            if cur.x <= cols - 1:
                self._clear_cells(cur.y, cur.x, cols, blank)
            self._clear_rows(cur.y + 1, self.lines, blank)
        elif how == 1:
            self._clear_rows(0, cur.y, blank)
            if cur.x > cols - 1:
                self._clear_rows(cur.y, cur.y + 1, blank)
            else:
                self._clear_cells(cur.y, 0, cur.x + 1, blank)
        elif how == 2:
            self._clear_rows(0, self.lines, blank)
        elif how == 3:
            self.hidden_rows = []

    # ---------------------------------------------------------------- lines

    def insert_lines(self, count: int | None = None) -> None:
        """IL (``CSI n L``)."""
        cur = self.cursor
        n = count or 1
        top, bottom = self.margins
        y = cur.y
        blank = self._blank(cur.attrs[2])
        if y < top or y > bottom:
            n = min(n, self.lines - y)
            self._move_lines(y + n, y, self.lines - y - n, blank)
        else:
            n = min(n, bottom + 1 - y)
            n2 = bottom + 1 - y - n
            self._move_lines(bottom + 1 - n2, y, n2, blank)
            self._grid_clear_lines(y + n2, n - n2, blank)

    def delete_lines(self, count: int | None = None) -> None:
        """DL (``CSI n M``)."""
        cur = self.cursor
        n = count or 1
        top, bottom = self.margins
        y = cur.y
        blank = self._blank(cur.attrs[2])
        if y < top or y > bottom:
            n = min(n, self.lines - y)
            self._move_lines(y, y + n, self.lines - y - n, blank)
            self._grid_clear_lines(self.lines - n, n, blank)
        else:
            n = min(n, bottom + 1 - y)
            n2 = bottom + 1 - y - n
            self._move_lines(y, y + n, n2, blank)
            self._grid_clear_lines(y + n2, n - n2, blank)

    def scroll_up(self, count: int = 1) -> None:
        """SU (``CSI n S``)."""
        top, bottom = self.margins
        blank = self._blank(self.cursor.attrs[2])
        for _ in range(min(count or 1, bottom - top + 1)):
            self._scroll_up(top, bottom, blank)

    def scroll_down(self, count: int = 1) -> None:
        """SD (``CSI n T``)."""
        top, bottom = self.margins
        blank = self._blank(self.cursor.attrs[2])
        for _ in range(min(count or 1, bottom - top + 1)):
            self._scroll_down(top, bottom, blank)

    def alignment_display(self) -> None:
        """DECALN (``ESC # 8``)."""
        e = Char("E")
        cols = self.columns
        self.buffer = [[e] * cols for _ in range(self.lines)]
        self.used = [cols] * self.lines
        self.cursor.x = self.cursor.y = 0
        self.margins = Margins(0, self.lines - 1)
        self.dirty.update(range(self.lines))
