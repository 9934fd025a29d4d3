"""Human forms of times, durations and sizes, shared by the CLI and the app.

A position or a wall-clock time castview shows names its frame: passed back to `--at`
(or `g`, or `castview open --at`) it gives the same screen. The frame at T is the screen
after every event with time <= T, so a time shown is never before the frame's own time
(rounded up, never down) and, when the next event's time is known (`before`), stays before
it: the shortest decimal, at the display's precision or finer, in [time, next event). Where
the next event is not known the time is rounded up to the display's precision (`clock`), or
shown exactly (`exact_clock`: the event's own time, as short as that allows).
"""

from __future__ import annotations

import math
from datetime import datetime, tzinfo
from decimal import ROUND_CEILING, Decimal, localcontext

from .cast.model import utc_datetime

NS = 1_000_000_000
# Enough digits for nanoseconds since the epoch plus the full binary expansion of a time.
_PRECISION = 80

UNKNOWN = "?"


def duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return UNKNOWN
    seconds = max(0.0, seconds)
    whole = int(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def elapsed(seconds: float | None) -> str:
    """A duration shown honestly, not rounded into a frame's time: milliseconds under a
    second (`2 ms`, `<1 ms`), else tenths rounded to the nearest (`1.8s`, `1:02.5`)."""
    if seconds is None or not math.isfinite(seconds):
        return UNKNOWN
    seconds = max(0.0, seconds)
    ms = round(seconds * 1000)
    if ms < 1000:
        return "<1 ms" if ms == 0 and seconds > 0 else f"{ms} ms"
    whole, tenth = divmod(round(seconds * 10), 10)
    return f"{whole}.{tenth}s" if whole < 60 else f"{duration(whole)}.{tenth}"


def naming_decimal(base: Decimal, seconds: float, before: float | None, digits: int) -> Decimal:
    """The shortest decimal W >= base + seconds, with at least `digits` fraction digits
    (and no more than nanoseconds while they suffice), such that W - base, as a float, is
    before `before` (None: no bound). `base` is exact (nanoseconds since the epoch, or 0)."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        # The shortest decimal that reads back as `seconds` (0.2, not 0.2000000000000000111):
        # anything at or above it reads back at or above `seconds`.
        exact = base + Decimal(repr(seconds))
        if before is not None and before <= seconds:
            before = None  # events at one time: no time names the frame between them
        for k in range(max(0, digits), 10):
            shown = exact.quantize(Decimal(1).scaleb(-k), rounding=ROUND_CEILING)
            if before is None or float(shown - base) < before:
                return shown
        return exact  # finer than a nanosecond: the float itself


def _fraction(value: Decimal, digits: int) -> str:
    """The fraction digits of `value` (at least `digits`, no trailing zeros beyond)."""
    _, tail = f"{value:f}".partition(".")[::2]
    tail = tail.rstrip("0").ljust(digits, "0")
    return f".{tail}" if tail else ""


def clock(seconds: float, before: float | None = None, digits: int = 1) -> str:
    """A position m:ss.f (h:mm:ss.f past an hour) that names its frame (see the module):
    rounded up to `digits` fraction digits, finer when the next event's time (`before`)
    needs it."""
    if not math.isfinite(seconds):
        return UNKNOWN
    shown = naming_decimal(Decimal(0), max(0.0, seconds), before, digits)
    whole = int(shown)
    return duration(whole) + _fraction(shown - whole, digits)


def exact_clock(seconds: float, digits: int = 2) -> str:
    """A position shown exactly (`--at` gives back this very time), where the time of the
    event after it is not known: grep, cat --times, JSON consumers."""
    if not math.isfinite(seconds):
        return UNKNOWN
    return clock(seconds, math.nextafter(max(0.0, seconds), math.inf), digits)


def wall_decimal(start_ns: int, seconds: float, before: float | None = None, digits: int = 0) -> Decimal:
    """Seconds since the epoch of the frame at `seconds` into a recording that started at
    `start_ns`: the shortest decimal that names the frame (see the module)."""
    return naming_decimal(Decimal(start_ns) / NS, max(0.0, seconds), before, digits)


def wall_ns(moment: Decimal) -> int:
    """A moment (seconds since the epoch, as `wall_decimal` gives) in whole nanoseconds,
    rounded up: the frame it names stays the same."""
    return int((moment * NS).to_integral_value(rounding=ROUND_CEILING))


def wall_time(moment: Decimal, zone: tzinfo | None = None, digits: int = 0, date: bool = True) -> str:
    """`YYYY-MM-DD HH:MM:SS[.f] ZONE` for a moment (seconds since the epoch); `zone`
    None: the local zone. "?" outside the years 1970..9999."""
    whole = int(moment // 1)
    when = utc_datetime(whole)
    if when is None:
        return UNKNOWN
    try:
        when = when.astimezone(zone)
        text = when.strftime("%Y-%m-%d %H:%M:%S" if date else "%H:%M:%S")
    except (OverflowError, ValueError, OSError):
        return UNKNOWN
    return f"{text}{_fraction(moment - whole, digits)} {zone_name(when)}"


def zone_name(when: datetime) -> str:
    """The zone's abbreviation (UTC, CET), or its offset (+0530) when it has none."""
    name = when.tzname() or ""
    return name if name[:1].isalpha() else when.strftime("%z")


def size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def local_time(ns: int) -> str:
    """The moment in the local zone; "?" outside the years 1970..9999 (see cast.model)."""
    moment = utc_datetime(ns // 1_000_000_000)
    if moment is None:
        return UNKNOWN
    try:
        return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, ValueError, OSError):
        return UNKNOWN  # within a day of 9999-12-31, east of UTC: year 10000 locally


def utc_time(ns: int) -> str:
    moment = utc_datetime(ns // 1_000_000_000)
    return UNKNOWN if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S UTC")
