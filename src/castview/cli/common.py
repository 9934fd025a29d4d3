"""What the commands share that needs no typer (the plain front end of `ls` starts without
it): the S3 flags' values, the sources of SOURCE arguments, the filter of the filters.
cli/options.py gives the typer commands these with their options."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..sanitize import printable
from .output import err, fail
from .params import BadOption

if TYPE_CHECKING:
    from ..filters import RecordingFilter
    from ..sources.base import Source
    from ..sources.s3 import S3Options

_s3_flags: dict[str, Any] = {}
"""The S3 flags of the command running (one command per process)."""


def keep_s3_flags(values: dict[str, Any]) -> None:
    """Take the command's S3 flags (cli/params.py's S3_PARAMS, by parameter name) out of
    `values`, for make_sources() and current_s3_options()."""
    from .params import S3_PARAMS

    for name in S3_PARAMS:
        _s3_flags[name] = values.pop(name, None)


def current_s3_flags() -> dict[str, str | None]:
    """The S3 flags given to the running command, by parameter name (None: not given)."""
    return dict(_s3_flags)


def current_s3_options() -> S3Options:
    """S3Options from the S3 flags of the running command (boto3's chain fills the rest)."""
    from ..sources.s3 import S3Options

    flags = {k: v for k, v in _s3_flags.items() if k != "bucket"}
    try:
        return S3Options.from_recorder_flags(**flags)
    except ValueError as exc:
        fail(str(exc))


def default_sources(samples: bool = False) -> list[str]:
    """The recorder's destination ($TSRECORDER_DST, its bucket), else (with `samples`, for
    the app only) the bundled samples; says which on stderr. Without a destination and
    without `samples`, fails: sample hits printed by a command look like real findings."""
    from rich.text import Text

    from ..config import bundled_samples
    from ..sources.s3 import default_s3_source

    dst = _s3_flags.get("dst") or os.environ.get("TSRECORDER_DST")
    try:
        bucket_url = default_s3_source(dst, _s3_flags.get("bucket") or os.environ.get("TSRECORDER_BUCKET"))
    except ValueError as exc:
        fail(str(exc))
    if bucket_url:
        err.print(
            Text(f"castview: no SOURCE given; using the recorder's bucket ({printable(bucket_url)})", style="dim")
        )
        return [bucket_url]
    if dst:
        err.print(Text(f"castview: no SOURCE given; using $TSRECORDER_DST ({printable(dst)})", style="dim"))
        return [dst]
    if not samples:
        fail(
            "no SOURCE given and $TSRECORDER_DST is not set: name directories, .cast files or s3:// URLs, "
            "or give the recorder's destination with --dst (and --bucket for S3) or $TSRECORDER_DST"
        )
    folder = bundled_samples()
    err.print(Text(f"castview: no SOURCE given; using the bundled samples ({folder})", style="dim"))
    return [str(folder)]


def make_sources(specs: list[str] | None, samples: bool = False) -> list[Source]:
    """Sources for SOURCE arguments, else the default ones (see default_sources)."""
    from ..sources.base import SourceError
    from ..sources.local import LocalSource
    from ..sources.s3_url import is_s3_url

    sources: list[Source] = []
    for spec in specs or default_sources(samples):
        if is_s3_url(spec):
            from ..sources.s3 import S3Source

            try:
                sources.append(S3Source(spec, current_s3_options()))
            except SourceError as exc:
                fail(str(exc))
        else:
            sources.append(LocalSource(spec))
    return sources


def filter_of(
    node: str | None, user: str | None, host: str | None, command: str | None, since: str | None, until: str | None
) -> RecordingFilter:
    """The filter the filter options ask for. Raises BadOption for a bad date."""
    from ..filters import RecordingFilter

    try:
        return RecordingFilter.from_options(node, user, host, command, since, until)
    except ValueError as exc:
        raise BadOption(str(exc), "--since/--until") from None
