"""A keyframe whose snapshot does not restore (a cache file damaged in a way its checksum
cannot tell, or crafted) never breaks a seek or a build: the frames stay right."""

from __future__ import annotations

import dataclasses

import pytest

from castview.term import keyframes
from castview.term.keyframes import Replay
from test_keyframes import PUBLIC, straight

HTOP = PUBLIC / "termtosvg-htop.cast"


@pytest.fixture(autouse=True)
def small_keyframes(monkeypatch):
    monkeypatch.setattr(keyframes, "KEYFRAME_COST", 600)


def damaged_index(complete: bool) -> keyframes.KeyframeIndex:
    built = Replay(lambda: open(HTOP, "rb"), str(HTOP))
    assert built.build()
    index = built.index
    assert len(index.keyframes) > 3
    index.keyframes = [index.keyframes[0]] + [dataclasses.replace(kf, blob=b"CVTS\x00\x03not zlib")
                                              for kf in index.keyframes[1:]]
    index.complete = complete
    return index


def test_seeks_through_damaged_keyframes_give_the_right_frames():
    replay = Replay(lambda: open(HTOP, "rb"), str(HTOP), damaged_index(complete=True))
    for t in (0.5, 3.0, 7.5, 12.0, 99.0):
        assert replay.seek(t).term.lines() == straight(HTOP, t), t


def test_a_build_resuming_from_a_damaged_keyframe_starts_over():
    replay = Replay(lambda: open(HTOP, "rb"), str(HTOP), damaged_index(complete=False))
    assert replay.build()
    assert all(kf.blob is None or not kf.blob.endswith(b"not zlib") for kf in replay.index.keyframes)
    assert replay.event_count == 55
    for t in (3.0, 12.0):
        assert replay.seek(t).term.lines() == straight(HTOP, t), t
