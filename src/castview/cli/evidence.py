"""`castview evidence` (a clip packed with its transcript, frames, metadata and checksums)
and `castview verify` (check a pack, and its clip against the original)."""

from __future__ import annotations

from pathlib import Path

import typer

from ..recording import READ_ERRORS, error_message
from .clip import (
    ForceOpt,
    FromOpt,
    RedactOpt,
    RedactRegexOpt,
    ToOpt,
    check_output_option,
    make_redactor,
    open_for_clip,
    warn_unmatched,
)
from .export import open_replay
from .options import RecordingArg, s3_options
from .output import fail, out, say

SHOWN_PROBLEMS = 50  # a forged pack can list millions: the first ones say enough


@s3_options
def evidence_command(
    recording: str = RecordingArg,
    start: str = FromOpt,
    end: str = ToOpt,
    output: Path = typer.Option(..., "-o", "--output", help="The pack to write (.zip)."),
    redact: list[str] = RedactOpt,
    redact_regex: list[str] = RedactRegexOpt,
    force: bool = ForceOpt,
) -> None:
    """Pack a clip with its transcript, frames, metadata and SHA256SUMS into a zip."""
    from ..clipping import PACK_KIND, ClipFailed, pack_bytes, write_pack
    from ..config import load_settings
    from ..reviews import default_reviewer
    from . import version

    check_output_option(PACK_KIND, output, recording, force)
    redactor = make_redactor(redact, redact_regex)
    opened = open_for_clip(recording, start, end)
    settings = load_settings()
    try:
        data, count = pack_bytes(opened, redactor, version(), output, cache_dir=settings.cache_dir,
                                 reviews_db=settings.reviews_db, exported_by=default_reviewer(None))
        write_pack(data, output, redactor)
    except ClipFailed as exc:
        fail(str(exc), exc.code)
    warn_unmatched(redactor)
    say(f"wrote {output} ({count} files in {output.stem}/)", style="")


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
    derived, wrong = ev.check_derived(verified)
    checked += derived
    problems += wrong
    if original is not None:
        source = verified.source
        try:
            replay, fp, store, target = open_replay(original)
            digest, size = sha256_of(target.open_whole)
            if not replay.view.complete:
                replay.build(size=fp.size)
                store.save(target.cache_key, fp, replay.index)
            if digest != source.get("source_sha256") or size != source.get("source_size"):
                problems.append(f"{original}: SHA-256 {digest} ({size} bytes) is not the pack's source "
                                f"{source.get('source_sha256')} ({source.get('source_size')} bytes)")
            else:
                checked.append("the original's SHA-256 and size are the pack's source's")
            compared = ev.compare_with_original(target.opener, replay, verified.files.get(ev.CLIP, b""))
            declared = ev.declared_redactions(verified)
        except READ_ERRORS as exc:
            fail(error_message(exc, original))
        if compared.difference is not None:
            problems.append(f"{ev.CLIP} differs from {original} {compared.difference}")
        elif compared.masked and not declared:
            problems.append(f"{ev.CLIP} masks {compared.masked} cells of the original, but the pack declares "
                            "no redaction")
        else:
            checked.append("every frame of the clip is the original's"
                           + (f", but for {compared.masked} masked cells ({declared} redactions declared)"
                              if compared.masked else ""))
    unchecked = "the SVG frames and commands.txt" + ("" if original is not None else
                                                     ", and the clip's frames against the original (--original)")
    out.print(f"Not checked beyond their sums: {unchecked}", markup=False, highlight=False)
    for line in checked:
        out.print(f"OK: {line}", markup=False, highlight=False)
    for problem in problems[:SHOWN_PROBLEMS]:
        say(f"FAILED: {problem}")
    if len(problems) > SHOWN_PROBLEMS:
        say(f"FAILED: and {len(problems) - SHOWN_PROBLEMS} more problems")
    raise typer.Exit(1 if problems else 0)
