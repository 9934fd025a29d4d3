"""The `castview` command line: builds sources and hands them to a printer or the app."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.cells import cell_len, set_cell_size
from rich.text import Text

from . import formatting as fmt
from .cast.model import CastError
from .config import bundled_samples
from .sanitize import printable, strip_controls
from .sources.base import Source, SourceError
from .sources.catalog import DAMAGED, Catalog, RecordingSummary, build_catalog
from .sources.local import LocalSource
from .recording import error_message
from .records import dumps, line_record, match_record, recording_record, who
from .ui.catalog_view import DEFAULT_COLOURS, MARKS

READ_ERRORS = (CastError, OSError, SourceError)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    help="Browse, replay, search and export SSH session recordings (asciicast, Tailscale tsrecorder).",
)
out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)

SourcesArg = typer.Argument(None, help="Directories, .cast files, s3://BUCKET or s3://BUCKET/PREFIX (default: $TSRECORDER_DST, else the bundled samples).")
JsonOpt = typer.Option(False, "--json", help="Machine-readable output.")

# -- S3: tsrecorder-compatible options, added to a command by @s3_options ----------------------
_S3_FLAGS: dict[str, Any] = {
    "bucket": typer.Option(None, "--bucket", envvar="TSRECORDER_BUCKET", rich_help_panel="S3",
                           help="The recorder's bucket: the default SOURCE when --dst is an S3 URL."),
    "dst": typer.Option(None, "--dst", envvar="TSRECORDER_DST", rich_help_panel="S3", show_default=False,
                        help="The recorder's destination: a directory, or an S3 URL such as https://s3.us-east-1.amazonaws.com."),
    "endpoint_url": typer.Option(None, "--endpoint-url", rich_help_panel="S3",
                                 help="S3-compatible endpoint (MinIO, R2, Ceph); default $AWS_ENDPOINT_URL, else AWS."),
    "region": typer.Option(None, "--region", rich_help_panel="S3", help="AWS region; default $AWS_REGION or the profile's."),
    "access_key": typer.Option(None, "--access-key", rich_help_panel="S3", show_default=False,
                               help="Access key ID; default boto3's chain ($AWS_ACCESS_KEY_ID, $AWS_PROFILE, instance role...)."),
    "secret_key": typer.Option(None, "--secret-key", rich_help_panel="S3", show_default=False,
                               help="Secret access key (prefer $AWS_SECRET_ACCESS_KEY: the command line is visible to other users)."),
}
_s3_flags: dict[str, Any] = {}


def s3_options(command: Any) -> Any:
    """Give a command the S3 flags; their values land in _s3_flags for make_sources()."""
    import functools
    import inspect

    extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=Optional[str])
             for name, option in _S3_FLAGS.items()]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for name in _S3_FLAGS:
            _s3_flags[name] = kwargs.pop(name, None)
        return command(*args, **kwargs)

    signature = inspect.signature(command)
    wrapper.__signature__ = signature.replace(parameters=[*signature.parameters.values(), *extra])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**command.__annotations__, **{name: Optional[str] for name in _S3_FLAGS}}
    return wrapper


def current_s3_options() -> Any:
    """S3Options from the S3 flags of the running command (boto3's chain fills the rest)."""
    from .sources.s3 import S3Options

    flags = {k: v for k, v in _s3_flags.items() if k != "bucket"}
    try:
        return S3Options.from_recorder_flags(**flags)
    except ValueError as exc:
        fail(str(exc))


def fail(message: str, code: int = 1) -> None:
    err.print(Text(f"castview: {printable(message)}", style="red"))
    raise typer.Exit(code)


def default_sources() -> list[str]:
    from .sources.s3 import default_s3_source

    dst = _s3_flags.get("dst") or os.environ.get("TSRECORDER_DST")
    try:
        bucket_url = default_s3_source(dst, _s3_flags.get("bucket") or os.environ.get("TSRECORDER_BUCKET"))
    except ValueError as exc:
        fail(str(exc))
    if bucket_url:
        err.print(Text(f"castview: no SOURCE given; using the recorder's bucket ({printable(bucket_url)})", style="dim"))
        return [bucket_url]
    if dst:
        err.print(Text(f"castview: no SOURCE given; using $TSRECORDER_DST ({printable(dst)})", style="dim"))
        return [dst]
    samples = bundled_samples()
    err.print(Text(f"castview: no SOURCE given; using the bundled samples ({samples})", style="dim"))
    return [str(samples)]


def make_sources(specs: list[str] | None) -> list[Source]:
    from .sources.s3_url import is_s3_url

    sources: list[Source] = []
    for spec in specs or default_sources():
        if is_s3_url(spec):
            from .sources.s3 import S3Source

            try:
                sources.append(S3Source(spec, current_s3_options()))
            except SourceError as exc:
                fail(str(exc))
        else:
            sources.append(LocalSource(spec))
    return sources


def _users(rec: RecordingSummary) -> str:
    if rec.header is None:
        return ""
    ssh, local = rec.header.ssh_user or "", rec.header.local_user or ""
    return ssh if ssh == local or not local else f"{ssh}→{local}"


def _fit(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    return set_cell_size(text, width - 1) + "…" if width > 0 else ""


def _columns(rows: list[list[str]], caps: list[int], floors: list[int], room: int | None) -> list[int]:
    """Column widths: the widest cell up to each column's cap, then narrowed from the
    right-most column towards its floor until the table fits the terminal."""
    widths = [min(cap, max(cell_len(row[i]) for row in rows)) for i, cap in enumerate(caps)]
    if room is not None:
        for i in reversed(range(len(widths))):
            excess = sum(widths) + 2 * (len(widths) - 1) - room
            if excess <= 0:
                break
            widths[i] = max(min(floors[i], widths[i]), widths[i] - excess)
    return widths


def print_catalog(catalog: Catalog, paths: bool = False) -> None:
    """A plain table per node. Built by hand: ten thousand rows through rich's Table take
    seconds, this takes milliseconds."""
    room = out.width if out.is_terminal else None
    header = ["START (local)", *(["PATH"] if paths else []), "DUR", "SIZE", "WHO", "FROM", "USER", "COMMAND", ""]
    caps = [19, *([1000] if paths else []), 8, 9, 24, 20, 16, 40, 12]
    floors = [19, *([20] if paths else []), 4, 6, 8, 6, 5, 7, 11]
    right = {header.index("DUR"), header.index("SIZE")}
    for group in catalog.groups:
        title = Text()
        title.append(printable(group.node_id), style="bold")
        if group.label != group.node_id:
            title.append(f"  {printable(group.label)}")
        n = len(group.recordings)
        title.append(f"  ({n} recording{'s' if n != 1 else ''})", style="dim")
        rows = [header]
        for rec in group.recordings:
            h = rec.header
            rows.append([
                fmt.local_time(rec.start_ns),
                *([printable(rec.ref.location)] if paths else []),
                fmt.duration(rec.duration),
                fmt.size(rec.ref.size),
                printable(who(rec.header)),
                printable((h.src_node or "").split(".")[0]) if h else "",
                printable(_users(rec)),
                printable(h.command or "") if h else printable(rec.error or ""),
                MARKS[rec.status][0] if rec.status in MARKS else "",
            ])
        marked = any(row[-1] for row in rows[1:])
        # The status column only takes room in a group that has a mark.
        widths = _columns(rows, caps if marked else caps[:-1], floors, room) + ([] if marked else [0])
        body = Text()
        body.append_text(title)
        body.append("\n")
        for r, row in enumerate(rows):
            cells = [cell.rjust(w) if i in right and cell_len(cell) <= w else _fit(cell, w)
                     for i, (cell, w) in enumerate(zip(row, widths))]
            line = "  ".join(cells[:-1])
            status = group.recordings[r - 1].status if r else None
            style = "bold" if r == 0 else ("red" if status == DAMAGED else "")
            body.append(line if row[-1] and r else line.rstrip(), style=style)
            if row[-1] and r:
                body.append("  " + row[-1], style=DEFAULT_COLOURS[MARKS[status][1]])
            body.append("\n")
        out.print(body, soft_wrap=True, end="")
        out.print()


# -- filters shared by ls and grep (logic in castview.filters) ----------------------------
NodeOpt = typer.Option(None, "--node", rich_help_panel="Filters",
                       help="Server's stable node ID (tsrecorder folder) or name; substring or glob.")
UserOpt = typer.Option(None, "--user", rich_help_panel="Filters",
                       help="Tailscale user (alice@example.com), SSH or local user, or tag; substring or glob.")
HostOpt = typer.Option(None, "--host", rich_help_panel="Filters",
                       help="Client host (srcNode), server name (dstNode) or Kubernetes pod; substring or glob.")
CommandOpt = typer.Option(None, "--command", rich_help_panel="Filters",
                          help="Command of a non-interactive session; substring or glob.")
SinceOpt = typer.Option(None, "--since", rich_help_panel="Filters",
                        help="Sessions running at or after: YYYY-MM-DD, RFC 3339, today, yesterday, a weekday, or 7d/24h ago.")
UntilOpt = typer.Option(None, "--until", rich_help_panel="Filters",
                        help="Sessions started before (a day means its end); same forms as --since.")


def make_filter(node: str | None, user: str | None, host: str | None, command: str | None,
                since: str | None, until: str | None) -> Any:
    from .filters import RecordingFilter

    try:
        return RecordingFilter.from_options(node, user, host, command, since, until)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--since/--until") from None


@app.command("ls")
@s3_options
def ls_command(
    sources: Optional[list[str]] = SourcesArg,
    as_json: bool = JsonOpt,
    paths: bool = typer.Option(False, "--paths", "-p", help="Show each recording's path."),
    node: Optional[str] = NodeOpt,
    user: Optional[str] = UserOpt,
    host: Optional[str] = HostOpt,
    command: Optional[str] = CommandOpt,
    since: Optional[str] = SinceOpt,
    until: Optional[str] = UntilOpt,
    live: bool = typer.Option(False, "--live", help="Only recordings still being written (grew within the last minute)."),
) -> None:
    """List recordings grouped by stable node ID, newest first."""
    selection = make_filter(node, user, host, command, since, until)
    catalog = selection.apply(build_catalog(make_sources(sources)))
    if live:
        from .follow import live_only

        catalog = live_only(catalog)
    for message in catalog.errors:
        err.print(Text(f"castview: {printable(message)}", style="red"))
    if as_json:
        for rec in catalog.recordings:
            out.print(dumps(recording_record(rec)), markup=False, highlight=False, soft_wrap=True)
    elif not catalog.groups:
        out.print("No recordings found" + (" (see the errors above)." if catalog.errors else
                                           " that match the filters." if selection.active else "."))
    else:
        print_catalog(catalog, paths)
    if catalog.errors and not catalog.groups:
        raise typer.Exit(1)


@app.command("info")
@s3_options
def info_command(recording: str = typer.Argument(..., help="A .cast file or s3://bucket/key."), as_json: bool = JsonOpt) -> None:
    """Every header field and what a full scan of the recording finds."""
    from .info import describe, print_description
    from .recording import Recording

    try:
        target = Recording.from_spec(recording, current_s3_options())
        with target.open_whole() as f:
            found = describe(f, target.location)
        description = recording_record(target.summary()) | target.facts() | found
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    if as_json:
        out.print(dumps(description, indent=2), markup=False, highlight=False, soft_wrap=True)
    else:
        print_description(out, description)


def _open_replay(recording: str):
    """A Replay of a local file or an s3://bucket/key object, with its cached index."""
    from .config import load_settings
    from .recording import Recording
    from .term.index_store import IndexStore

    store = IndexStore(load_settings().cache_dir)
    try:
        target = Recording.from_spec(recording, current_s3_options())
        replay, fp = target.open_replay(store)
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    return replay, fp, store, target


def parse_at(text: str) -> float:
    if text.strip().lower() == "end":
        return float("inf")
    try:
        return fmt.parse_clock(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


EXPORT_FORMATS = ("text", "ansi", "svg", "html")


@app.command("export")
@s3_options
def export_command(
    recording: str = typer.Argument(..., help="A .cast file or s3://bucket/key."),
    at: str = typer.Option(..., "--at", help="Seconds, mm:ss or hh:mm:ss on the recording's own timeline, or 'end'."),
    format: str = typer.Option("text", "--format", "-f", help="text, ansi, svg or html."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write to this file instead of stdout."),
) -> None:
    """The screen at a moment of a recording, as text, ANSI, SVG or HTML."""
    from .term.render import Theme, export

    if format not in EXPORT_FORMATS:
        raise typer.BadParameter(f"format must be one of {', '.join(EXPORT_FORMATS)}", param_hint="--format")
    t = parse_at(at)
    replay, _, _, _ = _open_replay(recording)
    try:
        playhead = replay.seek(t)
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    theme = Theme.from_asciicast(replay.header.theme) if replay.header.theme else None
    document = export(playhead.term, format, theme)
    if output is None:
        sys.stdout.write(document)
        sys.stdout.flush()
    else:
        try:
            output.write_text(document, encoding="utf-8")
        except OSError as exc:
            fail(error_message(exc, output, "write"))
        err.print(Text(f"castview: wrote {output} ({format}, screen at {fmt.clock(playhead.time)}, event {playhead.count})"))


@app.command("index")
@s3_options
def index_command(recordings: list[str] = typer.Argument(..., help="One or more .cast files or s3://bucket/key objects.")) -> None:
    """Build and cache the keyframe index of recordings, with a progress bar."""
    import time

    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    status = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  TimeRemainingColumn(), console=err, transient=False) as progress:
        for recording in recordings:
            try:
                replay, fp, store, target = _open_replay(recording)
            except typer.Exit:
                status = 1
                continue
            task = progress.add_task(printable(target.name), total=fp.size)
            started = time.perf_counter()
            try:
                replay.build(progress=lambda done, total: progress.update(task, completed=done, total=total), size=fp.size)
            except READ_ERRORS as exc:
                progress.console.print(Text(f"castview: {printable(error_message(exc, recording))}", style="red"))
                status = 1
                continue
            store.save(target.cache_key, fp, replay.index)
            progress.update(task, completed=fp.size)
            elapsed = time.perf_counter() - started
            progress.console.print(Text(
                f"{printable(str(recording))}: {replay.event_count} events, {len(replay.index.keyframes)} keyframes, "
                f"{fmt.duration(replay.duration)} long, indexed in {elapsed:.2f} s"
            ))
            for problem in replay.problems:
                progress.console.print(Text(printable(problem.describe(str(recording))), style="yellow"))
    raise typer.Exit(status)


def _progress_bar(label: str) -> Any:
    """A transient progress bar on stderr, or None when stderr is not a terminal."""
    if not err.is_terminal:
        return None
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn(label), BarColumn(), TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn(),
                    console=err, transient=True)


@app.command("cat")
@s3_options
def cat_command(
    recording: str = typer.Argument(..., help="A .cast file or s3://bucket/key."),
    format: str = typer.Option("text", "--format", "-f", help="text, or jsonl (one object per line with the session's metadata)."),
    times: bool = typer.Option(False, "--times", "-t", help="text: start each line with its time in the recording."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write to this file instead of stdout."),
) -> None:
    """The session as a person saw it: every line shown on the screen, in its final form,
    and full-screen apps as their screens; no escape sequences."""
    from .config import load_settings
    from .search import SearchCancelled, open_index
    from .recording import Recording
    from .transcript import render_text

    if format not in ("text", "jsonl"):
        raise typer.BadParameter("format must be text or jsonl", param_hint="--format")
    try:
        target = Recording.from_spec(recording, current_s3_options())
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    bar = _progress_bar("transcript") if target.size > (4 << 20) else None
    try:
        if bar is not None:
            with bar:
                task = bar.add_task("", total=target.size)
                index = open_index(target, cache_dir=load_settings().cache_dir,
                                   progress=lambda done, total: bar.update(task, completed=done, total=total))
        else:
            index = open_index(target, cache_dir=load_settings().cache_dir)
    except SearchCancelled:
        fail("cancelled")
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    with index:
        if format == "jsonl":
            try:
                about = recording_record(target.summary())
            except SourceError as exc:
                fail(error_message(exc, recording))
            lines = (dumps(line_record(about, line)) for line in index.transcript())
        else:
            lines = (strip_controls(line) for line in render_text(index.transcript(), times))
        try:
            if output is None:
                for line in lines:
                    sys.stdout.write(line + "\n")
                sys.stdout.flush()
            else:
                with open(output, "w", encoding="utf-8") as f:
                    for line in lines:
                        f.write(line + "\n")
        except BrokenPipeError:
            sys.stderr.close()  # `castview cat x | head`: the reader left; say nothing
            raise typer.Exit(0)
        except OSError as exc:
            fail(error_message(exc, output, "write"))


@app.command("grep")
@s3_options
def grep_command(
    pattern: str = typer.Argument(..., help="Text to find (a regular expression with --regex)."),
    sources: Optional[list[str]] = SourcesArg,
    as_json: bool = JsonOpt,
    regex: bool = typer.Option(False, "--regex", "-E", help="PATTERN is a Python regular expression."),
    ignore_case: bool = typer.Option(False, "--ignore-case", "-i", help="Ignore case."),
    node: Optional[str] = NodeOpt,
    user: Optional[str] = UserOpt,
    host: Optional[str] = HostOpt,
    command: Optional[str] = CommandOpt,
    since: Optional[str] = SinceOpt,
    until: Optional[str] = UntilOpt,
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, max=64, help="Recordings indexed in parallel (default: one per CPU)."),
) -> None:
    """Find text in what the sessions showed (typed commands as finally shown, output,
    full-screen apps), across all recordings: node, recording, time and line per match."""
    import time

    from .config import load_settings
    from .search import Query, search_recordings
    from .transcript import clock

    query = Query(pattern, regex=regex, ignore_case=ignore_case)
    try:
        query.compile()
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="PATTERN") from None
    selection = make_filter(node, user, host, command, since, until)
    started = time.perf_counter()
    searched = make_sources(sources)
    catalog = selection.apply(build_catalog(searched))
    for message in catalog.errors:
        err.print(Text(f"castview: {printable(message)}", style="red"))
    recordings = catalog.recordings
    n_matches = n_with = n_built = n_errors = 0
    highlight = out.is_terminal and not as_json
    bar = _progress_bar("searching") if recordings else None
    task = bar.add_task("", total=len(recordings)) if bar is not None else None

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.update(task, completed=done, total=total)

    try:
        if bar is not None:
            bar.start()
        for result in search_recordings(searched, recordings, query, cache_dir=load_settings().cache_dir, jobs=jobs,
                                        progress=progress):
            rec = result.recording
            if result.error:
                n_errors += 1
                (bar.console if bar is not None else err).print(Text(f"castview: {printable(result.error)}", style="red"))
            n_built += result.built
            if result.matches:
                n_with += 1
            about = recording_record(rec) if as_json and result.matches else None
            for m in result.matches:
                n_matches += 1
                if about is not None:
                    out.print(dumps(match_record(about, m)), markup=False, highlight=False, soft_wrap=True)
                    continue
                line = Text()
                line.append(printable(rec.node_id), style="magenta" if highlight else "")
                line.append("  ")
                line.append(printable(rec.ref.name), style="cyan" if highlight else "")
                line.append("  ")
                line.append(clock(m.time), style="green" if highlight else "")
                line.append("  ")
                if m.screen != "main":
                    line.append("▣ ", style="dim" if highlight else "")
                line.append(printable(m.line_text[:m.start]))
                line.append(printable(m.text), style="bold red" if highlight else "")
                line.append(printable(m.line_text[m.end:]))
                out.print(line, soft_wrap=True)
    except BrokenPipeError:
        sys.stderr.close()
        raise typer.Exit(0)
    finally:
        if bar is not None:
            bar.stop()
    elapsed = time.perf_counter() - started
    err.print(Text(
        f"castview grep: {n_matches} match{'es' if n_matches != 1 else ''} in {n_with} of {len(recordings)} "
        f"recording{'s' if len(recordings) != 1 else ''} ({n_built} indexed now, {len(recordings) - n_built - n_errors} "
        f"from the cache{f', {n_errors} unreadable' if n_errors else ''}) in {elapsed:.2f} s", style="dim"),
        soft_wrap=True)
    raise typer.Exit(0 if n_matches else (2 if n_errors and not n_with else 1))


@app.command("follow")
def follow_command(
    recording: str = typer.Argument(..., help="A local .cast file, typically one the recorder is still writing."),
    transcript: bool = typer.Option(False, "--transcript", help="Print text lines as they become final (append-only) instead of redrawing the screen."),
    exit_when_finished: Optional[float] = typer.Option(None, "--exit-when-finished", min=0.0, metavar="SECONDS",
                                                       help="Exit once the file has not grown for SECONDS (default: run until Ctrl-C)."),
    interval: float = typer.Option(0.25, "--interval", min=0.02, max=10.0, help="Seconds between looks at the file."),
) -> None:
    """Show a recording as it is written, like tail -f: its screen, or --transcript lines."""
    from .follow import follow_stream
    from .recording import Recording, error_message
    from .sources.s3_url import is_s3_url

    if is_s3_url(recording):
        fail("S3 shows a recording only once it is complete: there is nothing to follow (try `castview export --at end`)")
    try:
        target = Recording.from_path(recording)
    except OSError as exc:
        fail(error_message(exc, recording))
    try:
        status = follow_stream(target.location, sys.stdout, lambda text: err.print(Text(f"castview: {printable(text)}", style="yellow")),
                               transcript=transcript, exit_after=exit_when_finished, interval=interval,
                               tty=sys.stdout.isatty())
    except OSError as exc:
        fail(error_message(exc, recording))
    raise typer.Exit(status)


@app.command("open")
@s3_options
def open_command(
    sources: Optional[list[str]] = SourcesArg,
    theme: Optional[str] = typer.Option(None, "--theme", help="Theme name (a file in themes/ or your config dir's themes/)."),
    speed: Optional[float] = typer.Option(None, "--speed", min=0.25, max=16.0, help="Playback speed, 0.25 to 16."),
    idle_limit: Optional[float] = typer.Option(None, "--idle-limit", min=0.0, help="Cap on idle time in seconds (0: the recording's own, else 2 s)."),
) -> None:
    """Browse and play recordings in the terminal (the default command)."""
    from dataclasses import replace

    from .config import load_settings
    from .ui.app import CastviewApp

    settings = load_settings()
    changes: dict[str, Any] = {}
    if theme is not None:
        changes["theme"] = theme
    if speed is not None:
        changes["speed"] = speed
    if idle_limit is not None:
        changes["idle_limit"] = idle_limit or None
    CastviewApp(make_sources(sources), replace(settings, **changes)).run()


_COMMANDS = {"ls", "info", "export", "index", "cat", "grep", "follow", "open"}


def main() -> None:
    args = sys.argv[1:]
    if not args or (args[0] not in _COMMANDS and args[0] not in ("--help", "-h")):
        sys.argv.insert(1, "open")
    app()
