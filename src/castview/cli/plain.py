"""`castview ls` without typer. A listing's start was mostly typer: its import, and its
parsing, which checks every option's value through pydantic (a three-option typer app
costs twice a bare loop over ten thousand first lines).

This front end reads the usual command lines: SOURCES, the options of cli/listing.py's
LS_PARAMS and the S3 flags (cli/params.py: the same table the typer command is made from),
a long option's value after a space or `=`, `-p`. Anything else (--help, an unknown
option, a value missing or looking like an option, `--`) and any value a check refuses
(BadOption, raised before anything is printed or started) it leaves to the typer app,
which then says what is wrong in its own words: output, messages and exit codes are the
typer command's either way (tests/test_ls_plain.py runs both over the same command lines).
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

from .params import S3_PARAMS, BadOption, Param


def parse(args: list[str]) -> dict[str, Any] | None:
    """The values `castview ls ARGS` gives its command, by parameter name ("sources": the
    SOURCE arguments, None for none), as typer gives them; None: a command line for typer."""
    from .listing import LS_PARAMS

    table = {**LS_PARAMS, **S3_PARAMS}
    names = {flag: name for name, param in table.items() for flag in param.flags}
    given: dict[str, Any] = {}
    sources: list[str] = []
    rest = iter(args)
    for arg in rest:
        if not arg.startswith("-"):
            sources.append(arg)
            continue
        flag, equals, value = arg.partition("=")
        name = names.get(flag)
        if name is None or (equals and (table[name].is_flag or not flag.startswith("--"))):
            return None
        if table[name].is_flag:
            given[name] = True
        elif not equals:
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
            given[name] = value
        else:
            given[name] = value
    values = {name: given[name] if name in given else _unset(param) for name, param in table.items()}
    values["sources"] = sources or None
    return values


def _unset(param: Param) -> Any:
    """An option's value when the command line does not give it: its environment
    variable's, if set and not empty (as click reads it), else its default."""
    return (os.environ.get(param.envvar) if param.envvar else None) or param.default


def run_ls(args: list[str]) -> None:
    """Run `castview ls ARGS` and exit as typer would; return (having printed nothing) when
    the command line is typer's to take."""
    from .common import keep_s3_flags
    from .listing import list_recordings

    values = parse(args)
    if values is None:
        return
    keep_s3_flags(values)
    try:
        list_recordings(values.pop("sources"), **values)
    except BadOption:
        return
    except KeyboardInterrupt:
        raise SystemExit(130) from None  # typer's exit status for an interrupt
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        from click.utils import PacifyFlushWrapper  # as click ends a command whose reader left

        sys.stdout = PacifyFlushWrapper(sys.stdout)  # type: ignore[assignment]
        sys.stderr = PacifyFlushWrapper(sys.stderr)  # type: ignore[assignment]
        raise SystemExit(1) from None
    raise SystemExit(0)
