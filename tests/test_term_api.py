"""The Terminal API other layers rely on (no tmux needed)."""

from __future__ import annotations

import pyte
from pyte.screens import Char

from castview.term.controls import CUP, HT
from castview.term.screen import BLANK, Terminal


def test_shape_and_text_semantics() -> None:
    t = Terminal(10, 3)
    assert (t.cols, t.rows) == (10, 3)
    t.feed("ab  \r\n\u4e2dx")
    assert t.lines() == ["ab        ", "\u4e2dx       ", "          "]
    assert t.text() == "ab\n\u4e2dx\n"  # capture-pane -p: rows kept, trailing spaces cut
    assert t.screen.buffer[1][0] == Char("\u4e2d") and t.screen.buffer[1][1] == Char("")
    assert all(len(row) == 10 for row in t.screen.buffer)


def test_cursor_pending_wrap_and_hidden() -> None:
    t = Terminal(5, 2)
    t.feed("abcde")
    assert t.cursor == (5, 0, False)  # pending wrap: x == cols, like tmux's cursor_x
    t.feed("\x1b[?25l")
    assert t.cursor == (5, 0, True)


def test_title_never_printed() -> None:
    t = Terminal(20, 2)
    t.feed("\x1b]0;hello world\x07$ \x1b]2;second\x1b\\")
    assert t.title == "second"
    assert t.text() == "$\n"


def test_colour_conventions() -> None:
    t = Terminal(10, 1)
    t.feed("\x1b[31;102ma\x1b[38;5;9;48;5;196mb\x1b[38;2;1;2;3mc\x1b[1;4;7md")
    a, b, c, d = t.screen.buffer[0][:4]
    assert (a.fg, a.bg) == ("red", "brightgreen")
    assert (b.fg, b.bg) == ("brightred", "ff0000")
    assert c.fg == "010203"
    assert d.bold and d.underscore and d.reverse


def test_erase_keeps_only_background() -> None:
    t = Terminal(4, 1)
    t.feed("\x1b[1;31;44mx\x1b[K")
    assert t.screen.buffer[0][1] == Char(" ", "default", "blue")
    t.feed("\x1b[0m\x1b[2K")
    assert t.screen.buffer[0] == [BLANK] * 4


def test_dirty_rows() -> None:
    t = Terminal(10, 4)
    assert t.screen.dirty == {0, 1, 2, 3}
    t.screen.dirty.clear()
    t.feed("\x1b[3;1Hhello")
    assert t.screen.dirty == {2}
    t.screen.dirty.clear()
    t.feed("\x1b[4;1H\n")  # scrolls everything
    assert t.screen.dirty == {0, 1, 2, 3}
    t.screen.dirty.clear()
    t.feed("\x1b[1;1H\x1b[K")
    assert t.screen.dirty == {0}


def test_resize_argument_order() -> None:
    t = Terminal(80, 24)
    t.resize(100, 30)
    assert (t.cols, t.rows) == (100, 30)
    assert len(t.lines()) == 30 and all(len(r) == 100 for r in t.screen.buffer)


def test_is_a_pyte_screen_and_stream() -> None:
    t = Terminal(10, 2)
    assert isinstance(t.screen, pyte.Screen)
    assert isinstance(t._stream, pyte.Stream)
    t.feed("hi")
    assert t.screen.display == ["hi        ", "          "]


def test_unknown_sequences_do_not_lose_data() -> None:
    t = Terminal(40, 2)
    t.feed("a\x1b[?4mb\x1b[>4;2mc\x1b[=5ud\x1b[!pe\x1bP zz\x1b\\f\x1b*0g\x1b Fh\x01i\x1b]2;t\x07j")
    assert t.text().split("\n")[0] == "abcdefghij"
    assert t.screen.buffer[0][2].underscore is False
    assert t._stream.errors == 0


def test_at_boundary() -> None:
    t = Terminal(10, 2)
    assert t.at_boundary
    t.feed("x\x1b[3")
    assert not t.at_boundary
    t.feed("1m")
    assert t.at_boundary
    t.feed("\x1b]2;title")
    assert not t.at_boundary
    t.feed("\x07")
    assert t.at_boundary


def test_internal_error_skips_only_the_token(monkeypatch) -> None:
    """feed() never raises: a failing handler costs its own sequence, not the rest."""
    t = Terminal(20, 2)

    def boom(*args: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(t._stream, "_c0", {**t._stream._c0, HT: boom})
    t._stream._csi_table[(CUP, "")] = boom
    t.feed("a\tb\x1b[2;2Hc\x1b]2;ok\x07d")
    assert t.text().split("\n")[0] == "abcd"
    assert t.title == "ok"
    assert t._stream.errors == 2
