"""Recordings on a local disk: a tsrecorder destination, any tree of casts, or files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .base import RecordingRef, SourceError
from .layout import is_candidate, looks_like_node_id, name_time_ns


class LocalSource:
    """A directory walked recursively, or a single file given by the user."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.label = str(path)

    def refs(self) -> Iterator[RecordingRef]:
        if self.path.is_file():
            yield self._ref(self.path, self.path.name, explicit=True)
            return
        if not self.path.exists():
            raise SourceError(f"{self.path}: no such file or directory")
        if not self.path.is_dir():
            raise SourceError(f"{self.path}: not a file or directory")
        errors: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(self.path, onerror=errors.append):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "events")
            rel_dir = Path(dirpath).relative_to(self.path)
            for name in sorted(filenames):
                parts = (*rel_dir.parts, name)
                if is_candidate(parts):
                    ref = self._ref(Path(dirpath) / name, "/".join(parts))
                    if ref is not None:
                        yield ref
        if errors:
            first = errors[0]
            raise SourceError(f"{first.filename}: cannot read directory ({first.strerror})")

    def _ref(self, path: Path, key: str, explicit: bool = False) -> RecordingRef | None:
        try:
            st = path.stat()
        except OSError:
            if explicit:
                raise SourceError(f"{path}: cannot read") from None
            return None
        parent = path.parent.name
        in_node_dir = looks_like_node_id(parent) or name_time_ns(path.name) is not None
        node_dir = parent if in_node_dir and path.parent != self.path else None
        return RecordingRef(
            source=self.label,
            location=str(path),
            key=key,
            node_dir=node_dir,
            name_time_ns=name_time_ns(path.name),
            size=st.st_size,
            mtime=st.st_mtime,
        )

    def open(self, ref: RecordingRef) -> BinaryIO:
        return open(ref.location, "rb")
