"""Recordings on a local disk: a tsrecorder destination, any tree of casts, or files."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .base import RecordingRef, SourceError
from .layout import is_candidate, looks_like_node_id, name_time_ns
from .safe_open import kind_of, open_regular

# Skipped entries named one by one in the listing's message, then counted.
_NAMED_SKIPS = 5


class LocalSource:
    """A directory walked recursively, or a single file given by the user."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.label = str(path)

    def refs(self) -> Iterator[RecordingRef]:
        """Every candidate under the directory (or the file itself). A `.cast` that is not
        a regular file (a FIFO, a symlink to a device) is left out and, once the listing is
        done, named in a one-line SourceError with any unreadable directory; a `.json` one is
        left out silently, like any .json that is not a recording."""
        try:
            mode = os.stat(self.path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            raise SourceError(f"{self.path}: no such file or directory") from None
        except (OSError, ValueError) as exc:  # a name too long, a loop of links, a NUL
            raise SourceError(f"{self.path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
        if stat.S_ISREG(mode):
            yield self._ref(self.path, self.path.name, explicit=True)
            return
        if not stat.S_ISDIR(mode):
            raise SourceError(f"{self.path}: not a file or directory ({kind_of(mode)})")
        errors: list[OSError] = []
        skipped: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.path, onerror=errors.append):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "events")
            # Strings, not Paths, per file: ten thousand Path objects cost a listing ~0.3 s.
            rel_parts = Path(dirpath).relative_to(self.path).parts
            for name in sorted(filenames):
                parts = (*rel_parts, name)
                if is_candidate(parts):
                    ref = self._ref(os.path.join(dirpath, name), "/".join(parts), skipped=skipped)
                    if ref is not None:
                        yield ref
        messages = []
        if skipped:
            named = ", ".join(skipped[:_NAMED_SKIPS]) + (f" and {len(skipped) - _NAMED_SKIPS} more"
                                                         if len(skipped) > _NAMED_SKIPS else "")
            messages.append(f"{self.path}: skipped what is not a regular file: {named}")
        if errors:
            first = errors[0]
            messages.append(f"{first.filename}: cannot read directory ({first.strerror})")
        if messages:
            raise SourceError("; ".join(messages))

    def _ref(self, path: str | Path, key: str, explicit: bool = False,
             skipped: list[str] | None = None) -> RecordingRef | None:
        """The ref of a regular file; None for a path that vanished or is not a regular
        file (noted in `skipped` when it is a .cast)."""
        try:
            st = os.stat(path)
        except OSError:
            if explicit:
                raise SourceError(f"{path}: cannot read") from None
            return None
        if not stat.S_ISREG(st.st_mode):
            if explicit:
                raise SourceError(f"{path}: not a regular file ({kind_of(st.st_mode)})")
            if skipped is not None and str(path).endswith(".cast"):
                skipped.append(f"{key} ({kind_of(st.st_mode)})")
            return None
        folder, name = os.path.split(path)
        parent = os.path.basename(folder)
        start_ns = name_time_ns(name)
        in_node_dir = looks_like_node_id(parent) or start_ns is not None
        node_dir = parent if in_node_dir and (explicit or "/" in key) else None
        return RecordingRef(
            source=self.label,
            location=str(path),
            key=key,
            node_dir=node_dir,
            name_time_ns=start_ns,
            size=st.st_size,
            mtime=st.st_mtime,
        )

    def open(self, ref: RecordingRef) -> BinaryIO:
        return open_regular(ref.location)
