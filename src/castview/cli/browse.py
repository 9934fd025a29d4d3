"""`castview open` (and `castview`, `castview SOURCE...`): the app."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import typer

from .export import UtcOpt, resolve_moment
from .options import AppSourcesArg, current_s3_options, default_sources, make_sources, s3_options
from .output import fail
from .reviews import UnreviewedOpt, VerdictOpt, review_filter
from .shared import cache_options, use_cache_url

if TYPE_CHECKING:
    from ..ui.app import OpenAt

# The app's settings on the command line; `castview serve` takes them too and hands them on.
ThemeOpt = typer.Option(None, "--theme", help="Theme name (a file in themes/ or your config dir's themes/).")
SpeedOpt = typer.Option(None, "--speed", min=0.25, max=16.0, help="Playback speed, 0.25 to 16.")
IdleLimitOpt = typer.Option(
    None, "--idle-limit", min=0.0, help="Cap on idle time in seconds (0: the recording's own, else 2 s)."
)


@s3_options
@cache_options
def open_command(
    sources: list[str] | None = AppSourcesArg,
    theme: str | None = ThemeOpt,
    speed: float | None = SpeedOpt,
    idle_limit: float | None = IdleLimitOpt,
    at: str | None = typer.Option(
        None, "--at", help="Open the one RECORDING given in the player, paused at this moment (as export --at takes "
        "it). RECORDING@2025-03-02T14:22:05Z does the same."),
    utc: bool = UtcOpt,
    unreviewed: bool = UnreviewedOpt,
    verdict: str | None = VerdictOpt,
) -> None:
    """Browse and play recordings in the terminal (the default command)."""
    from dataclasses import replace

    from ..config import bundled_samples, load_settings
    from ..ui.app import CastviewApp

    wanted = review_filter(unreviewed, verdict)
    sources, open_at = _moment_to_open(sources, at, utc)

    settings = load_settings()
    changes: dict[str, Any] = {}
    if theme is not None:
        changes["theme"] = theme
    if speed is not None:
        changes["speed"] = speed
    if idle_limit is not None:
        changes["idle_limit"] = idle_limit or None
    if utc:
        changes["utc"] = True
    specs = sources or default_sources(samples=True)
    samples = specs == [str(bundled_samples())]
    use_cache_url(specs, report=False)
    CastviewApp(make_sources(specs), replace(settings, **changes), samples=samples, open_at=open_at,
                review_filter=wanted).run()


def _moment_to_open(specs: list[str] | None, at: str | None, utc: bool) -> tuple[list[str] | None, OpenAt | None]:
    """The sources to browse, and the recording to open first at a moment: `--at T`, or
    one SOURCE written `RECORDING@RFC3339` (split at its last `@`, and only when what
    follows is an RFC 3339 time and the whole is not an existing path). A moment that is
    not in the recording fails the command (exit 1), naming the recording's span."""
    from ..moments import split_link
    from ..recording import READ_ERRORS, Recording, error_message
    from ..ui.app import OpenAt

    linked = None
    if specs and len(specs) == 1 and not os.path.exists(specs[0]):
        recording, linked = split_link(specs[0])
        specs = [recording]
    if at is not None and linked is not None:
        fail(f"two moments given: --at {at} and @{linked} in the link; give one")
    moment = at if at is not None else linked
    if moment is None:
        return specs, None
    if not specs or len(specs) != 1:
        fail("--at opens one recording: give exactly one RECORDING (a .cast file or s3://bucket/key)")
    try:
        target = Recording.from_spec(specs[0], current_s3_options())
    except IsADirectoryError:
        fail(f"--at opens one recording, and {specs[0]} is a directory")
    except READ_ERRORS as exc:
        fail(error_message(exc, specs[0]))
    position, summary = resolve_moment(moment, target, utc)
    return specs, OpenAt(summary, target.source, position)
