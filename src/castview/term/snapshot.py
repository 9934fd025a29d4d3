"""Snapshots of the whole terminal state, for keyframes."""

from __future__ import annotations

import pickle
import zlib
from typing import TYPE_CHECKING

from pyte.screens import Margins

from .parser import GROUND

if TYPE_CHECKING:  # pragma: no cover
    from .parser import TermStream
    from .screen import TermScreen

#: Shape of ``Terminal.snapshot`` data; restore() refuses other versions.
#: Caches of snapshots should include it in their own format key.
SNAPSHOT_VERSION = 2


def state_of(s: TermScreen, st: TermStream) -> tuple:
    cur = s.cursor
    alt = s.alt_saved
    if alt is not None:
        alt = ([r[:] for r in alt[0]], alt[1][:], alt[2][:])
    return (
        SNAPSHOT_VERSION,
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


def dumps(s: TermScreen, st: TermStream) -> bytes:
    return zlib.compress(pickle.dumps(state_of(s, st), protocol=pickle.HIGHEST_PROTOCOL), 1)


def loads(blob: bytes) -> tuple:
    state = pickle.loads(zlib.decompress(blob))
    if state[0] != SNAPSHOT_VERSION:
        raise ValueError(f"unsupported terminal snapshot version {state[0]!r}")
    return state


def apply_state(state: tuple, s: TermScreen, st: TermStream) -> None:
    (_, cols, rows, buffer, wrapped, used, hidden, cx, cy, attrs, hidden_cursor,
     margins, mode, charset, g0, g1, saved_cursor, alt, alt_cursor, alt_attrs,
     tabstops, title, icon_name, title_stack, cursor_style, last_char, zwj,
     pstate, interm, params, discard, string, string_len) = state
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
    st.state, st.interm, st.params, st.discard = pstate, interm, params, discard
    st.string, st.string_len = string, string_len
    s.dirty = set(range(rows))
