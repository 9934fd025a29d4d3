"""Problems found in recordings, remembered so that once found they are shown everywhere.

A listing reads only a recording's header and last line, so garbage in the middle of a
file is found only by a full read: the player's keyframe index, `info`, `export`,
`index`, `grep`'s search index. Each of them records what it found here (through
:meth:`ProblemStore.record`, hooked into the keyframe and search index stores), and every
listing (`ls`, `ls --json`, the browser, `info`'s record) asks :meth:`ProblemStore.known`,
which marks the recording damaged; a listing of many reads them all at once instead
(:meth:`ProblemStore.snapshot`).

One small JSON file per recording in the cache dir's `problems/` folder, named by a hash
of the recording's cache key and kept with the size and mtime of the version the problems
were found in: a file that changed since (grew, rewritten) has nothing known until it is
read in full again. The files are parsed and checked like any input; one that does not
read as an entry is ignored (and overwritten by the next record).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from .cast.model import Problem
from .term.fingerprint import Fingerprint

FOLDER = "problems"
FORMAT = 2
"""Bumped when the reader stops counting something as a problem (2: a PTY-less 0x0
header), so that entries an older reader wrote no longer mark recordings damaged."""
MAX_ENTRY_BYTES = 64 << 10
"""An entry is a few lines of text; anything larger in the folder is not one of ours."""
KEPT = 20
"""Problems kept per recording (the first ones, in line order): enough to show; the
full read lists them all."""


INCOMPLETE_LINE = "the last line is incomplete (cut off: the recorder stopped mid-write)"


def incomplete_line_problem(line: int) -> Problem:
    """A last line cut off in a recording no longer being written: the recorder stopped
    mid-write (while the recording is live, half a line is the recorder caught writing).
    Not kept in the store: a listing sees it itself (truncated)."""
    return Problem(line, INCOMPLETE_LINE)


class ProblemStore:
    def __init__(self, cache_dir: str | os.PathLike[str]) -> None:
        self.directory = Path(cache_dir) / FOLDER

    def _path(self, key: str) -> Path:
        return self.directory / (hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:40] + ".json")

    def record(self, key: str, fp: Fingerprint, problems: Sequence[Problem]) -> None:
        """Remember the problems a full read of the version `fp` of recording `key` found
        (nothing to remember when there are none). A cache that cannot be written is not
        an error."""
        if not problems:
            return
        entry = {
            "format": FORMAT,
            "key": _stored_key(key),
            "size": fp.size,
            "mtime": fp.mtime,
            "problems": [{"line": p.line, "message": p.message} for p in problems[:KEPT]],
        }
        tmp = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="ascii") as f:
                json.dump(entry, f)
            os.replace(tmp, self._path(key))
        except OSError:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.remove(tmp)

    def known(self, key: str, size: int, mtime: float) -> tuple[Problem, ...]:
        """The problems recorded for recording `key` as it is now (`size` bytes, modified
        at `mtime`); () when none were, or it changed since."""
        try:
            with open(self._path(key), "rb") as f:
                data = f.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return ()
        try:
            stored, version, problems = _parse(data)
        except (ValueError, TypeError, KeyError):
            return ()
        return problems if stored == _stored_key(key) and version == (size, mtime) else ()

    def snapshot(self, most: int) -> ProblemSnapshot | None:
        """Every entry, read at once, for a listing that asks about many recordings; None
        when there are more than `most` (reading an entry costs about what asking for one
        does, so a listing of N recordings passes N)."""
        try:
            names = [name for name in os.listdir(self.directory) if name.endswith(".json")]
        except OSError:
            names = []
        if len(names) > most:
            return None
        entries: dict[tuple[int, float], list[tuple[str, tuple[Problem, ...]]]] = {}
        for name in names:
            try:
                with open(self.directory / name, "rb") as f:
                    stored, version, problems = _parse(f.read(MAX_ENTRY_BYTES + 1))
            except (OSError, ValueError, TypeError, KeyError):
                continue
            entries.setdefault(version, []).append((stored, problems))
        return ProblemSnapshot(entries)


class ProblemSnapshot:
    """The store's entries as they were when read, by the version (size, mtime) each was
    found in: a recording of a version no entry has (nearly all of them) is answered
    without its real path, a hash or a failed open, the store's cost per recording."""

    def __init__(self, entries: dict[tuple[int, float], list[tuple[str, tuple[Problem, ...]]]]) -> None:
        self._entries = entries

    def known(self, key: Callable[[], str], size: int, mtime: float) -> tuple[Problem, ...]:
        """As ProblemStore.known; `key` is asked for only when an entry of this version exists."""
        candidates = self._entries.get((size, mtime))
        if not candidates:
            return ()
        wanted = _stored_key(key())
        return next((problems for stored, problems in candidates if stored == wanted), ())


def _stored_key(key: str) -> str:
    """A key as an entry holds it (a name that is not UTF-8, escaped)."""
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def _parse(data: bytes) -> tuple[str, tuple[int, float], tuple[Problem, ...]]:
    """An entry's key (as stored), the version (size, mtime) its problems were found in and
    the problems. Raises ValueError, TypeError or KeyError for what is not an entry."""
    if len(data) > MAX_ENTRY_BYTES:
        raise ValueError("too large")
    entry = json.loads(data.decode("ascii"))
    if not isinstance(entry, dict) or entry["format"] != FORMAT:
        raise ValueError("not an entry")
    key, size = entry["key"], entry["size"]
    if not isinstance(key, str) or type(size) is not int:
        raise ValueError("not an entry")
    problems = []
    for item in entry["problems"]:
        line, message = item["line"], item["message"]
        if not (line is None or type(line) is int) or not isinstance(message, str):
            raise ValueError("bad problem")
        problems.append(Problem(line, message))
    return key, (size, float(entry["mtime"])), tuple(problems)
