"""The typer app: one module per command group, assembled here. `main` runs it for the
`castview` entry point (cli/__init__.py): a first argument that is not a command opens
the app on it."""

from __future__ import annotations

import sys

import typer

from .browse import open_command
from .clip import clip_command
from .commands import commands_command
from .evidence import evidence_command, verify_command
from .export import export_command, index_command
from .follow import follow_command
from .info import info_command
from .ls_command import ls_command
from .reviews import review_command, reviews_command
from .serve import serve_command
from .transcript import cat_command, grep_command

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    help="Browse, replay, search and export SSH session recordings (asciicast, Tailscale tsrecorder).",
)
app.command("ls")(ls_command)
app.command("info")(info_command)
app.command("export")(export_command)
app.command("index")(index_command)
app.command("cat")(cat_command)
app.command("grep")(grep_command)
app.command("commands")(commands_command)
app.command("follow")(follow_command)
app.command("open")(open_command)
app.command("serve")(serve_command)
app.command("clip")(clip_command)
app.command("evidence")(evidence_command)
app.command("verify")(verify_command)
app.command("review")(review_command)
app.command("reviews")(reviews_command)


def version() -> str:
    from ..provenance import castview_version

    return castview_version()


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"castview {version()}")  # (not through rich: its import would double the start)
        raise typer.Exit()


@app.callback()
def _options(
    show_version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                      help="Print castview's version and exit."),
) -> None:
    pass


def main() -> None:
    commands = {command.name for command in app.registered_commands}
    args = sys.argv[1:]
    if not args or (args[0] not in commands and args[0] not in ("--help", "-h", "--version")):
        sys.argv.insert(1, "open")
    app()
