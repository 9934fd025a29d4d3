"""A redacted clip's transcript is the original's, line for line: the line feed that ends
a wrapped command line, a full-screen app's screen changed in the event that leaves it,
and lines reflowed by a resize (each row written as far as the original's). Also: the
read-back sees a screen shown and left inside one event."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from castview.evidence import transcript_text
from castview.redact import Redactor, find_leak
from castview.term.screen import Terminal
from test_clip_redact_output import _clip

NOTHING = Redactor.of(["zzz-nothing-zzz"], [])


def write_cast(tmp_path: Path, cols: int, rows: int, events: list[tuple[float, str, str]]) -> Path:
    folder = tmp_path / "rec"
    folder.mkdir(exist_ok=True)
    path = folder / "2026-12-06T10:00:00Z.cast"
    lines = [json.dumps({"version": 2, "width": cols, "height": rows})]
    lines += [json.dumps(list(event)) for event in events]
    path.write_text("\n".join(lines) + "\n")
    return path


def transcripts(path: Path) -> tuple[str, str]:
    return transcript_text(_clip(path, None)), transcript_text(_clip(path, NOTHING))


# readline redraws a command line that wrapped: up onto its first row, the end rewritten,
# then a line feed from that (wrapped) row: the output below is a line of its own
WRAPPED_COMMAND = [
    (0.1, "o", "$ echo 'xxxxxxxxxxxx"),
    (0.2, "o", "' \r"),
    (0.3, "o", "\x1b[A" + "\x1b[C" * 19 + "\x1b[K'\r\n"),
    (0.4, "o", "out\r\n$ "),
    (0.5, "o", "clear\r\n\x1b[H\x1b[2J$ "),
]

# a pager's screen changed (its prompt line cleared) in the event that leaves it
PAGER = [
    (0.1, "o", "$ less log\r\n"),
    (0.2, "o", "\x1b[?1049h\x1b[H\x1b[2Jline one\r\nline two\r\n\x1b[24;1H:"),
    (1.0, "o", "\r\x1b[K\x1b[?1049l"),
    (1.1, "o", "$ "),
]

# lines written short of the row's end, then narrowed and widened: they reflow by how far
# they were written (the row above was wrapped into one the resize made)
RESIZED = [
    (0.1, "o", "$ ls\r\nshort\r\nanother line here\r\n$ "),
    (0.2, "r", "10x6"),
    (0.3, "o", "tput\r\n"),
    (0.4, "r", "20x6"),
    (0.5, "o", "$ done\r\n"),
    (0.6, "r", "12x6"),
    (0.7, "o", "$ "),
]


# the command typed in the event that starts the app, the terminal resized under the app
ALT_RESIZED = [
    (0.1, "o", "$ ls\r\nshort\r\n$ "),
    (0.2, "o", "vi\r\n\x1b[?1049h\x1b[H\x1b[2Jthe app"),
    (0.3, "r", "10x6"),
    (0.4, "o", "\x1b[?1049l"),
    (0.5, "r", "20x6"),
    (0.6, "o", "$ "),
]


# lines deleted and inserted: each leaves the screen (and the transcript has it) when the
# original's did, though the clip has no scroll region and draws every frame itself
LINES = "$ cmd\r\none\r\ntwo\r\nthree\r\nfour\r\n$ "
DELETED = [(0.1, "o", LINES), (0.2, "o", "\x1b[2;1H\x1b[M\x1b[6;3H"), (0.3, "o", "next\r\n$ ")]
INSERTED = [(0.1, "o", LINES), (0.2, "o", "\x1b[2;1H\x1b[2Lnew\x1b[6;3H"), (0.3, "o", "x\r\n$ ")]
REGION = [(0.1, "o", "$ top\r\nheader\r\n\x1b[3;5r\x1b[5;1H")] \
    + [(0.2 + i / 10, "o", f"\r\nlog {i}") for i in range(8)] + [(2.0, "o", "\x1b[r\x1b[6;1Hstatus\r\n$ ")]
REGION_DELETED = [(0.1, "o", "a\r\nb\r\nc\r\nd\r\ne\r\n"), (0.2, "o", "\x1b[2;5r\x1b[2;1H\x1b[2M\x1b[r\x1b[6;1H"),
                  (0.3, "o", "$ ")]
REVERSE_INDEX = [(0.1, "o", "a\r\nb\r\nc\r\nd\r\ne\r\nf"), (0.2, "o", "\x1b[1;1H\x1bM\x1bMtop\x1b[6;2H"),
                 (0.3, "o", "\r\n$ ")]
# a status line under a scroll region, the region scrolled by a line feed at its bottom
STATUS_LINE = [(0.1, "o", "a\r\nb\r\nc\r\nd\r\ne\r\n\x1b[7mstatus\x1b[m")] \
    + [(0.2 + i / 10, "o", f"\x1b[1;5r\x1b[5;1H\nnew {i}\x1b[r\x1b[6;7H") for i in range(6)] + [(2.0, "o", "\r\n$ ")]
# a line deleted, then the screen cleared, in one event
DELETED_THEN_CLEARED = [(0.1, "o", "\x1b[6;1H"), (0.2, "o", "\x1b[M\x1b[1Tlonger text here \x1b[6;1H"),
                        (0.3, "o", "\x1b[M\x1b[2J\x1b[L\x1bD")]
CASES = {"wrapped-command": WRAPPED_COMMAND, "pager": PAGER, "resize": RESIZED, "deleted": DELETED,
         "inserted": INSERTED, "region": REGION, "region-deleted": REGION_DELETED, "reverse-index": REVERSE_INDEX,
         "status-line": STATUS_LINE, "deleted-then-cleared": DELETED_THEN_CLEARED, "resize-under-an-app": ALT_RESIZED}


@pytest.mark.parametrize("events", CASES.values(), ids=CASES.keys())
def test_the_redacted_transcript_is_the_originals(tmp_path: Path, events) -> None:
    plain, redacted = transcripts(write_cast(tmp_path, 20, 6, events))
    assert redacted == plain


def test_a_line_feed_ends_a_wrapped_command_line(tmp_path: Path) -> None:
    plain, redacted = transcripts(write_cast(tmp_path, 20, 6, WRAPPED_COMMAND))
    assert "$ echo 'xxxxxxxxxxx'\nout\n" in plain and redacted == plain
    masked = transcript_text(_clip(write_cast(tmp_path, 20, 6, WRAPPED_COMMAND), Redactor.of([], ["x+"])))
    assert "$ echo '███████████'\nout\n" in masked


def test_the_pagers_last_screen_is_dated_when_it_was_left(tmp_path: Path) -> None:
    plain, redacted = transcripts(write_cast(tmp_path, 20, 24, PAGER))
    assert "screen at 0:01" in plain and redacted == plain


def _final(clip: bytes) -> Terminal:
    lines = clip.decode().splitlines()
    header = json.loads(lines[0])
    term = Terminal(header["width"], header["height"])
    for line in lines[1:]:
        _, code, data = json.loads(line)
        if code == "o":
            term.feed(data)
        elif code == "r":
            cols, rows = map(int, data.split("x"))
            term.resize(cols, rows)
    return term


@pytest.mark.parametrize("events", [RESIZED, ALT_RESIZED], ids=["resize", "resize-under-an-app"])
def test_rows_are_written_as_far_as_the_originals(tmp_path: Path, events) -> None:
    path = write_cast(tmp_path, 20, 6, events)
    plain, redacted = _final(_clip(path, None)).screen, _final(_clip(path, NOTHING)).screen
    assert (redacted.buffer, redacted.wrapped, redacted.used, redacted.hidden_rows) == \
        (plain.buffer, plain.wrapped, plain.used, plain.hidden_rows)


# the secret on screen, never in the bytes (a colour change splits it)
@pytest.mark.parametrize("data", ["\x1b[?1049hhun\x1b[1mter2\x1b[?1049l", "hun\x1b[1mter2\x1b[?1049h\x1b[2J"])
def test_the_read_back_sees_a_screen_switched_from(data: str) -> None:
    clip = "\n".join([json.dumps({"version": 2, "width": 20, "height": 4}), json.dumps([0.5, "o", data])])
    found = find_leak(clip.encode(), Redactor.of(["hunter2"], []))
    assert found == "at 0:00.5 on screen (a row scrolled off, erased or switched from)"


# a screen shown for less than transcript.SETTLE, an event that changed nothing on screen
# in between: the clip keeps that event, or the screen would seem to have rested
FLASHED = [
    (0.1, "o", "$ top\r\n\x1b[?1049h\x1b[H\x1b[2Jfirst screen\r\nof the app"),
    (0.13, "o", "\x1b]0;title\x07"),
    (0.16, "o", "\x1b[H\x1b[2Jthe second\r\nscreen, all new"),
    (2.0, "o", "\x1b[?1049l$ "),
]


def test_a_screen_that_did_not_rest_is_no_frame(tmp_path: Path) -> None:
    plain, redacted = transcripts(write_cast(tmp_path, 20, 6, FLASHED))
    assert "first screen" not in plain and redacted == plain


def test_a_deleted_line_is_written_out_masked(tmp_path: Path) -> None:
    # first: lines are written as they leave the screen
    clip = _clip(write_cast(tmp_path, 20, 6, DELETED), Redactor.of(["one"], []))
    assert transcript_text(clip).startswith("███\n$ cmd\ntwo\n") and find_leak(clip, Redactor.of(["one"], [])) is None
