"""The pure playback timing (idle cap, speed, markers): no Textual involved."""

from __future__ import annotations

import pytest

from castview.cast import timeline as pb


@pytest.mark.parametrize(
    ("speed", "up", "down"),
    [(1.0, 2.0, 0.5), (0.25, 0.5, 0.25), (16.0, 16.0, 8.0), (0.5, 1.0, 0.25), (3.0, 4.0, 2.0)],
)
def test_speed_steps(speed, up, down):
    assert pb.faster(speed) == up
    assert pb.slower(speed) == down


@pytest.mark.parametrize(
    ("setting", "header", "cap"),
    [(None, None, 2.0), (None, 1.5, 1.5), (3.0, 1.5, 3.0), (0.0, 0.7, 0.7), (None, 0.0, 2.0)],
)
def test_idle_cap_default(setting, header, cap):
    assert pb.idle_cap(setting, header) == cap


@pytest.mark.parametrize(
    ("gap", "cap", "played"),
    [(10.0, 2.0, 2.0), (1.0, 2.0, 1.0), (10.0, None, 10.0), (-1.0, 2.0, 0.0)],
)
def test_capped_gap(gap, cap, played):
    assert pb.capped_gap(gap, cap) == played


def test_playback_length_shortens_long_gaps():
    times = [0.5, 1.0, 11.0, 11.5]
    assert pb.playback_length(times, None) == pytest.approx(11.5)
    assert pb.playback_length(times, 2.0) == pytest.approx(0.5 + 0.5 + 2.0 + 0.5)


TIMES = [1.0, 2.0, 12.0, 12.5]


@pytest.mark.parametrize(
    ("played", "cap", "count", "time"),
    [
        (0.5, 2.0, 0, 0.0),
        (1.0, 2.0, 1, 1.0),
        (2.0, 2.0, 2, 2.0),
        (3.9, 2.0, 2, 2.0),  # in the capped 10 s gap
        (4.0, 2.0, 3, 12.0),  # 2 s after event 2 the capped gap is over
        (100.0, 2.0, 4, 12.5),
        (4.0, None, 2, 2.0),  # without the cap the gap is real
        (12.0, None, 3, 12.0),
    ],
)
def test_due_applies_everything_due_at_once(played, cap, count, time):
    cursor = pb.due(TIMES, pb.start_cursor(0, 0.0), played, cap)
    assert (cursor.count, cursor.time) == (count, time)


def test_position_runs_on_then_jumps_over_the_capped_gap():
    start = pb.start_cursor(0, 0.0)
    cursor = pb.due(TIMES, start, 3.0, 2.0)
    assert cursor.count == 2
    # one second into the 10 s gap that plays as 2 s: the position says 3.0
    assert pb.position(TIMES, cursor, 3.0, 2.0) == pytest.approx(3.0)
    # just before the capped gap ends: never further than the cap
    assert pb.position(TIMES, cursor, 3.999, 2.0) == pytest.approx(3.999)
    later = pb.due(TIMES, cursor, 4.0, 2.0)
    assert pb.position(TIMES, later, 4.0, 2.0) == pytest.approx(12.0)


def test_position_stays_at_the_last_event():
    cursor = pb.due(TIMES, pb.start_cursor(0, 0.0), 100.0, None)
    assert pb.position(TIMES, cursor, 100.0, None) == 12.5


def test_start_inside_a_long_gap_waits_at_most_the_cap():
    cursor = pb.start_cursor(2, 5.0)  # 3 s into the 10 s gap after event 2
    assert pb.until_next(TIMES, cursor, 0.0, 2.0) == pytest.approx(2.0)
    assert pb.until_next(TIMES, cursor, 0.0, None) == pytest.approx(7.0)
    assert pb.position(TIMES, cursor, 0.0, 2.0) == 5.0
    assert pb.due(TIMES, cursor, 2.0, 2.0).count == 3


def test_due_never_reads_past_the_known_times():
    cursor = pb.due([1.0], pb.start_cursor(0, 0.0), 50.0, None)
    assert cursor.count == 1
    assert pb.until_next([1.0], cursor, 50.0, None) is None


def test_wall_clock_speed_change_keeps_position():
    clock = pb.WallClock(100.0, 2.0)
    assert clock.played(101.0) == pytest.approx(2.0)
    clock.set_speed(101.0, 0.5)
    assert clock.played(101.0) == pytest.approx(2.0)
    assert clock.played(103.0) == pytest.approx(3.0)
    assert clock.wall_delay(1.0) == pytest.approx(2.0)


MARKERS = [(1.0, "a"), (5.0, "b"), (9.0, "c")]


@pytest.mark.parametrize(
    ("t", "nxt", "prev"),
    [
        (0.0, "a", None),
        (1.0, "b", None),  # on a marker: ] goes on, [ goes before it
        (1.2, "b", None),
        (1.6, "b", "a"),
        (5.0, "c", "a"),
        (9.7, None, "c"),
        (9.3, None, "b"),  # just after c: [ goes to the one before
    ],
)
def test_markers(t, nxt, prev):
    found = pb.next_marker(MARKERS, t)
    assert (found[1] if found else None) == nxt
    found = pb.previous_marker(MARKERS, t)
    assert (found[1] if found else None) == prev


@pytest.mark.parametrize(("digit", "t"), [(0, 0.0), (5, 50.0), (9, 90.0)])
def test_percent(digit, t):
    assert pb.percent_time(digit, 100.0) == t
