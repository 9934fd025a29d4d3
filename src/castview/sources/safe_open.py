"""Opening a recording on a local disk without ever blocking on what is not a file.

A FIFO named `x.cast` blocks `open()` until a writer appears (forever); a symlink to
`/dev/zero` or `/dev/tty` never ends or waits for a keyboard. Anything that opens a
local recording goes through `open_regular`, which opens only regular files.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: no FIFOs to open by name, and no O_NONBLOCK
    fcntl = None  # type: ignore[assignment]

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFile(OSError):
    """A path that is not a regular file (after following symlinks). An OSError, so every
    caller that reports "cannot read" for a missing file reports this the same way."""

    def __init__(self, path: str | os.PathLike[str], mode: int) -> None:
        super().__init__(errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL,
                         f"not a regular file ({kind_of(mode)})", os.fspath(path))

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


def kind_of(mode: int) -> str:
    """What a stat mode says the path is, for messages: "a FIFO", "a directory"..."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """`open(path, "rb")` for a regular file (symlinks followed); raises NotRegularFile for
    anything else and OSError as open() does.

    The stat before opening keeps a FIFO from being opened at all; the non-blocking open
    and the fstat of the opened descriptor catch a path swapped for a FIFO or a device in
    between (a FIFO opened O_NONBLOCK for reading returns at once instead of waiting).
    """
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFile(path, st.st_mode)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(path, st.st_mode)
        if fcntl is not None:
            # Reads of a regular file never block anyway; cleared so the file behaves
            # exactly as one from open() for whoever reads it next.
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
