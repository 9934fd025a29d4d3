"""Text search within a recording and across many, on the text a person saw.

Search runs over every form every screen line took during the recording (see
``transcript``), not over the raw bytes: text typed with backspace corrections is found
as it was shown, text inside full-screen apps is found, escape sequences never match.
A match is reported once per occurrence: the first time it appeared at its place on the
screen, and kept as one match while it stays there (while the line is typed on, or
scrolls up). Its time is one that ``Replay.seek(time)`` shows it at (unless ``shown`` is
False: a line that scrolled past inside a single event was never on screen between two
events).

The work happens in the search index (``search_index``), built on first use and cached.
Everything here is blocking and meant for a thread worker: long work reports
``progress(done, total)`` and stops soon after ``cancelled()`` returns True, raising
:class:`SearchCancelled`.

For the player::

    matches = search_recording(recording, "sudo", progress=cb, cancelled=cb)   # list[Match]

For a fleet (the `grep` command, or a search screen)::

    for result in search_recordings(sources, catalog.recordings, Query("sudo")):
        ...  # RecordingMatches, in the order of the recordings given
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import threading
import time as _time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from .analysis.shared import READERS as SHARED_READERS
from .cast.model import CastError
from .commands import Command, CommandStore
from .recording import Recording, cache_keys, error_message
from .search_index import IndexCancelled, IndexDamaged, SearchIndexStore, TextIndex
from .sources.base import RecordingRef, Source, SourceError
from .sources.catalog import RecordingSummary
from .term.fingerprint import Fingerprint, fingerprint_of
from .transcript import MAIN, LineVersion

if TYPE_CHECKING:
    from .analysis.shared import SharedCache

__all__ = [
    "Query", "Match", "SearchCancelled", "RecordingMatches", "search_recording", "search_index",
    "open_index", "search_recordings",
]


class SearchCancelled(Exception):
    """The search was cancelled before it finished."""


@dataclass(frozen=True)
class Query:
    """What to look for. A plain pattern is a literal substring; `regex` makes it a
    Python regular expression. Matching ignores case by default (what users type goes
    through :func:`ignores_case`)."""

    pattern: str
    regex: bool = False
    ignore_case: bool = True
    only_shown: bool = False
    """Leave out matches that were never on screen between two events."""
    commands: bool = False
    """Search only the commands typed at shell prompts (``castview.commands``)."""

    def compile(self) -> re.Pattern[str]:
        """Raises ValueError for an empty pattern or a bad regular expression."""
        if not self.pattern:
            raise ValueError("empty search pattern")
        flags = re.IGNORECASE if self.ignore_case else 0
        try:
            return re.compile(self.pattern if self.regex else re.escape(self.pattern), flags)
        except re.error as exc:
            raise ValueError(f"bad regular expression {self.pattern!r}: {exc}") from None

    @property
    def needle(self) -> str | None:
        """A substring every match contains (any case), for the index to narrow the
        search: the pattern itself, or the longest literal a regular expression requires."""
        return _required_literal(self.pattern) if self.regex else self.pattern


REGEX_PREFIX = "re:"
"""Before a pattern typed anywhere (`castview grep`, the player's `/`, the browser's `s`):
the rest is a regular expression."""


def parse_query(text: str, *, regex: bool = False, ignore_case: bool | None = None,
                only_shown: bool = False, commands: bool = False) -> Query:
    """The query a user typed: ``re:PATTERN`` (or any PATTERN with *regex*, grep's
    --regex) is a regular expression, anything else a literal; *ignore_case* None: smart
    case (`ignores_case`). Raises ValueError (empty, or a bad expression)."""
    if text.startswith(REGEX_PREFIX):
        text, regex = text[len(REGEX_PREFIX):], True
    if ignore_case is None:
        ignore_case = ignores_case(text, regex)
    query = Query(text, regex=regex, ignore_case=ignore_case, only_shown=only_shown, commands=commands)
    query.compile()
    return query


_ESCAPE = re.compile(r"\\.")


def ignores_case(pattern: str, regex: bool = False) -> bool:
    """The case rule of every search (`castview grep`, the player's `/`, the browser's
    `s`): smart case, as in ripgrep and vim. A pattern without an uppercase letter ignores
    case (`sudo` finds SUDO); one with an uppercase letter is matched as typed (`Error`
    does not find `error`). In a regular expression escapes do not count (`\\S+` is
    lowercase). `castview grep -i` / `-s` force either way."""
    text = _ESCAPE.sub("", pattern) if regex else pattern
    return not any(ch.isupper() for ch in text)


def _required_literal(pattern: str) -> str | None:
    """The longest run of plain characters at the top level of a regular expression
    (every match contains it), if it has at least 3; None when unsure."""
    try:
        try:
            from re import _constants as constants, _parser as parser  # type: ignore[attr-defined]
        except ImportError:  # pragma: no cover - Python < 3.11
            import sre_constants as constants  # type: ignore[no-redef]
            import sre_parse as parser  # type: ignore[no-redef]
        items = list(parser.parse(pattern))
    except Exception:  # noqa: BLE001 - any doubt: no narrowing, a full scan is still right
        return None
    best, run = "", []
    for op, arg in items + [(None, None)]:
        if op is constants.LITERAL:
            run.append(chr(arg))
            continue
        if len(run) > len(best):
            best = "".join(run)
        run = []
    return best if len(best) >= 3 else None


class Match(NamedTuple):
    """One occurrence of the pattern on the screen."""

    time: float
    """When it appeared: the screen after every event with time <= `time` shows it."""
    line_text: str
    """The screen line holding it, in the fullest form it took while holding it."""
    row: int
    """Screen row (0-based) of the line at `time`."""
    col_start: int
    col_end: int
    """Screen columns [col_start, col_end) of the match (wide characters count 2)."""
    screen: str
    """"main", or "alternate" for a full-screen app's screen."""
    until: float | None = None
    """When it left the screen (None: still there at the end of the recording)."""
    shown: bool = True
    """False if it was only on screen inside one event (a long output scrolling past)."""
    start: int = 0
    end: int = 0
    """The match's character offsets in `line_text` (for highlighting)."""

    @property
    def text(self) -> str:
        return self.line_text[self.start:self.end]


def search_index(index: TextIndex, query: Query, cancelled: Callable[[], bool] | None = None,
                 limit: int | None = None) -> list[Match]:
    """The matches of a query in one recording's index, by time then row."""
    pattern = query.compile()
    found: dict[tuple, Match] = {}
    for n, version in enumerate(index.candidates(query.needle, pattern.search, query.ignore_case or query.regex)):
        if cancelled and n % 4096 == 4095 and cancelled():
            raise SearchCancelled()
        for m in pattern.finditer(version.text):
            start, end = m.span()
            if start == end:
                continue
            _add(found, version, start, end)
    matches = sorted(found.values(), key=lambda m: (m.time, m.screen != MAIN, m.row, m.col_start))
    if query.only_shown:
        matches = [m for m in matches if m.shown]
    return matches[:limit] if limit is not None else matches


COMMAND = "command"
"""The `screen` of a match in a command typed at a prompt (`Query.commands`). Its row is
the command's first row, its columns the prompt's width plus the match's offsets in the
command (past the first row of a long or multi-line command they are approximate)."""


def search_commands(commands: Sequence[Command], query: Query) -> list[Match]:
    """The matches of a query in a recording's commands, by time."""
    pattern = query.compile()
    return [Match(c.time, c.command, c.row, c.col + m.start(), c.col + m.end(), COMMAND, c.end, True,
                  m.start(), m.end())
            for c in commands for m in pattern.finditer(c.command) if m.end() > m.start()]


def by_line(matches: Sequence[Match]) -> list[list[Match]]:
    """The matches grouped by the screen line holding them, in the order each line first
    matched: a line showing the pattern several times is printed once, with all of them."""
    lines: dict[tuple, list[Match]] = {}
    for m in matches:
        lines.setdefault((m.screen, m.row, m.line_text, m.until), []).append(m)
    return list(lines.values())


def _add(found: dict[tuple, Match], v: LineVersion, start: int, end: int) -> None:
    t = v.char_time(start, end)
    col = v.col(start)
    key = (v.line, col, v.text[start:end], t)
    shown = v.shown or v.until is None or t < v.until  # its characters were there between events
    old = found.get(key)
    if old is None:
        found[key] = Match(t, v.text, v.row_at(t), col, v.col_end(end), v.screen, v.until, shown, start, end)
    else:  # the same occurrence in a later form of its line
        found[key] = old._replace(line_text=v.text, until=v.until, shown=old.shown or shown, start=start, end=end)


# --------------------------------------------------------------------------- one recording

def open_index(recording: Recording | str | os.PathLike[str], *, cache_dir: str | os.PathLike[str] | None = None,
               progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> TextIndex:
    """The search index of one recording (a `recording.Recording`, or the path of a local
    file), from the cache or built now. Close it when done. Raises SearchCancelled,
    CastError, OSError, SourceError."""
    rec = Recording.of(recording)
    store = SearchIndexStore(cache_dir if cache_dir is not None else _default_cache_dir())
    try:
        # An S3 object's ETag names its version: nothing to read to know it.
        fp = fingerprint_of(rec.opener, rec.size, rec.mtime, rec.etag)
        index = store.open(rec.cache_key, fp, rec.opener, rec.location, progress, cancelled)
    except IndexCancelled:
        raise SearchCancelled() from None
    if index.built:
        store.prune(keep=index.path)
    return index


def search_recording(recording: Recording | str | os.PathLike[str], pattern: str, regex: bool = False,
                     ignore_case: bool = True, *,
                     progress: Callable[[int, int], None] | None = None,
                     cancelled: Callable[[], bool] | None = None,
                     cache_dir: str | os.PathLike[str] | None = None,
                     only_shown: bool = False, limit: int | None = None) -> list[Match]:
    """Every match of `pattern` over the whole timeline of one recording, by time.

    `recording` is a `recording.Recording` (local or remote: its bytes are read through
    its opener) or the path of a local file. Blocking: call it from a thread worker.
    Raises ValueError (bad pattern), SearchCancelled, CastError, OSError, SourceError."""
    query = Query(pattern, regex, ignore_case, only_shown)
    query.compile()
    with open_index(recording, cache_dir=cache_dir, progress=progress, cancelled=cancelled) as index:
        try:
            return search_index(index, query, cancelled, limit)
        except IndexCancelled:  # while a damaged cached index was built again
            raise SearchCancelled() from None


def _default_cache_dir() -> Path:
    from .config import load_settings

    return load_settings().cache_dir


# --------------------------------------------------------------------------- many recordings

@dataclass
class RecordingMatches:
    """The outcome for one recording of a fleet search."""

    recording: RecordingSummary
    matches: list[Match] = field(default_factory=list)
    built: bool = False
    """The search index was built by this search (False: it came from the cache)."""
    error: str | None = None
    seconds: float = 0.0
    shared: bool = False
    """The search index came from the shared cache (``analysis.shared``) in this search."""


@dataclass(frozen=True)
class _Task:
    source: Any
    ref: RecordingRef
    key: str
    cache_dir: str
    query: Query
    shared: SharedCache | None = None
    adopt: bool = True
    """Whether the shared cache may have its entry (False: it was asked already)."""
    fingerprint: Fingerprint | None = None
    """Taken when the cache was looked up (None: take it again)."""

    def opener(self) -> BinaryIO:
        return self.source.open(self.ref)


_Outcome = tuple[list[Match], bool, "str | None", float]
"""A task's matches, whether it built the entry, its error, and its seconds."""

BATCH_RECORDINGS = 32
"""Recordings a worker process is handed at once, at most: one message each way and one
store for all of them, instead of a round trip per recording (a small one is a few ms)."""
BATCH_BYTES = 4 << 20
"""Bytes of recordings in a batch, at most (a bigger recording goes alone)."""
BATCHES_PER_WORKER = 4
"""Batches per worker at least, so that the workers finish at about the same time."""


def _run_task(task: _Task, store: SearchIndexStore | None = None) -> _Outcome:
    """Index (if needed) and search one recording: runs in a worker process or thread."""
    started = _time.perf_counter()
    ref = task.ref
    try:
        opener = task.opener
        fp = task.fingerprint or fingerprint_of(opener, ref.size, ref.mtime, ref.etag)
        if task.query.commands:
            commands, built = CommandStore(task.cache_dir).get(task.key, fp, opener, ref.location)
            return search_commands(commands, task.query), built, None, _time.perf_counter() - started
        store = store or SearchIndexStore(task.cache_dir, task.shared)
        with store.open(task.key, fp, opener, ref.location, adopt=task.adopt) as index:
            matches = search_index(index, task.query)
            built = index.built
    except (CastError, OSError, SourceError) as exc:
        return [], False, error_message(exc, ref.location), _time.perf_counter() - started
    return matches, built, None, _time.perf_counter() - started


def _run_batch(tasks: Sequence[_Task]) -> list[_Outcome]:
    """_run_task of each task (of one cache dir and shared cache), in a worker."""
    store = SearchIndexStore(tasks[0].cache_dir, tasks[0].shared) if tasks else None
    outcomes: list[_Outcome] = []
    for task in tasks:
        try:
            outcomes.append(_run_task(task, store))
        except Exception as exc:  # noqa: BLE001 - a bug met in one recording must not lose the others' results
            outcomes.append(_failed(task.ref, exc))
    return outcomes


def _failed(ref: RecordingRef, exc: BaseException) -> _Outcome:
    return [], False, f"{ref.location}: {exc!r}", 0.0


def _batches(tasks: list[tuple[int, _Task]], jobs: int, limit: int) -> list[list[tuple[int, _Task]]]:
    """The tasks in runs of consecutive ones, up to `limit` recordings and BATCH_BYTES
    each, and small enough to give every one of `jobs` workers BATCHES_PER_WORKER."""
    size = max(1, min(limit, len(tasks) // (jobs * BATCHES_PER_WORKER)))
    batches: list[list[tuple[int, _Task]]] = []
    batch: list[tuple[int, _Task]] = []
    total = 0
    for item in tasks:
        n = item[1].ref.size or 0
        if batch and (len(batch) >= size or total + n > BATCH_BYTES):
            batches.append(batch)
            batch, total = [], 0
        batch.append(item)
        total += n
    if batch:
        batches.append(batch)
    return batches


def _picklable(source: Any) -> bool:
    from .sources.local import LocalSource

    return isinstance(source, LocalSource)


def _process_pool(jobs: int) -> Executor:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        import signal
        from multiprocessing import forkserver

        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["castview.search"])
        # ctrl-C in a terminal reaches every process of its group: the command cancels its
        # workers itself, and each of them (and the server they fork from, still starting)
        # printed a KeyboardInterrupt traceback. The server is started ignoring SIGINT (an
        # ignored signal stays ignored across exec; a blocked one did not), and so are the
        # workers it forks. Only the main thread may set a handler; an app's worker thread
        # has no ctrl-C to pass on (the terminal is in raw mode).
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                forkserver.ensure_running()
            finally:
                signal.signal(signal.SIGINT, previous)
    else:  # pragma: no cover - not on Linux
        ctx = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def search_recordings(  # noqa: C901  (one generator owns the pool and its cleanup on every exit)
    sources: Sequence[Source],
    recordings: Sequence[RecordingSummary],
    query: Query,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    processes: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[RecordingMatches]:
    """Search every recording, yielding one RecordingMatches per recording in the order
    given (recordings without a match too, so a caller can count them).

    Recordings whose index is cached are searched at once in this thread; the others are
    indexed by `jobs` workers: processes for local files (replaying is CPU-bound Python),
    handed batches of recordings (see `_batches`), threads for remote ones (`processes`
    forces one or the other). `progress(done, total)` counts recordings (a batch's at
    once). Stops (raising SearchCancelled) soon after `cancelled()` is True; batches
    already running finish into the cache.
    Raises ValueError for a bad pattern."""
    query.compile()
    cache = str(cache_dir if cache_dir is not None else _default_cache_dir())
    store = SearchIndexStore(cache)
    by_label = {source.label: source for source in sources}
    jobs = jobs or default_jobs()
    total = len(recordings)
    results: dict[int, RecordingMatches] = {}
    pending: list[tuple[int, _Task]] = []
    keys = cache_keys(rec.ref.location for rec in recordings)
    for i, rec in enumerate(recordings):
        source = by_label.get(rec.ref.source)
        if rec.header is None or source is None:
            results[i] = RecordingMatches(rec, error=rec.error or f"{rec.ref.location}: not a readable recording")
            continue
        pending.append((i, _Task(source, rec.ref, keys[i], cache, query, store.shared)))

    ordered = _InOrder(results)
    done = len(results)
    if progress and done:
        progress(done, total)
    use_processes = processes if processes is not None else all(_picklable(t.source) for _, t in pending)
    pool: Executor | None = None
    stopped = False
    try:
        stale: list[tuple[int, _Task]] = []
        with contextlib.closing(_cached(store, pending, query, stale)) as found:
            for i, task, started, commands, index in found:
                if cancelled and cancelled():
                    raise SearchCancelled()
                with index if index is not None else contextlib.nullcontext():
                    try:
                        matches = (search_commands(commands, query) if commands is not None
                                   else search_index(index, query, cancelled))
                    except IndexDamaged:
                        stale.append((i, task))  # removed: a worker builds it again
                        continue
                    results[i] = RecordingMatches(recordings[i], matches, False, None, _time.perf_counter() - started,
                                                  shared=index is not None and index.shared)
                done += 1
                if progress:
                    progress(done, total)
                yield from ordered.ready()
        if stale:
            if len(stale) == 1 or jobs == 1:
                pool = ThreadPoolExecutor(max_workers=1)
            elif use_processes:
                pool = _process_pool(min(jobs, len(stale)))
            else:
                pool = ThreadPoolExecutor(max_workers=min(jobs, len(stale)))
            # Threads share this process's memory: batching would only make the last wait longer.
            batches = _batches(stale, jobs, BATCH_RECORDINGS if isinstance(pool, ProcessPoolExecutor) else 1)
            # Finished batches come through a queue: waiting on every pending future at
            # each turn (concurrent.futures.wait) costs in proportion to their number.
            finished: queue.SimpleQueue[Future[list[_Outcome]]] = queue.SimpleQueue()
            batch_of: dict[Future[list[_Outcome]], list[tuple[int, _Task]]] = {}
            for batch in batches:
                future = pool.submit(_run_batch, [task for _, task in batch])
                batch_of[future] = batch
                future.add_done_callback(finished.put)
            while batch_of:
                try:
                    future = finished.get(timeout=0.2)
                except queue.Empty:
                    future = None
                if cancelled and cancelled():
                    stopped = True
                    raise SearchCancelled()
                if future is None:
                    continue
                batch = batch_of.pop(future)
                try:
                    outcomes = future.result()
                except Exception as exc:  # a worker that died (out of memory, killed)
                    outcomes = [_failed(task.ref, exc) for _, task in batch]
                for (i, _), (matches, built, error, seconds) in zip(batch, outcomes, strict=True):
                    results[i] = RecordingMatches(recordings[i], matches, built, error, seconds)
                done += len(batch)
                if progress:
                    progress(done, total)
                yield from ordered.ready()
    except GeneratorExit:
        stopped = True
        raise
    finally:
        if pool is not None:
            # Cancelled: do not wait for the builds running (they finish into the cache).
            pool.shutdown(wait=not stopped, cancel_futures=True)
            if not stopped:
                store.prune()
    yield from ordered.ready()


_Found = tuple[int, _Task, float, "list[Command] | None", "TextIndex | None"]


def _cached(store: SearchIndexStore, pending: list[tuple[int, _Task]], query: Query,
            stale: list[tuple[int, _Task]]) -> Iterator[_Found]:
    """(position, task, when its look-up began, commands or index) of each recording the
    cache dir holds, then of each the shared cache holds; the others go to `stale`."""
    missing: list[tuple[int, _Task]] = []
    for i, task in pending:
        started = _time.perf_counter()
        try:
            ref = task.ref
            fp = fingerprint_of(task.opener, ref.size, ref.mtime, ref.etag)
            if query.commands:
                commands = CommandStore(task.cache_dir).load(task.key, fp)
                index = None
            else:
                commands, index = None, store.lookup(task.key, fp)
        except (OSError, SourceError):
            fp = None
            commands = index = None  # a worker meets the error again and reports it
        if index is None and commands is None:
            missing.append((i, replace(task, fingerprint=fp)))
        else:
            yield i, task, started, commands, index
    if not missing or store.shared is None or query.commands:
        stale.extend(missing)
        return

    def adopt(task: _Task) -> TextIndex | None:
        if task.fingerprint is None:
            return None  # unreadable: a worker meets the error again and reports it
        try:
            return store.adopt(task.key, task.fingerprint, task.opener)
        except (OSError, SourceError):
            return None  # as above

    started = _time.perf_counter()
    pool = ThreadPoolExecutor(max_workers=min(SHARED_READERS, len(missing)), thread_name_prefix="castview-shared")
    try:
        for (i, task), index in zip(missing, pool.map(adopt, (task for _, task in missing)), strict=True):
            if index is None:
                stale.append((i, replace(task, adopt=False)))
            else:
                yield i, task, started, None, index
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


class _InOrder:
    """Hands out results by their position, as soon as all before them are in."""

    def __init__(self, results: dict[int, RecordingMatches]) -> None:
        self.results = results
        self.next = 0

    def ready(self) -> Iterator[RecordingMatches]:
        while self.next in self.results:
            yield self.results.pop(self.next)
            self.next += 1
