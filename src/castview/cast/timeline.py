"""Pure playback timing: speed steps, the idle-time cap, and where the wall clock is.

Pure functions of the format layer, so they are unit-tested without the app.

Two timelines:

- the **recording's own** timeline (seconds since the start, as the file says): what the
  scrub bar, the position, markers, `g`oto and `0`-`9` use, so a position means the same
  thing whether or not the idle cap is on;
- the **playback** timeline: recording time with every gap between two events longer
  than the cap shortened to the cap, then divided by the speed. Only playback (the wall
  clock) runs on it.

While a capped gap plays, the position runs on from the earlier event for at most `cap`
seconds and then jumps to the next event: the scrub bar shows the skipped idle time as a
jump, never as time stretched or compressed.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

SPEEDS: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
DEFAULT_IDLE_CAP = 2.0
SKIP = 5.0
BIG_SKIP = 30.0
# Pressing `[` just after a marker goes to the one before it, not to the same one again.
MARKER_SLACK = 0.5


def faster(speed: float) -> float:
    """The next speed step up (16x at most)."""
    for step in SPEEDS:
        if step > speed + 1e-9:
            return step
    return SPEEDS[-1]


def slower(speed: float) -> float:
    """The next speed step down (0.25x at least)."""
    for step in reversed(SPEEDS):
        if step < speed - 1e-9:
            return step
    return SPEEDS[0]


def clamp_speed(speed: float) -> float:
    return min(max(speed, SPEEDS[0]), SPEEDS[-1])


def speed_label(speed: float) -> str:
    return f"{speed:g}×"


def idle_cap(setting: float | None, header_limit: float | None) -> float:
    """The cap to use when it is on: the user's setting, else the recording's
    `idle_time_limit`, else 2 s."""
    for value in (setting, header_limit):
        if value is not None and value > 0:
            return float(value)
    return DEFAULT_IDLE_CAP


def capped_gap(gap: float, cap: float | None) -> float:
    """A gap between two events as playback spends it."""
    gap = max(0.0, gap)
    return gap if cap is None else min(gap, cap)


def playback_length(times: Sequence[float], cap: float | None, start: float = 0.0) -> float:
    """Playback seconds (at 1x) from `start` through the last event."""
    total, previous = 0.0, start
    for t in times:
        if t < start:
            continue
        total += capped_gap(t - previous, cap)
        previous = t
    return total


def clamp(t: float, duration: float) -> float:
    return min(max(0.0, t), max(0.0, duration))


def percent_time(digit: int, duration: float) -> float:
    """`0`-`9` jump to 0 %-90 % of the duration."""
    return duration * max(0, min(digit, 9)) / 10


def next_marker(markers: Sequence[tuple[float, str]], t: float) -> tuple[float, str] | None:
    times = [m[0] for m in markers]
    i = bisect_right(times, t + 1e-6)
    return markers[i] if i < len(markers) else None


def previous_marker(markers: Sequence[tuple[float, str]], t: float) -> tuple[float, str] | None:
    times = [m[0] for m in markers]
    i = bisect_left(times, t - MARKER_SLACK)
    return markers[i - 1] if i > 0 else None


@dataclass(frozen=True)
class Cursor:
    """Where playback is: `count` events applied, the last at recording time `time`,
    reached at playback time `played` (seconds of playback timeline, at 1x)."""

    count: int
    time: float
    played: float


def due(times: Sequence[float], cursor: Cursor, played: float, cap: float | None, limit: int | None = None) -> Cursor:
    """The cursor after every event due by playback time `played`.

    `times` are the event times known so far (the index may still be growing); events
    beyond them are not due. Intermediate frames are skipped by construction: whatever
    is due is applied at once.
    """
    count, time, at = cursor.count, cursor.time, cursor.played
    end = len(times) if limit is None else min(limit, len(times))
    while count < end:
        t = times[count]
        nxt = at + capped_gap(t - time, cap)
        if nxt > played + 1e-9:
            break
        count, time, at = count + 1, max(time, t), nxt
    return Cursor(count, time, at)


def position(times: Sequence[float], cursor: Cursor, played: float, cap: float | None) -> float:
    """The recording time to show at playback time `played`: the last event's time plus
    the time since it, never reaching the next event's (a capped gap jumps at its end)."""
    since = max(0.0, played - cursor.played)
    if cursor.count < len(times):
        gap = times[cursor.count] - cursor.time
        since = min(since, max(0.0, gap - 1e-3), capped_gap(gap, cap))
    else:
        since = 0.0  # nothing known after the last event: stay on it
    return cursor.time + since


def until_next(times: Sequence[float], cursor: Cursor, played: float, cap: float | None) -> float | None:
    """Playback seconds (at 1x) until the next event is due; None if none is known."""
    if cursor.count >= len(times):
        return None
    gap = capped_gap(times[cursor.count] - cursor.time, cap)
    return max(0.0, cursor.played + gap - played)


def start_cursor(count: int, at: float) -> Cursor:
    """A cursor for playback starting at recording time `at` (after `count` events): the
    rest of the current gap is what is left to wait, capped like any gap."""
    return Cursor(count, at, 0.0)


class WallClock:
    """Playback time as a function of the wall clock, at a speed; re-anchored on change."""

    def __init__(self, now: float, speed: float, played: float = 0.0) -> None:
        self.anchor_wall = now
        self.anchor_played = played
        self.speed = speed

    def played(self, now: float) -> float:
        return self.anchor_played + (now - self.anchor_wall) * self.speed

    def set_speed(self, now: float, speed: float) -> None:
        self.anchor_played = self.played(now)
        self.anchor_wall = now
        self.speed = speed

    def wall_delay(self, playback_seconds: float) -> float:
        return playback_seconds / self.speed
