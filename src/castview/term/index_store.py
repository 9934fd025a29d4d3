"""The keyframe index on disk, in the user's cache dir, so a second open is instant.

An entry is keyed by the recording's location and kept with the fingerprint of the file
it was built from (see `fingerprint`): it is reused as it is only when the file's
fingerprint is the same. A recording that only grew (the head and the old end unchanged)
gets its index back cut to the part those checks cover and marked incomplete, so the next
build extends it instead of starting over. Anything else, and any file that does not read
as an index (see `index_file`), is ignored; the next save overwrites it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from ..problem_store import ProblemStore
from .fingerprint import Fingerprint, fingerprint, only_grew
from .index_file import IndexFileError, read_index, write_index
from .keyframes import KeyframeIndex, Opener, Replay

_READ_BUFFER = 1 << 20  # the snapshots are read one by one: few system calls

__all__ = ["Fingerprint", "IndexStore", "cache_key", "fingerprint", "open_cached", "open_with_cache"]


class IndexStore:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory) / "keyframes"

    def _path(self, key: str) -> Path:
        return self.directory / (hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:40] + ".idx")

    def load(self, key: str, fp: Fingerprint, f: BinaryIO) -> KeyframeIndex | None:
        """The saved index if it still describes the file `f` (whose fingerprint is fp)."""
        try:
            with open(self._path(key), "rb", buffering=_READ_BUFFER) as cached:
                old, index = read_index(cached, key)
        except (OSError, IndexFileError):
            return None
        if old == fp:
            return index
        if only_grew(old, f, fp.size):
            _keep_within(index, old.size)
            return index
        return None

    def save(self, key: str, fp: Fingerprint, index: KeyframeIndex) -> None:
        """Write atomically; a cache that cannot be written is not an error. The problems
        a complete index found are remembered for listings too (ProblemStore)."""
        if index.complete:
            ProblemStore(self.directory.parent).record(key, fp, index.problems)
        tmp = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                write_index(f, key, fp, index)
            os.replace(tmp, self._path(key))
        except OSError:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.remove(tmp)


def _keep_within(index: KeyframeIndex, size: int) -> None:
    """Keep only what the first `size` bytes gave, up to the last keyframe in them (a build
    may have read further, into bytes no check covers); the next build goes on from there."""
    kept = [kf for kf in index.keyframes if kf.state.offset <= size]
    if len(kept) < len(index.keyframes):
        index.keyframes = kept
        index.tail_cost = None  # the end keyframe, if there was one, is gone
    # Truncating is safe here: the index was just read and no Replay has published it yet.
    last = index.keyframes[-1]
    del index.times[last.count:]
    index.markers = [m for m in index.markers if m[0] < last.count]
    index.state = last.state
    index.complete = False
    index.problems = [p for p in index.problems if (p.line or 0) < index.state.line]


def cache_key(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(path)


def open_with_cache(opener: Opener, key: str, size: int, mtime: float, store: IndexStore | None,
                    identity: str | None = None) -> tuple[Replay, Fingerprint]:
    """A Replay of any recording (local or remote) with its cached index, if it matches.
    `identity`: the storage's name for this version of the object (an S3 ETag)."""
    with opener() as f:
        fp = fingerprint(f, size, mtime, identity)
        index = store.load(key, fp, f) if store else None
    return Replay(opener, key, index), fp


def open_cached(path: str | os.PathLike[str], store: IndexStore | None) -> tuple[Replay, Fingerprint]:
    """A Replay of a local file with its cached index, if the cache still matches."""
    path = os.fspath(path)
    st = os.stat(path)
    return open_with_cache(lambda: open(path, "rb"), cache_key(path), st.st_size, st.st_mtime, store)
