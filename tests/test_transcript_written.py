"""The tracker's one-call hand-over of a line that scrolled off as it was written
(``TextTracker(on_written=...)``, ``TextPacker.written``): the same versions, lines and
packed search data as through ``on_version`` and ``on_line``, on hostile output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from castview.analysis.text import TextPacker
from castview.cast.model import Event
from castview.cast.reader import EventScanner, read_head
from castview.term.screen import Terminal
from castview.transcript import MAIN, LineVersion, TextTracker, TranscriptLine

SAMPLES = Path(__file__).resolve().parent.parent / "sample_casts"
PUBLIC = Path(__file__).parent / "data" / "public"
RECORDINGS = sorted(SAMPLES.glob("*/*.cast")) + sorted(PUBLIC.glob("*.cast"))


def _logs(n: int, width: int) -> str:
    return "".join(f"{i:05d} " + "word " * (i % (width // 5)) + "\r\n" for i in range(n))


# (cols, rows, events): each event is output, or ("r", "COLSxROWS") for a resize
HOSTILE = {
    "log lines scrolling past, within and across events": (40, 6, [_logs(30, 40), _logs(3, 40), _logs(9, 40)]),
    "a trailing space kept by a coloured blank": (20, 4, ["ab \x1b[41m \x1b[0m\r\n" * 6, "x\r\n" * 5]),
    "wide characters and combining marks": (12, 4, ["日本語テキスト\r\n" * 3 + "e\u0301te\u0301\r\n" * 4,
                                                    "é\u20dd\r\n" * 3]),
    "a wide character that does not fit wraps": (7, 3, ["abcdef日本\r\n" * 4, "ok\r\n" * 4]),
    "soft-wrapped lines, then a line feed on a wrapped row": (10, 4, ["x" * 25 + "\r\n" + "y" * 10 + "\n" * 5,
                                                                       "\x1b[A\r\n" * 3 + "z\r\n" * 4]),
    "a scroll region": (20, 8, ["\x1b[2;6r" + "\x1b[6;1H" + "in region\r\n" * 9 + "\x1b[r", "out\r\n" * 10]),
    "reverse index and line insertion": (20, 5, ["a\r\nb\r\nc\r\n\x1b[H\x1bM\x1bM" + "top\r\n" * 6,
                                                 "\x1b[2;1H\x1b[3L" + "n\r\n" * 7]),
    "the alternate screen scrolling": (20, 4, ["before\r\n", "\x1b[?1049h" + "alt line\r\n" * 9, "more\r\n" * 5,
                                               "\x1b[?1049l" + "after\r\n" * 6]),
    "resizes while lines scroll": (30, 5, [_logs(12, 30), ("r", "12x4"), _logs(7, 12), ("r", "40x6"),
                                           "short\r\n" * 8]),
    "controls and a DEC graphics row": (15, 4, ["\x1b(0lqqk\x1b(B\r\n" + "a\tb\x07c\r\n" * 5,
                                                "\x1b[1;31mred\x1b[0m\r\n" * 5]),
    "clear and a typed line": (20, 4, ["$ ls\r\n" + "f\r\n" * 6 + "\x1b[H\x1b[2J", "$ e", "cho", "\b\x1b[K",
                                       "o hi\r\n" * 6]),
}


class _Recorder:
    """What a tracker reports, with on_written spelled out as the documented pair."""

    def __init__(self) -> None:
        self.versions: list[LineVersion] = []
        self.lines: list[TranscriptLine] = []
        self.written = 0

    def on_written(self, lid: int, row: int, time: float, until: float, shown: bool, text: str,
                   cols: tuple[int, ...] | None) -> None:
        self.written += 1
        self.versions.append(LineVersion(lid, MAIN, row, time, until, shown, text, None, cols))
        self.lines.append(TranscriptLine(time, text))


def _feed(tracker: TextTracker, events: list) -> None:
    for i, event in enumerate(events):
        code, data = event if isinstance(event, tuple) else ("o", event)
        tracker.feed(Event(float(i + 1) / 4, code, data))
    tracker.finish()


def _track(cols: int, rows: int, events: list, one_call: bool) -> _Recorder:
    rec = _Recorder()
    _feed(TextTracker(Terminal(cols, rows), rec.lines.append, rec.versions.append,
                      on_written=rec.on_written if one_call else None), events)
    return rec


def _packed(cols: int, rows: int, events: list, one_call: bool) -> TextPacker:
    packer = TextPacker()
    _feed(TextTracker(Terminal(cols, rows), packer.line, packer.version,
                      on_written=packer.written if one_call else None), events)
    packer.finish()
    return packer


@pytest.mark.parametrize("case", HOSTILE)
def test_one_call_stands_for_a_version_and_a_line(case):
    cols, rows, events = HOSTILE[case]
    plain = _track(cols, rows, events, one_call=False)
    fast = _track(cols, rows, events, one_call=True)
    assert fast.versions == plain.versions
    assert fast.lines == plain.lines


@pytest.mark.parametrize("case", HOSTILE)
def test_packed_search_data_is_the_same(case):
    cols, rows, events = HOSTILE[case]
    a, b = _packed(cols, rows, events, one_call=False), _packed(cols, rows, events, one_call=True)
    assert (a.parts, a.blocks, a.chunks, a.versions) == (b.parts, b.blocks, b.chunks, b.versions)


def test_scrolling_output_takes_the_one_call():
    cols, rows, events = HOSTILE["log lines scrolling past, within and across events"]
    rec = _track(cols, rows, events, one_call=True)
    assert rec.written >= 20  # the lines that do not wrap, retired whole (across events) or fresh


def test_a_line_ending_in_a_space_goes_the_long_way():
    """A version's text can end in a space (a coloured blank) where the line's may not."""
    cols, rows, events = HOSTILE["a trailing space kept by a coloured blank"]
    rec = _track(cols, rows, events, one_call=True)
    assert rec.written < len(rec.lines)


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda p: p.name)
def test_recordings_give_the_same_packed_data(path):
    """Real recordings (typing, vim, less, hidden output...), fed as the analysis pass does."""
    packed = []
    for one_call in (False, True):
        with open(path, "rb") as f:
            head = read_head(f, str(path))
            term = Terminal(head.header.size.cols, head.header.size.rows)
            packer = TextPacker()
            tracker = TextTracker(term, packer.line, packer.version, onlcr=head.header.no_pty,
                                  on_written=packer.written if one_call else None)
            for located in EventScanner(f, head):
                tracker.feed(located.event)
            tracker.finish()
            packer.finish()
            packed.append((packer.parts, packer.blocks, packer.chunks))
    assert packed[0] == packed[1]



def test_transcript_chunks_are_what_json_dumps_writes():
    """The packer writes each line's JSON itself: the same bytes as json.dumps of the lines."""
    texts = ['plain', 'quote " and \\ backslash', "tab\tand\x01control", "日本語 e\u0301", "\U0001f600 emoji",
             "lone \ud800 surrogate", "", "</script>", "\u2028 separator"]
    times = [0.0, 1.5, 28.503594282999998, 1e-7, 123456.1234567, 3.0000004999, 7]
    packer = TextPacker()
    expected = []
    for i, text in enumerate(texts * 3):
        time, screen = times[i % len(times)], (MAIN, "alternate", "hidden")[i % 3]
        packer.line(TranscriptLine(time, text, screen, i % 4 - 1, i % 5 - 1))
        expected.append([round(time, 6), i % 3, i % 4 - 1, i % 5 - 1, text])
    packer.written(7, 2, 2.25, 3.5, True, "written", None)  # refers to its version, the first: 0
    expected.append([2.25, 0, -1, -1, 0])
    packer.finish()
    assert packer.solid and len(packer.chunks) == 1
    offset, length = packer.chunks[0]
    chunk = b"".join(packer.parts)[offset:offset + length]
    assert chunk == json.dumps(expected, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
