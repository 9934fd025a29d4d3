"""Times shown reproduce their frame: for every sample recording and every event, each way
castview shows the time of the frame after that event (the player's position, an exact time
as grep and cat print it, an export file name, a link, a time of day), typed back, gives
that same frame."""

from __future__ import annotations

import math
from datetime import UTC

import pytest

from castview import formatting as fmt
from castview.moments import Span, frame_bound, link, parse_moment, split_link
from castview.recording import Recording
from castview.sources.catalog import summarize
from castview.sources.local import LocalSource
from castview.term.keyframes import Replay
from castview.ui.export_actions import export_stem
from test_ui_helpers import SAMPLES

RECORDINGS = sorted(SAMPLES.glob("*/*.cast"))


def shown_forms(span: Span, location: str, t: float, before: float | None) -> dict[str, str]:
    """Every text castview shows for the frame at t, the next event at `before`."""
    wall = fmt.wall_decimal(span.start_ns, t, before, digits=1)
    stem = export_stem("rec.cast", t, before)
    return {
        "player": "+" + fmt.clock(t, before),
        "exact": "+" + fmt.exact_clock(t),
        "export name": stem.removeprefix("rec-"),
        "link": split_link(link(location, span.start_ns, t, before))[1] or "",
        "time of day": "@" + fmt.wall_time(wall, UTC, digits=1, date=False).removesuffix(" UTC"),
    }


@pytest.mark.parametrize("path", RECORDINGS, ids=[p.name for p in RECORDINGS])
def test_every_event_time_shown_gives_back_its_frame(path, tmp_path, monkeypatch):
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path))
    target = Recording.from_path(path)
    replay = Replay(target.opener, str(path))
    replay.build()
    source = LocalSource(path)
    summary = summarize(source, next(iter(source.refs())))
    times = replay.view.times
    span = Span(summary.start_ns, replay.duration)
    failures = []
    for count in range(1, len(times) + 1):
        if count < len(times) and times[count] == times[count - 1]:
            continue  # events at one time: only the frame after the last of them has a time
        t = times[count - 1]
        before = frame_bound(times, count, True, t)
        for form, text in shown_forms(span, str(path), t, before).items():
            if form == "time of day" and span.duration >= 12 * 3600:
                continue
            try:
                got = replay.seek(parse_moment(text, span, UTC)).count
            except ValueError as exc:
                failures.append(f"event {count} at {t!r}: {form} {text!r}: {exc}")
                continue
            if got != count:
                failures.append(f"event {count} at {t!r}: {form} {text!r} gives the frame after event {got}")
    assert not failures, "\n".join(failures[:20])


def test_the_issue_examples():
    # The player showed 0:07.3 for an event at 7.389, and --at 7.3 gave the frame before it.
    assert fmt.clock(7.389, 7.5) == "0:07.4"
    assert fmt.clock(7.389, 7.395) == "0:07.39"
    # grep and the app now agree to name the same frame: exact where the next event is unknown.
    assert fmt.exact_clock(9.6987) == "0:09.6987"
    assert math.isclose(parse_moment("0:09.6987", Span(0, 20.0)), 9.6987)
