"""The fields of line versions as an entry keeps them (``analysis.fields``): read back
exactly as written, and a damaged or forged part refused (ValueError, IndexError: what
reading an entry treats as damage) without crashing, hanging or allocating in proportion
to what it claims; a forged entry is built again, a forged shared one refused."""

from __future__ import annotations

import contextlib
import json
import random
import struct
import tracemalloc
from pathlib import Path

import pytest

from castview.analysis.fields import BlockFields, encode
from castview.analysis.text import TextPacker
from castview.search import open_index, search_recording
from castview.search_index import DAMAGE, decode, frame
from castview.term.index_store import cache_key
from castview.transcript import LineVersion
from entry_edit import replace_entry

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_casts" / "nBq9Zs5CNTRL" / "2026-11-21T11:30:17.123Z.cast"  # mc: many runs per line

EDGES = [
    LineVersion(0, "main", 3, 1.5, None, True, "abc", None, None),
    LineVersion(7, "alternate", 0, 0.0, 2.25, False, "x", ((0, 0.0), (4, 1e-07), (9, 123456.789)), None),
    LineVersion(9, "hidden", 12, 3.0, 3.0, False, "日本", None, (0, 2, 4), ((1.0, 3), (2.5, 2))),
    LineVersion(1, "main", 0, 1e22, 1e-300, True, "", ((0, 1e22),), (0,), ((0.1, 0),)),
    # a v3 recording's times are sums: not a whole number of nanoseconds
    LineVersion(4, "main", 5, 1.3393543829999999, 1e9, True, "ab", None, None, ((5e-324, 1), (2.0, 5))),
    LineVersion(2, "main", 0, -0.0, 0.0, True, "ab", ((0, -0.0), (1, 0.0)), None, None),  # both zeros
    LineVersion(2, "main", 1, 0.5, None, False, "a b", ((0, 0.5), (1, 0.0), (2, 0.5)), None, None),
]


def _bits(v: LineVersion) -> list[bytes]:
    times = [v.time, v.until, *(t for _, t in v.runs or ()), *(t for t, _ in v.rows or ())]
    return [struct.pack("<d", t) for t in times if t is not None]


def _same(a: LineVersion, b: LineVersion) -> bool:
    return a == b and repr(a) == repr(b) and _bits(a) == _bits(b)  # -0.0 == 0.0, but not in the bits


def test_versions_are_read_back_exactly() -> None:
    fields = BlockFields(encode(EDGES).decode("ascii"), len(EDGES))
    for i, v in enumerate(EDGES):
        assert _same(fields.version(i, v.text), v)
    # tuples in the order of LineVersion's fields are packed alike (the tracker's fast path)
    assert encode([tuple(v) for v in EDGES]) == encode(EDGES)


def _recorded(path: Path) -> list[LineVersion]:
    from castview.analysis.run import analyse

    versions: list[LineVersion] = []
    version = TextPacker.version

    def keep(packer: TextPacker, v: LineVersion) -> None:
        versions.append(v)
        version(packer, v)

    TextPacker.version = keep  # type: ignore[method-assign]
    try:
        analyse(lambda: path.open("rb"), path.name, path.stat().st_size)
    finally:
        TextPacker.version = version  # type: ignore[method-assign]
    return versions


@pytest.mark.parametrize("path", sorted((ROOT / "sample_casts").glob("*/*.cast")), ids=lambda p: p.name)
def test_a_recordings_versions_are_read_back_exactly(path: Path) -> None:
    versions = _recorded(path)
    fields = BlockFields(encode(versions).decode("ascii"), len(versions))
    for i, v in enumerate(versions):
        assert _same(fields.version(i, v.text), v._replace(runs=v.runs or None, cols=v.cols or None,
                                                           rows=v.rows or None))


def _read_all(data: str, count: int) -> None:
    fields = BlockFields(data, count)
    for i in range(count):
        fields.version(i, "some text of the version")


GOOD = encode(EDGES[:3]).decode("ascii")


def _with(line: int, text: str) -> str:
    lines = GOOD.split("\n")
    lines[line] = text
    return "\n".join(lines)


@pytest.mark.parametrize("data", [
    "",
    GOOD.rsplit("\n", 1)[0],  # a version's line missing
    GOOD + "\n",  # one too many
    _with(0, ""),  # no times
    _with(0, "1,x"),
    _with(0, "9" * 400),  # beyond a float
    _with(0, "9" * 5000),  # beyond what int() reads
    _with(1, "0:" + str(1 << 70)),  # units in the last place beyond 64 bits
    _with(1, "0:" + str(0x7FF0_0000_0000_0000)),  # a time made infinite
    _with(1, "99:1"),  # an offset for a time the table does not have
    _with(1, "-1:1"),
    _with(2, "06"),  # a column one short
    _with(2, "0x7"),
    _with(3, "392"),  # no such screen
    _with(4, " 3-2 0"),  # a negative row
    _with(5, " 3 099"),  # an index out of the table of times
    _with(5, " 3 0-1"),  # a negative index (Python would take the last time)
    _with(5, "3".rjust(30) + "0".rjust(30) + "9" * 30),
    _with(6, "  70  "),  # an until out of the table
    _with(7, "0:1 4:99"),  # a run's time out of the table
    _with(7, "0:1 4"),  # a run cut short
    _with(7, "0:1 4:-2"),
    _with(9, "0 x"),
    _with(9, ";;0:1:2"),
    _with(9, ";;9:1"),
    _with(9, ";;;"),  # a fourth part
], ids=range(26))
def test_a_damaged_part_is_refused(data: str) -> None:
    with pytest.raises((ValueError, IndexError)):
        _read_all(data, 3)


def test_a_part_cut_or_changed_anywhere_is_read_or_refused() -> None:
    """Never another error (a crash) nor a hang: every cut, and random changes of bytes."""
    good = encode(_recorded(SAMPLE)).decode("ascii")
    count = good.count("\n") + 1 - 7
    rng = random.Random(17)
    forged = [good[:n] for n in range(0, len(good), 7)]
    for _ in range(2000):
        chars = list(good)
        for _ in range(rng.randint(1, 4)):
            chars[rng.randrange(len(chars))] = rng.choice("0123456789-:;, \n~x")
        forged.append("".join(chars))
    for data in forged:
        with contextlib.suppress(*DAMAGE):
            _read_all(data, count)


def test_a_claimed_count_costs_nothing() -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ValueError):
            BlockFields(GOOD, 1 << 40)
        with pytest.raises(IndexError):
            BlockFields(GOOD, 3).version(1 << 40, "x")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 << 10


# --------------------------------------------------------------------------- whole entries

def _cast(path: Path, lines: list[str]) -> Path:
    header = {"version": 2, "width": 80, "height": 24, "timestamp": 1763629000}
    events = [[0.25 + 0.5 * i, "o", line + "\r\n"] for i, line in enumerate(lines)]
    path.write_text("\n".join(json.dumps(x) for x in [header, *events]) + "\n")
    return path


def _forge_fields(data: bytes, key: str, forged: str) -> bytes:
    """The entry `data` with its first block's fields replaced, sealed anew (a valid
    checksum: only the fields' own checks can tell)."""
    meta, body = decode(data, key)
    assert meta["solid"]
    at, tn, fn, count = meta["blocks"][0]
    new = forged.encode("ascii")
    shift = len(new) - fn
    body = bytes(body[:at + tn]) + new + bytes(body[at + tn + fn:])
    meta["blocks"][0][2] = len(new)
    meta["blocks"][1:] = [[b[0] + shift, *b[1:]] for b in meta["blocks"][1:]]
    meta["chunks"] = [[c + shift if c > at else c, n] for c, n in meta["chunks"]]
    return b"".join(bytes(p) for p in frame(meta, [body]))


@pytest.mark.parametrize("forged", ["out of the table", "truncated", "huge number"])
def test_a_forged_entry_of_the_new_layout_is_built_again(tmp_path: Path, forged: str) -> None:
    path = _cast(tmp_path / "r.cast", ["alpha one", "bravo two", "alpha three"])
    cache = tmp_path / "cache"
    clean = search_recording(path, "alpha", cache_dir=cache)
    key = cache_key(path)
    with open_index(path, cache_dir=cache) as index:
        data = b"".join(bytes(p) for p in frame(dict(index.meta), [index.body]))
        meta = index.meta
        at, tn, fn, count = meta["blocks"][0]
        good = bytes(index.body[at + tn:at + tn + fn]).decode("ascii")
    lines = good.split("\n")
    if forged == "out of the table":
        lines[5] = "1000" * count
    elif forged == "truncated":
        lines = lines[:-1]
    else:
        lines[0] = "9" * 400
    replace_entry(cache, path, _forge_fields(data, key, "\n".join(lines)))
    assert search_recording(path, "alpha", cache_dir=cache) == clean
    with open_index(path, cache_dir=cache) as index:
        assert not index.built  # the one built again is read from the cache


def test_a_shared_entry_with_forged_fields_is_refused(tmp_path: Path) -> None:
    from castview.analysis.shared import identity
    from test_shared_proportion import published

    path = _cast(tmp_path / "r.cast", ["alpha one", "bravo two"])
    cache, name, fp, opener = published(path, tmp_path / "c")
    ident = identity(fp, opener)
    shared_meta, shared_body = decode(cache.store.blobs[name], ident)
    at, tn, fn, count = shared_meta["blocks"][0]
    lines = bytes(shared_body[at + tn:at + tn + fn]).decode("ascii").split("\n")
    lines[5] = "-1" * count
    cache.store.put(name, _forge_fields(cache.store.blobs[name], ident, "\n".join(lines)))
    assert cache.fetch("k", fp, opener) is None and cache.rejected == 1


def test_an_entry_of_format_4_is_built_again(tmp_path: Path) -> None:
    """Format 4 kept a JSON array of fields per version: such an entry is not read."""
    from castview.search_index import FORMAT, SearchIndexStore

    path = _cast(tmp_path / "r.cast", ["alpha one", "bravo two", "alpha three"])
    cache = tmp_path / "cache"
    clean = search_recording(path, "alpha", cache_dir=cache)
    key = cache_key(path)
    with open_index(path, cache_dir=cache) as index:
        meta, body = dict(index.meta), bytes(index.body)
        versions = list(index.candidates(None))
    at, tn, fn, count = meta["blocks"][0]
    old = "\n".join(json.dumps([v.line, 0, v.row, v.time, v.until, v.shown, v.runs, v.cols, v.rows],
                               separators=(",", ":")) for v in versions)
    meta4 = {**meta, "format": 4}
    body4 = body[:at + tn] + old.encode() + body[at + tn + fn:]
    meta4["blocks"] = [[at, tn, len(old), count], *meta["blocks"][1:]]
    meta4["chunks"] = [[c + len(old) - fn if c > at else c, n] for c, n in meta["chunks"]]
    replace_entry(cache, path, b"".join(bytes(p) for p in frame(meta4, [body4])))
    assert search_recording(path, "alpha", cache_dir=cache) == clean
    data = SearchIndexStore(cache).pack_for(key).get(key)
    assert data is not None and decode(data, key)[0]["format"] == FORMAT == 5
