"""`castview review` (record a verdict on a recording) and `castview reviews` (the ledger),
and the --unreviewed/--verdict filters of the typer commands (cli/review_filter.py)."""

from __future__ import annotations

import json

import typer

from ..recording import READ_ERRORS, Recording, error_message
from ..reviews import (
    VERDICTS,
    Ledger,
    default_reviewer,
    hash_recording,
    open_ledger,
    to_csv,
)
from ..sanitize import printable
from . import params
from .options import JsonOpt, RecordingArg, current_s3_options, s3_options, typer_checked
from .output import fail, out, print_record, say
from .review_filter import review_choice

UnreviewedOpt = params.UNREVIEWED.option()
VerdictOpt = params.VERDICT.option()


def recording_sha256(ledger: Ledger, target: Recording) -> str:
    """The recording's SHA-256, read once per version of the file (kept in the ledger)."""
    version = target.etag or repr(target.mtime)
    return ledger.sha256(target.cache_key, target.size, version, lambda: hash_recording(target.open_whole))


@s3_options
def review_command(
    recording: str = RecordingArg,
    verdict: str = typer.Option(..., "--verdict", help="ok, concern or incident."),
    note: str = typer.Option("", "--note", help="What the reviewer saw."),
) -> None:
    """Record a review of a recording in the ledger (by its SHA-256: a copy keeps it)."""
    from ..config import load_settings

    if verdict not in VERDICTS:
        raise typer.BadParameter(f"must be one of {', '.join(VERDICTS)}", param_hint="--verdict")
    try:
        target = Recording.from_spec(recording, current_s3_options())
        with open_ledger() as ledger:
            review = ledger.add_review(recording_sha256(ledger, target), target.cache_key, verdict, note,
                                       default_reviewer(load_settings().reviewer))
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    say(f"{recording}: {review.verdict} by {review.reviewer} at {review.time}", style="")


def reviews_command(
    as_json: bool = JsonOpt,
    as_csv: bool = typer.Option(False, "--csv", help="CSV with a header row."),
) -> None:
    """Every review in the ledger, oldest first."""
    with open_ledger() as ledger:
        reviews = ledger.reviews()
    if as_csv:
        out.file.write(to_csv(reviews))
        return
    for review in reviews:
        if as_json:
            print_record(review.record())
        else:
            note = f"  {json.dumps(review.note, ensure_ascii=True)}" if review.note else ""
            out.print(f"{review.time}  {review.verdict:<8}  {printable(review.reviewer)}  "
                      f"{printable(review.location)}{note}",
                      markup=False, highlight=False, soft_wrap=True)


review_filter = typer_checked(review_choice)
"""review_choice for a typer command."""
