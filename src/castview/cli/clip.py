"""`castview clip`: part of a recording as a recording of its own, optionally redacted."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .. import formatting as fmt
from ..recording import READ_ERRORS, Recording, error_message
from .export import open_replay, warn_problems
from .options import RecordingArg, s3_options
from .output import fail, say, write_out

if TYPE_CHECKING:
    from ..clip import Source
    from ..redact import Redactor
    from ..sources.catalog import RecordingSummary
    from ..term.keyframes import Replay

FromOpt = typer.Option("0", "--from", help="Start: seconds, m:ss[.fff], h:mm:ss[.fff], an RFC 3339 time or a time "
                       "of day (@14:22:05), as export --at takes it.")
ToOpt = typer.Option("end", "--to", help="End: as --from, or 'end'.")
RedactOpt = typer.Option([], "--redact", help="Mask this text wherever it shows (repeatable).")
RedactRegexOpt = typer.Option([], "--redact-regex", help="Mask what this regular expression matches (repeatable).")


def moments(target: Recording, summary: RecordingSummary, replay: Replay,
            texts: tuple[str, str]) -> tuple[float, float]:
    """--from and --to in seconds (castview.moments, against the whole indexed recording):
    the one place clip and evidence parse a time. One outside the recording fails the
    command, naming its span."""
    from ..moments import MomentError, Span, parse_moment

    span = Span(summary.start_ns, replay.view.duration)
    seconds = []
    for option, text in zip(("--from", "--to"), texts, strict=True):
        try:
            seconds.append(parse_moment(text, span))
        except MomentError as exc:
            fail(f"{target.location}: {option}: {exc}")
    return seconds[0], seconds[1]


@dataclass
class Opened:
    """A recording opened for clipping: its replay (index built), range and source facts."""

    target: Recording
    summary: RecordingSummary
    replay: Replay
    start: float
    end: float
    source: Source


def open_for_clip(recording: str, start: str, end: str) -> Opened:
    """Open, index and hash *recording*; exits with the one-line message on failure."""
    from ..clip import Source, clip_range, sha256_of

    try:
        replay, fp, store, target = open_replay(recording)
        if not replay.view.complete:
            replay.build(size=fp.size)
            store.save(target.cache_key, fp, replay.index)
        digest, size = sha256_of(target.open_whole)
        summary = target.summary()
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    warn_problems(replay, recording)
    t0, t1 = moments(target, summary, replay, (start, end))
    try:
        t0, t1 = clip_range(replay, t0, t1)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return Opened(target, summary, replay, t0, t1, Source(target.location, digest, size, summary.start_ns))


def make_redactor(texts: list[str], regexes: list[str]) -> Redactor | None:
    """The redactor of the --redact/--redact-regex options, or None without any."""
    if not texts and not regexes:
        return None
    from ..redact import Redactor

    try:
        return Redactor.of(texts, regexes)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--redact/--redact-regex") from None


def clip_text(opened: Opened, redactor: Redactor | None) -> Iterator[str]:
    """The clip's lines, each ending in a newline."""
    from ..clip import clip_lines
    from . import version

    if redactor is None:
        lines = clip_lines(opened.target.opener, opened.replay, opened.start, opened.end, opened.source, version())
    else:
        from ..redact import redacted_clip_lines

        lines = redacted_clip_lines(opened.target.opener, opened.replay, opened.start, opened.end, opened.source,
                                    version(), redactor)
    for line in lines:
        yield line + "\n"


def check_redacted(path: Path, redactor: Redactor | None) -> None:
    """Fail closed: read the written clip back, and if any frame or byte still holds a
    match, delete it and exit non-zero naming the time."""
    if redactor is None:
        return
    from ..redact import find_leak

    leak = find_leak(path.read_bytes(), redactor)
    if leak is not None:
        path.unlink(missing_ok=True)
        fail(f"{path}: redaction failed, a match remains {leak}; the output was deleted", code=3)


def warn_unmatched(redactor: Redactor | None) -> None:
    """A line on stderr per redaction that matched nothing: a typo, or the wrong case,
    would otherwise leave the secret in a clip that looks redacted."""
    if redactor is None:
        return
    for option in redactor.unmatched():
        say(f"warning: {option} matched nothing (matching is case-sensitive; "
            "use --redact-regex '(?i)...' to ignore case)", style="yellow")


@s3_options
def clip_command(
    recording: str = RecordingArg,
    start: str = FromOpt,
    end: str = ToOpt,
    output: Path = typer.Option(..., "-o", "--output", help="The clip to write (.cast)."),
    redact: list[str] = RedactOpt,
    redact_regex: list[str] = RedactRegexOpt,
) -> None:
    """Cut a time range of a recording into a new recording that starts on the exact screen."""
    redactor = make_redactor(redact, redact_regex)
    opened = open_for_clip(recording, start, end)
    try:
        write_out(clip_text(opened, redactor), output)
    except READ_ERRORS as exc:  # the recording, read again while writing (write_out says write errors)
        fail(error_message(exc, recording))
    check_redacted(output, redactor)
    warn_unmatched(redactor)
    say(f"wrote {output} ({fmt.clock(opened.start)} to {fmt.clock(opened.end)}"
        + (f", {len(redactor.patterns)} redaction(s)" if redactor else "") + ")", style="")
