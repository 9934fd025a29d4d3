"""A size-bounded local cache of S3 objects, filled range by range.

One entry per object version (endpoint, bucket, key, ETag, size): a sparse data file the
size of the object, written at the offsets fetched, and a small JSON file listing which
byte ranges are present. An object that changes gets a new ETag, hence a new entry; the old
one ages out. Entries are evicted least recently used first (the JSON file's mtime is the
last use) once the cache holds more than its maximum. Objects larger than the maximum, and
every object when the cache dir cannot be written, go to a private temporary directory
removed at exit.

Nothing here talks to S3; `s3.py` fetches and this module stores.
"""

from __future__ import annotations

import atexit
import bisect
import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no cross-process locking, one castview at a time
    fcntl = None  # type: ignore[assignment]

FORMAT = 1
DEFAULT_MAX_BYTES = 2 << 30
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)


class CacheBusy(OSError):
    """Another castview process has this entry open; use a private copy instead."""


def _try_lock(fd: int) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def parse_size(text: str) -> int:
    """`2G`, `500M`, `1.5GiB`, `1048576` -> bytes. Raises ValueError."""
    m = _SIZE.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a size (examples: 2G, 500M, 1048576)")
    scale = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}[m.group(2).lower()]
    return int(float(m.group(1)) * scale)


class RangeSet:
    """Disjoint half-open byte ranges [start, end), kept sorted and merged."""

    def __init__(self, ranges: list[tuple[int, int]] | None = None) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in ranges or ():
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        if end <= start:
            return
        # Every range that touches or overlaps [start, end) is merged into it.
        lo = bisect.bisect_left(self._ends, start)
        hi = bisect.bisect_right(self._starts, end)
        if lo < hi:
            start = min(start, self._starts[lo])
            end = max(end, self._ends[hi - 1])
        self._starts[lo:hi] = [start]
        self._ends[lo:hi] = [end]

    def run_end(self, pos: int) -> int | None:
        """The end of the range holding byte `pos`, or None when pos is not held."""
        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0 and pos < self._ends[i]:
            return self._ends[i]
        return None

    def next_start(self, pos: int) -> int | None:
        """The start of the first range beginning after pos."""
        i = bisect.bisect_right(self._starts, pos)
        return self._starts[i] if i < len(self._starts) else None

    def covers(self, start: int, end: int) -> bool:
        run = self.run_end(start)
        return end <= start or (run is not None and run >= end)

    @property
    def total(self) -> int:
        return sum(e - s for s, e in zip(self._starts, self._ends, strict=True))

    def as_list(self) -> list[list[int]]:
        return [[s, e] for s, e in zip(self._starts, self._ends, strict=True)]

    def __len__(self) -> int:
        return len(self._starts)

    def __repr__(self) -> str:
        return f"RangeSet({self.as_list()})"


class CacheFile:
    """The stored bytes of one object version. Not thread-safe: `S3Object` holds the lock
    around `ranges`; reads and writes of disjoint byte ranges may run concurrently.

    An open entry holds an exclusive flock on its data file, so a second castview process
    never resets or evicts bytes the first one is using (it works from a scratch copy).
    """

    def __init__(self, cache: ObjectCache, ident: str, directory: Path, describe: dict, size: int) -> None:
        self.cache = cache
        self.ident = ident
        self.size = size
        self.data_path = directory / f"{ident}.data"
        self.meta_path = directory / f"{ident}.json"
        self.describe = describe
        self.ranges = RangeSet()
        self._fd: int | None = None
        self._dirty = False
        self._saved_at = 0.0

    # -- lifetime -------------------------------------------------------------------
    def open(self) -> None:
        """Open (creating if needed) the data file, loading what an earlier run fetched."""
        if self._fd is not None:
            return
        fd = os.open(self.data_path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(fd):
            os.close(fd)
            raise CacheBusy(f"{self.data_path} is in use by another process")
        try:
            st = os.fstat(fd)
            ranges = self._load_meta() if st.st_size == self.size else None
            if ranges is None:
                os.ftruncate(fd, 0)
                os.ftruncate(fd, self.size)
                ranges = RangeSet()
                self._dirty = True
        except OSError:
            os.close(fd)
            raise
        self._fd = fd
        self.ranges = ranges
        self.touch()

    def close(self) -> None:
        self.save()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _load_meta(self) -> RangeSet | None:
        try:
            meta = json.loads(self.meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested too deep
            return None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("object") != self.describe:
            return None
        try:
            ranges = RangeSet([(int(s), int(e)) for s, e in meta.get("ranges", ())])
        except (TypeError, ValueError):
            return None
        if ranges.total and not all(0 <= s < e <= self.size for s, e in ranges.as_list()):
            return None
        return ranges

    def touch(self) -> None:
        try:
            os.utime(self.meta_path)
        except OSError:
            self._dirty = True  # no JSON yet: write one, it records the use

    def save(self, every: float = 0.0) -> None:
        """Write the JSON file if ranges changed (at most every `every` seconds)."""
        now = time.monotonic()
        if not self._dirty or (every and now - self._saved_at < every):
            return
        meta = {"format": FORMAT, "object": self.describe, "ranges": self.ranges.as_list()}
        try:
            fd, tmp = tempfile.mkstemp(dir=self.meta_path.parent, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(meta, f)
            os.replace(tmp, self.meta_path)
        except OSError:
            return  # a cache that cannot be written is not an error; the bytes are still read
        self._dirty = False
        self._saved_at = now

    # -- bytes ----------------------------------------------------------------------
    def pread(self, start: int, end: int) -> bytes:
        assert self._fd is not None
        data = os.pread(self._fd, end - start, start)
        if len(data) != end - start:
            raise OSError(f"cache file {self.data_path} is shorter than expected")
        return data

    def pwrite(self, start: int, data: bytes) -> None:
        assert self._fd is not None
        view = memoryview(data)
        while view:
            written = os.pwrite(self._fd, view, start)
            view, start = view[written:], start + written

    def mark(self, start: int, end: int) -> None:
        """Record bytes as present (call with the object's lock held, after pwrite)."""
        self.ranges.add(start, end)
        self._dirty = True

    @property
    def complete(self) -> bool:
        return self.ranges.covers(0, self.size)


class ObjectCache:
    """The cache directory: entry creation, LRU eviction, the temporary fallback."""

    def __init__(self, directory: Path | None, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory = Path(directory) if directory is not None else None
        self.max_bytes = max(0, int(max_bytes))
        self._lock = threading.Lock()
        self._live: dict[str, int] = {}  # ident -> open count in this process
        self._written = 0
        self._usable: bool | None = None
        self._scratch: Path | None = None
        self.evicted = 0

    @staticmethod
    def ident(describe: dict) -> str:
        blob = json.dumps(describe, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(blob).hexdigest()[:40]

    def entry(self, describe: dict, size: int) -> CacheFile:
        """The cache file of one object version (not opened yet)."""
        return CacheFile(self, self.ident(describe), self._directory_for(size), describe, size)

    def scratch_entry(self, entry: CacheFile) -> CacheFile:
        """The same object version, stored in the private temporary directory instead."""
        return CacheFile(self, entry.ident, self._scratch_dir(), entry.describe, entry.size)

    def hold(self, entry: CacheFile) -> None:
        """Keep an entry from eviction while it is open in this process."""
        with self._lock:
            self._live[entry.ident] = self._live.get(entry.ident, 0) + 1

    def release(self, entry: CacheFile) -> None:
        with self._lock:
            left = self._live.get(entry.ident, 1) - 1
            if left > 0:
                self._live[entry.ident] = left
            else:
                self._live.pop(entry.ident, None)

    def _directory_for(self, size: int) -> Path:
        if self.directory is not None and size <= self.max_bytes and self._usable_dir():
            return self.directory
        return self._scratch_dir()

    def _usable_dir(self) -> bool:
        if self._usable is None:
            assert self.directory is not None
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                probe = tempfile.NamedTemporaryFile(dir=self.directory, prefix=".probe", delete=True)
                probe.close()
                self._usable = True
            except OSError:
                self._usable = False
            if self._usable:
                self.evict()
        return self._usable

    def _scratch_dir(self) -> Path:
        with self._lock:
            if self._scratch is None:
                self._scratch = Path(tempfile.mkdtemp(prefix="castview-s3-"))
                atexit.register(shutil.rmtree, self._scratch, True)
            return self._scratch

    # -- eviction -------------------------------------------------------------------
    def note_written(self, n: int) -> None:
        with self._lock:
            self._written += n
            due = self._written >= max(1 << 20, min(64 << 20, self.max_bytes // 16))
            if due:
                self._written = 0
        if due and self._usable:
            self.evict()

    def usage(self) -> dict[str, tuple[float, int]]:
        """ident -> (last use, bytes on disk) of every entry in the cache dir."""
        entries: dict[str, list[float]] = {}
        if self.directory is None:
            return {}
        try:
            scan = list(os.scandir(self.directory))
        except OSError:
            return {}
        now = time.time()
        for item in scan:
            stem, dot, ext = item.name.partition(".")
            try:
                st = item.stat()
            except OSError:
                continue
            if not stem:  # ".xxx.tmp" left by a crash while saving
                if now - st.st_mtime > 3600:
                    _unlink(Path(item.path))
                continue
            slot = entries.setdefault(stem, [0.0, 0])
            if ext == "json":
                slot[0] = st.st_mtime
            elif ext == "data":
                slot[0] = slot[0] or st.st_mtime
                slot[1] += st.st_blocks * 512 if hasattr(st, "st_blocks") else st.st_size
        return {k: (v[0], int(v[1])) for k, v in entries.items()}

    def total_bytes(self) -> int:
        return sum(size for _, size in self.usage().values())

    def evict(self) -> int:
        """Remove least recently used entries not open in this process until the cache
        fits in 90% of its maximum. Returns the bytes freed."""
        if self.directory is None:
            return 0
        usage = self.usage()
        total = sum(size for _, size in usage.values())
        if total <= self.max_bytes:
            return 0
        target = int(self.max_bytes * 0.9)
        freed = 0
        with self._lock:
            live = set(self._live)
        for ident, (_, size) in sorted(usage.items(), key=lambda kv: kv[1][0]):
            if total - freed <= target:
                break
            if ident in live or not self._remove(ident):
                continue
            freed += size
            self.evicted += 1
        return freed

    def _remove(self, ident: str) -> bool:
        """Delete an entry unless another process has it open (holds its lock)."""
        assert self.directory is not None
        data = self.directory / f"{ident}.data"
        try:
            fd = os.open(data, os.O_RDWR)
        except FileNotFoundError:
            fd = None
        except OSError:
            return False
        try:
            if fd is not None and not _try_lock(fd):
                return False
            _unlink(self.directory / f"{ident}.json")
            _unlink(data)
            return True
        finally:
            if fd is not None:
                os.close(fd)


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
