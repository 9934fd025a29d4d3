"""Modes, the alternate screen, the saved cursor, character sets and titles (tmux).

``mode`` holds pyte-style mode numbers: ANSI modes as they are, private (DEC) modes
shifted left by 5. tmux keeps one copy of the main screen while the alternate one
(47/1047/1049) is shown, and one DECSC slot shared by both screens.
"""

from __future__ import annotations

from typing import Any

from pyte.screens import Char

from . import controls as k
from .cells import BLANK, DEFAULT_ATTRS
from .cursor import CursorScreen
from .reflow import ReflowScreen


def private(mode: int) -> int:
    """The key of a private (DEC) mode in ``TermScreen.mode`` (pyte's convention)."""
    return mode << 5


MODE_IRM = k.IRM
MODE_DECAWM = private(k.DECAWM)
MODE_DECTCEM = private(k.DECTCEM)
MODE_DECOM = private(k.DECOM)
MODE_ALTBUF = private(k.ALT_SCREEN_SAVE_CURSOR)  # set while the alternate screen is shown
MOUSE_MODE_KEYS = frozenset(private(m) for m in k.MOUSE_MODES)
#: Every mode key ``TermScreen.mode`` can hold.
MODE_KEYS = frozenset({MODE_IRM, MODE_ALTBUF} | {private(m) for m in k.KNOWN_PRIVATE_MODES})
#: Modes set at power-on and after RIS.
DEFAULT_MODES = frozenset({MODE_DECAWM, MODE_DECTCEM})

TITLE_STACK_LIMIT = 64
#: The saved cursor at power-on: x, y, attributes, active charset, G0 and G1 DEC
#: graphics, origin mode.
DEFAULT_SAVED_CURSOR = (0, 0, DEFAULT_ATTRS, 0, False, False, False)


class ModesScreen(ReflowScreen, CursorScreen):
    """Modes and the state that goes with them."""

    charset: int  # 0: G0 is active (SI), 1: G1 (SO)
    g0_acs: bool  # G0 designated as DEC special graphics
    g1_acs: bool
    saved_cursor: tuple
    alt_cursor: tuple[int, int] | None
    alt_attrs: Char
    title: str
    icon_name: str
    title_stack: list[str]

    def _sync_modes(self) -> None:
        mode = self.mode
        self._autowrap = MODE_DECAWM in mode
        self._insert = MODE_IRM in mode
        self._origin = MODE_DECOM in mode
        self.cursor.hidden = MODE_DECTCEM not in mode
        self._sync_charset()

    def _sync_charset(self) -> None:
        """Recompute whether printable ASCII can take the fast path."""
        acs = self.g1_acs if self.charset else self.g0_acs
        self.fast_ascii = self._autowrap and not self._insert and not acs

    def reset(self) -> None:
        """RIS (``ESC c``), as tmux does it: keeps the title and the alternate screen."""
        self._set_attrs(DEFAULT_ATTRS)
        self.charset = 0
        self.g0_acs = self.g1_acs = False
        self._sync_charset()
        self.saved_cursor = DEFAULT_SAVED_CURSOR
        self.tabstops = set(range(8, self.columns, 8))
        self.set_scroll_region(0, self.lines - 1)
        alt = MODE_ALTBUF in self.mode
        self.mode = set(DEFAULT_MODES)
        if alt:
            self.mode.add(MODE_ALTBUF)
        self._sync_modes()
        self.cursor.hidden = False
        self._clear_rows(0, self.lines, BLANK)
        self.cursor.x = self.cursor.y = 0

    # ---------------------------------------------------------------- modes

    def set_mode(self, *modes: int, **kwargs: Any) -> None:
        """SM / DECSET."""
        private_modes = kwargs.get("private", False)
        for m in modes:
            if not private_modes:
                if m == k.IRM:
                    self.mode.add(MODE_IRM)
                continue
            if m in k.ALT_SCREEN_MODES:
                self.alternate_on(m == k.ALT_SCREEN_SAVE_CURSOR)
                continue
            if m == k.DECCOLM:
                self._home_and_clear()
                continue
            if m not in k.KNOWN_PRIVATE_MODES:
                continue
            if m in k.MOUSE_MODES:
                self.mode.difference_update(MOUSE_MODE_KEYS)
            self.mode.add(private(m))
            if m == k.BRACKETED_PASTE and self.observer is not None:
                self.observer.bracketed_paste(True)
            if m == k.DECOM:
                self._sync_modes()
                self.cursor_move(0, 0)
        self._sync_modes()

    def reset_mode(self, *modes: int, **kwargs: Any) -> None:
        """RM / DECRST."""
        private_modes = kwargs.get("private", False)
        for m in modes:
            if not private_modes:
                if m == k.IRM:
                    self.mode.discard(MODE_IRM)
                continue
            if m in k.ALT_SCREEN_MODES:
                self.alternate_off(m == k.ALT_SCREEN_SAVE_CURSOR)
                continue
            if m == k.DECCOLM:
                self._home_and_clear()
                continue
            if m in k.MOUSE_MODES:
                self.mode.difference_update(MOUSE_MODE_KEYS)
                continue
            self.mode.discard(private(m))
            if m == k.BRACKETED_PASTE and self.observer is not None:
                self.observer.bracketed_paste(False)
            if m == k.DECOM:
                self._sync_modes()
                self.cursor_move(0, 0)
        self._sync_modes()

    def _home_and_clear(self) -> None:
        """DECCOLM: tmux does not resize, it homes the cursor and clears."""
        self.cursor_move(0, 0)
        self._clear_rows(0, self.lines, self._blank(self.cursor.attrs[2]))

    # ------------------------------------------------------ alternate screen

    def alternate_on(self, save_cursor: bool) -> None:
        """``CSI ? 47/1047/1049 h``: tmux keeps a copy of the main screen and clears."""
        if self.alt_saved is not None:
            return
        if self.observer is not None:
            self.observer.entering_alternate()
        self.alt_saved = (self.buffer, self.wrapped, self.used)
        if save_cursor:
            self.alt_cursor = (self.cursor.x, self.cursor.y)
        self.alt_attrs = self.cursor.attrs
        self._unwrap_above(0)  # grid_view_clear of the whole screen
        self._set_blank_screen(self.columns, self.lines)
        self.mode.add(MODE_ALTBUF)
        self.dirty.update(range(self.lines))

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
        if self.observer is not None:
            self.observer.leaving_alternate()
        buffer, wrapped, used = self.alt_saved
        self.alt_saved = None
        self.mode.discard(MODE_ALTBUF)
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

    # ---------------------------------------------------------- saved cursor

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
            self.mode.add(MODE_DECOM)
        else:
            self.mode.discard(MODE_DECOM)
        self._sync_modes()
        self.cursor_move(x, y, origin=False)

    # ------------------------------------------------------------ charsets

    def define_charset(self, code: str, mode: str) -> None:
        """SCS: only ``0`` (DEC special graphics) and ``B`` (ASCII) exist in tmux."""
        if code not in (k.CHARSET_DEC_GRAPHICS, k.CHARSET_ASCII):
            return
        acs = code == k.CHARSET_DEC_GRAPHICS
        if mode == k.SCS_G0:
            self.g0_acs = acs
        elif mode == k.SCS_G1:
            self.g1_acs = acs
        self._sync_charset()

    def shift_in(self) -> None:
        self.charset = 0
        self._sync_charset()

    def shift_out(self) -> None:
        self.charset = 1
        self._sync_charset()

    # -------------------------------------------------------------- titles

    def set_title(self, param: str) -> None:
        self.title = param

    def set_icon_name(self, param: str) -> None:
        self.icon_name = param

    def push_title(self) -> None:
        self.title_stack.insert(0, self.title)
        del self.title_stack[TITLE_STACK_LIMIT:]

    def pop_title(self) -> None:
        if self.title_stack:
            self.title = self.title_stack.pop(0)

    # ------------------------------------------ what a replay does not answer

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
