"""`castview clip`: part of a recording as a recording of its own, optionally redacted."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .. import formatting as fmt
from ..recording import READ_ERRORS, Recording, error_message
from .export import warn_problems
from .options import RecordingArg, current_s3_options, s3_options
from .output import fail, say

if TYPE_CHECKING:
    from ..clipping import Opened
    from ..redact import Redactor

FromOpt = typer.Option("0", "--from", help="Start: seconds, m:ss[.fff], h:mm:ss[.fff], an RFC 3339 time or a time "
                       "of day (@14:22:05), as export --at takes it.")
ToOpt = typer.Option("end", "--to", help="End: as --from, or 'end'.")
RedactOpt = typer.Option([], "--redact", help="Mask this text wherever it shows (repeatable).")
RedactRegexOpt = typer.Option([], "--redact-regex", help="Mask what this regular expression matches (repeatable).")


def open_for_clip(recording: str, start: str, end: str) -> Opened:
    """Open, index and hash *recording*, its range placed; exits with the one-line message
    on failure (a reversed range is a bad parameter)."""
    from ..clipping import BAD_RANGE, ClipFailed, choose_range, open_indexed
    from ..config import load_settings
    from ..term.index_store import IndexStore

    try:
        target = Recording.from_spec(recording, current_s3_options())
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    try:
        opened = open_indexed(target, IndexStore(load_settings().cache_dir))
        warn_problems(opened.replay, recording)
        return choose_range(opened, (start, end))
    except ClipFailed as exc:
        if exc.code == BAD_RANGE:
            raise typer.BadParameter(str(exc)) from None
        fail(str(exc), exc.code)


def make_redactor(texts: list[str], regexes: list[str]) -> Redactor | None:
    """The redactor of the --redact/--redact-regex options, or None without any."""
    from .. import clipping

    try:
        return clipping.make_redactor(texts, regexes)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--redact/--redact-regex") from None


ForceOpt = typer.Option(False, "--force", help="Write even over an existing file, or into the recording's folder.")


def check_output_option(kind: str, output: Path, recording: str, force: bool) -> None:
    """Exit 2 for an output castview will not write (castview.clipping.check_output)."""
    from ..clipping import check_output, source_folders

    folders = source_folders(recording)
    problem = check_output(kind, output, folders, force)
    if problem is not None:
        helps = not force and check_output(kind, output, folders, force=True) is None
        raise typer.BadParameter(problem + (" (or --force)" if helps else ""), param_hint="-o/--output")


def warn_unmatched(redactor: Redactor | None) -> None:
    """A line on stderr per redaction that matched nothing: a typo, or the wrong case,
    would otherwise leave the secret in a clip that looks redacted. One found only in
    what the screen does not show (a title, a hyperlink's URL, a DCS) is said so."""
    if redactor is None:
        return
    for option in redactor.unmatched():
        say(f"warning: {option} matched nothing (matching is case-sensitive; "
            "use --redact-regex '(?i)...' to ignore case)", style="yellow")
    for option in redactor.unshown():
        say(f"note: {option} was not on screen, only in control sequences (a title, a link's URL...), which "
            "are not carried into the clip, or in the format's field names (width...), which stay", style="yellow")


@s3_options
def clip_command(
    recording: str = RecordingArg,
    start: str = FromOpt,
    end: str = ToOpt,
    output: Path = typer.Option(..., "-o", "--output", help="The clip to write (.cast)."),
    redact: list[str] = RedactOpt,
    redact_regex: list[str] = RedactRegexOpt,
    force: bool = ForceOpt,
) -> None:
    """Cut a time range of a recording into a new recording that starts on the exact screen."""
    from ..clipping import CLIP_KIND, ClipFailed, write_clip
    from . import version

    check_output_option(CLIP_KIND, output, recording, force)
    redactor = make_redactor(redact, redact_regex)
    opened = open_for_clip(recording, start, end)
    try:
        write_clip(opened, redactor, version(), output)
    except ClipFailed as exc:
        fail(str(exc), exc.code)
    warn_unmatched(redactor)
    say(f"wrote {output} ({fmt.clock(opened.start)} to {fmt.clock(opened.end)}"
        + (f", {len(redactor.patterns)} redaction(s)" if redactor else "") + ")", style="")
