"""Small entry parts are compressed with castview's bundled zstd dictionary; an entry made
with another dictionary (another castview's, a forged one) is not read but built again."""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from pathlib import Path

import zstandard

from castview import search_index
from castview.analysis.text import SMALL, dictionary
from castview.search import open_index, search_recording
from castview.search_index import ENTRY_HEADER, SearchIndexStore, decode
from castview.term.index_store import cache_key

ROOT = Path(__file__).resolve().parent.parent
BASH = ROOT / "sample_casts" / "nHx4Tb1CNTRL" / "2026-11-20T09:15:02Z.cast"
SMALL_ONE = ROOT / "sample_casts" / "nK8mXc7CNTRL" / "2026-11-24T07:12:33.31415Z.cast"


def _recording(tmp_path: Path, source: Path | None = None) -> Path:
    """A copy of `source`; by default BASH with 500 more lines of output, so that
    a part of its entry is big."""
    path = tmp_path / "rec.cast"
    shutil.copyfile(source or BASH, path)
    if source is None:
        end = json.loads(BASH.read_text().splitlines()[-1])[0]
        with path.open("a") as f:
            for i in range(500):
                f.write(json.dumps([end + 0.01 * (i + 1), "o", f"log line {i:04d} of a build that goes on\r\n"]) + "\n")
    return path


def _stored(cache: Path, path: Path) -> bytes:
    key = cache_key(path)
    data = SearchIndexStore(cache).pack_for(key).get(key)
    assert data is not None
    return data


def _dict_id(frame: bytes | memoryview) -> int:
    return zstandard.get_frame_parameters(bytes(frame)).dict_id


def test_the_parts_of_a_small_entry_name_the_bundled_dictionary(tmp_path):
    path = _recording(tmp_path)
    cache = tmp_path / "cache"
    search_recording(path, "sudo", cache_dir=cache)
    data = _stored(cache, path)
    meta, body = decode(data, cache_key(path))
    meta_len = ENTRY_HEADER.unpack_from(data)[2]
    ours = dictionary().dict_id()
    assert ours != 0
    assert _dict_id(data[ENTRY_HEADER.size:ENTRY_HEADER.size + meta_len]) == ours
    spans = [span for at, texts, fields, _ in meta["blocks"] for span in ((at, texts), (at + texts, fields))]
    frames = [body[at:at + n] for at, n in spans + meta["chunks"]]
    small = [f for f in frames if zstandard.frame_content_size(f) < SMALL]
    assert small  # (a bigger part takes the level of big ones, without the dictionary)
    assert all(_dict_id(f) == ours for f in small)


def test_a_small_recording_is_one_frame_with_the_dictionary(tmp_path):
    path = _recording(tmp_path, SMALL_ONE)
    cache = tmp_path / "cache"
    found = search_recording(path, "e", cache_dir=cache)
    data = _stored(cache, path)
    _, layout, meta_len, body_len, _ = ENTRY_HEADER.unpack_from(data)
    assert layout == search_index.SOLID and len(data) == ENTRY_HEADER.size + body_len
    assert _dict_id(data[ENTRY_HEADER.size:]) == dictionary().dict_id()
    meta, _ = decode(data, cache_key(path))
    assert meta["solid"] and meta_len < len(search_index.unframe(memoryview(data)[ENTRY_HEADER.size:]))
    with open_index(path, cache_dir=cache) as index:
        assert not index.built and list(index.transcript())
    assert found and search_recording(path, "e", cache_dir=cache) == found


def test_an_entry_made_with_another_dictionary_is_built_again(tmp_path):
    path = _recording(tmp_path)
    cache = tmp_path / "cache"
    found = search_recording(path, "sudo", cache_dir=cache)
    assert found
    data = _stored(cache, path)
    meta_len = ENTRY_HEADER.unpack_from(data)[2]
    meta = search_index.unframe(memoryview(data)[ENTRY_HEADER.size:ENTRY_HEADER.size + meta_len])
    # the same dictionary under another ID: what a castview with another one would write
    raw = bytearray(dictionary().as_bytes())
    struct.pack_into("<I", raw, 4, dictionary().dict_id() + 1)
    other = zstandard.ZstdCompressor(dict_data=zstandard.ZstdCompressionDict(bytes(raw))).compress(meta)
    body = data[ENTRY_HEADER.size + meta_len:]
    crc = zlib.crc32(body, zlib.crc32(other))
    magic, layout, _, body_len, _ = ENTRY_HEADER.unpack_from(data)
    key = cache_key(path)
    SearchIndexStore(cache).pack_for(key).put(key, ENTRY_HEADER.pack(magic, layout, len(other), body_len, crc)
                                              + other + body)
    with open_index(path, cache_dir=cache) as index:
        assert index.built
    assert search_recording(path, "sudo", cache_dir=cache) == found
    assert _stored(cache, path) == data
