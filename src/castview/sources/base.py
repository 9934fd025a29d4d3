"""What every source of recordings provides, whatever its storage."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol


class SourceError(Exception):
    """A source that cannot be listed or read; the message names it and the fix."""


@dataclass(frozen=True)
class RecordingRef:
    """Where one recording is, before anything inside it has been read.

    `node_dir` is the tsrecorder folder (the stable node ID of the SSH server) when the
    layout has one; `name_time_ns` the start time carried by an RFC3339Nano file name.
    `may_grow` is False where storage only shows finished objects (S3), so such a
    recording is never taken for a live one; `etag` identifies an object's version.
    """

    source: str
    location: str
    key: str
    node_dir: str | None
    name_time_ns: int | None
    size: int
    mtime: float
    may_grow: bool = True
    etag: str | None = None

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1]


class Source(Protocol):
    label: str

    def refs(self) -> Iterator[RecordingRef]:
        """Every candidate recording under the source. Raises SourceError."""

    def open(self, ref: RecordingRef) -> BinaryIO:
        """A seekable binary file of the recording. Raises SourceError or OSError."""
