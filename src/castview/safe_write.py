"""Writing exports without being steered by what is already on disk.

Export names are predictable (`<recording>-0m00.6s.txt`), so whoever can write the target
directory can plant a symlink there and have castview write through it. Files are therefore
created with O_CREAT|O_EXCL|O_NOFOLLOW (a new name, never an existing file or link), or
written to a temporary file that is renamed over the named path (replacing a link, never
following it).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
MAX_TRIES = 10_000


def _read_umask() -> int:
    # Read once at import: os.umask can only be read by setting it, which would race
    # with files other threads create later.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def numbered(directory: Path, stem: str, suffix: str) -> Iterator[Path]:
    """`directory/stem.suffix`, then `stem-1.suffix`, ... (MAX_TRIES names)."""
    for n in range(MAX_TRIES):
        yield directory / (f"{stem}{suffix}" if n == 0 else f"{stem}-{n}{suffix}")


def write_new(directory: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write `data` to `directory/stem.suffix`, or `stem-1.suffix`, ... whichever name is
    free first; an existing file or symlink of that name is never opened. Raises OSError."""
    for path in numbered(directory, stem, suffix):
        try:
            fd = os.open(path, _NEW_FILE, 0o666)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return path
    raise FileExistsError(f"{directory / stem}{suffix}: {MAX_TRIES} files of that name already exist")


@contextmanager
def replacing(path: str | os.PathLike[str], encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """A text file that becomes `path` when the block ends without an error: a temporary
    file in the same directory renamed over it, so a symlink at `path` is replaced, not
    written through, and a failed write leaves `path` as it was. A path that is a device or
    a FIFO (`-o /dev/null`, `/dev/stdout`) is written to as it is: renaming a file over it
    would replace the device. ``encoding=None``: a binary file. Raises OSError."""
    path = Path(path)
    try:
        special = not stat.S_ISREG(os.stat(path).st_mode) and not path.is_dir()
    except FileNotFoundError:
        special = False
    mode = "w" if encoding is not None else "wb"
    if special:
        with open(path, mode, encoding=encoding) as f:
            yield f
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, encoding=encoding) as f:
            yield f
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
