"""The keyframe index cache holds data, never code: whatever the cache file holds, a load
gives the index that was saved or nothing (and the index is rebuilt), never a crash and
never code run."""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from castview.term import index_file
from castview.term.index_file import IndexFileError, read_index, write_index
from castview.term.index_store import (
    IndexStore,
    cache_key,
    open_cached,
    open_with_cache,
)


def write_recording(path: Path, events: int = 600, *, tail: str = "") -> None:
    """A recording with everything an index keeps: keyframes, a marker, a skipped line,
    and (with `tail`) a half-written last line."""
    lines = [json.dumps({"version": 2, "width": 40, "height": 10})]
    for i in range(events):
        lines.append(json.dumps([i * 0.1, "o", f"\x1b[3{i % 8}mline {i} " + "x" * 150 + "\x1b[0m\r\n"]))
        if i == 100:
            lines.append(json.dumps([i * 0.1, "m", "halfway"]))
        if i == 200:
            lines.append("[not json")
    path.write_text("\n".join(lines) + "\n" + tail)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A built index of a recording, saved: (recording, store, key, fingerprint, index)."""
    tmp = tmp_path_factory.mktemp("saved")
    path = tmp / "rec.cast"
    write_recording(path, tail='[99.0, "o", "half')
    store = IndexStore(tmp / "cache")
    replay, fp = open_cached(path, store)
    assert replay.build()
    index = replay.index
    assert len(index.keyframes) > 3 and index.markers and index.problems and index.incomplete_tail
    store.save(cache_key(path), fp, index)
    return path, store, cache_key(path), fp, index


def cache_file(store: IndexStore) -> Path:
    (path,) = store.directory.glob("*.idx")
    return path


def load_bytes(saved, data: bytes):  # type: ignore[no-untyped-def]
    path, store, key, fp, _ = saved
    cache_file(store).write_bytes(data)
    with open(path, "rb") as f:
        return store.load(key, fp, f)


def test_an_index_comes_back_equal(saved):
    path, store, key, fp, index = saved
    with open(path, "rb") as f:
        assert store.load(key, fp, f) == index
    again, _ = open_cached(path, store)
    assert again.index == index and again.index.complete
    uncached, _ = open_cached(path, None)
    assert again.seek(30).term.lines() == uncached.seek(30).term.lines()


def test_the_file_is_not_a_pickle(saved):
    data = cache_file(saved[1]).read_bytes()
    assert data.startswith(index_file.MAGIC)
    with pytest.raises(pickle.UnpicklingError):
        pickle.loads(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_damaged_cache_file_gives_the_index_or_nothing(saved, data):
    original = cache_file(saved[1]).read_bytes()
    damage = data.draw(st.sampled_from(["flip", "truncate", "random", "splice"]))
    if damage == "flip":
        flips = data.draw(st.lists(st.integers(0, len(original) * 8 - 1), min_size=1, max_size=8))
        damaged = bytearray(original)
        for bit in flips:
            damaged[bit // 8] ^= 1 << (bit % 8)
    elif damage == "truncate":
        damaged = original[: data.draw(st.integers(0, len(original) - 1))]
    elif damage == "random":
        damaged = data.draw(st.binary(max_size=4096))
    else:  # a piece of the real file replaced by random bytes of another length
        start = data.draw(st.integers(0, len(original)))
        end = data.draw(st.integers(start, min(len(original), start + 512)))
        damaged = original[:start] + data.draw(st.binary(max_size=512)) + original[end:]
    try:
        loaded = load_bytes(saved, bytes(damaged))
        assert loaded is None or loaded == saved[4]
    finally:
        cache_file(saved[1]).write_bytes(original)


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=20,
    )
)
def test_well_formed_files_of_wrong_fields_are_rejected(value):
    """A file with a valid checksum (as one written on purpose would have) and any JSON
    in a field: rejected with IndexFileError, nothing else."""
    out = io.BytesIO()
    write_index(out, "k", index_file.Fingerprint(1, 1.0), _small_index())
    raw = out.getvalue()
    header = index_file._HEADER.unpack_from(raw)
    meta = json.loads(raw[index_file._HEADER.size : index_file._HEADER.size + header[2]])
    for field in list(meta):
        broken = dict(meta, **{field: value})
        rebuilt = _with_meta(raw, json.dumps(broken).encode("ascii"))
        with contextlib.suppress(IndexFileError):
            read_index(io.BytesIO(rebuilt), "k")


def _small_index():  # type: ignore[no-untyped-def]
    from castview.cast.model import Problem
    from castview.cast.reader import ScanState
    from castview.term.keyframes import Keyframe, KeyframeIndex

    state = ScanState(20, 2, 0.0)
    return KeyframeIndex(
        keyframes=[Keyframe(0, 0.0, state, None)], state=state, markers=[], problems=[Problem(3, "bad line")]
    )


def _with_meta(raw: bytes, meta: bytes) -> bytes:
    """The file `raw` with other metadata, its lengths and checksum made right."""
    import zlib

    header = list(index_file._HEADER.unpack_from(raw))
    rest = raw[index_file._HEADER.size + header[2] :]
    header[2] = len(meta)
    header[-1] = zlib.crc32(rest, zlib.crc32(meta))
    return index_file._HEADER.pack(*header) + meta + rest


def test_a_cache_file_holding_a_pickle_runs_no_code(saved, tmp_path):
    """What the old cache was (a pickle) and what an attacker would plant: never unpickled."""
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (os.mkdir, (str(marker),))

    payload = pickle.dumps(Payload())
    for planted in (
        payload,
        index_file.MAGIC + payload,
        pickle.dumps({"format": (3, 2), "key": saved[2], "fingerprint": Payload(), "index": Payload()}),
    ):
        assert load_bytes(saved, planted) is None
        assert not marker.exists()
    pickle.loads(payload)  # what the payload does when it is unpickled
    assert marker.exists()


def test_another_layout_snapshot_version_or_recording_is_ignored(saved, monkeypatch):
    path, store, key, fp, index = saved
    store.save(key, fp, index)
    original = cache_file(store).read_bytes()
    header = list(index_file._HEADER.unpack_from(original))
    header[1] += 1
    assert load_bytes(saved, index_file._HEADER.pack(*header) + original[index_file._HEADER.size :]) is None
    cache_file(store).write_bytes(original)
    with open(path, "rb") as f:
        assert store.load(key + "x", fp, f) is None  # a file of another key (same name: a collision)
        monkeypatch.setattr(index_file, "SNAPSHOT_VERSION", "another")
        assert store.load(key, fp, f) is None


def test_a_corrupt_cache_is_rebuilt_and_overwritten(saved):
    path, store, key, fp, index = saved
    store.save(key, fp, index)
    original = cache_file(store).read_bytes()
    cache_file(store).write_bytes(original[: len(original) // 2])
    replay, fp2 = open_cached(path, store)
    assert not replay.index.complete and replay.event_count == 0
    assert replay.build() and replay.index == index
    store.save(key, fp2, replay.index)
    assert cache_file(store).read_bytes() == original


def test_a_cache_dir_that_cannot_be_written_is_not_an_error(saved, tmp_path, monkeypatch):
    _, _, key, fp, index = saved
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    IndexStore(blocked).save(key, fp, index)  # its keyframes/ folder cannot be made
    store = IndexStore(tmp_path / "cache")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("castview.term.index_store.write_index", full_disk)
    store.save(key, fp, index)
    assert list(store.directory.iterdir()) == []  # no temporary file left behind


def test_open_with_cache_takes_a_storage_identity(tmp_path):
    """An S3 object: its ETag names the version; another ETag is another file."""
    data = tmp_path / "r.cast"
    write_recording(data, 50)
    raw = data.read_bytes()
    store = IndexStore(tmp_path / "cache")
    replay, fp = open_with_cache(lambda: io.BytesIO(raw), "s3://b/r.cast", len(raw), 5.0, store, identity='"etag-1"')
    assert fp.identity == '"etag-1"' and fp.head_hash is None
    replay.build()
    store.save("s3://b/r.cast", fp, replay.index)
    again, _ = open_with_cache(lambda: io.BytesIO(raw), "s3://b/r.cast", len(raw), 5.0, store, identity='"etag-1"')
    assert again.index.complete
    other, _ = open_with_cache(lambda: io.BytesIO(raw), "s3://b/r.cast", len(raw), 5.0, store, identity='"etag-2"')
    assert not other.index.complete and other.event_count == 0
    # Without an identity (the positional callers): size, mtime and hashes of the bytes.
    plain, fp = open_with_cache(lambda: io.BytesIO(raw), "s3://b/r.cast", len(raw), 5.0, store)
    assert fp.identity is None and fp.head_hash and fp.tail_hash and not plain.index.complete


@pytest.mark.parametrize(
    "meta",
    ["[" * 100_000, '{"format": 1, "object": {}, "ranges": [[0, 1, 2]]}', "\xff", ""],
    ids=["nested too deep", "not its object", "not JSON", "empty"],
)
def test_a_damaged_s3_cache_entry_is_started_afresh(tmp_path, meta):
    from castview.sources.s3_cache import ObjectCache

    cache = ObjectCache(tmp_path)
    describe = {"endpoint": "e", "bucket": "b", "key": "k", "etag": '"1"', "size": 10}
    entry = cache.entry(describe, 10)
    entry.data_path.write_bytes(b"0123456789")
    entry.meta_path.write_text(meta, encoding="utf-8")
    entry.open()
    try:
        assert entry.ranges.total == 0 and not entry.complete
    finally:
        entry.close()
