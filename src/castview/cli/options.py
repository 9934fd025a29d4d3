"""The options commands share: SOURCE arguments, the tsrecorder S3 flags, the filters."""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from ..sanitize import printable
from .output import err, fail

if TYPE_CHECKING:
    from ..filters import RecordingFilter
    from ..sources.base import Source
    from ..sources.s3 import S3Options

SourcesArg = typer.Argument(
    None,
    help="Directories, .cast files, s3://BUCKET or s3://BUCKET/PREFIX (default: $TSRECORDER_DST or --dst).",
)
AppSourcesArg = typer.Argument(
    None,
    help="Directories, .cast files, s3://BUCKET or s3://BUCKET/PREFIX "
    "(default: $TSRECORDER_DST or --dst, else the bundled sample recordings).",
)
RecordingArg = typer.Argument(..., help="A .cast file or s3://bucket/key.")
JsonOpt = typer.Option(False, "--json", help="Machine-readable output (JSON; the README lists the fields).")

# -- S3: tsrecorder-compatible options, added to a command by @s3_options ----------------------
_S3_FLAGS: dict[str, Any] = {
    "bucket": typer.Option(
        None,
        "--bucket",
        envvar="TSRECORDER_BUCKET",
        rich_help_panel="S3",
        help="The recorder's bucket: the default SOURCE when --dst is an S3 URL.",
    ),
    "dst": typer.Option(
        None,
        "--dst",
        envvar="TSRECORDER_DST",
        rich_help_panel="S3",
        show_default=False,
        help="The recorder's destination: a directory, or an S3 URL such as https://s3.us-east-1.amazonaws.com.",
    ),
    "endpoint_url": typer.Option(
        None,
        "--endpoint-url",
        rich_help_panel="S3",
        help="S3-compatible endpoint (MinIO, R2, Ceph); default $AWS_ENDPOINT_URL, else AWS.",
    ),
    "region": typer.Option(
        None, "--region", rich_help_panel="S3", help="AWS region; default $AWS_REGION or the profile's."
    ),
    "access_key": typer.Option(
        None,
        "--access-key",
        rich_help_panel="S3",
        show_default=False,
        help="Access key ID; default boto3's chain ($AWS_ACCESS_KEY_ID, $AWS_PROFILE, instance role...).",
    ),
    "secret_key": typer.Option(
        None,
        "--secret-key",
        rich_help_panel="S3",
        show_default=False,
        help="Secret access key (prefer $AWS_SECRET_ACCESS_KEY: the command line is visible to other users).",
    ),
}
_s3_flags: dict[str, Any] = {}
"""The S3 flags of the command running (one command per process)."""

Command = TypeVar("Command", bound=Callable[..., Any])


def flag_group(flags: dict[str, Any], values: dict[str, Any]) -> Callable[[Command], Command]:
    """A decorator giving a command the options `flags` (by parameter name; a bool default
    makes a flag, anything else a str | None); their values land in `values`."""

    def annotation(option: Any) -> Any:
        return bool if isinstance(option.default, bool) else str | None

    def decorate(command: Command) -> Command:
        extra = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation(option))
            for name, option in flags.items()
        ]

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for name in flags:
                values[name] = kwargs.pop(name, None)
            return command(*args, **kwargs)

        signature = inspect.signature(command)
        wrapper.__signature__ = signature.replace(parameters=[*signature.parameters.values(), *extra])  # type: ignore[attr-defined]
        wrapper.__annotations__ = {**command.__annotations__,
                                   **{name: annotation(option) for name, option in flags.items()}}
        return wrapper  # type: ignore[return-value]

    return decorate


s3_options = flag_group(_S3_FLAGS, _s3_flags)
"""Give a command the S3 flags; their values land in _s3_flags for make_sources()."""


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


# -- filters shared by ls and grep (logic in castview.filters) ----------------------------
NodeOpt = typer.Option(
    None,
    "--node",
    rich_help_panel="Filters",
    help="Server's stable node ID (tsrecorder folder) or name; substring or glob.",
)
UserOpt = typer.Option(
    None,
    "--user",
    rich_help_panel="Filters",
    help="Tailscale user (alice@example.com), SSH or local user, or tag; substring or glob.",
)
HostOpt = typer.Option(
    None,
    "--host",
    rich_help_panel="Filters",
    help="Client host (srcNode), server name (dstNode) or Kubernetes pod; substring or glob.",
)
CommandOpt = typer.Option(
    None, "--command", rich_help_panel="Filters", help="Command of a non-interactive session; substring or glob."
)
SinceOpt = typer.Option(
    None,
    "--since",
    rich_help_panel="Filters",
    help="Sessions running at or after: YYYY-MM-DD, RFC 3339, today, yesterday, a weekday, or 7d/24h ago.",
)
UntilOpt = typer.Option(
    None,
    "--until",
    rich_help_panel="Filters",
    help="Sessions started before (a day means its end); same forms as --since.",
)


def make_filter(
    node: str | None, user: str | None, host: str | None, command: str | None, since: str | None, until: str | None
) -> RecordingFilter:
    from ..filters import RecordingFilter

    try:
        return RecordingFilter.from_options(node, user, host, command, since, until)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--since/--until") from None


OutputOpt = typer.Option(None, "-o", "--output", help="Write to this file instead of stdout.")
