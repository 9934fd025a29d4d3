"""What a cache checks before it serves data derived from a recording: is it still that file?

A cache entry keeps the :class:`Fingerprint` of the bytes it was built from and is reused
only when the recording's fingerprint now is the same. For a local file that is its
inode, ctime and mtime (any write or replacement changes the ctime, which `touch` and
os.utime cannot set back), its size, and hashes of its first and last 64 KiB (for
filesystems whose timestamps are too coarse to see two writes within a tick). A storage
that names its versions (an S3 ETag: every read is pinned to it with If-Match) passes
that as the identity instead, and nothing is read.

A file that only grew keeps its old bytes: :func:`only_grew` checks the head and the
last 64 KiB of the old extent, so an index of the old part can be extended instead of
rebuilt, while a file rewritten larger is not taken for a grown one. (Hashing the whole
old extent would also catch a rewrite that kept both of those windows, at the cost of
reading the whole file on every open of a grown one.)
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from .keyframes import Opener

HEAD_BYTES = 64 << 10
TAIL_BYTES = 64 << 10


@dataclass(frozen=True)
class Fingerprint:
    size: int
    mtime: float
    identity: str | None = None
    """The storage's name for this version of the file: inode, ctime and mtime of a local
    file, an S3 ETag; None when the storage has none."""
    head_hash: str | None = None
    """Of the first min(size, HEAD_BYTES) bytes; None when the identity is the storage's own."""
    tail_hash: str | None = None
    """Of the last min(size, TAIL_BYTES) bytes before `size`."""

    def as_json(self) -> dict[str, Any]:
        return {"size": self.size, "mtime": self.mtime, "identity": self.identity,
                "head": self.head_hash, "tail": self.tail_hash}

    @classmethod
    def from_json(cls, value: object) -> Fingerprint:
        """Raises ValueError unless `value` is what as_json gave."""
        if not isinstance(value, dict) or set(value) != {"size", "mtime", "identity", "head", "tail"}:
            raise ValueError("not a fingerprint")
        size, mtime = value["size"], value["mtime"]
        if type(size) is not int or size < 0 or type(mtime) not in (int, float):
            raise ValueError("bad fingerprint size or mtime")
        texts = (value["identity"], value["head"], value["tail"])
        if not all(t is None or isinstance(t, str) for t in texts):
            raise ValueError("bad fingerprint text")
        return cls(size, float(mtime), *texts)


def _hash(f: BinaryIO, start: int, end: int) -> str:
    f.seek(start)
    return hashlib.blake2b(f.read(end - start), digest_size=16).hexdigest()


def _head_hash(f: BinaryIO, size: int) -> str:
    return _hash(f, 0, min(size, HEAD_BYTES))


def _tail_hash(f: BinaryIO, size: int) -> str:
    return _hash(f, max(0, size - TAIL_BYTES), size)


def _file_identity(f: BinaryIO) -> str | None:
    """Inode, ctime and mtime of the regular file behind `f`, if it is one."""
    try:
        st = os.fstat(f.fileno())
    except (AttributeError, OSError, ValueError):  # no file descriptor: not a local file
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return f"inode {st.st_ino} ctime {st.st_ctime_ns} mtime {st.st_mtime_ns}"


def fingerprint(f: BinaryIO, size: int, mtime: float, identity: str | None = None) -> Fingerprint:
    """The fingerprint of the first `size` bytes of the open file `f`, as they are now.
    `identity`: the storage's version name (an S3 ETag), which makes reading unneeded."""
    if identity is not None:
        return Fingerprint(size, float(mtime), identity)
    head = _head_hash(f, size)
    # a file no longer than both windows is read and hashed once: both are the whole of it
    tail = head if size <= min(HEAD_BYTES, TAIL_BYTES) else _tail_hash(f, size)
    return Fingerprint(size, float(mtime), _file_identity(f), head, tail)


def fingerprint_of(opener: Opener, size: int, mtime: float,
                   identity: str | None = None) -> Fingerprint:
    """`fingerprint` of a recording by its opener, opened only when there is something to read."""
    if identity is not None:
        return Fingerprint(size, float(mtime), identity)
    with opener() as f:
        return fingerprint(f, size, mtime)


def only_grew(old: Fingerprint, f: BinaryIO, size: int) -> bool:
    """Whether the file `f`, now `size` bytes long, is the file `old` describes with bytes
    appended: longer, with the same first bytes and the same last bytes of the old extent."""
    if old.head_hash is None or old.tail_hash is None or old.size >= size:
        return False
    return _head_hash(f, old.size) == old.head_hash and _tail_hash(f, old.size) == old.tail_hash
