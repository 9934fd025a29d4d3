"""The settings of the player's chrome and wire (issues 12, 18): fps, low bandwidth, utc,
compact; and the engine's frame cap that `fps` sets."""

from __future__ import annotations

import pytest

from castview.config import LOW_BANDWIDTH_FPS, load_settings
from castview.playback import ManualClock
from playback_helpers import Consumer, opened, screen, start_engine, write_cast


@pytest.mark.parametrize(("text", "env", "expected"), [
    ("", {}, dict(fps=30.0, low_bandwidth=False, utc=False, compact=False, frame_rate=30.0)),
    ("fps = 12\nutc = true\ncompact = true\n", {}, dict(fps=12.0, utc=True, compact=True, frame_rate=12.0)),
    ("low_bandwidth = true\n", {}, dict(low_bandwidth=True, frame_rate=LOW_BANDWIDTH_FPS)),
    ("fps = 5\nlow_bandwidth = true\n", {}, dict(frame_rate=5.0)),
    ("", {"CASTVIEW_LOW_BANDWIDTH": "1"}, dict(low_bandwidth=True, frame_rate=LOW_BANDWIDTH_FPS)),
    ("", {"CASTVIEW_LOW_BANDWIDTH": "0", "CASTVIEW_UTC": "yes"}, dict(low_bandwidth=False, utc=True)),
])
def test_chrome_settings(tmp_path, text, env, expected):
    path = tmp_path / "config.toml"
    path.write_text(text)
    settings = load_settings(path, env)
    assert settings.problems == ()
    for key, value in expected.items():
        assert getattr(settings, key) == value, key


@pytest.mark.parametrize(("text", "env"), [
    ("fps = 0\n", {}), ("fps = 100\n", {}), ('utc = "maybe"\n', {}), ("", {"CASTVIEW_LOW_BANDWIDTH": "lots"}),
])
def test_bad_chrome_settings_are_named_and_ignored(tmp_path, text, env):
    path = tmp_path / "config.toml"
    path.write_text(text)
    settings = load_settings(path, env)
    assert len(settings.problems) == 1
    assert (settings.fps, settings.utc, settings.low_bandwidth) == (30.0, False, False)


def test_frame_interval_caps_the_frames(tmp_path):
    """1000 events in 1 s, played with a frame every 0.1 s at most: about 10 frames, and
    the last shows every event."""
    clock = ManualClock()
    path = write_cast(tmp_path / "dense.cast", [(i * 0.001, "o", f"{i}\r\n") for i in range(1000)])
    c = Consumer()
    engine = start_engine(path, c, clock=clock, idle_cap=None, frame_interval=0.1)
    opened(c)
    seq = engine.play()
    c.wait_frame(lambda f: f.seq >= seq, "the answer to play")
    before = len(c.frames)
    for _ in range(100):
        clock.advance(0.01)
    frame = c.wait_frame(lambda f: f.count == 1000, "the end")
    assert c.rows == screen(path, 1000) and frame.ended
    assert len(c.frames) - before <= 1.0 / 0.1 + 2
