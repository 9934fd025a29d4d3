"""Several observers of one screen (term.observer.observe): each is told everything."""

from __future__ import annotations

from castview.term.observer import Observers, ScreenObserver, observe
from castview.term.screen import Terminal


class Log(ScreenObserver):
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def scrolled_off(self, row, wrapped):
        self.calls.append(("scrolled_off", "".join(c.data for c in row).rstrip()))

    def erasing_rows(self, rows):
        self.calls.append(("erasing_rows", rows))

    def entering_alternate(self):
        self.calls.append(("entering_alternate",))

    def leaving_alternate(self):
        self.calls.append(("leaving_alternate",))

    def bracketed_paste(self, on):
        self.calls.append(("bracketed_paste", on))

    def string_started(self, kind):
        self.calls.append(("string_started", kind))

    def string_data(self, data):
        self.calls.append(("string_data", data))

    def string_ended(self):
        self.calls.append(("string_ended",))


OUTPUT = "one\r\ntwo\r\nthree\r\n\x1b[?2004h\x1b]0;title\x07\x1b[?1049h\x1b[2J\x1b[?1049l\x1b[?2004l"


def test_every_observer_is_told_everything_in_order():
    alone = Log()
    term = Terminal(10, 2)
    observe(term.screen, alone)
    term.feed(OUTPUT)

    first, second, third = Log(), Log(), Log()
    term = Terminal(10, 2)
    observe(term.screen, first)
    assert term.screen.observer is first  # one observer: no forwarding in between
    observe(term.screen, second)
    observe(term.screen, third)
    assert isinstance(term.screen.observer, Observers)
    term.feed(OUTPUT)
    assert alone.calls and first.calls == second.calls == third.calls == alone.calls
    assert ("scrolled_off", "one") in alone.calls and ("bracketed_paste", False) in alone.calls
