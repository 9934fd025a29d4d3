"""The `castview` command line: builds sources and hands them to a printer or the app.

`main` is the `castview` entry point. `castview ls` goes first to its plain front end
(cli/plain.py: importing typer and parsing through it cost a listing more than reading
ten thousand first lines), which hands whatever it does not take to the typer app
(cli/typer_app.py) as every other command line goes. Importing this package imports
neither; `app` and `version` are the typer app's, imported when asked for.
"""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    if sys.argv[1:2] == ["ls"]:
        from .plain import run_ls

        run_ls(sys.argv[2:])  # returns only when typer is to take the command line
    from .typer_app import main as typer_main

    typer_main()


def __getattr__(name: str) -> Any:
    if name in ("app", "version"):
        from . import typer_app

        return getattr(typer_app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
