"""Keeping a list of recordings current without reading the sources again.

Local directories are watched with watchfiles (inotify, FSEvents...): a recording
created, grown, replaced or deleted is reported within about half a second, as a
:class:`Change` carrying a freshly stat'ed RecordingRef, so the app summarises just that
file. A folder that appears (a new node) is walked once, for the files written into it
before the watch on it began. Files named on the command line are stat'ed every tick.
Other sources (S3) cannot be watched: they are listed again on an interval and on
request, in a background thread, and the two listings compared (size, ETag).

A recording that was live (modified within LIVE_SECONDS) and stopped growing is reported
once more as QUIET, so its live mark can be dropped.

Blocking: run :meth:`SourceWatcher.changes` (or :func:`watch_sources`) in a thread worker
and stop it with its `stop_event`.
"""

from __future__ import annotations

import os
import queue
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from . import catalog
from .base import RecordingRef, Source, SourceError
from .catalog import LIVE_SECONDS, RecordingSummary, summarize
from .layout import is_candidate
from .local import LocalSource

ADDED, GROWN, REPLACED, REMOVED, QUIET = "added", "grown", "replaced", "removed", "quiet"
"""Change kinds. REPLACED: other bytes than before (truncated, rewritten, recreated, or an
object replaced); QUIET: a recording that was being written has not grown for LIVE_SECONDS."""

DEBOUNCE_MS = 400
"""Longest time watchfiles groups changes over (a file written continuously is reported
this often)."""
STEP_MS = 50
"""A batch is reported once no change came for this long."""
TICK = 0.5
"""Seconds between checks of named files, remote listings due and recordings gone quiet."""
POLL_DELAY_MS = 1000
"""Between two scans of the directories when they cannot be watched (no inotify...)."""
REMOTE_INTERVAL = 300.0
"""Default seconds between two listings of a remote (S3) source; None: only on request."""


@dataclass(frozen=True)
class Change:
    """One recording that appeared, changed or went away."""

    kind: str
    ref: RecordingRef
    """Re-stat'ed now (for REMOVED: the last one known). Pass it to catalog.summarize."""
    source: Source
    previous: RecordingRef | None = None
    """The ref known before (None for ADDED)."""

    @property
    def location(self) -> str:
        return self.ref.location


def classify(old: RecordingRef | None, new: RecordingRef) -> str | None:
    """What became of a recording between two looks: ADDED, GROWN, REPLACED or None."""
    if old is None:
        return ADDED
    if old.etag and new.etag:
        if old.etag == new.etag and old.size == new.size:
            return None
        return GROWN if new.may_grow and new.size > old.size else REPLACED
    if new.size > old.size:
        return GROWN if new.may_grow else REPLACED
    if new.size < old.size or new.mtime != old.mtime:
        return REPLACED
    return None


def diff_listings(source: Source, old: Iterable[RecordingRef], new: Iterable[RecordingRef]) -> list[Change]:
    """The changes between two listings of one source: added, removed, and changed by
    size or ETag (for S3, which can only be listed again)."""
    before = {ref.location: ref for ref in old}
    after = {ref.location: ref for ref in new}
    changes = [Change(REMOVED, ref, source, ref) for loc, ref in before.items() if loc not in after]
    for loc, ref in after.items():
        kind = classify(before.get(loc), ref)
        if kind is not None:
            changes.append(Change(kind, ref, source, before.get(loc)))
    return changes


class _Entry:
    __slots__ = ("source", "ref", "ident")

    def __init__(self, source: Source, ref: RecordingRef, ident: tuple[int, int] | None) -> None:
        self.source, self.ref, self.ident = source, ref, ident


class SourceWatcher:
    """Reports changes to the recordings of several sources.

    `known`: the refs the caller has already listed. They are compared with a listing
    taken once the watch is in place, so nothing that changed in between is missed;
    without them that first listing is taken silently. `on_error` receives a message
    for a source that cannot be listed (remote listings, refresh).
    """

    def __init__(
        self,
        sources: Sequence[Source],
        known: Iterable[RecordingRef] | None = None,
        *,
        remote_interval: float | None = REMOTE_INTERVAL,
        live_seconds: float = LIVE_SECONDS,
        debounce_ms: int = DEBOUNCE_MS,
        step_ms: int = STEP_MS,
        tick: float = TICK,
        on_error: Callable[[str], None] | None = None,
        force_polling: bool | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.sources = list(sources)
        self.remote_interval = remote_interval
        self.live_seconds = live_seconds
        self.debounce_ms, self.step_ms, self.tick = debounce_ms, step_ms, tick
        self.on_error = on_error
        self.force_polling = force_polling
        self._wall = wall
        self._dirs: list[tuple[LocalSource, str]] = []  # (source, absolute root)
        self._files: list[LocalSource] = []
        self._remote: list[Source] = []
        for source in self.sources:
            # (os.path's tests: a name too long for the system is no file, not an error)
            if isinstance(source, LocalSource) and (os.path.isfile(source.path) or (
                    not os.path.exists(source.path) and source.path.suffix in (".cast", ".json"))):
                self._files.append(source)  # a file named by the user (maybe not written yet)
            elif isinstance(source, LocalSource):
                self._dirs.append((source, os.path.abspath(source.path)))
            else:
                self._remote.append(source)
        self._known_given = known is not None
        self._entries: dict[str, _Entry] = {}
        by_label = {source.label: source for source in self.sources}
        for ref in known or ():
            source = by_label.get(ref.source)
            if source is not None:
                self._entries[self._key(source, ref)] = _Entry(source, ref, None)
        self._hot: dict[str, float] = {}  # recordings modified lately: key -> mtime
        self._refresh = threading.Event()
        self._listed: queue.SimpleQueue[tuple[Source, list[RecordingRef]]] = queue.SimpleQueue()
        self._lister: threading.Thread | None = None
        self._next_remote = 0.0
        self.ready = threading.Event()
        """Set once the watch is in place and the first listing taken."""

    # -- public ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """List every source again soon (thread-safe): the `r` key, or after a doubt."""
        self._refresh.set()

    def changes(self, stop_event: threading.Event) -> Iterator[list[Change]]:
        """Batches of changes until `stop_event` is set (blocking)."""
        roots = [root for _, root in self._dirs if os.path.isdir(root)]
        if not roots:
            yield from self._batches(self._ticks(stop_event), stop_event)
            return
        try:
            yield from self._batches(self._watch(roots, stop_event, self.force_polling), stop_event)
        except OSError as exc:
            if self.ready.is_set() or self.force_polling:
                raise
            # No watch could be set up (e.g. the inotify watch limit): poll instead.
            self._error(f"cannot watch {', '.join(roots)} ({exc}); looking for changes every "
                        f"{POLL_DELAY_MS / 1000:g} s instead")
            yield from self._batches(self._watch(roots, stop_event, True), stop_event)

    def _watch(self, roots: list[str], stop_event: threading.Event,
               force_polling: bool | None) -> Iterator[set[tuple[watchfiles.Change, str]]]:
        return watchfiles.watch(
            *roots, watch_filter=None, debounce=self.debounce_ms, step=self.step_ms,
            stop_event=stop_event, rust_timeout=int(self.tick * 1000), yield_on_timeout=True,
            raise_interrupt=False, force_polling=force_polling, poll_delay_ms=POLL_DELAY_MS,
            ignore_permission_denied=True,
        )

    def _batches(self, stream: Iterable[set[tuple[watchfiles.Change, str]]],
                 stop_event: threading.Event) -> Iterator[list[Change]]:
        for raw in stream:
            batch: list[Change] = []
            if not self.ready.is_set():  # the watch is in place: what changed before it is in this listing
                batch += self._baseline()
                self.ready.set()
            if raw:
                batch += self._local_changes(raw)
            batch += self._on_tick()
            if batch:
                yield batch
            if stop_event.is_set():
                return

    # -- local directories ----------------------------------------------------------------
    @staticmethod
    def _key(source: Source, ref: RecordingRef) -> str:
        return os.path.abspath(ref.location) if isinstance(source, LocalSource) else ref.location

    def _ticks(self, stop_event: threading.Event) -> Iterator[set[tuple[watchfiles.Change, str]]]:
        yield set()
        while not stop_event.wait(self.tick):
            yield set()

    def _baseline(self) -> list[Change]:
        changes: list[Change] = []
        for source, _ in self._dirs:
            try:
                refs = list(source.refs())
            except SourceError as exc:
                self._error(str(exc))
                continue
            changes += self._apply_listing(source, refs)
        for source in self._files:
            changes += self._check_file(source)
        if self._remote and not self._known_given:
            self._start_listing(self._remote)  # remote refs the caller did not pass
        elif self._remote:
            self._next_remote = time.monotonic() + (self.remote_interval or 0)
        return changes if self._known_given else []

    def _where(self, path: str) -> tuple[LocalSource, str, tuple[str, ...]] | None:
        """The directory source a path is under, its root, and the path's parts below it."""
        for source, root in self._dirs:
            if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
                rel = os.path.relpath(path, root)
                return source, root, () if rel == "." else tuple(Path(rel).parts)
        return None

    def _local_changes(self, raw: set[tuple[watchfiles.Change, str]]) -> list[Change]:
        seen: dict[str, set[watchfiles.Change]] = {}
        for kind, path in raw:
            seen.setdefault(path, set()).add(kind)
        changes: list[Change] = []
        for path in sorted(seen):
            where = self._where(path)
            if where is None:
                continue
            source, root, parts = where
            if any(p.startswith(".") or p == "events" for p in parts[:-1]):
                continue
            try:
                st = os.stat(path)
            except OSError:
                changes += self._gone(path)
                continue
            if stat.S_ISDIR(st.st_mode):
                if parts and watchfiles.Change.added in seen[path] and not parts[-1].startswith(".") \
                        and parts[-1] != "events":
                    changes += self._walk(source, root, path)  # a new folder: files written before its watch
            elif stat.S_ISREG(st.st_mode) and is_candidate(parts):
                recreated = bool(seen[path] & {watchfiles.Change.added, watchfiles.Change.deleted})
                changes += self._update(source, path, "/".join(parts), st, recreated)
        return changes

    def _walk(self, source: LocalSource, root: str, top: str) -> list[Change]:
        changes: list[Change] = []
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "events")
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                parts = tuple(Path(os.path.relpath(path, root)).parts)
                if not is_candidate(parts):
                    continue
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                changes += self._update(source, path, "/".join(parts), st, recreated=False)
        return changes

    def _update(self, source: LocalSource, path: str, key: str, st: os.stat_result, recreated: bool,
                explicit: bool = False) -> list[Change]:
        location = source.path if explicit else source.path.joinpath(*key.split("/"))
        try:
            ref = source._ref(location, key, explicit=explicit)  # the same ref as LocalSource.refs()
        except SourceError:
            ref = None
        if ref is None:
            return self._gone(path)
        ident = (st.st_dev, st.st_ino)
        entry = self._entries.get(path)
        if entry is None:
            kind: str | None = ADDED
            previous = None
        else:
            previous = entry.ref
            moved = entry.ident is not None and entry.ident != ident
            # Created again or renamed over: other bytes, whatever the sizes say.
            kind = REPLACED if (recreated or moved) and ref != previous else classify(previous, ref)
        self._entries[path] = _Entry(source, ref, ident)
        if kind is None:
            return []
        self._note_hot(path, ref)
        return [Change(kind, ref, source, previous)]

    def _gone(self, path: str) -> list[Change]:
        """A path that no longer exists: a recording, or a folder of them."""
        if path in self._entries:
            gone = [path]
        else:  # a folder: everything under it (rare enough for a scan)
            prefix = path.rstrip(os.sep) + os.sep
            gone = [key for key in self._entries if key.startswith(prefix)]
        changes = []
        for key in sorted(gone):
            entry = self._entries.pop(key)
            self._hot.pop(key, None)
            changes.append(Change(REMOVED, entry.ref, entry.source, entry.ref))
        return changes

    def _check_file(self, source: LocalSource) -> list[Change]:
        path = os.path.abspath(source.path)
        try:
            st = os.stat(path)
        except OSError:
            return self._gone(path)
        entry = self._entries.get(path)
        if entry is not None and entry.ident == (st.st_dev, st.st_ino) and entry.ref.size == st.st_size \
                and entry.ref.mtime == st.st_mtime:
            return []
        return self._update(source, path, source.path.name, st, recreated=False, explicit=True)

    # -- every tick -----------------------------------------------------------------------
    def _on_tick(self) -> list[Change]:
        changes: list[Change] = []
        for source in self._files:
            changes += self._check_file(source)
        changes += self._drain_listings()
        now = time.monotonic()
        if self._lister is None or not self._lister.is_alive():
            if self._refresh.is_set():
                self._refresh.clear()
                self._start_listing(self.sources)
            elif self._remote and self.remote_interval is not None and now >= self._next_remote:
                self._start_listing(self._remote)
        changes += self._gone_quiet()
        return changes

    def _note_hot(self, key: str, ref: RecordingRef) -> None:
        if ref.may_grow and self._wall() - ref.mtime < self.live_seconds:
            self._hot[key] = ref.mtime
        else:
            self._hot.pop(key, None)

    def _gone_quiet(self) -> list[Change]:
        now = self._wall()
        changes = []
        for key, mtime in list(self._hot.items()):
            if now - mtime < self.live_seconds:
                continue
            del self._hot[key]
            entry = self._entries.get(key)
            if entry is None or entry.ref.mtime != mtime:
                continue
            ref = entry.ref
            if isinstance(entry.source, LocalSource):
                try:
                    st = os.stat(key)
                except OSError:
                    continue
                if st.st_size != ref.size or st.st_mtime != ref.mtime:
                    continue  # it changed: the watch reports that
            changes.append(Change(QUIET, ref, entry.source, ref))
        return changes

    # -- listings (remote sources; everything on refresh) ----------------------------------
    def _start_listing(self, sources: Sequence[Source]) -> None:
        """List sources in a thread of its own (a bucket can take a while); the results
        are compared with what is known at the next tick."""
        interval = self.remote_interval
        self._next_remote = time.monotonic() + (interval if interval is not None else float("inf"))

        def run() -> None:
            for source in sources:
                if isinstance(source, LocalSource) and os.path.isfile(source.path):
                    continue  # named files are stat'ed every tick anyway
                try:
                    self._listed.put((source, list(source.refs())))
                except SourceError as exc:
                    self._error(str(exc))
                except OSError as exc:
                    self._error(f"{source.label}: cannot list ({exc})")

        self._lister = threading.Thread(target=run, name="castview-listing", daemon=True)
        self._lister.start()

    def _drain_listings(self) -> list[Change]:
        changes: list[Change] = []
        while True:
            try:
                source, refs = self._listed.get_nowait()
            except queue.Empty:
                return changes
            changes += self._apply_listing(source, refs)

    def _apply_listing(self, source: Source, refs: list[RecordingRef]) -> list[Change]:
        """Compare a full listing of one source with what is known of it."""
        fresh = {self._key(source, ref): ref for ref in refs}
        local = isinstance(source, LocalSource)
        changes: list[Change] = []
        for key in sorted(k for k, e in self._entries.items() if e.source is source and k not in fresh):
            if local and os.path.exists(key):
                continue  # created after the listing (the watch reported it)
            entry = self._entries.pop(key)
            self._hot.pop(key, None)
            changes.append(Change(REMOVED, entry.ref, source, entry.ref))
        for key, ref in fresh.items():
            entry = self._entries.get(key)
            previous = entry.ref if entry is not None else None
            if local and (previous.mtime > ref.mtime if previous is not None else not os.path.exists(key)):
                continue  # the watch saw a later state than this listing (or the file is gone again)
            kind = classify(previous, ref)
            self._entries[key] = _Entry(source, ref, entry.ident if entry is not None else None)
            self._note_hot(key, ref)  # live when listed, maybe: QUIET once it stops
            if kind is not None:
                changes.append(Change(kind, ref, source, previous))
        return changes

    def _error(self, message: str) -> None:
        if self.on_error is not None:
            self.on_error(message)


def summarize_changes(
    changes: Iterable[Change], now: float | None = None
) -> tuple[list[RecordingSummary], list[RecordingRef]]:
    """What the browser needs from a batch: a fresh summary of every recording added or
    changed (a header and a tail read each), and the refs of those removed."""
    latest: dict[str, Change] = {}
    for change in changes:
        latest[change.location] = change  # a batch may hold several changes of one file
    now = time.time() if now is None else now
    # QUIET says the recording stopped growing, whatever the watcher's live_seconds and
    # the catalog's own idea of recent: read it as of a time it no longer counts as live.
    summaries = [summarize(c.source, c.ref, max(now, c.ref.mtime + catalog.LIVE_SECONDS) if c.kind == QUIET else now)
                 for c in latest.values() if c.kind != REMOVED]
    removed = [c.ref for c in latest.values() if c.kind == REMOVED]
    return summaries, removed


def watch_sources(
    sources: Sequence[Source],
    stop_event: threading.Event,
    known: Iterable[RecordingRef] | None = None,
    **options: object,
) -> Iterator[list[Change]]:
    """Batches of changes to the recordings of `sources` until `stop_event` is set.

    Blocking: iterate it in a thread worker. See SourceWatcher for `known` and options."""
    return SourceWatcher(sources, known, **options).changes(stop_event)  # type: ignore[arg-type]
