"""The keyframe index as a file: plain data, parsed and checked field by field.

Layout (little-endian)::

    header  magic "CVKFIDX\\n", layout version (u32), metadata length (u64), event count
            N (u64), keyframe count K (u64), snapshot bytes B (u64), CRC-32 of the body (u32)
    body    metadata: ASCII JSON (key, fingerprint, snapshot version, markers, problems,
                      scan state, flags)
            N event times (float64)
            K keyframes, column by column: event counts (int64), times (float64),
                      scan states' offsets (int64), lines (int64) and times (float64),
                      snapshot lengths (int64, -1: no snapshot)
            B bytes: the keyframe snapshots, one after another

The numbers are binary columns rather than JSON so that the index of an hour-long
recording (thousands of keyframes) loads in milliseconds and is checked whole (ranges,
order) rather than value by value.

Nothing in it is executed: the snapshots are opaque bytes handed to `Terminal.restore`,
which parses them itself. A file that is truncated, corrupt (the CRC), of another layout
or snapshot version, or whose fields do not make a keyframe index raises
:class:`IndexFileError`, and the caller rebuilds.
"""

from __future__ import annotations

import json
import struct
import sys
import zlib
from array import array
from itertools import islice
from operator import lt
from typing import Any, BinaryIO

from ..cast.model import Problem
from ..cast.reader import ScanState
from .fingerprint import Fingerprint
from .keyframes import Keyframe, KeyframeIndex
from .screen import SNAPSHOT_VERSION

MAGIC = b"CVKFIDX\n"
LAYOUT = 1  # bump when the layout or the metadata's fields change
_HEADER = struct.Struct("<8sIQQQQI")
_BIG_ENDIAN = sys.byteorder == "big"
# The keyframe columns, in file order: (array typecode, Keyframe -> value).
_COLUMNS = (
    ("q", lambda k: k.count),
    ("d", lambda k: k.time),
    ("q", lambda k: k.state.offset),
    ("q", lambda k: k.state.line),
    ("d", lambda k: k.state.time),
    ("q", lambda k: -1 if k.blob is None else len(k.blob)),
)


class IndexFileError(ValueError):
    """Not a keyframe index file this version of castview wrote."""


def write_index(out: BinaryIO, key: str, fp: Fingerprint, index: KeyframeIndex) -> None:
    """Write the index of the recording `key` (as `fp` describes it) to `out`."""
    keyframes = index.keyframes
    meta = {
        "key": key,
        "fingerprint": fp.as_json(),
        "snapshot": SNAPSHOT_VERSION,
        "markers": [list(m) for m in index.markers],
        "state": [index.state.offset, index.state.line, index.state.time] if index.state is not None else None,
        "problems": [[p.line, p.message] for p in index.problems],
        "incomplete_tail": index.incomplete_tail,
        "complete": index.complete,
        "scanned_bytes": index.scanned_bytes,
        "tail_cost": index.tail_cost,
    }
    meta_bytes = json.dumps(meta, separators=(",", ":")).encode("ascii")
    columns = [array("d", index.times)] + [array(code, map(get, keyframes)) for code, get in _COLUMNS]
    if _BIG_ENDIAN:  # pragma: no cover - no big-endian machine to test on
        for column in columns:
            column.byteswap()
    blobs = [k.blob for k in keyframes if k.blob]
    body = [meta_bytes, *(c.tobytes() for c in columns), *blobs]
    crc = 0
    for part in body:
        crc = zlib.crc32(part, crc)
    out.write(_HEADER.pack(MAGIC, LAYOUT, len(meta_bytes), len(index.times), len(keyframes),
                           sum(map(len, blobs)), crc))
    for part in body:
        out.write(part)


def read_index(f: BinaryIO, key: str) -> tuple[Fingerprint, KeyframeIndex]:
    """The fingerprint and index in the file `f`, if they are those of the recording `key`.
    Raises IndexFileError."""
    try:
        return _parse(f, key)
    except IndexFileError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, RecursionError, OverflowError, struct.error) as exc:
        raise IndexFileError(f"not a keyframe index: {exc!r}") from None


def _parse(f: BinaryIO, key: str) -> tuple[Fingerprint, KeyframeIndex]:
    magic, layout, meta_len, count, kf_count, blob_len, crc = _HEADER.unpack(_read(f, _HEADER.size))
    if magic != MAGIC or layout != LAYOUT:
        raise IndexFileError("another format")
    # Lengths are checked against the file's size before anything that long is read.
    if f.seek(0, 2) != _HEADER.size + meta_len + 8 * count + 8 * len(_COLUMNS) * kf_count + blob_len:
        raise IndexFileError("truncated or padded")
    f.seek(_HEADER.size)
    meta_raw = _read(f, meta_len)
    times_raw = _read(f, 8 * count)
    columns_raw = _read(f, 8 * len(_COLUMNS) * kf_count)
    body_crc = zlib.crc32(columns_raw, zlib.crc32(times_raw, zlib.crc32(meta_raw)))
    columns = [_column(code, columns_raw[8 * kf_count * i:8 * kf_count * (i + 1)])
               for i, (code, _) in enumerate(_COLUMNS)]
    counts, kf_times, offsets, lines, state_times, lengths = columns
    _check(kf_count > 0 and min(lengths) >= -1 and sum(lengths) + lengths.count(-1) == blob_len, "snapshot lengths")
    # One read per snapshot: the bytes objects the index keeps, with no copy of the whole.
    blobs: list[bytes | None] = []
    for length in lengths:
        if length < 0:
            blobs.append(None)
        else:
            blob = _read(f, length)
            body_crc = zlib.crc32(blob, body_crc)
            blobs.append(blob)
    if body_crc != crc:
        raise IndexFileError("corrupt (checksum)")

    meta = json.loads(meta_raw.decode("ascii"))
    _check(isinstance(meta, dict), "metadata")
    _check(meta["key"] == key, "another recording's index")
    _check(meta["snapshot"] == SNAPSHOT_VERSION, "another snapshot version")
    fp = Fingerprint.from_json(meta["fingerprint"])
    # Seeking bisects the keyframes by count: they must be in order, within the events.
    _check(counts[0] >= 0 and counts[-1] <= count and all(map(lt, counts, islice(counts, 1, None))),
           "keyframe counts")
    _check(min(offsets) >= 0 and min(lines) >= 0, "keyframe scan states")
    keyframes = [Keyframe(n, t, ScanState(offset, line, state_time), blob) for n, t, offset, line, state_time, blob
                 in zip(counts, kf_times, offsets, lines, state_times, blobs, strict=True)]

    markers = []
    for marker in meta["markers"]:
        _check(isinstance(marker, list) and len(marker) == 3 and isinstance(marker[2], str), "marker")
        _check(_count(marker[0]) < count, "marker position")
        markers.append((marker[0], _float(marker[1]), marker[2]))
    problems = []
    for problem in meta["problems"]:
        _check(isinstance(problem, list) and len(problem) == 2 and isinstance(problem[1], str), "problem")
        problems.append(Problem(None if problem[0] is None else _count(problem[0]), problem[1]))
    state = meta["state"]
    _check(state is None or (isinstance(state, list) and len(state) == 3), "scan state")
    index = KeyframeIndex(
        times=_column("d", times_raw),
        keyframes=keyframes,
        markers=markers,
        state=None if state is None else ScanState(_count(state[0]), _count(state[1]), _float(state[2])),
        problems=problems,
        incomplete_tail=_bool(meta["incomplete_tail"]),
        complete=_bool(meta["complete"]),
        scanned_bytes=_count(meta["scanned_bytes"]),
        tail_cost=None if meta["tail_cost"] is None else _count(meta["tail_cost"]),
    )
    return fp, index


def _read(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise IndexFileError("truncated")
    return data


def _column(code: str, raw: bytes) -> array:
    column = array(code)
    column.frombytes(raw)
    if _BIG_ENDIAN:  # pragma: no cover
        column.byteswap()
    return column


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise IndexFileError(f"bad {what}")


def _count(value: Any) -> int:
    _check(type(value) is int and value >= 0, "count")
    return value


def _float(value: Any) -> float:
    _check(type(value) in (int, float), "number")
    return float(value)


def _bool(value: Any) -> bool:
    _check(type(value) is bool, "flag")
    return value
