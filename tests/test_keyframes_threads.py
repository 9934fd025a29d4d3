"""The keyframe index is built in one thread while others seek and play from it: a reader
never sees a half-built index (times, keyframes and markers always agree) and every
seek gives exactly the screen of a straight replay."""

from __future__ import annotations

import json
import random
import threading
from bisect import bisect_right
from pathlib import Path

import pytest

from castview.cast import timeline
from castview.term import keyframes
from castview.term.keyframes import Replay
from live_writer import StraightReplay

PUBLIC = Path(__file__).parent / "data" / "public"
CHUNKS = 24
DEADLINE = 60.0


@pytest.fixture(autouse=True)
def busy_index(monkeypatch):
    # Many keyframes and many published views, so readers cross both all the time.
    monkeypatch.setattr(keyframes, "KEYFRAME_COST", 600)
    monkeypatch.setattr(keyframes, "PROGRESS_EVERY", 8)


def with_markers(source: Path, every: int = 40) -> list[bytes]:
    """The recording's lines with a marker event after every `every` events."""
    lines = source.read_bytes().splitlines(keepends=True)
    out = [lines[0]]
    for n, line in enumerate(lines[1:], 1):
        out.append(line)
        if n % every == 0:
            t = json.loads(line)[0]
            out.append((json.dumps([t, "m", f"mark {n}"]) + "\n").encode())
    return out


def test_seeks_while_the_index_grows_see_whole_indexes_and_exact_screens(tmp_path):
    lines = with_markers(PUBLIC / "server-welcome.cast")
    path = tmp_path / "growing.cast"
    path.write_bytes(b"".join(lines))
    straight = StraightReplay(path)
    total = len(straight.events)
    expected = [straight.lines_after(n) for n in range(total + 1)]
    all_times = [e.time for e in straight.events]

    body = lines[1:]
    cut = [len(body) * i // CHUNKS for i in range(1, CHUNKS + 1)]
    path.write_bytes(lines[0] + b"".join(body[:cut[0]]))
    replay = Replay(lambda: open(path, "rb"), str(path))

    errors: list[BaseException] = []
    done = threading.Event()
    looked = threading.Condition()  # notified after each reader round
    seen_lengths: set[int] = set()

    def builder() -> None:
        try:
            for i, end in enumerate(cut):
                if i:
                    with open(path, "ab") as f:
                        f.write(b"".join(body[cut[i - 1]:end]))
                    replay.mark_grown()
                # Cancelled after a few batches, then resumed: the resumed build replays
                # what follows the last keyframe while readers look at it.
                calls = iter(range(10**6))
                replay.build(cancelled=lambda calls=calls: next(calls) >= 2)
                replay.build()
                size = len(replay.view.times)
                with looked:  # let the reader look at this size, however slow the machine
                    if not looked.wait_for(lambda size=size: size in seen_lengths or done.is_set(), DEADLINE):
                        raise AssertionError("the reader stopped")
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            done.set()

    def reader() -> None:
        rng = random.Random(3)
        try:
            while not done.is_set():
                view = replay.view
                n = len(view.times)
                times = list(view.times)
                assert times == all_times[:n]
                assert all(kf.count <= n for kf in view.keyframes)
                assert [k.count for k in view.keyframes] == sorted(k.count for k in view.keyframes)
                assert all(count < n and straight.events[count].code == "m" for count, _, _ in view.markers)
                # What playback computes from a view: every event known is due, none beyond.
                cursor = timeline.due(view.times, timeline.Cursor(0, 0.0, 0.0), 1e9, None)
                assert cursor.count == n
                assert timeline.until_next(view.times, cursor, 1e9, None) is None
                k = rng.randint(0, n)
                playhead = replay.seek_event(k)
                assert playhead.count == k and playhead.term.lines() == expected[k], f"event {k}"
                t = rng.choice(times) + rng.choice((0.0, 0.001)) if n else 0.0
                count = bisect_right(all_times, t)
                if count <= n:  # else events at t may not be written yet
                    assert replay.seek(t).term.lines() == expected[count], f"t={t}"
                with looked:  # a size counts as seen once every check on it passed
                    seen_lengths.add(n)
                    looked.notify_all()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
            done.set()

    threads = [threading.Thread(target=builder), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    assert not errors, errors[0]
    assert replay.view.complete and replay.event_count == total
    assert len(seen_lengths) >= CHUNKS // 2  # the reader saw the index at many sizes
    assert replay.seek_event(total).term.lines() == expected[total]
