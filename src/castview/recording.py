"""One recording, wherever its bytes live: the handle the player, the CLI and search open it by.

A `Recording` is built from what the user named on the command line (`from_spec`: a path or
`s3://bucket/key`) or from a listed `RecordingRef` and its source (`from_ref`). Everything
downstream (the keyframe index, the search index, follow, export) asks it for fresh file
handles, its cache key and its version, and never cares where the bytes are.

`error_message` is the one place an exception met while reading a recording becomes the
line the user sees.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .cast.model import CastError
from .sources.base import RecordingRef, Source, SourceError
from .sources.layout import format_ns, name_time_ns
from .sources.s3_url import is_s3_url
from .sources.safe_open import NotRegularFile, open_regular

if TYPE_CHECKING:
    from .sources.catalog import RecordingSummary
    from .sources.s3 import S3Options
    from .term.index_store import Fingerprint, IndexStore
    from .term.keyframes import Replay


@dataclass(frozen=True)
class Recording:
    location: str
    """What the user named or the listing found: a path or s3://bucket/key (for messages)."""
    name: str
    cache_key: str
    """The key of its caches: the real path of a local file, the s3:// URL of an object."""
    size: int
    mtime: float
    opener: Callable[[], BinaryIO] = field(repr=False)
    """A fresh seekable binary file per call."""
    local_file: str | None = None
    """The local file, when the bytes are one (it may grow: follow it by this path)."""
    etag: str | None = None
    _local_copy: Callable[[], Path] | None = field(default=None, repr=False)
    _listed: tuple[Source, RecordingRef] | None = field(default=None, repr=False)
    """The source and listing entry of a remote recording (a local one is listed again)."""

    @property
    def remote(self) -> bool:
        return is_s3_url(self.location)

    @property
    def source(self) -> Source | None:
        """The source a remote recording is read through (None: a local file)."""
        return self._listed[0] if self._listed is not None else None

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Recording:
        """A local file. Raises OSError (IsADirectoryError for a directory)."""
        path = os.fspath(path)
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(path, st.st_mode)
        return cls(location=path, name=Path(path).name, cache_key=cache_key(path),
                   size=st.st_size, mtime=st.st_mtime, opener=lambda: open_regular(path), local_file=path)

    @classmethod
    def from_spec(cls, spec: str | os.PathLike[str], s3: S3Options | None = None) -> Recording:
        """What a command line names. Raises SourceError for S3 failures and bad URLs,
        OSError for local ones."""
        if is_s3_url(spec):
            from .sources.s3 import local_copy, open_url

            source, ref = open_url(str(spec), s3)
            return cls._remote(source, ref, lambda: local_copy(source, ref))
        return cls.from_path(spec)

    @classmethod
    def of(cls, recording: Recording | str | os.PathLike[str]) -> Recording:
        """A Recording as it is, or the local file at a path. Raises OSError."""
        return recording if isinstance(recording, Recording) else cls.from_path(recording)

    @classmethod
    def from_ref(cls, ref: RecordingRef, source: Source | None) -> Recording:
        """A listed recording. A local file is stat'ed again (it may have grown since
        the listing); anything else is read through its source."""
        if not is_s3_url(ref.location) and os.path.isfile(ref.location):
            return cls.from_path(ref.location)
        if source is None:
            raise SourceError(f"{ref.location}: no source can open it")
        return cls._remote(source, ref, None)

    @classmethod
    def _remote(cls, source: Source, ref: RecordingRef, local_copy: Callable[[], Path] | None) -> Recording:
        return cls(location=ref.location, name=ref.name, cache_key=cache_key(ref.location), size=ref.size,
                   mtime=ref.mtime, opener=lambda: source.open(ref), etag=ref.etag, _local_copy=local_copy,
                   _listed=(source, ref))

    def open_whole(self) -> BinaryIO:
        """A file for reading the recording from start to end: the local file, or an S3
        object downloaded whole into the cache first (one GET, not a run of ranged reads)."""
        if self._local_copy is not None:
            return open(self._local_copy(), "rb")
        return self.opener()

    def summary(self) -> RecordingSummary:
        """What a listing says of it (node, status, duration, header): a header read and a
        tail read. Raises SourceError when a local file is gone."""
        from .sources.catalog import summarize
        from .sources.local import LocalSource

        if self._listed is not None:
            return summarize(*self._listed)
        source = LocalSource(self.location)
        return summarize(source, next(iter(source.refs())))

    def facts(self) -> dict[str, Any]:
        """What `info --json` says of the file besides the recording record: its mtime
        and the start time its name carries (tsrecorder names files by it)."""
        ns = name_time_ns(self.name)
        return {"mtime": self.mtime, "name_time": format_ns(ns) if ns is not None else None}

    def open_replay(self, store: IndexStore | None) -> tuple[Replay, Fingerprint]:
        """A Replay with its cached keyframe index, if the cache still describes the file.
        Raises CastError, OSError, SourceError."""
        from .term.index_store import open_with_cache

        return open_with_cache(self.opener, self.cache_key, self.size, self.mtime, store, identity=self.etag)


READ_ERRORS = (CastError, OSError, SourceError)
"""What opening or reading a recording raises; `error_message` words each for the user."""


def cache_key(location: str) -> str:
    """The key a recording's caches (keyframes, search) are filed under: the real path of
    a local file, so two names of one file share them; the s3:// URL of an object."""
    return location if is_s3_url(location) else os.path.realpath(location)


def cache_keys(locations: Iterable[str]) -> list[str]:
    """cache_key of each location, each folder resolved once: a fleet's thousands of
    files sit in a few folders, and resolving a path costs a system call per part."""
    folders: dict[str, str] = {}
    keys = []
    for location in locations:
        folder, name = os.path.split(location)
        if not folder or name in ("", ".", "..") or is_s3_url(location) or os.path.islink(location):
            keys.append(cache_key(location))
            continue
        real = folders.get(folder)
        if real is None:
            real = folders[folder] = os.path.realpath(folder)
        keys.append(os.path.join(real, name))
    return keys


def error_message(exc: BaseException, where: str | os.PathLike[str], action: str = "read") -> str:
    """The one line a user sees for a failure to `action` the file at `where`: a format
    or source error says where itself; anything else is "WHERE: cannot read (why)"."""
    if isinstance(exc, (CastError, SourceError)):
        return str(exc)
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
    return f"{os.fspath(where)}: cannot {action} ({reason})"
