"""The parser: tmux's input state machine (Paul Williams' VT500 parser) as a pyte Stream.

Unknown or malformed sequences are swallowed whole, DCS/OSC/APC/PM/SOS strings never
reach the screen, C0 controls inside a sequence are executed, CAN/SUB abort.

Speed: one regular expression splits the input into runs of text, complete plain CSI
sequences and control characters (:data:`_TOKEN`). A text with the CR LF after it is one
token, and so is a row as full-screen applications and ``ls --color`` write it: a cursor
position, SGRs each with the text after it, an erase of the rest of the row, CR LF. A run
of ASCII that fits on the cursor's row is written into it inline, from the cells its
attributes' cache remembers for that text; SGR transitions are cached per attribute set,
other CSI tokens with their handler and decoded parameters; only the rest goes through
the state machine (:meth:`TermStream._slow`), one handler per state.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import pyte
from pyte.screens import Char

from . import controls as k, csi as _csi
from .cells import CellCache
from .sgr import INT_MAX, compile_sgr
from .widths import char_width

if TYPE_CHECKING:  # pragma: no cover
    from .screen import TermScreen

_log = logging.getLogger(__name__)

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
STATES = range(17)
#: The states inside a string sequence (``TermStream.string_kind`` is set in them).
STRING_STATES = frozenset({DCS_ENTER, DCS_PARAM, DCS_INTER, DCS_HANDLER, DCS_ESCAPE, DCS_IGNORE, OSC_STRING,
                           APC_STRING, RENAME_STRING, CONSUME_ST})

# byte classes inside a sequence
_LAST_INTERMEDIATE = 0x2f  # 0x20-0x2f: intermediate bytes
_LAST_DIGIT = 0x39  # 0x30-0x39: parameter digits
_COLON = 0x3a
_SEMICOLON = 0x3b
_LAST_PARAM = 0x3f  # 0x3c-0x3f: private markers (< = > ?)
_FIRST_FINAL = 0x40  # 0x40-0x7e: final bytes
_DEL = 0x7f

_MAX_INTERMEDIATES = 3  # tmux's limits: more and the sequence is discarded
_MAX_PARAMS_LENGTH = 63
_MAX_PARAMS = 24
_STRING_LIMIT = 1 << 20  # tmux's input buffer limit: a longer OSC is discarded
_PARAM_CACHE_LIMIT = 4096
_SGR_CACHE_LIMIT = 4096
_CSI_CALLS_LIMIT = 4096
_SGR_TRANSITIONS_LIMIT = 256  # cached SGR transitions from one attribute set

_TOKEN = re.compile(
    r"([^\x00-\x1f\x7f]++)(\r\n)?"  # 1: printable text, 2: the CR LF after it
    # 3-8: a plain SGR (the most common sequence) and the printable text after it, maybe
    # after a cursor position (3) and before more SGRs each with its text (6: a styled
    # run), an erase of the rest of the row (7) and CR LF (8): a row of htop, ls --color.
    # (Possessive repeats: nothing they take could end them, and the engine saves no state.)
    r"|(?:\x1b\[([0-9;]*+)H)?\x1b\[([0-9;]*+)m([^\x00-\x1f\x7f]*+)((?:\x1b\[[0-9;]*+m[^\x00-\x1f\x7f]*+)++)?"
    r"(\x1b\[K)?(\r\n)?"
    r"|\x1b\[([<=>?]?)([0-9:;]*)([ -/]*)([@-~])"  # 9-12: another complete, plain CSI sequence
    # 13-15: a complete ESC sequence: up to 3 intermediates (13) and a final (14), or a final
    # (15) that starts nothing longer (not CSI, not a string: P X [ ] ^ _ k)
    r"|\x1b(?:([ -/]{1,3})([0-~])|([0-OQ-WYZ\\`a-jl-~]))"
    r"|\x1b\]([^\x00-\x1f]*)(?:\x07|\x1b\\)"  # 16: a complete OSC string without controls
    r"|(\r\n)"  # 17: the usual end of a line
    r"|([\x00-\x1f\x7f])"  # 18: a control character (ESC starts the slow path)
)
_SGR_SPLIT = re.compile(r"\x1b\[([0-9;]*)m")  # a styled run's SGRs and texts, by re.split
_STRING_STOP = re.compile(r"[\x00-\x1f]")  # what an OSC/APC/rename string stops at
_CONSUME_STOP = re.compile(r"[\x18\x1a\x1b]")  # what an ignored string stops at

#: ``ESC`` + these start a string: (parser state, kind).
_STRING_STARTS = {
    k.OSC_INTRODUCER: (OSC_STRING, k.STRING_OSC),
    k.DCS_INTRODUCER: (DCS_ENTER, k.STRING_DCS),
    k.SOS_INTRODUCER: (CONSUME_ST, k.STRING_SOS),
    k.PM_INTRODUCER: (CONSUME_ST, k.STRING_PM),
    k.APC_INTRODUCER: (APC_STRING, k.STRING_APC),
    k.RENAME_INTRODUCER: (RENAME_STRING, k.STRING_RENAME),
}


class _ParamCache(dict):
    """Decoded CSI parameter strings: "1;;38:5:3" -> (1, None, "38:5:3")."""

    def __missing__(self, params: str) -> tuple | None:
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
                if v > INT_MAX:
                    value = None
                    break
                out.append(v)
            if len(out) == _MAX_PARAMS:
                value = None
                break
        else:
            value = tuple(out)
        if len(self) > _PARAM_CACHE_LIMIT:
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


def _nothing() -> None:
    pass


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
        #: The kind of string sequence being parsed (``controls.STRING_KINDS``), else None.
        self.string_kind: str | None = None
        self._param_cache = _ParamCache()
        self.errors = 0  # internal errors survived by feed() (tests assert none)
        self.last_error: BaseException | None = None
        self._sgr_cache: dict[str, tuple[Char | None, tuple]] = {}
        s = screen
        self._c0: dict[str, Callable[[], None]] = {
            k.BS: s.backspace, k.HT: s.tab, k.LF: s.linefeed, k.VT: s.linefeed, k.FF: s.linefeed,
            k.CR: s.carriage_return, k.SO: s.shift_out, k.SI: s.shift_in,
        }
        self._esc_table: dict[tuple[str, str], Callable[[], None]] = {
            ("", k.DECSC): s.save_cursor, ("", k.DECRC): s.restore_cursor, ("", k.IND): s.linefeed,
            ("", k.NEL): s.next_line, ("", k.HTS): s.set_tab_stop, ("", k.RI): s.reverse_index,
            ("", k.RIS): s.reset,
            **{("", final): _nothing for final in k.ESC_IGNORED},
            **{(scs, code): partial(s.define_charset, code, scs)
               for scs in (k.SCS_G0, k.SCS_G1) for code in (k.CHARSET_DEC_GRAPHICS, k.CHARSET_ASCII)},
            (k.DEC_HASH, k.DECALN): s.alignment_display,
        }
        self._csi_table = _csi.bind(screen)
        #: A complete CSI token of _feed (not an SGR: those have their own cache) -> what it
        #: does: (handler, parameters), or () for nothing. Recordings repeat a few sequences.
        self._csi_calls: dict[str, tuple] = {}
        # what one character does in the states parsed a character at a time
        esc, csi, dcs = self._esc_enter_char, self._csi_param_char, self._dcs_param_char
        self._char_states: dict[int, Callable[[str, int], None]] = {
            ESC_ENTER: esc, ESC_INTER: self._esc_inter_char, CSI_ENTER: csi, CSI_PARAM: csi,
            CSI_INTER: self._csi_inter_char, CSI_IGNORE: self._csi_ignore_char, DCS_ENTER: dcs,
            DCS_PARAM: dcs, DCS_INTER: self._dcs_inter_char,
        }
        self._states: dict[int, Callable[[str, int], int]] = {
            **{st: self._in_sequence for st in self._char_states},
            DCS_HANDLER: self._in_dcs, DCS_ESCAPE: self._in_dcs_escape, DCS_IGNORE: self._in_ignored_string,
            OSC_STRING: self._in_string, APC_STRING: self._in_string, RENAME_STRING: self._in_string,
            CONSUME_ST: self._in_ignored_string,
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

    def _feed(self, data: str, i: int) -> int:  # noqa: C901  (the hot loop: a call per token would cost more than most tokens)
        """Parse from *i*; return where parsing stopped (len(data), or after a failed token)."""
        n = len(data)
        screen = self._screen
        draw = screen.draw
        draw_ascii = screen._draw_ascii
        c0 = self._c0
        csi = self._csi_dispatch
        csi_calls = self._csi_calls
        esc = self._esc_dispatch
        finditer = _TOKEN.finditer
        m = None
        try:
            if self.state != GROUND:
                i = self._slow(data, i)
            while i < n:
                for m in finditer(data, i):
                    kind = m.lastindex
                    if kind <= 8:  # text, or an SGR and its text (see _TOKEN), maybe then CR LF
                        if kind <= 2:
                            text = m.group(1)
                        else:
                            move, params, text, rest = m.group(3, 4, 5, 6)
                            if move is not None:
                                self._plain_csi(move, k.CUP)
                            if rest is not None:
                                self._styled_run(params, text, rest)
                                text = ""  # done: on to what follows the run
                            else:
                                # a cached transition is one of an SGR that passed _csi_dispatch's checks
                                nxt = screen._cells.sgr.get(params)
                                if nxt is None:
                                    csi("", params, "m")
                                else:
                                    screen._cells = nxt
                                    screen.cursor.attrs = nxt.attrs
                                    screen.last_char = None
                        if text:
                            if screen.fast_ascii and text.isascii():
                                # PrintingScreen._draw_ascii's usual case, inline: the text
                                # fits on the cursor's row and breaks no wide character
                                cur = screen.cursor
                                x = cur.x
                                end = x + len(text)
                                cols = screen.columns
                                row = None
                                if end <= cols:
                                    y = cur.y
                                    row = screen.buffer[y]
                                    if (not x or row[x][0]) and (end == cols or row[end][0]):
                                        cells = screen._cells
                                        row[x:end] = cells.runs.get(text) or cells.run(text)
                                        used = screen.used
                                        if end > used[y]:
                                            used[y] = end
                                        screen.dirty.add(y)
                                        cur.x = end
                                    else:
                                        row = None
                                if row is None:
                                    draw_ascii(text)
                                screen.last_char = text[-1]
                            else:
                                draw(text)
                        if kind > 6 and m.group(7) is not None:  # CSI K, as csi.el does it
                            screen.erase_in_line(0)
                            screen.last_char = None
                        if kind != 2 and kind != 8:
                            continue
                    elif kind != 17:
                        if kind == 12:
                            token = m.group()
                            call = csi_calls.get(token)
                            if call is None:
                                call = self._csi_token(token, *m.group(9, 10, 11, 12))
                            if call:
                                call[0](call[1])
                                screen.last_char = None
                        elif kind == 15:
                            esc("", m.group(15))
                        elif kind == 14:
                            esc(m.group(13), m.group(14))
                        elif kind == 16:
                            self._osc(m.group(16))
                        else:
                            ch = m.group(18)
                            if ch == k.ESC:
                                self._enter_esc()
                                i = m.end()
                                m = None
                                i = self._slow(data, i)
                                break
                            if ch != k.DEL:
                                screen.last_char = None
                                f = c0.get(ch)
                                if f is not None:
                                    f()
                        continue
                    # CR LF
                    screen.last_char = None
                    cur = screen.cursor
                    cur.x = 0
                    y = cur.y
                    top, bottom = screen.margins
                    # CursorScreen.linefeed, inline
                    if y != bottom:
                        if y < screen.lines - 1:
                            cur.y = y + 1
                    else:
                        screen._scroll_up(top, bottom, screen._blank(cur.attrs[2]))
                else:
                    return n
            return i
        except Exception as exc:  # pragma: no cover - defensive, see tests/test_term_fuzz.py
            # A bug here must not lose the rest of the recording: skip the token.
            pos = m.end() if m is not None else i + 1
            self.errors += 1
            self.last_error = exc
            _log.debug("terminal parser error at %d, token skipped", pos, exc_info=True)
            self._to_ground()
            return pos

    def _styled_run(self, params: str, text: str, rest: str) -> None:
        """SGRs each followed by printable text (*params* and *text*, then *rest*: at least
        one more SGR and its text), each done as _feed does an SGR and its text."""
        parts = _SGR_SPLIT.split(rest)  # "", params, text, params, text...
        parts[0:1] = params, text
        screen = self._screen
        if not (screen.fast_ascii and text.isascii() and rest.isascii()):
            for params, text in zip(parts[0::2], parts[1::2], strict=True):
                self._csi_dispatch("", params, "m")
                if text:
                    screen.draw(text)
            return
        cur = screen.cursor
        cols = screen.columns
        x, y = cur.x, cur.y
        row = screen.buffer[y]
        wrote = False  # texts were written into row y: its used count and dirty flag are due
        cells = screen._cells
        pieces = iter(parts)
        for params, text in zip(pieces, pieces, strict=True):
            nxt = cells.sgr.get(params)
            if nxt is None:
                screen._cells = cells
                self._csi_dispatch("", params, "m")
                nxt = screen._cells
            cells = nxt
            if text:
                end = x + len(text)
                # _feed's inline case: on the cursor's row, breaking no wide character
                if end <= cols and (not x or row[x][0]) and (end == cols or row[end][0]):
                    row[x:end] = cells.runs.get(text) or cells.run(text)
                    x = end
                    wrote = True
                else:
                    if wrote:
                        self._wrote(y, x)
                        wrote = False
                    cur.x = x
                    screen._cells = cells
                    cur.attrs = cells.attrs
                    screen._draw_ascii(text)
                    x, y = cur.x, cur.y
                    row = screen.buffer[y]
        if wrote:
            self._wrote(y, x)
        cur.x = x
        screen._cells = cells
        cur.attrs = cells.attrs
        screen.last_char = text[-1] if text else None

    def _wrote(self, y: int, end: int) -> None:
        """Cells up to *end* of row *y* were written."""
        screen = self._screen
        if end > screen.used[y]:
            screen.used[y] = end
        screen.dirty.add(y)

    def _slow(self, data: str, i: int) -> int:
        """tmux's state machine, until back in ground state or out of data."""
        n = len(data)
        states = self._states
        while i < n and self.state != GROUND:
            i = states[self.state](data, i)
        return i

    # ------------------------------------------------- one handler per state
    # Each parses *data* from *i* in its state and returns where it stopped.

    def _in_string(self, data: str, i: int) -> int:
        """OSC, APC and rename strings: collected (OSC) up to a C0 control; BEL ends an
        OSC, CAN/SUB abort, ESC ends the string, other controls are ignored."""
        n = len(data)
        st = self.state
        m = _STRING_STOP.search(data, i)
        end = m.start() if m is not None else n
        if end > i and st == OSC_STRING and not self.discard:
            chunk = data[i:end]
            self.string_len += len(chunk)
            if self.string_len >= _STRING_LIMIT:
                self.discard = True
                self.string = []
            else:
                self.string.append(chunk)
        if m is None:
            self._swallowed(data, i, n)
            return n
        ch = data[end]
        if ch == k.BEL and st == OSC_STRING:
            self._swallowed(data, i, end)
            self._exit_string()
            self._to_ground()
        elif ch == k.CAN or ch == k.SUB:
            self._swallowed(data, i, end)
            self._exit_string()
            self._screen.last_char = None
            self._to_ground()
        elif ch == k.ESC:
            self._swallowed(data, i, end)
            self._exit_string()
            self._enter_esc()
        else:
            self._swallowed(data, i, end + 1)  # an ignored control is part of what was hidden
        return end + 1

    def _in_ignored_string(self, data: str, i: int) -> int:
        """SOS/PM strings and a DCS with bad parameters: everything up to ESC, CAN, SUB."""
        m = _CONSUME_STOP.search(data, i)
        if m is None:
            self._swallowed(data, i, len(data))
            return len(data)
        self._swallowed(data, i, m.start())
        if m.group() == k.ESC:
            self._enter_esc()
        else:
            self._screen.last_char = None
            self._to_ground()
        return m.end()

    def _in_dcs(self, data: str, i: int) -> int:
        """A DCS's data: only ESC can end it (tmux passes CAN/SUB to the handler)."""
        esc = data.find(k.ESC, i)
        if esc < 0:
            self._swallowed(data, i, len(data))
            return len(data)
        self._swallowed(data, i, esc)
        self.state = DCS_ESCAPE
        return esc + 1

    def _in_dcs_escape(self, data: str, i: int) -> int:
        """ESC inside a DCS: ``ESC \\`` ends it, ESC + anything else is more data."""
        if data[i] == k.ST_FINAL:
            self._to_ground()
        else:
            self.state = DCS_HANDLER
            self._swallowed(k.ESC + data[i], 0, 2)
        return i + 1

    def _swallowed(self, data: str, start: int, end: int) -> None:
        """data[start:end] went into the current string: tell the screen's observer."""
        observer = self._screen.observer
        if observer is not None and end > start:
            observer.string_data(data[start:end])

    def _in_sequence(self, data: str, i: int) -> int:
        """ESC, CSI and DCS-introducer sequences, a character at a time."""
        n = len(data)
        char_states = self._char_states
        while i < n:
            handler = char_states.get(self.state)
            if handler is None:
                return i
            ch = data[i]
            c = ord(ch)
            i += 1
            # transitions valid in every one of these states
            if ch == k.ESC:
                self._enter_esc()
            elif ch == k.CAN or ch == k.SUB:
                self._screen.last_char = None
                self._to_ground()
            elif c < 0x20:
                if self.state < DCS_ENTER:  # ESC and CSI states execute C0 controls
                    self._screen.last_char = None
                    f = self._c0.get(ch)
                    if f is not None:
                        f()
            elif c < _DEL:
                handler(ch, c)
        return i

    def _esc_enter_char(self, ch: str, c: int) -> None:
        if c <= _LAST_INTERMEDIATE:
            self._add_interm(ch)
            self.state = ESC_INTER
        elif ch == k.CSI_INTRODUCER:
            self.state = CSI_ENTER
        elif ch in _STRING_STARTS:
            self._enter_string(ch)
        else:
            self.state = GROUND
            self._esc_dispatch("", ch)

    def _esc_inter_char(self, ch: str, c: int) -> None:
        if c <= _LAST_INTERMEDIATE:
            self._add_interm(ch)
        else:
            self.state = GROUND
            if not self.discard:
                self._esc_dispatch(self.interm, ch)

    def _csi_param_char(self, ch: str, c: int) -> None:
        """CSI_ENTER and CSI_PARAM: a private marker is taken only first."""
        if c <= _LAST_INTERMEDIATE:
            self._add_interm(ch)
            self.state = CSI_INTER
        elif c <= _SEMICOLON:
            self._add_param(ch)
            self.state = CSI_PARAM
        elif c <= _LAST_PARAM:
            if self.state == CSI_ENTER:
                self._add_interm(ch)
                self.state = CSI_PARAM
            else:
                self.state = CSI_IGNORE
        else:
            self.state = GROUND
            if not self.discard:
                self._csi_dispatch(self.interm, self.params, ch)

    def _csi_inter_char(self, ch: str, c: int) -> None:
        if c <= _LAST_INTERMEDIATE:
            self._add_interm(ch)
        elif c <= _LAST_PARAM:
            self.state = CSI_IGNORE
        else:
            self.state = GROUND
            if not self.discard:
                self._csi_dispatch(self.interm, self.params, ch)

    def _csi_ignore_char(self, ch: str, c: int) -> None:
        if c >= _FIRST_FINAL:
            self.state = GROUND

    def _dcs_param_char(self, ch: str, c: int) -> None:
        """DCS_ENTER and DCS_PARAM: the DCS's own parameters; a final byte starts its data."""
        if c <= _LAST_INTERMEDIATE:
            self.state = DCS_INTER
        elif c <= _LAST_DIGIT or c == _SEMICOLON:
            self.state = DCS_PARAM
        elif c == _COLON:
            self.state = DCS_IGNORE
        elif c <= _LAST_PARAM:
            self.state = DCS_PARAM if self.state == DCS_ENTER else DCS_IGNORE
        else:
            self.state = DCS_HANDLER

    def _dcs_inter_char(self, ch: str, c: int) -> None:
        if c <= _LAST_INTERMEDIATE:
            return
        self.state = DCS_IGNORE if c <= _LAST_PARAM else DCS_HANDLER

    # ---------------------------------------------------------- transitions

    def _enter_esc(self) -> None:
        if self.string_kind is not None:
            self._end_string()
        self.state = ESC_ENTER
        self.interm = self.params = ""
        self.discard = False
        self.string = []
        self.string_len = 0

    def _to_ground(self) -> None:
        """Back to the ground state from a string (or from anywhere, after an error)."""
        if self.string_kind is not None:
            self._end_string()
        self.state = GROUND

    def _enter_string(self, introducer: str) -> None:
        self.state, self.string_kind = _STRING_STARTS[introducer]
        self.string = []
        self.string_len = 0
        self.discard = False
        self._screen.last_char = None
        if self._screen.observer is not None:
            self._screen.observer.string_started(self.string_kind)

    def _end_string(self) -> None:
        self.string_kind = None
        if self._screen.observer is not None:
            self._screen.observer.string_ended()

    def _exit_string(self) -> None:
        """Leaving an OSC string applies it (tmux input_exit_osc)."""
        payload = "".join(self.string)
        self.string = []
        self.string_len = 0
        if self.state == OSC_STRING and not self.discard:
            self._apply_osc(payload)

    def _osc(self, payload: str) -> None:
        """A whole OSC string, found by the fast path."""
        self._screen.last_char = None
        observer = self._screen.observer
        if observer is not None:
            observer.string_started(k.STRING_OSC)
            if payload:
                observer.string_data(payload)
            observer.string_ended()
        if len(payload) < _STRING_LIMIT:
            self._apply_osc(payload)

    def _apply_osc(self, payload: str) -> None:
        if not payload or not ("0" <= payload[0] <= "9"):
            return
        j = 0
        while j < len(payload) and "0" <= payload[j] <= "9":
            j += 1
        option = int(payload[:j])
        rest = payload[j:]
        if rest.startswith(";"):
            rest = rest[1:]
        if option in (k.OSC_ICON_AND_TITLE, k.OSC_TITLE) and _valid_title(rest):
            self._screen.set_title(rest)

    def _add_interm(self, ch: str) -> None:
        if len(self.interm) == _MAX_INTERMEDIATES:
            self.discard = True
        else:
            self.interm += ch

    def _add_param(self, ch: str) -> None:
        if len(self.params) == _MAX_PARAMS_LENGTH:
            self.discard = True
        else:
            self.params += ch

    # ------------------------------------------------------------ dispatch

    def _esc_dispatch(self, interm: str, final: str) -> None:
        f = self._esc_table.get((interm, final))
        if f is None:
            return
        f()
        self._screen.last_char = None

    def _csi_dispatch(self, interm: str, params: str, final: str) -> None:
        if len(interm) > _MAX_INTERMEDIATES or len(params) > _MAX_PARAMS_LENGTH:
            return
        if final == k.SGR and not interm:
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
        call = self._csi_call(interm, params, final)
        if call:
            call[0](call[1])
            self._screen.last_char = None

    def _csi_call(self, interm: str, params: str, final: str) -> tuple:
        """The handler of a CSI that is not an SGR and its decoded parameters, or () if it
        does nothing."""
        handler = self._csi_table.get((final, interm))
        if handler is None:
            return ()
        args = self._param_cache[params] if params else ()
        if args is None:
            return ()
        return handler, args

    def _plain_csi(self, params: str, final: str) -> None:
        """``CSI params final``, not an SGR, found inside a token of _feed."""
        token = "\x1b[" + params + final
        call = self._csi_calls.get(token)
        if call is None:
            call = self._csi_token(token, "", params, "", final)
        if call:
            call[0](call[1])
            self._screen.last_char = None

    def _csi_token(self, token: str, pre: str, params: str, inter: str, final: str) -> tuple:
        """A CSI token of _feed: what it does (see ``_csi_calls``), remembered."""
        interm = pre + inter
        if final == k.SGR and not interm:
            self._csi_dispatch(interm, params, final)  # an SGR with colons: done here
            return ()
        if len(interm) > _MAX_INTERMEDIATES or len(params) > _MAX_PARAMS_LENGTH:
            call: tuple = ()
        else:
            call = self._csi_call(interm, params, final)
        calls = self._csi_calls
        if len(calls) >= _CSI_CALLS_LIMIT:
            calls.clear()
        calls[token] = call
        return call

    def _sgr_transition(self, params: str) -> CellCache | None:
        """Apply an SGR the slow way and remember the transition."""
        prog = self._sgr_cache.get(params)
        if prog is None:
            args = self._param_cache[params] if params else ()
            if args is None:
                return None
            if len(self._sgr_cache) > _SGR_CACHE_LIMIT:
                self._sgr_cache.clear()
            prog = self._sgr_cache[params] = compile_sgr(args)
        s = self._screen
        cells = s._cells
        attrs, changes = prog
        if attrs is None:
            values = list(cells.attrs)
            for i, v in changes:
                values[i] = v
            attrs = Char._make(values)
        s._set_attrs(attrs)
        if len(cells.sgr) > _SGR_TRANSITIONS_LIMIT:
            cells.sgr.clear()
        cells.sgr[params] = s._cells
        return s._cells
