"""Analysis entries shared between machines: one indexing pass serves every auditor.

A shared cache is a store of blobs (an S3 bucket and prefix, ``sources.s3_shared``)
holding one entry per recording *content*, named by its identity rather than by where
the recording is: an S3 object's ETag and size (the storage's own name for the version:
nothing to read), else the SHA-256 of the file's bytes. Auditors with different cache
dirs find each other's entries, and so do the shards of an indexing job however it is
split (``castview index --shard``).

A shared entry is an entry of the cache dir (``search_index``: a versioned layout of
plain data with a checksum) stamped with the content identity in place of the local key
and fingerprint, named ``<schema>/<hh>/<sha256 of the identity>.cventry``: the schema
names the entry format and every analyzer's version, so castview versions whose entries
differ neither read nor overwrite each other's. One object per recording: a second
auditor's search costs one GET per recording (fetched READERS at a time), a miss one
GET and, once built, one PUT.

An entry fetched is refused above `entry_limit` bytes, checked like a local one
(layout, length, checksum, format, identity, every analyzer's result) and refused when
out of proportion to its recording (`check_proportion`); a good one is
stamped with the local key and fingerprint and kept in the cache dir, a bad one is
ignored: the recording is analysed here and the new entry published in its place.
Failures never stop the work and are reported once per kind and process on the logger
``castview.shared`` (messages carry no credentials: ``sources.s3`` redacts them). A store
that cannot be read is not asked again by the process; one that refuses a write is not
written again.

Trust: whoever can write the shared prefix decides what every auditor's search finds.
Give the indexers write access and the auditors read access only.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from collections.abc import Sequence
from itertools import chain
from typing import Any, Protocol

from ..cast.model import MAX_COLS
from ..search_index import DAMAGE, FORMAT, LAYOUT, TextIndex, _describes, decode, frame
from ..term.fingerprint import Fingerprint
from ..term.keyframes import Opener
from .analyzer import ANALYZERS
from .commands import CommandsAnalyzer

log = logging.getLogger("castview.shared")

SUFFIX = ".cventry"
READERS = 16
"""Entries a fleet search fetches at once (requests wait on the network, not the CPU)."""
HASH_CHUNK = 1 << 20


def entry_limit(size: int) -> int:
    """Bytes a shared entry of a recording of `size` bytes may take (an entry is about a
    quarter of its recording; text-heavy output makes more)."""
    return (16 << 20) + 4 * size


LINE_LIMIT = 8 * MAX_COLS
"""Characters a screen line of a shared entry may hold: a line is at most MAX_COLS cells,
a cell one character plus its combining marks; a line with more marks than this (never
seen outside a forgery) only costs analysing the recording here."""


def text_limit(size: int) -> int:
    """Characters the line versions and transcript of a shared entry of a recording of
    `size` bytes may hold together. Text is what the output drew, but a redraw changing a
    few cells of a wide line (a cursor move and a character: about 8 bytes) stores the
    whole line again, and the transcript mostly repeats the versions: 64 characters a byte
    covers a 1000-column screen redrawn that way (the samples take under 2); the 1 MiB
    covers a short recording that clears and draws full screens."""
    return (1 << 20) + 64 * size


def check_proportion(meta: dict[str, Any], body: memoryview, size: int) -> None:
    """Refuse (ValueError) an entry (see search_index.decode) that a recording of `size`
    bytes could not have made: a bad duration, more events than bytes, more commands than
    events, a command ending before it starts, a line over LINE_LIMIT characters, more
    text than text_limit."""
    if not (math.isfinite(meta["duration"]) and meta["duration"] >= 0):
        raise ValueError("out of proportion: bad duration")
    if not 0 <= meta["events"] <= size:
        raise ValueError("out of proportion: more events than the recording has bytes")
    commands = CommandsAnalyzer.check(meta["analyses"][CommandsAnalyzer.name]["result"])
    if len(commands) > meta["events"]:
        raise ValueError("out of proportion: more commands than events")
    if any(c.end is not None and c.end < c.time for c in commands):
        raise ValueError("out of proportion: a command ends before it starts")
    left = text_limit(size)
    index = TextIndex(meta, body, None, built=True)  # built: a damage raises, nothing to rebuild
    for text in chain((v.text for v in index.candidates(None)), (t.text for t in index.transcript())):
        left -= len(text)
        if len(text) > LINE_LIMIT:
            raise ValueError(f"out of proportion: a line of {len(text)} characters")
        if left < 0:
            raise ValueError("out of proportion: more text than the recording could draw")


class BlobStore(Protocol):
    """Where shared entries are kept, by name. Picklable (worker processes publish)."""

    label: str
    """Where it is, for messages (never a credential)."""

    def get(self, name: str, limit: int) -> bytes | None:
        """The blob `name`; None when there is none. Raises ValueError when it is over
        `limit` bytes or comes short, OSError when the store cannot be read."""

    def put(self, name: str, data: bytes) -> None:
        """Raises OSError."""

    def exists(self, name: str) -> bool:
        """Raises OSError."""


def identity(fp: Fingerprint, opener: Opener) -> str:
    """What names a recording's content wherever it is: the storage's version name (an
    S3 ETag) with the size, else the SHA-256 of its first `fp.size` bytes. Raises OSError."""
    if fp.identity is not None and fp.head_hash is None:
        return f"etag {fp.identity} size {fp.size}"
    digest = hashlib.sha256()
    left = fp.size
    with opener() as f:
        while left > 0:
            chunk = f.read(min(HASH_CHUNK, left))
            if not chunk:
                raise OSError(f"{getattr(f, 'name', 'the recording')}: shorter than {fp.size} bytes")
            digest.update(chunk)
            left -= len(chunk)
    return f"sha256 {digest.hexdigest()}"


def schema() -> str:
    """The entry format and analyzer versions: entries of another schema are others'."""
    return f"entry-f{FORMAT}-l{LAYOUT}-" + "-".join(f"{c.name}{c.version}" for c in ANALYZERS)


def _stamp(fp: Fingerprint, ident: str) -> Fingerprint:
    """The fingerprint a shared entry carries: the content's, not a machine's file's."""
    return Fingerprint(fp.size, 0.0, ident)


_said: set[str] = set()
_said_lock = threading.Lock()


def _say_once(kind: str, message: str) -> None:
    with _said_lock:
        if kind in _said:
            return
        _said.add(kind)
    log.warning(message)


class SharedCache:
    """Reads and writes entries in a BlobStore. Thread-safe; picklable."""

    def __init__(self, store: BlobStore) -> None:
        self.store = store
        self._start()

    def _start(self) -> None:
        self.reading = True
        self.writing = True
        self.fetched = 0
        self.published = 0
        self.rejected = 0
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"store": self.store}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.store = state["store"]
        self._start()

    @property
    def label(self) -> str:
        return self.store.label

    def name_for(self, ident: str) -> str:
        digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()
        return f"{schema()}/{digest[:2]}/{digest}{SUFFIX}"

    def _count(self, what: str) -> None:
        with self._lock:
            setattr(self, what, getattr(self, what) + 1)

    def fetch(self, key: str, fp: Fingerprint, opener: Opener) -> bytes | None:
        """The shared entry of the recording `key` (now `fp`), stamped as an entry of the
        cache dir; None when there is none or it is bad."""
        if not self.reading:
            return None
        try:
            ident = identity(fp, opener)
        except OSError:
            return None  # the analysis meets the error again and reports it
        name = self.name_for(ident)
        try:
            data = self.store.get(name, entry_limit(fp.size))
            if data is None:
                return None
            meta, body = decode(data, ident)
            if not _describes(meta, _stamp(fp, ident)):
                raise ValueError("of another recording or analyzer version")
            check_proportion(meta, body, fp.size)
        except OSError as exc:
            self.reading = False
            _say_once("read", f"cannot read the shared cache {self.label} ({exc}); going on without it")
            return None
        except (*DAMAGE, AttributeError) as exc:
            self._count("rejected")
            _say_once("bad", f"ignored a bad entry in the shared cache ({self.label}/{name}: {exc}); "
                             "analysing the recording here")
            return None
        self._count("fetched")
        return b"".join(frame({**meta, "key": key, "fingerprint": fp.as_json()}, [body]))

    def publish(self, fp: Fingerprint, opener: Opener, meta: dict[str, Any], body: memoryview,
                unless_there: bool = False) -> bool:
        """Put an entry of the cache dir (`meta`, `body`: see search_index.decode) of the
        recording now `fp` into the shared cache (`unless_there`: only if it has none).
        True if it was put."""
        if not self.writing:
            return False
        try:
            ident = identity(fp, opener)
        except OSError:
            return False
        name = self.name_for(ident)
        parts: Sequence[bytes | memoryview] = frame(
            {**meta, "key": ident, "fingerprint": _stamp(fp, ident).as_json()}, [body])
        if sum(map(len, parts)) > entry_limit(fp.size):
            return False
        try:
            if unless_there and self.store.exists(name):
                return False
            self.store.put(name, b"".join(parts))
        except OSError as exc:
            self.writing = False
            _say_once("write", f"cannot write to the shared cache {self.label} ({exc}); not writing to it again")
            return False
        self._count("published")
        return True


_current: SharedCache | None = None


def use(cache: SharedCache | None) -> SharedCache | None:
    """Make `cache` the process's shared cache (one command per process: the CLI sets it
    from --cache-url or the cache_url setting). Returns the one it replaces."""
    global _current
    previous, _current = _current, cache
    return previous


def current() -> SharedCache | None:
    """The process's shared cache (None: none)."""
    return _current
