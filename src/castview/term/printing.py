"""Printing: characters into cells, as tmux's screen_write_cell and collect path do.

Runs of printable ASCII are written with one slice assignment of cached cells (the
fast path, see ``CellCache``); wide characters take two cells (the second holds
``""``), combining characters and ZWJ sequences join the cell before the cursor,
overwriting half of a wide character erases the other half, DEC special graphics
(G0/G1 designated with ``ESC ( 0``/``ESC ) 0``) store the glyph.
"""

from __future__ import annotations

import re

from pyte.screens import Char

from .cells import ACS_GLYPHS, ACS_TABLE, BLANK, ZWJ, cell_width
from .cursor import CursorScreen
from .widths import char_width

UTF8_CELL_LIMIT = 21  # tmux's UTF8_SIZE: bytes one cell can hold
UINT = 1 << 32  # tmux's u_int arithmetic wraps around

# a run of printable ASCII, or one other character
_ASCII_OR_ONE = re.compile(r"[\x20-\x7e]+|[^\x20-\x7e]")


class PrintingScreen(CursorScreen):
    """Writing characters at the cursor."""

    charset: int  # 0: G0 is active (SI), 1: G1 (SO)
    g0_acs: bool  # G0 designated as DEC special graphics
    g1_acs: bool
    last_char: str | None  # for REP; None when the last thing was not a print
    zwj: bool  # a ZWJ was printed: combine the next character


    def draw(self, data: str) -> None:
        """Print *data*, which holds no C0 control characters and no DEL."""
        if not data:
            return
        if data.isascii():
            if self.fast_ascii:
                self._draw_ascii(data)
                self.last_char = data[-1]
                return
            self.last_char = data[-1]
            if self.zwj:
                # tmux's per-cell path joins a character after a ZWJ to the previous cell
                self.zwj = False
                self._combine(ZWJ)
                self._combine(data[0], ascii_joined=True)
                data = data[1:]
                if not data:
                    return
            if self._autowrap and not self._insert:
                # DEC graphics: tmux writes these one cell at a time
                self._draw_ascii(data.translate(ACS_TABLE), cell_path=True)
            else:
                acs = self.g1_acs if self.charset else self.g0_acs
                for ch in data:
                    self._put(ch.translate(ACS_TABLE) if acs else ch, 1)
            return
        for run in _ASCII_OR_ONE.findall(data):
            if run[0] < "\x80":
                self.draw(run)
            else:
                self.draw_unicode(run)

    def draw_unicode(self, ch: str) -> None:
        """Print one non-ASCII character (tmux input_top_bit_set + screen_write_cell)."""
        w = char_width(ch)
        self.last_char = None  # REP repeats only ASCII in tmux 3.3a
        if w < 0:
            return
        if ch == ZWJ:
            self.zwj = True
            return
        if self.zwj or w == 0:
            if self.zwj:
                self._combine(ZWJ)
                self.zwj = False
            self._combine(ch)
            return
        self._put(ch, w)

    def _draw_ascii(self, text: str, cell_path: bool = False) -> None:
        """Write single-width characters, autowrap on, no insert mode.

        This is tmux's collect path for printable ASCII; with *cell_path* the
        overwrite rules of its per-cell path (used for DEC graphics) apply.
        """
        cur = self.cursor
        cols = self.columns
        x = cur.x
        n = len(text)
        end = x + n
        if end <= cols:  # fits on this row: the usual case
            y = cur.y
            row = self.buffer[y]
            if x and not row[x][0]:
                self._fix_left(row, x, cell_path)
            if n == 1:
                row[x] = self._cells[text]
            else:
                row[x:end] = map(self._cells.__getitem__, text)
            if end < cols and not row[end][0]:
                self._fix_right(row, end)
            used = self.used
            if end > used[y]:
                used[y] = end
            self.dirty.add(y)
            cur.x = end
            return
        cells = self._cells
        buf = self.buffer
        used = self.used
        y = cur.y
        pos = 0
        while pos < n:
            if x >= cols:
                self._wrap_line()
                x = 0
                y = cur.y
            row = buf[y]
            k = cols - x
            if k > n - pos:
                k = n - pos
            end = x + k
            if x and not row[x][0]:
                self._fix_left(row, x, cell_path)
            if k == 1:
                row[x] = cells[text[pos]]
            else:
                row[x:end] = map(cells.__getitem__, text[pos:pos + k])
            if end < cols and not row[end][0]:
                self._fix_right(row, end)
            if end > used[y]:
                used[y] = end
            self.dirty.add(y)
            pos += k
            x = end
        cur.x = x

    def _fix_left(self, row: list[Char], x: int, cell_path: bool = False) -> None:
        """Writing over the second half of a wide character: erase the first half.

        tmux 3.3a's collect path erases the padding cells back to column 1 and
        the wide character they belong to unless it is in column 0; its
        per-cell path always erases the character.
        """
        xx = x
        while xx > 0 and not row[xx][0]:
            row[xx] = BLANK
            xx -= 1
        if cell_path or (xx > 0 and cell_width(row[xx]) > 1):
            row[xx] = BLANK

    def _fix_right(self, row: list[Char], x: int) -> None:
        """Padding cells left after a write: erase them."""
        cols = self.columns
        while x < cols and not row[x][0]:
            row[x] = BLANK
            x += 1

    def _wrap_line(self) -> None:
        """Autowrap: mark the row wrapped, line feed (default bg), column 0."""
        cur = self.cursor
        self.wrapped[cur.y] = True
        self.linefeed(BLANK)
        cur.x = 0

    def _put(self, data: str, width: int) -> None:
        """Write one cell of *width* (1 or 2) at the cursor (tmux screen_write_cell).

        tmux compares with unsigned arithmetic: ``cols - width`` wraps around
        when a wide character is wider than the screen, which a screen of one
        or two columns shows.
        """
        cur = self.cursor
        cols = self.columns
        wrap = self._autowrap
        x = cur.x
        room = cols - width
        if room < 0:
            room += UINT
        if not wrap and width > 1 and (width > cols or (x != cols and x > room)):
            return
        if self._insert:
            self._insert_cells(cur.y, x, width, BLANK)
        if wrap and x > room:
            self._wrap_line()
            x = 0
        if x > room:
            return
        y = cur.y
        if x < cols:
            self._write_cell(x, y, data, width)
        end = x + width
        not_wrap = 0 if wrap else 1
        limit = cols - not_wrap - width
        if limit < 0:
            limit += UINT
        if x <= limit:
            cur.x = end if end <= cols else cols - 1
        else:
            cur.x = cols - not_wrap

    def _write_cell(self, x: int, y: int, data: str, width: int) -> None:
        """Set the cell at x, y, clearing the wide characters it breaks (tmux
        screen_write_overwrite)."""
        cols = self.columns
        row = self.buffer[y]
        now = row[x]
        if not now[0]:
            # overwriting padding: clear back to (and including) its character
            xx = x
            while xx > 0 and not row[xx][0]:
                row[xx] = BLANK
                xx -= 1
            row[xx] = BLANK
            padding = True
        else:
            padding = False
        if width != 1 or padding or cell_width(now) != 1:
            xx = x + width
            while xx < cols and not row[xx][0]:
                row[xx] = BLANK
                xx += 1
        cells = self._cells
        row[x] = cells[data]
        end = x + width
        if width == 2 and x + 1 < cols:
            row[x + 1] = cells[""]
        if end > self.used[y]:
            self.used[y] = min(end, cols)
        self.dirty.add(y)

    def _combine(self, data: str, ascii_joined: bool = False) -> None:
        """Append a zero-width character to the cell left of the cursor.

        With *ascii_joined* (an ASCII character joined by a ZWJ) the character is
        shown as DEC graphics if the cell it joins is, as tmux displays it.
        """
        cur = self.cursor
        x = cur.x
        if x == 0 or x > self.columns:
            return
        row = self.buffer[cur.y]
        n = 1
        while n <= x and not row[x - n][0]:
            n += 1
        if n > x:
            return
        xx = x - n
        cell = row[xx]
        if ascii_joined and cell[0][0] in ACS_GLYPHS:
            data = data.translate(ACS_TABLE)
        combined = cell[0] + data
        if len(combined.encode("utf-8", "surrogatepass")) > UTF8_CELL_LIMIT:
            return
        row[xx] = cell._replace(data=combined)
        if xx + 1 > self.used[cur.y]:
            self.used[cur.y] = xx + 1
        self.dirty.add(cur.y)

    def repeat_last(self, count: int) -> None:
        """REP (``CSI n b``): print the last character again if it was printable ASCII."""
        ch = self.last_char
        if ch is None:
            return
        room = self.columns - self.cursor.x
        if count > room:
            count = room
        if count > 0:
            self.draw(ch * count)
