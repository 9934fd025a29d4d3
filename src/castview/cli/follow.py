"""`castview follow`: a recording as it is being written, like `tail -f`."""

from __future__ import annotations

import sys

import typer

from .output import fail, say


def follow_command(
    recording: str = typer.Argument(..., help="A local .cast file, typically one the recorder is still writing."),
    transcript: bool = typer.Option(
        False,
        "--transcript",
        help="Print text lines as the cursor leaves them (append-only), and the screen's last lines when "
        "the recording is quiet for a second, instead of redrawing the screen.",
    ),
    exit_when_finished: float | None = typer.Option(
        None,
        "--exit-when-finished",
        min=0.0,
        metavar="SECONDS",
        help="Exit once the file has not grown for SECONDS (default: run until Ctrl-C).",
    ),
    wait: bool = typer.Option(
        False,
        "--wait",
        help="Keep following a recording that is not being written (default: print it as it is and exit).",
    ),
    interval: float = typer.Option(0.25, "--interval", min=0.02, max=10.0, help="Seconds between looks at the file."),
) -> None:
    """Show a recording as it is written, like tail -f: its screen, or --transcript lines."""
    from ..follow import follow_stream
    from ..recording import Recording, error_message
    from ..sources.s3_url import is_s3_url

    if is_s3_url(recording):
        fail(
            "S3 shows a recording only once it is complete: there is nothing to follow (try `castview export --at end`)"
        )
    try:
        target = Recording.from_path(recording)
        status = follow_stream(
            target.location,
            sys.stdout,
            lambda text: say(text, style="yellow"),
            transcript=transcript,
            exit_after=exit_when_finished,
            wait=wait,
            interval=interval,
            tty=sys.stdout.isatty(),
        )
    except OSError as exc:
        fail(error_message(exc, recording))
    raise typer.Exit(status)
