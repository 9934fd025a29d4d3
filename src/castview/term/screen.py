"""The virtual terminal: pyte ``Screen``/``Stream`` subclasses that behave like tmux.

Stock pyte gets many sequences wrong (see ``TERMINAL.md``). The terminal keeps
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
  no wall clock, so the terminator is waited for (transcripts and search still
  show what such a string swallowed: see ``castview.hidden``);
* a ZWJ followed by a DEC graphics character: whether the joined character
  shows as a glyph is guessed from the cell it joins.

Performance: ``draw`` writes runs of printable ASCII with one slice assignment
of cached ``Char`` instances (a short text's cells are remembered whole); one
regular expression splits the input into text, complete CSI sequences (a
full-screen application's row is one token) and controls; SGR transitions and
other CSI tokens are cached; only unusual input goes through the per-character
state machine. ``Terminal.snapshot``/``restore`` copy the whole state (both screens,
cursor, modes, charsets, saved cursors, tab stops, title stack, parser state).

The pieces, one module each (every class is a layer of :class:`TermScreen`):

=================  ================================================================
``controls``       every control character and escape code, by name
``parser``         ``TermStream``: the state machine; ``csi``: what each CSI does
``sgr``            graphic renditions -> attributes
``cells``          the blank cell, DEC graphics, the cache of cells
``grid``           rows of cells and tmux's row operations
``cursor``         cursor motion, tabs, scroll region
``editing``        erase, insert, delete, scroll
``printing``       characters into cells (wide, combining, DEC graphics)
``reflow``         resize and reflow
``modes``          modes, alternate screen, saved cursor, charsets, titles
``observer``       ``ScreenObserver``: what the screen tells a transcript during a feed
``snapshot``       ``Terminal.snapshot``/``restore``: versioned, validated data
``screen``         ``TermScreen`` and the ``Terminal`` other layers use
=================  ================================================================
"""

from __future__ import annotations

from pyte.screens import Char, Cursor, Margins

from . import snapshot as _snapshot
from .cells import ACS_MAP, BLANK, DEFAULT_ATTRS, data_of
from .editing import EditingScreen
from .modes import DEFAULT_MODES, DEFAULT_SAVED_CURSOR, ModesScreen
from .parser import GROUND, TermStream
from .printing import PrintingScreen
from .sgr import apply_sgr
from .snapshot import SNAPSHOT_VERSION, SnapshotError

__all__ = ["Terminal", "TermScreen", "TermStream", "ACS_MAP", "BLANK", "Char", "SNAPSHOT_VERSION", "SnapshotError"]


class TermScreen(ModesScreen, PrintingScreen, EditingScreen):
    """A pyte Screen that computes what tmux 3.3a shows.

    Only :class:`TermStream` should call the mutating methods; their
    arguments are already decoded the way tmux decodes parameters.
    """

    cursor_style: int  # DECSCUSR

    def __init__(self, columns: int, lines: int) -> None:  # noqa: D107
        super().__init__(columns, lines)
        self.reset_all()

    def reset_all(self) -> None:
        """Power-on state: both screens empty, everything default."""
        cols, rows = self.columns, self.lines
        self._set_blank_screen(cols, rows)
        self.hidden_rows = []
        self.cursor = Cursor(0, 0, DEFAULT_ATTRS)
        self._set_attrs(DEFAULT_ATTRS)
        self.margins = Margins(0, rows - 1)
        self.mode = set(DEFAULT_MODES)
        self.charset = 0
        self.g0_acs = False
        self.g1_acs = False
        self._sync_modes()
        self.saved_cursor = DEFAULT_SAVED_CURSOR
        self.alt_saved = None
        self.alt_cursor = None
        self.alt_attrs = DEFAULT_ATTRS
        self.tabstops = set(range(8, cols, 8))
        self.title = ""
        self.icon_name = ""
        self.title_stack = []
        self.cursor_style = 0
        self.last_char = None
        self.zwj = False
        self.dirty.update(range(rows))

    @property
    def default_char(self) -> Char:  # pyte API
        return BLANK

    @property
    def display(self) -> list[str]:  # pyte API
        return ["".join(map(data_of, row)) for row in self.buffer]

    def select_graphic_rendition(self, *attrs: int, **kwargs: bool | None) -> None:
        """SGR with numeric arguments (pyte API)."""
        self._set_attrs(apply_sgr(self.cursor.attrs, tuple(attrs)))


class Terminal:
    """A virtual terminal of *cols* x *rows* cells fed with decoded output text.

    The screen is computed as tmux 3.3a computes it (see the module docstring).
    ``screen.dirty`` collects the rows changed since the caller last cleared it.
    """

    def __init__(self, cols: int, rows: int) -> None:
        self._screen = TermScreen(cols, rows)
        self._stream = TermStream(self._screen)
        self._snapshot_memo: _snapshot.Memo = {}  # see snapshot.encode_state

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
        return ["".join(map(data_of, row)) for row in self._screen.buffer]

    def text(self) -> str:
        """The screen as ``tmux capture-pane -p`` prints it, without the final newline.

        Every row (empty ones too), trailing spaces removed, joined with ``\\n``.
        """
        return "\n".join(["".join(map(data_of, row)).rstrip(" ") for row in self._screen.buffer])

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

    @property
    def open_string(self) -> str | None:
        """The kind of string sequence being parsed (DCS, OSC...: ``controls.STRING_KINDS``),
        whose contents the screen does not show, or None."""
        return self._stream.string_kind

    # ----------------------------------------------------------- snapshots

    def snapshot(self) -> bytes:
        """The full terminal state as versioned, compressed data (see ``term.snapshot``)."""
        return _snapshot.encode(self, self._snapshot_memo)

    @classmethod
    def restore(cls, blob: bytes) -> Terminal:
        """Rebuild a Terminal from :meth:`snapshot` output. Raises :class:`SnapshotError`
        (a ValueError), and nothing else, for anything that is not such output."""
        return _snapshot.decode(blob, cls)
