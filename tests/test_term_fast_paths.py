"""The parser's fast paths (a text run written into its row inline, an SGR with the text
after it in one token, CR LF in one token, a scroll region scrolled in place) against the
slow path, on random inputs: the same terminal state, whatever the feeds' boundaries.

The slow path: every printable run found in the ground state is handed to
``TermScreen.draw`` and every other character is fed alone, so sequences go through the
state machine a character at a time.
"""

from __future__ import annotations

import random

import pytest

from castview.term.cells import BLANK, Char
from castview.term.screen import Terminal
from castview.term.snapshot import encode_state

PIECES = [
    "\r\n", "\r", "\n", "\b", "\t", "\x0e", "\x0f", "\x7f",
    "\x1b[4h", "\x1b[4l",  # insert mode
    "\x1b[?7l", "\x1b[?7h",  # autowrap
    "\x1b(0", "\x1b(B", "\x1b)0",  # DEC graphics
    "\x1b[K", "\x1b[1K", "\x1b[2K", "\x1b[J", "\x1b[3b", "\x1b[2@", "\x1b[P",
    "\x1b[2;3r", "\x1b[r", "\x1b[1;2r", "\x1bM", "\x1bD", "\x1b7", "\x1b8",
    "\x1b]0;title\x07", "\x1b[?1049h", "\x1b[?1049l",
    "\u4f60", "\U0001f600", "e\u0301", "\u0301", "\U0001f468\u200d\U0001f469", "\u200d", "\x85", "\u00e9",
]
SGRS = ["", "0", "1", "31", "1;4", "38;5;200", "7", "48;2;1;2;3", "0;1;32", "38:5:3", "39;49"]


def _text(rng: random.Random, cols: int) -> str:
    return "".join(rng.choice("abcxyz q-~0") for _ in range(rng.randint(1, 2 * cols + 2)))


def _input(rng: random.Random, cols: int, rows: int) -> str:
    out = []
    for _ in range(rng.randint(1, 40)):
        r = rng.random()
        if r < 0.35:
            out.append(_text(rng, cols))
        elif r < 0.55:
            sgr = f"\x1b[{rng.choice(SGRS)}m"
            out.append(sgr + (_text(rng, cols) if rng.random() < 0.7 else ""))
        elif r < 0.65:
            # near the right margin, where runs wrap or stop
            out.append(f"\x1b[{rng.randint(1, rows)};{rng.randint(max(1, cols - 3), cols + 1)}H")
        else:
            out.append(rng.choice(PIECES))
    return "".join(out)


def _slow(term: Terminal, data: str) -> None:
    run: list[str] = []
    for ch in data:
        if term.at_boundary and not ("\x00" <= ch <= "\x1f" or ch == "\x7f"):
            run.append(ch)
            continue
        if run:
            term.screen.draw("".join(run))
            run = []
        term.feed(ch)
    if run:
        term.screen.draw("".join(run))


def _split(term: Terminal, data: str, rng: random.Random) -> None:
    i = 0
    while i < len(data):
        j = i + rng.randint(1, 12)
        term.feed(data[i:j])
        i = j


@pytest.mark.parametrize("seed", range(40))
def test_fast_paths_match_the_slow_path(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        cols, rows = rng.randint(1, 12), rng.randint(1, 6)
        data = _input(rng, cols, rows)
        whole, split, slow = Terminal(cols, rows), Terminal(cols, rows), Terminal(cols, rows)
        whole.feed(data)
        _split(split, data, rng)
        _slow(slow, data)
        expected = encode_state(slow)
        assert encode_state(whole) == expected, repr(data)
        assert encode_state(split) == expected, repr(data)
        assert whole._stream.errors == split._stream.errors == slow._stream.errors == 0


def test_a_run_across_the_right_margin_with_autowrap_off_stops_at_the_margin() -> None:
    term = Terminal(5, 2)
    term.feed("\x1b[?7l\x1b[1mabcdefg\r\nxy")
    assert term.lines() == ["abcdg", "xy   "]


def test_a_run_after_an_sgr_overwrites_half_a_wide_character() -> None:
    data = "\u4f60\u4f60\x1b[4G\x1b[31mab"  # "ab" starts on the second one's right half
    term, slow = Terminal(6, 1), Terminal(6, 1)
    term.feed(data)
    _slow(slow, data)
    assert encode_state(term) == encode_state(slow)
    assert term.lines() == ["\u4f60 ab "]


@pytest.mark.parametrize("seed", range(20))
def test_scrolling_a_region_in_place_matches_moving_its_lines(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        cols, rows = rng.randint(1, 4), rng.randint(1, 8)
        top = rng.randrange(rows)
        bottom = rng.randrange(top, rows)
        fast, moved = Terminal(cols, rows).screen, Terminal(cols, rows).screen
        for screen in (fast, moved):
            screen.buffer = [[Char(str(y))] * cols for y in range(rows)]
            screen.wrapped = [y % 3 != 1 for y in range(rows)]
            screen.used = list(range(rows))
            if seed % 2:
                screen.hidden_rows = [([Char("h")] * cols, True, cols)]
        fast._scroll_up(top, bottom, BLANK)
        moved._move_lines(top, top + 1, bottom - top, BLANK)
        assert (fast.buffer, fast.wrapped, fast.used, fast.hidden_rows) == \
            (moved.buffer, moved.wrapped, moved.used, moved.hidden_rows), (rows, top, bottom)
