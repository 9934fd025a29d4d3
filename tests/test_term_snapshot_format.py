"""Snapshots are data: restore() of anything but a snapshot raises SnapshotError, never
anything else, and never runs code (no pickle)."""

from __future__ import annotations

import json
import pickle
import struct
import zlib
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from castview.term import snapshot
from castview.term.screen import SNAPSHOT_VERSION, SnapshotError, Terminal
from castview.term.snapshot import encode_state

PROFILE = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SESSION = (
    "line one\r\n\x1b[1;31mred\x1b[0m \u4e2d\u6587 e\u0301 \x1b(0lqk\x1b(B\r\n\x1b]2;title\x07"
    "\x1b[2;4r\x1b[?6h\x1b7\x1b[?1049h\x1b[38;2;1;2;3malt\x1b[48;5;200m screen\x1b[22;0t"
)


def _terminal() -> Terminal:
    term = Terminal(12, 6)
    term.feed(SESSION)
    term.resize(9, 5)
    term.feed("\x1b]0;cut in an OSC")
    return term


def _blob(state: Any, version: int = SNAPSHOT_VERSION) -> bytes:
    payload = json.dumps(state).encode()
    return struct.pack(">4sH", snapshot.MAGIC, version) + zlib.compress(payload)


def _restore_or_error(blob: bytes) -> Terminal | None:
    """restore() may only succeed or raise SnapshotError; a restored terminal works."""
    try:
        term = Terminal.restore(blob)
    except SnapshotError:
        return None
    term.feed("after\r\n\x1b[31mmore\x1b[2J\x1b[?1049l text\x1b[A\x08")
    term.resize(7, 3)
    term.feed("x" * 30)
    assert term._stream.errors == 0, term._stream.last_error
    assert len(term.screen.buffer) == term.rows and all(len(r) == term.cols for r in term.screen.buffer)
    term.text()
    return term


def test_round_trip_keeps_everything() -> None:
    term = _terminal()
    copy = Terminal.restore(term.snapshot())
    assert encode_state(copy) == encode_state(term)
    assert copy.lines() == term.lines() and copy.cursor == term.cursor and not copy.at_boundary


def test_snapshots_use_no_pickle() -> None:
    import inspect

    from castview.term import screen

    for module in (snapshot, screen):
        text = inspect.getsource(module)
        assert "import pickle" not in text and "import marshal" not in text and "eval(" not in text, module.__name__


@pytest.mark.parametrize("version", [0, 1, 2, SNAPSHOT_VERSION + 1, 65535])
def test_other_versions_are_refused(version: int) -> None:
    with pytest.raises(SnapshotError, match="version"):
        Terminal.restore(_blob(encode_state(_terminal()), version))


def test_an_old_pickled_snapshot_is_refused_without_unpickling(monkeypatch: pytest.MonkeyPatch) -> None:
    def trap(*args: object, **kwargs: object) -> None:
        raise AssertionError("unpickled")

    monkeypatch.setattr(pickle, "loads", trap)
    monkeypatch.setattr(pickle, "load", trap)
    with pytest.raises(SnapshotError):
        Terminal.restore(zlib.compress(pickle.dumps((2, 80, 24)), 1))


@pytest.mark.parametrize("blob", [b"", b"CVTS", b"CVTS\x00\x03", "text", None, 42, b"CVTS\x00\x03not zlib"])
def test_garbage_is_refused(blob: Any) -> None:
    with pytest.raises(SnapshotError):
        Terminal.restore(blob)


def test_every_truncation_is_refused() -> None:
    blob = _terminal().snapshot()
    for cut in range(len(blob)):
        with pytest.raises(SnapshotError):
            Terminal.restore(blob[:cut])


def test_a_decompression_bomb_is_refused() -> None:
    bomb = struct.pack(">4sH", snapshot.MAGIC, SNAPSHOT_VERSION) + zlib.compress(b" " * (snapshot.MAX_PAYLOAD + 1))
    with pytest.raises(SnapshotError, match="more than"):
        Terminal.restore(bomb)


def test_a_row_referenced_too_often_is_refused() -> None:
    state = encode_state(Terminal(1000, 2))
    state["hidden"] = [[0, False, 0]] * (snapshot.MAX_CELLS // 1000 + 1)
    with pytest.raises(SnapshotError, match="cells"):
        Terminal.restore(_blob(state))


def test_a_huge_screen_is_refused_before_it_is_allocated() -> None:
    state = encode_state(Terminal(2, 2))
    state["cols"] = state["rows"] = snapshot.MAX_SIZE
    with pytest.raises(SnapshotError, match="screen of"):
        Terminal.restore(_blob(state))


def test_deep_json_is_refused() -> None:
    raw = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(SnapshotError):
        Terminal.restore(struct.pack(">4sH", snapshot.MAGIC, SNAPSHOT_VERSION) + zlib.compress(raw))


@PROFILE
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    with pytest.raises(SnapshotError):
        Terminal.restore(data)
    with pytest.raises(SnapshotError):
        Terminal.restore(snapshot.MAGIC + data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=20,
)


@PROFILE
@given(json_values)
def test_valid_json_of_the_wrong_shape(value: Any) -> None:
    with pytest.raises(SnapshotError):
        Terminal.restore(_blob(value))


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += _paths(item, path + (i,))
    return out


STATE = encode_state(_terminal())
PATHS = _paths(STATE)[1:]


@PROFILE
@given(st.sampled_from(PATHS), json_values)
def test_one_field_changed_to_anything(path: tuple, value: Any) -> None:
    """A snapshot with one value replaced is refused or restores a working terminal."""
    state = json.loads(json.dumps(STATE))
    target = state
    for key in path[:-1]:
        target = target[key]
    assume(target[path[-1]] != value)
    target[path[-1]] = value
    _restore_or_error(_blob(state))


@PROFILE
@given(st.sampled_from(PATHS), st.integers(-3, 70000))
def test_one_field_changed_to_a_number(path: tuple, value: int) -> None:
    state = json.loads(json.dumps(STATE))
    target = state
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    _restore_or_error(_blob(state))


@PROFILE
@given(st.sampled_from([p for p in PATHS if len(p) > 1]))
def test_one_item_removed(path: tuple) -> None:
    state = json.loads(json.dumps(STATE))
    target = state
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    _restore_or_error(_blob(state))


def test_every_field_changed_to_each_kind_of_value() -> None:
    """Deterministic companion of the random tests: every field, every JSON type."""
    for path in PATHS:
        for value in ([], {}, "", "x", "DCS", None, True, False, 1.5, -1, 0, 1, 70000, [0], {"a": 1}):
            state = json.loads(json.dumps(STATE))
            target = state
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
            _restore_or_error(_blob(state))
