"""Clips and evidence packs made: the steps `castview clip`, `castview evidence` and the
app's `x` dialog share (no typer, no Textual: each caller shows a `ClipFailed` its way).

Read the recording whole (its index built and kept, its SHA-256), place the range typed
(castview.moments), write the clip or the pack, then fail closed on a redaction: read
what was written back and delete it if a match remains. `progress` is told each stage
(and how far, when known); it may raise to stop the work (the app's cancel), and nothing
is left written then.
"""

from __future__ import annotations

import dataclasses
import io
import os
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from .cast.model import CastError
from .recording import READ_ERRORS, Recording, error_message
from .safe_write import replacing
from .sanitize import printable
from .sources.base import SourceError

if TYPE_CHECKING:
    from .clip import Source
    from .commands import Command
    from .evidence import FrameOrigin
    from .redact import Redactor
    from .sources.catalog import RecordingSummary
    from .term.index_store import IndexStore
    from .term.keyframes import Replay

BAD_RANGE = 2  # the exit status of a reversed or empty range (a bad parameter)
LEAKED = 3  # the exit status of a redaction that failed

Progress = Callable[[str, float | None], None]
"""Told a stage ("reading", "hashing", "cutting", "packing", "checking") and the fraction
of it done (None: unknown)."""


class ClipFailed(Exception):
    """A clip or pack not made: the message is the one line to show; `code` the CLI's
    exit status (1: cannot read or write, a time not in the recording; BAD_RANGE; LEAKED)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Opened:
    """A recording opened for clipping: its replay (index built), range and source facts."""

    target: Recording
    summary: RecordingSummary
    replay: Replay
    source: Source
    start: float = 0.0
    end: float = 0.0


def _quiet(_stage: str, _fraction: float | None) -> None:
    return None


def open_indexed(target: Recording, store: IndexStore | None, progress: Progress = _quiet) -> Opened:
    """Index (the index kept in *store*) and hash *target*. Raises ClipFailed."""
    from .clip import Source, sha256_of

    try:
        replay, fp = target.open_replay(store)
        if not replay.view.complete:
            progress("reading", 0.0)
            replay.build(progress=lambda done, total: progress("reading", done / total if total else None),
                         size=fp.size)
            if store is not None:
                store.save(target.cache_key, fp, replay.index)
        progress("hashing", None)
        digest, size = sha256_of(target.open_whole)
        summary = target.summary()
    except READ_ERRORS as exc:
        raise ClipFailed(error_message(exc, target.location)) from exc
    return Opened(target, summary, replay, Source(target.location, digest, size, summary.start_ns))


def choose_range(opened: Opened, texts: tuple[str, str], zone: tzinfo | None = None,
                 labels: tuple[str, str] = ("--from", "--to")) -> Opened:
    """*opened* with the range *texts* name (castview.moments, against the whole indexed
    recording): the one place clip and evidence parse a time. One outside the recording
    fails (naming its span, and the field by its label); a reversed range fails BAD_RANGE."""
    from .clip import clip_range
    from .moments import MomentError, Span, parse_moment

    span = Span(opened.summary.start_ns, opened.replay.view.duration)
    seconds = []
    for label, text in zip(labels, texts, strict=True):
        try:
            seconds.append(parse_moment(text, span, zone))
        except MomentError as exc:
            raise ClipFailed(f"{opened.target.location}: {label}: {exc}") from None
    try:
        start, end = clip_range(opened.replay, seconds[0], seconds[1])
    except ValueError as exc:
        raise ClipFailed(str(exc), BAD_RANGE) from None
    return dataclasses.replace(opened, start=start, end=end)


def make_redactor(texts: Sequence[str], regexes: Sequence[str]) -> Redactor | None:
    """The redactor of these texts and regular expressions, or None without any. Raises
    ValueError (an empty text, a bad or empty-matching expression)."""
    if not texts and not regexes:
        return None
    from .redact import Redactor

    return Redactor.of(texts, regexes)


def clip_text(opened: Opened, redactor: Redactor | None, version: str,
              progress: Progress = _quiet) -> Iterator[str]:
    """The clip's lines, each ending in a newline."""
    from .clip import clip_lines

    if redactor is None:
        lines = clip_lines(opened.target.opener, opened.replay, opened.start, opened.end, opened.source, version)
    else:
        from .redact import redacted_clip_lines

        lines = redacted_clip_lines(opened.target.opener, opened.replay, opened.start, opened.end, opened.source,
                                    version, redactor)
    times = opened.replay.view.times
    expected = max(1, bisect_right(times, opened.end) - bisect_right(times, opened.start))
    progress("cutting", 0.0)
    for n, line in enumerate(lines):
        if n % 256 == 0:
            progress("cutting", min(1.0, n / expected))
        yield line + "\n"


def _reading_failed(exc: BaseException, opened: Opened) -> ClipFailed:
    return ClipFailed(error_message(exc, opened.target.location))


def clip_bytes(opened: Opened, redactor: Redactor | None, version: str, progress: Progress = _quiet) -> bytes:
    """The whole clip in memory. Raises ClipFailed."""
    try:
        return "".join(clip_text(opened, redactor, version, progress)).encode("utf-8")
    except READ_ERRORS as exc:
        raise _reading_failed(exc, opened) from exc


def write_clip(opened: Opened, redactor: Redactor | None, version: str, output: Path,
               progress: Progress = _quiet) -> None:
    """Write the clip to *output* (replacing it whole, or leaving it as it was), then fail
    closed on the redaction (`check_written_clip`). Raises ClipFailed."""
    try:
        with replacing(output) as f:
            f.writelines(clip_text(opened, redactor, version, progress))
    except (CastError, SourceError) as exc:
        raise _reading_failed(exc, opened) from exc
    except OSError as exc:  # reading the recording again raises SourceError or CastError
        raise ClipFailed(error_message(exc, output, "write")) from exc
    check_written_clip(output, redactor, progress)


def leak_message(where: str | os.PathLike[str], leak: str, outcome: str) -> str:
    return f"{os.fspath(where)}: redaction failed, a match remains {leak}; {outcome}"


def check_written_clip(path: Path, redactor: Redactor | None, progress: Progress = _quiet) -> None:
    """Fail closed: read the written clip back, and if any frame or byte still holds a
    match, delete it and fail (LEAKED) naming the time."""
    if redactor is None:
        return
    from .redact import find_leak

    try:
        progress("checking", None)
        leak = find_leak(path.read_bytes(), redactor)
    except BaseException:  # stopped (or failed) before the check: nothing unchecked stays
        path.unlink(missing_ok=True)
        raise
    if leak is not None:
        path.unlink(missing_ok=True)
        raise ClipFailed(leak_message(path, leak, "the output was deleted"), LEAKED)


def check_clip_bytes(data: bytes, redactor: Redactor | None, where: str, progress: Progress = _quiet) -> None:
    """Fail closed on a clip held in memory (sent, not written): LEAKED naming the time."""
    if redactor is None:
        return
    from .redact import find_leak

    progress("checking", None)
    leak = find_leak(data, redactor)
    if leak is not None:
        raise ClipFailed(leak_message(where, leak, "nothing was sent"), LEAKED)


# -- where outputs go ------------------------------------------------------------------------
CLIP_KIND, PACK_KIND = "clip", "evidence"
SUFFIXES = {CLIP_KIND: ".cast", PACK_KIND: ".zip"}


def inside(path: Path, folders: Iterable[Path]) -> Path | None:
    """The folder of *folders* that holds *path* (symbolic links resolved), if any."""
    real = Path(os.path.realpath(path))
    return next((folder for folder in folders if real == folder or real.is_relative_to(folder)), None)


def source_folders(location: str) -> list[Path]:
    """The folder of a local recording (resolved): where the CLI writes no output."""
    return [Path(os.path.realpath(location)).parent] if os.path.isfile(location) else []


def check_output(kind: str, path: Path, folders: Iterable[Path], force: bool = False) -> str | None:
    """Why *path* is not a place to write a *kind* (CLIP_KIND, PACK_KIND) output, or None:
    a name without the kind's extension (a clip named .zip would pass for a pack); unless
    *force*: a file that exists, a folder among *folders* (where recordings are listed
    from: a clip there would be listed as a recording of its own). The CLI and the app's
    dialog both ask this (exit 2 in the CLI)."""
    suffix = SUFFIXES[kind]
    if not path.name:
        return "give a file name"
    if path.suffix.lower() != suffix:
        return f"{printable(str(path))}: a {'clip' if kind == CLIP_KIND else 'pack'} is a {suffix} file: " \
               f"give a name ending in {suffix}"
    if not path.parent.is_dir():
        return f"{printable(str(path.parent))}: no such folder"
    if force:
        return None
    if os.path.lexists(path):
        return f"{printable(str(path))} exists: give another name"
    folder = inside(path.parent, folders)
    if folder is not None:
        return f"{printable(str(path.parent))} holds recordings ({printable(str(folder))}): write elsewhere"
    return None


# -- evidence packs -------------------------------------------------------------------------
def pack_bytes(opened: Opened, redactor: Redactor | None, version: str, output: Path, *,
               cache_dir: str | os.PathLike[str], reviews_db: Path | None, exported_by: str,
               progress: Progress = _quiet) -> tuple[bytes, int]:
    """The evidence pack (its folder named after *output*) and how many files it holds;
    nothing in it may hold a match of the redaction. Raises ClipFailed."""
    from . import evidence as ev
    from .redact import find_leak

    if redactor is not None and redactor.spans(output.stem):
        raise ClipFailed("the pack's file name matches a redaction, and would name its folder inside the zip: "
                         "give another name", BAD_RANGE)
    # masked before the clip is cut, so the clip's header counts their matches too
    bookmarks = bookmarks_in(opened, redactor, reviews_db)
    commands = commands_in(opened, redactor, cache_dir)
    clip = clip_bytes(opened, redactor, version, progress)
    if redactor is not None and (leak := find_leak(clip, redactor)) is not None:
        raise ClipFailed(leak_message(output, leak, "nothing was written"), LEAKED)
    progress("packing", None)
    facts = ev.PackFacts(source=opened.source.record(redactor), start=opened.start, end=opened.end, version=version,
                         exported_at=datetime.now(UTC).isoformat(timespec="seconds"), exported_by=exported_by,
                         bookmarks=bookmarks)
    files = ev.pack_files(clip, facts, commands, frame_origin(opened, redactor))
    if redactor is not None and (path := ev.leaks_in_files(files, redactor)) is not None:
        raise ClipFailed(f"{output}: redaction failed, a match remains in {path}; nothing was written", LEAKED)
    return ev.build_pack(output.stem, files), len(files) + 1


def write_pack(data: bytes, output: Path, redactor: Redactor | None, progress: Progress = _quiet) -> None:
    """Write the pack to *output*, then fail closed: its clip read back like `clip`'s
    (the pack deleted on a match). Raises ClipFailed."""
    try:
        with replacing(output, encoding=None) as f:
            f.write(data)
    except OSError as exc:
        raise ClipFailed(error_message(exc, output, "write")) from exc
    if redactor is None:
        return
    with open(output, "rb") as f:
        clip = pack_clip(f.read())
    scratch = output.with_name(f".{output.name}.clip")
    scratch.write_bytes(clip)
    try:
        check_written_clip(scratch, redactor, progress)
    except ClipFailed as exc:
        output.unlink(missing_ok=True)
        raise ClipFailed(str(exc).replace(str(scratch), str(output), 1), exc.code) from None
    except BaseException:
        output.unlink(missing_ok=True)
        raise
    finally:
        scratch.unlink(missing_ok=True)


def pack_clip(data: bytes) -> bytes:
    """The clip inside a pack's bytes."""
    from . import evidence as ev

    return ev.verify_pack(io.BytesIO(data)).files.get(ev.CLIP, b"")


def commands_in(opened: Opened, redactor: Redactor | None, cache_dir: str | os.PathLike[str]) -> list[Command]:
    """The original's commands submitted in the range (castview.commands: the clip itself,
    cut mid-line or redrawn from masked frames, no longer shows them typed), masked."""
    from . import evidence as ev
    from .commands import commands_of

    try:
        found = commands_of(opened.target, cache_dir=cache_dir)
    except READ_ERRORS as exc:
        raise _reading_failed(exc, opened) from exc
    mask = redactor.mask_text if redactor is not None else None
    return ev.commands_in_range(found, opened.start, opened.end, mask)


def frame_origin(opened: Opened, redactor: Redactor | None) -> FrameOrigin:
    """The provenance of the clip's frame at clip time t: the original's frame at from + t
    (recording, sha256, wall clock), masked like the clip."""
    from .provenance import Provenance, provenance

    def origin(t: float, before: float | None) -> Provenance:
        found = provenance(opened.summary, opened.start + t, None if before is None else opened.start + before,
                           opened.source.sha256)
        return found.masked(redactor.mask_text) if redactor is not None else found

    return origin


def bookmarks_in(opened: Opened, redactor: Redactor | None, reviews_db: Path | None) -> tuple[dict, ...]:
    """The ledger's bookmarks of the source inside the range, times on the clip's timeline
    (notes masked like the clip); none without a ledger file."""
    from .reviews import Ledger, ledger_path

    path = ledger_path(reviews_db)
    if not path.is_file():
        return ()
    with Ledger(path) as ledger:
        marks = ledger.bookmarks(opened.source.sha256)
    out = []
    for mark in marks:
        if opened.start <= mark.at <= opened.end:
            note = redactor.mask_text(mark.note) if redactor is not None else mark.note
            out.append({"at": round(mark.at - opened.start, 9), "note": note, "author": mark.author,
                        "time": mark.time})
    return tuple(out)
