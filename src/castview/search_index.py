"""What the analysis pass found in a recording, on disk: one entry per recording.

An entry holds the recording's search
text and transcript (compressed blocks, see ``analysis.text``), and each analyzer's
result (``analysis.ANALYZERS``: the facts of `castview info`, ...). It is found by the
recording's cache key (the real path of a local file, the s3:// URL of an object): one
under PACK_LIMIT bytes in the pack of the recording's folder
(``<cache dir>/search/packs/<hash of the folder>.pack``, see ``analysis.pack``: ten
thousand small recordings make twenty files, not ten thousand), a bigger one in a file of
its own (``<cache dir>/search/<hash of the key>.entry``). It is reused while the
recording's fingerprint (``term.fingerprint``) is the one it was built from and it holds
the result of every analyzer in its current version.

Layout (little-endian)::

    header  magic "CVENTRY\\n", layout version (u32), metadata length (u64), body length
            (u64), CRC-32 of metadata and body (u32)
    meta    ASCII JSON (a zstd frame): format, key, fingerprint, events, duration, frames, problems,
            hidden-output anomalies, analyzers' results, the body's block directory
    body    the compressed blocks and chunks (zstd frames)

or, for a small recording ("solid" in the metadata), layout SOLID: the header (metadata
length: the metadata's in the frame; body length: the frame's) and one zstd frame of the
metadata followed by the blocks and chunks as they are (a tenth smaller than a frame each).

Plain data only: a file that is truncated, corrupt (the CRC), of another layout, or whose
fields do not check out is not an entry; it is removed and built again, and reading goes
on in the new one where it stopped. Building the entry replays the recording once, and
takes its seek keyframes in the same replay when the keyframe cache has none
(``term.index_store``). An entry is written to a temporary name and renamed into place,
so readers never see half a file and concurrent builders do not wait for each other.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import struct
import tempfile
import threading
import time
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import zstandard

from .analysis import ANALYZERS
from .analysis.fields import SCREENS, BlockFields
from .analysis.pack import Pack, pack_at
from .analysis.run import PassResult, analyse
from .analysis.text import ENCODING, dictionary, small_compressor
from .cast.model import Problem
from .hidden import Anomaly
from .problem_store import ProblemStore
from .term.fingerprint import Fingerprint
from .term.index_store import IndexStore
from .term.keyframes import Opener, Replay
from .transcript import LineVersion, TranscriptLine

if TYPE_CHECKING:
    from .analysis.shared import SharedCache

FORMAT = 5  # bump when what the entry records changes, or how (analysis.text.DICTIONARY)
MAGIC = b"CVENTRY\n"
LAYOUT = 1
SOLID = 2
ENTRY_HEADER = struct.Struct("<8sIQQI")
SUFFIX = ".entry"
PACK_SUFFIX = ".pack"
PACK_LIMIT = 256 << 10
"""Entries under this many bytes go into their folder's pack."""
CACHE_LIMIT = 2 << 30
"""Bytes of entries kept; beyond, the oldest built are removed (see prune)."""
KEYFRAMES_FROM = 1 << 20
"""Bytes of a recording from which the pass takes its seek keyframes too (a smaller one
replays from its start in a moment)."""
FRAME_LIMIT = 64 << 20  # bytes a compressed part of an entry holds at most (see analysis.text)
STALE_TMP = 3600.0  # seconds after which a temporary file is a dead builder's leftover

# What reading a damaged or forged entry raises.
DAMAGE = (zstandard.ZstdError, ValueError, TypeError, KeyError, IndexError, RecursionError, UnicodeError, struct.error)
T = TypeVar("T")


class IndexCancelled(Exception):
    """Building an index was cancelled."""


class IndexDamaged(ValueError):
    """A cached entry turned out damaged while it was read; it has been removed, and the
    next open builds it again."""


# --------------------------------------------------------------------------- the file

def encode(key: str, fp: Fingerprint, scan: PassResult) -> list[bytes | memoryview]:
    """The entry of a pass over the recording `key` (as `fp` describes it), in parts."""
    packer = scan.packer
    meta = {
        "format": FORMAT, "key": key, "fingerprint": fp.as_json(), "events": scan.events,
        "duration": scan.duration, "frames": scan.frames,
        "problems": [[p.line, p.message] for p in scan.problems], "incomplete_tail": scan.incomplete_tail,
        "hidden": [list(a) for a in scan.anomalies],
        "analyses": scan.results, "blocks": packer.blocks, "chunks": packer.chunks, "solid": packer.solid,
    }
    return frame(meta, packer.parts)


def frame(meta: dict[str, Any], body: Sequence[bytes | memoryview]) -> list[bytes | memoryview]:
    """An entry of `meta` and the body parts, in parts (see the layout above)."""
    if meta["solid"]:
        plain = json.dumps(meta, separators=(",", ":")).encode("ascii")
        payload = small_compressor().compress(b"".join([plain, *body]))
        return [ENTRY_HEADER.pack(MAGIC, SOLID, len(plain), len(payload), zlib.crc32(payload)), payload]
    meta_bytes = small_compressor().compress(json.dumps(meta, separators=(",", ":")).encode("ascii"))
    crc = zlib.crc32(meta_bytes)
    for part in body:
        crc = zlib.crc32(part, crc)
    header = ENTRY_HEADER.pack(MAGIC, LAYOUT, len(meta_bytes), sum(map(len, body)), crc)
    return [header, meta_bytes, *body]


def decode(data: bytes, key: str) -> tuple[dict[str, Any], memoryview]:
    """The metadata and body of an entry, if it is one of the recording `key` in this
    format. Raises ValueError."""
    magic, layout, meta_len, body_len, crc = ENTRY_HEADER.unpack_from(data)
    if magic != MAGIC or layout not in (LAYOUT, SOLID):
        raise ValueError("not an entry of this layout")
    solid = layout == SOLID
    if len(data) != ENTRY_HEADER.size + body_len + (0 if solid else meta_len):
        raise ValueError("truncated or padded")
    view = memoryview(data)[ENTRY_HEADER.size:]
    if zlib.crc32(view) != crc:
        raise ValueError("corrupt (checksum)")
    if solid:
        view = memoryview(unframe(view))
        if meta_len > len(view):
            raise ValueError("bad metadata length")
        meta = json.loads(bytes(view[:meta_len]).decode("ascii"))
    else:
        meta = json.loads(unframe(view[:meta_len]).decode("ascii"))
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("key") != key:
        raise ValueError("another format or recording")
    for field, kind in (("events", int), ("duration", (int, float)), ("frames", int), ("blocks", list),
                        ("chunks", list), ("analyses", dict), ("problems", list), ("hidden", list),
                        ("incomplete_tail", bool), ("solid", bool)):
        if not isinstance(meta.get(field), kind):
            raise ValueError(f"bad {field}")
    if meta["solid"] is not solid:
        raise ValueError("bad solid")
    body = view[meta_len:]
    body_len = len(body)
    for entry in meta["blocks"]:
        _check_span(entry[0], entry[1] + entry[2], body_len)
        if type(entry[3]) is not int or entry[3] < 1:
            raise ValueError("bad block")
    for at, n in meta["chunks"]:
        _check_span(at, n, body_len)
    return meta, body


def unframe(data: memoryview) -> bytes:
    """The contents of a zstd frame of an entry, refused if it says it holds more than
    FRAME_LIMIT bytes (a forged entry must not make us allocate gigabytes)."""
    if not 0 <= zstandard.frame_content_size(data) <= FRAME_LIMIT:
        raise ValueError("bad frame size")
    return _decompressor().decompress(data)


_local = threading.local()


def _decompressor() -> zstandard.ZstdDecompressor:
    """This thread's zstd decompressor (one per thread: it is not thread-safe), with the
    dictionary of small parts (a frame made without one decodes all the same)."""
    d = getattr(_local, "decompressor", None)
    if d is None:
        d = _local.decompressor = zstandard.ZstdDecompressor(dict_data=dictionary())
    return d


def _check_span(at: Any, n: Any, size: int) -> None:
    if type(at) is not int or type(n) is not int or at < 0 or n < 0 or at + n > size:
        raise ValueError("bad span")


# --------------------------------------------------------------------------- reading

class TextIndex:
    """One recording's entry, open for reading (held in memory: it is small)."""

    def __init__(self, meta: dict[str, Any], body: memoryview, path: Path | None, built: bool,
                 discard: Callable[[], None] | None = None) -> None:
        self.meta = meta
        self.body = body
        self.path = path
        """The file it is kept in (its own, or its folder's pack); None: in memory only."""
        self.built = built
        """True if it was built by this open (False: reused from the cache)."""
        self.shared = False
        """True if it came from the shared cache (``analysis.shared``) in this open."""
        self._discard = discard  # removes the cached entry read, unless replaced since
        self.rebuild: Callable[[], TextIndex] | None = None
        """Builds the entry again, should the cached one turn out damaged (set by
        SearchIndexStore.open); without it, reading a damaged one raises IndexDamaged."""

    @property
    def duration(self) -> float:
        return float(self.meta["duration"])

    @property
    def events(self) -> int:
        return int(self.meta["events"])

    @property
    def problems(self) -> list[Problem]:
        return [Problem(None if line is None else int(line), str(message)) for line, message in self.meta["problems"]]

    @property
    def incomplete_tail(self) -> bool:
        """The file ended in a half-written line."""
        return bool(self.meta["incomplete_tail"])

    @property
    def anomalies(self) -> list[Anomaly]:
        """The string sequences that swallowed output (see ``hidden``)."""
        return [Anomaly(float(t), str(kind), int(n), bool(done)) for t, kind, n, done in self.meta["hidden"]]

    def result(self, name: str) -> Any:
        """The result of the analyzer `name` (in ANALYZERS), as its `check` gives it
        (checked when the entry was read)."""
        cls = next(c for c in ANALYZERS if c.name == name)
        return cls.check(self.meta["analyses"][name]["result"])

    def _part(self, at: int, n: int) -> bytes:
        """The contents of the body's part of `n` bytes at `at`."""
        part = self.body[at:at + n]
        return bytes(part) if self.meta["solid"] else unframe(part)

    def _texts(self, block: list[int]) -> str:
        return self._part(block[0], block[1]).decode(*ENCODING)

    def _fields(self, block: list[int]) -> BlockFields:
        return BlockFields(self._part(block[0] + block[1], block[2]).decode("ascii"), block[3])

    def transcript(self) -> Iterator[TranscriptLine]:
        def lines(index: TextIndex) -> Iterator[TranscriptLine]:
            blocks = index.meta["blocks"]
            firsts = list(accumulate((b[3] for b in blocks), initial=0))
            cached: tuple[int, list[str]] = (-1, [])
            ref = 0
            for at, n in index.meta["chunks"]:
                chunk = json.loads(index._part(at, n).decode(*ENCODING))
                for t, screen, frame, row, text in chunk:
                    if type(text) is int:  # a version's number (from the last one's): its text
                        ref += text
                        text = ref
                        b = bisect_right(firsts, text) - 1
                        if not 0 <= b < len(blocks):
                            raise ValueError("bad version number")
                        if b != cached[0]:
                            cached = (b, index._texts(blocks[b]).split("\n"))
                        text = cached[1][text - firsts[b]]
                    yield TranscriptLine(float(t), str(text), SCREENS[screen], int(frame), int(row))

        return self._read(lines)

    def candidates(self, needle: str | None, check: Callable[[str], bool] | None = None,
                   fold: bool = True) -> Iterator[LineVersion]:
        """Line versions whose text contains `needle` (in any case if `fold`) and passes
        `check`, in the order they were recorded; all (that pass `check`) if needle is None."""
        find = _finder(needle, fold)

        def versions(index: TextIndex) -> Iterator[LineVersion]:
            for block in index.meta["blocks"]:
                texts = index._texts(block)
                fields: BlockFields | None = None
                for i, start, end in _lines_with(texts, find):
                    text = texts[start:end]
                    if check is None or check(text):
                        if fields is None:
                            fields = index._fields(block)
                        yield fields.version(i, text)

        return self._read(versions)

    def _read(self, items: Callable[[TextIndex], Iterator[T]]) -> Iterator[T]:
        """items(self), going on in a rebuilt entry where it stopped if the cached one
        turns out damaged. Raises IndexDamaged when it cannot be rebuilt here."""
        done = 0
        it = items(self)
        while True:
            try:
                item = next(it)
            except StopIteration:
                return
            except DAMAGE as exc:
                self._replace_damaged(exc)
                it = islice(items(self), done, None)  # the same items, in the same order
                continue
            yield item
            done += 1

    def _replace_damaged(self, exc: Exception) -> None:
        if self.built:
            raise exc  # not a cached entry: a real error
        self.discard()
        if self.rebuild is None:
            raise IndexDamaged(f"the search index was damaged and has been removed ({exc})") from exc
        fresh = self.rebuild()
        self.meta, self.body, self.path, self.built = fresh.meta, fresh.body, fresh.path, True
        self._discard, self.rebuild = None, None

    def discard(self) -> None:
        """Remove the cached entry this one was read from (unless another has replaced it)."""
        if self._discard is not None:
            self._discard()

    def close(self) -> None:
        self.body = memoryview(b"")

    def __enter__(self) -> TextIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# The characters beyond ASCII that `re` takes for an ASCII letter when it ignores case
# (tests/test_search_data.py checks the list against every code point).
_LIKE_ASCII = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}


def _finder(needle: str | None, fold: bool) -> Callable[[str, int], re.Match[str] | None] | None:
    """What finds `needle` (in any case if `fold`) in texts joined by line feeds; None
    when it cannot narrow anything (no needle, or one that holds a line feed)."""
    if not needle or "\n" in needle:
        return None
    if fold and needle.isascii():
        # As a case-sensitive pattern of character sets: `re` scans for it several times
        # faster than for the same pattern with IGNORECASE.
        return re.compile("".join(f"[{c.lower()}{c.upper()}{_LIKE_ASCII.get(c.lower(), '')}]" if c.isalpha()
                                  else re.escape(c) for c in needle)).search
    return re.compile(re.escape(needle), re.IGNORECASE if fold else 0).search


def _lines_with(texts: str, find: Callable[[str, int], re.Match[str] | None] | None) -> Iterator[tuple[int, int, int]]:
    """(number, start, end) of the lines of `texts` (joined by line feeds) in which `find`
    finds something; every line if find is None."""
    if find is None:
        start = 0
        for i, line in enumerate(texts.split("\n")):
            yield i, start, start + len(line)
            start += len(line) + 1
        return
    i = 0
    counted = 0  # the line number of offset `counted`
    pos = 0
    while (m := find(texts, pos)) is not None:
        at = m.start()
        i += texts.count("\n", counted, at)
        counted = at
        start = texts.rfind("\n", 0, at) + 1
        end = texts.find("\n", at)
        if end < 0:
            end = len(texts)
        yield i, start, end
        pos = end + 1


# --------------------------------------------------------------------------- the store

def _describes(meta: dict[str, Any], fp: Fingerprint) -> bool:
    """Whether an entry is of this very file, with every analyzer's result in its current
    version. Raises ValueError, TypeError, KeyError for a result that does not check out."""
    analyses = meta["analyses"]
    if meta.get("fingerprint") != fp.as_json() \
            or not all(analyses.get(c.name, {}).get("version") == c.version for c in ANALYZERS):
        return False
    for c in ANALYZERS:
        c.check(analyses[c.name]["result"])
    return True


class SearchIndexStore:
    """Analysis entries in the cache dir, and in the shared cache when there is one
    (`shared`, else the process's: ``analysis.shared.current``). `builds` counts the
    entries this object built."""

    def __init__(self, cache_dir: str | os.PathLike[str], shared: SharedCache | None = None) -> None:
        self.directory = Path(cache_dir) / "search"
        self.keyframes = IndexStore(Path(cache_dir))
        self.builds = 0
        self._pack_paths: dict[str, Path] = {}
        if shared is None:
            from .analysis.shared import current

            shared = current()
        self.shared = shared

    def path_for(self, key: str) -> Path:
        """The file of the recording `key`'s entry when it is too big for a pack."""
        return self.directory / (_hash(key) + SUFFIX)

    def pack_for(self, key: str) -> Pack:
        """The pack of the folder of the recording `key`."""
        folder = key.rsplit("/", 1)[0]
        path = self._pack_paths.get(folder)
        if path is None:  # (a fleet's thousands of recordings are in a few folders)
            path = self._pack_paths[folder] = self.directory / "packs" / (_hash(folder) + PACK_SUFFIX)
        return pack_at(path)

    def lookup(self, key: str, fp: Fingerprint) -> TextIndex | None:
        """The cached entry if it was built from this very file (the same fingerprint)
        by this version. A damaged one is removed."""
        # A fleet's entries are mostly in packs: look there first.
        pack = self.pack_for(key)
        packed = pack.read(key)
        if packed is not None:
            data, where = packed
            return self._read(key, fp, data, pack.path, lambda: _unpack_if_same(pack, key, where))
        path = self.path_for(key)
        try:
            with open(path, "rb") as f:
                st = os.fstat(f.fileno())
                data = f.read()
        except OSError:
            return None
        identity = (st.st_dev, st.st_ino)
        return self._read(key, fp, data, path, lambda: _remove_if_same(path, identity))

    def _read(self, key: str, fp: Fingerprint, data: bytes, path: Path,
              discard: Callable[[], None]) -> TextIndex | None:
        try:
            meta, body = decode(data, key)
            if _describes(meta, fp):
                return TextIndex(meta, body, path, built=False, discard=discard)
        except (*DAMAGE, AttributeError):
            discard()
        return None

    def adopt(self, key: str, fp: Fingerprint, opener: Opener) -> TextIndex | None:
        """The shared cache's entry of this recording's content, kept in the cache dir;
        None when there is no shared cache or no good entry in it."""
        data = self.shared.fetch(key, fp, opener) if self.shared is not None else None
        if data is None:
            return None
        meta, body = decode(data, key)
        index = TextIndex(meta, body, self._write(key, data), built=False, discard=lambda: self._write(key, b""))
        index.shared = True
        ProblemStore(self.directory.parent).record(key, fp, index.problems)
        return index

    def build(self, key: str, fp: Fingerprint, opener: Opener, name: str,
              progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None, replay: Replay | None = None) -> TextIndex:
        """Replay a recording (whose fingerprint, taken before, is fp) once for its entry,
        and its keyframes if none are cached and it is big enough to need them; keep both
        in the cache (the entry in memory if the cache cannot be written) and the entry in
        the shared cache. `replay`: the player's, whose keyframes (if it has none yet) are
        taken in that replay whatever the size, while it seeks in what is built so far.
        Raises CastError, OSError,
        IndexCancelled."""
        if replay is None and fp.size >= KEYFRAMES_FROM:
            with opener() as f:
                cached = self.keyframes.load(key, fp, f)
            replay = Replay(opener, name, cached)
        fresh = replay is not None and replay.fresh
        scan = analyse(opener, name, fp.size, replay, progress, cancelled)
        if scan is None:
            raise IndexCancelled(name)
        if fresh:
            assert replay is not None
            self.keyframes.save(key, fp, replay.index)
        ProblemStore(self.directory.parent).record(key, fp, scan.problems)
        parts = encode(key, fp, scan)
        self.builds += 1
        data = b"".join(parts)
        path = self._write(key, data)
        meta, body = decode(data, key)
        if self.shared is not None:
            self.shared.publish(fp, opener, meta, body)
        return TextIndex(meta, body, path, built=True)

    def _write(self, key: str, data: bytes) -> Path | None:
        """Keep an entry (atomically); None when the cache cannot be written (not an error)."""
        pack = self.pack_for(key)
        try:
            if len(data) < PACK_LIMIT:
                pack.put(key, data)
                _remove(str(self.path_for(key)))  # an entry of the file when it was bigger
                return pack.path
            self._write_file(self.path_for(key), data)
            if pack.where(key) is not None:
                pack.put(key, b"")
            return self.path_for(key)
        except OSError:
            return None

    def _write_file(self, path: Path, data: bytes) -> None:
        tmp = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except OSError:
            if tmp is not None:
                _remove(tmp)
            raise

    def prune(self, limit: int = CACHE_LIMIT, keep: Path | None = None) -> int:
        """Remove the entries built longest ago until at most `limit` bytes are left, and
        temporary files of builders that died. Returns the bytes removed."""
        now = time.time()
        entries = []
        removed = 0
        try:
            with os.scandir(self.directory) as it:
                for entry in it:
                    try:
                        st = entry.stat()
                    except OSError:
                        continue
                    if entry.name.endswith(".tmp"):
                        if now - st.st_mtime > STALE_TMP:
                            _remove(entry.path)
                            removed += st.st_size
                    elif entry.name.endswith(SUFFIX):
                        entries.append((st.st_mtime, st.st_size, entry.path))
        except OSError:
            return removed
        packs = self.directory / "packs"
        with contextlib.suppress(OSError), os.scandir(packs) as it:
            for entry in it:
                with contextlib.suppress(OSError):
                    if entry.name.endswith(PACK_SUFFIX):
                        st = entry.stat()
                        entries.append((st.st_mtime, st.st_size, entry.path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= limit:
                break
            if keep is not None and Path(path) == keep:
                continue
            _remove(path)
            total -= size
            removed += size
        return removed

    def open(self, key: str, fp: Fingerprint, opener: Opener, name: str,
             progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None, replay: Replay | None = None,
             adopt: bool = True) -> TextIndex:
        """The cached entry, else the shared cache's (unless not `adopt`: it has none),
        else a new one (see `build`); a cached one found damaged while it is read is built
        again. Raises CastError, OSError, IndexCancelled."""
        index = self.lookup(key, fp) or (self.adopt(key, fp, opener) if adopt else None)
        if index is None:
            return self.build(key, fp, opener, name, progress, cancelled, replay)
        if progress:
            progress(fp.size, fp.size)
        index.rebuild = lambda: self.build(key, fp, opener, name, progress, cancelled)
        return index


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _unpack_if_same(pack: Pack, key: str, where: tuple[int, int] | None) -> None:
    """Remove an entry found damaged from its pack, unless a builder has put a new one."""
    with contextlib.suppress(OSError):
        if pack.where(key) == where:
            pack.put(key, b"")


def _remove_if_same(path: Path, identity: tuple[int, int]) -> None:
    """Remove a cached file found damaged, unless a builder has put a new one in its place."""
    with contextlib.suppress(OSError):
        st = os.stat(path)
        if (st.st_dev, st.st_ino) == identity:
            os.remove(path)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)
