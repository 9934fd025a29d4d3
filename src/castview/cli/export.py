"""`castview export` (the screen at a moment) and `castview index` (build the keyframe cache)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.text import Text

from .. import formatting as fmt
from ..recording import READ_ERRORS, Recording, error_message
from ..sanitize import printable
from .options import OutputOpt, RecordingArg, SourcesArg, current_s3_options, make_sources, s3_options
from .output import err, fail, say, write_out

if TYPE_CHECKING:
    from ..term.index_store import Fingerprint, IndexStore
    from ..term.keyframes import Replay

EXPORT_FORMATS = ("text", "ansi", "svg", "html")


def open_replay(recording: str) -> tuple[Replay, Fingerprint, IndexStore, Recording]:
    """A Replay of a local file or an s3://bucket/key object, with its cached index.
    Raises what `recording.READ_ERRORS` names."""
    from ..config import load_settings
    from ..term.index_store import IndexStore

    store = IndexStore(load_settings().cache_dir)
    target = Recording.from_spec(recording, current_s3_options())
    replay, fp = target.open_replay(store)
    return replay, fp, store, target


def parse_at(text: str) -> float:
    if text.strip().lower() == "end":
        return float("inf")
    try:
        return fmt.parse_clock(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


@s3_options
def export_command(
    recording: str = RecordingArg,
    at: str = typer.Option(..., "--at", help="Seconds, mm:ss or hh:mm:ss on the recording's own timeline, or 'end'."),
    format: str = typer.Option("text", "--format", "-f", help="text, ansi, svg or html."),
    output: Path | None = OutputOpt,
) -> None:
    """The screen at a moment of a recording, as text, ANSI, SVG or HTML."""
    from ..term.render import Theme, export

    if format not in EXPORT_FORMATS:
        raise typer.BadParameter(f"format must be one of {', '.join(EXPORT_FORMATS)}", param_hint="--format")
    t = parse_at(at)
    try:
        replay, fp, store, target = open_replay(recording)
        if not replay.view.complete:
            # Index the file up to the moment, and keep that (as `index` does): the damaged
            # lines of the part read are then known, and later exports and opens start
            # from its keyframes. A seek alone would read the same part, but keep nothing.
            replay.build(cancelled=lambda: replay.index.duration > t, size=fp.size)
            store.save(target.cache_key, fp, replay.index)
        playhead = replay.seek(t)
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    warn_problems(replay, recording)
    theme = Theme.from_asciicast(replay.header.theme) if replay.header.theme else None
    write_out([export(playhead.term, format, theme)], output)
    if output is not None:
        say(f"wrote {output} ({format}, screen at {fmt.clock(playhead.time)}, event {playhead.count})", style="")


@s3_options
def index_command(sources: list[str] | None = SourcesArg) -> None:
    """Build and cache the keyframe index of every recording in SOURCEs (directories,
    .cast files, s3:// URLs), with a progress bar: later opens and seeks are instant."""
    import time

    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    from ..config import load_settings
    from ..sources.catalog import build_catalog
    from ..term.index_store import IndexStore

    listed = make_sources(sources)
    catalog = build_catalog(listed)
    status = 0
    for message in catalog.errors:
        say(message)
        status = 1
    by_label = {source.label: source for source in listed}
    store = IndexStore(load_settings().cache_dir)
    if not catalog.recordings and not catalog.errors:
        say("no recordings found", style="yellow")
    # markup=False: the description is a file name, which may hold "[...]".
    with Progress(TextColumn("{task.description}", markup=False), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  TimeRemainingColumn(), console=err, transient=False) as progress:
        for rec in catalog.recordings:
            location = rec.ref.location
            try:
                target = Recording.from_ref(rec.ref, by_label.get(rec.ref.source))
                replay, fp = target.open_replay(store)
                task = progress.add_task(printable(target.name), total=fp.size)
                started = time.perf_counter()
                replay.build(progress=lambda done, total, task=task: progress.update(task, completed=done, total=total),
                             size=fp.size)
            except READ_ERRORS as exc:
                say(error_message(exc, location), console=progress.console)
                status = 1
                continue
            store.save(target.cache_key, fp, replay.index)
            progress.update(task, completed=fp.size)
            elapsed = time.perf_counter() - started
            progress.console.print(Text(
                f"{printable(location)}: {replay.event_count} events, {len(replay.index.keyframes)} keyframes, "
                f"{fmt.duration(replay.duration)} long, indexed in {elapsed:.2f} s"
            ))
            warn_problems(replay, location, progress.console)
    raise typer.Exit(status)


def warn_problems(replay: Replay, recording: str, console: Console = err) -> None:
    """What was wrong in the part of the file indexed (lines skipped or repaired), one
    `FILE:LINE: problem` line each, on stderr: the output still holds the valid part."""
    for problem in replay.problems:
        console.print(Text(printable(problem.describe(str(recording))), style="yellow"))
