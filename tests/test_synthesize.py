"""term.synthesize: the text that rebuilds a terminal's state, checked by comparing the
whole state (both screens, rows' wrapped flags and used counts, cursor, pen, modes,
charsets, saved cursors, tab stops, titles, parser) of the original and the rebuilt one."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from castview.cast.reader import load_events
from castview.term.keyframes import apply
from castview.term.screen import Terminal
from castview.term.snapshot import encode_state
from castview.term.synthesize import rebuild, synthesize

ROOT = Path(__file__).parent.parent
SAMPLES = sorted((ROOT / "sample_casts").glob("**/*.cast"))
ZWJ = "\u200d"


def rebuilt(term: Terminal) -> Terminal:
    size, steps = rebuild(term)
    fresh = Terminal(*size)
    for step in steps:
        if isinstance(step, str):
            fresh.feed(step)
        else:
            fresh.resize(*step)
    return fresh


def comparable(term: Terminal) -> dict:
    """The whole state, a cell's trailing ZWJ dropped (a documented limit of synthesize)."""
    state = encode_state(term)
    state["lines"] = [[text.replace(ZWJ + " ", " "), runs, None] for text, runs, _ in state["lines"]]
    return state


def assert_rebuilds(term: Terminal) -> None:
    assert comparable(rebuilt(term)) == comparable(term)


CASES = {
    "empty": "",
    "text and colours": "hello \x1b[31;1mred\x1b[0m \x1b[38;5;200mpink\x1b[48;2;1;2;3m rgb\x1b[7;9;3;4;5m x",
    "pending wrap": "x" * 80,
    "wrapped rows": "y" * 200,
    "wide char wraps": "a" * 79 + "中文",
    "erase with colour": "\x1b[44m\x1b[2J\x1b[5;5Habc\x1b[0m\x1b[K",
    "erase part of a row": "abcdef\x1b[42m\x1b[1;3H\x1b[2X",
    "scroll region and origin": "\x1b[5;10r\x1b[?6h\x1b[2;3Hin region",
    "saved cursor with everything": "\x1b[10;20H\x1b[32m\x1b(0\x1b)0\x0e\x1b7\x0f\x1b(B\x1b[m\x1b[1;1H",
    "saved cursor in origin mode": "\x1b[3;20r\x1b[?6h\x1b[4;7H\x1b7\x1b[?6l\x1b[1;1H",
    "saved pending wrap": "z" * 80 + "\x1b7\x1b[5;5H",
    "alternate screen 1049": "main text\x1b[33m\x1b[?1049h\x1b[0malt text\x1b[3;3H",
    "alternate screen 47": "main\x1b[?47halt",
    "alternate left": "main\x1b[5;5H\x1b[35m\x1b[?1049hxx\x1b[?1049l\x1b[m more",
    "alternate entered twice": "m\x1b[?1049h\x1b[?1049l\x1b[?47h",
    "modes": "\x1b[?1h\x1b[?1002h\x1b[?1006h\x1b[?2004h\x1b[?12h\x1b[?1004h\x1b[4h\x1b[?7l\x1b[?25l",
    "autowrap off at the edge": "\x1b[?7l" + "q" * 90,
    "insert mode text": "abc\x1b[4h\x1b[1;2HX\x1b[1;1H",  # REP after it: a documented limit
    "tab stops": "\x1b[3g\x1b[1;5H\x1bH\x1b[1;13H\x1bH\x1b[1;1H\ta\tb",
    "titles": "\x1b]2;first\x07\x1b[22;0t\x1b]2;\x07\x1b[22;0t\x1b]0;now\x07",
    "cursor style": "\x1b[4 q",
    "dec graphics": "\x1b(0lqqk\x1b(B mixed \x1b)0\x0eqx\x0f",
    "dec graphics active": "\x1b(0lqk",
    "combining and emoji": "cafe\u0301 \U0001F468\u200d\U0001F469 \U0001F44D\U0001F3FD",
    "REP": "ab\x1b[3b",
    "last char before a wrap": "k" * 80,
    "last char, autowrap off": "\x1b[?7l" + "w" * 85,
    "in a CSI": "abc\x1b[1;3",
    "in a private CSI": "abc\x1b[?25",
    "in a CSI with intermediates": "abc\x1b[1 ",
    "in an ignored CSI": "abc\x1b[1<",
    "in an ESC": "abc\x1b",
    "in an ESC with intermediates": "abc\x1b(",
    "in an OSC": "abc\x1b]2;half a tit",
    "in a DCS": "abc\x1bPqsixel da",
    "in an APC": "abc\x1b_kitty",
    "in a rename": "abc\x1bkname",
    "bottom margin, cursor below": "\x1b[1;5r\x1b[10;1H" + "v" * 170,
}


@pytest.mark.parametrize("data", CASES.values(), ids=CASES.keys())
def test_rebuilds_state(data: str) -> None:
    term = Terminal(80, 24)
    term.feed(data)
    assert_rebuilds(term)


def test_main_screen_saved_at_another_size_is_rebuilt_with_a_resize() -> None:
    term = Terminal(80, 24)
    term.feed("main " * 30 + "\x1b[?1049halt")
    term.resize(100, 30)
    term.feed("\x1b[2;2Hwider")
    size, steps = rebuild(term)
    assert size == (80, 24) and steps[1] == (100, 30)
    assert_rebuilds(term)
    with pytest.raises(ValueError):
        synthesize(term)


TOKENS = [
    "a", "bc", "xyz" * 9, " ", "中", "\u0301", "\U0001F600", "\r", "\n", "\b", "\t", "\x0e", "\x0f",
    "\x1b(0", "\x1b(B", "\x1b)0", "\x1b7", "\x1b8", "\x1bD", "\x1bM", "\x1bE", "\x1bH", "\x1bc",
    "\x1b[m", "\x1b[1;31m", "\x1b[44m", "\x1b[7m", "\x1b[38;5;123m", "\x1b[48;2;9;8;7m",
    "\x1b[H", "\x1b[5;9H", "\x1b[24;80H", "\x1b[3A", "\x1b[2C", "\x1b[J", "\x1b[1J", "\x1b[2J", "\x1b[K",
    "\x1b[1K", "\x1b[2K", "\x1b[3@", "\x1b[2P", "\x1b[4X", "\x1b[2L", "\x1b[2M", "\x1b[S", "\x1b[T",
    "\x1b[4;12r", "\x1b[r", "\x1b[?6h", "\x1b[?6l", "\x1b[?7l", "\x1b[?7h", "\x1b[4h", "\x1b[4l",
    "\x1b[?25l", "\x1b[?25h", "\x1b[?1049h", "\x1b[?1049l", "\x1b[?47h", "\x1b[?47l", "\x1b[?1h",
    "\x1b[?2004h", "\x1b[?1000h", "\x1b[g", "\x1b[3g", "\x1b[2b", "\x1b]2;t\x07", "\x1b[22;0t",
    "\x1b[23;0t", "\x1b[s", "\x1b[u", "\x1b[3 q", "k" * 80, "\x1b#8",
]


def without_limits(term: Terminal) -> dict:
    """The state but for what the module docstring lists as not rebuilt and random output
    reaches: how far rows were written ("used": a pending wrap on a row scrolled under the
    cursor), the last row's wrapped flag, REP's character in insert mode."""
    state = comparable(term)
    for key in ("screen", "main"):
        if state[key] is not None:
            state[key] = [[line, wrapped, None] for line, wrapped, _ in state[key]]
            state[key][-1][1] = None
    if term.screen.mode & {4}:
        state["last_char"] = None
    return state


@pytest.mark.parametrize("seed", range(80))
def test_random_output_rebuilds(seed: int) -> None:
    rng = random.Random(seed)
    cols, rows = rng.choice([(80, 24), (20, 6), (7, 3), (2, 5)])
    term = Terminal(cols, rows)
    for _ in range(300):
        term.feed(rng.choice(TOKENS))
    assert without_limits(rebuilt(term)) == without_limits(term)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_moment_of_the_samples_rebuilds(path: Path) -> None:
    header, events = load_events(path)
    term = Terminal(header.size.cols, header.size.rows)
    for event in events:
        apply(term, event, header.no_pty)
        assert_rebuilds(term)
