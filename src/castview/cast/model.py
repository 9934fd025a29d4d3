"""Values of the asciicast format: the header, events, and problems found while reading."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

OUTPUT = "o"
INPUT = "i"
MARKER = "m"
RESIZE = "r"
EXIT = "x"


class CastError(Exception):
    """A file that cannot be read as a recording at all."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class Problem(NamedTuple):
    """Something wrong with one line of a recording that was skipped or repaired."""

    line: int | None
    message: str

    def describe(self, path: str = "") -> str:
        where = f"{path}:{self.line}" if self.line is not None else path
        return f"{where}: {self.message}" if where else self.message


class Event(NamedTuple):
    """One event on the recording's own timeline (seconds since start, absolute)."""

    time: float
    code: str
    data: str


class Size(NamedTuple):
    cols: int
    rows: int


# ASCII digits only, and few of them: int() rejects Unicode digits such as "²" that
# str.isdigit() accepts, and thousands of digits exceed Python's int conversion limit.
_SIZE = re.compile(r"([0-9]{1,9})x([0-9]{1,9})")


def parse_size(data: str, rows_first: bool = False) -> Size | None:
    """Parse a resize event's "COLSxROWS" (or Kubernetes' "ROWSxCOLS"); None if invalid."""
    m = _SIZE.fullmatch(data.strip().lower())
    if m is None:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    cols, rows = (b, a) if rows_first else (a, b)
    if not (1 <= cols <= MAX_COLS and 1 <= rows <= MAX_ROWS):
        return None
    return Size(cols, rows)


# Terminal sizes beyond these are treated as damage: nothing real is that large and a
# screen of that size would exhaust memory.
MAX_COLS = 1000
MAX_ROWS = 500
DEFAULT_SIZE = Size(80, 24)

# Wall-clock times (a header's timestamp, a file name's time) count only in the years
# 1970..9999: anything else is damage or forgery, and is treated as unknown rather than
# shown, so no date conversion anywhere can overflow.
EARLIEST_TIMESTAMP = 0
LATEST_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z

# Times on a recording's own timeline (event times, durations, idle limits) beyond this are
# damage: no session lasts 31 years, and bounded times keep every later conversion (to
# integer nanoseconds, to dates, to screen cells) finite.
MAX_EVENT_TIME = 1e9


def utc_datetime(seconds: float) -> datetime | None:
    """The moment `seconds` after the epoch, or None outside the years 1970..9999."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        return None
    # Compared before any conversion: a huge int compares exactly, NaN compares false.
    if not EARLIEST_TIMESTAMP <= seconds < LATEST_TIMESTAMP + 1:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)


def seconds_value(value: Any) -> float | None:
    """A JSON value as seconds on a recording's timeline: a number in 0..MAX_EVENT_TIME,
    else None (a 400-digit integer is out of range, not an OverflowError)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not 0 <= value <= MAX_EVENT_TIME:
        return None
    return float(value)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    # is_integer() is False for inf and NaN, so int() of what passes cannot raise.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Header:
    """A recording's header, backed by the raw mapping so unknown keys are kept.

    Every field but the version is optional and may be null in the wild, so the
    accessors return None rather than raising.
    """

    raw: Mapping[str, Any]
    version: int
    raw_text: str = field(default="", compare=False)

    KNOWN_KEYS = (
        "version", "width", "height", "term", "timestamp", "duration", "idle_time_limit",
        "command", "title", "env", "theme", "tags", "srcNode", "srcNodeID", "srcNodeTags",
        "srcNodeUserID", "srcNodeUser", "sshUser", "localUser", "connectionID", "kubernetes",
        "dstNode", "dstNodeID",
    )

    def get(self, key: str) -> Any:
        return self.raw.get(key)

    # -- size -------------------------------------------------------------------------
    @property
    def declared_size(self) -> tuple[int | None, int | None]:
        if self.version == 3:
            term = self.raw.get("term")
            term = term if isinstance(term, Mapping) else {}
            return _int(term.get("cols")), _int(term.get("rows"))
        return _int(self.raw.get("width")), _int(self.raw.get("height"))

    @property
    def no_pty(self) -> bool:
        """tsrecorder writes width and height 0 for a session without a PTY. Its output has
        bare LF line ends, which the client's terminal (ONLCR) showed as new lines."""
        cols, rows = self.declared_size
        return self.version != 1 and not cols and not rows

    @property
    def size(self) -> Size:
        """The terminal size to replay at; a PTY-less session (0x0) or an absurd size
        falls back to 80x24."""
        cols, rows = self.declared_size
        if cols and rows and 1 <= cols <= MAX_COLS and 1 <= rows <= MAX_ROWS:
            return Size(cols, rows)
        return DEFAULT_SIZE

    # -- asciinema fields -------------------------------------------------------------
    @property
    def timestamp(self) -> int | None:
        """Seconds since the epoch of the session's start; None unless in years 1970..9999."""
        ts = _int(self.raw.get("timestamp"))
        return ts if ts is not None and utc_datetime(ts) is not None else None

    @property
    def start_time(self) -> datetime | None:
        ts = self.timestamp
        return None if ts is None else utc_datetime(ts)

    @property
    def duration(self) -> float | None:
        return seconds_value(self.raw.get("duration"))

    @property
    def idle_time_limit(self) -> float | None:
        return seconds_value(self.raw.get("idle_time_limit")) or None

    @property
    def command(self) -> str | None:
        return _str(self.raw.get("command"))

    @property
    def title(self) -> str | None:
        return _str(self.raw.get("title"))

    @property
    def env(self) -> dict[str, str]:
        env = self.raw.get("env")
        if not isinstance(env, Mapping):
            return {}
        return {str(k): str(v) for k, v in env.items() if v is not None}

    @property
    def term_type(self) -> str | None:
        if self.version == 3:
            term = self.raw.get("term")
            if isinstance(term, Mapping) and isinstance(term.get("type"), str):
                return term["type"]
        return self.env.get("TERM")

    @property
    def theme(self) -> Mapping[str, Any] | None:
        theme = self.raw.get("theme")
        if self.version == 3:
            term = self.raw.get("term")
            if isinstance(term, Mapping):
                theme = term.get("theme")
        return theme if isinstance(theme, Mapping) else None

    # -- Tailscale fields -------------------------------------------------------------
    @property
    def src_node(self) -> str | None:
        return _str(self.raw.get("srcNode"))

    @property
    def src_node_id(self) -> str | None:
        return _str(self.raw.get("srcNodeID"))

    @property
    def src_node_tags(self) -> list[str]:
        tags = self.raw.get("srcNodeTags")
        return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []

    @property
    def src_node_user_id(self) -> int | None:
        return _int(self.raw.get("srcNodeUserID"))

    @property
    def src_node_user(self) -> str | None:
        return _str(self.raw.get("srcNodeUser"))

    @property
    def ssh_user(self) -> str | None:
        return _str(self.raw.get("sshUser"))

    @property
    def local_user(self) -> str | None:
        return _str(self.raw.get("localUser"))

    @property
    def connection_id(self) -> str | None:
        return _str(self.raw.get("connectionID"))

    @property
    def kubernetes(self) -> dict[str, Any] | None:
        k8s = self.raw.get("kubernetes")
        return dict(k8s) if isinstance(k8s, Mapping) else None

    @property
    def resize_rows_first(self) -> bool:
        """Tailscale's Kubernetes recorder writes resizes as ROWSxCOLS."""
        return self.kubernetes is not None

    @property
    def who(self) -> str:
        """The person or tags behind the session, for one-line listings."""
        if self.src_node_user:
            return self.src_node_user
        if self.src_node_tags:
            return ",".join(self.src_node_tags)
        return ""

    @property
    def unknown_keys(self) -> dict[str, Any]:
        return {k: v for k, v in self.raw.items() if k not in self.KNOWN_KEYS}
