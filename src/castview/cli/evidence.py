"""`castview evidence` (a clip packed with its transcript, frames, metadata and checksums)
and `castview verify` (check a pack, and its clip against the original)."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..recording import READ_ERRORS, error_message
from ..safe_write import replacing
from .clip import (
    FromOpt,
    Opened,
    RedactOpt,
    RedactRegexOpt,
    ToOpt,
    check_redacted,
    clip_text,
    make_redactor,
    open_for_clip,
    warn_unmatched,
)
from .export import open_replay
from .options import RecordingArg, s3_options
from .output import fail, out, say

SHOWN_PROBLEMS = 50  # a forged pack can list millions: the first ones say enough

if TYPE_CHECKING:
    from ..commands import Command
    from ..evidence import FrameOrigin
    from ..provenance import Provenance
    from ..redact import Redactor


def exporting_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "unknown"


@s3_options
def evidence_command(
    recording: str = RecordingArg,
    start: str = FromOpt,
    end: str = ToOpt,
    output: Path = typer.Option(..., "-o", "--output", help="The pack to write (.zip)."),
    redact: list[str] = RedactOpt,
    redact_regex: list[str] = RedactRegexOpt,
) -> None:
    """Pack a clip with its transcript, frames, metadata and SHA256SUMS into a zip."""
    from .. import evidence as ev
    from ..redact import find_leak
    from . import version

    redactor = make_redactor(redact, redact_regex)
    opened = open_for_clip(recording, start, end)
    try:
        clip = "".join(clip_text(opened, redactor)).encode("utf-8")
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    if redactor is not None and (leak := find_leak(clip, redactor)) is not None:
        fail(f"{output}: redaction failed, a match remains {leak}; nothing was written", code=3)
    commands = commands_in(opened, redactor)
    facts = ev.PackFacts(source=opened.source.record(redactor), start=opened.start, end=opened.end, version=version(),
                         exported_at=datetime.now(UTC).isoformat(timespec="seconds"), exported_by=exporting_user(),
                         bookmarks=bookmarks_in(opened, redactor))
    files = ev.pack_files(clip, facts, commands, frame_origin(opened, redactor))
    if redactor is not None and (path := ev.leaks_in_files(files, redactor)) is not None:
        fail(f"{output}: redaction failed, a match remains in {path}; nothing was written", code=3)
    try:
        with replacing(output, encoding=None) as f:
            f.write(ev.build_pack(output.stem, files))
    except OSError as exc:
        fail(error_message(exc, output, "write"))
    check_redacted_pack(output, redactor)
    warn_unmatched(redactor)
    say(f"wrote {output} ({len(files) + 1} files in {output.stem}/)", style="")


def commands_in(opened: Opened, redactor: Redactor | None) -> list[Command]:
    """The original's commands submitted in the range (castview.commands: the clip itself,
    cut mid-line or redrawn from masked frames, no longer shows them typed), masked."""
    from .. import evidence as ev
    from ..commands import commands_of
    from ..config import load_settings

    try:
        found = commands_of(opened.target, cache_dir=load_settings().cache_dir)
    except READ_ERRORS as exc:
        fail(error_message(exc, opened.target.location))
    mask = redactor.mask_text if redactor is not None else None
    return ev.commands_in_range(found, opened.start, opened.end, mask)


def frame_origin(opened: Opened, redactor: Redactor | None) -> FrameOrigin:
    """The provenance of the clip's frame at clip time t: the original's frame at from + t
    (recording, sha256, wall clock), masked like the clip."""
    from ..provenance import provenance

    def origin(t: float, before: float | None) -> Provenance:
        found = provenance(opened.summary, opened.start + t, None if before is None else opened.start + before,
                           opened.source.sha256)
        return found.masked(redactor.mask_text) if redactor is not None else found

    return origin


def bookmarks_in(opened, redactor) -> tuple[dict, ...]:
    """The ledger's bookmarks of the source inside the range, times on the clip's timeline
    (notes masked like the clip); none without a ledger file."""
    from ..config import load_settings
    from ..reviews import Ledger, ledger_path

    path = ledger_path(load_settings().reviews_db)
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


def check_redacted_pack(output: Path, redactor) -> None:
    """Fail closed on the pack as written: its clip is read back like `clip`'s."""
    if redactor is None:
        return
    from .. import evidence as ev

    with open(output, "rb") as f:
        clip = ev.verify_pack(f).files.get(ev.CLIP, b"")
    scratch = output.with_name(f".{output.name}.clip")
    scratch.write_bytes(clip)
    try:
        check_redacted(scratch, redactor)
    except typer.Exit:
        output.unlink(missing_ok=True)
        raise
    finally:
        scratch.unlink(missing_ok=True)


@s3_options
def verify_command(
    pack: Path = typer.Argument(..., help="An evidence pack (.zip) made by `castview evidence`."),
    original: str | None = typer.Option(None, "--original", help="The recording it was cut from (file or s3://)."),
) -> None:
    """Check an evidence pack's SHA256SUMS and, given the original, that its clip shows the
    original's frames. Exits 1 if anything differs."""
    from .. import evidence as ev
    from ..clip import sha256_of

    try:
        with open(pack, "rb") as f:
            verified = ev.verify_pack(f)
    except ev.PackError as exc:
        fail(f"{pack}: {exc}")
    except OSError as exc:
        fail(error_message(exc, pack))
    problems = list(verified.problems)
    checked = [f"{len(verified.files) - 1} files match {ev.SUMS}"] if not problems else []
    if original is not None:
        source = verified.source
        try:
            replay, fp, store, target = open_replay(original)
            digest, _ = sha256_of(target.open_whole)
            if not replay.view.complete:
                replay.build(size=fp.size)
                store.save(target.cache_key, fp, replay.index)
            if digest != source.get("source_sha256"):
                problems.append(f"{original}: SHA-256 {digest} is not the pack's source {source.get('source_sha256')}")
            else:
                checked.append("the original's SHA-256 is the pack's source")
            difference = ev.compare_with_original(target.opener, replay, verified.files.get(ev.CLIP, b""))
        except READ_ERRORS as exc:
            fail(error_message(exc, original))
        if difference is not None:
            problems.append(f"{ev.CLIP} differs from {original} {difference}")
        else:
            checked.append("every frame of the clip is the original's")
    for line in checked:
        out.print(f"OK: {line}", markup=False, highlight=False)
    for problem in problems[:SHOWN_PROBLEMS]:
        say(f"FAILED: {problem}")
    if len(problems) > SHOWN_PROBLEMS:
        say(f"FAILED: and {len(problems) - SHOWN_PROBLEMS} more problems")
    raise typer.Exit(1 if problems else 0)
