"""Escape sequences that rebuild a terminal's state: what a clip's first event holds.

``synthesize(term)`` returns output text that, fed into a fresh ``Terminal`` of the same
size, gives the state of *term*: both screens (cells, colours, attributes, which rows are
wrapped and how far each was written), the cursor (position, pending wrap, visibility,
style), the pen, the scroll region, the character sets, the modes, the tab stops, the
saved cursor, the alternate screen's saved cursor, the title and its stack, and a
sequence the parser is in the middle of. ``tests/test_synthesize.py`` checks it by
comparing the whole snapshot state of the two terminals.

What it cannot rebuild, because no output sequence sets it (each only matters after a
later resize or a REP):

* rows a reflow pushed above the screen (``hidden_rows``), and a main screen saved at
  another size than the alternate screen shown;
* a cell ending with a ZWJ shorter than a cell can hold less four bytes (tmux joins a
  ZWJ to whatever is printed next; a cell keeps a trailing ZWJ only when what came next
  did not fit in it, so a recording cannot make one: a snapshot can) is drawn without it;
* a pending wrap (the cursor, or a saved one, past the last column) on a row not
  written to its end (other than one erased whole) marks the row written to its end;
* a row wrapped though not written to its last column (other than by a wide character
  that did not fit), a last row marked wrapped, cells written beyond a row's "used" count
  that are not erased cells; the character REP repeats when insert mode is on.

The screens are drawn in two passes: erased cells with a background colour first (an
erase of a whole row clears the "wrapped" flag of the row above), then each row's
written cells from column 0, a wrapped row running on into the next one by autowrap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pyte.screens import Char

from ..cast.model import Size
from . import controls as k
from .cells import ACS_MAP, BLANK, DEFAULT_ATTRS, ZWJ
from .modes import DEFAULT_MODES, MODE_ALTBUF, MODE_DECAWM, MODE_DECOM, MODE_DECTCEM, MODE_IRM
from .parser import (
    APC_STRING,
    CONSUME_ST,
    CSI_ENTER,
    CSI_IGNORE,
    CSI_INTER,
    CSI_PARAM,
    DCS_ENTER,
    DCS_ESCAPE,
    DCS_HANDLER,
    DCS_IGNORE,
    DCS_INTER,
    DCS_PARAM,
    ESC_ENTER,
    ESC_INTER,
    OSC_STRING,
    RENAME_STRING,
)
from .printing import UTF8_CELL_LIMIT
from .screen import Terminal, TermScreen
from .sgr import BRIGHT_NAMES, COLOUR_NAMES
from .widths import char_width

CSI = k.ESC + k.CSI_INTRODUCER
_DROPS_ZWJ = "\u0301"  # a combining character: at column 0 it joins nothing
# A zero-width character of four UTF-8 bytes: after a pending ZWJ the ZWJ joins the cell,
# then this one does not fit in it and is dropped, leaving the cell ending with the ZWJ.
_KEEPS_ZWJ = "\U000e0100"
_BOOL_SGR = ((3, 1), (4, 3), (5, 4), (6, 9), (7, 7), (8, 5))  # Char field -> SGR code


def sgr(attrs: Char) -> str:
    """The SGR that sets the pen to *attrs* from any pen (it starts with a reset)."""
    codes = ["0"]
    for field, base, bright in ((1, 30, 90), (2, 40, 100)):
        colour = attrs[field]
        if colour == "default":
            continue
        if colour in COLOUR_NAMES:
            codes.append(str(base + COLOUR_NAMES.index(colour)))
        elif colour in BRIGHT_NAMES:
            codes.append(str(bright + BRIGHT_NAMES.index(colour)))
        else:
            r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
            codes.append(f"{base + 8};2;{r};{g};{b}")
    codes += [str(code) for field, code in _BOOL_SGR if attrs[field]]
    return f"{CSI}{';'.join(codes)}m"


def cup(x: int, y: int) -> str:
    return f"{CSI}{y + 1};{x + 1}H"


def _attrs(cell: Char) -> Char:
    return cell._replace(data=" ")


def _erased(cell: Char) -> bool:
    """A cell an erase leaves: a space with nothing but a background colour."""
    return cell == Char(" ", "default", cell.bg)


class _Writer:
    """Output text being built, tracking the pen so SGRs are written only on changes."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pen = DEFAULT_ATTRS

    def write(self, text: str) -> None:
        self.parts.append(text)

    def set_pen(self, attrs: Char) -> None:
        attrs = _attrs(attrs)
        if attrs != self.pen:
            self.parts.append(sgr(attrs))
            self.pen = attrs

    def text(self) -> str:
        return "".join(self.parts)


def _draw_erased(w: _Writer, buffer: list[list[Char]], used: list[int], cols: int) -> None:
    """Erased cells with a colour beyond each row's "used" count (ECH leaves those)."""
    for y, row in enumerate(buffer):
        x = used[y]
        while x < cols:
            cell = row[x]
            end = x + 1
            if cell != BLANK and _erased(cell):
                while end < cols and row[end] == cell:
                    end += 1
                w.write(cup(x, y))
                w.set_pen(cell)
                w.write(f"{CSI}{end - x}{k.ECH}")
            x = end


def _draw_screen(w: _Writer, buffer: list[list[Char]], wrapped: list[bool], used: list[int], cols: int) -> None:
    """Draw rows onto a blank screen of the same size, the cursor anywhere."""
    rows = len(buffer)
    _draw_erased(w, buffer, used, cols)
    continuing = False  # the cursor is where the previous row ran on to
    for y, row in enumerate(buffer):  # pass 2: written cells
        end = written_end(row, used[y])
        runs_on = wrapped[y] and y + 1 < rows
        if continuing and end == 0:
            end = 1  # the row above is wrapped only once a character reaches this one
        if not continuing:
            if end == 0 and not runs_on:
                continue
            w.write(cup(0, y))
        x = _draw_cells(w, row, y, end)
        continuing = runs_on
        if runs_on:
            # Autowrap sets the flag: the next character must find the cursor past the
            # row's end, or (a wide character) with no room left for it.
            first = buffer[y + 1][0].data
            if x < cols and not (x == cols - 1 and first and char_width(first[0]) == 2):
                w.set_pen(BLANK)
                w.write(" " * (cols - x))


def written_end(row: Sequence[Char], used: int) -> int:
    """How many cells of *row* to draw, its "used" count *used* given: those, and any
    beyond them an erase cannot leave."""
    for x in range(len(row) - 1, used - 1, -1):
        if not _erased(row[x]):
            return x + 1
    return used


def _draw_cells(w: _Writer, row: Sequence[Char], y: int, end: int) -> int:
    """Print cells 0..end-1 of *row*, the cursor at its start; returns the column after."""
    x = 0
    while x < end:
        cell = row[x]
        if not cell.data:  # an orphaned wide character's second cell
            w.set_pen(BLANK)
            w.write(" ")
            x += 1
            continue
        w.set_pen(cell)
        w.write(cell.data)
        x += max(1, char_width(cell.data[0]))
        if cell.data.endswith(ZWJ):
            # the ZWJ is now pending and would join the next character printed, wherever
            if len(cell.data.encode("utf-8", "surrogatepass")) + len(_KEEPS_ZWJ.encode()) > UTF8_CELL_LIMIT:
                w.write(_KEEPS_ZWJ)  # joined to the cell, then too long for it: the ZWJ stays
            else:  # a zero-width character at column 0 joins nothing: the ZWJ is dropped
                w.write(cup(0, y) + _DROPS_ZWJ + cup(x, y))
    return x


def redraw(rows: Sequence[Sequence[Char]], changed: Iterable[int], cursor: tuple[int, int, bool]) -> str:
    """Output text that draws whole rows *changed* of *rows* over what a terminal of their
    size shows, then puts the cursor at ``(x, y, hidden)`` (x == cols: a pending wrap).
    The pen is left at the default. For frames drawn one after another (redaction)."""
    w = _Writer()
    cols = len(rows[0])
    for y in changed:
        w.write(cup(0, y))
        _draw_cells(w, rows[y], y, cols)
    x, y, hidden = cursor
    _pending_wrap_at(w, rows, [cols] * len(rows), x, y)
    w.write(_private([k.DECTCEM], not hidden))
    w.set_pen(DEFAULT_ATTRS)
    return w.text()


def draw_rows(rows: Sequence[Sequence[Char]], y: int, last_end: int | None = None) -> str:
    """Output text that draws *rows* whole over rows *y*, *y* + 1..., each running on
    into the next by autowrap (which marks it wrapped), leaving the pen at the default.
    *last_end*: the last row's first cells only, that many (a row's "used" count, which
    a later resize reflows by); None: all of them."""
    w = _Writer()
    w.write(cup(0, y))
    last = len(rows) - 1
    for n, row in enumerate(rows):
        _draw_cells(w, row, y + n, len(row) if last_end is None or n < last else last_end)
    w.set_pen(DEFAULT_ATTRS)
    return w.text()


def erase_cells(cell: Char, x: int, y: int, count: int) -> str:
    """Output text that erases *count* cells from x, y into erased cells like *cell* (its
    background), leaving the pen at the default and the row's "used" count alone (but
    for a whole row, which an erase clears)."""
    w = _Writer()
    w.write(cup(x, y))
    w.set_pen(cell)
    w.write(f"{CSI}{count}{k.ECH}")
    w.set_pen(DEFAULT_ATTRS)
    return w.text()


def _pending_wrap_at(w: _Writer, buffer: Sequence[Sequence[Char]], used: list[int], x: int, y: int) -> None:
    """Put the cursor at x, y of *buffer* (the screen shown, rows written up to *used*);
    x == cols (a pending wrap) by writing the row's last cell again."""
    cols = len(buffer[0])
    row = buffer[y]
    if x < cols:
        w.write(cup(x, y))
        return
    cell = row[cols - 1]
    if not cell.data and cols > 1:  # the second half of a wide character: the character
        w.write(cup(cols - 2, y))
        cell = row[cols - 2]
    else:
        w.write(cup(cols - 1, y))
    if not cell.data:
        return
    w.set_pen(cell)
    w.write(cell.data)
    if used[y] == 0 and row.count(row[0]) == cols:
        # a row erased after the cursor reached its end: erase it again (the cursor stays)
        w.set_pen(row[0])
        w.write(f"{CSI}2{k.EL}")


def _charsets(w: _Writer, g0: bool, g1: bool, shifted: int) -> None:
    w.write(k.ESC + k.SCS_G0 + (k.CHARSET_DEC_GRAPHICS if g0 else k.CHARSET_ASCII))
    w.write(k.ESC + k.SCS_G1 + (k.CHARSET_DEC_GRAPHICS if g1 else k.CHARSET_ASCII))
    w.write(k.SO if shifted else k.SI)


def _private(modes: list[int], on: bool) -> str:
    return "".join(f"{CSI}?{m}{k.SM if on else k.RM}" for m in modes)


def synthesize(term: Terminal) -> str:
    """Output text rebuilding *term*'s state on a fresh Terminal of its size (see the module).
    Raises ValueError when that takes a resize (see ``rebuild``)."""
    size, steps = rebuild(term)
    if len(steps) != 1:
        raise ValueError("the main screen was saved at another size: use rebuild()")
    return steps[0]


def rebuild(term: Terminal) -> tuple[Size, list[str | Size]]:
    """The size a fresh Terminal should have and the output (text) and resizes (Size) that
    rebuild *term*'s state on it: one text, or, when the alternate screen is shown and the
    main screen was saved at another size, the main screen's part, a resize, the rest."""
    s = term.screen
    w = _Writer()
    size = Size(s.columns, s.lines)
    steps: list[str | Size] = []
    if s.alt_saved is None:
        if s.alt_cursor is not None or s.alt_attrs != DEFAULT_ATTRS:
            # the alternate screen's saved cursor and pen, left over from an earlier use
            # (a pending wrap is set on the main screen: cleared after)
            _enter_alternate(w, s, s.buffer, s.used)
            w.write(f"{CSI}?{k.ALT_SCREEN}{k.RM}")
            w.set_pen(DEFAULT_ATTRS)
            w.write(f"{CSI}2{k.ED}")
    else:
        main, main_wrapped, main_used = s.alt_saved
        main_size = Size(len(main[0]), len(main))
        _draw_screen(w, main, main_wrapped, main_used, main_size.cols)
        _enter_alternate(w, s, main, main_used)
        if main_size != size:
            steps += [w.text(), size]
            w.parts.clear()
            size = main_size
    _draw_screen(w, s.buffer, s.wrapped, s.used, s.columns)
    _saved_cursor(w, s)
    _settings(w, s)
    _cursor(w, s)
    _modes(w, s)
    _last_char(w, s)
    w.write(_open_sequence(term))
    steps.append(w.text())
    return size, steps


def _settings(w: _Writer, s: TermScreen) -> None:
    """Tab stops, titles and the scroll region (which homes the cursor)."""
    cols = s.columns
    if s.tabstops != set(range(8, cols, 8)):
        w.write(f"{CSI}3{k.TBC}")
        for x in sorted(s.tabstops):
            w.write(cup(x, 0) + k.ESC + k.HTS)
    for title in reversed(s.title_stack):
        w.write(f"{k.ESC}{k.OSC_INTRODUCER}{k.OSC_TITLE};{title}{k.BEL}{CSI}{k.XTWINOPS_PUSH_TITLE};0{k.XTWINOPS}")
    if s.title:
        w.write(f"{k.ESC}{k.OSC_INTRODUCER}{k.OSC_TITLE};{s.title}{k.BEL}")
    top, bottom = s.margins
    if (top, bottom) != (0, s.lines - 1):
        w.write(f"{CSI}{top + 1};{bottom + 1}{k.DECSTBM}")


def _modes(w: _Writer, s: TermScreen) -> None:
    other = sorted(m >> 5 for m in s.mode - DEFAULT_MODES - {MODE_ALTBUF, MODE_IRM, MODE_DECOM})
    w.write(_private(other, True))
    if MODE_DECAWM not in s.mode:
        w.write(_private([k.DECAWM], False))
    if MODE_IRM in s.mode:
        w.write(f"{CSI}{k.IRM}{k.SM}")
    if MODE_DECTCEM not in s.mode:
        w.write(_private([k.DECTCEM], False))
    if s.cursor_style:
        w.write(f"{CSI}{s.cursor_style} {k.DECSCUSR}")


def _enter_alternate(w: _Writer, s: TermScreen, main: list[list[Char]], used: list[int]) -> None:
    """Switch to the alternate screen leaving its saved cursor and pen as *s* has them;
    *main* is the main screen's rows as drawn, *used* how far each was written."""
    if s.alt_cursor is not None:
        x, y = s.alt_cursor
        _pending_wrap_at(w, main, used, min(x, len(main[0])), min(y, len(main) - 1))
        w.set_pen(s.alt_attrs)
        w.write(f"{CSI}?{k.ALT_SCREEN_SAVE_CURSOR}{k.SM}")
    else:
        w.set_pen(s.alt_attrs)
        w.write(f"{CSI}?{k.ALT_SCREEN}{k.SM}")


def _saved_cursor(w: _Writer, s: TermScreen) -> None:
    """DECSC's slot: position, pen, character sets and origin mode, saved by DECSC."""
    x, y, attrs, charset, g0, g1, origin = s.saved_cursor
    if s.saved_cursor == (0, 0, DEFAULT_ATTRS, 0, False, False, False):
        return
    if origin:
        # DECOM homes the cursor; with the scroll region still the whole screen, a CUP
        # after it is absolute, inside the region that is set later or not
        w.write(_private([k.DECOM], True))
    _pending_wrap_at(w, s.buffer, s.used, min(x, s.columns), min(y, s.lines - 1))
    w.set_pen(attrs)
    _charsets(w, g0, g1, charset)
    w.write(k.ESC + k.DECSC)
    if origin:
        w.write(_private([k.DECOM], False))
    _charsets(w, False, False, 0)


def _cursor(w: _Writer, s: TermScreen) -> None:
    cur = s.cursor
    if MODE_DECOM in s.mode:
        w.write(_private([k.DECOM], True))
        top = s.margins.top
        if cur.x >= s.columns:
            _pending_wrap_at(w, s.buffer, s.used, cur.x, cur.y)
        else:
            w.write(f"{CSI}{cur.y - top + 1};{cur.x + 1}H")
    else:
        _pending_wrap_at(w, s.buffer, s.used, cur.x, cur.y)
    if s.g0_acs or s.g1_acs or s.charset:
        _charsets(w, s.g0_acs, s.g1_acs, s.charset)
    w.set_pen(cur.attrs)


def _last_char(w: _Writer, s: TermScreen) -> None:
    """Make REP's character *s*'s: print it again where it already is, just before the
    cursor (every sequence after a print forgets it, so this comes last)."""
    ch = s.last_char
    cur = s.cursor
    if ch is None or MODE_IRM in s.mode:
        return
    acs = s.g1_acs if s.charset else s.g0_acs
    cell = cur.attrs._replace(data=ACS_MAP.get(ch, ch) if acs else ch)
    row = s.buffer[cur.y]
    autowrap = MODE_DECAWM in s.mode
    if not autowrap and cur.x == s.columns - 1 and row[cur.x] == cell:
        x = cur.x
    elif 0 < cur.x <= s.columns and row[cur.x - 1] == cell and (autowrap or cur.x < s.columns - 1):
        x = cur.x - 1
    else:
        return
    top = s.margins.top if MODE_DECOM in s.mode else 0
    w.write(f"{CSI}{cur.y - top + 1};{x + 1}H{ch}")


def _open_sequence(term: Terminal) -> str:
    """The start of the sequence the parser is inside, so the events after go on with it."""
    st = term._stream
    state = st.state
    text = "".join(st.string)
    if state in (ESC_ENTER, ESC_INTER):
        return k.ESC + st.interm
    if state in (CSI_ENTER, CSI_PARAM, CSI_INTER, CSI_IGNORE):
        marker = st.interm[:1] if st.interm[:1] in _PRIVATE_MARKERS else ""
        ignored = _IGNORED if state == CSI_IGNORE else ""
        return CSI + marker + st.params + st.interm[len(marker):] + ignored
    if state in _DCS_STARTS:
        return k.ESC + k.DCS_INTRODUCER + _DCS_STARTS[state] + text
    if state == DCS_ESCAPE:
        return k.ESC + k.DCS_INTRODUCER + _DCS_STARTS[DCS_HANDLER] + text + k.ESC
    if state in _STRING_INTRODUCERS:
        return k.ESC + _STRING_INTRODUCERS[state] + text
    return ""


_PRIVATE_MARKERS = "<=>?"
_IGNORED = "<"  # a private marker after parameters: the rest of the CSI is ignored
#: Text that leaves a DCS in each state (its data, if any, follows).
_DCS_STARTS = {DCS_ENTER: "", DCS_PARAM: "0", DCS_INTER: " ", DCS_HANDLER: "q", DCS_IGNORE: ":"}
_STRING_INTRODUCERS = {OSC_STRING: k.OSC_INTRODUCER, APC_STRING: k.APC_INTRODUCER,
                       RENAME_STRING: k.RENAME_INTRODUCER, CONSUME_ST: k.SOS_INTRODUCER}
