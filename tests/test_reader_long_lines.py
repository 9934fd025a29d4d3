"""Lines over the reader's long-line threshold: decoded a chunk at a time, in bounded memory.

Most tests use a tiny threshold (LONG bytes) so every escape, state and boundary case is a
few dozen bytes; one checks the real threshold's memory with tracemalloc.
"""

from __future__ import annotations

import io
import json
import tracemalloc
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from castview.cast.long_lines import LONG_LINE, StringDecoder
from castview.cast.reader import EventScanner, ScanState, read_head, read_tail

LONG = 48  # the threshold (and chunk size) of most tests here
V2 = '{"version":2,"width":80,"height":24}'
V3 = '{"version":3,"term":{"cols":80,"rows":24}}'
# Escapes, surrogate pairs, lone surrogates, a `\\` before `u`, controls, astral text.
TRICKY = ["", "a", "\\", '"', "\\u0041", "\x1b[31m\r\n", "é漢\U0001f600", "\ud83d", "\ude00\ud83d",
          "\ud83d\ud83d\U0001f600x", '\\"\\\\"', "\x00\x1f\x7f\u2028", "\\ud83d\\ude00"]


def lines(*rows: str) -> bytes:
    return "".join(row + "\n" for row in rows).encode()


def scan(data: bytes, long_line: int = LONG, start: ScanState | None = None):
    """Every event with the scanner's state and mid_line right after it was yielded."""
    f = io.BytesIO(data)
    scanner = EventScanner(f, read_head(f, "rec.cast"), start=start, long_line=long_line)
    seen = [(located, scanner.state, scanner.mid_line) for located in scanner]
    return seen, scanner


def by_line(seen) -> list[tuple[int, float, str, str]]:
    """The events with the pieces of each line joined back into one."""
    joined: list[tuple[int, float, str, str]] = []
    for located, _, _ in seen:
        line, event = located.line, located.event
        if joined and joined[-1][0] == line:
            assert joined[-1][1:3] == (event.time, event.code)  # every piece has the line's time and code
            joined[-1] = (*joined[-1][:3], joined[-1][3] + event.data)
        else:
            joined.append((line, event.time, event.code, event.data))
    return joined


def decode_in_chunks(body: str | bytes, cuts: list[int]) -> tuple[str, str]:
    """A JSON string body (after its opening quote) fed in pieces of its UTF-8 cut at
    `cuts`: the characters decoded and what followed the closing quote."""
    data = body.encode() if isinstance(body, str) else body
    decoder = StringDecoder()
    bounds = [0, *sorted(cuts), len(data)]
    parts = [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    out = [decoder.feed(part, final=i == len(parts) - 1) for i, part in enumerate(parts)]
    return "".join(out), decoder.rest


# ------------------------------------------------------------------ the string decoder

@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize("text", TRICKY)
def test_an_escape_split_at_every_position_decodes_as_json_loads(text, ensure_ascii):
    written = json.dumps(text, ensure_ascii=ensure_ascii)
    body = written.encode("utf-8", "surrogatepass")[1:] + b"]"
    # What the reader gives a short line: a raw surrogate (ensure_ascii=False) is bad UTF-8.
    expected = json.loads('"' + body.decode("utf-8", "replace")[:-1])
    for cuts in [*combinations(range(len(body) + 1), 1), *combinations(range(len(body) + 1), 2)]:
        assert decode_in_chunks(body, list(cuts)) == (expected, "]"), cuts
    for size in range(1, len(body) + 1):
        assert decode_in_chunks(body, list(range(size, len(body), size))) == (expected, "]"), size


def test_a_surrogate_pair_split_between_chunks_is_one_character():
    assert decode_in_chunks('\\ud83d\\ude00"', [6]) == ("\U0001f600", "")
    assert decode_in_chunks('\\ud83d\\ude00"', [9]) == ("\U0001f600", "")
    assert decode_in_chunks('\\\\ud83d\\ude00"', [7]) == ("\\ud83d\ude00", "")  # `\\` then literal `ud83d`


@settings(max_examples=400, deadline=None)
@given(st.text(), st.booleans(), st.data())
def test_any_string_split_anywhere_decodes_back(text, ensure_ascii, data):
    body = json.dumps(text, ensure_ascii=ensure_ascii).encode()[1:]
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=8))
    assert decode_in_chunks(body, cuts) == (text, "")


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(codec=None, exclude_categories=())), st.data())
def test_strings_with_lone_surrogates_decode_as_json_loads(text, data):
    # json.loads joins an escaped high surrogate and the low one after it into one character.
    written = json.dumps(text)
    cuts = data.draw(st.lists(st.integers(0, len(written) - 1), max_size=8))
    assert decode_in_chunks(written[1:], cuts) == (json.loads(written), "")


@pytest.mark.parametrize("body", ['ab\\x"', 'ab\\u12g4"', 'a\x01b"', "abc\\", "abc", 'a\\u00"', 'a\\"', 'a\\u00é0"'])
def test_an_invalid_or_unterminated_string_raises_wherever_it_is_cut(body):
    for cut in range(len(body) + 1):
        with pytest.raises(ValueError):
            decode_in_chunks(body, [cut])


# Bytes that make up, or break, multi-byte UTF-8 characters.
UTF8ISH = st.lists(st.sampled_from([b"A", b"\xc3", b"\xa9", b"\xe2", b"\x82", b"\xac", b"\xf0", b"\x9f", b"\x98",
                                    b"\x80", b"\xff", b"\xed", b"\xa0", b"\xc0", "é".encode(), "😀".encode()]),
                   max_size=16).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(UTF8ISH, st.data())
def test_utf8_split_anywhere_decodes_as_the_whole_would(data, draw):
    cuts = sorted(draw.draw(st.lists(st.integers(0, len(data)), max_size=4)))
    decoder = StringDecoder()
    bounds = [0, *cuts, len(data)]
    text = "".join(decoder.feed(data[a:b]) for a, b in zip(bounds, bounds[1:], strict=False))
    text += decoder.feed(b'"', final=True)
    assert text == data.decode("utf-8", "replace")
    assert decoder.valid_utf8 == ("\ufffd" not in text)  # (no byte here makes a real U+FFFD)


# ------------------------------------------------------------------ long lines in a recording

# (Through JSON once: an escaped high surrogate and the low one after it become one character.)
DATA = json.loads(json.dumps("".join(TRICKY) * 3 + "after the tricky part " * 4))
UTF8_DATA = "".join(c for c in DATA if not 0xD800 <= ord(c) <= 0xDFFF)  # (a raw lone surrogate is bad UTF-8)


@pytest.mark.parametrize("header, row, time", [
    (V2, json.dumps([1.5, "o", DATA]), 1.5),
    (V2, json.dumps([1.5, "o", UTF8_DATA], ensure_ascii=False), 1.5),
    (V2, json.dumps([1.5, "i", DATA]), 1.5),
    (V2, ' \t[ 1.5 ,\t"o" ,  ' + json.dumps(DATA) + " ] \r", 1.5),
    (V2, "[1.5,\"o\"," + json.dumps(DATA) + ', {"extra": [1, 2]}, null]', 1.5),
    (V2, json.dumps([15e-1, "\\u006f", DATA]).replace('"\\\\u006f"', '"\\u006f"'), 1.5),
    (V3, json.dumps([0.5, "o", DATA]), 1.5),
])
def test_a_long_event_line_comes_out_in_pieces_that_join_to_its_data(header, row, time):
    data = lines(header, '[1,"o","x"]', row, '[2,"o","next"]' if header == V2 else '[0.5,"o","next"]')
    seen, scanner = scan(data)
    code = "i" if '"i"' in row else "o"
    expected = UTF8_DATA if "é" in row else DATA
    assert by_line(seen) == [(2, 1.0, "o", "x"), (3, time, code, expected), (4, 2.0, "o", "next")]
    pieces = [located.event.data for located, _, _ in seen if located.line == 3]
    assert len(pieces) > 3 and all(len(piece) <= LONG + 16 for piece in pieces)
    assert scanner.problems == [] and not scanner.incomplete_tail
    # What the whole line gives with the threshold above it.
    assert by_line(scan(data, long_line=LONG_LINE)[0]) == by_line(seen)


def test_state_never_passes_the_line_while_its_pieces_come_out():
    data = lines(V2, '[1,"o","x"]', json.dumps([2, "o", DATA]), '[3,"o","next"]')
    line_start = len(lines(V2, '[1,"o","x"]'))
    seen, _ = scan(data)
    pieces = [(state, mid) for located, state, mid in seen if located.line == 3]
    for state, mid in pieces[:-1]:
        assert mid and state.offset == line_start and state.line == 3 and state.time == 1.0 and state.piece > 0
    last_state, last_mid = pieces[-1]
    assert not last_mid and last_state == ScanState(len(data) - len('[3,"o","next"]\n'), 4, 2.0)
    assert not any(mid for located, _, mid in seen if located.line != 3)


def test_a_scan_resumed_from_any_state_yields_exactly_the_rest():
    data = lines(V3, '[1,"o","x"]', json.dumps([1, "o", DATA]), json.dumps([1, "o", DATA[::-1]]), '[1,"o","y"]')
    seen, _ = scan(data)
    everything = [located.event for located, _, _ in seen]
    for n, (_, state, _) in enumerate(seen):
        rest, scanner = scan(data, start=state)
        assert [located.event for located, _, _ in rest] == everything[n + 1:], n
        assert scanner.problems == []


def test_a_consumer_that_stops_mid_line_resumes_from_state():
    data = lines(V2, json.dumps([1, "o", DATA]), '[2,"o","next"]')
    f = io.BytesIO(data)
    scanner = EventScanner(f, read_head(f, "rec.cast"), long_line=LONG)
    taken = []
    for located in scanner:
        taken.append(located.event.data)
        if len(taken) == 3:
            break
    assert scanner.mid_line
    rest = [located.event.data for located in EventScanner(f, scanner.head, start=scanner.state, long_line=LONG)]
    assert "".join(taken + rest) == DATA + "next"


@pytest.mark.parametrize("cut", [10, 60, 200, -3, -2, -1])
def test_an_incomplete_long_last_line_is_an_incomplete_tail(cut):
    whole = json.dumps([2, "o", DATA + "\\u00e9"])
    before = lines(V2, '[1,"o","x"]')
    seen, scanner = scan(before + whole[:cut].encode())
    assert [located.event.data for located, _, _ in seen] == ["x"]
    assert scanner.incomplete_tail and scanner.problems == []
    assert scanner.state == ScanState(len(before), 3, 1.0)


def test_a_whole_long_last_line_without_a_newline_is_read_as_a_short_one_is():
    data = lines(V2) + json.dumps([2, "o", DATA]).encode()
    seen, scanner = scan(data)
    assert by_line(seen) == [(2, 2.0, "o", DATA)] and not scanner.incomplete_tail


@pytest.mark.parametrize("row, why", [
    (json.dumps([2, "o", DATA])[:-1] + "}", "invalid JSON"),
    (json.dumps([2, "o", DATA])[:-1], "invalid JSON"),
    (json.dumps([2, "o", DATA]) + " [3]", "invalid JSON"),
    (json.dumps([2, "o", DATA]).replace("after", "aft\\qer", 1), "invalid JSON (Invalid \\escape"),
    (json.dumps([2, "o", DATA]).replace("after", "aft\x01er", 1), "invalid JSON (Invalid control character"),
    (json.dumps([2, "o", DATA]).replace("after", 'aft"er', 1), "invalid JSON"),
    (json.dumps([2, "m", DATA]), "only output and input events may be this long, not \"m\""),
    (json.dumps([2, "r", "80x24" + " " * 100]), "only output and input events"),
    (json.dumps({"time": 2, "data": DATA}), "not an event of the form"),
    (json.dumps(["2", "o", DATA]), "not an event of the form"),
    (json.dumps([2, "o", [DATA]]), "not an event of the form"),
    (json.dumps([2, "o", None, DATA]), "not an event of the form"),
    ("garbage " * 20, "not an event of the form"),
    (" " * 100, "not an event of the form"),
])
def test_any_other_long_line_is_one_problem_and_nothing_of_it_is_shown(row, why):
    data = lines(V2, '[1,"o","x"]', row, '[3,"o","next"]')
    seen, scanner = scan(data)
    assert by_line(seen) == [(2, 1.0, "o", "x"), (4, 3.0, "o", "next")]
    assert [p.line for p in scanner.problems] == [3]
    assert scanner.problems[0].message.startswith(f"line of {len(row.encode()) / 1e6:.1f} MB skipped: {why}")


def test_a_long_v3_comment_is_skipped_as_a_short_one_is():
    seen, scanner = scan(lines(V3, "# " + "comment " * 20, '[1,"o","x"]'))
    assert by_line(seen) == [(3, 1.0, "o", "x")] and scanner.problems == []


def test_a_long_line_with_invalid_utf8_is_replaced_and_reported():
    row = json.dumps([1, "o", DATA]).encode().replace(b"after", b"aft\xffer", 1)
    seen, scanner = scan(lines(V2) + row + b"\n")
    assert by_line(seen) == [(2, 1.0, "o", DATA.replace("after", "aft\ufffder", 1))]
    assert [(p.line, p.message) for p in scanner.problems] == [(2, "invalid UTF-8 replaced with U+FFFD")]


def test_a_long_line_whose_time_goes_backwards_is_kept_at_the_time_before():
    seen, scanner = scan(lines(V2, '[5,"o","x"]', json.dumps([1, "o", DATA])))
    assert by_line(seen) == [(2, 5.0, "o", "x"), (3, 5.0, "o", DATA)]
    assert [p.line for p in scanner.problems] == [3]


def test_a_line_that_changes_while_its_pieces_come_out_keeps_them_and_is_a_problem():
    data = lines(V2, json.dumps([1, "o", "A" * 400]), '[2,"o","next"]')
    f = io.BytesIO(data)
    scanner = EventScanner(f, read_head(f, "rec.cast"), long_line=LONG)
    events = iter(scanner)
    first = next(events).event
    view = f.getbuffer()
    view[data.index(b"A" * 10) + 300] = 1  # a raw control character where the data was checked
    del view
    rest = [located.event for located in events]
    assert first.data and all(event.data.strip("A") == "" for event in rest[:-1])
    assert rest[-1].data == "next"
    assert [p.line for p in scanner.problems] == [2] and "changed while read" in scanner.problems[0].message


ROWS = st.one_of(
    st.tuples(st.floats(0, 1e3), st.sampled_from(["o", "i"]), st.text(max_size=120), st.booleans()).map(
        lambda e: json.dumps([e[0], e[1], e[2]], ensure_ascii=e[3])),
    st.sampled_from(["", "lol", '[1,"o"', '[1,"o","\\x"]', "[" * 60, '[1e999,"o","far"]']),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(ROWS, max_size=12), st.sampled_from([V2, V3]))
def test_any_recording_reads_the_same_with_a_tiny_threshold(rows, header):
    data = lines(header, *rows)
    small, small_scanner = scan(data, long_line=LONG)
    whole, whole_scanner = scan(data, long_line=LONG_LINE)
    assert by_line(small) == by_line(whole)
    assert [p.line for p in small_scanner.problems] == [p.line for p in whole_scanner.problems]
    assert small_scanner.state == whole_scanner.state


# ------------------------------------------------------------------ bounded memory

MB = 1 << 20


ASCII_TEXT = "A" * 99 + "\r\n"
ASTRAL_TEXT = "A" * 99 + "\U0001f600"  # Python stores the whole text at 4 bytes a character


def write_long_line(path: Path, header: str, megabytes: int, text: str = ASCII_TEXT, last: bool = False) -> Path:
    """A recording holding one output line of `megabytes` MiB (written in chunks)."""
    piece = json.dumps(text * 1000)[1:-1]
    with open(path, "w", encoding="utf-8") as f:
        f.write(header + "\n" + '[0.5, "o", "')
        for _ in range(megabytes * MB // len(piece)):
            f.write(piece)
        f.write('"]\n')
        if not last:
            f.write('[1.0, "o", "after the long line"]\n')
    return path


# The bound EventScanner states: a few chunks, 4 times as many bytes for astral text.
@pytest.mark.parametrize("text, bound", [(ASCII_TEXT, 10), (ASTRAL_TEXT, 24)])
def test_scanning_a_48_mib_line_holds_a_few_chunks_not_the_line(tmp_path, text, bound):
    path = write_long_line(tmp_path / "long.cast", V2, 48, text)
    with open(path, "rb") as f:
        head = read_head(f, str(path))
        tracemalloc.start()
        try:
            chars, events = 0, 0
            for located in EventScanner(f, head):
                chars += len(located.event.data)
                events += 1
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert chars > 40 * MB / (6 if text == ASTRAL_TEXT else 1) and events > 40
    assert peak < bound * LONG_LINE, f"peak {peak / MB:.1f} MiB"


@pytest.mark.parametrize("header, last", [(V2, False), (V2, True), (V3, False)])
def test_the_tail_of_a_long_line_file_is_read_in_bounded_memory(tmp_path, header, last):
    path = write_long_line(tmp_path / "long.cast", header, 16, last=last)
    with open(path, "rb") as f:
        head = read_head(f, str(path))
        tracemalloc.start()
        try:
            tail = read_tail(f, head, path.stat().st_size)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 10 * LONG_LINE, f"peak {peak / MB:.1f} MiB"
    # v2 reads only the last 64 KiB: a long line at the very end leaves the duration unknown.
    expected = None if last else (1.0 if header == V2 else 1.5)
    assert tail.last_time == expected and not tail.incomplete


def test_the_screen_after_a_long_line_is_the_one_after_the_same_output_in_short_events(tmp_path):
    from castview.term.keyframes import Replay

    # Escape sequences and characters the pieces' boundaries fall in, over 2 MiB.
    output = "".join(f"\x1b[3{i % 8}mline {i} é😀\x1b[0m\r\n" for i in range(50_000)) + "\x1b[2;5Hthe end"
    one_line = [[0.5, "o", output]]
    short = [[0.5, "o", output[i:i + 997]] for i in range(0, len(output), 997)]
    screens = []
    for name, events in (("one.cast", one_line), ("short.cast", short)):
        path = tmp_path / name
        path.write_text(lines(V2, *(json.dumps(e) for e in events), '[1,"o","\\r\\nafter"]').decode())
        replay = Replay(lambda path=path: open(path, "rb"), str(path))
        replay.build()
        screens.append(replay.seek(float("inf")).term.text())
    assert len(json.dumps(one_line)) > 2 * LONG_LINE
    assert screens[0] == screens[1] and "the end" in screens[0] and "after" in screens[0]
