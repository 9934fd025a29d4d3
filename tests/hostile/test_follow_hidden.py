"""`castview follow --transcript` on a live session that opens a string sequence and goes
on: what the string swallows is shown when the recording goes quiet, not only once the
string ends (which a live session may never do)."""

from __future__ import annotations

import io

from castview.cast.model import OUTPUT, Event
from castview.follow import TranscriptFollow
from castview.term.screen import Terminal
from castview.transcript import HIDDEN, TextTracker


def test_a_quiet_recording_shows_what_an_open_string_swallowed():
    lines = []
    tracker = TextTracker(Terminal(40, 5), lines.append)
    tracker.feed(Event(0.1, OUTPUT, "before\r\n\x1bPq never ends\r\n" + "rm -rf /\r\n" * 3))
    tracker.write_out(partial=True)
    assert [ln.text for ln in lines if ln.screen == HIDDEN].count("rm -rf /") == 3
    # more of the session, still inside the string: only the new lines come next
    lines.clear()
    tracker.feed(Event(0.2, OUTPUT, "shutdown now\r\n"))
    tracker.write_out(partial=True)
    hidden = [ln.text for ln in lines if ln.screen == HIDDEN]
    assert "shutdown now" in hidden and "rm -rf /" not in hidden


def test_follow_prints_it_while_the_file_is_live():
    out = io.StringIO()
    follow = TranscriptFollow(out)
    follow.tracker = TextTracker(Terminal(40, 5), follow._line)  # noqa: SLF001 (no replay needed)
    follow.feed(Event(0.1, OUTPUT, "ok\r\n\x1bPq\r\nrm -rf /\r\n"))
    follow.quiet()
    assert "rm -rf /" in out.getvalue() and "\x1b" not in out.getvalue()
