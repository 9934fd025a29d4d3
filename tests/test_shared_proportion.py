"""A shared entry out of proportion to its recording (more text than its output could draw,
a line wider than any terminal, a negative duration, more commands than events) is
refused and the recording analysed here."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from castview.analysis import shared as shared_module
from castview.analysis.fields import encode
from castview.analysis.shared import LINE_LIMIT, SharedCache, identity
from castview.search_index import decode, frame
from castview.term.fingerprint import Fingerprint
from castview.transcript import LineVersion


class Blobs:
    label = "memory://test"

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def get(self, name: str, limit: int) -> bytes | None:
        return self.blobs.get(name)

    def put(self, name: str, data: bytes) -> None:
        self.blobs[name] = data

    def exists(self, name: str) -> bool:
        return name in self.blobs


def _cast(path: Path) -> Path:
    header = {"version": 2, "width": 80, "height": 24, "timestamp": 1763629000}
    events = [[0.5, "o", "$ "], [1.0, "i", "ls\r"], [1.1, "o", "ls\r\nfile-a  file-b\r\n$ "]]
    path.write_text("\n".join(json.dumps(x) for x in [header, *events]) + "\n")
    return path


def _forged(meta: dict, body: bytes, how: str) -> tuple[dict, bytes]:
    meta = json.loads(json.dumps(meta))
    if how == "duration":
        meta["duration"] = -5.0
    elif how == "commands":
        meta["analyses"]["commands"]["result"] = meta["analyses"]["commands"]["result"] * (meta["events"] + 1)
    elif how == "ends-first":
        for c in meta["analyses"]["commands"]["result"]:
            c["end"] = c["time"] - 1
    else:  # the texts of the first block grown: one long line, or many lines of the recording's width
        assert meta["solid"], "a small recording's entry is one frame: its parts are plain"
        at, tn, fn, count = meta["blocks"][0][:4]
        fields = body[at + tn:at + tn + fn]
        if how == "long line":
            lines = body[at:at + tn].decode().split("\n")
            lines[0] += "word " * (LINE_LIMIT // 5 + 1)
        else:  # 80 columns' worth on each of many versions
            count = 1 << 16
            lines = ["word " * 16] * count
            fields = encode([LineVersion(0, "main", 0, 0.5, None, True, lines[0], None, None)] * count)
        texts = "\n".join(lines).encode()
        shift = len(texts) + len(fields) - tn - fn
        body = body[:at] + texts + fields + body[at + tn + fn:]
        meta["blocks"][0][:4] = [at, len(texts), len(fields), count]
        meta["blocks"][1:] = [[b[0] + shift, *b[1:]] for b in meta["blocks"][1:]]
        meta["chunks"] = [[c_at + shift if c_at > at else c_at, n] for c_at, n in meta["chunks"]]
    return meta, body


def published(path: Path, cache_dir: Path):
    """A shared cache holding the entry of the recording at `path` (built in
    `cache_dir`): the cache, the entry's name, the fingerprint and an opener."""
    from castview.search import open_index

    with open_index(path, cache_dir=cache_dir) as index:
        meta, body = dict(index.meta), bytes(index.body)
    st = path.stat()
    fp = Fingerprint(st.st_size, st.st_mtime)
    cache = SharedCache(Blobs())

    def opener():
        return open(path, "rb")

    assert cache.publish(fp, opener, meta, memoryview(body))
    return cache, next(iter(cache.store.blobs)), fp, opener


@pytest.fixture
def shared(tmp_path):
    """A shared cache holding the entry of a small recording, and what fetches it."""
    entry = cache, name, fp, opener = published(_cast(tmp_path / "r.cast"), tmp_path / "c")
    meta = decode(cache.store.blobs[name], identity(fp, opener))[0]
    assert meta["analyses"]["commands"]["result"], "the forgeries below need a command"
    return entry


def test_a_proportionate_entry_is_taken(shared):
    cache, _, fp, opener = shared
    assert cache.fetch("k", fp, opener) is not None and cache.fetched == 1


@pytest.mark.parametrize("how", ["duration", "commands", "ends-first", "long line", "much text"])
def test_an_entry_out_of_proportion_is_refused(shared, how, caplog, monkeypatch):
    monkeypatch.setattr(shared_module, "_said", set())  # the warning is said once a process
    cache, name, fp, opener = shared
    ident = identity(fp, opener)
    meta, body = decode(cache.store.blobs[name], ident)
    forged_meta, forged_body = _forged(meta, bytes(body), how)
    cache.store.put(name, b"".join(bytes(p) for p in frame(forged_meta, [forged_body])))
    with caplog.at_level(logging.WARNING, logger="castview.shared"):
        assert cache.fetch("k", fp, opener) is None
    assert cache.rejected == 1
    assert "out of proportion" in caplog.text
