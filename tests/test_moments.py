"""castview.moments and the times formatting.py shows: every form a user types, the rule that
tells a time of day from h:mm:ss, spans crossing midnight, local zones (TZ), and the round
trip: a time shown for a frame, typed back, gives that frame."""

from __future__ import annotations

import math
import os
import time
from datetime import UTC, timedelta, timezone

import pytest

from castview import formatting as fmt
from castview.moments import (
    AmbiguousMoment,
    BadMoment,
    MomentError,
    OutsideRecording,
    Span,
    frame_bound,
    link,
    parse_moment,
    split_link,
)
from castview.sources.layout import parse_rfc3339nano

START = parse_rfc3339nano("2025-03-02T14:22:00.5Z")
SPAN = Span(START, 20.512)  # 14:22:00.5 to 14:22:21.012 UTC
LATE = Span(parse_rfc3339nano("2025-03-02T23:59:30Z"), 60.0)  # crosses midnight (UTC)
LONG = Span(parse_rfc3339nano("2025-03-02T14:00:00Z"), 4 * 3600.0)  # 14:00 to 18:00


@pytest.mark.parametrize(("text", "seconds"), [
    ("7.389", 7.389),
    ("0:07.389", 7.389),
    ("00:07.389", 7.389),
    ("0:00:07.389", 7.389),
    ("+0:00:07.389", 7.389),
    ("+7", 7.0),
    ("7", 7.0),
    ("0m07.4s", 7.4),  # as an export file name shows it
    ("7.4s", 7.4),
])
def test_positions(text, seconds):
    assert parse_moment(text, SPAN, UTC) == seconds


def test_positions_are_decimal_exact():
    # 1:07.389 is the float nearest 67.389, not 60 + 7.389 rounded twice.
    assert parse_moment("1:07.389", LONG, UTC) == float("67.389")
    assert parse_moment("1:02:05.5", LONG, UTC) == 3725.5
    assert parse_moment("1h02m05.5s", LONG, UTC) == 3725.5
    assert parse_moment("2h", LONG, UTC) == 7200.0


def test_end_and_the_edges():
    assert parse_moment("end", SPAN) == 20.512
    assert parse_moment("END", SPAN) == 20.512
    assert parse_moment("0", SPAN) == 0.0
    # Shown rounded up to its precision, the end still names the last frame...
    assert parse_moment(fmt.clock(20.512), SPAN) == 20.512
    assert parse_moment("0:21", SPAN) == 20.512
    # ...but a unit of that precision beyond it is outside.
    for text in ("0:20.7", "0:22", "99:00"):
        with pytest.raises(OutsideRecording, match=r"runs 0:00 to 0:20\.512 \(2025-03-02 14:22:00\.5 to "
                                                   r"14:22:21\.012 UTC\)"):
            parse_moment(text, SPAN, UTC)


@pytest.mark.parametrize("text", ["", "abc", "1:75", "1:60:00", "-3", "7.", "1e3", "nan", "inf", "1:2:3:4",
                                  "2025-13-02T14:22:05Z", "2025-03-02T14:22:05", "@25:00", "@14:61", "+@1",
                                  "2025-03-02T14:22:05.1234567891Z"])
def test_not_a_time(text):
    with pytest.raises(BadMoment) as caught:
        parse_moment(text, SPAN, UTC)
    assert "\n" not in str(caught.value) and isinstance(caught.value, ValueError)


@pytest.mark.parametrize(("text", "seconds"), [
    ("2025-03-02T14:22:05.5Z", 5.0),
    ("2025-03-02t14:22:05.5z", 5.0),
    ("2025-03-02 14:22:05.5Z", 5.0),
    ("2025-03-02T15:22:05.5+01:00", 5.0),
    ("2025-03-02T09:52:05.5-04:30", 5.0),
    ("2025-03-02T14:22:07.889000001Z", 7.389000001),
    ("2025-03-02T14:22:00Z", 0.0),  # the start, cut to the second: the first frame
])
def test_rfc3339(text, seconds):
    assert parse_moment(text, SPAN, UTC) == pytest.approx(seconds, abs=1e-12)


def test_rfc3339_outside():
    with pytest.raises(OutsideRecording, match="outside the recording"):
        parse_moment("2025-03-02T14:21:59Z", SPAN)
    with pytest.raises(OutsideRecording):
        parse_moment("2025-03-02T14:22:00.3Z", SPAN)  # to the tenth: 0.2 s before the start


def test_time_of_day_tells_itself_from_a_position():
    # 14:22:05 as a position (14 h) is far beyond a 20 s recording: a time of day.
    assert parse_moment("14:22:05", SPAN, UTC) == 4.5
    assert parse_moment("@14:22:05", SPAN, UTC) == 4.5
    assert parse_moment("@14:22:05.25", SPAN, UTC) == 4.75
    assert parse_moment("@14:22", SPAN, UTC) == 0.0  # cut to the minute: the start
    # In a 4-hour recording from 14:00, 1:00:00 is only a position; 15:00:00 only a time of day.
    assert parse_moment("1:00:00", LONG, UTC) == 3600.0
    assert parse_moment("15:00:00", LONG, UTC) == 3600.0
    # The same as a position, forced.
    with pytest.raises(OutsideRecording):
        parse_moment("+14:22:05", SPAN, UTC)
    with pytest.raises(OutsideRecording):
        parse_moment("@0:00:05", SPAN, UTC)


def test_both_readings_is_an_error_naming_both():
    span = Span(parse_rfc3339nano("2025-03-02T00:30:00Z"), 2 * 3600.0)  # 00:30 to 02:30 UTC
    with pytest.raises(AmbiguousMoment) as caught:
        parse_moment("1:00:00", span, UTC)
    message = str(caught.value)
    assert "position 1:00:00" in message and "2025-03-02 01:00:00 UTC" in message
    assert "+1:00:00" in message and "@1:00:00" in message and "\n" not in message
    assert parse_moment("+1:00:00", span, UTC) == 3600.0
    assert parse_moment("@1:00:00", span, UTC) == 1800.0


def test_neither_reading_names_the_span():
    with pytest.raises(OutsideRecording, match="as a position or as a time of day: it runs 0:00 to 0:20.512"):
        parse_moment("3:00:00", SPAN, UTC)


def test_a_recording_crossing_midnight():
    assert parse_moment("23:59:45", LATE, UTC) == 15.0
    with pytest.raises(AmbiguousMoment):  # 15 s in, and 15 s after midnight: both inside
        parse_moment("00:00:15", LATE, UTC)
    assert parse_moment("@0:00:15", LATE, UTC) == 45.0
    assert parse_moment("2025-03-03T00:00:15Z", LATE, UTC) == 45.0
    with pytest.raises(OutsideRecording, match=r"2025-03-02 23:59:30 to 2025-03-03 00:00:30 UTC"):
        parse_moment("@00:01:00", LATE, UTC)


def test_a_time_of_day_twice_in_a_long_recording():
    span = Span(parse_rfc3339nano("2025-03-02T12:00:00Z"), 30 * 3600.0)
    with pytest.raises(AmbiguousMoment, match="more than once"):
        parse_moment("@13:00:00", span, UTC)


def test_a_fixed_zone():
    plus_one = timezone(timedelta(hours=1))
    assert parse_moment("15:22:05", SPAN, plus_one) == 4.5
    with pytest.raises(OutsideRecording, match=r"15:22:00\.5 to 15:22:21\.012 UTC\+01:00"):
        parse_moment("14:22:05", SPAN, plus_one)


@pytest.fixture
def local_zone(monkeypatch):
    """The process's local zone set by TZ (a fixed offset: no DST to depend on)."""
    def use(tz: str) -> None:
        monkeypatch.setenv("TZ", tz)
        time.tzset()
    yield use
    monkeypatch.undo()
    time.tzset()


def test_the_local_zone_is_the_default(local_zone):
    local_zone("XST-05:30")  # UTC+5:30
    assert parse_moment("19:52:05", SPAN) == 4.5  # 14:22:05 UTC
    with pytest.raises(OutsideRecording, match=r"19:52:00\.5 to 19:52:21\.012 XST"):
        parse_moment("14:22:05", SPAN)
    # Local midnight falls inside a recording from 18:29:30 to 18:30:30 UTC.
    span = Span(parse_rfc3339nano("2025-03-02T18:29:30Z"), 60.0)
    assert parse_moment("23:59:45", span) == 15.0
    assert parse_moment("@00:00:15", span) == 45.0
    with pytest.raises(OutsideRecording, match=r"2025-03-02 23:59:30 to 2025-03-03 00:00:30 XST"):
        parse_moment("@00:01:00", span)


def test_a_dst_change_repeating_an_hour(local_zone):
    local_zone("Europe/Berlin")
    if time.localtime(0).tm_zone not in ("CET", "CEST"):
        pytest.skip("no zone database for Europe/Berlin")
    # 2025-10-26: 02:00-03:00 local happens twice (01:00-02:00 UTC).
    span = Span(parse_rfc3339nano("2025-10-26T00:30:00Z"), 2 * 3600.0)
    with pytest.raises(AmbiguousMoment, match="more than once"):
        parse_moment("@02:30:00", span)
    assert parse_moment("2025-10-26T02:30:00+01:00", span) == 3600.0


def test_messages_are_one_line_value_errors():
    hostile = "\x1b]52;c;aGk=\x07" + "x" * 500
    with pytest.raises(MomentError) as caught:
        parse_moment(hostile, SPAN)
    assert "\x1b" not in str(caught.value) or "'\\x1b" in str(caught.value)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 400


# -- what is shown --------------------------------------------------------------------------------
@pytest.mark.parametrize(("seconds", "before", "shown"), [
    (7.389, None, "0:07.4"),
    (7.389, 7.5, "0:07.4"),
    (7.389, 7.395, "0:07.39"),
    (7.389, 7.3891, "0:07.389"),
    (7.0, 7.05, "0:07.0"),
    (0.2, None, "0:00.2"),
    (3725.5, None, "1:02:05.5"),
    (59.96, None, "1:00.0"),
])
def test_clock_names_the_frame(seconds, before, shown):
    assert fmt.clock(seconds, before) == shown
    assert seconds <= parse_moment(f"+{shown}", Span(0, 4000.0)) < (before or math.inf)


def test_exact_clock():
    assert fmt.exact_clock(0.1) == "0:00.10"
    assert fmt.exact_clock(35.314024411) == "0:35.314024411"
    assert fmt.exact_clock(7.389000000000001) == "0:07.389000000000001"
    assert parse_moment(fmt.exact_clock(7.389000000000001), LONG) == 7.389000000000001


def test_frame_bound():
    times = [0.5, 1.0, 1.0, 2.0]
    assert frame_bound(times, 1, True, 0.5) == 1.0
    assert frame_bound(times, 4, True, 2.0) is None
    assert frame_bound(times, 4, False, 2.0) == math.nextafter(2.0, math.inf)


def test_local_and_utc_times_are_cut_not_rounded(local_zone):
    local_zone("UTC0")
    ns = parse_rfc3339nano("2025-03-02T23:59:59.999999999Z")
    assert fmt.utc_time(ns) == "2025-03-02 23:59:59 UTC"
    assert fmt.local_time(ns) == "2025-03-02 23:59:59"


# -- links ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("spec", "parts"), [
    ("rec.cast@2025-03-02T14:22:05.123456789Z", ("rec.cast", "2025-03-02T14:22:05.123456789Z")),
    ("s3://b/n/2025-03-02T14:22:00Z.cast@2025-03-02T14:22:05+01:00",
     ("s3://b/n/2025-03-02T14:22:00Z.cast", "2025-03-02T14:22:05+01:00")),
    ("/home/a@b/rec.cast", ("/home/a@b/rec.cast", None)),
    ("/home/a@b/rec.cast@2025-03-02T14:22:05Z", ("/home/a@b/rec.cast", "2025-03-02T14:22:05Z")),
    ("rec.cast@yesterday", ("rec.cast@yesterday", None)),
    ("rec.cast@2025-03-02T14:22:05", ("rec.cast@2025-03-02T14:22:05", None)),
    ("@2025-03-02T14:22:05Z", ("@2025-03-02T14:22:05Z", None)),
])
def test_split_link(spec, parts):
    assert split_link(spec) == parts


def test_link_names_the_frame():
    text = link("/r/a@b.cast", START, 7.389, 7.395)
    recording, when = split_link(text)
    assert recording == "/r/a@b.cast"
    assert when == "2025-03-02T14:22:07.89Z"
    assert 7.389 <= parse_moment(when, SPAN) < 7.395
    assert link("r.cast", START, 7.389, 9.0) == "r.cast@2025-03-02T14:22:08Z"


def test_span_describes_itself_in_the_local_zone(local_zone):
    local_zone("UTC0")
    assert SPAN.describe() == "0:00 to 0:20.512 (2025-03-02 14:22:00.5 to 14:22:21.012 UTC)"
    assert os.environ["TZ"] == "UTC0"
