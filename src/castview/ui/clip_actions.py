"""`x` in the app: a clip (.cast) or an evidence pack (.zip) of a range of a recording.

The work is castview.clipping's, the CLI's own, run in a thread worker (group "clip")
that reports each stage (ClipProgressed) and its end (ClipWritten or ClipRefused). A
worker cancelled stops at the next report, leaving nothing written. In a browser
(`castview serve`) the file is the user's download, never a file on the server.
Outputs go to the export folder (or the current one), never into a folder the
recordings are listed from: the watch would list the clip as a recording of its own.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import get_current_worker

from ..clipping import CLIP_KIND, PACK_KIND, inside
from ..config import Settings
from ..recording import Recording
from ..sanitize import printable
from ..sources.base import RecordingRef, Source

CLIP, PACK = CLIP_KIND, PACK_KIND


@dataclass(frozen=True)
class ClipRequest:
    """What the dialog asks for: a clip or pack of the range typed (moments as `g` takes
    them, `zone` for a time of day) with these redactions, to `output` (in a browser: the
    download's name)."""

    kind: str
    start: str
    end: str
    output: Path
    texts: tuple[str, ...] = ()
    regexes: tuple[str, ...] = ()
    zone: tzinfo | None = None
    download: bool = False


@dataclass
class ClipProgressed(Message):
    stage: str
    fraction: float | None


@dataclass
class ClipWritten(Message):
    """Done: `path` (the download's name when `downloaded`); `unmatched`: how many
    redactions matched nothing (a typo would leave the secret in a clip that looks redacted)."""

    path: str
    kind: str
    downloaded: bool = False
    unmatched: int = 0
    damaged: int = 0
    """Lines of the recording skipped or repaired (what the CLI warns of, line by line)."""
    first_damage: str = ""
    """The first of them, `NAME:LINE: problem`, safe to show."""


@dataclass
class ClipRefused(Message):
    """Not made: the one line to show (a redaction that failed names the time)."""

    error: str


class _Cancelled(Exception):
    pass


def split_redactions(entries: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Texts and regular expressions (`re:PATTERN`, as every search box takes them)."""
    from ..search import REGEX_PREFIX

    texts, regexes = [], []
    for entry in entries:
        if entry.startswith(REGEX_PREFIX):
            regexes.append(entry[len(REGEX_PREFIX):])
        else:
            texts.append(entry)
    return tuple(texts), tuple(regexes)


def start_clip(node: DOMNode, settings: Settings, make_target: Callable[[], Recording], request: ClipRequest) -> None:
    """Make what *request* asks in a worker of *node*, which receives the messages."""
    from .. import clipping
    from ..provenance import castview_version
    from ..reviews import default_reviewer
    from ..term.index_store import IndexStore

    app = node.app

    def run() -> None:
        worker = get_current_worker()

        def progress(stage: str, fraction: float | None) -> None:
            if worker.is_cancelled:
                raise _Cancelled
            node.post_message(ClipProgressed(stage, fraction))

        output, version = request.output, castview_version()
        try:
            redactor = clipping.make_redactor(request.texts, request.regexes)
        except ValueError as exc:  # the dialog checks them first
            node.post_message(ClipRefused(str(exc)))
            return
        try:
            progress("reading", None)
            opened = clipping.open_indexed(make_target(), IndexStore(settings.cache_dir), progress)
            opened = clipping.choose_range(opened, (request.start, request.end), request.zone, ("from", "to"))
            problems = opened.replay.problems
            if request.kind == CLIP:
                if request.download:
                    data = clipping.clip_bytes(opened, redactor, version, progress)
                    clipping.check_clip_bytes(data, redactor, output.name, progress)
                else:
                    clipping.write_clip(opened, redactor, version, output, progress)
            else:
                data, _ = clipping.pack_bytes(opened, redactor, version, output, cache_dir=settings.cache_dir,
                                              reviews_db=settings.reviews_db, exported_by=default_reviewer(None),
                                              progress=progress)
                if request.download:
                    clipping.check_clip_bytes(clipping.pack_clip(data), redactor, output.name, progress)
                else:
                    clipping.write_pack(data, output, redactor, progress)
            if request.download:
                progress("sending", None)
                app.call_from_thread(app.deliver_binary, io.BytesIO(data), save_filename=output.name)
        except _Cancelled:
            return
        except clipping.ClipFailed as exc:
            node.post_message(ClipRefused(str(exc)))
            return
        unmatched = len(redactor.unmatched()) if redactor is not None else 0
        first = printable(problems[0].describe(opened.summary.ref.name)) if problems else ""
        node.post_message(ClipWritten(output.name if request.download else os.path.abspath(output), request.kind,
                                      request.download, unmatched, len(problems), first))

    node.run_worker(run, thread=True, group="clip", exit_on_error=False)


# -- where outputs go ------------------------------------------------------------------------
def recording_folders(sources: Iterable[Source], ref: RecordingRef) -> list[Path]:
    """The local folders recordings are listed from (a file given alone: its folder), and
    the recording's own folder when it is a local file."""
    folders = []
    for source in sources:
        path = getattr(source, "path", None)
        if isinstance(path, Path):
            folders.append(path if path.is_dir() else path.parent)
    if os.path.isfile(ref.location):
        folders.append(Path(ref.location).parent)
    return [Path(os.path.realpath(folder)) for folder in folders]


def default_folder(preferred: str | os.PathLike[str] | None, folders: list[Path]) -> Path:
    """The export folder (else the current one), or the home folder (else the temporary
    one) where that is among the recordings."""
    for candidate in (Path(preferred or os.getcwd()), Path.home(), Path(tempfile.gettempdir())):
        if inside(candidate, folders) is None:
            return candidate
    return Path(tempfile.gettempdir())


def default_name(folder: Path, stem: str, suffix: str) -> Path:
    """`folder/stem.suffix`, or `stem-1.suffix`... whichever is free (as `e` names files)."""
    from ..safe_write import numbered

    return next((path for path in numbered(folder, stem, suffix) if not os.path.lexists(path)),
                folder / f"{stem}{suffix}")


def tell_written(node: DOMNode, message: ClipWritten) -> None:
    """The toast of a clip or pack made (player and browser)."""
    from .toast import toast

    what = "clip" if message.kind == CLIP else "evidence pack"
    text = f"Sent {message.path} to the browser as a download" if message.downloaded \
        else f"Wrote the {what} {message.path}"
    if message.unmatched:
        text += (f"; {message.unmatched} redaction{'s' if message.unmatched != 1 else ''} matched nothing "
                 "(a text is matched as typed, case too)")
    if message.damaged:
        lines = f"{message.damaged} damaged line{'s' if message.damaged != 1 else ''}"
        text += f"; the recording has {lines}, skipped or repaired as the player does ({message.first_damage})"
    toast(node, text, title="Clip" if message.kind == CLIP else "Evidence pack",
          severity="warning" if message.unmatched or message.damaged else "information", timeout=10)


def start_text(position: float, before: float | None) -> str:
    """The position as the dialog's `from` shows it (as the player does), `+` before an
    h:mm:ss that would also read as a time of day."""
    from .. import formatting as fmt

    shown = fmt.clock(position, before)
    return f"+{shown}" if shown.count(":") > 1 else shown
