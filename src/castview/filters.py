"""Which recordings to look at: by node, user, host, command and date.

One filter for `castview ls`, `castview grep` and the app. Text criteria are
case-insensitive substrings, or shell globs when they hold ``*``, ``?`` or ``[``. Dates
accept ``YYYY-MM-DD`` (local time), RFC 3339 (``2026-11-20T09:15:02Z``), ``now``,
``today``, ``yesterday``, a weekday (``tuesday``: the most recent Tuesday, today
included) and ages such as ``90s``, ``15m``, ``24h``, ``7d``, ``2w``. A day given to
``until`` means the end of that day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase

from .nodes.model import NodeNames
from .sources.catalog import Catalog, NodeGroup, RecordingSummary
from .sources.layout import parse_rfc3339nano

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_AGE = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _local_midnight(day: datetime) -> datetime:
    return datetime(day.year, day.month, day.day).astimezone()


def parse_when(text: str, end: bool = False, now: datetime | None = None) -> datetime:
    """A moment from a date as a user types it; `end`: a whole day means its end.
    Raises ValueError with a message that says what is accepted."""
    try:
        moment = _parse_when(text, end, now)
        moment.timestamp()  # what matching compares; must not fail later, once per recording
    except (OverflowError, OSError):
        # 9999-12-31 as an end, 10**400 days ago, a local zone that mktime cannot place...
        raise ValueError(f"{text!r} is out of the range of dates") from None
    return moment


def _parse_when(text: str, end: bool, now: datetime | None) -> datetime:
    value = text.strip().lower()
    now = now or datetime.now().astimezone()
    if not value:
        raise ValueError("empty date")
    day: datetime | None = None
    if value == "now":
        return now
    if value == "today":
        day = _local_midnight(now)
    elif value == "yesterday":
        day = _local_midnight(now - timedelta(days=1))
    else:
        names = [name for name in _WEEKDAYS if len(value) >= 3 and name.startswith(value)]
        if len(names) == 1:
            back = (now.weekday() - _WEEKDAYS.index(names[0])) % 7
            day = _local_midnight(now - timedelta(days=back))
    if day is None:
        m = _DATE.match(value)
        if m:
            try:
                day = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3))).astimezone()
            except ValueError as exc:
                raise ValueError(f"{text!r}: {exc}") from None
    if day is not None:
        return day + timedelta(days=1) if end else day
    m = _AGE.match(value)
    if m:
        return now - timedelta(seconds=float(m.group(1)) * _UNIT_SECONDS[m.group(2)[0]])
    ns = parse_rfc3339nano(text.strip().upper().replace(" ", "T"))
    if ns is not None:  # exact to the microsecond (a float of the seconds is not)
        return datetime.fromtimestamp(ns // 1_000_000_000, tz=UTC) + timedelta(microseconds=ns % 1_000_000_000 // 1000)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date: use YYYY-MM-DD, an RFC 3339 time, today, yesterday, "
            "a weekday, or an age like 24h or 7d") from None
    return moment if moment.tzinfo else moment.astimezone()


def _like(pattern: str, values: Iterable[str | None]) -> bool:
    pattern = pattern.lower()
    glob = any(c in pattern for c in "*?[")
    for value in values:
        if not value:
            continue
        value = value.lower()
        if (fnmatchcase(value, pattern) if glob else pattern in value):
            return True
    return False


@dataclass(frozen=True)
class RecordingFilter:
    """Criteria a recording must all meet; None means any."""

    node: str | None = None
    """The SSH server's stable node ID (the tsrecorder folder), its name or DNS name (config,
    tailscale, API), or its dstNode name."""
    user: str | None = None
    """The Tailscale user (alice@example.com), the SSH or local user, or a tag."""
    host: str | None = None
    """The client's host name (srcNode), the server's (dstNode), or a Kubernetes pod."""
    command: str | None = None
    """The command of a non-interactive session (`ssh host 'make ci'`)."""
    since: datetime | None = None
    """The session was still running at or after this moment."""
    until: datetime | None = None
    """The session had started before this moment."""

    @classmethod
    def from_options(cls, node: str | None = None, user: str | None = None, host: str | None = None,
                     command: str | None = None, since: str | None = None, until: str | None = None,
                     now: datetime | None = None) -> RecordingFilter:
        """From command-line strings. Raises ValueError for a bad date."""
        return cls(node or None, user or None, host or None, command or None,
                   parse_when(since, now=now) if since else None,
                   parse_when(until, end=True, now=now) if until else None)

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.node, self.user, self.host, self.command, self.since, self.until))

    def matches(self, rec: RecordingSummary, names: NodeNames | None = None) -> bool:
        """Whether the recording meets every criterion; `names` names the nodes."""
        h = rec.header
        if self.node is not None:
            known = names.get(rec.node_id) if names else None
            if not _like(self.node, [rec.node_id, *((known.name, known.dns) if known else ()),
                                     *((_str(h.get("dstNode")), _str(h.get("dstNodeID"))) if h else ())]):
                return False
        if self.user is not None and (
            h is None or not _like(self.user, [h.src_node_user, h.ssh_user, h.local_user, *h.src_node_tags])
        ):
            return False
        if self.host is not None:
            k8s = (h.kubernetes or {}) if h else {}
            if h is None or not _like(self.host, [h.src_node, _str(h.get("dstNode")), _str(k8s.get("PodName"))]):
                return False
        if self.command is not None and (h is None or not _like(self.command, [h.command])):
            return False
        if self.since is not None or self.until is not None:
            # In integer nanoseconds: as a float, 23:59:59.999999999 is the next day.
            start = rec.start_ns
            end = start + round((rec.duration or 0.0) * 1e9)
            if self.since is not None and end < _ns(self.since):
                return False
            if self.until is not None and start >= _ns(self.until):
                return False
        return True

    def apply(self, catalog: Catalog, names: NodeNames | None = None) -> Catalog:
        """The catalog with only the recordings that match (empty groups dropped)."""
        if not self.active:
            return catalog
        groups = []
        for group in catalog.groups:
            kept = [rec for rec in group.recordings if self.matches(rec, names)]
            if kept:
                groups.append(NodeGroup(group.node_id, kept))
        return Catalog(groups, catalog.errors)


def _ns(moment: datetime) -> int:
    """A moment in nanoseconds since the epoch, exactly (a datetime holds microseconds)."""
    return (moment - _EPOCH) // timedelta(microseconds=1) * 1000


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None
