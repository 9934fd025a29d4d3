"""The virtual terminal: pyte ``Screen``/``Stream`` subclasses that behave like tmux.

Stock pyte gets many sequences wrong (see ``TERMINAL.md``). This module keeps
pyte's data model -- ``screen.buffer[y][x]`` is a :class:`pyte.screens.Char`,
``screen.cursor`` a :class:`pyte.screens.Cursor`, ``screen.dirty`` a set of row
numbers -- and replaces the behaviour with that of tmux 3.3a, the reference the
tests compare against cell by cell (``tests/tmux_oracle.py``):

* the parser is tmux's (Paul Williams' VT500 state machine): unknown or
  malformed sequences are swallowed whole, DCS/OSC/APC/PM/SOS strings never
  reach the screen, C0 controls inside a sequence are executed, CAN/SUB abort;
* the screen model is tmux's ``screen-write.c``/``grid.c``: pending wrap
  (``cursor.x == columns``), wide, combining and ZWJ characters with glibc's
  widths (:mod:`castview.term.widths`), DEC special graphics, the alternate
  screen (47/1047/1049), one DECSC slot, erase with the current background,
  scroll regions, tmux's quirks (ICH, unwrapping rows next to moved ones...)
  and reflow of wrapped rows when the window is resized.

Data model, beyond pyte's:

* ``buffer`` is a list of rows, each a list of exactly ``columns`` ``Char``;
  the second cell of a wide character holds ``Char("")`` (pyte's convention);
  a cell may hold a character followed by combining characters or a ZWJ
  sequence; DEC graphics cells hold the glyph (``q`` is stored as ``─``).
* ``wrapped[y]`` (the row continues on the next one), ``used[y]`` (tmux's
  cellused) and ``hidden_rows`` (rows a reflow pushed above the screen) exist
  so resizing reflows exactly as tmux does.
* colours: ``fg``/``bg`` are ``"default"``, one of pyte's eight names
  (``black red green brown blue magenta cyan white``), ``"bright" + name``,
  or six hex digits ``"rrggbb"``. SGR 38;5;n for n < 16 gives the names, so a
  theme palette applies to them; 16..255 use pyte's xterm table.

Deviations from tmux 3.3a, accepted on purpose:

* attributes pyte's ``Char`` cannot hold (dim, hidden, overline, underline
  styles and colours) are dropped; replies to queries are not sent;
* an APC string (``ESC _ ... ST``) does not set the title (tmux 3.3a takes it
  as the pane title; like xterm we ignore it: kitty graphics use APC);
* there is no scrollback: the reference is a tmux pane with
  ``history-limit 0`` (a taller window gets blank rows instead of lines
  pulled back from history; a one-row screen does not scroll);
* cells cut off by shrinking the window while the alternate screen is shown
  are dropped; tmux keeps them and shows them again if the window grows back
  before the application redraws;
* tmux leaves an unterminated string sequence after 5 seconds; a replay has
  no wall clock, so the terminator is waited for;
* a ZWJ followed by a DEC graphics character: whether the joined character
  shows as a glyph is guessed from the cell it joins.

Performance: ``draw`` writes runs of printable ASCII with one slice assignment
of cached ``Char`` instances; one regular expression splits the input into
text, complete CSI sequences and controls; SGR transitions are cached per
attribute set; only unusual input goes through the per-character state
machine. ``Terminal.snapshot``/``restore`` copy the whole state (both screens,
cursor, modes, charsets, saved cursors, tab stops, title stack, parser state).
"""

from __future__ import annotations

import logging
import pickle
import re
import zlib
from operator import itemgetter
from typing import Any, Callable, Optional

import pyte
from pyte import modes as mo
from pyte.graphics import FG_BG_256
from pyte.screens import Char, Cursor, Margins

from .widths import char_width

__all__ = ["Terminal", "TermScreen", "TermStream", "ACS_MAP", "BLANK", "SNAPSHOT_VERSION"]

_log = logging.getLogger(__name__)

#: The empty cell: a space with default colours and no attributes.
BLANK = Char(" ")
#: The attributes the cursor starts with (pyte stores attributes as a Char).
DEFAULT_ATTRS = BLANK

#: tmux's DEC special graphics table (tty-acs.c): ASCII -> UTF-8 glyph.
ACS_MAP: dict[str, str] = {
    "+": "\u2192", ",": "\u2190", "-": "\u2191", ".": "\u2193", "0": "\u25ae",
    "`": "\u25c6", "a": "\u2592", "b": "\u2409", "c": "\u240c", "d": "\u240d",
    "e": "\u240a", "f": "\u00b0", "g": "\u00b1", "h": "\u2424", "i": "\u240b",
    "j": "\u2518", "k": "\u2510", "l": "\u250c", "m": "\u2514", "n": "\u253c",
    "o": "\u23ba", "p": "\u23bb", "q": "\u2500", "r": "\u23bc", "s": "\u23bd",
    "t": "\u251c", "u": "\u2524", "v": "\u2534", "w": "\u252c", "x": "\u2502",
    "y": "\u2264", "z": "\u2265", "{": "\u03c0", "|": "\u2260", "}": "\u00a3",
    "~": "\u00b7",
}
_ACS_TABLE = str.maketrans(ACS_MAP)
_ACS_GLYPHS = frozenset(ACS_MAP.values())

_COLOUR_NAMES = ("black", "red", "green", "brown", "blue", "magenta", "cyan", "white")
_BRIGHT_NAMES = tuple("bright" + n for n in _COLOUR_NAMES)
_COLOUR_256: tuple[str, ...] = _COLOUR_NAMES + _BRIGHT_NAMES + tuple(FG_BG_256[16:])

_ZWJ = "\u200d"
_UTF8_CELL_LIMIT = 21  # tmux's UTF8_SIZE: bytes one cell can hold
_INT_MAX = 2147483647
_UINT = 1 << 32  # tmux's u_int arithmetic wraps around
_TITLE_STACK_LIMIT = 64
_STRING_LIMIT = 1 << 20  # tmux's input buffer limit: a longer OSC is discarded

# pyte-style mode numbers (private modes are shifted left by 5).
_DECAWM = mo.DECAWM
_DECTCEM = mo.DECTCEM
_DECOM = mo.DECOM
_IRM = mo.IRM
_ALTBUF = 1049 << 5  # set while the alternate screen is shown

_data_of = itemgetter(0)

# private modes tmux 3.3a tracks (others, e.g. ?5 reverse video, are ignored)
_KNOWN_PRIVATE_MODES = frozenset({1, 6, 7, 12, 25, 1000, 1002, 1003, 1004, 1005, 1006, 2004})
_MOUSE_MODES = frozenset({1000 << 5, 1001 << 5, 1002 << 5, 1003 << 5})


class _CellCache(dict):
    """Maps one-character strings to Char instances with fixed attributes.

    ``sgr`` maps an SGR parameter string to the cache of the attributes that
    SGR leads to from these ones.
    """

    __slots__ = ("attrs", "sgr")

    def __init__(self, attrs: Char) -> None:
        super().__init__()
        self.attrs = attrs
        self.sgr: dict[str, _CellCache] = {}

    def __missing__(self, data: str) -> Char:
        cell = Char._make((data,) + tuple(self.attrs[1:]))
        self[data] = cell
        return cell


def _cell_width(cell: Char) -> int:
    """Width tmux gives the character in *cell*: 0 for the second half of a wide one."""
    data = cell[0]
    if not data:
        return 0
    ch = data[0]
    if ch < "\x80":
        return 1
    return 2 if char_width(ch) == 2 else 1


class TermScreen(pyte.Screen):
    """A pyte Screen that computes what tmux 3.3a shows.

    Only :class:`TermStream` should call the mutating methods; their
    arguments are already decoded the way tmux decodes parameters.
    """

    #: Hook for castview.transcript (None: no cost but one test per scroll). Called with
    #: a row (its list of Char) and its wrapped flag just before the row leaves the top of
    #: the screen by scrolling (main or alternate screen: see ``alt_saved``), so lines that
    #: scroll past within a single feed() are not lost to a transcript.
    on_scroll_off: Optional[Callable[[list[Char], bool], None]] = None

    def __init__(self, columns: int, lines: int) -> None:  # noqa: D107
        # pyte.Screen.__init__ builds a dict-based buffer we do not use.
        self.columns = max(1, int(columns))
        self.lines = max(1, int(lines))
        self.dirty: set[int] = set()
        self.savepoints: list[Any] = []  # unused; pyte compatibility
        self._blanks: dict[str, Char] = {}
        self._cell_caches: dict[Char, _CellCache] = {}
        self.reset_all()

    # ------------------------------------------------------------------ setup

    def reset_all(self) -> None:
        """Power-on state: both screens empty, everything default."""
        cols, rows = self.columns, self.lines
        self.buffer: list[list[Char]] = [[BLANK] * cols for _ in range(rows)]
        self.wrapped: list[bool] = [False] * rows
        self.used: list[int] = [0] * rows  # tmux's cellused per row
        # rows pushed above the screen by a reflow (tmux "history" with limit 0)
        self.hidden_rows: list[tuple[list[Char], bool, int]] = []
        self.cursor = Cursor(0, 0, DEFAULT_ATTRS)
        self._set_attrs(DEFAULT_ATTRS)
        self.margins = Margins(0, rows - 1)
        self.mode: set[int] = {_DECAWM, _DECTCEM}
        self.charset = 0  # 0: G0 is active (SI), 1: G1 (SO)
        self.g0_acs = False  # G0 designated as DEC special graphics
        self.g1_acs = False
        self._sync_modes()
        self.saved_cursor: tuple = (0, 0, DEFAULT_ATTRS, 0, False, False, False)
        self.alt_saved: Optional[tuple] = None  # main screen while the alternate one is shown
        self.alt_cursor: Optional[tuple[int, int]] = None
        self.alt_attrs: Char = DEFAULT_ATTRS
        self.tabstops: set[int] = set(range(8, cols, 8))
        self.title = ""
        self.icon_name = ""
        self.title_stack: list[str] = []
        self.cursor_style = 0
        self.last_char: Optional[str] = None  # for REP; None when the last thing was not a print
        self.zwj = False  # a ZWJ was printed: combine the next character
        self.dirty.update(range(rows))

    def reset(self) -> None:
        """RIS (``ESC c``), as tmux does it: keeps the title and the alternate screen."""
        self._set_attrs(DEFAULT_ATTRS)
        self.charset = 0
        self.g0_acs = self.g1_acs = False
        self._sync_charset()
        self.saved_cursor = (0, 0, DEFAULT_ATTRS, 0, False, False, False)
        self.tabstops = set(range(8, self.columns, 8))
        self.set_scroll_region(0, self.lines - 1)
        alt = _ALTBUF in self.mode
        self.mode = {_DECAWM, _DECTCEM}
        if alt:
            self.mode.add(_ALTBUF)
        self._sync_modes()
        self.cursor.hidden = False
        self._clear_rows(0, self.lines, BLANK)
        self.cursor.x = self.cursor.y = 0

    def _sync_modes(self) -> None:
        mode = self.mode
        self._autowrap = _DECAWM in mode
        self._insert = _IRM in mode
        self._origin = _DECOM in mode
        self.cursor.hidden = _DECTCEM not in mode
        self._sync_charset()

    def _sync_charset(self) -> None:
        """Recompute whether printable ASCII can take the fast path."""
        acs = self.g1_acs if self.charset else self.g0_acs
        self.fast_ascii = self._autowrap and not self._insert and not acs

    def _set_attrs(self, attrs: Char) -> None:
        self.cursor.attrs = attrs
        cache = self._cell_caches.get(attrs)
        if cache is None:
            if len(self._cell_caches) > 512:
                self._cell_caches.clear()
            cache = self._cell_caches[attrs] = _CellCache(attrs)
        self._cells = cache

    def _blank(self, bg: str) -> Char:
        """An erased cell: a space with only the background colour kept."""
        cell = self._blanks.get(bg)
        if cell is None:
            cell = self._blanks[bg] = Char(" ", "default", bg)
        return cell

    @property
    def default_char(self) -> Char:  # pyte API
        return BLANK

    @property
    def display(self) -> list[str]:  # pyte API
        return ["".join(map(_data_of, row)) for row in self.buffer]

    # ----------------------------------------------------------- row helpers

    # Row operations mirror tmux's grid_move_lines/grid_clear_lines exactly,
    # including how they drop the "wrapped" flag of neighbouring rows (which
    # matters to backspace at column 0 and to reflow on resize). Row -1 is the
    # last row pushed above the screen by a reflow, if any.

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
        if top == 0 and self.on_scroll_off is not None:  # transcript hook, see on_scroll_off
            self.on_scroll_off(buf[0], self.wrapped[0])
        if top == 0 and bottom == len(buf) - 1 and bottom > 1 and not self.hidden_rows:
            # the common case, done in place (same result as _move_lines)
            wr, used = self.wrapped, self.used
            del buf[0], wr[0], used[0]
            buf.append([blank] * self.columns)
            wr.append(False)
            used.append(0)
            self.dirty.update(range(bottom + 1))
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

    # ------------------------------------------------------------- printing

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
                self._combine(_ZWJ)
                self._combine(data[0], ascii_joined=True)
                data = data[1:]
                if not data:
                    return
            if self._autowrap and not self._insert:
                # DEC graphics: tmux writes these one cell at a time
                self._draw_ascii(data.translate(_ACS_TABLE), cell_path=True)
            else:
                acs = self.g1_acs if self.charset else self.g0_acs
                for ch in data:
                    self._put(ch.translate(_ACS_TABLE) if acs else ch, 1)
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
        if ch == _ZWJ:
            self.zwj = True
            return
        if self.zwj or w == 0:
            if self.zwj:
                self._combine(_ZWJ)
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
        if cell_path or (xx > 0 and _cell_width(row[xx]) > 1):
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
        self._linefeed(BLANK)
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
            room += _UINT
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
            limit += _UINT
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
        if width != 1 or padding or _cell_width(now) != 1:
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
        if ascii_joined and cell[0][0] in _ACS_GLYPHS:
            data = data.translate(_ACS_TABLE)
        combined = cell[0] + data
        if len(combined.encode("utf-8", "surrogatepass")) > _UTF8_CELL_LIMIT:
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

    # ------------------------------------------------------- cursor motion

    def carriage_return(self) -> None:
        self.cursor.x = 0

    def _linefeed(self, blank: Char) -> None:
        cur = self.cursor
        top, bottom = self.margins
        if cur.y != bottom:
            if cur.y < self.lines - 1:
                cur.y += 1
            return
        self._scroll_up(top, bottom, blank)

    def linefeed(self) -> None:
        """LF, VT, FF, IND: down one row, scrolling the region at its bottom."""
        self._linefeed(self._blank(self.cursor.attrs[2]))

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

    def _set_cursor(self, x: int, y: int) -> None:
        """tmux screen_write_set_cursor: -1 keeps a coordinate; x may equal columns."""
        cur = self.cursor
        if x != -1:
            if x > self.columns:
                x = self.columns - 1
            cur.x = x
        if y != -1:
            if y > self.lines - 1:
                y = self.lines - 1
            cur.y = y

    def cursor_move(self, x: int, y: int, origin: bool = True) -> None:
        """tmux screen_write_cursormove: absolute move, origin mode applied to y."""
        if origin and y != -1 and self._origin:
            top, bottom = self.margins
            if y > bottom - top:
                y = bottom
            else:
                y += top
        if x != -1 and x > self.columns - 1:
            x = self.columns - 1
        if y != -1 and y > self.lines - 1:
            y = self.lines - 1
        self._set_cursor(x, y)

    def cursor_position(self, line: Optional[int] = None, column: Optional[int] = None) -> None:
        """CUP/HVP with 1-based arguments (pyte API)."""
        self.cursor_move((column or 1) - 1, (line or 1) - 1)

    def cursor_up(self, count: Optional[int] = None) -> None:
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

    def cursor_down(self, count: Optional[int] = None) -> None:
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

    def cursor_forward(self, count: Optional[int] = None) -> None:
        cur = self.cursor
        n = count or 1
        last = self.columns - 1
        if cur.x > last:
            cur.x = last
            return
        if n > last - cur.x:
            n = last - cur.x
        cur.x += n

    def cursor_back(self, count: Optional[int] = None) -> None:
        cur = self.cursor
        n = count or 1
        if n > cur.x:
            n = cur.x
        cur.x -= n
        if cur.x > self.columns:  # only after a shrink left it off screen
            cur.x = self.columns - 1

    def cursor_to_column(self, column: Optional[int] = None) -> None:
        self.cursor_move((column or 1) - 1, -1)

    def cursor_to_line(self, line: Optional[int] = None) -> None:
        self.cursor_move(-1, (line or 1) - 1)

    # ------------------------------------------------------------- editing

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

    def insert_characters(self, count: Optional[int] = None) -> None:
        """ICH (``CSI n @``)."""
        cur = self.cursor
        n = count or 1
        cols = self.columns
        if n > cols - cur.x:
            n = cols - cur.x
        if n <= 0 or cur.x > cols - 1:
            return
        self._insert_cells(cur.y, cur.x, n, self._blank(cur.attrs[2]))

    def delete_characters(self, count: Optional[int] = None) -> None:
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

    def erase_characters(self, count: Optional[int] = None) -> None:
        """ECH (``CSI n X``)."""
        cur = self.cursor
        n = count or 1
        cols = self.columns
        if n > cols - cur.x:
            n = cols - cur.x
        if n <= 0 or cur.x > cols - 1:
            return
        self._clear_cells(cur.y, cur.x, cur.x + n, self._blank(cur.attrs[2]))

    def erase_in_line(self, how: int = 0, private: bool = False) -> None:
        """EL (``CSI n K``)."""
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

    def insert_lines(self, count: Optional[int] = None) -> None:
        """IL (``CSI n L``): the cursor does not move (tmux)."""
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

    def delete_lines(self, count: Optional[int] = None) -> None:
        """DL (``CSI n M``): the cursor does not move (tmux)."""
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

    def _grid_clear_lines(self, py: int, ny: int, blank: Char) -> None:
        """tmux grid_clear(0, py, sx, ny): with a "negative" (wrapped) ny it
        clears nothing but still drops the wrapped flag above *py*."""
        if ny != 0:
            self._clear_lines(py, max(ny, 0), blank)

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

    def set_margins(self, top: Optional[int] = None, bottom: Optional[int] = None) -> None:
        """DECSTBM with 1-based arguments (pyte API)."""
        self.set_scroll_region(max(top or 1, 1) - 1, (bottom or self.lines) - 1)

    def alignment_display(self) -> None:
        """DECALN (``ESC # 8``)."""
        e = Char("E")
        cols = self.columns
        self.buffer = [[e] * cols for _ in range(self.lines)]
        self.used = [cols] * self.lines
        self.cursor.x = self.cursor.y = 0
        self.margins = Margins(0, self.lines - 1)
        self.dirty.update(range(self.lines))

    # ------------------------------------------------------ modes and state

    def set_mode(self, *modes: int, **kwargs: Any) -> None:
        """SM / DECSET. Private modes are shifted by 5 like pyte's."""
        private = kwargs.get("private", False)
        for m in modes:
            if not private:
                if m == 4:
                    self.mode.add(_IRM)
                continue
            if m in (47, 1047, 1049):
                self.alternate_on(m == 1049)
                continue
            if m == 3:  # DECCOLM: no resize in tmux, home + clear
                self.cursor_move(0, 0)
                self._clear_rows(0, self.lines, self._blank(self.cursor.attrs[2]))
                continue
            if m not in _KNOWN_PRIVATE_MODES:
                continue
            if m in (1000, 1002, 1003):
                self.mode.difference_update(_MOUSE_MODES)
            self.mode.add(m << 5)
            if m == 6:
                self._sync_modes()
                self.cursor_move(0, 0)
        self._sync_modes()

    def reset_mode(self, *modes: int, **kwargs: Any) -> None:
        """RM / DECRST."""
        private = kwargs.get("private", False)
        for m in modes:
            if not private:
                if m == 4:
                    self.mode.discard(_IRM)
                continue
            if m in (47, 1047, 1049):
                self.alternate_off(m == 1049)
                continue
            if m == 3:
                self.cursor_move(0, 0)
                self._clear_rows(0, self.lines, self._blank(self.cursor.attrs[2]))
                continue
            if m in (1000, 1001, 1002, 1003):
                self.mode.difference_update(_MOUSE_MODES)
                continue
            self.mode.discard(m << 5)
            if m == 6:
                self._sync_modes()
                self.cursor_move(0, 0)
        self._sync_modes()

    def alternate_on(self, save_cursor: bool) -> None:
        """``CSI ? 47/1047/1049 h``: tmux keeps a copy of the main screen and clears."""
        if self.alt_saved is not None:
            return
        self.alt_saved = (self.buffer, self.wrapped, self.used)
        if save_cursor:
            self.alt_cursor = (self.cursor.x, self.cursor.y)
        self.alt_attrs = self.cursor.attrs
        rows = self.lines
        self._unwrap_above(0)  # grid_view_clear of the whole screen
        self.buffer = [[BLANK] * self.columns for _ in range(rows)]
        self.wrapped = [False] * rows
        self.used = [0] * rows
        self.mode.add(_ALTBUF)
        self.dirty.update(range(rows))

    def alternate_off(self, restore_cursor: bool) -> None:
        """``CSI ? 47/1047/1049 l``: back to the main screen.

        If the window was resized meanwhile, tmux 3.3a goes back to the size
        the main screen was saved at, restores it (and, for 1049, the cursor)
        and then resizes again, reflowing the main screen.
        """
        cur = self.cursor
        if self.alt_saved is None:
            # tmux restores (1049) and clamps the cursor even then: no pending wrap
            if restore_cursor and self.alt_cursor is not None:
                cur.x, cur.y = self.alt_cursor
                self._set_attrs(self.alt_attrs)
            cur.x = min(cur.x, self.columns - 1)
            cur.y = min(cur.y, self.lines - 1)
            return
        buffer, wrapped, used = self.alt_saved
        self.alt_saved = None
        self.mode.discard(_ALTBUF)
        cols, rows = self.columns, self.lines
        saved_rows = len(buffer)
        saved_cols = len(buffer[0])
        resized = saved_rows != rows or saved_cols != cols
        if resized:
            self._resize(saved_cols, saved_rows, reflow=False)
        self.buffer, self.wrapped, self.used = buffer, wrapped, used
        if restore_cursor and self.alt_cursor is not None:
            cur.x, cur.y = self.alt_cursor
            self._set_attrs(self.alt_attrs)
        cur.x = min(cur.x, self.columns - 1)
        cur.y = min(cur.y, self.lines - 1)
        if resized:
            self._resize(cols, rows, reflow=True)
        self.dirty.update(range(self.lines))

    def save_cursor(self) -> None:
        """DECSC (``ESC 7``, ``CSI s``): one slot, shared by both screens."""
        cur = self.cursor
        self.saved_cursor = (cur.x, cur.y, cur.attrs, self.charset, self.g0_acs,
                             self.g1_acs, self._origin)

    def restore_cursor(self) -> None:
        """DECRC (``ESC 8``, ``CSI u``)."""
        x, y, attrs, charset, g0, g1, origin = self.saved_cursor
        self._set_attrs(attrs)
        self.charset, self.g0_acs, self.g1_acs = charset, g0, g1
        if origin:
            self.mode.add(_DECOM)
        else:
            self.mode.discard(_DECOM)
        self._sync_modes()
        self.cursor_move(x, y, origin=False)

    def define_charset(self, code: str, mode: str) -> None:
        """SCS: only ``0`` (DEC special graphics) and ``B`` (ASCII) exist in tmux."""
        if code not in "0B":
            return
        acs = code == "0"
        if mode == "(":
            self.g0_acs = acs
        elif mode == ")":
            self.g1_acs = acs
        self._sync_charset()

    def shift_in(self) -> None:
        self.charset = 0
        self._sync_charset()

    def shift_out(self) -> None:
        self.charset = 1
        self._sync_charset()

    def set_title(self, param: str) -> None:
        self.title = param

    def set_icon_name(self, param: str) -> None:
        self.icon_name = param

    def push_title(self) -> None:
        self.title_stack.insert(0, self.title)
        del self.title_stack[_TITLE_STACK_LIMIT:]

    def pop_title(self) -> None:
        if self.title_stack:
            self.title = self.title_stack.pop(0)

    def bell(self, *args: Any) -> None:
        pass

    def debug(self, *args: Any, **kwargs: Any) -> None:
        pass

    def write_process_input(self, data: str) -> None:
        pass

    def report_device_attributes(self, mode: int = 0, **kwargs: Any) -> None:
        pass

    def report_device_status(self, mode: int) -> None:
        pass

    # ---------------------------------------------------------------- SGR

    def select_graphic_rendition(self, *attrs: int, **kwargs: Any) -> None:
        """SGR with numeric arguments (pyte API)."""
        self._set_attrs(_apply_sgr(self.cursor.attrs, tuple(attrs)))

    # -------------------------------------------------------------- resize

    def resize(self, lines: Optional[int] = None, columns: Optional[int] = None) -> None:
        """Resize like a tmux pane (history-limit 0): reflow the main screen."""
        rows = max(1, int(lines or self.lines))
        cols = max(1, int(columns or self.columns))
        if rows == self.lines and cols == self.columns:
            return
        self._resize(cols, rows, reflow=self.alt_saved is None)
        self.dirty.update(range(self.lines))

    def _resize(self, cols: int, rows: int, reflow: bool) -> None:
        """tmux screen_resize_cursor(reflow, eat_empty=1, cursor=1)."""
        cur = self.cursor
        hsize = len(self.hidden_rows)
        cx, cy = cur.x, hsize + cur.y
        old_cols = self.columns
        if cols != old_cols:
            self.tabstops = set(range(8, cols, 8))
        else:
            reflow = False
        if rows != self.lines:
            cy = self._resize_y(rows, cy)
        # width: grow/shrink every row (cells beyond the width are dropped)
        if cols != old_cols:
            self.columns = cols
            if reflow:
                cx, cy = self._reflow(cols, old_cols, cx, cy)
            else:
                for row in self.buffer:
                    _fit_row(row, cols)
                self.used = [min(u, cols) for u in self.used]
        hsize = len(self.hidden_rows)
        if cy >= hsize:
            cur.x, cur.y = cx, cy - hsize
        else:
            cur.x = cur.y = 0
        if cur.y > self.lines - 1:
            cur.y = self.lines - 1

    def _resize_y(self, rows: int, cy: int) -> int:
        """tmux screen_resize_y without history: to shrink, delete the rows
        below the cursor, then rows from the top; to grow, add blank rows."""
        old = self.lines
        y = self.cursor.y
        if rows < old:
            needed = old - rows
            available = old - 1 - y
            if available > 0:
                available = min(available, needed)
                # grid_view_delete_lines(old - available, available)
                self._grid_clear_lines(old - available, available, BLANK)
            else:
                available = 0
            needed -= available
            available = y
            if needed > 0 and available > 0:
                available = min(available, needed)
                # grid_view_delete_lines(0, available)
                self._move_lines(0, available, old - available, BLANK)
                self._grid_clear_lines(old - available, available, BLANK)
                cy -= available
            del self.buffer[rows:], self.wrapped[rows:], self.used[rows:]
        else:
            cols = len(self.buffer[0]) if self.buffer else self.columns
            for _ in range(rows - old):
                self.buffer.append([BLANK] * cols)
                self.wrapped.append(False)
                self.used.append(0)
        self.lines = rows
        self.margins = Margins(0, rows - 1)
        return cy

    def _reflow(self, cols: int, old_cols: int, cx: int, cy: int) -> tuple[int, int]:
        """Re-wrap hidden and visible rows to *cols* (tmux grid_reflow)."""
        src_rows = [r for r, _, _ in self.hidden_rows] + self.buffer
        src_wrapped = [w for _, w, _ in self.hidden_rows] + self.wrapped
        src_used = [u for _, _, u in self.hidden_rows] + self.used
        # cursor -> position in the unwrapped text (grid_wrap_position)
        ax = ay = 0
        for yy in range(cy):
            if src_wrapped[yy]:
                ax += src_used[yy]
            else:
                ax = 0
                ay += 1
        wx = -1 if cx >= src_used[cy] else ax + cx
        wy = ay
        rows, wrapped, used = _reflow_rows(src_rows, src_wrapped, src_used, cols)
        sy = self.lines
        if len(rows) < sy:
            for _ in range(sy - len(rows)):
                rows.append([])
                wrapped.append(False)
                used.append(0)
        # grid_unwrap_position
        total = len(rows)
        yy = 0
        ay = 0
        while yy < total - 1:
            if ay == wy:
                break
            if not wrapped[yy]:
                ay += 1
            yy += 1
        if wx == -1:
            while wrapped[yy] and yy < total - 1:
                yy += 1
            wx = used[yy]
        else:
            while wrapped[yy] and yy < total - 1:
                if wx < used[yy]:
                    break
                wx -= used[yy]
                yy += 1
        for row in rows:
            _fit_row(row, cols)
        # A wide character wider than the screen can leave more cells than
        # columns (tmux keeps them off screen; castview drops them).
        used = [u if u <= cols else cols for u in used]
        hsize = total - sy
        self.hidden_rows = list(zip(rows[:hsize], wrapped[:hsize], used[:hsize]))
        self.buffer = rows[hsize:]
        self.wrapped = wrapped[hsize:]
        self.used = used[hsize:]
        return wx, yy


def _fit_row(row: list[Char], cols: int) -> None:
    """Pad with blanks or cut *row* in place to *cols* cells."""
    n = len(row)
    if n < cols:
        row.extend([BLANK] * (cols - n))
    elif n > cols:
        del row[cols:]


def _reflow_rows(rows: list[list[Char]], wrapped: list[bool], used: list[int],
                 sx: int) -> tuple[list[list[Char]], list[bool], list[int]]:
    """tmux grid_reflow: re-wrap *rows* (full cell lists) to width *sx*.

    A row's content is its first ``used`` cells (tmux's cellused); rows moved
    across unchanged keep their other cells too, as tmux moves whole lines.
    """
    src = list(rows)
    src_used = list(used)
    flags = list(wrapped)
    total = len(src)
    dead = [False] * total
    out_rows: list[list[Char]] = []
    out_wrapped: list[bool] = []
    out_used: list[int] = []

    def move(yy: int) -> None:
        out_rows.append(list(src[yy]))
        out_wrapped.append(flags[yy])
        out_used.append(src_used[yy])
        dead[yy] = True

    def join(yy: int, width: int, already: bool) -> None:
        if not already:
            move(yy)
        to = len(out_rows) - 1
        target = out_rows[to]
        at = out_used[to]
        n_lines = 0
        is_wrapped = True
        want = 0
        from_idx = -1
        while yy + 1 + n_lines != total:
            line = yy + 1 + n_lines
            if not flags[line]:
                is_wrapped = False
            if src_used[line] == 0:
                if not is_wrapped:
                    break
                n_lines += 1
                continue
            cells = src[line]
            cw = _cell_width(cells[0])
            if width + cw > sx:
                break
            width += cw
            _set_cell(target, at, cells[0])
            at += 1
            from_idx = line
            want = 1
            while want < src_used[line]:
                cw = _cell_width(cells[want])
                if width + cw > sx:
                    break
                width += cw
                _set_cell(target, at, cells[want])
                at += 1
                want += 1
            n_lines += 1
            if not is_wrapped or want != src_used[line] or width == sx:
                break
        if at > out_used[to]:
            out_used[to] = at
        if n_lines == 0:
            return
        left = src_used[from_idx] - want if from_idx >= 0 else 0
        if left != 0:
            src[from_idx] = src[from_idx][want:want + left]
            src_used[from_idx] = left
            n_lines -= 1
        elif not is_wrapped:
            out_wrapped[to] = False
        for i in range(yy + 1, yy + 1 + n_lines):
            dead[i] = True

    def split(yy: int, at: int) -> None:
        cells = src[yy]
        u = src_used[yy]
        flag = flags[yy]
        out_rows.append(cells[:at])
        out_wrapped.append(True)
        out_used.append(at)
        cur: list[Char] = []
        width = 0
        for i in range(at, u):
            cw = _cell_width(cells[i])
            if width + cw > sx:
                out_rows.append(cur)
                out_wrapped.append(True)
                out_used.append(len(cur))
                cur = []
                width = 0
            width += cw
            cur.append(cells[i])
        out_rows.append(cur)
        out_wrapped.append(flag)
        out_used.append(len(cur))
        dead[yy] = True
        if width < sx and flag:
            join(yy, width, True)

    for yy in range(total):
        if dead[yy]:
            continue
        cells = src[yy]
        at = width = 0
        for i in range(src_used[yy]):
            cw = _cell_width(cells[i])
            if at == 0 and width + cw > sx:
                at = i
            width += cw
        if width == sx:
            move(yy)
        elif width > sx:
            split(yy, at)
        elif flags[yy]:
            join(yy, width, False)
        else:
            move(yy)
    return out_rows, out_wrapped, out_used


def _set_cell(row: list[Char], x: int, cell: Char) -> None:
    if x < len(row):
        row[x] = cell
    else:
        row.extend([BLANK] * (x - len(row)))
        row.append(cell)


# ------------------------------------------------------------------ SGR

def _sgr_get(params: tuple, i: int, default: int) -> int:
    """tmux input_get(i, 0, default) for SGR: -1 for colon strings."""
    if i >= len(params):
        return default
    p = params[i]
    if p is None:
        return default
    if type(p) is str:
        return -1
    return p


def _apply_sgr(attrs: Char, params: tuple) -> Char:
    """Return *attrs* changed by an SGR with decoded *params* (tmux semantics)."""
    if not params:
        return DEFAULT_ATTRS
    _, fg, bg, bold, italics, under, strike, reverse, blink = attrs
    n = len(params)
    i = 0
    while i < n:
        p = params[i]
        if type(p) is str:
            res = _sgr_colon(p)
            if res is not None:
                kind, value = res
                if kind == "u":
                    under = value
                elif kind == 38:
                    fg = value
                elif kind == 48:
                    bg = value
            i += 1
            continue
        if p is None:
            p = 0
        if p == 38 or p == 48 or p == 58:
            i += 1
            q = _sgr_get(params, i, -1)
            if q == 2:
                r = _sgr_get(params, i + 1, -1)
                g = _sgr_get(params, i + 2, -1)
                b = _sgr_get(params, i + 3, -1)
                if 0 <= r <= 255 and 0 <= g <= 255 and 0 <= b <= 255:
                    value = "%02x%02x%02x" % (r, g, b)
                    if p == 38:
                        fg = value
                    elif p == 48:
                        bg = value
                    i += 3
            elif q == 5:
                c = _sgr_get(params, i + 1, -1)
                if c == -1 or c > 255:
                    if p == 38:
                        fg = "default"
                    elif p == 48:
                        bg = "default"
                elif p == 38:
                    fg = _COLOUR_256[c]
                elif p == 48:
                    bg = _COLOUR_256[c]
                i += 1
            i += 1
            continue
        if p == 0:
            fg = bg = "default"
            bold = italics = under = strike = reverse = blink = False
        elif p == 1:
            bold = True
        elif p == 3:
            italics = True
        elif p == 4 or p == 21:
            under = True
        elif p == 5 or p == 6:
            blink = True
        elif p == 7:
            reverse = True
        elif p == 9:
            strike = True
        elif p == 22:
            bold = False
        elif p == 23:
            italics = False
        elif p == 24:
            under = False
        elif p == 25:
            blink = False
        elif p == 27:
            reverse = False
        elif p == 29:
            strike = False
        elif 30 <= p <= 37:
            fg = _COLOUR_NAMES[p - 30]
        elif p == 39:
            fg = "default"
        elif 40 <= p <= 47:
            bg = _COLOUR_NAMES[p - 40]
        elif p == 49:
            bg = "default"
        elif 90 <= p <= 97:
            fg = _BRIGHT_NAMES[p - 90]
        elif 100 <= p <= 107:
            bg = _BRIGHT_NAMES[p - 100]
        i += 1
    return Char(" ", fg, bg, bold, italics, under, strike, reverse, blink)


def _compile_sgr(params: tuple) -> tuple[Optional[Char], tuple[tuple[int, Any], ...]]:
    """Reduce an SGR to its effect: ``(attrs, ())`` or ``(None, field changes)``.

    An SGR is a left-to-right list of field assignments, so what it does
    depends on its parameters only. Applied to placeholder attributes, the
    fields still holding a placeholder are the ones it leaves alone; if there
    are none (a reset, or every field set) the result is the same whatever the
    current attributes are.
    """
    probe = Char._make([" "] + [object() for _ in range(8)])
    after = _apply_sgr(probe, params)
    if all(after[i] is not probe[i] for i in range(1, 9)):
        return _apply_sgr(DEFAULT_ATTRS, params), ()
    return None, tuple((i, after[i]) for i in range(1, 9) if after[i] is not probe[i])


def _sgr_colon(s: str) -> Optional[tuple[Any, Any]]:
    """One colon-separated SGR parameter: ``4:n``, ``38:2::r:g:b``, ``38:5:n``..."""
    p: list[int] = []
    for part in s.split(":"):
        if part:
            if not part.isdigit() or int(part) > _INT_MAX:
                return None
            p.append(int(part))
        else:
            p.append(-1)
        if len(p) == 8:
            return None
    n = len(p)
    if p[0] == 4:
        if n != 2:
            return None
        if p[1] == 0:
            return ("u", False)
        if 1 <= p[1] <= 5:
            return ("u", True)
        return None
    if n < 2 or p[0] not in (38, 48, 58):
        return None
    if p[1] == 2:
        if n < 3:
            return None
        j = 2 if n == 5 else 3
        if n < j + 3:
            return None
        r, g, b = p[j], p[j + 1], p[j + 2]
        if not (0 <= r <= 255 and 0 <= g <= 255 and 0 <= b <= 255):
            return None
        return (p[0], "%02x%02x%02x" % (r, g, b)) if p[0] != 58 else None
    if p[1] == 5:
        if n < 3:
            return None
        c = p[2]
        if p[0] == 58:
            return None
        if c == -1 or c > 255:
            return (p[0], "default")
        return (p[0], _COLOUR_256[c])
    return None


# --------------------------------------------------------------- parser

# parser states (tmux input.c)
GROUND = 0
ESC_ENTER = 1
ESC_INTER = 2
CSI_ENTER = 3
CSI_PARAM = 4
CSI_INTER = 5
CSI_IGNORE = 6
DCS_ENTER = 7
DCS_PARAM = 8
DCS_INTER = 9
DCS_HANDLER = 10
DCS_ESCAPE = 11
DCS_IGNORE = 12
OSC_STRING = 13
APC_STRING = 14
RENAME_STRING = 15
CONSUME_ST = 16

_TOKEN = re.compile(
    r"([^\x00-\x1f\x7f]+)"  # 1: printable text
    r"|\x1b\[([<=>?]?)([0-9:;]*)([ -/]*)([@-~])"  # 2-5: a complete, plain CSI sequence
    r"|([\x00-\x1f\x7f])"  # 6: a control character (ESC starts the slow path)
)
_ASCII_OR_ONE = re.compile(r"[\x20-\x7e]+|[^\x20-\x7e]")
_STRING_STOP = re.compile(r"[\x00-\x1f]")
_CONSUME_STOP = re.compile(r"[\x18\x1a\x1b]")


class _ParamCache(dict):
    """Decoded CSI parameter strings: "1;;38:5:3" -> (1, None, "38:5:3")."""

    def __missing__(self, params: str) -> Optional[tuple]:
        out: list[Any] = []
        for part in params.split(";"):
            if not part:
                out.append(None)
            elif ":" in part:
                out.append(part)
            else:
                if not part.isdigit():
                    value = None
                    break
                v = int(part)
                if v > _INT_MAX:
                    value = None
                    break
                out.append(v)
            if len(out) == 24:
                value = None
                break
        else:
            value = tuple(out)
        if len(self) > 4096:
            self.clear()
        self[params] = value
        return value


def _valid_title(title: str) -> bool:
    """tmux utf8_isvalid: printable ASCII, or characters with a width (no C1, DEL...)."""
    for ch in title:
        if ch < "\x80":
            if not " " <= ch <= "~":
                return False
        elif char_width(ch) < 0:
            return False
    return True


def _get(params: tuple, i: int, minval: int, default: int) -> int:
    """tmux input_get: default if missing, -1 for a colon string, at least minval."""
    if i >= len(params):
        return default
    p = params[i]
    if p is None:
        return default
    if type(p) is str:
        return -1
    return p if p >= minval else minval


class TermStream(pyte.Stream):
    """A pyte Stream running tmux's parser; feed() never raises on any input."""

    def __init__(self, screen: TermScreen) -> None:  # noqa: D107
        # pyte.Stream.__init__ would build pyte's generator parser; we have our own.
        self.listener = screen
        self.strict = False
        self.use_utf8 = True
        self._screen = screen
        self.state = GROUND
        self.interm = ""
        self.params = ""
        self.discard = False
        self.string: list[str] = []
        self.string_len = 0
        self._param_cache = _ParamCache()
        self.errors = 0  # internal errors survived by feed() (tests assert none)
        self.last_error: Optional[BaseException] = None
        self._sgr_cache: dict[str, tuple[Optional[Char], tuple]] = {}
        s = screen
        self._c0: dict[str, Callable[[], None]] = {
            "\x08": s.backspace,
            "\x09": s.tab,
            "\x0a": s.linefeed,
            "\x0b": s.linefeed,
            "\x0c": s.linefeed,
            "\x0d": s.carriage_return,
            "\x0e": s.shift_out,
            "\x0f": s.shift_in,
        }
        self._csi_table: dict[tuple[str, str], Callable[[tuple], None]] = {
            ("@", ""): self._ich, ("A", ""): self._cuu, ("B", ""): self._cud,
            ("C", ""): self._cuf, ("D", ""): self._cub, ("E", ""): self._cnl,
            ("F", ""): self._cpl, ("G", ""): self._hpa, ("H", ""): self._cup,
            ("J", ""): self._ed, ("K", ""): self._el, ("L", ""): self._il,
            ("M", ""): self._dl, ("P", ""): self._dch, ("S", ""): self._su,
            ("T", ""): self._sd, ("X", ""): self._ech, ("Z", ""): self._cbt,
            ("`", ""): self._hpa, ("b", ""): self._rep, ("c", ""): _noop,
            ("c", ">"): _noop, ("d", ""): self._vpa, ("f", ""): self._cup,
            ("g", ""): self._tbc, ("h", ""): self._sm, ("h", "?"): self._sm_private,
            ("l", ""): self._rm, ("l", "?"): self._rm_private,
            ("m", ">"): _noop, ("n", ""): _noop, ("n", ">"): _noop, ("n", "?"): _noop,
            ("p", "$"): _noop, ("p", "?$"): _noop, ("q", " "): self._decscusr,
            ("q", ">"): _noop, ("r", ""): self._decstbm, ("s", ""): self._scp,
            ("t", ""): self._winops, ("u", ""): self._rcp,
        }

    # -------------------------------------------------------------- feeding

    @property
    def at_boundary(self) -> bool:
        return self.state == GROUND

    def feed(self, data: str) -> None:  # type: ignore[override]
        """Parse *data*; an internal error skips the offending token, never the rest."""
        i = 0
        n = len(data)
        while i < n:
            i = self._feed(data, i)

    def _feed(self, data: str, i: int) -> int:
        """Parse from *i*; return where parsing stopped (len(data), or after a failed token)."""
        n = len(data)
        screen = self._screen
        draw = screen.draw
        draw_ascii = screen._draw_ascii
        c0 = self._c0
        csi = self._csi_dispatch
        finditer = _TOKEN.finditer
        m = None
        try:
            if self.state != GROUND:
                i = self._slow(data, i)
            while i < n:
                for m in finditer(data, i):
                    k = m.lastindex
                    if k == 1:
                        text = m.group(1)
                        if screen.fast_ascii and text.isascii():
                            draw_ascii(text)
                            screen.last_char = text[-1]
                        else:
                            draw(text)
                    elif k == 5:
                        pre, params, inter, final = m.group(2, 3, 4, 5)
                        csi(pre + inter if inter else pre, params, final)
                    else:
                        ch = m.group(6)
                        if ch == "\x1b":
                            self._enter_esc()
                            i = m.end()
                            m = None
                            i = self._slow(data, i)
                            break
                        if ch != "\x7f":
                            screen.last_char = None
                            f = c0.get(ch)
                            if f is not None:
                                f()
                else:
                    return n
            return i
        except Exception as exc:  # pragma: no cover - defensive, see tests/test_term_fuzz.py
            # A bug here must not lose the rest of the recording: skip the token.
            pos = m.end() if m is not None else i + 1
            self.errors += 1
            self.last_error = exc
            _log.debug("terminal parser error at %d, token skipped", pos, exc_info=True)
            self.state = GROUND
            return pos

    def _slow(self, data: str, i: int) -> int:
        """tmux's state machine, one character at a time, until back in ground state."""
        n = len(data)
        screen = self._screen
        while i < n:
            st = self.state
            if st == GROUND:
                return i
            if st == OSC_STRING or st == APC_STRING or st == RENAME_STRING:
                m = _STRING_STOP.search(data, i)
                end = m.start() if m is not None else n
                if end > i:
                    if st == OSC_STRING and not self.discard:
                        chunk = data[i:end]
                        self.string_len += len(chunk)
                        if self.string_len >= _STRING_LIMIT:
                            self.discard = True
                            self.string = []
                        else:
                            self.string.append(chunk)
                    i = end
                if m is None:
                    return n
                ch = data[i]
                i += 1
                if ch == "\x07" and st == OSC_STRING:
                    self._exit_string()
                    self.state = GROUND
                elif ch == "\x18" or ch == "\x1a":
                    self._exit_string()
                    screen.last_char = None
                    self.state = GROUND
                elif ch == "\x1b":
                    self._exit_string()
                    self._enter_esc()
                continue
            if st == CONSUME_ST or st == DCS_IGNORE:
                m = _CONSUME_STOP.search(data, i)
                if m is None:
                    return n
                i = m.end()
                if m.group() == "\x1b":
                    self._enter_esc()
                else:
                    screen.last_char = None
                    self.state = GROUND
                continue
            if st == DCS_HANDLER:
                k = data.find("\x1b", i)
                if k < 0:
                    return n
                i = k + 1
                self.state = DCS_ESCAPE
                continue
            if st == DCS_ESCAPE:
                self.state = GROUND if data[i] == "\\" else DCS_HANDLER
                i += 1
                continue
            ch = data[i]
            c = ord(ch)
            i += 1
            # transitions valid in every remaining state
            if c == 0x1b:
                self._enter_esc()
                continue
            if c == 0x18 or c == 0x1a:
                screen.last_char = None
                self.state = GROUND
                continue
            if c < 0x20:
                if st < DCS_ENTER:  # ESC and CSI states execute C0 controls
                    screen.last_char = None
                    f = self._c0.get(ch)
                    if f is not None:
                        f()
                continue
            if c >= 0x7f:
                continue
            if st == ESC_ENTER:
                if c <= 0x2f:
                    self._add_interm(ch)
                    self.state = ESC_INTER
                elif ch == "[":
                    self.state = CSI_ENTER
                elif ch == "]":
                    self._enter_string(OSC_STRING)
                elif ch == "P":
                    self.state = DCS_ENTER
                    screen.last_char = None
                elif ch == "X" or ch == "^":
                    self.state = CONSUME_ST
                    screen.last_char = None
                elif ch == "_":
                    self._enter_string(APC_STRING)
                elif ch == "k":
                    self._enter_string(RENAME_STRING)
                else:
                    self.state = GROUND
                    self._esc_dispatch(ch)
            elif st == ESC_INTER:
                if c <= 0x2f:
                    self._add_interm(ch)
                else:
                    self.state = GROUND
                    self._esc_dispatch(ch)
            elif st == CSI_ENTER or st == CSI_PARAM:
                if c <= 0x2f:
                    self._add_interm(ch)
                    self.state = CSI_INTER
                elif c <= 0x3b:
                    self._add_param(ch)
                    self.state = CSI_PARAM
                elif c <= 0x3f:
                    if st == CSI_ENTER:
                        self._add_interm(ch)
                        self.state = CSI_PARAM
                    else:
                        self.state = CSI_IGNORE
                else:
                    self.state = GROUND
                    if not self.discard:
                        self._csi_dispatch(self.interm, self.params, ch)
            elif st == CSI_INTER:
                if c <= 0x2f:
                    self._add_interm(ch)
                elif c <= 0x3f:
                    self.state = CSI_IGNORE
                else:
                    self.state = GROUND
                    if not self.discard:
                        self._csi_dispatch(self.interm, self.params, ch)
            elif st == CSI_IGNORE:
                if c >= 0x40:
                    self.state = GROUND
            elif st == DCS_ENTER or st == DCS_PARAM:
                if c <= 0x2f:
                    self.state = DCS_INTER
                elif c <= 0x39 or c == 0x3b:
                    self.state = DCS_PARAM
                elif c == 0x3a:
                    self.state = DCS_IGNORE
                elif c <= 0x3f:
                    self.state = DCS_PARAM if st == DCS_ENTER else DCS_IGNORE
                else:
                    self.state = DCS_HANDLER
            elif st == DCS_INTER:
                if c <= 0x2f:
                    pass
                elif c <= 0x3f:
                    self.state = DCS_IGNORE
                else:
                    self.state = DCS_HANDLER
        return i

    def _enter_esc(self) -> None:
        self.state = ESC_ENTER
        self.interm = self.params = ""
        self.discard = False
        self.string = []
        self.string_len = 0

    def _enter_string(self, state: int) -> None:
        self.state = state
        self.string = []
        self.string_len = 0
        self.discard = False
        self._screen.last_char = None

    def _exit_string(self) -> None:
        """Leaving an OSC string applies it (tmux input_exit_osc)."""
        payload = "".join(self.string)
        self.string = []
        self.string_len = 0
        if self.state != OSC_STRING:
            return
        if self.discard or not payload or not ("0" <= payload[0] <= "9"):
            return
        j = 0
        while j < len(payload) and "0" <= payload[j] <= "9":
            j += 1
        option = int(payload[:j])
        rest = payload[j:]
        if rest.startswith(";"):
            rest = rest[1:]
        if option in (0, 2) and _valid_title(rest):
            self._screen.set_title(rest)

    def _add_interm(self, ch: str) -> None:
        if len(self.interm) == 3:
            self.discard = True
        else:
            self.interm += ch

    def _add_param(self, ch: str) -> None:
        if len(self.params) == 63:
            self.discard = True
        else:
            self.params += ch

    # ------------------------------------------------------------ dispatch

    def _esc_dispatch(self, final: str) -> None:
        if self.discard:
            return
        s = self._screen
        interm = self.interm
        if interm == "":
            if final == "7":
                s.save_cursor()
            elif final == "8":
                s.restore_cursor()
            elif final == "D":
                s.linefeed()
            elif final == "E":
                s.next_line()
            elif final == "H":
                s.set_tab_stop()
            elif final == "M":
                s.reverse_index()
            elif final == "c":
                s.reset()
            elif final not in "=>\\":
                return
        elif interm == "(" or interm == ")":
            if final not in "0B":
                return
            s.define_charset(final, interm)
        elif interm == "#" and final == "8":
            s.alignment_display()
        else:
            return
        s.last_char = None

    def _csi_dispatch(self, interm: str, params: str, final: str) -> None:
        if len(interm) > 3 or len(params) > 63:
            return
        if final == "m" and not interm:
            s = self._screen
            nxt = s._cells.sgr.get(params)
            if nxt is None:
                nxt = self._sgr_transition(params)
                if nxt is None:
                    return
            s._cells = nxt
            s.cursor.attrs = nxt.attrs
            s.last_char = None
            return
        handler = self._csi_table.get((final, interm))
        if handler is None:
            return
        args = self._param_cache[params] if params else ()
        if args is None:
            return
        handler(args)
        self._screen.last_char = None

    def _sgr_transition(self, params: str) -> Optional[_CellCache]:
        """Apply an SGR the slow way and remember the transition."""
        prog = self._sgr_cache.get(params)
        if prog is None:
            args = self._param_cache[params] if params else ()
            if args is None:
                return None
            if len(self._sgr_cache) > 4096:
                self._sgr_cache.clear()
            prog = self._sgr_cache[params] = _compile_sgr(args)
        s = self._screen
        cells = s._cells
        attrs, changes = prog
        if attrs is None:
            values = list(cells.attrs)
            for i, v in changes:
                values[i] = v
            attrs = Char._make(values)
        s._set_attrs(attrs)
        if len(cells.sgr) > 256:
            cells.sgr.clear()
        cells.sgr[params] = s._cells
        return s._cells

    # CSI handlers: *p* is the tuple of decoded parameters.

    def _cuu(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.cursor_up(n)

    def _cud(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.cursor_down(n)

    def _cuf(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.cursor_forward(n)

    def _cub(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.cursor_back(n)

    def _cnl(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.carriage_return()
            self._screen.cursor_down(n)

    def _cpl(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.carriage_return()
            self._screen.cursor_up(n)

    def _hpa(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.cursor_move(n - 1, -1)

    def _vpa(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.cursor_move(-1, n - 1)

    def _cup(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        m = _get(p, 1, 1, 1)
        if n != -1 and m != -1:
            self._screen.cursor_move(m - 1, n - 1)

    def _cbt(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.back_tab(n)

    def _ed(self, p: tuple) -> None:
        n = _get(p, 0, 0, 0)
        if n in (0, 1, 2):
            self._screen.erase_in_display(n)
        elif n == 3 and _get(p, 1, 0, 0) == 0:
            self._screen.erase_in_display(3)

    def _el(self, p: tuple) -> None:
        n = _get(p, 0, 0, 0)
        if n in (0, 1, 2):
            self._screen.erase_in_line(n)

    def _il(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.insert_lines(n)

    def _dl(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.delete_lines(n)

    def _ich(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.insert_characters(n)

    def _dch(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.delete_characters(n)

    def _ech(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.erase_characters(n)

    def _su(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.scroll_up(n)

    def _sd(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.scroll_down(n)

    def _rep(self, p: tuple) -> None:
        n = _get(p, 0, 1, 1)
        if n != -1:
            self._screen.repeat_last(n)

    def _tbc(self, p: tuple) -> None:
        n = _get(p, 0, 0, 0)
        if n == 0 or n == 3:
            self._screen.clear_tab_stop(n)

    def _decstbm(self, p: tuple) -> None:
        s = self._screen
        n = _get(p, 0, 1, 1)
        m = _get(p, 1, 1, s.lines)
        if n != -1 and m != -1:
            s.set_scroll_region(n - 1, m - 1)

    def _scp(self, p: tuple) -> None:
        self._screen.save_cursor()

    def _rcp(self, p: tuple) -> None:
        self._screen.restore_cursor()

    def _decscusr(self, p: tuple) -> None:
        n = _get(p, 0, 0, 0)
        if n != -1 and n <= 6:
            self._screen.cursor_style = n

    def _modes(self, p: tuple) -> list[int]:
        out = []
        for i in range(len(p)):
            v = _get(p, i, 0, -1)
            if v != -1:
                out.append(v)
        return out

    def _sm(self, p: tuple) -> None:
        self._screen.set_mode(*self._modes(p))

    def _rm(self, p: tuple) -> None:
        self._screen.reset_mode(*self._modes(p))

    def _sm_private(self, p: tuple) -> None:
        for m in self._modes(p):
            self._screen.set_mode(m, private=True)

    def _rm_private(self, p: tuple) -> None:
        for m in self._modes(p):
            self._screen.reset_mode(m, private=True)

    def _winops(self, p: tuple) -> None:
        s = self._screen
        m = 0
        while True:
            n = _get(p, m, 0, -1)
            if n == -1:
                return
            if n in (3, 4, 8):
                m += 1
                if _get(p, m, 0, -1) == -1:
                    return
                m += 1
                if _get(p, m, 0, -1) == -1:
                    return
            elif n in (9, 10):
                m += 1
                if _get(p, m, 0, -1) == -1:
                    return
            elif n == 22 or n == 23:
                m += 1
                v = _get(p, m, 0, -1)
                if v == -1:
                    return
                if v in (0, 2):
                    if n == 22:
                        s.push_title()
                    else:
                        s.pop_title()
            m += 1


def _noop(p: tuple) -> None:
    pass


# ------------------------------------------------------------- Terminal

#: Shape of ``Terminal.snapshot`` data; restore() refuses other versions.
#: Caches of snapshots should include it in their own format key.
SNAPSHOT_VERSION = 2
_SNAPSHOT_VERSION = SNAPSHOT_VERSION


class Terminal:
    """A virtual terminal of *cols* x *rows* cells fed with decoded output text.

    The screen is computed as tmux 3.3a computes it (see the module docstring).
    ``screen.dirty`` collects the rows changed since the caller last cleared it.
    """

    def __init__(self, cols: int, rows: int) -> None:
        self._screen = TermScreen(cols, rows)
        self._stream = TermStream(self._screen)

    @property
    def cols(self) -> int:
        return self._screen.columns

    @property
    def rows(self) -> int:
        return self._screen.lines

    @property
    def screen(self) -> TermScreen:
        return self._screen

    def feed(self, data: str) -> None:
        """Process output text. Never raises; sequences may span calls."""
        self._stream.feed(data)

    def resize(self, cols: int, rows: int) -> None:
        """Change the size like a tmux pane: the main screen's wrapped lines reflow."""
        self._screen.resize(rows, cols)

    def lines(self) -> list[str]:
        """One string per row: each cell's text, a wide character once, not trimmed."""
        return ["".join(map(_data_of, row)) for row in self._screen.buffer]

    def text(self) -> str:
        """The screen as ``tmux capture-pane -p`` prints it, without the final newline.

        Every row (empty ones too), trailing spaces removed, joined with ``\\n``.
        """
        return "\n".join(["".join(map(_data_of, row)).rstrip(" ") for row in self._screen.buffer])

    @property
    def cursor(self) -> tuple[int, int, bool]:
        """``(x, y, hidden)``. x equals ``cols`` while a wrap is pending (as tmux's cursor_x)."""
        c = self._screen.cursor
        return c.x, c.y, c.hidden

    @property
    def title(self) -> str:
        """The window title set by OSC 0/2 (with CSI 22/23 t title stack)."""
        return self._screen.title

    @property
    def alternate(self) -> bool:
        """True while the alternate screen is shown."""
        return self._screen.alt_saved is not None

    @property
    def at_boundary(self) -> bool:
        """True when the parser is in its ground state (not inside a sequence)."""
        return self._stream.state == GROUND

    # ----------------------------------------------------------- snapshots

    def _state(self) -> tuple:
        s = self._screen
        st = self._stream
        cur = s.cursor
        alt = s.alt_saved
        if alt is not None:
            alt = ([r[:] for r in alt[0]], alt[1][:], alt[2][:])
        return (
            _SNAPSHOT_VERSION,
            s.columns, s.lines,
            [r[:] for r in s.buffer], s.wrapped[:], s.used[:],
            [(r[:], w, u) for r, w, u in s.hidden_rows],
            cur.x, cur.y, cur.attrs, cur.hidden,
            tuple(s.margins), frozenset(s.mode),
            s.charset, s.g0_acs, s.g1_acs, s.saved_cursor,
            alt, s.alt_cursor, s.alt_attrs,
            frozenset(s.tabstops), s.title, s.icon_name, s.title_stack[:], s.cursor_style,
            s.last_char, s.zwj,
            st.state,
            *((st.interm, st.params, st.discard, st.string[:], st.string_len)
              if st.state != GROUND else ("", "", False, [], 0)),
        )

    def snapshot(self) -> bytes:
        """The full terminal state, pickled and zlib-compressed (level 1)."""
        return zlib.compress(pickle.dumps(self._state(), protocol=pickle.HIGHEST_PROTOCOL), 1)

    @classmethod
    def restore(cls, blob: bytes) -> "Terminal":
        """Rebuild a Terminal from :meth:`snapshot` output."""
        state = pickle.loads(zlib.decompress(blob))
        if state[0] != _SNAPSHOT_VERSION:
            raise ValueError(f"unsupported terminal snapshot version {state[0]!r}")
        (_, cols, rows, buffer, wrapped, used, hidden, cx, cy, attrs, hidden_cursor,
         margins, mode, charset, g0, g1, saved_cursor, alt, alt_cursor, alt_attrs,
         tabstops, title, icon_name, title_stack, cursor_style, last_char, zwj,
         pstate, interm, params, discard, string, string_len) = state
        term = cls(cols, rows)
        s = term._screen
        s.buffer, s.wrapped, s.used = buffer, wrapped, used
        s.hidden_rows = hidden
        s.cursor.x, s.cursor.y = cx, cy
        s._set_attrs(attrs)
        s.margins = Margins(*margins)
        s.mode = set(mode)
        s._sync_modes()
        s.cursor.hidden = hidden_cursor
        s.charset, s.g0_acs, s.g1_acs = charset, g0, g1
        s._sync_charset()
        s.saved_cursor = saved_cursor
        s.alt_saved = alt
        s.alt_cursor = alt_cursor
        s.alt_attrs = alt_attrs
        s.tabstops = set(tabstops)
        s.title, s.icon_name, s.title_stack = title, icon_name, title_stack
        s.cursor_style = cursor_style
        s.last_char, s.zwj = last_char, zwj
        st = term._stream
        st.state, st.interm, st.params, st.discard = pstate, interm, params, discard
        st.string, st.string_len = string, string_len
        s.dirty = set(range(rows))
        return term
