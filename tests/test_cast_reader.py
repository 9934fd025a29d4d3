"""The asciicast reader on every format and every kind of damage found in the wild."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from castview.cast.index import scan
from castview.cast.model import CastError, Header, parse_size
from castview.cast.reader import EventScanner, read_head, read_tail

PUBLIC = Path(__file__).parent / "data" / "public"

TS_HEADER = (
    '{"version":2,"width":203,"height":38,"timestamp":1679441819,"env":{"TERM":"xterm-256color"},'
    '"srcNode":"srcnode.ts.net","srcNodeID":"nguedK2CNTRL","srcNodeTags":null,"sshUser":"alice",'
    '"localUser":"alice","srcNodeUserID":30585448562688899,"srcNodeUser":"alice@tailscale.com"}'
)


def read(data: bytes):
    f = io.BytesIO(data)
    head = read_head(f, "rec.cast")
    result = scan(f, head)
    events = []
    f2 = io.BytesIO(data)
    for loc in EventScanner(f2, read_head(f2, "rec.cast")):
        events.append(loc.event)
    return head, result, events


def lines(*rows: str, end: str = "\n") -> bytes:
    return (end.join(rows) + end).encode()


V2 = '{"version":2,"width":80,"height":24}'
V3 = '{"version":3,"term":{"cols":80,"rows":24}}'
K8S = '{"version":2,"width":80,"height":24,"kubernetes":{"PodName":"p"},"env":null}'

CASES = [
    # name, bytes, expected (time, code, data) list, expected problem lines, incomplete tail
    ("v2 plain", lines(V2, '[0.5,"o","a"]', '[1.25,"o","b"]'),
     [(0.5, "o", "a"), (1.25, "o", "b")], [], False),
    ("v3 relative intervals", lines(V3, '[0.5,"o","a"]', '[0.25,"o","b"]', '[1,"x","0"]'),
     [(0.5, "o", "a"), (0.75, "o", "b"), (1.75, "x", "0")], [], False),
    ("v3 comments and blank lines", lines(V3, "# a comment", "", '[1,"o","a"]', "", "#x", '[1,"o","b"]'),
     [(1.0, "o", "a"), (2.0, "o", "b")], [], False),
    ("truncated last line is not a problem", lines(V2, '[0.5,"o","a"]', end="\n") + b'[0.9,"o","hal',
     [(0.5, "o", "a")], [], True),
    ("garbage line in the middle", lines(V2, '[0.5,"o","a"]', "lol!", '[1,"o","b"]'),
     [(0.5, "o", "a"), (1.0, "o", "b")], [3], False),
    ("invalid utf-8 replaced", b'{"version":2,"width":80,"height":24}\n[0.5,"o","a\xff"]\n',
     [(0.5, "o", "a\ufffd")], [2], False),
    ("time goes backwards", lines(V2, '[2,"o","a"]', '[1,"o","b"]'),
     [(2.0, "o", "a"), (2.0, "o", "b")], [3], False),
    ("NaN and negative times", lines(V2, '[1,"o","a"]', '[NaN,"o","b"]', '[-3,"o","c"]', '[Infinity,"o","d"]'),
     [(1.0, "o", "a"), (1.0, "o", "b"), (1.0, "o", "c"), (1.0, "o", "d")], [3, 4, 5], False),
    ("CRLF line endings", lines(V2, '[0.5,"o","a"]', end="\r\n"),
     [(0.5, "o", "a")], [], False),
    ("UTF-8 BOM", b"\xef\xbb\xbf" + lines(V2, '[0.5,"o","a"]'),
     [(0.5, "o", "a")], [], False),
    ("wrong shapes", lines(V2, '{"a":1}', '[1]', '["x","o","a"]', '[1,2,3]', '[1,"o","ok"]'),
     [(1.0, "o", "ok")], [2, 3, 4, 5], False),
    ("invalid resize kept out", lines(V2, '[1,"r","-1x0"]', '[2,"r","100x30"]', '[3,"r","99999x5"]'),
     [(1.0, "r", "-1x0"), (2.0, "r", "100x30"), (3.0, "r", "99999x5")], [2, 4], False),
    ("unknown codes kept, ignored later", lines(V2, '[1,"z","?"]', '[2,"m",""]'),
     [(1.0, "z", "?"), (2.0, "m", "")], [], False),
    ("kubernetes resize is ROWSxCOLS", lines(K8S, '[1,"r","30x100"]'),
     [(1.0, "r", "100x30")], [], False),
    ("tailscale header, float artifacts",
     lines(TS_HEADER, '[1.6682777500000001,"o","h"]', '[2.323438208,"o","\\u003c\\u003e"]'),
     [(1.6682777500000001, "o", "h"), (2.323438208, "o", "<>")], [], False),
    ("header only", lines(V2), [], [], False),
]


@pytest.mark.parametrize("name,data,expected,problem_lines,incomplete", CASES, ids=[c[0] for c in CASES])
def test_reader_table(name, data, expected, problem_lines, incomplete):
    head, result, events = read(data)
    assert [(e.time, e.code, e.data) for e in events] == expected
    assert [p.line for p in result.problems] == problem_lines
    assert result.incomplete_tail is incomplete
    assert result.facts.events == len(expected)


NOT_RECORDINGS = [
    ("empty", b"", "empty file"),
    ("plain text", b"hello world\n", "not an asciicast recording"),
    ("json list", b"[1,2,3]\n", "not a JSON object"),
    ("wrong version", b'{"version":7}\n', "unsupported asciicast version 7"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00", "not an asciicast recording"),
    ("huge first line", b"x" * (2 << 20), "over 1 MiB"),
    ("v1 without stdout", b'{"version":1,"width":80,"height":24}', "no 'stdout'"),
]


@pytest.mark.parametrize("name,data,message", NOT_RECORDINGS, ids=[c[0] for c in NOT_RECORDINGS])
def test_not_a_recording_is_one_clear_error(name, data, message):
    with pytest.raises(CastError) as info:
        read_head(io.BytesIO(data), "/x/bad.cast")
    assert message in str(info.value)
    assert str(info.value).startswith("/x/bad.cast")


def test_v1_relative_delays_match_v2():
    _, v1 = _events(PUBLIC / "server-welcome.v1.json")
    _, v2 = _events(PUBLIC / "server-welcome.cast")
    v2_out = [e for e in v2 if e.code == "o"]
    assert len(v1) == len(v2_out) == 785
    assert abs(v1[-1].time - 119.207933) < 1e-6
    assert all(abs(a.time - b.time) < 1e-6 and a.data == b.data for a, b in zip(v1, v2_out, strict=True))


def test_v1_pretty_printed(tmp_path):
    doc = {"version": 1, "width": 10, "height": 5, "duration": 1.5, "stdout": [[0.5, "a"], [1.0, "b"], ["x", "c"]]}
    p = tmp_path / "old.json"
    p.write_text(json.dumps(doc, indent=2))
    header, events = _events(p)
    assert header.version == 1 and header.size == (10, 5)
    assert [(e.time, e.data) for e in events] == [(0.5, "a"), (1.5, "b")]


def _events(path):
    from castview.cast.reader import load_events

    return load_events(path)


def test_header_accessors_keep_exact_user_id_and_unknown_keys():
    head = read_head(io.BytesIO(lines(TS_HEADER)), "x")
    h = head.header
    assert h.src_node_user_id == 30585448562688899  # > 2**53, kept exact
    assert h.src_node_tags == [] and h.who == "alice@tailscale.com"
    assert h.size == (203, 38) and h.term_type == "xterm-256color"
    assert h.start_time.year == 2023
    raw = {"version": 2, "width": 0, "height": 0, "srcNodeTags": ["tag:ci"], "env": None, "future": 1}
    h2 = Header(raw=raw, version=2)
    assert h2.size == (80, 24)  # no PTY: replay at a sensible size
    assert h2.who == "tag:ci" and h2.env == {} and h2.unknown_keys == {"future": 1}


def test_header_only_read_is_bounded():
    class Counting(io.BytesIO):
        read_bytes = 0

        def readline(self, size=-1):
            line = super().readline(size)
            Counting.read_bytes += len(line)
            return line

        def read(self, size=-1):
            data = super().read(size)
            Counting.read_bytes += len(data)
            return data

    body = b'[1,"o","' + b"x" * 1000 + b'"]\n'
    f = Counting(lines('{"version":2,"width":80,"height":24}') + body * 10000)
    head = read_head(f, "big.cast")
    assert Counting.read_bytes < 100
    tail = read_tail(f, head, len(f.getvalue()))
    assert tail.last_time == 1.0 and not tail.incomplete
    assert Counting.read_bytes < 100 + (64 << 10) + 10


def test_scan_resumes_from_state_of_a_growing_file():
    data = lines('{"version":2,"width":80,"height":24}', '[1,"o","a"]') + b'[2,"o","b'
    f = io.BytesIO(data)
    head = read_head(f, "live.cast")
    first = EventScanner(f, head)
    assert [ev.event.data for ev in first] == ["a"] and first.incomplete_tail
    f = io.BytesIO(data + b'c"]\n[3,"o","d"]\n')
    second = EventScanner(f, head, start=first.state)
    assert [(ev.event.time, ev.event.data, ev.line) for ev in second] == [(2.0, "bc", 3), (3.0, "d", 4)]
    assert not second.incomplete_tail


def test_read_tail_of_truncated_v2():
    data = lines('{"version":2,"width":80,"height":24}', '[1,"o","a"]', '[7.5,"o","b"]') + b'[9,"o","half'
    f = io.BytesIO(data)
    tail = read_tail(f, read_head(f, "t.cast"), len(data))
    assert (tail.last_time, tail.incomplete, tail.problems) == (7.5, True, ())


@pytest.mark.parametrize("text,rows_first,expected", [
    ("80x24", False, (80, 24)), ("24x80", True, (80, 24)), ("-1x0", False, None),
    ("80X24", False, (80, 24)), ("80x", False, None), ("0x0", False, None), (" 100x30 ", False, (100, 30)),
])
def test_parse_size(text, rows_first, expected):
    assert parse_size(text, rows_first) == (tuple(expected) if expected else None)


_HEADERS = st.sampled_from([b'{"version":2,"width":80,"height":24}\n', b'{"version":3,"term":{"cols":80,"rows":24}}\n',
                            b'{"version":1,"width":80,"height":24,"stdout":[[0.1,"a"]]}', b"", b"\xef\xbb\xbf"])
_LINES = st.lists(st.one_of(
    st.binary(max_size=40),
    st.builds(lambda t, c, d: json.dumps([t, c, d]).encode(), st.floats(allow_nan=True, allow_infinity=True),
              st.sampled_from(["o", "i", "m", "r", "x", "?"]), st.text(max_size=20)),
), max_size=12)


@settings(max_examples=300, deadline=None)
@given(_HEADERS, _LINES, st.booleans())
def test_reader_never_raises_anything_but_cast_error(head, lines, cut):
    data = head + b"\n".join(lines)
    if cut and data:
        data = data[: len(data) // 2]
    f = io.BytesIO(data)
    try:
        parsed = read_head(f, "fuzz.cast")
    except CastError:
        return
    scan(f, parsed)
    f.seek(0)
    times = [located.event.time for located in EventScanner(f, read_head(f, "fuzz.cast"))]
    assert times == sorted(times)
    read_tail(f, parsed, len(data))
