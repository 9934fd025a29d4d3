"""Seeking through keyframes gives exactly the screen of a straight replay."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from castview.cast.reader import load_events
from castview.term import keyframes
from castview.term.index_store import IndexStore, cache_key, open_cached
from castview.term.keyframes import Replay, apply
from castview.term.screen import Terminal

PUBLIC = Path(__file__).parent / "data" / "public"
SAMPLES = Path(__file__).parent.parent / "sample_casts"


def straight(path: Path, t: float) -> list[str]:
    header, events = load_events(path)
    term = Terminal(*header.size)
    for event in events:
        if event.time > t:
            break
        apply(term, event, header.no_pty)
    return term.lines()


def replay_of(path: Path) -> Replay:
    return Replay(lambda: open(path, "rb"), str(path))


def recordings() -> list[Path]:
    found = [PUBLIC / "server-welcome.cast", PUBLIC / "termtosvg-htop.cast", PUBLIC / "server-welcome.v1.json",
             PUBLIC / "player-resizing.v3.cast"]
    return found + sorted(SAMPLES.glob("*/*.cast"))[:6]


@pytest.fixture(autouse=True)
def small_keyframes(monkeypatch):
    # Many keyframes in small files, so the tests cross keyframe boundaries often.
    monkeypatch.setattr(keyframes, "KEYFRAME_COST", 600)


@pytest.mark.parametrize("path", recordings(), ids=lambda p: p.name)
def test_seek_matches_straight_replay(path):
    replay = replay_of(path)
    assert replay.build()
    assert len(replay.index.keyframes) > 2
    rng = random.Random(7)
    duration = replay.duration
    moments = [0.0, duration, duration + 5] + [rng.uniform(0, duration) for _ in range(12)]
    moments += [replay.event_time(n) for n in rng.sample(range(replay.event_count), min(8, replay.event_count))]
    for t in moments:
        assert replay.seek(t).term.lines() == straight(path, t), f"t={t}"


def test_seek_before_and_while_indexing_matches(tmp_path):
    path = PUBLIC / "server-welcome.cast"
    expected = {t: straight(path, t) for t in (3.0, 50.0, 119.0)}
    fresh = replay_of(path)
    for t, lines in expected.items():  # nothing indexed yet: feeds forward from the start
        assert fresh.seek(t).term.lines() == lines
    partial = replay_of(path)
    calls = iter(range(10_000))
    keyframes.PROGRESS_EVERY, saved = 64, keyframes.PROGRESS_EVERY
    try:
        assert partial.build(cancelled=lambda: next(calls) >= 3) is False
    finally:
        keyframes.PROGRESS_EVERY = saved
    assert 0 < partial.event_count < 786
    for t, lines in expected.items():
        assert partial.seek(t).term.lines() == lines
    assert partial.build()  # resumes where it stopped
    assert partial.event_count == 786
    for t, lines in expected.items():
        assert partial.seek(t).term.lines() == lines


def test_advance_and_seek_event_step_frame_by_frame():
    path = PUBLIC / "termtosvg-htop.cast"
    replay = replay_of(path)
    replay.build()
    head = replay.seek(0)
    for n in range(1, replay.event_count, 7):
        t = replay.event_time(n - 1)
        replay.advance(head, t)
        assert head.term.lines() == replay.seek_event(n).term.lines() == straight(path, t)


def test_cache_makes_second_open_complete_and_extends_growing_file(tmp_path):
    store = IndexStore(tmp_path / "cache")
    path = tmp_path / "live.cast"
    lines = (PUBLIC / "server-welcome.cast").read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:400]) + lines[400][:10])  # half-written last line
    replay, fp = open_cached(path, store)
    replay.build()
    assert replay.index.incomplete_tail
    store.save(cache_key(path), fp, replay.index)

    again, _ = open_cached(path, store)
    assert again.index.complete and again.event_count == replay.event_count

    path.write_text("".join(lines))  # the recorder wrote the rest
    grown, fp2 = open_cached(path, store)
    assert not grown.index.complete and grown.event_count > 0
    assert grown.build()
    assert grown.event_count == 786 and not grown.index.incomplete_tail
    assert grown.seek(200).term.lines() == straight(PUBLIC / "server-welcome.cast", 200)

    path.write_text(lines[0] + '[1,"o","replaced"]\n')  # replaced by another file
    replaced, _ = open_cached(path, store)
    assert replaced.event_count == 0 and not replaced.index.complete


def test_cache_lives_in_cache_dir_and_recording_is_untouched(tmp_path):
    src = tmp_path / "rec.cast"
    shutil.copy(PUBLIC / "server-welcome.cast", src)
    os.chmod(src, 0o444)
    before = (src.stat().st_mtime, src.read_bytes())
    store = IndexStore(tmp_path / "cache")
    replay, fp = open_cached(src, store)
    replay.build()
    store.save(cache_key(src), fp, replay.index)
    assert (src.stat().st_mtime, src.read_bytes()) == before
    assert list((tmp_path / "cache" / "keyframes").glob("*.idx"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "rec.cast"]


def test_session_without_pty_shows_lines_not_a_staircase():
    # tsrecorder writes width/height 0 and bare LF for `ssh host make`; the client's
    # terminal returned the carriage on each line feed.
    path = SAMPLES / "nBq9Zs5CNTRL" / "2026-11-21T02:00:00.48Z.cast"
    replay = replay_of(path)
    replay.build()
    lines = [line.rstrip() for line in replay.seek(replay.duration).term.lines() if line.strip()]
    assert lines[:3] == ["cc -Wall -O2 -o hello hello.c", "hello.c: In function ‘main’:",
                         "hello.c:4:9: warning: unused variable ‘unused’ [-Wunused-variable]"]
