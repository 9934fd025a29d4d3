"""The options commands share: SOURCE arguments, the tsrecorder S3 flags, the filters."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from . import params
from .common import (  # noqa: F401 - the typer commands take them from here, with their options
    _s3_flags,
    current_s3_flags,
    current_s3_options,
    default_sources,
    filter_of,
    make_sources,
)

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
JsonOpt = params.JSON.option()

# -- S3: tsrecorder-compatible options, added to a command by @s3_options ----------------------
_S3_FLAGS: dict[str, Any] = {name: param.option() for name, param in params.S3_PARAMS.items()}

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


# -- filters shared by ls and grep (logic in castview.filters) ----------------------------
NodeOpt = params.NODE.option()
UserOpt = params.USER.option()
HostOpt = params.HOST.option()
CommandOpt = params.COMMAND.option()
SinceOpt = params.SINCE.option()
UntilOpt = params.UNTIL.option()


def typer_checked(check: Callable[..., Any]) -> Callable[..., Any]:
    """`check`, its BadOption raised as typer's BadParameter (shown with the usage line)."""

    @functools.wraps(check)
    def checked(*args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except params.BadOption as exc:
            raise typer.BadParameter(str(exc), param_hint=exc.hint) from None

    return checked


make_filter = typer_checked(filter_of)
"""filter_of for a typer command."""

OutputOpt = typer.Option(None, "-o", "--output", help="Write to this file instead of stdout.")
