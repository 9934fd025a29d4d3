"""`castview commands`: the commands typed at shell prompts in one recording."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..sanitize import printable
from .options import JsonOpt, RecordingArg, current_s3_options, s3_options
from .output import fail, out, print_record
from .shared import cache_options, use_cache_url

if TYPE_CHECKING:
    from rich.text import Text

    from ..commands import Command


@s3_options
@cache_options
def commands_command(recording: str = RecordingArg, as_json: bool = JsonOpt) -> None:
    """Every command typed at a shell prompt, in order, inferred from the screen: when it
    was submitted, how long it ran, and whether it was given up (ctrl-c) or full-screen."""
    from ..commands import commands_of
    from ..config import load_settings
    from ..recording import READ_ERRORS, Recording, error_message
    from ..records import command_record, recording_record

    use_cache_url([recording])
    try:
        target = Recording.from_spec(recording, current_s3_options())
        about = recording_record(target.summary())
        found = commands_of(target, cache_dir=load_settings().cache_dir)
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    for command in found:
        if as_json:
            print_record(command_record(about, command))
        else:
            out.print(command_line(command), soft_wrap=True, highlight=False)


def command_line(command: Command) -> Text:
    """`time  duration  command  [flags]`, one line, controls made visible. The time is
    exact (the next event's time is not at hand): `--at` with it shows the command line."""
    from rich.text import Text

    from ..formatting import elapsed, exact_clock

    line = Text()
    line.append(f"{exact_clock(command.time):>9}  ", style="green")
    duration = command.duration()
    line.append(f"{elapsed(duration) if duration is not None else '-':>9}  ", style="dim")
    line.append(printable(command.command.replace("\n", " ⏎ ")))
    flags = command.flags()
    if flags:
        line.append(f"  [{', '.join(flags)}]", style="yellow")
    return line
