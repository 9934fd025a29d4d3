"""`castview open` (and `castview`, `castview SOURCE...`): the app."""

from __future__ import annotations

from typing import Any

import typer

from .options import AppSourcesArg, default_sources, make_sources, s3_options

# The app's settings on the command line; `castview serve` takes them too and hands them on.
ThemeOpt = typer.Option(None, "--theme", help="Theme name (a file in themes/ or your config dir's themes/).")
SpeedOpt = typer.Option(None, "--speed", min=0.25, max=16.0, help="Playback speed, 0.25 to 16.")
IdleLimitOpt = typer.Option(
    None, "--idle-limit", min=0.0, help="Cap on idle time in seconds (0: the recording's own, else 2 s)."
)


@s3_options
def open_command(
    sources: list[str] | None = AppSourcesArg,
    theme: str | None = ThemeOpt,
    speed: float | None = SpeedOpt,
    idle_limit: float | None = IdleLimitOpt,
) -> None:
    """Browse and play recordings in the terminal (the default command)."""
    from dataclasses import replace

    from ..config import bundled_samples, load_settings
    from ..ui.app import CastviewApp

    settings = load_settings()
    changes: dict[str, Any] = {}
    if theme is not None:
        changes["theme"] = theme
    if speed is not None:
        changes["speed"] = speed
    if idle_limit is not None:
        changes["idle_limit"] = idle_limit or None
    specs = sources or default_sources(samples=True)
    samples = specs == [str(bundled_samples())]
    CastviewApp(make_sources(specs), replace(settings, **changes), samples=samples).run()
