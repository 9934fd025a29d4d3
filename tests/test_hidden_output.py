"""Audit evasion: output a string sequence swallows is still in transcripts and search,
and `info` flags it (issue 11, item 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from castview.cast.model import OUTPUT, Event
from castview.hidden import STRING_TIMEOUT, SWALLOW_LIMIT, Anomaly, StringWatch, Unstring
from castview.search import Query, search_index
from castview.search_index import SearchIndexStore
from castview.term.controls import STRING_KINDS
from castview.term.fingerprint import fingerprint_of
from castview.term.screen import Terminal
from castview.transcript import HIDDEN, MAIN, LineVersion, TextTracker, TranscriptLine, render_text, transcript

CASTVIEW = Path(sys.executable).parent / "castview"
LINES = [f"rm -rf /srv/data/{i}" for i in range(100)]
INTRODUCERS = {"DCS": "\x1bPq", "OSC": "\x1b]0;", "APC": "\x1b_", "PM": "\x1b^", "SOS": "\x1bX", "rename": "\x1bk"}
# what a string holds before the output it swallowed: the OSC's number (a DCS's
# parameters and final byte are not its contents)
PREFIX = {"OSC": "0;"}


def recovered(kind: str) -> list[str]:
    """The swallowed lines, as a transcript recovers them."""
    return [PREFIX.get(kind, "") + LINES[0], *LINES[1:]]


def write_cast(path: Path, intro: str, end: str = "") -> Path:
    events = [[0.1, "o", "$ ls\r\n"], [0.2, "o", intro]]
    events += [[round(0.3 + i * 0.01, 2), "o", line + "\r\n"] for i, line in enumerate(LINES)]
    if end:
        events.append([1.5, "o", end])
    with open(path, "w") as f:
        f.write(json.dumps({"version": 2, "width": 80, "height": 24, "timestamp": 1700000000}) + "\n")
        for event in events:
            f.write(json.dumps(event) + "\n")
    return path


def run(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CASTVIEW_CACHE_DIR": str(cache), "COLUMNS": "200", "TZ": "UTC"}
    return subprocess.run([str(CASTVIEW), *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for kind, intro in INTRODUCERS.items():
        write_cast(folder / f"{kind}.cast", intro)
    return folder


@pytest.mark.parametrize("kind", ["DCS", "OSC", "APC"])
def test_cat_shows_every_swallowed_line(hostile: Path, kind: str, tmp_path: Path) -> None:
    done = run("cat", str(hostile / f"{kind}.cast"), cache=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "$ ls"
    assert lines[1].startswith("╭─ hidden in a terminal string")
    assert [line.removeprefix("│ ") for line in lines[2:-1]] == recovered(kind)
    assert lines[-1] == "╰─"


@pytest.mark.parametrize("kind", ["DCS", "OSC", "APC"])
def test_info_flags_the_string(hostile: Path, kind: str, tmp_path: Path) -> None:
    done = run("info", str(hostile / f"{kind}.cast"), cache=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"unterminated {kind} at 0:00.2 swallowed 2.0 KB" in done.stdout
    described = json.loads(run("info", "--json", str(hostile / f"{kind}.cast"), cache=tmp_path).stdout)
    size = len("".join(line + "\r\n" for line in recovered(kind)))
    assert described["hidden_output"] == [
        {
            "time": 0.2,
            "kind": kind,
            "bytes": size,
            "terminated": False,
            "description": f"unterminated {kind} at 0:00.2 swallowed 2.0 KB",
        }
    ]


def test_grep_finds_every_swallowed_line(hostile: Path, tmp_path: Path) -> None:
    done = run("grep", "--json", "rm -rf", str(hostile), cache=tmp_path)
    assert done.returncode == 0, done.stderr
    matches = [json.loads(line) for line in done.stdout.splitlines()]
    for kind in INTRODUCERS:
        found = [m for m in matches if m["path"].endswith(f"{kind}.cast")]
        assert [m["text"] for m in found] == recovered(kind), kind
        assert {m["screen"] for m in found} == {HIDDEN} and not any(m["shown"] for m in found)


def test_a_clean_recording_has_no_hidden_output(tmp_path: Path) -> None:
    done = run("info", str(write_cast(tmp_path / "clean.cast", "")), cache=tmp_path)
    assert "Hidden output\nnone" in done.stdout


# --------------------------------------------------------------------------- the library


def track(events: list[tuple[float, str]], cols: int = 40, rows: int = 5) -> tuple[TextTracker, list, list]:
    lines: list[TranscriptLine] = []
    versions: list[LineVersion] = []
    tracker = TextTracker(Terminal(cols, rows), lines.append, versions.append)
    for t, data in events:
        tracker.feed(Event(t, OUTPUT, data))
    tracker.finish()
    return tracker, lines, versions


@pytest.mark.parametrize(
    "data",
    [
        "\x1b]0;user@host: ~\x07$ ",
        "\x1b]2;t\x1b\\",
        "\x1bP zz\x1b\\",
        "\x1bPq#0;2;0;0;0#0~~@@vv\x1b\\",
        "\x1b_Gf=100;" + "A" * 4000 + "\x1b\\",
        "\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\",
    ],
)
def test_ordinary_strings_are_not_anomalies(data: str) -> None:
    tracker, lines, versions = track([(0.1, data), (0.2, "done\r\n")])
    assert tracker.anomalies == []
    assert all(line.screen == MAIN for line in lines) and all(v.screen == MAIN for v in versions)


def test_the_screen_is_as_a_terminal_shows_it() -> None:
    """The player keeps rendering what tmux renders: nothing after an open DCS."""
    term = Terminal(40, 5)
    term.feed("$ ls\r\n\x1bPq" + "".join(line + "\r\n" for line in LINES))
    assert term.text().strip() == "$ ls"


def test_text_after_the_string_is_back_on_screen() -> None:
    tracker, lines, _ = track(
        [
            (0.1, "$ ls\r\n"),
            (0.2, "\x1bPq"),
            (0.3, "hidden one\r\nhidden two\r\n"),
            (0.4, "\x1b\\"),
            (0.5, "visible\r\n"),
        ]
    )
    assert [(line.screen, line.text) for line in lines] == [
        (HIDDEN, "hidden one"),
        (HIDDEN, "hidden two"),
        (MAIN, "$ ls"),
        (MAIN, "visible"),
    ]
    assert tracker.anomalies == [Anomaly(0.2, "DCS", len("hidden one\r\nhidden two\r\n"), True)]
    assert tracker.anomalies[0].describe() == "DCS at 0:00.2 swallowed 24 B"


def test_long_strings_and_strings_open_past_the_timeout() -> None:
    big = "x" * (SWALLOW_LIMIT + 1)
    tracker, lines, _ = track([(0.1, "\x1b_" + big + "\x1b\\")], cols=80)
    assert tracker.anomalies == [Anomaly(0.1, "APC", len(big), True)]
    assert "".join(line.text for line in lines if line.screen == HIDDEN) == big
    late = 0.2 + STRING_TIMEOUT
    tracker, lines, _ = track([(0.1, "\x1bPq"), (late, "rm -rf /"), (late + 1, "\x1b\\")])
    assert tracker.anomalies == [Anomaly(0.1, "DCS", 8, True)]
    assert [(line.time, line.text) for line in lines if line.screen == HIDDEN] == [(late, "rm -rf /")]


def test_nested_and_split_introducers_do_not_hide_the_rest() -> None:
    tracker, lines, _ = track(
        [(0.1, "\x1bPq\x1bP"), (0.2, "q\x1b"), (0.3, "Pq\x1b]0;\x1b\x1bPa\r\n"), (0.4, "b\x1b_c\r\n")]
    )
    assert [line.text for line in lines if line.screen == HIDDEN] == ["qq0;a", "bc"]
    assert [a.kind for a in tracker.anomalies] == ["DCS"] and not tracker.anomalies[0].terminated


def test_unstring_never_makes_an_introducer() -> None:
    unstring = Unstring()
    assert unstring("\x1b\x1bPP") + unstring("\x1b") + unstring("]x\x1b[1mz") == "P" + "x\x1b[1mz"


def test_hidden_versions_are_searchable_and_never_shown(tmp_path: Path) -> None:
    path = write_cast(tmp_path / "dcs.cast", "\x1bPq")
    store = SearchIndexStore(tmp_path / "cache")
    fp = fingerprint_of(lambda: open(path, "rb"), path.stat().st_size, path.stat().st_mtime)
    with store.open(str(path), fp, lambda: open(path, "rb"), str(path)) as index:
        matches = search_index(index, Query("rm -rf"))
        assert [m.line_text for m in matches] == LINES and {m.screen for m in matches} == {HIDDEN}
        assert search_index(index, Query("rm -rf", only_shown=True)) == []
        assert [line.text for line in index.transcript()] == ["$ ls", *LINES]
    assert [line.text for line in transcript(path)] == ["$ ls", *LINES]


def test_render_text_marks_hidden_blocks() -> None:
    lines = [
        TranscriptLine(0.1, "$ ls"),
        TranscriptLine(0.3, "rm -rf /", HIDDEN, 0),
        TranscriptLine(0.4, "rm -rf /x", HIDDEN, 0),
        TranscriptLine(2.0, "after", MAIN),
        TranscriptLine(3.0, "again", HIDDEN, 1),
    ]
    assert list(render_text(lines, times=True)) == [
        "[0:00.10] $ ls",
        "╭─ hidden in a terminal string, not shown on screen, from 0:00.30 ─",
        "│ [0:00.30] rm -rf /",
        "│ [0:00.40] rm -rf /x",
        "╰─",
        "[0:02.00] after",
        "╭─ hidden in a terminal string, not shown on screen, from 0:03.00 ─",
        "│ [0:03.00] again",
        "╰─",
    ]


def test_a_watch_attached_to_a_terminal_inside_a_string() -> None:
    term = Terminal(20, 3)
    term.feed("\x1bPq")
    lines: list[TranscriptLine] = []
    tracker = TextTracker(term, lines.append)
    tracker.feed(Event(1.0, OUTPUT, "secret\r\n"))
    tracker.finish()
    assert [line.text for line in lines if line.screen == HIDDEN] == ["secret"]


def test_watch_without_recovery_only_counts() -> None:
    term = Terminal(10, 2)
    watch = StringWatch()
    term.screen.observer = watch
    term.feed("\x1b]0;a\r\nb\x07\x1bPq" + "x" * 100)
    watch.finish()
    assert watch.anomalies == [Anomaly(0.0, "OSC", 6, True), Anomaly(0.0, "DCS", 100, False)]


# pieces of strings and of what they swallow
FRAGMENTS = [
    "\x1bP",
    "\x1b]",
    "\x1b_",
    "\x1b^",
    "\x1bX",
    "\x1bk",
    "\x1b\\",
    "\x1b",
    "\x07",
    "\x18",
    "\x1a",
    "q",
    "0;",
    "rm -rf /",
    "\r\n",
    "\n",
    "\x1b[31m",
    "\x1b[?1049h",
    "\x1b[?1049l",
    "\x1b[2J",
    "x" * 50,
]
outputs = st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.floats(0, 20), outputs), max_size=8))
def test_any_output_through_a_transcript(events: list[tuple[float, str]]) -> None:
    """Whatever strings open, end or nest, tracking never fails and every string ends."""
    events.sort(key=lambda e: e[0])
    tracker, lines, versions = track(events)
    assert tracker.term._stream.errors == 0
    assert all("\x1b" not in line.text for line in lines)
    assert all(a.kind in STRING_KINDS and a.bytes >= 0 for a in tracker.anomalies)
