"""Following a recording while a real writer thread writes it: every screen on the way
equals a straight replay, only new bytes are read, and truncation, replacement and
deletion are noticed and reloaded."""

from __future__ import annotations

import io
import os
import random
import shutil
import time
from pathlib import Path

import pytest

from castview.follow import (
    FINISHED,
    GROWN,
    OPENED,
    RELOADED,
    RESUMED,
    VANISHED,
    WAITING,
    Follower,
    stat_file,
)
from castview.term import keyframes
from castview.term.index_store import IndexStore, cache_key, open_cached
from castview.term.keyframes import Replay
from live_writer import RECORDING, SAMPLES, LiveWriter, StraightReplay

OTHER = SAMPLES / "nWp2Lr8CNTRL" / "2026-11-20T14:07:30.12Z.cast"
NO_PTY = SAMPLES / "nBq9Zs5CNTRL" / "2026-11-21T02:00:00.48Z.cast"  # width and height 0
DEADLINE = 60.0


class CountingFile(io.FileIO):
    """A file that counts the bytes the OS gave it (what a scan really read)."""

    total = 0

    def readinto(self, buffer):  # type: ignore[no-untyped-def]
        n = super().readinto(buffer)
        CountingFile.total += n or 0
        return n


def counting_opener(path: Path):  # type: ignore[no-untyped-def]
    return lambda: io.BufferedReader(CountingFile(path, "r"))


def until_done(follower: Follower, writer: LiveWriter, check=None) -> list[str]:  # type: ignore[no-untyped-def]
    """Poll (as the follow worker does) until the follower has every event written;
    the kinds of the updates on the way."""
    deadline = time.monotonic() + DEADLINE
    kinds: list[str] = []
    while True:
        kinds += [u.kind for u in follower.poll()]
        if check is not None:
            check()
        if writer.done.is_set() and follower.edge is not None and follower.edge.count == writer.total:
            return kinds
        assert time.monotonic() < deadline, "the follower never caught up with the writer"
        time.sleep(0.01)


@pytest.mark.parametrize("recording", [RECORDING, NO_PTY], ids=["pty", "no-pty"])
def test_follower_tracks_the_writer_screen_by_screen(tmp_path, recording):
    target = tmp_path / "live.cast"
    writer = LiveWriter(target, recording, speed=20, hold_partials=True, split_every=3 if recording == NO_PTY else 7)
    straight = StraightReplay(recording)
    follower = Follower.for_path(target, finished_after=3600)
    kinds: list[str] = []
    checked = {"screens": 0, "half lines": 0}

    def check() -> None:
        edge = follower.edge
        if edge is None:
            return
        assert edge.count <= writer.complete or not writer.partial
        assert edge.term.lines() == straight.lines_after(edge.count), f"after {edge.count} events"
        checked["screens"] += 1
        if writer.partial:  # the writer is holding half a line: look at the file now
            kinds.extend(u.kind for u in follower.poll())
            assert follower.edge.count == writer.complete
            assert follower.edge.term.lines() == straight.lines_after(writer.complete)
            assert follower.replay.index.incomplete_tail  # half a line: not an event yet...
            assert follower.replay.index.problems == []  # ...and not a problem either
            assert follower.live
            checked["half lines"] += 1
            writer.release()

    writer.start()
    try:
        deadline = time.monotonic() + DEADLINE
        while follower.edge is None:
            kinds.extend(u.kind for u in follower.poll())
            assert time.monotonic() < deadline
            time.sleep(0.01)
        until_done(follower, writer, check)
    finally:
        writer.stop()
    assert follower.edge.term.lines() == straight.lines_after(writer.total)
    assert follower.replay.event_count == writer.total
    assert not follower.replay.index.incomplete_tail and follower.replay.index.problems == []
    assert checked["half lines"] == writer.total // writer.split_every
    assert checked["screens"] > writer.total // 10
    assert OPENED in kinds and RELOADED not in kinds and FINISHED not in kinds
    # Seeking the index the follower extended gives the straight replay's screens too.
    rng = random.Random(3)
    for n in rng.sample(range(writer.total), min(12, writer.total)):
        assert follower.replay.seek_event(n).term.lines() == straight.lines_after(n)


def test_growth_reads_only_the_new_bytes_and_keeps_few_keyframes(tmp_path, monkeypatch):
    monkeypatch.setattr(keyframes, "KEYFRAME_COST", 2000)
    lines = RECORDING.read_bytes().splitlines(keepends=True)
    target = tmp_path / "growing.cast"
    target.write_bytes(lines[0])
    replay = Replay(counting_opener(target), str(target))
    rng = random.Random(5)
    written, n = len(lines[0]), 1
    straight = StraightReplay(RECORDING)
    while n < len(lines):
        step = rng.randint(1, 12)
        chunk = b"".join(lines[n:n + step])
        n += step
        if n < len(lines) and rng.random() < 0.5:
            chunk += lines[n][: len(lines[n]) // 2]  # and half of the next line
        with open(target, "ab") as f:
            f.write(chunk)
        size = written + len(chunk)
        resume = replay.index.state.offset
        CountingFile.total = 0
        replay.mark_grown()
        assert replay.build()
        assert CountingFile.total == size - resume  # the new bytes, and the half line left last time
        assert size - resume - len(chunk) < max(len(line) for line in lines)
        written = size
        assert replay.event_count == min(n, len(lines)) - 1
        # Done with the half line: the rest of it now, so the file stays a copy of the recording.
        with open(target, "ab") as f:
            half = chunk.rsplit(b"\n", 1)[-1]
            if half:
                f.write(lines[n][len(half):])
                written += len(lines[n]) - len(half)
                n += 1
    replay.mark_grown()
    replay.build()
    assert replay.event_count == len(lines) - 1
    whole = Replay(lambda: open(RECORDING, "rb"), str(RECORDING))
    whole.build()
    # One keyframe per KEYFRAME_COST of output, as in one build, not one per growth.
    assert len(replay.index.keyframes) <= len(whole.index.keyframes) + 1
    for t in [0.0, 3.3, 10.0, 20.5, 37.0, 99.0]:
        assert replay.seek(t).term.lines() == whole.seek(t).term.lines()
    assert replay.seek_event(replay.event_count).term.lines() == straight.lines_after(replay.event_count)


def test_truncated_replaced_rewritten_deleted_and_recreated_files_are_reloaded(tmp_path):
    lines = RECORDING.read_bytes().splitlines(keepends=True)
    target = tmp_path / "live.cast"
    target.write_bytes(b"".join(lines[:200]))
    follower = Follower.for_path(target, finished_after=3600)
    straight = StraightReplay(RECORDING)
    assert [u.kind for u in follower.poll()] == [OPENED]
    assert follower.edge.count == 199

    with open(target, "r+b") as f:  # truncated in place (same inode)
        f.truncate(sum(map(len, lines[:100])))
    updates = follower.poll()
    assert [u.kind for u in updates] == [RELOADED] and "truncated" in updates[0].message
    assert updates[0].replay is follower.replay and follower.edge.count == 99
    assert follower.edge.term.lines() == straight.lines_after(99)

    # Rewritten in place, larger, with other bytes where the old ones were.
    other = OTHER.read_bytes()
    assert len(other) > target.stat().st_size
    target.write_bytes(other)
    updates = follower.poll()
    assert [u.kind for u in updates] == [RELOADED] and "rewritten" in updates[0].message
    other_straight = StraightReplay(OTHER)
    assert follower.edge.term.lines() == other_straight.lines_after(follower.edge.count)

    # Same header, other events after it: caught by the bytes before the end of what was read.
    body = lines[0] + b"".join(lines[1:50])
    target.write_bytes(body)
    follower.poll()
    target.write_bytes(lines[0] + b'[0.5,"o","something else entirely, same length or not"]\n' + b"".join(lines[1:80]))
    updates = follower.poll()
    assert [u.kind for u in updates] == [RELOADED] and "rewritten" in updates[0].message

    # Replaced by rename (another inode).
    staging = tmp_path / "staging.cast"
    staging.write_bytes(b"".join(lines[:300]))
    os.replace(staging, target)
    updates = follower.poll()
    assert [u.kind for u in updates] == [RELOADED] and "replaced" in updates[0].message
    assert follower.edge.count == 299 and follower.edge.term.lines() == straight.lines_after(299)

    target.unlink()
    assert [u.kind for u in follower.poll()] == [VANISHED]
    assert follower.poll() == [] and follower.missing and not follower.live
    assert follower.edge.count == 299  # the last screen stays

    target.write_bytes(b"".join(lines[:150]))
    updates = follower.poll()
    assert [u.kind for u in updates] == [RELOADED] and "created again" in updates[0].message
    assert follower.edge.term.lines() == straight.lines_after(149) and follower.live


def test_a_followed_file_deleted_and_written_again_by_the_recorder(tmp_path):
    target = tmp_path / "live.cast"
    first = LiveWriter(target, speed=20)
    follower = Follower.for_path(target, finished_after=3600)
    first.start()
    deadline = time.monotonic() + DEADLINE
    while follower.edge is None or follower.edge.count < 60:
        follower.poll()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    first.stop()
    first.wait_done()
    target.unlink()
    kinds = [u.kind for u in follower.poll()]
    assert kinds == [VANISHED]

    second = LiveWriter(target, OTHER, speed=20)
    second.start()
    try:
        kinds = until_done(follower, second)
    finally:
        second.stop()
    assert kinds[0] in (RELOADED, WAITING) and RELOADED in kinds and VANISHED not in kinds
    assert follower.edge.term.lines() == StraightReplay(OTHER).lines_after(second.total)
    assert follower.replay.event_count == second.total


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_finished_after_a_while_without_growth_and_resumed_when_it_grows(tmp_path):
    lines = RECORDING.read_bytes().splitlines(keepends=True)
    target = tmp_path / "live.cast"
    target.write_bytes(b"".join(lines[:40]) + lines[40][:7])
    clock = FakeClock()
    follower = Follower.for_path(target, finished_after=5.0, clock=clock)
    assert [u.kind for u in follower.poll()] == [OPENED]
    clock.now += 4.9
    assert follower.poll() == [] and follower.live
    clock.now += 0.2
    updates = follower.poll()
    assert [u.kind for u in updates] == [FINISHED] and not follower.live
    assert updates[0].incomplete_tail and "middle of a line" in updates[0].message
    assert follower.poll() == []  # reported once

    with open(target, "ab") as f:
        f.write(lines[40][7:] + b"".join(lines[41:60]))
    updates = follower.poll()
    assert [u.kind for u in updates] == [RESUMED, GROWN] and follower.live
    assert updates[1].new_events == 20 and updates[1].events == 59 and not updates[1].incomplete_tail
    clock.now += 6
    updates = follower.poll()
    assert [u.kind for u in updates] == [FINISHED] and "no growth" in updates[0].message


def test_an_old_file_is_finished_at_once(tmp_path):
    target = tmp_path / "old.cast"
    shutil.copy(RECORDING, target)
    os.utime(target, (time.time() - 600, time.time() - 600))
    follower = Follower.for_path(target, finished_after=60)
    assert [u.kind for u in follower.poll()] == [OPENED, FINISHED]


def test_a_file_still_without_its_header_is_waited_for(tmp_path):
    header = RECORDING.read_bytes().splitlines(keepends=True)[0]
    target = tmp_path / "new.cast"
    target.write_bytes(b"")
    follower = Follower.for_path(target)
    updates = follower.poll()
    assert [u.kind for u in updates] == [WAITING] and follower.replay is None and not follower.live
    assert follower.poll() == []
    target.write_bytes(header[:30])
    assert [u.kind for u in follower.poll()] in ([WAITING], [])
    target.write_bytes(header)
    updates = follower.poll()
    assert [u.kind for u in updates] == [OPENED] and updates[0].events == 0 and follower.live


def test_following_the_players_replay_and_saving_its_index(tmp_path):
    """As the app does: its Replay (opened with the cache), no edge of the Follower's own."""
    lines = RECORDING.read_bytes().splitlines(keepends=True)
    target = tmp_path / "live.cast"
    target.write_bytes(b"".join(lines[:100]))
    store = IndexStore(tmp_path / "cache")
    replay, _ = open_cached(target, store)
    replay.build()
    follower = Follower(lambda: open(target, "rb"), str(target), probe=stat_file(target), replay=replay,
                        track_edge=False, finished_after=3600)
    assert follower.poll() == []  # nothing new since the player's build
    with open(target, "ab") as f:
        f.write(b"".join(lines[100:250]))
    updates = follower.poll()
    assert [u.kind for u in updates] == [GROWN] and updates[0].replay is replay
    assert updates[0].new_events == 150 and replay.event_count == 249 and follower.edge is None
    store.save(cache_key(target), follower.fingerprint(), replay.index)
    again, _ = open_cached(target, store)
    assert again.index.complete and again.event_count == 249
    with open(target, "ab") as f:
        f.write(b"".join(lines[250:]))
    grown, _ = open_cached(target, store)
    assert not grown.index.complete and grown.build() and grown.event_count == len(lines) - 1


@pytest.mark.parametrize("path", [RECORDING, SAMPLES / "nBq9Zs5CNTRL" / "2026-11-21T11:31:02.9876543Z.cast"],
                         ids=lambda p: p.name)
def test_transcript_callbacks_see_every_event_once(tmp_path, path):
    """on_reset/on_event (what `follow --transcript` uses) get each event once, in order."""
    from castview.cast.reader import load_events

    target = tmp_path / "live.cast"
    writer = LiveWriter(target, path, speed=40, partial_pause=0.005)
    events, resets = [], []
    follower = Follower.for_path(target, on_event=events.append, on_reset=resets.append, finished_after=3600)
    writer.start()
    until_done(follower, writer)
    _, expected = load_events(path)
    assert events == expected and len(resets) == 1


def test_a_follower_reads_the_new_bytes_not_the_file(tmp_path):
    """Per growth: the index scan and the edge each read the new part once; the checks
    for a rewrite read the header and a few bytes (one buffer each)."""
    lines = RECORDING.read_bytes().splitlines(keepends=True)
    target = tmp_path / "growing.cast"
    target.write_bytes(b"".join(lines[:300]))
    follower = Follower(counting_opener(target), str(target), probe=stat_file(target), finished_after=3600)
    follower.poll()
    for n in range(300, len(lines), 5):
        before = follower.replay.index.state.offset
        with open(target, "ab") as f:
            f.write(b"".join(lines[n:n + 5]))
        CountingFile.total = 0
        assert [u.kind for u in follower.poll()] == [GROWN]
        new = target.stat().st_size - before
        assert CountingFile.total <= 2 * new + 3 * io.DEFAULT_BUFFER_SIZE
    assert follower.edge.count == len(lines) - 1
