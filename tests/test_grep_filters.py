"""The recording filter shared by ls, grep and the app: dates and criteria."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from castview.cast.model import Header
from castview.filters import RecordingFilter, parse_when
from castview.sources.base import RecordingRef
from castview.sources.catalog import OK, RecordingSummary

UTC = UTC
# A Wednesday.
NOW = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    "text, end, expected",
    [
        ("2026-11-20", False, datetime(2026, 11, 20, tzinfo=UTC)),
        ("2026-11-20", True, datetime(2026, 11, 21, tzinfo=UTC)),
        ("2026-11-20T09:15:02Z", False, datetime(2026, 11, 20, 9, 15, 2, tzinfo=UTC)),
        ("2026-11-20T09:15:02.5+02:00", False, datetime(2026, 11, 20, 7, 15, 2, 500000, tzinfo=UTC)),
        ("2026-11-20 09:15", False, datetime(2026, 11, 20, 9, 15, tzinfo=UTC)),
        ("7d", False, NOW - timedelta(days=7)),
        ("24h", True, NOW - timedelta(hours=24)),
        ("90 min", False, NOW - timedelta(minutes=90)),
        ("2w", False, NOW - timedelta(weeks=2)),
        ("now", False, NOW),
        ("today", False, datetime(2026, 11, 25, tzinfo=UTC)),
        ("today", True, datetime(2026, 11, 26, tzinfo=UTC)),
        ("yesterday", False, datetime(2026, 11, 24, tzinfo=UTC)),
        ("tuesday", False, datetime(2026, 11, 24, tzinfo=UTC)),
        ("Wednesday", False, datetime(2026, 11, 25, tzinfo=UTC)),  # today is the most recent one
        ("thu", False, datetime(2026, 11, 19, tzinfo=UTC)),
        ("sunday", True, datetime(2026, 11, 23, tzinfo=UTC)),
    ],
)
def test_parse_when(text, end, expected):
    assert parse_when(text, end=end, now=NOW) == expected


@pytest.mark.parametrize("text", ["", "someday", "2026-13-40", "7x", "t"])
def test_parse_when_rejects(text):
    with pytest.raises(ValueError):
        parse_when(text, now=NOW)


def summary(start: str, duration: float = 60.0, node: str = "nHx4Tb1CNTRL", **fields) -> RecordingSummary:
    from castview.sources.layout import parse_rfc3339nano

    ns = parse_rfc3339nano(start)
    ref = RecordingRef("src", f"/d/{node}/{start}.cast", f"{node}/{start}.cast", node, ns, 100, 0.0)
    raw = {"version": 2, "width": 80, "height": 24, **fields}
    return RecordingSummary(ref, Header(raw, 2), None, duration, OK)


ALICE = summary("2026-11-20T09:15:02Z", srcNode="alice-mbp.ts.net", srcNodeUser="alice@example.com", sshUser="root",
                localUser="root")
CI = summary("2026-11-21T02:00:00Z", node="nBq9Zs5CNTRL", srcNode="ci-runner-3.ts.net", srcNodeTags=["tag:ci"],
             command="cd project && make ci", dstNode="build-01")
POD = summary("2026-11-24T07:12:33Z", node="nK8mXc7CNTRL", srcNodeUser="alice@example.com",
              kubernetes={"PodName": "api-7d9f8c6b5-x2x4q", "Namespace": "prod"})


@pytest.mark.parametrize(
    "criteria, expected",
    [
        ({}, [ALICE, CI, POD]),
        ({"user": "alice"}, [ALICE, POD]),
        ({"user": "ROOT"}, [ALICE]),
        ({"user": "tag:ci"}, [CI]),
        ({"user": "*@example.com"}, [ALICE, POD]),
        ({"node": "nbq9"}, [CI]),
        ({"node": "build-01"}, [CI]),
        ({"host": "alice-mbp"}, [ALICE]),
        ({"host": "build-01"}, [CI]),
        ({"host": "api-*"}, [POD]),
        ({"command": "make"}, [CI]),
        ({"since": "2026-11-21"}, [CI, POD]),
        ({"until": "2026-11-20"}, [ALICE]),
        ({"since": "2026-11-20T09:15:30Z", "until": "2026-11-20T09:20:00Z"}, [ALICE]),  # still running then
        ({"since": "2026-11-20T09:16:30Z", "until": "2026-11-20T09:20:00Z"}, []),  # it had ended
        ({"since": "tuesday"}, [POD]),
        ({"user": "alice", "since": "3d"}, [POD]),
    ],
)
def test_recording_filter(criteria, expected):
    selection = RecordingFilter.from_options(now=NOW, **criteria)
    assert selection.active == bool(criteria)
    assert [rec for rec in (ALICE, CI, POD) if selection.matches(rec)] == expected
