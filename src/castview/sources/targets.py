"""One recording named on the command line, local path or `s3://bucket/key`, made uniform.

Commands that work on a single recording (info, export, index, cat...) ask `resolve_target`
for an opener, a cache key, a size and an mtime, and never care where the bytes live.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .layout import format_ns, name_time_ns
from .s3_url import is_s3_url

if TYPE_CHECKING:
    from .s3 import S3Options


@dataclass(frozen=True)
class Target:
    location: str
    """What the user named: a path or s3://bucket/key (for messages and output)."""
    name: str
    cache_key: str
    """The keyframe index key: the real path of a local file (as `index_store.cache_key`),
    the s3:// URL of an object."""
    size: int
    mtime: float
    opener: Callable[[], BinaryIO]
    """A fresh seekable binary file per call."""
    _local_path: Callable[[], Path]

    @property
    def remote(self) -> bool:
        return is_s3_url(self.location)

    def local_path(self) -> Path:
        """A local file with the recording's bytes: the file itself, or the S3 object
        downloaded whole into the cache (for code that needs a real file)."""
        return self._local_path()

    def facts(self) -> dict[str, Any]:
        """The fields of `info.describe` that come from where the file is, not what it holds."""
        ns = name_time_ns(self.name)
        return {
            "path": self.location,
            "size": self.size,
            "mtime": self.mtime,
            "name_time": format_ns(ns) if ns is not None else None,
        }


def resolve_target(spec: str | os.PathLike[str], s3: S3Options | None = None) -> Target:
    """Raises SourceError for S3 failures and bad URLs, OSError for local ones."""
    if is_s3_url(spec):
        from .s3 import local_copy, open_url

        source, ref = open_url(str(spec), s3)
        return Target(
            location=ref.location,
            name=ref.name,
            cache_key=ref.location,
            size=ref.size,
            mtime=ref.mtime,
            opener=lambda: source.open(ref),
            _local_path=lambda: local_copy(source, ref),
        )
    path = os.fspath(spec)
    st = os.stat(path)
    return Target(
        location=path,
        name=Path(path).name,
        cache_key=os.path.realpath(path),
        size=st.st_size,
        mtime=st.st_mtime,
        opener=lambda: open(path, "rb"),
        _local_path=lambda: Path(path),
    )
