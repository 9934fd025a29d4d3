"""The engine's helper threads: building the keyframe index, counting facts, following
the file. Each only reads the recording and hands what it found to the engine (`post`);
the engine thread alone acts on it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..cast.index import RecordingFacts
from ..cast.model import CastError
from ..cast.reader import CastHead, EventScanner
from ..follow import FINISHED, GROWN, OPENED, RELOADED, Follower, FollowUpdate, stat_file
from ..recording import Recording, error_message
from ..sources.base import SourceError
from .clock import Clock
from .notices import FactsGathered

if TYPE_CHECKING:
    from ..search_index import SearchIndexStore
    from ..term.index_store import Fingerprint, IndexStore
    from ..term.keyframes import Opener, Replay

PROGRESS_EVERY = 0.2  # seconds between two reports of a build's progress
FACTS_BATCH = 1024  # events between cancellation checks while counting facts


# What the helper threads post to the engine.
@dataclass(frozen=True)
class Progressed:
    scanned: int
    total: int


@dataclass(frozen=True)
class Built:
    pass


@dataclass(frozen=True)
class Counted:
    facts: FactsGathered


@dataclass(frozen=True)
class Polled:
    update: FollowUpdate


@dataclass(frozen=True)
class Broke:
    error: str


Post = Callable[[object], None]


def gather_facts(opener: Opener, head: CastHead, cancelled: Callable[[], bool]) -> FactsGathered | None:
    """Output size and resizes, which the keyframe index does not keep: one more scan.
    None when cancelled or unreadable (the index build reads the same file and says so)."""
    facts = RecordingFacts()
    try:
        with opener() as f:
            for n, located in enumerate(EventScanner(f, head)):
                facts.add(located.event)
                if n % FACTS_BATCH == 0 and cancelled():
                    return None
    except OSError:
        return None
    return FactsGathered(facts.output_bytes, tuple(facts.resizes))


def build_index(replay: Replay, recording: Recording, fingerprint: Fingerprint | None, store: IndexStore | None,
                clock: Clock, stop: threading.Event, post: Post, *, analyse: bool = False) -> None:
    """Build what the index lacks (posting progress), save it, then tell the facts.

    With `analyse` (a recording not being written), a build from the start is the
    analysis pass (``search_index``): the same replay gives the keyframes and the
    recording's analysis entry (search text, facts, commands), so a search after opening
    replays nothing. The facts come from that entry, or else from a scan of their own."""
    last = float("-inf")

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = clock.now()
        if now - last >= PROGRESS_EVERY:
            last = now
            post(Progressed(done, total))

    entries = None
    if analyse and fingerprint is not None and store is not None:
        from ..search_index import SearchIndexStore

        entries = SearchIndexStore(store.directory.parent)  # the cache dir the keyframes are in
    facts: RecordingFacts | None = None
    if not replay.view.complete:
        try:
            if entries is not None and replay.fresh:
                assert fingerprint is not None
                facts = _built_facts(entries, recording, fingerprint, replay, progress, stop)
                if facts is None:
                    return
            else:
                if not replay.build(progress=progress, cancelled=stop.is_set):
                    return
                if fingerprint is not None and store is not None:
                    store.save(recording.cache_key, fingerprint, replay.index)
        except (CastError, OSError, SourceError) as exc:
            post(Broke(error_message(exc, replay.name)))
            return
    post(Built())
    if facts is None and entries is not None:
        assert fingerprint is not None
        found = entries.lookup(recording.cache_key, fingerprint)
        if found is not None:
            with found:
                facts = found.result("facts")
    gathered = gather_facts(recording.opener, replay.head, stop.is_set) if facts is None else \
        FactsGathered(facts.output_bytes, tuple(facts.resizes))
    if gathered is not None:
        post(Counted(gathered))


def _built_facts(entries: SearchIndexStore, recording: Recording, fingerprint: Fingerprint, replay: Replay,
                 progress: Callable[[int, int], None], stop: threading.Event) -> RecordingFacts | None:
    """Build the analysis entry in `replay` (its keyframes taken and saved on the way);
    the facts it found, or None when stopped."""
    from ..search_index import IndexCancelled

    try:
        with entries.build(recording.cache_key, fingerprint, recording.opener, replay.name, progress, stop.is_set,
                           replay=replay) as entry:
            return entry.result("facts")
    except IndexCancelled:
        return None


def follow_file(replay: Replay | None, recording: Recording, path: str, *, store: IndexStore | None,
                finished_after: float, interval: float, clock: Clock, stop: threading.Event, post: Post) -> None:
    """Watch the file for growth, replacement and the end until `stop` (castview.follow's
    Follower, which extends `replay`'s index or opens a new Replay); the index as
    followed is saved when the recording finishes, for the next open."""
    follower = Follower(recording.opener, replay.name if replay is not None else path, probe=stat_file(path),
                        replay=replay, track_edge=False, finished_after=finished_after, clock=clock.now)
    grew = False  # since the last FINISHED: the index and the facts are worth another look
    try:
        for update in follower.follow(stop, interval):
            if stop.is_set():
                return
            done = update.kind == FINISHED and grew and update.replay is not None
            if done and store is not None:
                fp = follower.fingerprint()
                if fp is not None:
                    store.save(recording.cache_key, fp, update.replay.index)
            grew = update.kind in (GROWN, RELOADED, OPENED) or (grew and update.kind != FINISHED)
            post(Polled(update))
            if (done or update.kind == RELOADED) and update.replay is not None:
                facts = gather_facts(recording.opener, update.replay.head, stop.is_set)
                if facts is not None:
                    post(Counted(facts))
    except OSError as exc:
        post(Broke(f"{path}: cannot follow ({exc.strerror or exc})"))
