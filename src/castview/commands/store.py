"""Command lists on disk, in the cache dir, so a second `castview commands` reads no events.

One JSON file per recording in ``<cache dir>/commands/``, named by a hash of the
recording's cache key (as the keyframe and search caches are) and reused while the
recording's fingerprint (``term.fingerprint``) is the one it was built from. The file is
data, parsed and validated on read (never a pickle); one that does not read as an entry
of this format, or that describes another file, is ignored and written again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..cast.reader import read_head
from ..recording import Recording
from ..term.fingerprint import Fingerprint, fingerprint_of
from ..term.keyframes import Opener
from .infer import scan_commands
from .model import Command

FORMAT = 1  # bump when what the inference records changes
_LIMIT = 64 << 20  # bytes of a cache entry read at most (a longer one fails to parse: rebuilt)


class CommandStore:
    def __init__(self, cache_dir: str | os.PathLike[str]) -> None:
        self.directory = Path(cache_dir) / "commands"

    def _path(self, key: str) -> Path:
        return self.directory / (hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:40] + ".json")

    def load(self, key: str, fp: Fingerprint) -> list[Command] | None:
        """The saved list if it was built from this very file, else None."""
        try:
            with open(self._path(key), "rb") as f:
                data = json.loads(f.read(_LIMIT))
            if (not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key
                    or Fingerprint.from_json(data.get("fingerprint")) != fp
                    or not isinstance(data.get("commands"), list)):
                return None
            return [Command.from_data(item) for item in data["commands"]]
        except (OSError, ValueError, RecursionError):
            return None

    def save(self, key: str, fp: Fingerprint, commands: list[Command]) -> None:
        """Write atomically; a cache that cannot be written is not an error."""
        tmp = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"format": FORMAT, "key": key, "fingerprint": fp.as_json(),
                           "commands": [c.to_data() for c in commands]}, f)
            os.replace(tmp, self._path(key))
        except OSError:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.remove(tmp)


    def get(self, key: str, fp: Fingerprint, opener: Opener, location: str,
            cancelled: Callable[[], bool] | None = None) -> tuple[list[Command], bool]:
        """The commands of the recording *opener* reads, from the cache or by a pass of
        their own (then saved), and whether they were found now."""
        cached = self.load(key, fp)
        if cached is not None:
            return cached, False
        with opener() as f:
            commands = scan_commands(f, read_head(f, location), cancelled)
        self.save(key, fp, commands)
        return commands, True


def commands_of(recording: Recording | str | os.PathLike[str], *, cache_dir: str | os.PathLike[str],
                cancelled: Callable[[], bool] | None = None) -> list[Command]:
    """The commands of one recording (a `recording.Recording` or a local path), from the
    cache or found now. Blocking. Raises CastError, OSError, SourceError; ScanCancelled
    when *cancelled()* turns true."""
    rec = Recording.of(recording)
    fp = fingerprint_of(rec.opener, rec.size, rec.mtime, rec.etag)
    return CommandStore(cache_dir).get(rec.cache_key, fp, rec.opener, rec.location, cancelled)[0]
