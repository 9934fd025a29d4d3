"""Human forms of times, durations and sizes, shared by the CLI and the app."""

from __future__ import annotations

from datetime import UTC, datetime


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = max(0.0, seconds)
    whole = int(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def clock(seconds: float) -> str:
    """A player position: m:ss.t, or h:mm:ss.t past an hour."""
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
    return datetime.fromtimestamp(ns / 1e9).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def utc_time(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


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
