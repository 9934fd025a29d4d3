"""Many small cache entries in one file: a pack per folder of recordings.

Ten thousand small recordings would otherwise leave ten thousand small files, each
taking a whole filesystem block or more. A pack is a file of records appended one after
another, each ``magic "CVPK", key length (u32), data length (u64), key (UTF-8), data``;
the last record of a key is its value (an empty one: removed). Readers scan the record
headers (seeking over the data) and keep that directory while the file is unchanged.

Writers append under an exclusive ``flock`` on the pack, so processes of one `castview
grep` and several commands share it. A record cut short (a writer that died) or bytes
that are not a record end the directory; the next writer cuts them off before it
appends. When superseded records take more than half of a pack, the writer rewrites it
with the live ones only (to a temporary name, renamed into place). The data is whatever
the caller stores: it checks it when it reads it (see ``search_index``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

MAGIC = b"CVPK"
_RECORD = struct.Struct("<4sIQ")
COMPACT_AT = 1 << 20  # bytes of a pack under which superseded records are left in it
KEY_LIMIT = 1 << 16


class Pack:
    """One pack file. Not thread-safe: every thread has its own (see `pack_at`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int, int] | None = None
        self._directory: dict[str, tuple[int, int]] = {}
        self._end = 0

    def _scan(self, fd: int) -> None:
        """Read the record headers of the open pack `fd` (if it changed since)."""
        st = os.fstat(fd)
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        if stamp == self._stamp:
            return
        size = st.st_size
        if self._stamp is not None and self._stamp[0] == st.st_ino and size >= self._end:
            # Records are only ever appended (a compacted pack is a new file): read on
            # from where the last scan stopped, or the writers of a fleet's thousands of
            # entries would each read every header again.
            directory, pos = self._directory, self._end
        else:
            directory, pos = {}, 0
        while pos + _RECORD.size <= size:
            head = os.pread(fd, _RECORD.size, pos)
            magic, key_len, data_len = _RECORD.unpack(head)
            start = pos + _RECORD.size + key_len
            if magic != MAGIC or key_len > KEY_LIMIT or start + data_len > size:
                break
            try:
                key = os.pread(fd, key_len, pos + _RECORD.size).decode("utf-8", "surrogatepass")
            except UnicodeDecodeError:
                break
            if data_len:
                directory[key] = (start, data_len)
            else:
                directory.pop(key, None)
            pos = start + data_len
        self._directory, self._end, self._stamp = directory, pos, stamp

    def get(self, key: str) -> bytes | None:
        """The value of `key`, or None."""
        found = self.read(key)
        return found[0] if found is not None else None

    def read(self, key: str) -> tuple[bytes, tuple[int, int]] | None:
        """The value of `key` and where it is in the file (see `where`), or None."""
        def fetch(fd: int, where: tuple[int, int]) -> tuple[bytes, tuple[int, int]] | None:
            data = os.pread(fd, where[1], where[0])
            return (data, where) if len(data) == where[1] else None

        return self._look_up(key, fetch)

    def where(self, key: str) -> tuple[int, int] | None:
        """(offset, length) of the value of `key` in the file, or None."""
        return self._look_up(key, lambda fd, where: where)

    def _look_up(self, key: str, fetch: Callable[[int, tuple[int, int]], T | None]) -> T | None:
        """`fetch(fd, where)` of `key` in the file as it is now, or None (no file, no key)."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return None
        try:
            self._scan(fd)
            where = self._directory.get(key)
            return None if where is None else fetch(fd, where)
        finally:
            os.close(fd)

    def names(self) -> list[str]:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return []
        try:
            self._scan(fd)
            return list(self._directory)
        finally:
            os.close(fd)

    def put(self, key: str, data: bytes) -> None:
        """Set the value of `key` (b"": remove it). Raises OSError."""
        record = _RECORD.pack(MAGIC, *_lengths(key, data)) + key.encode("utf-8", "surrogatepass") + data
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path) as fd:
            self._scan(fd)
            if self._end != os.fstat(fd).st_size:
                os.ftruncate(fd, self._end)  # what follows the last whole record is no record
            os.pwrite(fd, record, self._end)
            self._scan(fd)
            live = sum(n for _, n in self._directory.values())
            if self._end > COMPACT_AT and self._end > 2 * live:
                self._compact(fd)

    def _compact(self, fd: int) -> None:
        """Rewrite the pack with its live records only (the caller holds the lock)."""
        tmp_fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        try:
            with os.fdopen(tmp_fd, "wb") as out:
                for key, (start, n) in self._directory.items():
                    data = os.pread(fd, n, start)
                    out.write(_RECORD.pack(MAGIC, *_lengths(key, data)) + key.encode("utf-8", "surrogatepass") + data)
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.remove(tmp)
            raise
        self._stamp, self._directory, self._end = None, {}, 0


_local = threading.local()


def pack_at(path: Path) -> Pack:
    """This thread's Pack of the file at `path` (kept: its directory is read once, then
    only what was appended)."""
    packs: dict[Path, Pack] | None = getattr(_local, "packs", None)
    if packs is None:
        packs = _local.packs = {}
    pack = packs.get(path)
    if pack is None:
        pack = packs[path] = Pack(path)
    return pack


def _lengths(key: str, data: bytes) -> tuple[int, int]:
    raw = key.encode("utf-8", "surrogatepass")
    if len(raw) > KEY_LIMIT:
        raise OSError(f"a pack key of {len(raw)} bytes")
    return len(raw), len(data)


@contextlib.contextmanager
def _locked(path: Path):  # type: ignore[no-untyped-def]
    """The pack open for writing under its lock; the file at `path` once locked (another
    writer may have replaced it by a compacted one meanwhile)."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                yield fd
                return
        finally:
            os.close(fd)
