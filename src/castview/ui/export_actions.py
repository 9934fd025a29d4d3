"""`e` and `c` in the player: the frame on view exported to a file, or its text copied.

Each runs in a thread worker (group "export") on a terminal of its own, sought afresh
from the recording (the engine's playhead is its thread's alone), and reports back with
a message: FrameExported, ScreenTextCopied or ExportFailed.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from textual.dom import DOMNode

from ..safe_write import write_new
from ..sources.base import SourceError
from .messages import ExportFailed, FrameExported, ScreenTextCopied

if TYPE_CHECKING:
    from ..sources.catalog import RecordingSummary
    from ..term.keyframes import Replay
    from ..term.render import Theme
    from ..term.screen import Terminal

EXPORT_EXT = {"text": "txt", "ansi": "ans", "svg": "svg", "html": "html"}


def export_stem(name: str, position: float, before: float | None = None) -> str:
    """`<recording stem>-<h>h<mm>m<ss.s>s`: the name of the frame at `position` (the next
    event at `before`), as the position is shown (fmt.clock); `--at` takes `1h02m05.5s`."""
    return f"{recording_stem(name)}-{clock_part(position, before)}"


STEM_BYTES = 100
"""The longest recording stem in an output name (UTF-8 bytes): with the range after it
and a number when taken, well within a file system's 255."""

_UNSAFE = re.compile(r"[^\w.+=@,-]+")


def recording_stem(name: str) -> str:
    """The recording's name as the start of an output file's name: a run of anything but
    letters, digits and `.+=@,-` (control, bidi and invisible characters, `/`, spaces,
    `:`) made one `-`, no leading `.` or `-` (a hidden file, an option), at most
    STEM_BYTES. A recording's name is the recorder's, or an attacker's: it must neither
    drive the terminal that shows it nor make a name the file system refuses."""
    stem = _UNSAFE.sub("-", Path(name).stem).lstrip(".-")
    while len(stem.encode()) > STEM_BYTES:
        stem = stem[:-1]
    return stem.rstrip(".-") or "recording"


def clock_part(position: float, before: float | None = None) -> str:
    """`<h>h<mm>m<ss.s>s`: a position as fmt.clock shows it, fit for a file name."""
    from .. import formatting as fmt

    *hours, minutes, seconds = fmt.clock(position, before).split(":")
    return f"{''.join(h + 'h' for h in hours)}{minutes}m{seconds}s"


def frame_at(replay: Replay, position: float, count: int) -> Terminal:
    """A fresh terminal showing the frame on view (after `count` events, at `position`)."""
    if count <= replay.event_count:
        return replay.seek_event(count).term
    return replay.seek(position).term


def start_export(node: DOMNode, replay: Replay, fmt_name: str, position: float, count: int, theme: Theme,
                 directory: str | os.PathLike[str] | None, summary: RecordingSummary,
                 opener: Callable[[], BinaryIO]) -> None:
    """Export the frame in a worker of `node`, which receives the outcome. SVG and HTML
    carry the frame's provenance (the recording's sha256 is read here, off the UI thread).
    In a browser (`castview serve`) the file is the user's download, never a file on the server."""
    from ..moments import frame_bound
    from ..provenance import provenance, sha256_of
    from ..term.render import export

    app = node.app
    in_browser = app.is_web
    view = replay.view
    before = frame_bound(view.times, count, view.complete, position)

    def run() -> None:
        try:
            origin = None
            if fmt_name in ("svg", "html"):
                origin = provenance(summary, position, before, sha256_of(opener))
            data = export(frame_at(replay, position, count), fmt_name, theme, origin)
            stem, suffix = export_stem(summary.ref.name, position, before), f".{EXPORT_EXT[fmt_name]}"
            if in_browser:
                path = stem + suffix
                app.call_from_thread(app.deliver_binary, io.BytesIO(data.encode("utf-8")), save_filename=path)
            else:
                # A new file, numbered if the name is taken; never through a planted link.
                path = str(write_new(Path(directory or os.getcwd()), stem, suffix, data.encode("utf-8")))
        except (OSError, SourceError) as exc:
            filename = getattr(exc, "filename", "") or ""
            node.post_message(ExportFailed(f"export failed: {getattr(exc, 'strerror', None) or exc} ({filename})"))
            return
        node.post_message(FrameExported(path, fmt_name, downloaded=in_browser))

    node.run_worker(run, thread=True, group="export", exit_on_error=False)


def start_copy(node: DOMNode, replay: Replay, position: float, count: int) -> None:
    """The frame's text, for the clipboard, from a worker of `node`."""
    from ..term.render import to_text

    def run() -> None:
        try:
            text = to_text(frame_at(replay, position, count))
        except (OSError, SourceError) as exc:
            node.post_message(ExportFailed(f"copy failed: {getattr(exc, 'strerror', None) or exc}"))
            return
        node.post_message(ScreenTextCopied(text))

    node.run_worker(run, thread=True, group="export", exit_on_error=False)
