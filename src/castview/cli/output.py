"""What the commands print: the two consoles, messages on stderr, JSON records, files.

Text from a recording is only ever printed as `Text` objects or with `markup=False`:
a user name like `[link=https://evil]x[/link]` must reach the terminal as those characters.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

from ..sanitize import printable

if TYPE_CHECKING:
    from rich.console import Console


class _LazyConsole:
    """A rich console made when first used: importing rich's console is a good part of
    every command's start, and `castview --version` or `ls --json` never print through it.
    Stands for the console everywhere, rich's own classes included (a Progress enters it)."""

    __slots__ = ("_made", "_options")

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._made: Console | None = None

    def _console(self) -> Console:
        if self._made is None:
            self._made = _rich_console(**self._options)
        return self._made

    def __getattr__(self, name: str) -> Any:
        return getattr(self._console(), name)

    def __enter__(self) -> Console:
        return self._console().__enter__()

    def __exit__(self, *exc: object) -> None:
        self._console().__exit__(*exc)


def _rich_console(**options: Any) -> Console:
    from rich.console import Console

    return Console(**options)


out = cast("Console", _LazyConsole(highlight=False, soft_wrap=False))
err = cast("Console", _LazyConsole(stderr=True, highlight=False, soft_wrap=True))


UNWRAPPED = 1 << 16
"""Columns of a console writing to a pipe or file: wide enough that no line is wrapped."""


def unwrapped(console: Console) -> Console:
    """`console` on a terminal; elsewhere one like it that never wraps a line (a path or a
    message cut in the middle breaks whoever reads the pipe: grep, awk, a log)."""
    if console.is_terminal:
        return console
    return _rich_console(file=console.file, highlight=False, soft_wrap=console.soft_wrap, width=UNWRAPPED,
                         no_color=console.no_color, color_system=None)


def say(message: str, style: str = "red", console: Console | None = None) -> None:
    """One `castview: ...` line on stderr (or on a progress bar's console, above the bar)."""
    from rich.text import Text

    (console or err).print(Text(f"castview: {printable(message)}", style=style), soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    say(message)
    raise SystemExit(code)  # as typer.Exit ends a command; the plain front end of `ls` has no typer


def print_record(record: dict[str, Any], indent: int | None = None) -> None:
    from ..records import dumps

    out.print(dumps(record, indent), markup=False, highlight=False, soft_wrap=True)


def write_out(chunks: Iterable[str], output: Path | None) -> None:
    """Write text to stdout, or to the file `output`; a reader that leaves early
    (`castview cat x | head`) ends the command quietly."""
    try:
        if output is None:
            for chunk in chunks:
                sys.stdout.write(chunk)
            sys.stdout.flush()
        else:
            from ..safe_write import replacing

            with replacing(output) as f:
                f.writelines(chunks)
    except BrokenPipeError:
        sys.stderr.close()  # the reader left: say nothing
        raise SystemExit(0) from None
    except OSError as exc:
        from ..recording import error_message

        fail(error_message(exc, output or "stdout", "write"))


def progress_bar(label: str) -> Any:
    """A transient progress bar on stderr, or None when stderr is not a terminal."""
    if not err.is_terminal:
        return None
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
