"""The keyframe index on disk, in the user's cache dir, so a second open is instant.

An entry is keyed by the recording's location and checked against its size, mtime and
a hash of its first 64 KiB. A recording that grew (same head, larger size) gets its
index back marked incomplete, so the next build extends it instead of starting over.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .keyframes import KeyframeIndex, Opener, Replay
from .screen import SNAPSHOT_VERSION

# The terminal's snapshot version is part of the format: an index whose keyframes an
# older engine wrote is rebuilt, not restored.
FORMAT = (3, SNAPSHOT_VERSION)  # bump the first part when KeyframeIndex changes shape
HEAD_BYTES = 64 << 10


@dataclass(frozen=True)
class Fingerprint:
    size: int
    mtime: float
    head_hash: str  # of the first min(size, HEAD_BYTES) bytes


def _head_hash(f: BinaryIO, length: int) -> str:
    f.seek(0)
    return hashlib.sha256(f.read(length)).hexdigest()


def fingerprint(f: BinaryIO, size: int, mtime: float) -> Fingerprint:
    return Fingerprint(size, mtime, _head_hash(f, min(size, HEAD_BYTES)))


class IndexStore:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory) / "keyframes"

    def _path(self, key: str) -> Path:
        return self.directory / (hashlib.sha256(key.encode()).hexdigest()[:40] + ".idx")

    def load(self, key: str, fp: Fingerprint, f: BinaryIO) -> KeyframeIndex | None:
        """The saved index if it still describes the file `f` (whose fingerprint is fp)."""
        try:
            with open(self._path(key), "rb") as cached:
                saved = pickle.load(cached)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        if not isinstance(saved, dict) or saved.get("format") != FORMAT or saved.get("key") != key:
            return None
        old: Fingerprint = saved["fingerprint"]
        index: KeyframeIndex = saved["index"]
        if old == fp:
            return index
        grown = old.size < fp.size and _head_hash(f, min(old.size, HEAD_BYTES)) == old.head_hash
        if grown:
            index.complete = False
            return index
        return None

    def save(self, key: str, fp: Fingerprint, index: KeyframeIndex) -> None:
        """Write atomically; a cache that cannot be written is not an error."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump({"format": FORMAT, "key": key, "fingerprint": fp, "index": index}, f, protocol=5)
            os.replace(tmp, self._path(key))
        except OSError:
            pass


def cache_key(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(path)


def open_with_cache(opener: Opener, key: str, size: int, mtime: float, store: IndexStore | None) -> tuple[Replay, Fingerprint]:
    """A Replay of any recording (local or remote) with its cached index, if it matches."""
    with opener() as f:
        fp = fingerprint(f, size, mtime)
        index = store.load(key, fp, f) if store else None
    return Replay(opener, key, index), fp


def open_cached(path: str | os.PathLike[str], store: IndexStore | None) -> tuple[Replay, Fingerprint]:
    """A Replay of a local file with its cached index, if the cache still matches."""
    path = os.fspath(path)
    st = os.stat(path)
    return open_with_cache(lambda: open(path, "rb"), cache_key(path), st.st_size, st.st_mtime, store)
