"""What each control sequence (``CSI ... final``) does: tmux's input_csi_dispatch.

A handler takes the screen and the tuple of decoded parameters (an int, None for an
empty one, a string for a colon-separated one). :data:`CSI_HANDLERS` and
:data:`COUNT_OPS` are keyed by ``(final, prefix + intermediates)``, with the names of
:mod:`castview.term.controls`; :func:`bind` makes the table one parser uses.
SGR is not here: the parser applies it through a cache (see ``TermStream``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from . import controls as k

if TYPE_CHECKING:  # pragma: no cover
    from .screen import TermScreen

Handler = Callable[["TermScreen", tuple], None]
Key = tuple[str, str]  # (final, prefix + intermediates)


def get(params: tuple, i: int, minval: int, default: int) -> int:
    """tmux input_get: default if missing, -1 for a colon string, at least minval."""
    if i >= len(params):
        return default
    p = params[i]
    if p is None:
        return default
    if type(p) is str:
        return -1
    return p if p >= minval else minval


def count_op(method: Callable[[int], None], p: tuple) -> None:
    """A sequence whose one parameter is a count (default 1, at least 1) for *method*."""
    n = get(p, 0, 1, 1)
    if n != -1:
        method(n)


def cnl(s: TermScreen, p: tuple) -> None:
    n = get(p, 0, 1, 1)
    if n != -1:
        s.carriage_return()
        s.cursor_down(n)


def cpl(s: TermScreen, p: tuple) -> None:
    n = get(p, 0, 1, 1)
    if n != -1:
        s.carriage_return()
        s.cursor_up(n)


def hpa(s: TermScreen, p: tuple) -> None:
    n = get(p, 0, 1, 1)
    if n != -1:
        s.cursor_move(n - 1, -1)


def vpa(s: TermScreen, p: tuple) -> None:
    n = get(p, 0, 1, 1)
    if n != -1:
        s.cursor_move(-1, n - 1)


def cup(s: TermScreen, p: tuple) -> None:
    n = get(p, 0, 1, 1)
    m = get(p, 1, 1, 1)
    if n != -1 and m != -1:
        s.cursor_move(m - 1, n - 1)


def ed(s: TermScreen, p: tuple) -> None:
    n = get(p, 0, 0, 0)
    if n in (0, 1, 2):
        s.erase_in_display(n)
    elif n == 3 and get(p, 1, 0, 0) == 0:
        s.erase_in_display(3)


def el(s: TermScreen, p: tuple) -> None:
    n = get(p, 0, 0, 0)
    if n in (0, 1, 2):
        s.erase_in_line(n)


def tbc(s: TermScreen, p: tuple) -> None:
    n = get(p, 0, 0, 0)
    if n == 0 or n == 3:
        s.clear_tab_stop(n)


def decstbm(s: TermScreen, p: tuple) -> None:
    n = get(p, 0, 1, 1)
    m = get(p, 1, 1, s.lines)
    if n != -1 and m != -1:
        s.set_scroll_region(n - 1, m - 1)


def scosc(s: TermScreen, p: tuple) -> None:
    s.save_cursor()


def scorc(s: TermScreen, p: tuple) -> None:
    s.restore_cursor()


def decscusr(s: TermScreen, p: tuple) -> None:
    n = get(p, 0, 0, 0)
    if n != -1 and n <= 6:
        s.cursor_style = n


def _modes(p: tuple) -> list[int]:
    out = []
    for i in range(len(p)):
        v = get(p, i, 0, -1)
        if v != -1:
            out.append(v)
    return out


def sm(s: TermScreen, p: tuple) -> None:
    s.set_mode(*_modes(p))


def rm(s: TermScreen, p: tuple) -> None:
    s.reset_mode(*_modes(p))


def decset(s: TermScreen, p: tuple) -> None:
    for m in _modes(p):
        s.set_mode(m, private=True)


def decrst(s: TermScreen, p: tuple) -> None:
    for m in _modes(p):
        s.reset_mode(m, private=True)


def xtwinops(s: TermScreen, p: tuple) -> None:
    """Only the title stack; the arguments of the other operations are skipped as tmux
    skips them, so a malformed list stops where tmux stops."""
    m = 0
    while True:
        n = get(p, m, 0, -1)
        if n == -1:
            return
        arg = 0
        for _ in range(k.XTWINOPS_ARGS.get(n, 0)):
            m += 1
            arg = get(p, m, 0, -1)
            if arg == -1:
                return
        if arg in (0, 2):  # of the title stack ops: both titles, or the window title
            if n == k.XTWINOPS_PUSH_TITLE:
                s.push_title()
            elif n == k.XTWINOPS_POP_TITLE:
                s.pop_title()
        m += 1


def ignored(s: TermScreen, p: tuple) -> None:
    """A query or a setting that changes nothing on the screen."""


#: Sequences whose count goes to the screen method named.
COUNT_OPS: dict[Key, str] = {
    (k.ICH, ""): "insert_characters",
    (k.CUU, ""): "cursor_up",
    (k.CUD, ""): "cursor_down",
    (k.CUF, ""): "cursor_forward",
    (k.CUB, ""): "cursor_back",
    (k.IL, ""): "insert_lines",
    (k.DL, ""): "delete_lines",
    (k.DCH, ""): "delete_characters",
    (k.SU, ""): "scroll_up",
    (k.SD, ""): "scroll_down",
    (k.ECH, ""): "erase_characters",
    (k.CBT, ""): "back_tab",
    (k.REP, ""): "repeat_last",
}

CSI_HANDLERS: dict[Key, Handler] = {
    (k.CNL, ""): cnl,
    (k.CPL, ""): cpl,
    (k.CHA, ""): hpa,
    (k.CUP, ""): cup,
    (k.ED, ""): ed,
    (k.EL, ""): el,
    (k.HPA, ""): hpa,
    (k.DA, ""): ignored,
    (k.DA, k.SECONDARY): ignored,
    (k.VPA, ""): vpa,
    (k.HVP, ""): cup,
    (k.TBC, ""): tbc,
    (k.SM, ""): sm,
    (k.SM, k.PRIVATE): decset,
    (k.RM, ""): rm,
    (k.RM, k.PRIVATE): decrst,
    (k.SGR, k.SECONDARY): ignored,  # xterm's modifyOtherKeys, not SGR
    (k.DSR, ""): ignored,
    (k.DSR, k.SECONDARY): ignored,
    (k.DSR, k.PRIVATE): ignored,
    (k.DECRQM, k.DOLLAR): ignored,
    (k.DECRQM, k.PRIVATE + k.DOLLAR): ignored,
    (k.DECSCUSR, k.SPACE): decscusr,
    (k.DECSCUSR, k.SECONDARY): ignored,  # XTVERSION
    (k.DECSTBM, ""): decstbm,
    (k.SCOSC, ""): scosc,
    (k.XTWINOPS, ""): xtwinops,
    (k.SCORC, ""): scorc,
}


def bind(screen: TermScreen) -> dict[Key, Callable[[tuple], None]]:
    """The dispatch table of one screen: handlers that take only the parameters."""
    table: dict[Key, Callable[[tuple], None]] = {key: partial(f, screen) for key, f in CSI_HANDLERS.items()}
    table.update({key: partial(count_op, getattr(screen, name)) for key, name in COUNT_OPS.items()})
    return table
