"""The tsrecorder storage layout: `<dst>/<stable node ID>/<RFC3339Nano>.cast`.

Shared by local directories and S3 buckets. Go's RFC3339Nano trims trailing zeros from
the fraction, so names must be parsed, not compared as strings.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from ..cast.model import utc_datetime

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$"
)
_NODE_ID = re.compile(r"^n[0-9A-Za-z]{2,}CNTRL$")

# Files a recorder or an editor leaves beside recordings.
_SKIP_NAMES = {"check-write-access", ".events-exist"}


def parse_rfc3339nano(text: str) -> int | None:
    """Nanoseconds since the epoch for an RFC3339(Nano) timestamp, or None (also for a
    moment outside the years 1970..9999, such as `0001-01-01T00:00:00+23:59`)."""
    m = _RFC3339.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    fraction, zone = m.group(7) or "", m.group(8)
    try:
        local = datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except ValueError:
        return None
    # The offset is applied to whole seconds, not to the datetime: a moment shifted past
    # year 1 or 9999 must come out of range, not raise OverflowError.
    seconds = int(local.timestamp())
    if zone != "Z":
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            return None
        seconds -= (1 if zone[0] == "+" else -1) * (hours * 3600 + minutes * 60)
    if utc_datetime(seconds) is None:
        return None
    return seconds * 1_000_000_000 + int(fraction.ljust(9, "0") or 0)


def name_time_ns(filename: str) -> int | None:
    """The start time a tsrecorder file name carries (`2024-09-17T10:46:40Z.cast`)."""
    if not filename.endswith(".cast"):
        return None
    return parse_rfc3339nano(filename[: -len(".cast")])


def looks_like_node_id(name: str) -> bool:
    return bool(_NODE_ID.match(name))


def is_candidate(parts: tuple[str, ...]) -> bool:
    """Whether a path (as its components below the source root) may be a recording.

    Recorder event files, write-access probes and editor backups are skipped silently.
    """
    if not parts:
        return False
    name = parts[-1]
    if name in _SKIP_NAMES or "events" in parts[:-1]:
        return False
    if name.startswith(".") or name.endswith(("~", ".swp", ".tmp", ".bak", ".event")):
        return False
    return name.endswith(".cast") or name.endswith(".json") and name != "package.json"


def format_ns(ns: int) -> str | None:
    """UTC RFC3339 with the fraction as written by Go (trailing zeros trimmed); None for a
    moment outside the years 1970..9999 (a file's mtime can be anything)."""
    seconds, frac = divmod(ns, 1_000_000_000)
    moment = utc_datetime(seconds)
    if moment is None:
        return None
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        text += "." + f"{frac:09d}".rstrip("0")
    return text + "Z"
