"""Terminal.snapshot/restore: a restored terminal fed the rest equals the straight feed."""

from __future__ import annotations

from pathlib import Path

import pytest

from castview.cast.model import OUTPUT, RESIZE, parse_size
from castview.cast.reader import load_events
from castview.term.screen import Terminal
from castview.term.snapshot import encode_state

HERE = Path(__file__).parent
CASTS = sorted(p for p in (HERE / "data" / "public").glob("*") if p.suffix in (".cast", ".json"))
CASTS += sorted((HERE.parent / "sample_casts").glob("**/*.cast"))

# A session touching every piece of state a snapshot must carry: both screens,
# DECSC slot, scroll region, origin/insert/autowrap modes, G0/G1 + SO, tab stops,
# title and title stack, pending wrap, a pending ZWJ, REP's last character,
# and sequences cut in the middle (CSI, OSC, DCS).
STATEFUL = (
    "line one\r\nline two\x1b]2;first title\x07\x1b[22;0t\x1b]2;second\x07"
    "\x1b[3g\x1b[5G\x1bH\x1b[12G\x1bH\r"
    "\x1b[2;5r\x1b[?6h\x1b[3;4H\x1b[1;31;44m\x1b7\x1b[0m"
    "\x1b)0\x0e\x1b(0lqk\x0f\x1b(B"
    "\x1b[?1049h\x1b[Halt screen\x1b[4hXY\x1b[4l\x1b[?7l" + "w" * 30 + "\x1b[?7h"
    "\x1b8\ttab\x1b[?25l"
    "\x1b[r" + "z" * 23 + "e\u200d"
    "\x1b[3"  # cut inside a CSI
    "1mq\x1b]2;in the"  # cut inside an OSC
    " middle\x07\x1bPq#0~~"  # cut inside a DCS
    "\x1b\\\U0001f469x\x1b[2b\x1b[23;0t\x1b[?1049l\x1b[?6lback\x0e\x1b8q\x0f\x1b[?25h"
)


def _replay(path: Path) -> tuple[tuple[int, int], list[tuple[str, object]]]:
    header, events = load_events(path)
    out: list[tuple[str, object]] = []
    for ev in events:
        if ev.code == OUTPUT:
            out.append(("o", ev.data))
        elif ev.code == RESIZE and (size := parse_size(ev.data)) is not None:
            out.append(("r", size))
    return tuple(header.size), out


def _apply(term: Terminal, event: tuple[str, object]) -> None:
    code, value = event
    if code == "o":
        term.feed(value)  # type: ignore[arg-type]
    else:
        term.resize(value.cols, value.rows)  # type: ignore[union-attr]


@pytest.mark.parametrize("path", CASTS, ids=[p.name for p in CASTS])
def test_restore_mid_recording_then_feed_rest(path: Path) -> None:
    size, events = _replay(path)
    straight = Terminal(*size)
    for ev in events:
        _apply(straight, ev)
    want = encode_state(straight)
    n = len(events)
    for cut in sorted({0, n // 7, n // 3, n // 2, (2 * n) // 3, n - 1, n} - {-1}):
        term = Terminal(*size)
        for ev in events[:cut]:
            _apply(term, ev)
        restored = Terminal.restore(term.snapshot())
        assert encode_state(restored) == encode_state(term), cut
        for ev in events[cut:]:
            _apply(restored, ev)
        assert encode_state(restored) == want, f"{path.name}: restored after event {cut}"


@pytest.mark.parametrize("chunk", [1, 3, 7])
def test_restore_anywhere_in_stateful_session(chunk: int) -> None:
    """Snapshot after every *chunk* characters, even mid-sequence; restore; finish."""
    straight = Terminal(20, 8)
    straight.feed(STATEFUL)
    want = encode_state(straight)
    for cut in range(0, len(STATEFUL) + 1, chunk):
        term = Terminal(20, 8)
        term.feed(STATEFUL[:cut])
        restored = Terminal.restore(term.snapshot())
        restored.feed(STATEFUL[cut:])
        assert encode_state(restored) == want, cut
        assert restored.lines() == straight.lines()
        assert restored.cursor == straight.cursor
        assert restored.title == straight.title


def test_stateful_session_exercises_the_state() -> None:
    term = Terminal(20, 8)
    cut = STATEFUL.index("\x1b[31mq")  # just before the cut-in-CSI
    term.feed(STATEFUL[:cut])
    s = term.screen
    assert term.alternate and term.at_boundary
    assert s.saved_cursor[:2] == (3, 3) and s.saved_cursor[6] and s.zwj
    assert not s.g1_acs  # DECRC brought back the charsets saved by DECSC
    assert s.title_stack == ["first title"] and term.title == "second"
    term.feed("\x1b[3")
    assert not term.at_boundary
    copy = Terminal.restore(term.snapshot())
    assert not copy.at_boundary and copy.alternate


def test_restored_terminal_marks_all_rows_dirty() -> None:
    term = Terminal(10, 4)
    term.feed("hello")
    copy = Terminal.restore(term.snapshot())
    assert copy.screen.dirty == {0, 1, 2, 3}


def test_snapshot_is_small() -> None:
    """An 80x24 screen of coloured text fits in a few KB; identical rows are stored once."""
    term = Terminal(80, 24)
    term.feed("".join(f"\x1b[{y + 1};1H\x1b[3{y % 8}m" + "x" * 79 for y in range(24)))
    term.feed("\x1b[?1049h" + "y" * 500)
    assert len(term.snapshot()) < 2_000
    state = encode_state(term)
    rows = len(state["screen"]) + len(state["main"])
    assert (rows, len(state["lines"])) == (48, 12)  # 8 colours of x rows, y rows, blank rows
