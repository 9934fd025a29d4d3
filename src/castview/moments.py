"""Moments of a recording as a user types them: `g`, `--at`, `--from`/`--to`, links.

`parse_moment(text, span, zone)` gives seconds on the recording's own timeline (0 to its
last event) for any of:

- a position: seconds (`90`, `7.389`), `m:ss[.fff]`, `h:mm:ss[.fff]`, with units
  (`1m07.4s`, `2h3m`, as export file names show it), or `end`; `+` before it
  (`+1:02:03`) always reads it as a position;
- an RFC 3339 time (`2025-03-02T14:22:05.5Z`, any offset, up to nanoseconds);
- a time of day (`14:22:05[.fff]`) in `zone` (None: the local zone), on whichever of the
  recording's days it falls in the recording (one that crosses midnight has two); `@`
  before it (`@14:22:05`, `@14:22`) always reads it as a time of day.

h:mm:ss without `+` or `@` is read both ways: as a position when only that reading falls
in the recording, as a time of day when only that one does; when both do, it is an error
naming both readings (`AmbiguousMoment`), and when neither does, an error naming the
recording's span (`OutsideRecording`). Two fields (`14:22`) are always minutes and seconds.

A time typed to some precision (whole seconds, tenths...) is inside the recording when it
is within one unit of that precision of it: a time shown rounded up (the end) or cut (a
start listed as 09:15:02 for 09:15:02.5) names the first or last frame. Anything further
out is an error, never a silent jump to the end.

The frame at a moment is the screen after every event with time <= the moment
(castview.term.keyframes.Replay.seek); formatting.py shows times so that they name it.
Links to a moment are `RECORDING@RFC3339` (`split_link`, `link`).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation

from . import formatting as fmt
from .sources.layout import format_ns, parse_rfc3339nano

NS = fmt.NS
_NUMBER = r"\d+(?:\.\d+)?"
_UNITS = re.compile(rf"^(?:(\d+)h)?(?:(\d+)m)?(?:({_NUMBER})s)?$")
_CLOCK = re.compile(rf"^(\d+)(?::(\d\d))?:({_NUMBER})$")
_TIME_OF_DAY = re.compile(r"^(\d{1,2}):(\d\d)(?::(\d\d(?:\.\d+)?))?$")
_SECONDS = re.compile(rf"^{_NUMBER}$")
_RFC3339_START = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]")
_FORMS = ("use seconds, m:ss[.fff], h:mm:ss[.fff], end, an RFC 3339 time "
          "(2025-03-02T14:22:05Z) or a time of day (@14:22:05)")


class MomentError(ValueError):
    """A moment that cannot be placed in the recording; the message is one line."""


class BadMoment(MomentError):
    """Not a time in any accepted form."""


class OutsideRecording(MomentError):
    """A time before the recording's start or after its last event."""


class AmbiguousMoment(MomentError):
    """h:mm:ss that names a moment of the recording both as a position and as a time of day."""


@dataclass(frozen=True)
class Span:
    """A recording's place in time: its exact start and the time of its last event."""

    start_ns: int
    duration: float

    @property
    def start(self) -> Decimal:
        return Decimal(self.start_ns) / NS

    def describe(self, zone: tzinfo | None = None) -> str:
        """`0:00 to 0:20.512 (2026-11-20 09:15:02.5 to 09:15:23.012 UTC)`: the first and
        last moments, exact, as positions and on the wall clock."""
        end = self.duration
        last = fmt.wall_decimal(self.start_ns, end, math.nextafter(end, math.inf))
        first = fmt.wall_time(self.start, zone).rsplit(" ", 1)[0]
        same_day = _day(self.start_ns, zone) == _day(fmt.wall_ns(last), zone)
        return f"0:00 to {fmt.exact_clock(end, 0)} ({first} to {fmt.wall_time(last, zone, date=not same_day)})"


@dataclass(frozen=True)
class _Reading:
    seconds: Decimal
    """Into the recording (a position) or since the epoch (a wall-clock time)."""
    tolerance: Decimal
    """One unit of the precision typed."""


def parse_moment(text: str, span: Span, zone: tzinfo | None = None) -> float:
    """Seconds into the recording `span` describes, for a moment as a user types it (see
    the module). Raises BadMoment, OutsideRecording or AmbiguousMoment (ValueErrors)."""
    value = text.strip()
    shown = repr(value) if len(value) <= 80 else repr(value[:77] + "...")
    if not value:
        raise BadMoment(f"no time given: {_FORMS}")
    if value.lower() == "end":
        return span.duration
    if value[0] == "@":
        return _time_of_day_only(value[1:], shown, span, zone)
    if value[0] == "+":
        return _position_only(value[1:], shown, span, zone)
    if _RFC3339_START.match(value):
        return _wall(value, shown, span, zone)
    position = _position(value)
    if position is None:
        raise BadMoment(f"not a time: {shown}: {_FORMS}")
    in_span = _inside(position, Decimal(0), span)
    if value.count(":") != 2:
        if in_span is None:
            raise _outside(shown, span, zone)
        return in_span
    days = _days(value, span, zone)
    if in_span is not None and days:
        raise AmbiguousMoment(
            f"{shown} is ambiguous: the position {fmt.exact_clock(in_span, digits=0)} into the recording, or "
            f"the time of day {_when(span, days[0], zone)}; write +{value} for the position or @{value} for the "
            "time of day")
    if in_span is not None:
        return in_span
    if len(days) > 1:
        raise _both_days(shown, span, days, zone)
    if days:
        return days[0]
    raise _outside(shown, span, zone, also="as a position or as a time of day")


def split_link(spec: str) -> tuple[str, str | None]:
    """`RECORDING@RFC3339` as (recording, time); a spec without one as (spec, None).
    Paths may hold `@`: only the part after the last `@` is taken, and only when it is an
    RFC 3339 time."""
    head, at, tail = spec.rpartition("@")
    if at and head and _RFC3339_START.match(tail) and parse_rfc3339nano(_rfc3339(tail)) is not None:
        return head, tail
    return spec, None


def link(location: str, start_ns: int, seconds: float, before: float | None = None) -> str:
    """`RECORDING@RFC3339` naming the frame at `seconds` (the next event at `before`),
    as `castview open` takes it."""
    ns = fmt.wall_ns(fmt.wall_decimal(start_ns, seconds, before))
    return f"{location}@{format_ns(ns)}"


def frame_bound(times: Sequence[float], count: int, complete: bool, position: float) -> float | None:
    """What a time shown for the frame after `count` events (at `position`) must stay
    before (formatting.clock's `before`): the next event's time; None when there is no
    next event (the last frame); the time just after `position` when the index has not
    reached the next event yet (the position is then shown exactly)."""
    if count < len(times):
        return times[count]
    return None if complete else math.nextafter(position, math.inf)


def match_bound(times: Sequence[float], complete: bool, t: float) -> float | None:
    """`frame_bound` of the frame at time `t` (a search match, a transcript line)."""
    return frame_bound(times, bisect_right(times, t), complete, t)


# -- the readings -----------------------------------------------------------------------------
def _position(value: str) -> _Reading | None:
    """Seconds, [h:]m:ss or 1h2m3.5s as a position, or None for another form."""
    try:
        if _SECONDS.match(value):
            return _Reading(Decimal(value), _unit(value))
        m = _CLOCK.match(value)
        if m:
            first, middle, last = m.groups()
            if Decimal(last) >= 60 or (middle is not None and int(middle) >= 60):
                return None
            minutes = int(first) * 60 + int(middle) if middle is not None else int(first)
            return _Reading(minutes * 60 + Decimal(last), _unit(last))
        m = _UNITS.match(value)
        if m and any(m.groups()):
            h, mins, s = m.groups()
            seconds = Decimal(s or 0) + 60 * int(mins or 0) + 3600 * int(h or 0)
            return _Reading(seconds, _unit(s or "0"))
    except InvalidOperation:
        return None
    return None


def _unit(number: str) -> Decimal:
    """One unit of the precision `number` is written to (0.01 for 7.38)."""
    _, _, fraction = number.partition(".")
    return Decimal(1).scaleb(-len(fraction))


def _inside(reading: _Reading, origin: Decimal, span: Span) -> float | None:
    """The reading as seconds into the recording (`origin`: what it counts from, 0 or the
    start), clamped to it; None when it is outside by a unit of its precision or more."""
    seconds = reading.seconds - origin
    if seconds <= -reading.tolerance or seconds >= Decimal(span.duration) + reading.tolerance:
        return None
    return min(max(float(seconds), 0.0), span.duration)


def _position_only(value: str, shown: str, span: Span, zone: tzinfo | None) -> float:
    position = _position(value)
    if position is None:
        raise BadMoment(f"not a position: {shown}: use seconds, m:ss[.fff] or h:mm:ss[.fff] after +")
    seconds = _inside(position, Decimal(0), span)
    if seconds is None:
        raise _outside(shown, span, zone)
    return seconds


def _time_of_day_only(value: str, shown: str, span: Span, zone: tzinfo | None) -> float:
    if _time_of_day(value) is None:
        raise BadMoment(f"not a time of day: {shown}: use @hh:mm, @hh:mm:ss or @hh:mm:ss.fff")
    days = _days(value, span, zone)
    if len(days) > 1:
        raise _both_days(shown, span, days, zone)
    if not days:
        raise _outside(shown, span, zone)
    return days[0]


def _wall(value: str, shown: str, span: Span, zone: tzinfo | None) -> float:
    text = _rfc3339(value)
    ns = parse_rfc3339nano(text)
    if ns is None:
        raise BadMoment(f"not an RFC 3339 time: {shown} (2025-03-02T14:22:05.5Z, an offset such as +01:00 "
                        "instead of Z, up to 9 fraction digits)")
    fraction = re.search(r":\d\d(\.\d+)", text)
    reading = _Reading(Decimal(ns) / NS, _unit(fraction.group(1) if fraction else "0"))
    seconds = _inside(reading, span.start, span)
    if seconds is None:
        raise _outside(shown, span, zone)
    return seconds


def _rfc3339(value: str) -> str:
    return value.strip().upper().replace(" ", "T", 1)


def _time_of_day(value: str) -> tuple[int, int, Decimal, Decimal] | None:
    """(hour, minute, seconds, tolerance) of hh:mm[:ss[.fff]], or None."""
    m = re.match(r"^(\d{1,2}):(\d\d)(?::(\d\d(?:\.\d+)?))?$", value)
    if not m:
        return None
    hour, minute, second = int(m.group(1)), int(m.group(2)), m.group(3) or "0"
    if hour > 23 or minute > 59 or Decimal(second) >= 60:
        return None
    return hour, minute, Decimal(second), _unit(second)


def _days(value: str, span: Span, zone: tzinfo | None) -> list[float]:
    """Seconds into the recording of each moment the time of day names on the days the
    recording touches (two across midnight; two for an hour a DST change repeats)."""
    parsed = _time_of_day(value)
    if parsed is None:
        return []
    hour, minute, second, tolerance = parsed
    first = _day(span.start_ns, zone) - timedelta(days=1)
    last = _day(span.start_ns + _ns(span.duration), zone) + timedelta(days=1)
    found: list[float] = []
    day = first
    while day <= last:
        for fold in (0, 1):
            whole = datetime(day.year, day.month, day.day, hour, minute, int(second), fold=fold,
                             tzinfo=zone)
            try:
                epoch = whole.timestamp() if zone is not None else whole.astimezone().timestamp()
            except (OverflowError, OSError, ValueError):
                continue
            reading = _Reading(Decimal(int(epoch)) + second % 1, tolerance)
            seconds = _inside(reading, span.start, span)
            if seconds is not None and seconds not in found:
                found.append(seconds)
        day += timedelta(days=1)
    return found


def _day(ns: int, zone: tzinfo | None) -> date:
    seconds = ns // NS
    return (datetime.fromtimestamp(seconds, zone) if zone is not None else datetime.fromtimestamp(seconds)).date()


def _ns(seconds: float) -> int:
    return fmt.wall_ns(Decimal(seconds))


def _when(span: Span, seconds: float, zone: tzinfo | None) -> str:
    """The wall-clock time of a moment of the recording, exact."""
    moment = fmt.wall_decimal(span.start_ns, seconds, math.nextafter(seconds, math.inf))
    return fmt.wall_time(moment, zone)


def _outside(shown: str, span: Span, zone: tzinfo | None, also: str = "") -> OutsideRecording:
    reading = f" {also}" if also else ""
    return OutsideRecording(f"{shown} is outside the recording{reading}: it runs {span.describe(zone)}")


def _both_days(shown: str, span: Span, days: list[float], zone: tzinfo | None) -> AmbiguousMoment:
    return AmbiguousMoment(f"{shown} happens more than once in the recording ({_when(span, days[0], zone)} and "
                           f"{_when(span, days[1], zone)}): give the date, as an RFC 3339 time")
