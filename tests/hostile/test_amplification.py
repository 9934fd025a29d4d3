"""Amplification (issue 11, item 5): recordings crafted to make castview spend far more
than their size. Each input is a scaled-down version of one in bench/hostile.py that still
shows the problem; the tests assert sizes and counts (cache bytes, snapshots, output,
work done), never wall time. bench/RESULTS.md has the figures at scale.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

from castview import transcript as transcript_module
from castview.cast.reader import load_events
from castview.term import keyframes, reflow
from castview.term.cells import cell_width
from castview.term.keyframes import KEYFRAME_SPACING, Replay, apply
from castview.term.screen import Char, Terminal
from castview.term.snapshot import encode_state
from castview.transcript import HIDDEN, HIDDEN_BLOCKS, LINE_LIMIT, MAIN, transcript

from .conftest import SRC, TIMEOUT

Event = tuple[float, str, str]


def write_cast(path: Path, cols: int, rows: int, events: Iterable[Event]) -> Path:
    with open(path, "w") as f:
        f.write(json.dumps({"version": 2, "width": cols, "height": rows, "timestamp": 1795166102}) + "\n")
        for t, code, data in events:
            f.write(json.dumps([round(t, 6), code, data]) + "\n")
    return path


def truecolour_screen(cols: int, rows: int) -> str:
    """A screen whose every cell has its own colour: the largest snapshot a screen gives."""
    return "\r\n".join("".join(f"\x1b[38;2;{x % 256};{y % 256};{(x * y) % 256}m#" for x in range(cols))
                       for y in range(rows))


def keystrokes(n: int, start: float = 0.2) -> Iterable[Event]:
    return ((start + i * 0.01, "o", chr(0x61 + i % 26)) for i in range(n))


def big_screen(path: Path, cols: int, rows: int, events: int) -> Path:
    """bench/hostile.py's big-screen: a screen of true-colour cells, then one-character events."""
    return write_cast(path, cols, rows, [(0.1, "o", truecolour_screen(cols, rows)), *keystrokes(events)])


def replay_of(path: Path) -> Replay:
    return Replay(lambda: open(path, "rb"), str(path))


def straight_states(path: Path, counts: Iterable[int]) -> dict[int, dict]:
    """The terminal's whole state (parser included) after the first n events, for each n."""
    header, events = load_events(path)
    wanted = set(counts)
    term = Terminal(*header.size)
    states = {0: encode_state(term)} if 0 in wanted else {}
    for n, event in enumerate(events, 1):
        apply(term, event, header.no_pty)
        if n in wanted:
            states[n] = encode_state(term)
    return states


def run_measured(cache: Path, *args: str, out: Path | None = None) -> tuple[int, float]:
    """`castview ARGS` in a subprocess (stdout to `out`): its exit status and peak RSS in MB.
    A hang is killed after TIMEOUT and fails."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
               CASTVIEW_CACHE_DIR=str(cache), CASTVIEW_CONFIG_DIR=str(cache / "config"))
    # subprocess.DEVNULL, not open(os.devnull, "wb"): that would create a regular file
    # if /dev/null had gone missing.
    with open(out, "wb") if out is not None else contextlib.nullcontext(subprocess.DEVNULL) as sink:
        proc = subprocess.Popen([sys.executable, "-m", "castview", *args], stdout=sink, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, env=env)
        killer = threading.Timer(TIMEOUT, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0, f"castview {' '.join(args)} exited with {proc.returncode} (killed after {TIMEOUT} s?)"
    return proc.returncode, usage.ru_maxrss / 1024


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# -- keyframes follow the input, not the screen -------------------------------------------

def test_keyframes_of_a_big_screen_are_paid_for_by_the_input(tmp_path):
    path = big_screen(tmp_path / "big.cast", 200, 100, 20_000)
    replay = replay_of(path)
    assert replay.build()
    kfs = replay.index.keyframes
    blobs = [len(kf.blob) for kf in kfs if kf.blob is not None]
    # The bound the keyframes module states.
    assert sum(blobs) <= path.stat().st_size / KEYFRAME_SPACING + 2 * max(blobs)
    for before, after in zip(kfs[1:], kfs[2:-1], strict=False):  # the end keyframe is free
        assert after.state.offset - before.state.offset >= KEYFRAME_SPACING * len(before.blob)
    # By replay cost alone (KEYFRAME_COST) there would be one every ~100 keystrokes.
    assert 3 <= len(kfs) <= 20_000 * keyframes.EVENT_COST // keyframes.KEYFRAME_COST // 10
    checked = [0, 1, 2, 5_000, 12_345, replay.event_count]
    states = straight_states(path, checked)
    for n in checked:
        assert encode_state(replay.seek_event(n).term) == states[n], n


def test_an_ordinary_screen_keeps_a_keyframe_per_keyframe_cost(tmp_path, monkeypatch):
    lines = [(0.1 + i * 0.01, "o", f"line {i}: " + "lorem ipsum " * 8 + "\r\n") for i in range(3000)]
    path = write_cast(tmp_path / "plain.cast", 80, 24, lines)
    spaced = replay_of(path)
    spaced.build()
    monkeypatch.setattr(keyframes, "KEYFRAME_SPACING", 0)
    by_cost = replay_of(path)
    by_cost.build()
    assert [kf.count for kf in spaced.index.keyframes] == [kf.count for kf in by_cost.index.keyframes]
    assert len(spaced.index.keyframes) > 40


def test_index_of_a_1000x500_true_colour_screen_stays_small(tmp_path):
    """bench/hostile.py's big-screen at scale 0.02, through `castview index`."""
    path = big_screen(tmp_path / "big.cast", 1000, 500, 2_000)
    cache = tmp_path / "cache"
    cache.mkdir()
    _, rss = run_measured(cache, "index", str(path))
    size = path.stat().st_size
    # Before: 22 snapshots of the whole screen, a cache of 0.86 x the input; now two.
    assert dir_bytes(cache) < 0.2 * size
    assert rss < 600


# -- keyframes inside sequences ----------------------------------------------------------

# (how an event ends, how the next one begins): every event ends inside a sequence.
CUTS = [
    ("\x1b[", "31m"),  # bench/hostile.py's open-csi: CSI introduced, nothing more
    ("\x1b[38;2;10", ";200;30m"),  # inside a CSI's parameters
    ("\x1b[?10", "49h"),  # a private CSI: the alternate screen, entered in the next event
    ("\x1b[?10", "49l"),
    ("\x1b]2;a title cut", " in two\x07"),  # inside an OSC
    ("\x1bPq#0;2;0;0;0#0~~@@", "vv\x1b\\"),  # inside a DCS's data
    ("\x1bPq#0~~\x1b", "\\"),  # a DCS's ESC, its terminator's second half next
    ("\x1b(", "0lqqk\x1b(B"),  # an ESC with an intermediate: DEC graphics
    ("\x1b", "[1;4m"),  # a lone ESC
    ("\x1b_an APC", " string\x1b\\"),
]


def open_sequences(path: Path, events: int) -> Path:
    out = []
    head = ""
    for i in range(events):
        tail, nxt = CUTS[i % len(CUTS)]
        out.append((0.01 * i, "o", f"{head}red text then green {i} " * 3 + ("\r\n" if i % 4 == 0 else "") + tail))
        head = nxt
    return write_cast(path, 60, 12, out)


def test_keyframes_are_taken_inside_sequences_and_seeks_land_right(tmp_path, monkeypatch):
    monkeypatch.setattr(keyframes, "KEYFRAME_COST", 600)
    path = open_sequences(tmp_path / "open.cast", 600)
    replay = replay_of(path)
    assert replay.build()
    kfs = replay.index.keyframes
    # Before, none but the start: the parser is never at rest between events.
    assert len(kfs) > 20
    assert not any(Terminal.restore(kf.blob).at_boundary for kf in kfs[1:])
    counts = sorted({kf.count + d for kf in kfs for d in (0, 1, 3)} & set(range(replay.event_count + 1)))
    states = straight_states(path, counts)
    for n in counts:
        assert encode_state(replay.seek_event(n).term) == states[n], n


# -- transcripts -------------------------------------------------------------------------

def test_a_line_of_a_megabyte_is_written_in_pieces_that_end_at_rows(tmp_path):
    text = "".join(chr(0x41 + i % 26) for i in range(1_000_003))
    assert len(text) > 10 * LINE_LIMIT
    path = write_cast(tmp_path / "long.cast", 80, 24, [(0.5, "o", text), (1.0, "o", "\r\nafter the long line\r\n")])
    lines = [line.text for line in transcript(path) if line.screen == MAIN]
    assert lines[-1] == "after the long line"
    pieces = lines[:-1]
    assert "".join(pieces) == text
    assert len(pieces) == len(text) // (LINE_LIMIT // 80 * 80) + 1
    assert all(len(piece) % 80 == 0 and len(piece) <= LINE_LIMIT for piece in pieces[:-1])


def open_csi(path: Path, events: int) -> Path:
    """bench/hostile.py's open-csi: every event ends inside a CSI the next one ends."""
    chunk = "31mred text then green " * 160 + "\x1b["
    return write_cast(path, 120, 40, [(0.0, "o", "\x1b["), *((0.001 * i, "o", chunk) for i in range(events))])


def test_cat_of_output_always_inside_a_csi_is_its_text_once(tmp_path):
    path = open_csi(tmp_path / "open-csi.cast", 120)
    cache = tmp_path / "cache"
    cache.mkdir()
    out = tmp_path / "cat.txt"
    _, rss = run_measured(cache, "cat", str(path), out=out)
    lines = out.read_text().splitlines()
    shown = "red text then green " * 160 * 120
    assert len(shown) > 4 * LINE_LIMIT
    assert "".join(lines).replace("31m", "") == shown.rstrip(" ")
    assert max(map(len, lines)) <= LINE_LIMIT
    assert rss < 300


def resize_storm(path: Path, cols: int, rows: int, resizes: int) -> Path:
    """bench/hostile.py's resize-storm: a full screen of text, then the width changed by one
    column back and forth."""
    screen = "\r\n".join(("word " * cols)[:cols - 1] for _ in range(rows))
    resizing = ((0.2 + i * 0.1, "r", f"{cols - i % 2}x{rows}") for i in range(resizes))
    return write_cast(path, cols, rows, [(0.1, "o", screen), *resizing])


def test_resizes_that_reflow_the_same_text_do_not_repeat_it(tmp_path):
    path = resize_storm(tmp_path / "storm.cast", 200, 60, 40)
    lines = transcript(path)
    assert [line.text for line in lines] == [("word " * 200)[:199].rstrip(" ")] * 60


def test_cat_and_export_of_a_resize_storm_are_one_screen(tmp_path):
    """bench/hostile.py's resize-storm (1000x500, a few resizes), through the CLI."""
    path = resize_storm(tmp_path / "storm.cast", 1000, 500, 6)
    cache = tmp_path / "cache"
    cache.mkdir()
    row = ("word " * 1000)[:999].rstrip(" ")
    run_measured(cache, "cat", str(path), out=tmp_path / "cat.txt")
    assert (tmp_path / "cat.txt").read_text().splitlines() == [row] * 500
    run_measured(cache, "export", str(path), "--at", "end", "-o", str(tmp_path / "end.txt"))
    assert (tmp_path / "end.txt").read_text().splitlines() == [row] * 500


def test_thousands_of_hidden_strings_cost_a_bounded_number_of_side_screens(tmp_path, monkeypatch):
    """Each string that swallows a line feed is rendered on a side terminal: a screen's
    worth of cells (1000x500 at most) for a few bytes of input, unless bounded."""
    made = [0]

    class Counted(Terminal):
        def __init__(self, cols: int, rows: int) -> None:
            made[0] += 1
            super().__init__(cols, rows)

    monkeypatch.setattr(transcript_module, "Terminal", Counted)
    strings = 300
    assert strings // 2 >= HIDDEN_BLOCKS
    path = write_cast(tmp_path / "osc.cast", 400, 200,
                      [(0.01 * i, "o", f"\x1b]0;a{i}\nb{i}\x07shown {i}\r\n") for i in range(strings)])
    lines = transcript(path)
    assert made[0] == 1 + HIDDEN_BLOCKS + 1  # the screen, one per block, the shared one
    hidden = [line for line in lines if line.screen == HIDDEN]
    assert {line.frame for line in hidden} == set(range(HIDDEN_BLOCKS + 1))
    texts = {line.text.strip() for line in hidden}
    assert all({f"0;a{i}", f"b{i}"} <= texts for i in range(strings))  # nothing swallowed is lost
    assert [line.text for line in lines if line.screen == MAIN] == [f"shown {i}" for i in range(strings)]


def test_scrolling_a_tall_screen_does_not_scan_every_line_at_every_row(tmp_path, monkeypatch):
    cols, rows, n = 200, 100, 1500
    scans = [0]

    def counted_min(*args, **kwargs):
        if len(args) == 1 and isinstance(args[0], list) and len(args[0]) == cols:
            scans[0] += 1  # a line's cell times
        return min(*args, **kwargs)

    monkeypatch.setattr(transcript_module, "min", counted_min, raising=False)
    path = write_cast(tmp_path / "scroll.cast", cols, rows, [(0.01 * i, "o", f"line {i}\r\n") for i in range(n)])
    assert [line.text for line in transcript(path)] == [f"line {i}" for i in range(n)]
    # Before: every line, at every row it scrolled past after its 64th, ~36 per line.
    assert scans[0] <= 2 * n


def test_typing_on_a_tall_screen_costs_the_rows_typed_on(tmp_path, monkeypatch):
    rows, n = 200, 900
    seen = [0]

    def counted_id(obj: object) -> int:
        seen[0] += 1
        return id(obj)

    monkeypatch.setattr(transcript_module, "id", counted_id, raising=False)
    path = write_cast(tmp_path / "typing.cast", 1000, rows, [(0.1, "o", "$ "), *keystrokes(n)])
    lines = transcript(path)
    assert [line.text for line in lines] == ["$ " + "".join(chr(0x61 + i % 26) for i in range(n))]
    # Before: every row's line looked up at every event, whatever changed.
    assert seen[0] < n * 20


# -- reflow ------------------------------------------------------------------------------

def counting_cell_width(monkeypatch) -> list[int]:
    calls = [0]

    def counted(cell: Char) -> int:
        calls[0] += 1
        return cell_width(cell)

    monkeypatch.setattr(reflow, "cell_width", counted)
    return calls


def test_a_width_change_of_a_full_screen_measures_no_cell_one_by_one(monkeypatch):
    calls = counting_cell_width(monkeypatch)
    words = Terminal(1000, 500)
    words.feed("\r\n".join(("word " * 200)[:999] for _ in range(500)))
    wrapped = Terminal(1000, 500)
    wrapped.feed("x" * 499_999)  # one line over the whole screen
    for term in (words, wrapped):
        for cols in (999, 1000, 999, 700, 1000):
            term.resize(cols, 500)
    assert calls[0] == 0  # before: every cell of every row, at each resize
    assert words.lines() == [("word " * 200)[:999] + " "] * 500
    assert "".join(wrapped.lines()).rstrip(" ") == "x" * 499_999


def random_rows(rng: random.Random, cols: int) -> tuple[list[list[Char]], list[bool], list[int]]:
    texts = ["a", "b", " ", "\u00e9", "\u2500", "x\u0301", "", "\u4e2d", "\U0001f600"]
    narrow = rng.random() < 0.5
    rows = []
    for _ in range(rng.randint(1, 12)):
        cells: list[Char] = []
        while len(cells) < cols:
            text = rng.choice("ab ") if narrow else rng.choice(texts)
            cells += [Char(text), Char("")] if text in ("\u4e2d", "\U0001f600") and rng.random() < 0.9 else [Char(text)]
        rows.append(cells[:cols])
    used = [rng.choice([0, cols, rng.randint(0, cols)]) for _ in rows]
    return rows, [rng.random() < 0.6 for _ in rows], used


def test_reflow_of_narrow_rows_by_slices_matches_reflow_cell_by_cell(monkeypatch):
    rng = random.Random(11)
    cases = [(random_rows(rng, cols), rng.randint(1, 14)) for cols in (rng.randint(1, 12) for _ in range(3000))]
    fast = [reflow.reflow_rows([r[:] for r in rows], wrapped, used, sx) for (rows, wrapped, used), sx in cases]
    monkeypatch.setattr(reflow, "_widths", lambda cells, used: list(map(cell_width, cells[:used])))
    for ((rows, wrapped, used), sx), want in zip(cases, fast, strict=True):
        assert reflow.reflow_rows([r[:] for r in rows], wrapped, used, sx) == want
