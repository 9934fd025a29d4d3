"""`castview ls` as a typer command: its options from cli/listing.py's table, its work
`list_recordings` (the plain front end, cli/plain.py, runs the same)."""

from __future__ import annotations

from typing import Any

from .listing import LS_PARAMS, list_recordings
from .options import SourcesArg, flag_group, s3_options, typer_checked

_values: dict[str, Any] = {}
"""The options given to the running command (one command per process)."""


@s3_options
@flag_group({name: param.option() for name, param in LS_PARAMS.items()}, _values)
def ls_command(sources: list[str] | None = SourcesArg) -> None:
    """List recordings grouped by node (or user, connection, one timeline), newest first."""
    typer_checked(list_recordings)(sources, **_values)
