"""Property tests: the terminal survives any input and its snapshots are exact."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from castview.term.screen import Terminal
from castview.term.snapshot import encode_state

# Fragments that exercise the parser: every kind of sequence start, parameters,
# intermediates, finals, C0/C1 controls, string terminators, wide and zero-width
# characters, and whole sequences that change modes.
FRAGMENTS = [
    "\x1b", "\x1b[", "\x1b]", "\x1bP", "\x1b_", "\x1b^", "\x1bX", "\x1bk", "\x1b(", "\x1b)",
    "\x1b#", "\x1b\\", "\x1b7", "\x1b8", "\x1bc", "\x1bD", "\x1bE", "\x1bM", "\x1bH",
    "?", ">", "=", "<", "!", "$", " ", "\"", "'", ";", ":", "0", "1", "2", "5", "38", "48",
    "999999999999", "m", "h", "l", "H", "J", "K", "r", "S", "T", "L", "M", "@", "P", "X",
    "b", "q", "t", "u", "s", "`", "Z", "~", "0", "B",
    "\x00", "\x01", "\x07", "\x08", "\t", "\n", "\x0b", "\x0c", "\r", "\x0e", "\x0f",
    "\x18", "\x1a", "\x7f", "\x9b", "\x90", "\x9c",
    "a", "hello", "x" * 30, "\u4e2d", "\u6587\u5b57", "\u0301", "\u200d", "\ufe0f",
    "\U0001f600", "\U0001f468", "\U0001f3fd", "\u0378", "\ud800",
    "\x1b[?1049h", "\x1b[?1049l", "\x1b[?47h", "\x1b[?47l", "\x1b[?7l", "\x1b[?7h",
    "\x1b[4h", "\x1b[4l", "\x1b[?6h", "\x1b[?6l", "\x1b[2;4r", "\x1b[r", "\x1b(0", "\x1b(B",
    "\x1b)0", "\x1b[38;5;200m", "\x1b[38:2::1:2:3m", "\x1b[0m", "\x1b[1;31;44m",
    "\x1b]2;title\x07", "\x1b]0;t\x1b\\", "\x1bPq~~\x1b\\", "\x1b[22;0t", "\x1b[23;0t",
    "\x1b[99;99H", "\x1b[H", "\x1b[2J", "\x1b[3J", "\x1b[K", "\x1b[5b", "\x1b[3S", "\x1b[2T",
    "\x1b#8",
]

escape_heavy = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)
any_text = st.text(st.characters(exclude_categories=[]), max_size=200)
inputs = st.one_of(escape_heavy, any_text, st.lists(st.one_of(escape_heavy, any_text), max_size=4).map("".join))
sizes = st.tuples(st.integers(1, 30), st.integers(1, 12))

PROFILE = settings(max_examples=150, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow])


def check_invariants(term: Terminal) -> None:
    assert term._stream.errors == 0, term._stream.last_error
    screen = term.screen
    lines = term.lines()
    assert len(lines) == term.rows
    assert all(isinstance(line, str) for line in lines)
    assert len(screen.buffer) == term.rows
    assert all(len(row) == term.cols for row in screen.buffer)
    assert len(screen.wrapped) == len(screen.used) == term.rows
    assert all(0 <= u <= term.cols for u in screen.used)
    x, y, hidden = term.cursor
    assert 0 <= y < term.rows and x >= 0
    top, bottom = screen.margins
    assert 0 <= top < bottom < term.rows or (top == 0 and bottom == term.rows - 1)
    assert isinstance(term.title, str)
    text = term.text()
    assert text.count("\n") == term.rows - 1


@PROFILE
@given(data=inputs, size=sizes)
def test_feed_never_raises(data: str, size: tuple[int, int]) -> None:
    term = Terminal(*size)
    term.feed(data)
    check_invariants(term)


@PROFILE
@given(chunks=st.lists(st.one_of(inputs, sizes), max_size=8), size=sizes)
def test_feed_and_resize_never_raise(chunks: list, size: tuple[int, int]) -> None:
    term = Terminal(*size)
    for chunk in chunks:
        if isinstance(chunk, tuple):
            term.resize(*chunk)
        else:
            term.feed(chunk)
        check_invariants(term)


@PROFILE
@given(data=inputs, cut=st.integers(0, 400), size=sizes)
def test_split_feed_equals_whole(data: str, cut: int, size: tuple[int, int]) -> None:
    whole = Terminal(*size)
    whole.feed(data)
    parts = Terminal(*size)
    cut = min(cut, len(data))
    parts.feed(data[:cut])
    parts.feed(data[cut:])
    assert parts._stream.errors == whole._stream.errors == 0
    assert encode_state(parts) == encode_state(whole)


@PROFILE
@given(before=inputs, after=inputs, size=sizes, resize=st.one_of(st.none(), sizes))
def test_snapshot_restore_round_trip(before: str, after: str, size: tuple[int, int],
                                     resize: tuple[int, int] | None) -> None:
    term = Terminal(*size)
    term.feed(before)
    blob = term.snapshot()
    copy = Terminal.restore(blob)
    assert encode_state(copy) == encode_state(term)
    assert copy.at_boundary == term.at_boundary
    for t in (term, copy):
        if resize is not None:
            t.resize(*resize)
        t.feed(after)
    assert encode_state(copy) == encode_state(term)
    assert term._stream.errors == copy._stream.errors == 0
    assert copy.lines() == term.lines()
    assert copy.cursor == term.cursor
    assert copy.title == term.title
