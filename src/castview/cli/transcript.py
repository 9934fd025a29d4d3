"""`castview cat` (one session as text) and `castview grep` (text across sessions)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..sanitize import printable, strip_controls
from .options import (
    CommandOpt,
    HostOpt,
    JsonOpt,
    NodeOpt,
    OutputOpt,
    RecordingArg,
    SinceOpt,
    SourcesArg,
    UntilOpt,
    UserOpt,
    current_s3_options,
    make_filter,
    make_sources,
    s3_options,
)
from .output import err, fail, out, print_record, progress_bar, say, write_out
from .shared import cache_options, use_cache_url

if TYPE_CHECKING:
    from rich.text import Text

    from ..search import Match
    from ..sources.catalog import RecordingSummary

BIG = 4 << 20
"""Bytes from which building a transcript shows a progress bar."""


@s3_options
@cache_options
def cat_command(
    recording: str = RecordingArg,
    format: str = typer.Option(
        "text", "--format", "-f", help="text, or jsonl (one object per line with the session's metadata)."
    ),
    times: bool = typer.Option(False, "--times", "-t", help="text: start each line with its time in the recording."),
    output: Path | None = OutputOpt,
) -> None:
    """The session as a person saw it: every line shown on the screen, in its final form,
    and full-screen apps as their screens; no escape sequences."""
    from ..config import load_settings
    from ..recording import READ_ERRORS, Recording, error_message
    from ..records import dumps, line_record, recording_record
    from ..search import open_index
    from ..transcript import render_text
    from .names import names_of, start_lookup

    if format not in ("text", "jsonl"):
        raise typer.BadParameter("format must be text or jsonl", param_hint="--format")
    use_cache_url([recording])
    try:
        target = Recording.from_spec(recording, current_s3_options())
        about = recording_record(target.summary(), names_of(start_lookup())) if format == "jsonl" else None
        bar = progress_bar("transcript") if target.size > BIG else None
        if bar is not None:
            with bar:
                task = bar.add_task("", total=target.size)
                index = open_index(
                    target,
                    cache_dir=load_settings().cache_dir,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        else:
            index = open_index(target, cache_dir=load_settings().cache_dir)
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    with index:
        if about is not None:
            lines = (dumps(line_record(about, line)) for line in index.transcript())
        else:
            lines = (strip_controls(line) for line in render_text(index.transcript(), times))
        write_out((line + "\n" for line in lines), output)


@s3_options
@cache_options
def grep_command(
    pattern: str = typer.Argument(..., help="Text to find (a regular expression after a re: prefix, or with --regex)."),
    sources: list[str] | None = SourcesArg,
    as_json: bool = JsonOpt,
    regex: bool = typer.Option(False, "--regex", "-E", help="PATTERN is a Python regular expression."),
    ignore_case: bool | None = typer.Option(
        None,
        "--ignore-case/--case-sensitive",
        "-i/-s",
        show_default=False,
        help="Ignore case, or match it exactly (default: smart case, ignored unless PATTERN has an uppercase letter).",
    ),
    node: str | None = NodeOpt,
    user: str | None = UserOpt,
    host: str | None = HostOpt,
    command: str | None = CommandOpt,
    since: str | None = SinceOpt,
    until: str | None = UntilOpt,
    only_commands: bool = typer.Option(
        False, "--commands", help="Search only the commands typed at shell prompts (see `castview commands`)."
    ),
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", min=1, max=64, help="Recordings indexed in parallel (default: one per CPU)."
    ),
) -> None:
    """Find text in what the sessions showed (typed commands as finally shown, output,
    full-screen apps), across all recordings: node, recording, time and line per match."""
    import sys
    import time

    from rich.text import Text

    from ..config import load_settings
    from ..records import match_record, recording_record
    from ..search import by_line, parse_query, search_recordings
    from ..sources.catalog import build_catalog
    from .names import names_of, start_lookup

    try:
        query = parse_query(pattern, regex=regex, ignore_case=ignore_case, commands=only_commands)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="PATTERN") from None
    selection = make_filter(node, user, host, command, since, until)
    started = time.perf_counter()
    searched = make_sources(sources)
    use_cache_url([source.label for source in searched])
    lookup = start_lookup()  # beside the header reads
    catalog = build_catalog(searched)
    names = names_of(lookup)
    catalog = selection.apply(catalog, names)
    for message in catalog.errors:
        say(message)
    recordings = catalog.recordings
    n_matches = n_with = n_built = n_errors = n_shared = 0
    highlight = out.is_terminal and not as_json
    bar = progress_bar("searching") if recordings else None
    task = bar.add_task("", total=len(recordings)) if bar is not None else None

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.update(task, completed=done, total=total)

    try:
        if bar is not None:
            bar.start()
        for result in search_recordings(
            searched, recordings, query, cache_dir=load_settings().cache_dir, jobs=jobs, progress=progress
        ):
            if result.error:
                n_errors += 1
                say(result.error, console=bar.console if bar is not None else None)
            n_built += result.built
            n_shared += result.shared
            if result.matches:
                n_with += 1
            n_matches += len(result.matches)
            if as_json and result.matches:
                about = recording_record(result.recording, names)
                for m in result.matches:
                    print_record(match_record(about, m))
            else:
                for line in by_line(result.matches):
                    out.print(_match_line(result.recording, line, highlight), soft_wrap=True)
    except BrokenPipeError:
        sys.stderr.close()
        raise typer.Exit(0) from None
    finally:
        if bar is not None:
            bar.stop()
    elapsed = time.perf_counter() - started
    err.print(
        Text(
            f"castview grep: {n_matches} match{'es' if n_matches != 1 else ''} in {n_with} of {len(recordings)} "
            f"recording{'s' if len(recordings) != 1 else ''} ({n_built} indexed now, "
            f"{len(recordings) - n_built - n_errors} from the cache"
            f"{f', {n_shared} of them from the shared cache' if n_shared else ''}"
            f"{f', {n_errors} unreadable' if n_errors else ''}) in {elapsed:.2f} s",
            style="dim",
        ),
        soft_wrap=True,
    )
    raise typer.Exit(0 if n_matches else (2 if n_errors and not n_with else 1))


def _match_line(rec: RecordingSummary, matches: list[Match], highlight: bool) -> Text:
    """`node  file  time  line` for the matches on one screen line (the time of the first),
    the matches in bold red on a terminal."""
    from rich.text import Text

    from ..formatting import exact_clock
    from ..search import COMMAND
    from ..transcript import MAIN

    m = matches[0]
    line = Text()
    line.append(printable(rec.node_id), style="magenta" if highlight else "")
    line.append("  ")
    line.append(printable(rec.ref.name), style="cyan" if highlight else "")
    line.append("  ")
    line.append(exact_clock(m.time), style="green" if highlight else "")
    line.append("  ")
    if m.screen == COMMAND:
        line.append("$ ", style="dim" if highlight else "")
    elif m.screen != MAIN:
        line.append("▣ ", style="dim" if highlight else "")
    at = 0
    for span in sorted(matches, key=lambda m: m.start):
        if span.start < at:  # overlapping occurrences (a regex's): the first one's span covers it
            continue
        line.append(printable(m.line_text[at : span.start]))
        line.append(printable(span.text), style="bold red" if highlight else "")
        at = span.end
    line.append(printable(m.line_text[at:]))
    return line
