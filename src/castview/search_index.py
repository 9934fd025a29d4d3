"""The rendered text of recordings on disk, so a second search or `cat` reads no events.

One SQLite file per recording in ``<cache dir>/search/``, named by a hash of the
recording's cache key (the real path of a local file, the s3:// URL of an object) and
reused while the recording's fingerprint (``term.fingerprint``: inode, ctime, mtime, size
and hashes of the head and tail of a local file; the ETag of an S3 object) is the one it
was built from. It holds:

* ``versions``: every form of every screen line (see ``transcript.LineVersion``), with an
  FTS5 trigram index over the text (``detail=none``: small; queries ask for the pattern's
  trigrams and every candidate is checked in Python);
* ``transcript``: the transcript lines, in zlib-compressed JSON chunks;
* ``meta``: format, key, fingerprint, events, duration, frames.

A file is built into a temporary name and renamed into place, so readers never see half
a file and concurrent builders (processes of one `castview grep`, or two commands) do not
lock each other; the last rename wins. A cache that cannot be written is not an error:
the index is then built in memory. A cached file found damaged (SQLite reports it
malformed, a chunk does not decompress) is removed and built again, and reading goes on
in the new one where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import time
import zlib
from itertools import islice
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from .problem_store import ProblemStore
from .term.fingerprint import Fingerprint
from .term.keyframes import Opener
from .transcript import ALTERNATE, HIDDEN, MAIN, LineVersion, TextScan, TranscriptLine, scan_text

FORMAT = 2  # bump when the schema or what the tracker records changes
CACHE_LIMIT = 2 << 30
"""Bytes of search indexes kept; beyond, the oldest built are removed (see prune)."""
STALE_TMP = 3600.0  # seconds after which a temporary file is a dead builder's leftover
BATCH = 2000
CHUNK = 1000  # transcript lines per compressed chunk

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    line INTEGER NOT NULL,
    alt INTEGER NOT NULL,
    row INTEGER NOT NULL,
    time REAL NOT NULL,
    until REAL,
    shown INTEGER NOT NULL,
    text TEXT NOT NULL,
    runs TEXT,
    cols TEXT,
    rows TEXT
);
CREATE VIRTUAL TABLE versions_fts USING fts5(
    text, content='versions', content_rowid='id', tokenize='trigram', detail='none'
);
CREATE TABLE transcript (chunk INTEGER PRIMARY KEY, data BLOB NOT NULL);
"""


# What reading a damaged file raises: SQLite's "malformed", and garbage in a row.
DAMAGE = (sqlite3.DatabaseError, zlib.error, ValueError, TypeError, RecursionError)
T = TypeVar("T")


class IndexCancelled(Exception):
    """Building an index was cancelled."""


class IndexDamaged(sqlite3.DatabaseError):
    """A cached index turned out damaged while it was read; it has been removed, and the
    next open builds it again."""


# the `alt` columns and fields hold the screen of a line as a number
_SCREENS = (MAIN, ALTERNATE, HIDDEN)
_SCREEN_CODES = {screen: code for code, screen in enumerate(_SCREENS)}


def _version_row(v: LineVersion) -> tuple:
    return (v.line, _SCREEN_CODES[v.screen], v.row, v.time, v.until, 1 if v.shown else 0, v.text,
            json.dumps(v.runs, separators=(",", ":")) if v.runs is not None else None,
            json.dumps(v.cols, separators=(",", ":")) if v.cols is not None else None,
            json.dumps(v.rows, separators=(",", ":")) if v.rows is not None else None)


def _version(row: tuple) -> LineVersion:
    _, line, alt, y, time, until, shown, text, runs, cols, rows = row
    return LineVersion(line, _SCREENS[alt], y, time, until, bool(shown), text,
                       tuple((int(i), float(t)) for i, t in json.loads(runs)) if runs else None,
                       tuple(json.loads(cols)) if cols else None,
                       tuple((float(t), int(r)) for t, r in json.loads(rows)) if rows else None)


def build_into(conn: sqlite3.Connection, opener: Opener, name: str, size: int | None = None,
               progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> TextScan:
    """Scan a recording and write its text into an empty database. Raises CastError,
    OSError, IndexCancelled."""
    conn.executescript(_SCHEMA)
    versions: list[tuple] = []
    lines: list[list] = []
    chunks = 0

    def on_version(v: LineVersion) -> None:
        versions.append(_version_row(v))
        if len(versions) >= BATCH:
            flush_versions()

    def flush_versions() -> None:
        conn.executemany("INSERT INTO versions (line, alt, row, time, until, shown, text, runs, cols, rows) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", versions)
        versions.clear()

    def on_line(line: TranscriptLine) -> None:
        lines.append([round(line.time, 6), _SCREEN_CODES[line.screen], line.frame, line.row, line.text])
        if len(lines) >= CHUNK:
            flush_lines()

    def flush_lines() -> None:
        nonlocal chunks
        data = zlib.compress(json.dumps(lines, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)
        conn.execute("INSERT INTO transcript (chunk, data) VALUES (?, ?)", (chunks, data))
        chunks += 1
        lines.clear()

    with opener() as f:
        scan = scan_text(f, name, on_line, on_version, progress, cancelled, size)
    if not scan.complete:
        raise IndexCancelled(name)
    flush_versions()
    if lines:
        flush_lines()
    conn.execute("INSERT INTO versions_fts(versions_fts) VALUES ('rebuild')")
    return scan


class TextIndex:
    """One recording's search index, open for reading."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, built: bool,
                 identity: tuple[int, int] | None = None) -> None:
        self.conn = conn
        self.path = path
        self.built = built
        """True if it was built by this open (False: reused from the cache)."""
        self.meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        self._identity = identity  # (st_dev, st_ino) of the cached file opened
        self.rebuild: Callable[[], TextIndex] | None = None
        """Builds the index again, should the cached file turn out damaged (set by
        SearchIndexStore.open); without it, reading a damaged one raises IndexDamaged."""

    @property
    def duration(self) -> float:
        return float(self.meta.get("duration", 0.0))

    @property
    def events(self) -> int:
        return int(self.meta.get("events", 0))

    def transcript(self) -> Iterator[TranscriptLine]:
        def lines(conn: sqlite3.Connection) -> Iterator[TranscriptLine]:
            for (data,) in conn.execute("SELECT data FROM transcript ORDER BY chunk"):
                for at, alt, frame, row, text in json.loads(zlib.decompress(data)):
                    yield TranscriptLine(at, text, _SCREENS[alt], frame, row)

        return self._read(lines)

    def candidates(self, needle: str | None, check: Callable[[str], bool] | None = None) -> Iterator[LineVersion]:
        """Line versions that may contain `needle` (any case) and whose text passes
        `check`, in the order they were recorded; all of them if needle is None or shorter
        than 3 characters."""
        if needle is not None and len(needle) >= 3:
            grams = list(dict.fromkeys(needle[i:i + 3] for i in range(len(needle) - 2)))
            if len(grams) > 12:  # a spread of them narrows as well as all of them
                step = len(grams) / 12
                grams = [grams[int(k * step)] for k in range(12)] + [grams[-1]]
            query = " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)
            sql = ("SELECT v.* FROM versions_fts JOIN versions v ON v.id = versions_fts.rowid "
                   "WHERE versions_fts MATCH ? ORDER BY v.id")
            params: tuple[str, ...] = (query,)
        else:
            sql, params = "SELECT * FROM versions ORDER BY id", ()

        def versions(conn: sqlite3.Connection) -> Iterator[LineVersion]:
            for row in conn.execute(sql, params):
                if check is None or check(row[7]):
                    yield _version(row)

        return self._read(versions)

    def _read(self, items: Callable[[sqlite3.Connection], Iterator[T]]) -> Iterator[T]:
        """items(conn), going on in a rebuilt index where it stopped if the cached one
        turns out damaged. Raises IndexDamaged when it cannot be rebuilt here."""
        done = 0
        it = items(self.conn)
        while True:
            try:
                item = next(it)
            except StopIteration:
                return
            except DAMAGE as exc:
                self._replace_damaged(exc)
                it = islice(items(self.conn), done, None)  # the same rows, in the same order
                continue
            yield item
            done += 1

    def _replace_damaged(self, exc: Exception) -> None:
        if self.built:
            raise exc  # not a cached file: a real error
        self.discard()
        if self.rebuild is None:
            raise IndexDamaged(f"the search index was damaged and has been removed ({exc})") from exc
        fresh = self.rebuild()
        self.conn.close()
        self.conn, self.path, self.built, self.meta = fresh.conn, fresh.path, True, fresh.meta
        self._identity, self.rebuild = None, None

    def discard(self) -> None:
        """Remove the cached file this index was read from (unless another has replaced it)."""
        if self.path is not None and self._identity is not None:
            _remove_if_same(self.path, self._identity)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "TextIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fingerprint_text(fp: Fingerprint) -> str:
    return json.dumps(fp.as_json(), sort_keys=True)


def _key_text(key: str) -> str:
    """The key as SQLite can store it: a local file's key is its path, whose undecodable
    bytes (a non-UTF-8 file name) Python holds as lone surrogates; they are written as
    `\\udcff` escapes (any other key is unchanged)."""
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def _write_meta(conn: sqlite3.Connection, key: str, fp: Fingerprint, scan: TextScan) -> None:
    meta = {
        "format": FORMAT, "key": _key_text(key), "fingerprint": _fingerprint_text(fp), "events": scan.events,
        "duration": scan.duration, "frames": scan.frames,
        "problems": json.dumps([p.describe() for p in scan.problems or []]),
    }
    conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [(k, str(v)) for k, v in meta.items()])


def _describes(meta: dict, key: str, fp: Fingerprint) -> bool:
    """Whether an index's meta is this version's, of this very file. Raises ValueError or
    KeyError for a meta no index has (a damaged file)."""
    float(meta["duration"])  # what TextIndex.duration and .events read later
    int(meta["events"])
    return (meta.get("format") == str(FORMAT) and meta.get("key") == _key_text(key)
            and meta.get("fingerprint") == _fingerprint_text(fp))


class SearchIndexStore:
    """Search indexes in the cache dir. `builds` counts the indexes this object built."""

    def __init__(self, cache_dir: str | os.PathLike[str]) -> None:
        self.directory = Path(cache_dir) / "search"
        self.builds = 0

    def path_for(self, key: str) -> Path:
        return self.directory / (hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:40] + ".sqlite")

    def _connect(self, path: Path) -> sqlite3.Connection | None:
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        except sqlite3.Error:
            return None
        return conn

    def lookup(self, key: str, fp: Fingerprint) -> TextIndex | None:
        """The cached index if it was built from this very file (the same fingerprint).
        A damaged one is removed."""
        path = self.path_for(key)
        try:
            st = os.stat(path)
        except OSError:
            return None
        identity = (st.st_dev, st.st_ino)
        conn = self._connect(path)
        if conn is None:
            return None
        try:
            index = TextIndex(conn, path, built=False, identity=identity)
            if _describes(index.meta, key, fp):
                return index
        except (*DAMAGE, KeyError):
            _remove_if_same(path, identity)
        conn.close()
        return None

    def build(self, key: str, fp: Fingerprint, opener: Opener, name: str,
              progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> TextIndex:
        """Build the index of a recording (whose fingerprint, taken before, is fp) and keep
        it in the cache (or in memory if the cache cannot be written). Raises CastError,
        OSError, IndexCancelled."""
        size = fp.size
        tmp: str | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            os.close(fd)
            conn = sqlite3.connect(tmp, check_same_thread=False)
        except (OSError, sqlite3.Error):
            tmp = None
            conn = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            # small pages for the many small recordings: an empty index is a dozen b-trees
            conn.execute(f"PRAGMA page_size={1024 if size < (1 << 20) else 4096}")
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            scan = build_into(conn, opener, name, size, progress, cancelled)
            if scan.complete:
                ProblemStore(self.directory.parent).record(key, fp, scan.problems or [])
            _write_meta(conn, key, fp, scan)
            conn.commit()
        except BaseException:
            conn.close()
            if tmp is not None:
                _remove(tmp)
            raise
        self.builds += 1
        if tmp is None:
            return TextIndex(conn, None, built=True)
        conn.close()
        path = self.path_for(key)
        try:
            os.replace(tmp, path)
        except OSError:
            path = Path(tmp)
        conn = self._connect(path)
        if conn is None:  # pragma: no cover - the file was just written
            raise OSError(f"{path}: cannot open the search index just built")
        return TextIndex(conn, path, built=True)

    def prune(self, limit: int = CACHE_LIMIT, keep: Path | None = None) -> int:
        """Remove the indexes built longest ago until at most `limit` bytes are left, and
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
                    elif entry.name.endswith(".sqlite"):
                        entries.append((st.st_mtime, st.st_size, entry.path))
        except OSError:
            return removed
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
             cancelled: Callable[[], bool] | None = None) -> TextIndex:
        """The cached index, else a new one; a cached one found damaged while it is read
        is built again. Raises CastError, OSError, IndexCancelled."""
        index = self.lookup(key, fp)
        if index is None:
            return self.build(key, fp, opener, name, progress, cancelled)
        if progress:
            progress(fp.size, fp.size)
        index.rebuild = lambda: self.build(key, fp, opener, name, progress, cancelled)
        return index


def _remove_if_same(path: Path, identity: tuple[int, int]) -> None:
    """Remove a cached file found damaged, unless a builder has put a new one in its place."""
    try:
        st = os.stat(path)
        if (st.st_dev, st.st_ino) == identity:
            os.remove(path)
    except OSError:
        pass


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
