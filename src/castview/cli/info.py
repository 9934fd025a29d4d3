"""`castview info`: one recording's header and what a full scan of it finds."""

from __future__ import annotations

from ..recording import READ_ERRORS, Recording, error_message
from ..records import recording_record
from .options import JsonOpt, RecordingArg, current_s3_options, s3_options
from .output import fail, out, print_record


@s3_options
def info_command(recording: str = RecordingArg, as_json: bool = JsonOpt) -> None:
    """Every header field and what a full scan of the recording finds."""
    from ..info import describe, print_description
    from .names import names_of, start_lookup

    lookup = start_lookup()  # beside the full scan
    try:
        target = Recording.from_spec(recording, current_s3_options())
        with target.open_whole() as f:
            found = describe(f, target.location)
        description = recording_record(target.summary(), names_of(lookup)) | target.facts() | found
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    if as_json:
        print_record(description, indent=2)
    else:
        print_description(out, description)
