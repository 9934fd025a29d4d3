"""The playback engine without an app: a hand-driven clock plays recordings at any speed
without waiting, every frame is checked against a straight replay, and the engine keeps
going after a failure."""

from __future__ import annotations

import os
import shutil

import pytest

from castview.playback import Failed, ManualClock, MarkerMissing, OpenFailed
from castview.playback.engine import FRAME_MIN
from castview.recording import error_message
from playback_helpers import Consumer, opened, screen, settled, start_engine, write_cast

GAPS = [(0.0, "o", "start\r\n"), (1.0, "o", "one\r\n"), (10.0, "o", "ten\r\n"), (11.0, "o", "eleven\r\n"),
        (12.0, "o", "end\r\n")]
MARKED = [(0.0, "o", "a\r\n"), (0.5, "m", "first"), (1.0, "o", "b\r\n"), (1.1, "m", "second"), (2.0, "o", "c\r\n")]
DENSE = [(i * 0.1, "o", f"line {i}\r\n") for i in range(100)]


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def gaps(tmp_path):
    return write_cast(tmp_path / "gaps.cast", GAPS)


def answered(consumer: Consumer, seq: int):
    return consumer.wait_frame(lambda f: f.seq >= seq, f"the answer to command {seq}")


def test_plays_at_speed_to_the_right_frame_and_stops_at_the_end(gaps, clock):
    c = Consumer()
    engine = start_engine(gaps, c, clock=clock, idle_cap=None, speed=2.0)
    opened(c)
    first = answered(c, engine.play())
    assert first.full and first.playing and first.count == 1 and first.position == 0.0
    clock.advance(3.0)  # 6 s of the recording at 2x
    frame = c.wait_frame(lambda f: f.count == 2 and f.position == pytest.approx(6.0), "6 s")
    assert frame.playing and c.rows == screen(gaps, 2)
    clock.advance(3.0)
    last = c.wait_frame(lambda f: f.ended, "the end")
    assert (last.count, last.position, last.playing) == (5, 12.0, False)
    assert c.rows == screen(gaps, 5)
    settled(engine)


def test_pause_holds_the_position(gaps, clock):
    c = Consumer()
    engine = start_engine(gaps, c, clock=clock, idle_cap=None)
    opened(c)
    answered(c, engine.play())
    clock.advance(1.5)
    c.wait_frame(lambda f: f.position == pytest.approx(1.5))
    paused = answered(c, engine.pause())
    assert not paused.playing and paused.position == pytest.approx(1.5) and paused.count == 2
    settled(engine)
    frames = len(c.frames)
    clock.advance(5.0)
    settled(engine)
    assert len(c.frames) == frames and c.frame.position == pytest.approx(1.5)


def test_seek_while_playing_plays_on_from_there(gaps, clock):
    c = Consumer()
    engine = start_engine(gaps, c, clock=clock, idle_cap=None)
    opened(c)
    answered(c, engine.play())
    clock.advance(1.0)
    c.wait_frame(lambda f: f.position == pytest.approx(1.0))
    seq = engine.seek(10.5)
    frame = c.wait_frame(lambda f: f.seq == seq and f.full)
    assert frame.playing and frame.position == 10.5 and frame.count == 3 and c.rows == screen(gaps, 3)
    clock.advance(1.0)
    c.wait_frame(lambda f: f.count == 4 and f.position == pytest.approx(11.5), "11.5 s")
    assert c.rows == screen(gaps, 4)


def test_speed_and_idle_cap_change_mid_play(gaps, clock):
    c = Consumer()
    engine = start_engine(gaps, c, clock=clock, idle_cap=2.0)
    opened(c)
    answered(c, engine.play())
    clock.advance(1.0)
    c.wait_frame(lambda f: f.count == 2 and f.position == pytest.approx(1.0))
    answered(c, engine.set_speed(4.0))
    clock.advance(0.5)  # 2 s of playback: the 9 s gap, capped at 2 s, is over
    c.wait_frame(lambda f: f.count == 3 and f.position == pytest.approx(10.0), "the end of the capped gap")
    answered(c, engine.set_idle_cap(None))
    clock.advance(0.25)  # 1 s of playback at 4x
    c.wait_frame(lambda f: f.count == 4 and f.position == pytest.approx(11.0), "11 s")
    assert c.rows == screen(gaps, 4)


def test_markers_step_and_percent(tmp_path, clock):
    path = write_cast(tmp_path / "marked.cast", MARKED)
    c = Consumer()
    engine = start_engine(path, c, clock=clock)
    opened(c)
    assert answered(c, engine.seek_marker(1)).position == 0.5
    frame = answered(c, engine.seek_marker(1))
    assert frame.position == 1.1 and frame.count == 4 and c.rows == screen(path, 4)
    assert answered(c, engine.seek_marker(1)).position == 1.1  # none after: stays
    assert c.of(MarkerMissing) == [MarkerMissing(1)]
    assert answered(c, engine.seek_marker(-1)).position == 0.5
    assert answered(c, engine.seek_marker(-1)).position == 0.5
    assert c.of(MarkerMissing)[-1] == MarkerMissing(-1)
    assert frame.index.markers == ((0.5, "first"), (1.1, "second"))

    assert answered(c, engine.seek_start()).count == 1  # the event at 0 s
    for n in range(2, 6):
        frame = answered(c, engine.step(1))
        assert frame.count == n and not frame.playing and c.rows == screen(path, n)
    assert answered(c, engine.step(1)).count == 5  # the last event: stays
    assert answered(c, engine.step(-2)).count == 3
    assert answered(c, engine.seek_percent(5)).position == pytest.approx(1.0)
    end = answered(c, engine.seek_end())
    assert end.position == 2.0 and end.count == 5
    settled(engine)


def test_moves_queued_at_once_are_merged_into_one_seek(gaps, clock):
    c = Consumer()
    from castview.playback import Engine
    from castview.recording import Recording

    engine = Engine(lambda: Recording.from_path(gaps), c, clock=clock, idle_cap=None, listed_duration=12.0)
    c.engine = engine
    engine.skip(5)
    engine.skip(5)
    last = engine.skip(-2)
    engine.start()
    opened(c)
    settled(engine)
    frames = c.frames
    assert len(frames) == 1 and frames[0].full and frames[0].seq == last
    assert frames[0].position == 8.0 and frames[0].count == 2 and c.rows == screen(gaps, 2)


def test_frames_wait_for_the_consumer_and_rows_accumulate(tmp_path, clock):
    path = write_cast(tmp_path / "dense.cast", DENSE)
    c = Consumer(takes=False)
    engine = start_engine(path, c, clock=clock, idle_cap=None)
    opened(c)
    answered(c, engine.play())
    engine.frame_taken()
    clock.advance(0.55)
    c.wait_frame(lambda f: f.count == 6, "the first frame")
    before = len(c.frames)
    clock.advance(0.5)  # the view has not taken the last frame: nothing new comes...
    seq = engine.set_speed(1.0)  # ...but the answer to a command, with every row changed meanwhile
    frame = answered(c, seq)
    assert len(c.frames) == before + 1 and frame.count == 11
    assert c.rows == screen(path, 11)
    for _ in range(len(c.frames)):
        engine.frame_taken()
    clock.advance(0.5)
    c.wait_frame(lambda f: f.count == 16, "frames again")
    assert c.rows == screen(path, 16)


def test_frame_rate_is_capped(tmp_path, clock):
    path = write_cast(tmp_path / "dense.cast", [(i * 0.001, "o", f"{i}\r\n") for i in range(1000)])
    c = Consumer()
    engine = start_engine(path, c, clock=clock, idle_cap=None)
    opened(c)
    answered(c, engine.play())
    before = len(c.frames)
    steps = 100
    for _ in range(steps):
        clock.advance(0.001)
    frame = answered(c, engine.set_speed(1.0))
    assert frame.count == 101 and c.rows == screen(path, 101)
    assert len(c.frames) - before <= steps * 0.001 / FRAME_MIN + 2


def test_follows_a_growing_file_to_its_end(tmp_path):
    from castview.follow import FINISHED, GROWN
    from castview.playback import Followed
    from live_writer import LiveWriter, StraightReplay

    target = tmp_path / "rec" / "live.cast"
    target.parent.mkdir()
    writer = LiveWriter(target, speed=20, limit=120)
    writer.start()
    try:
        writer.wait_events(5)
        screens: list[tuple[int, list[str]]] = []
        c = Consumer()
        original = c.__call__

        def keep(notice) -> None:  # type: ignore[no-untyped-def]
            original(notice)
            if c.frame is notice:
                screens.append((notice.count, list(c.rows)))

        engine = start_engine(target, keep, live=True, watch=True, finished_after=1.0, poll_interval=0.02)  # type: ignore[arg-type]
        c.engine = engine
        seq = engine.follow()
        writer.wait_done()
        c.wait_frame(lambda f: f.count == writer.total, "every event written", timeout=60)
        assert any(n.kind == GROWN for n in c.of(Followed))
        straight = StraightReplay(writer.source)
        following = [(count, rows) for count, rows in screens if count]
        assert following and all(f.following for f in c.frames if f.seq >= seq and not f.ended)
        for count, rows in following:  # counts only grow while following
            assert rows == straight.lines_after(count), f"after {count}"
        # (a writer held up for a second makes an early end; it resumes and is followed again)
        end = c.wait_frame(lambda f: f.ended and f.count == writer.total, "the end", timeout=30)
        assert not end.following and not end.live.live and end.live.finished and end.count == writer.total
        assert c.of(Followed)[-1].kind == FINISHED
    finally:
        writer.stop()
        writer.done.wait(10)
    engine.close()
    assert engine.join(10)


def test_a_deleted_file_fails_readably_and_the_engine_goes_on(tmp_path, gaps, clock):
    path = tmp_path / "copy.cast"
    shutil.copy(gaps, path)
    c = Consumer()
    engine = start_engine(path, c, clock=clock)
    opened(c)
    answered(c, engine.seek(1.0))
    os.unlink(path)
    frame = answered(c, engine.seek(10.5, play=True))
    failed = c.wait(lambda c: c.of(Failed), "the failure")[0]
    assert failed.error == error_message(FileNotFoundError(2, "No such file or directory"), os.path.realpath(path))
    assert not failed.internal
    assert frame.count == 2 and not frame.playing and c.rows == screen(gaps, 2)  # what was on view stays
    assert answered(c, engine.play()).playing  # from what is on view: plays on until it must read
    clock.advance(3.0)
    c.wait(lambda c: len(c.of(Failed)) == 2, "the second failure")
    assert c.wait_frame(lambda f: not f.playing, "the frame after it").count == 2
    settled(engine)
    engine.close()
    assert engine.join(10)


def test_a_missing_file_fails_to_open(tmp_path, clock):
    path = tmp_path / "missing.cast"
    c = Consumer()
    engine = start_engine(path, c, clock=clock)
    failed = c.wait(lambda c: c.of(OpenFailed), "the failure")[0]
    assert failed.error == f"{path}: cannot read (No such file or directory)"
    engine.play()  # nothing to play: nothing breaks
    settled(engine)
    assert c.frames == []


def test_the_engine_runs_without_the_ui_or_remote_storage():
    import subprocess
    import sys

    code = ("import sys, castview.playback;"
            "bad = [m for m in ('textual', 'boto3', 'botocore', 'watchfiles') if m in sys.modules];"
            "assert not bad, bad")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_event_steps_queued_at_once_add_up(gaps, clock):
    import threading

    c = Consumer()
    hold, held, release = threading.Event(), threading.Event(), threading.Event()

    def holding(notice) -> None:  # type: ignore[no-untyped-def]
        c(notice)
        if hold.is_set():
            hold.clear()
            held.set()
            release.wait(10)  # keeps the engine's thread here while the test queues commands

    engine = start_engine(gaps, holding, clock=clock)  # type: ignore[arg-type]
    c.engine = engine
    opened(c)
    answered(c, engine.seek_start())  # one event at 0 s
    hold.set()
    engine.redraw()
    assert held.wait(10)
    engine.step(1)
    engine.step(1)
    last = engine.step(-1)
    release.set()
    c.wait_frame(lambda f: f.seq == last)
    settled(engine)
    assert len([f for f in c.frames if f.seq > 1]) == 2  # the redraw, then one frame where the steps lead
    assert c.frame.count == 2 and c.rows == screen(gaps, 2)
