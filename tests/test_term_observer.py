"""The screen's observer hook: what it is told, and that a transcript uses it (no patching)."""

from __future__ import annotations

import pytest

from castview.cast.model import Event
from castview.term.observer import ScreenObserver
from castview.term.screen import Terminal
from castview.transcript import TextTracker


class Log(ScreenObserver):
    def __init__(self, term: Terminal) -> None:
        self.term = term
        self.calls: list[tuple] = []
        term.screen.observer = self

    def text(self, row: list) -> str:
        return "".join(c.data for c in row).rstrip()

    def scrolled_off(self, row: list, wrapped: bool) -> None:
        self.calls.append(("scrolled_off", self.text(row), wrapped))

    def erasing_rows(self, rows: range) -> None:
        self.calls.append(("erasing_rows", rows, [self.text(self.term.screen.buffer[y]) for y in rows]))

    def row_renewed(self, old: list, new: list) -> None:
        self.calls.append(("row_renewed", self.text(old), self.term.screen.buffer[self.term.screen.cursor.y] is new))

    def entering_alternate(self) -> None:
        self.calls.append(("entering_alternate", self.term.alternate))

    def leaving_alternate(self) -> None:
        self.calls.append(("leaving_alternate", self.term.alternate))

    def string_started(self, kind: str) -> None:
        self.calls.append(("string_started", kind))

    def string_data(self, data: str) -> None:
        self.calls.append(("string_data", data))

    def string_ended(self) -> None:
        self.calls.append(("string_ended",))


def test_rows_scrolled_off_within_one_feed() -> None:
    term = Terminal(10, 2)
    log = Log(term)
    term.feed("".join(f"line {i}\r\n" for i in range(5)))
    assert log.calls == [("scrolled_off", f"line {i}", False) for i in range(4)]
    assert term.lines()[0].rstrip() == "line 4"


def test_erase_in_display_and_line() -> None:
    term = Terminal(10, 4)
    log = Log(term)
    term.feed("a\r\nb\r\nc\r\nd\x1b[2;1H\x1b[J")
    assert log.calls == [("erasing_rows", range(2, 4), ["c", "d"]), ("row_renewed", "b", True)]
    log.calls.clear()
    term.feed("\x1b[1;1H\x1b[2K")
    assert log.calls == [("row_renewed", "a", True)]
    log.calls.clear()
    term.feed("x\x1b[2J")
    assert log.calls == [("erasing_rows", range(0, 4), ["x", "", "", ""])]


def test_alternate_screen_switches() -> None:
    term = Terminal(10, 2)
    log = Log(term)
    term.feed("\x1b[?1049h\x1b[?1049h\x1b[?1049l\x1b[?1049l")
    assert log.calls == [("entering_alternate", False), ("leaving_alternate", True)]


def test_the_transcript_observes_without_patching_the_screen() -> None:
    term = Terminal(10, 2)
    TextTracker(term, lambda line: None)
    assert term.screen.observer is not None
    assert not {"erase_in_display", "erase_in_line", "alternate_on", "alternate_off"} & set(vars(term.screen))
    # the tracker's events still arrive
    lines = []
    tracker = TextTracker(Terminal(10, 2), lines.append)
    tracker.feed(Event(0.5, "o", "one\r\ntwo\r\nthree\r\n"))
    tracker.finish()
    assert [line.text for line in lines] == ["one", "two", "three"]


def _strings(data: str, chunk: int = 0) -> list[tuple]:
    term = Terminal(20, 3)
    log = Log(term)
    for i in range(0, len(data), chunk or len(data)):
        term.feed(data[i:i + (chunk or len(data))])
    calls = [c for c in log.calls if c[0].startswith("string")]
    out: list[tuple] = []
    for c in calls:  # join the data reported in pieces
        if c[0] == "string_data" and out and out[-1][0] == "string_data":
            out[-1] = ("string_data", out[-1][1] + c[1])
        else:
            out.append(c)
    return out


@pytest.mark.parametrize("chunk", [0, 1, 3])
@pytest.mark.parametrize("data, want", [
    ("a\x1bPqrm -rf /\r\nx\x1b\\b", [("string_started", "DCS"), ("string_data", "rm -rf /\r\nx"), ("string_ended",)]),
    ("\x1bP1;2|x\x1bQy\x1b\\", [("string_started", "DCS"), ("string_data", "x\x1bQy"), ("string_ended",)]),
    ("\x1b]0;title\x07", [("string_started", "OSC"), ("string_data", "0;title"), ("string_ended",)]),
    ("\x1b]0;a\r\nb\x1b\\", [("string_started", "OSC"), ("string_data", "0;a\r\nb"), ("string_ended",)]),
    ("\x1b_Gx=1\x07y\x1b\\", [("string_started", "APC"), ("string_data", "Gx=1\x07y"), ("string_ended",)]),
    ("\x1b^pm\x18", [("string_started", "PM"), ("string_data", "pm"), ("string_ended",)]),
    ("\x1bXsos\x1b[31m", [("string_started", "SOS"), ("string_data", "sos"), ("string_ended",)]),
    ("\x1bkname\x1b\\", [("string_started", "rename"), ("string_data", "name"), ("string_ended",)]),
    ("\x1bPq unterminated\r\n", [("string_started", "DCS"), ("string_data", " unterminated\r\n")]),
])
def test_strings_report_what_they_swallow(data: str, want: list, chunk: int) -> None:
    assert _strings(data, chunk) == want


def test_a_restored_terminal_knows_its_open_string() -> None:
    term = Terminal(10, 2)
    term.feed("\x1bPq")
    assert term.open_string == "DCS"
    copy = Terminal.restore(term.snapshot())
    assert copy.open_string == "DCS"
    copy.feed("\x1b\\")
    assert copy.open_string is None and copy.at_boundary
