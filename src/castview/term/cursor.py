"""Cursor motion, line feeds, tab stops and the scroll region (tmux screen-write.c).

The cursor's x may equal ``columns``: a wrap is pending (tmux's cursor_x), the next
printable character goes to the next row.
"""

from __future__ import annotations

from pyte.screens import Char, Margins

from .grid import Grid


class CursorScreen(Grid):
    """Cursor motion on top of the grid."""

    def carriage_return(self) -> None:
        self.cursor.x = 0

    def linefeed(self, blank: Char | None = None) -> None:
        """LF, VT, FF, IND: down one row, scrolling the region at its bottom. The new row
        is *blank* cells, by default erased ones (the cursor's background)."""
        cur = self.cursor
        top, bottom = self.margins
        if cur.y != bottom:
            if cur.y < self.lines - 1:
                cur.y += 1
            return
        self._scroll_up(top, bottom, self._blank(cur.attrs[2]) if blank is None else blank)

    index = linefeed

    def next_line(self) -> None:
        """NEL (``ESC E``)."""
        self.cursor.x = 0
        self.linefeed()

    def reverse_index(self) -> None:
        """RI (``ESC M``)."""
        cur = self.cursor
        top, bottom = self.margins
        if cur.y != top:
            if cur.y > 0:
                cur.y -= 1
            return
        self._scroll_down(top, bottom, self._blank(cur.attrs[2]))

    def backspace(self) -> None:
        cur = self.cursor
        if cur.x == 0:
            if cur.y == 0:
                return
            if self.wrapped[cur.y - 1]:
                cur.y -= 1
                cur.x = self.columns - 1
        else:
            cur.x -= 1
            if cur.x > self.columns:  # only after a shrink left it off screen
                cur.x = self.columns - 1

    # ------------------------------------------------------------- tab stops

    def tab(self) -> None:
        cur = self.cursor
        last = self.columns - 1
        x = cur.x
        if x >= last:
            return
        stops = self.tabstops
        while True:
            x += 1
            if x in stops or x >= last:
                break
        cur.x = x

    def back_tab(self, count: int) -> None:
        """CBT (``CSI n Z``)."""
        cur = self.cursor
        x = min(cur.x, self.columns - 1)
        stops = self.tabstops
        while x > 0 and count > 0:
            count -= 1
            x -= 1
            while x > 0 and x not in stops:
                x -= 1
        cur.x = x

    def set_tab_stop(self) -> None:
        if self.cursor.x < self.columns:
            self.tabstops.add(self.cursor.x)

    def clear_tab_stop(self, how: int = 0) -> None:
        if how == 0:
            self.tabstops.discard(self.cursor.x)
        elif how == 3:
            self.tabstops.clear()

    # -------------------------------------------------------- absolute moves

    def cursor_move(self, x: int, y: int, origin: bool = True) -> None:
        """tmux screen_write_cursormove: absolute move, origin mode applied to y."""
        if origin and y != -1 and self._origin:
            top, bottom = self.margins
            if y > bottom - top:
                y = bottom
            else:
                y += top
        cur = self.cursor
        if x != -1:
            cur.x = x if x < self.columns else self.columns - 1
        if y != -1:
            cur.y = y if y < self.lines else self.lines - 1

    def cursor_position(self, line: int | None = None, column: int | None = None) -> None:
        """CUP/HVP with 1-based arguments (pyte API)."""
        self.cursor_move((column or 1) - 1, (line or 1) - 1)

    def cursor_to_column(self, column: int | None = None) -> None:
        self.cursor_move((column or 1) - 1, -1)

    def cursor_to_line(self, line: int | None = None) -> None:
        self.cursor_move(-1, (line or 1) - 1)

    # -------------------------------------------------------- relative moves

    def cursor_up(self, count: int | None = None) -> None:
        cur = self.cursor
        n = count or 1
        top = self.margins.top
        y = cur.y
        if y < top:
            n = min(n, y)
        else:
            n = min(n, y - top)
        if cur.x >= self.columns:
            cur.x = self.columns - 1
        cur.y = y - n

    def cursor_down(self, count: int | None = None) -> None:
        cur = self.cursor
        n = count or 1
        bottom = self.margins.bottom
        y = cur.y
        if y > bottom:
            n = min(n, self.lines - 1 - y)
        else:
            n = min(n, bottom - y)
        if cur.x >= self.columns:
            cur.x = self.columns - 1
        elif n == 0:
            return
        cur.y = y + n

    def cursor_forward(self, count: int | None = None) -> None:
        cur = self.cursor
        n = count or 1
        last = self.columns - 1
        if cur.x > last:
            cur.x = last
            return
        if n > last - cur.x:
            n = last - cur.x
        cur.x += n

    def cursor_back(self, count: int | None = None) -> None:
        cur = self.cursor
        n = count or 1
        if n > cur.x:
            n = cur.x
        cur.x -= n
        if cur.x > self.columns:  # only after a shrink left it off screen
            cur.x = self.columns - 1

    # --------------------------------------------------------- scroll region

    def set_scroll_region(self, top: int, bottom: int) -> None:
        """DECSTBM with 0-based rows; homes the cursor (absolute) if valid."""
        last = self.lines - 1
        if top > last:
            top = last
        if bottom > last:
            bottom = last
        if top >= bottom:
            return
        self.cursor.x = self.cursor.y = 0
        self.margins = Margins(top, bottom)

    def set_margins(self, top: int | None = None, bottom: int | None = None) -> None:
        """DECSTBM with 1-based arguments (pyte API)."""
        self.set_scroll_region(max(top or 1, 1) - 1, (bottom or self.lines) - 1)
