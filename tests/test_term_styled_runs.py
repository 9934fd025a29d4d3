"""The parser's styled runs (SGRs each with its text, maybe after a cursor position and
before an erase: one token), the cells it remembers for texts, and the CSI tokens it
remembers, against the slow path (every sequence through the state machine a character
at a time, see test_term_fast_paths)."""

from __future__ import annotations

import random

import pytest

from castview.term.cells import RUN_LENGTH, Char
from castview.term.screen import Terminal
from castview.term.snapshot import encode_state
from test_term_fast_paths import _slow

SGRS = ["", "0", "1", "31", "1;4", "38;5;200", "7", "48;2;1;2;3", "0;1;32", "39;49", "9" * 70]
# what comes between styled runs: wide characters to break, margins, modes, moves
BETWEEN = ["\r\n", "\r", "\x1b[K", "\u4f60", "\u4f60\u4f60\u4f60\u4f60\r", "\u4f60\u4f60\x1b[2G", "\U0001f600",
           "e\u0301", "\u200d", "\x1b(0", "\x1b(B", "\x1b[4h", "\x1b[4l", "\x1b[?7l", "\x1b[?7h", "\x1b[2;3r",
           "\x1b[r", "\x1b[?6h", "\x1b[?6l", "\x1b[2;2H", "\x1b[3;1H", "\x1b[H", "\x1b[3b"]


def _styled_run(rng: random.Random, cols: int) -> str:
    pieces = []
    for _ in range(rng.randint(2, 8)):
        text = "".join(rng.choice("ab q~") for _ in range(rng.choice([0, 1, 2, 3, cols, RUN_LENGTH + 3])))
        if rng.random() < 0.1:
            text += rng.choice(["\u4f60", "\u00e9"])
        pieces.append(f"\x1b[{rng.choice(SGRS)}m{text}")
    return "".join(pieces)


@pytest.mark.parametrize("seed", range(30))
def test_styled_runs_match_the_slow_path(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(20):
        cols, rows = rng.randint(1, 14), rng.randint(1, 5)
        data = "".join(_styled_run(rng, cols) if rng.random() < 0.6 else rng.choice(BETWEEN)
                       for _ in range(rng.randint(1, 30)))
        fast, slow = Terminal(cols, rows), Terminal(cols, rows)
        fast.feed(data)
        fast.feed(data)  # again: the texts' cells and the CSI tokens are remembered now
        _slow(slow, data)
        _slow(slow, data)
        assert encode_state(fast) == encode_state(slow), repr(data)
        assert fast._stream.errors == 0


def test_a_remembered_text_takes_the_attributes_it_is_written_with() -> None:
    long = "x" * (RUN_LENGTH + 1)
    term = Terminal(80, 3)
    for sgr in ("31", "32"):
        term.feed(f"\x1b[{sgr}mab\x1b[1m{long}\x1b[0m\r\n")
    for y, colour in enumerate(("red", "green")):
        row = term.screen.buffer[y]
        assert row[0] == Char("a", colour) and row[2] == Char("x", colour, bold=True)
        assert row[2 + len(long)] == Char(" ")


def test_a_remembered_cursor_position_follows_origin_mode() -> None:
    """A CSI token remembers its parameters, not where they led."""
    term = Terminal(10, 6)
    term.feed("\x1b[2;2Ha\x1b[3;5r\x1b[?6h\x1b[2;2Hb")
    assert term.cursor[:2] == (2, 3)
    assert term.lines()[1] == " a        " and term.lines()[3] == " b        "


@pytest.mark.parametrize("data, line", [
    # the run ends on the first half of a wide character: its second half is erased
    ("\u4f60\u4f60\u4f60\r\x1b[31ma\x1b[32mb\x1b[33mc", "abc \u4f60 "),
    # the run starts on the second half of one: its first half is erased
    ("\u4f60\u4f60\u4f60\x1b[4G\x1b[31ma\x1b[32mb", "\u4f60 ab  "),
])
def test_a_styled_run_breaking_wide_characters_erases_their_halves(data: str, line: str) -> None:
    fast, slow = Terminal(7, 1), Terminal(7, 1)
    fast.feed(data)
    _slow(slow, data)
    assert encode_state(fast) == encode_state(slow)
    assert fast.lines() == [line]
