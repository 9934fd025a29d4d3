"""`--cache-url` and `--allow-cache-in-source`: the shared analysis cache (``analysis.shared``)
of the commands that read analysis entries (index, grep, cat, info, the app)."""

from __future__ import annotations

import logging
from typing import Any

import typer

from .options import current_s3_options, flag_group
from .output import say

_CACHE_FLAGS: dict[str, Any] = {
    "cache_url": typer.Option(
        None,
        "--cache-url",
        rich_help_panel="Shared cache",
        show_default=False,
        help="A cache of analysis entries shared by machines, s3://BUCKET/PREFIX (default: the cache_url setting, "
        "$CASTVIEW_CACHE_URL): read before analysing a recording here, and given what is analysed here.",
    ),
    "allow_cache_in_source": typer.Option(
        False,
        "--allow-cache-in-source",
        rich_help_panel="Shared cache",
        help="Let --cache-url be in a SOURCE's bucket (castview otherwise never writes where recordings are).",
    ),
}
_cache_flags: dict[str, Any] = {}

cache_options = flag_group(_CACHE_FLAGS, _cache_flags)
"""Give a command --cache-url and --allow-cache-in-source; `use_cache_url` applies them."""


def current_cache_flags() -> dict[str, Any]:
    """--cache-url and --allow-cache-in-source as given to the running command."""
    return dict(_cache_flags)


class _Say(logging.Handler):
    """The shared cache's reports as `castview: ...` lines on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        say(record.getMessage(), style="yellow")


def use_cache_url(sources: list[str], report: bool = True) -> None:
    """Make --cache-url (else the cache_url setting) the command's shared cache, for
    reading `sources` (what the user named). One in the bucket of a source in S3 is refused
    (exit 2) unless --allow-cache-in-source. `report`: its failures on stderr (not in the
    app, which owns the terminal)."""
    from ..analysis.shared import log, use
    from ..config import load_settings
    from ..sources.s3_shared import shared_cache

    given = _cache_flags.get("cache_url")
    url = given or load_settings().cache_url
    if not url:
        return
    try:
        cache = shared_cache(url, current_s3_options(), sources, bool(_cache_flags.get("allow_cache_in_source")))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--cache-url" if given else "the cache_url setting") from None
    use(cache)
    if report and not any(isinstance(h, _Say) for h in log.handlers):
        log.addHandler(_Say())
        log.propagate = False
