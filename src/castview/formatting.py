"""Human forms of times, durations and sizes, shared by the CLI and the app."""

from __future__ import annotations

import math

from .cast.model import utc_datetime

UNKNOWN = "?"


def duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return UNKNOWN
    seconds = max(0.0, seconds)
    whole = int(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def clock(seconds: float) -> str:
    """A player position: m:ss.t, or h:mm:ss.t past an hour."""
    if not math.isfinite(seconds):
        return UNKNOWN
    seconds = max(0.0, seconds)
    tenths = int(seconds * 10) % 10
    return f"{duration(seconds)}.{tenths}"


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


def parse_clock(text: str) -> float:
    """Seconds from `ss`, `mm:ss` or `hh:mm:ss` (fractions allowed). Raises ValueError."""
    parts = text.strip().split(":")
    if not 1 <= len(parts) <= 3 or not all(parts):
        raise ValueError(f"not a time: {text!r} (use mm:ss, hh:mm:ss or seconds)")
    total = 0.0
    for part in parts:
        try:
            number = float(part)
        except ValueError:
            raise ValueError(f"not a time: {text!r} (use mm:ss, hh:mm:ss or seconds)") from None
        if number < 0 or number != number or number == float("inf"):
            raise ValueError(f"not a time: {text!r}")
        total = total * 60 + number
    return total
