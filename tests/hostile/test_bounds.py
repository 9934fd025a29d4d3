"""The lower layers on hostile values: the bounds they enforce and the errors they raise,
so nothing reaches a command or the app in a shape that can crash it."""

from __future__ import annotations

import errno
import fcntl
import io
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from castview import formatting as fmt
from castview.cast.index import scan
from castview.cast.model import (
    LATEST_TIMESTAMP,
    MAX_EVENT_TIME,
    CastError,
    Header,
    parse_size,
    seconds_value,
    utc_datetime,
)
from castview.cast.reader import EventScanner, read_head, read_tail
from castview.filters import RecordingFilter, parse_when
from castview.sanitize import printable, strip_controls
from castview.sources.base import RecordingRef, SourceError
from castview.sources.catalog import RecordingSummary, summarize
from castview.sources.layout import format_ns, name_time_ns, parse_rfc3339nano
from castview.sources.local import LocalSource
from castview.sources.safe_open import NotRegularFile, open_regular

from .conftest import HUGE, NESTED, event, header, lines


def read(data: bytes):
    f = io.BytesIO(data)
    head = read_head(f, "x.cast")
    return head, scan(f, head)


def event_times(data: bytes) -> list[float]:
    f = io.BytesIO(data)
    return [located.event.time for located in EventScanner(f, read_head(f, "x.cast"))]


# -- times ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1970-01-01T00:00:00Z", 0),
        ("9999-12-31T23:59:59Z", LATEST_TIMESTAMP * 10**9),
        ("2024-01-01T01:00:00+01:00", 1704067200 * 10**9),
        ("0001-01-01T00:00:00+23:59", None),  # shifted before year 1: OverflowError before
        ("9999-12-31T23:59:59-23:59", None),  # shifted past 9999
        ("1969-12-31T23:59:59Z", None),
        ("0001-01-01T00:00:00Z", None),
        ("2024-01-01T00:00:00+24:00", None),
        ("2024-01-01T00:00:00+00:60", None),
        ("2024-02-30T00:00:00Z", None),
    ],
)
def test_file_name_times_outside_1970_to_9999_are_unknown(text, expected):
    assert parse_rfc3339nano(text) == expected
    assert name_time_ns(text + ".cast") == expected


@pytest.mark.parametrize("ns", [-1, -(10**30), (LATEST_TIMESTAMP + 1) * 10**9, 10**400])
def test_out_of_range_moments_format_as_unknown(ns):
    assert format_ns(ns) is None
    assert fmt.local_time(ns) == fmt.utc_time(ns) == "?"


def test_in_range_moments_format_as_before():
    assert format_ns(1_700_000_000_123_400_000) == "2023-11-14T22:13:20.1234Z"
    assert fmt.utc_time(LATEST_TIMESTAMP * 10**9) == "9999-12-31 23:59:59 UTC"


def test_the_local_time_at_the_very_end_east_of_utc_is_unknown(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert fmt.local_time(LATEST_TIMESTAMP * 10**9) == "?"  # year 10000 in Tokyo
        assert fmt.local_time(1_700_000_000 * 10**9) == "2023-11-15 07:13:20"
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_durations_that_are_not_numbers_show_unknown(value):
    assert fmt.duration(value) == fmt.clock(value) == "?"


@pytest.mark.parametrize("value", [1e308, -1e12, 10**400, -(10**400), "1", None, True, [1], float("nan")])
def test_utc_datetime_is_none_outside_its_years_and_never_raises(value):
    assert utc_datetime(value) is None


@pytest.mark.parametrize(
    "value,expected",
    [
        (0, 0.0),
        (1.5, 1.5),
        (MAX_EVENT_TIME, MAX_EVENT_TIME),
        (10**400, None),
        (-1, None),
        (1e308, None),
        (float("nan"), None),
        (float("inf"), None),
        (True, None),
        ("1", None),
        ([1], None),
    ],
)
def test_seconds_value_bounds(value, expected):
    assert seconds_value(value) == expected


@pytest.mark.parametrize(
    "text,end",
    [
        ("9999-12-31", True),
        ("9" * 400 + "d", False),
        ("0001-01-01", False),
        ("0001-01-01T00:00:00", False),
        ("100000000000w", False),
    ],
)
def test_dates_out_of_range_are_a_value_error(text, end):
    with pytest.raises(ValueError):
        parse_when(text, end=end)


@pytest.mark.parametrize("start_ns", [0, -(10**30), 10**40, LATEST_TIMESTAMP * 10**9])
def test_since_until_compare_any_start(start_ns):
    ref = RecordingRef("s", "/x.cast", "x.cast", None, start_ns, 1, 0.0)
    rec = RecordingSummary(ref, None, None, MAX_EVENT_TIME, "ok")
    for since, until in (("2024-01-01", "9999-12-30T00:00:00Z"), ("0001-01-01T00:00:00+23:59", None)):
        assert isinstance(RecordingFilter.from_options(since=since, until=until).matches(rec), bool)


# -- header fields -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,timestamp",
    [
        (1700000000, 1700000000),
        (10**12, None),
        (-(10**12), None),
        (1e308, None),
        (10**400, None),
        (float("nan"), None),
        ("1700000000", None),
        ([1], None),
        (LATEST_TIMESTAMP, LATEST_TIMESTAMP),
    ],
)
def test_header_timestamp_is_known_only_in_1970_to_9999(raw, timestamp):
    h = Header(raw={"version": 2, "timestamp": raw}, version=2)
    assert h.timestamp == timestamp
    assert (h.start_time is None) == (timestamp is None)


def test_header_duration_and_idle_limit_are_bounded():
    h = Header(raw={"version": 2, "duration": 10**400, "idle_time_limit": 10**400}, version=2)
    assert h.duration is None and h.idle_time_limit is None
    h = Header(raw={"version": 2, "duration": 12.5, "idle_time_limit": 0}, version=2)
    assert h.duration == 12.5 and h.idle_time_limit is None


def test_every_ignored_header_field_is_a_problem_on_line_1():
    head, result = read(
        lines(header(timestamp=1e308, duration=-1, srcNodeUser={"a": 1}, sshUser=5, command=[1]), event(0.5, "o", "x"))
    )
    messages = [p.message for p in result.problems if p.line == 1]
    for field in ("timestamp", "duration", "srcNodeUser", "sshUser", "command"):
        assert any(m.startswith(f"header {field} ") and m.endswith("; ignored") for m in messages), messages
    assert head.header.src_node_user is None and head.header.timestamp is None


def test_a_header_value_nested_too_deep_is_dropped_and_reported():
    deep = "[" * 600 + "]" * 600
    head, result = read(lines(header()[:-1] + f', "deep": {deep}' + "}", event(0.5, "o", "x")))
    assert "deep" not in head.header.raw and head.header.src_node_user == "alice@example.com"
    assert any("'deep' is nested over" in p.message for p in result.problems)
    json.dumps(dict(head.header.raw))  # everything kept can be written out again


@pytest.mark.parametrize("data", ["9" * 5000 + "x5", "\u00b2x\u00b2", "80x24x1", "-1x-1", "1000000000x5", ""])
def test_parse_size_rejects_what_int_cannot_take(data):
    assert parse_size(data) is None


def test_parse_size_still_reads_sizes():
    assert parse_size(" 100x30 ") == (100, 30)
    assert parse_size("30x100", rows_first=True) == (100, 30)


# -- the reader ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,message",
    [
        ((NESTED + "\n").encode(), "not an asciicast recording"),
        (('{"version": 2, "a": ' + NESTED + "\n").encode(), "invalid JSON"),
        (lines('{"version": 2, "t": ' + "9" * 5000 + "}"), "invalid JSON"),
        (lines('{"version": ' + "[" * 600 + "]" * 600 + "}"), "unsupported asciicast version (nested)"),
        (lines('{"version": 2.0}'), "unsupported asciicast version 2.0"),
    ],
)
def test_headers_that_once_raised_are_one_cast_error(data, message):
    with pytest.raises(CastError) as info:
        read_head(io.BytesIO(data), "/x/bad.cast")
    assert message in str(info.value) and str(info.value).startswith("/x/bad.cast")
    assert "\n" not in str(info.value)


def test_bad_event_lines_are_problems_and_the_rest_is_kept():
    data = lines(
        header(),
        NESTED,
        f'[{HUGE}, "o", "a"]',
        event(1e308, "m", "far"),
        '[0.1, "o", ' + "[" * 900 + "]" * 900 + "]",
        event(2.0, "o", "kept"),
    )
    head, result = read(data)
    times = event_times(data)
    assert times == [0.0, 0.0, 0.1, 2.0]
    assert [p.line for p in result.problems] == [2, 3, 4]
    assert result.facts.markers == [(0.0, "far")]
    assert all(t <= MAX_EVENT_TIME for t in times)


def test_v3_intervals_cannot_sum_past_the_bound():
    data = lines(
        '{"version": 3, "term": {"cols": 80, "rows": 24}}', *(event(MAX_EVENT_TIME, "o", str(i)) for i in range(3))
    )
    head, result = read(data)
    assert event_times(data) == [MAX_EVENT_TIME] * 3
    assert [p.line for p in result.problems] == [3, 4]


def test_v1_delays_out_of_range_are_taken_as_zero():
    doc = '{"version": 1, "width": 80, "height": 24, "stdout": [[1e308, "a"], [' + HUGE + ', "b"], [0.5, "c"]]}'
    head, result = read(doc.encode())
    assert event_times(doc.encode()) == [0.0, 0.0, 0.5] and len(result.problems) == 2


def test_the_tail_skips_times_the_scanner_rejects():
    data = lines(header(), event(1.5, "o", "a"), event(1e308, "o", "b"), f'[{HUGE}, "o", "c"]')
    f = io.BytesIO(data)
    assert read_tail(f, read_head(f, "x"), len(data)).last_time == 1.5


# -- opening only regular files ---------------------------------------------------------------


@pytest.fixture
def specials(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "fifo.cast"
    os.mkfifo(fifo)
    (tmp_path / "link.cast").symlink_to(fifo)
    (tmp_path / "null.cast").symlink_to("/dev/null")
    (tmp_path / "dir.cast").mkdir()
    return {"fifo": fifo, "link": tmp_path / "link.cast", "null": tmp_path / "null.cast", "dir": tmp_path / "dir.cast"}


@pytest.mark.parametrize(
    "name,kind", [("fifo", "a FIFO"), ("link", "a FIFO"), ("null", "a character device"), ("dir", "a directory")]
)
def test_open_regular_refuses_what_is_not_a_file(specials, name, kind):
    with pytest.raises(NotRegularFile) as info:
        open_regular(specials[name])
    assert str(info.value) == f"{specials[name]}: not a regular file ({kind})"
    assert isinstance(info.value, OSError) and info.value.strerror == f"not a regular file ({kind})"
    assert info.value.errno == (errno.EISDIR if name == "dir" else errno.EINVAL)


def test_open_regular_catches_a_fifo_swapped_in_after_the_stat(specials, monkeypatch, tmp_path):
    regular = tmp_path / "regular.cast"
    regular.write_bytes(b"x")
    real_stat = os.stat
    # The stat sees a regular file; the path opened is the FIFO: the race the fstat closes.
    monkeypatch.setattr(
        os, "stat", lambda path, *a, **k: real_stat(regular if Path(path) == specials["fifo"] else path)
    )
    done = threading.Event()
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            open_regular(specials["fifo"])
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)
        done.set()

    threading.Thread(target=attempt, daemon=True).start()
    assert done.wait(30), "open_regular blocked on a FIFO"
    assert len(errors) == 1 and isinstance(errors[0], NotRegularFile)


def test_open_regular_gives_an_ordinary_blocking_file(tmp_path):
    path = tmp_path / "ok.cast"
    path.write_bytes(b'{"version": 2}\n')
    with open_regular(path) as f:
        assert not fcntl.fcntl(f.fileno(), fcntl.F_GETFL) & os.O_NONBLOCK
        assert f.readline() == b'{"version": 2}\n' and f.seek(0) == 0


def test_local_source_skips_and_names_what_is_not_a_file(specials, tmp_path):
    (tmp_path / "good.cast").write_bytes(lines(header(), event(0.5, "o", "x")))
    source = LocalSource(tmp_path)
    refs = []
    with pytest.raises(SourceError) as info:
        for ref in source.refs():
            refs.append(ref)
    assert [r.name for r in refs] == ["good.cast"]
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{tmp_path}: skipped what is not a regular file: ")
    assert "fifo.cast (a FIFO)" in message and "link.cast (a FIFO)" in message
    assert "null.cast (a character device)" in message


def test_a_fifo_named_as_the_source_is_refused(specials):
    with pytest.raises(SourceError, match="not a file or directory \\(a FIFO\\)"):
        list(LocalSource(specials["fifo"]).refs())


def test_a_file_swapped_for_a_fifo_after_listing_is_damaged_not_a_hang(specials, tmp_path):
    ref = RecordingRef(str(tmp_path), str(specials["fifo"]), "fifo.cast", None, None, 0, 0.0)
    summary = summarize(LocalSource(tmp_path), ref)
    assert (
        summary.status == "damaged"
        and summary.error == f"{specials['fifo']}: cannot read (not a regular file (a FIFO))"
    )


# -- text shown ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "char",
    [
        "\u200b",
        "\u200c",
        "\u200d",
        "\u200e",
        "\u200f",
        "\u061c",
        "\ufeff",
        "\u2028",
        "\u2029",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
        "\U000e0001",
        "\U000e0041",
        "\U000e007f",
        "\u00ad",
        "\u2060",
        "\u180e",
        "\ud800",
        "\x1b",
        "\x9b",
    ],
)
def test_printable_shows_hidden_characters(char):
    shown = printable(f"ad{char}min")
    assert shown != f"ad{char}min" and char not in shown
    assert shown.startswith("ad\\") and shown.endswith("min") and shown.isascii()


def test_printable_keeps_visible_text():
    text = "alice@example.com é 東京 😀 ÷ [link]"
    assert printable(text) == text


def test_strip_controls_keeps_invisible_characters_of_a_transcript():
    assert strip_controls("a\u200db\x1b[31m\u202ec") == "a\u200db[31mc"


def test_look_alike_names_differ_once_printable():
    names = ["admin", "ad\u200bmin", "admin\U000e0041", "\ufeffadmin", "adm\u00adin", "admin\u2066"]
    assert len({printable(n) for n in names}) == len(names)


def test_header_dates_in_range_unchanged():
    h = Header(raw={"version": 2, "timestamp": 1700000000}, version=2)
    assert h.start_time == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
