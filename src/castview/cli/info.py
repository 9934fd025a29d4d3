"""`castview info`: one recording's header and what a full scan of it finds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, BinaryIO

from .options import JsonOpt, RecordingArg, current_s3_options, s3_options
from .output import fail, out, print_record, unwrapped
from .shared import cache_options, use_cache_url

if TYPE_CHECKING:
    from ..recording import Recording


def remember_problems(target: Recording, f: BinaryIO, problems: list[dict[str, Any]]) -> bool:
    """Keep what the full read found for every listing (castview.problem_store); a cut-off
    last line is not kept: listings mark it themselves (truncated, or live). Returns
    whether there was anything to keep."""
    from ..cast.model import Problem
    from ..config import load_settings
    from ..problem_store import INCOMPLETE_LINE, ProblemStore
    from ..term.fingerprint import fingerprint

    kept = [Problem(p["line"], p["message"]) for p in problems if p["message"] != INCOMPLETE_LINE]
    if kept:
        fp = fingerprint(f, target.size, target.mtime, target.etag)
        ProblemStore(load_settings().cache_dir).record(target.cache_key, fp, kept)
    return bool(kept)


def last_line_number(f: BinaryIO) -> int:
    """The number of the file's last line (one past its newlines: it has none of its own)."""
    f.seek(0)
    return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) + 1


@s3_options
@cache_options
def info_command(recording: str = RecordingArg, as_json: bool = JsonOpt) -> None:
    """Every header field and what a full scan of the recording finds."""
    from ..cast.reader import read_head
    from ..config import load_settings
    from ..info import describe, print_description
    from ..problem_store import incomplete_line_problem
    from ..recording import READ_ERRORS, Recording, error_message
    from ..records import recording_record
    from ..reviews import review_statuses
    from ..search import open_index
    from ..sources.catalog import LIVE
    from .names import names_of, start_lookup

    use_cache_url([recording])
    lookup = start_lookup()  # beside the full scan
    try:
        target = Recording.from_spec(recording, current_s3_options())
        summary = target.summary()
        with target.open_whole() as f:
            head = read_head(f, target.location)
            with open_index(target, cache_dir=load_settings().cache_dir) as index:
                found = describe(head, index)
            if index.incomplete_tail and summary.status != LIVE:
                # As in the player: half a line at the end of a finished recording is a problem.
                cut = incomplete_line_problem(last_line_number(f))
                found["problems"].append({"line": cut.line, "message": cut.message})
            if remember_problems(target, f, found["problems"]):
                summary = target.summary()  # damaged, now that it is known
        review = review_statuses([summary])[summary.ref.location].record()
        description = recording_record(summary, names_of(lookup)) | {"review": review} | target.facts() | found
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    if as_json:
        print_record(description, indent=2)
    else:
        print_description(unwrapped(out), description)
