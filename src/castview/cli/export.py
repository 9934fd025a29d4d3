"""`castview export` (the screen at a moment) and `castview index` (build the keyframe cache)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..sanitize import printable
from .options import OutputOpt, RecordingArg, SourcesArg, current_s3_options, make_sources, s3_options
from .output import err, fail, say, write_out
from .shared import cache_options, use_cache_url

if TYPE_CHECKING:
    from collections import Counter
    from collections.abc import Callable

    from rich.console import Console
    from rich.progress import TaskID

    from ..recording import Recording
    from ..search_index import SearchIndexStore
    from ..shards import Shard
    from ..sources.catalog import RecordingSummary
    from ..term.index_store import Fingerprint, IndexStore
    from ..term.keyframes import Replay

EXPORT_FORMATS = ("text", "ansi", "svg", "html")


def open_replay(recording: str) -> tuple[Replay, Fingerprint, IndexStore, Recording]:
    """A Replay of a local file or an s3://bucket/key object, with its cached index.
    Raises what `recording.READ_ERRORS` names."""
    from ..config import load_settings
    from ..recording import Recording
    from ..term.index_store import IndexStore

    store = IndexStore(load_settings().cache_dir)
    target = Recording.from_spec(recording, current_s3_options())
    replay, fp = target.open_replay(store)
    return replay, fp, store, target


FORMAT_OF_EXTENSION = {".txt": "text", ".ans": "ansi", ".svg": "svg", ".html": "html", ".htm": "html"}


def export_format(format: str | None, output: Path | None) -> str:
    """The format asked for: --format, else the output file's extension, else text. A
    --format that contradicts the extension is an error (exit 2)."""
    if format is not None and format not in EXPORT_FORMATS:
        raise typer.BadParameter(f"format must be one of {', '.join(EXPORT_FORMATS)}", param_hint="--format")
    implied = FORMAT_OF_EXTENSION.get(output.suffix.lower()) if output is not None else None
    if format is not None and implied is not None and format != implied:
        raise typer.BadParameter(f"{format} does not match the extension of {printable(str(output))} ({implied}); "
                                 "give one or make them agree", param_hint="--format")
    return format or implied or "text"


def resolve_moment(text: str, target: Recording, utc: bool) -> tuple[float, RecordingSummary]:
    """Seconds into the recording for a time as the user typed it (castview.moments), and
    the recording's summary (its exact start and duration). A bad or outside time fails
    the command (exit 1) with the message naming the recording's span."""
    from datetime import UTC

    from ..moments import MomentError, Span, parse_moment

    summary = target.summary()
    if summary.header is None:
        fail(summary.error or f"{target.location}: not a recording")
    try:
        span = Span(summary.start_ns, summary.duration or 0.0)  # no event yet: only its start
        return parse_moment(text, span, UTC if utc else None), summary
    except MomentError as exc:
        fail(f"{target.location}: --at: {exc}")


UtcOpt = typer.Option(False, "--utc", help="Read a time of day (14:22:05) in UTC, not in the local zone.")


@s3_options
def export_command(
    recording: str = RecordingArg,
    at: str = typer.Option(..., "--at", help="The moment: seconds, m:ss[.fff], h:mm:ss[.fff], end, an RFC 3339 time, "
                           "or a time of day (@14:22:05); see the README."),
    format: str | None = typer.Option(None, "--format", "-f",
                                      help="text, ansi, svg or html (default: from -o's extension, else text)."),
    output: Path | None = OutputOpt,
    utc: bool = UtcOpt,
    with_provenance: bool = typer.Option(False, "--provenance",
                                         help="text/ansi: begin with a block saying where the frame comes from."),
    caption: bool = typer.Option(False, "--caption", help="svg/html: show the provenance under the screen."),
) -> None:
    """The screen at a moment of a recording, as text, ANSI, SVG or HTML. SVG and HTML
    always carry where it comes from (recording, node, users, time, sha256) as metadata."""
    from .. import formatting as fmt
    from ..provenance import provenance, sha256_of
    from ..recording import READ_ERRORS, error_message
    from ..term.render import Theme, export

    chosen = export_format(format, output)
    try:
        replay, fp, store, target = open_replay(recording)
        t, summary = resolve_moment(at, target, utc)
        if not replay.view.complete:
            # Index the file up to the moment, and keep that (as `index` does): the damaged
            # lines of the part read are then known, and later exports and opens start
            # from its keyframes. A seek alone would read the same part, but keep nothing.
            replay.build(cancelled=lambda: replay.index.duration > t, size=fp.size)
            store.save(target.cache_key, fp, replay.index)
        playhead = replay.seek(t)
        before = next_event_time(replay, playhead.count)
        origin = None
        if chosen in ("svg", "html") or with_provenance:
            origin = provenance(summary, t, before, sha256_of(target.opener))
    except READ_ERRORS as exc:
        fail(error_message(exc, recording))
    warn_problems(replay, recording)
    theme = Theme.from_asciicast(replay.header.theme) if replay.header.theme else None
    chunks = [export(playhead.term, chosen, theme, origin, caption)]
    if with_provenance and origin is not None and chosen in ("text", "ansi"):
        chunks.insert(0, origin.text_block())
    write_out(chunks, output)
    if output is not None:
        say(f"wrote {output} ({chosen}, screen at {fmt.clock(t, before)}, event {playhead.count})", style="")


def next_event_time(replay: Replay, count: int) -> float | None:
    """The time of the event after the first `count` (None: none scanned), which a time
    shown for that frame must stay before (formatting.py)."""
    view = replay.view
    return view.times[count] if count < view.event_count else None


ShardOpt = typer.Option(
    None, "--shard", metavar="I/N", show_default=False,
    help="Index only the I-th of N slices of the recordings (counted from 0: 0/4 to 3/4), by a hash of each "
    "recording's key, so that N machines share the work (with --cache-url, every auditor gets the result).",
)


@s3_options
@cache_options
def index_command(
    sources: list[str] | None = SourcesArg,
    shard: str | None = ShardOpt,
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Analyse every recording anew, ignoring the cached and shared analyses, and write "
        "the new ones over them (drops entries once taken from a shared cache since repaired)."),
) -> None:
    """Analyse every recording in SOURCEs (directories, .cast files, s3:// URLs) once and
    cache the result (search text, facts) and the keyframes, with a progress bar: later
    opens, seeks, searches and `info` are instant. With --cache-url the analyses are read
    from and written to a cache shared by machines; with --shard machines split the work."""
    from collections import Counter

    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
    from rich.text import Text

    from .. import formatting as fmt
    from ..config import load_settings
    from ..recording import READ_ERRORS, Recording, error_message
    from ..search_index import SearchIndexStore
    from ..shards import parse_shard
    from ..sources.catalog import build_catalog
    from ..term.index_store import IndexStore

    try:
        chosen = parse_shard(shard) if shard is not None else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--shard") from None
    listed = make_sources(sources)
    use_cache_url([source.label for source in listed])
    catalog = build_catalog(listed)
    status = 0
    for message in catalog.errors:
        say(message)
        status = 1
    by_label = {source.label: source for source in listed}
    cache_dir = load_settings().cache_dir
    keyframes, entries = IndexStore(cache_dir), SearchIndexStore(cache_dir)
    if not catalog.recordings and not catalog.errors:
        say("no recordings found", style="yellow")
    recordings = [r for r in catalog.recordings if chosen is None or chosen.holds(r.ref.key)]
    counts: Counter[str] = Counter()
    # markup=False: the description is a file name, which may hold "[...]".
    with Progress(TextColumn("{task.description}", markup=False), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  TimeRemainingColumn(), console=err, transient=False) as progress:
        for rec in recordings:
            location = rec.ref.location
            try:
                target = Recording.from_ref(rec.ref, by_label.get(rec.ref.source))
                replay, fp = target.open_replay(keyframes)
                task = progress.add_task(printable(target.name), total=fp.size)

                def update(done: int, total: int, task: TaskID = task) -> None:
                    progress.update(task, completed=done, total=total)

                started = time.perf_counter()
                how, published = _analysis(entries, target, fp, replay, update, rebuild)
                if not replay.view.complete:  # the analysis came from a cache: the keyframes take a replay
                    replay.build(progress=update, size=fp.size)
                    keyframes.save(target.cache_key, fp, replay.index)
            except READ_ERRORS as exc:
                say(error_message(exc, location), console=progress.console)
                status = 1
                continue
            counts[how] += 1
            counts["published"] += published
            progress.update(task, completed=fp.size)
            elapsed = time.perf_counter() - started
            progress.console.print(Text(
                f"{printable(location)}: {replay.event_count} events, {len(replay.index.keyframes)} keyframes, "
                f"{fmt.duration(replay.duration)} long, indexed in {elapsed:.2f} s ({how})"
            ))
            warn_problems(replay, location, progress.console)
    err.print(Text(_index_summary(len(recordings), len(catalog.recordings), chosen, counts, entries), style="dim"),
              soft_wrap=True)
    raise typer.Exit(status)


def _analysis(entries: SearchIndexStore, target: Recording, fp: Fingerprint, replay: Replay,
              progress: Callable[[int, int], None], rebuild: bool = False) -> tuple[str, bool]:
    """The recording's analysis entry, from the cache dir, the shared cache or a pass
    (which takes the keyframes too if `replay` has none; only a pass if `rebuild`); how it
    was had, and whether it was written to the shared cache (one only in the cache dir,
    when it has none)."""
    shared = entries.shared
    before = shared.published if shared is not None else 0
    if rebuild:
        with entries.build(target.cache_key, fp, target.opener, target.location, progress, replay=replay):
            return ANALYSED, shared is not None and shared.published > before
    with entries.open(target.cache_key, fp, target.opener, target.location, progress, replay=replay) as entry:
        if shared is None or entry.shared:
            return (FROM_SHARED if entry.shared else ANALYSED if entry.built else FROM_CACHE), False
        if entry.built:
            return ANALYSED, shared.published > before
        return FROM_CACHE, shared.publish(fp, target.opener, entry.meta, entry.body, unless_there=True)


ANALYSED, FROM_CACHE, FROM_SHARED = "analysed here", "analysis from the cache", "analysis from the shared cache"


def _index_summary(n: int, listed: int, shard: Shard | None, counts: Counter[str], entries: SearchIndexStore) -> str:
    """`castview index: 50 of 200 recordings (shard 0/4): 50 analysed here, ...`."""
    which = f"{n} of {listed} recordings (shard {shard})" if shard is not None else f"{n} recordings"
    text = f"castview index: {which}: {counts[ANALYSED]} analysed here, {counts[FROM_CACHE]} from the cache"
    if entries.shared is not None:
        text += (f", {counts[FROM_SHARED]} from the shared cache; {counts['published']} written to the shared cache "
                 f"{entries.shared.label}")
    return text


def warn_problems(replay: Replay, recording: str, console: Console = err) -> None:
    """What was wrong in the part of the file indexed (lines skipped or repaired), one
    `FILE:LINE: problem` line each, on stderr: the output still holds the valid part."""
    from rich.text import Text

    for problem in replay.problems:
        console.print(Text(printable(problem.describe(str(recording))), style="yellow"))
