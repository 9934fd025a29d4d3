"""Cells: pyte's ``Char`` values, the blank cell, DEC graphics, and the cache of cells.

A cell is a :class:`pyte.screens.Char`: its text and eight attributes (fg, bg, bold,
italics, underscore, strikethrough, reverse, blink). The second cell of a wide character
holds ``""``; a cell may hold a character followed by combining characters or a ZWJ
sequence; a DEC graphics cell holds the glyph (``q`` is stored as ``─``).
"""

from __future__ import annotations

from operator import itemgetter

from pyte.screens import Char

from .widths import char_width

__all__ = ["Char", "BLANK", "DEFAULT_ATTRS", "ACS_MAP", "ACS_TABLE", "ACS_GLYPHS", "ZWJ",
           "CellCache", "RUN_LENGTH", "cell_width", "data_of"]

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
ACS_TABLE = str.maketrans(ACS_MAP)
ACS_GLYPHS = frozenset(ACS_MAP.values())

ZWJ = "\u200d"

#: The text of a cell.
data_of = itemgetter(0)

#: Texts of up to RUN_LENGTH characters get their cells remembered, up to RUNS per cache.
RUN_LENGTH = 32
RUNS = 256  # (512 attribute sets x 256 short texts: at most about 25 MB)


class CellCache(dict):
    """Maps one-character strings to Char instances with fixed attributes.

    ``sgr`` maps an SGR parameter string to the cache of the attributes that
    SGR leads to from these ones. ``runs`` maps a short text to its cells (see
    :meth:`run`): a full-screen application redraws the same pieces of text with the
    same attributes, and a slice of cached cells is written several times faster than
    cells looked up one by one.
    """

    __slots__ = ("attrs", "sgr", "runs", "_tail", "_ascii")

    def __init__(self, attrs: Char) -> None:
        super().__init__()
        self.attrs = attrs
        self.sgr: dict[str, CellCache] = {}
        self.runs: dict[str, tuple[Char, ...]] = {}
        self._tail = tuple(attrs[1:])
        self._ascii: list[Char] | None = None  # printable ASCII's cells, by code

    def __missing__(self, data: str) -> Char:
        cell = self[data] = _new_char(Char, (data, *self._tail))
        return cell

    def run(self, text: str) -> tuple[Char, ...]:
        """The cells of *text*, printable ASCII (callers look in ``runs`` first, where a
        text of up to RUN_LENGTH characters is remembered)."""
        if len(text) > RUN_LENGTH:
            # a long text (a log line) is rarely seen again: its bytes index a table
            table = self._ascii
            if table is None:
                # (controls never reach here: their places hold a blank)
                table = self._ascii = [self[chr(c)] if " " <= chr(c) <= "~" else BLANK for c in range(128)]
            return itemgetter(*text.encode())(table)
        runs = self.runs
        if len(runs) >= RUNS:
            runs.clear()
        cells = runs[text] = tuple(map(self.__getitem__, text))
        return cells


_new_char = tuple.__new__  # Char(*fields) without namedtuple's Python-level __new__



def cell_width(cell: Char) -> int:
    """Width tmux gives the character in *cell*: 0 for the second half of a wide one."""
    data = cell[0]
    if not data:
        return 0
    ch = data[0]
    if ch < "\x80":
        return 1
    return 2 if char_width(ch) == 2 else 1

