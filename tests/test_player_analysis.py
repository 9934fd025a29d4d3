"""The player's background indexing is the analysis pass: opening a recording builds its
keyframes and its analysis entry in one replay, so searching it, listing its commands or
reading its facts afterwards replays nothing; and seeking in those keyframes shows what a
straight replay shows."""

from __future__ import annotations

import pytest

import castview.search_index as search_index
from castview.cast.index import RecordingFacts
from castview.cast.reader import EventScanner, read_head
from castview.commands import commands_of
from castview.playback import FactsGathered, ManualClock
from castview.search import search_recording
from castview.term.index_store import IndexStore, open_cached
from playback_helpers import Consumer, opened, screen, settled, start_engine, write_cast

PROMPT = "\x1b[?2004h$ "
ACCEPT = "\r\n\x1b[?2004l\r"
EVENTS = [(0.0, "o", PROMPT), (0.5, "o", "ls -la"), (1.0, "o", ACCEPT)]
EVENTS += [(1.0 + i * 0.01, "o", f"file-{i:04d} {'x' * (i % 37)}\r\n") for i in range(3000)]
EVENTS += [(40.0, "r", "50x8"), (40.5, "o", "needle at the end\r\n"), (41.0, "o", PROMPT)]


@pytest.fixture
def recording(tmp_path):
    return write_cast(tmp_path / "big.cast", EVENTS, cols=60, rows=10)


@pytest.fixture
def replays(monkeypatch):
    """Counts the analysis passes run."""
    count: list[int] = []
    real = search_index.analyse
    monkeypatch.setattr(search_index, "analyse", lambda *a, **k: count.append(1) or real(*a, **k))
    return count


def test_opening_then_searching_replays_once(recording, tmp_path, replays):
    cache = tmp_path / "cache"
    c = Consumer()
    engine = start_engine(recording, c, clock=ManualClock(), cache=cache)
    opened(c)
    facts = c.wait(lambda c: c.of(FactsGathered), "the facts")[0]
    settled(engine)
    engine.close()
    assert replays == [1]  # the player's indexing was the pass

    with open(recording, "rb") as f:
        head = read_head(f, str(recording))
        scanned = RecordingFacts()
        for located in EventScanner(f, head):
            scanned.add(located.event)
    assert facts == FactsGathered(scanned.output_bytes, tuple(scanned.resizes))

    assert len(search_recording(recording, "needle at the end", cache_dir=cache)) == 1
    assert [c.command for c in commands_of(recording, cache_dir=cache)] == ["ls -la"]
    replay, _ = open_cached(recording, IndexStore(cache))
    assert replay.view.complete  # the keyframes the pass took were saved
    assert replays == [1]


def test_seeking_in_the_keyframes_of_the_pass_shows_a_straight_replay(recording, tmp_path):
    cache = tmp_path / "cache"
    c = Consumer()
    engine = start_engine(recording, c, clock=ManualClock(), cache=cache)
    opened(c)
    for count in (1, 2, 700, 1501, 2999, 3003, len(EVENTS)):
        seq = engine.seek_event(count)
        frame = c.wait_frame(lambda f, seq=seq: f.seq >= seq, f"the answer to seek {count}")
        assert frame.count == count and c.rows == screen(recording, count)
    engine.close()
    assert len(open_cached(recording, IndexStore(cache))[0].view.keyframes) > 2  # not one replay from the start


def test_a_recording_being_written_is_indexed_alone(recording, tmp_path, replays):
    # a live recording grows while it is indexed: no entry is built from a part of it
    c = Consumer()
    engine = start_engine(recording, c, clock=ManualClock(), cache=tmp_path / "cache", live=True)
    opened(c)
    engine.close()
    assert replays == []
