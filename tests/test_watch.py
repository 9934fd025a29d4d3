"""The source watcher, against real files written by a real writer thread (no mocks of
watchfiles): new recordings and node folders, growth, deletion, replacement, quiet."""

from __future__ import annotations

import os
import queue
import shutil
import threading
import time
from pathlib import Path

import pytest

from castview.sources import catalog
from castview.sources.base import RecordingRef, SourceError
from castview.sources.catalog import LIVE, OK, summarize
from castview.sources.local import LocalSource
from castview.sources.watch import (
    ADDED,
    GROWN,
    QUIET,
    REMOVED,
    REPLACED,
    Change,
    SourceWatcher,
    classify,
    diff_listings,
    summarize_changes,
    watch_sources,
)
from live_writer import SAMPLES, LiveWriter

RECORDING_SMALL = SAMPLES / "nBq9Zs5CNTRL" / "2026-11-21T02:00:00.48Z.cast"

WITHIN = 1.0  # seconds: how soon a change must be reported
NODE = "nBq9Zs5CNTRL"
OLD = time.time() - 86400 * 30


def copy_node(root: Path, node: str = NODE) -> Path:
    """A node folder of finished recordings (old mtimes, as a real destination has)."""
    shutil.copytree(SAMPLES / node, root / node)
    for path in (root / node).iterdir():
        os.utime(path, (OLD, OLD))
    return root / node


def place(src: Path, dst: Path) -> None:
    """Put a copy of src at dst in one step (a rename), so it is one change."""
    tmp = dst.parent / f".{dst.name}.tmp"
    shutil.copy(src, tmp)
    os.replace(tmp, dst)


class Watching:
    """A watcher run in a thread, as the app's worker runs it; its batches collected."""

    def __init__(self, watcher: SourceWatcher) -> None:
        self.watcher = watcher
        self.stop = threading.Event()
        self.batches: queue.Queue[tuple[float, list[Change]]] = queue.Queue()
        self.seen: list[tuple[float, Change]] = []
        self.unread: list[tuple[float, Change]] = []
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert watcher.ready.wait(10), "the watcher never got ready"

    def _run(self) -> None:
        try:
            for batch in self.watcher.changes(self.stop):
                self.batches.put((time.monotonic(), batch))
        except BaseException as exc:  # noqa: BLE001 - reported by wait_for
            self.error = exc

    def wait_for(self, predicate, timeout: float = 10.0) -> tuple[float, Change]:  # type: ignore[no-untyped-def]
        """The next change (not returned before) that satisfies predicate, and when it
        came; changes passed over on the way are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            while self.unread:
                at, change = self.unread.pop(0)
                if predicate(change):
                    return at, change
            assert self.error is None, f"the watcher failed: {self.error!r}"
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no such change within {timeout} s; seen: "
                                     f"{[(c.kind, c.ref.key) for _, c in self.seen]}")
            try:
                at, batch = self.batches.get(timeout=min(left, 0.2))
            except queue.Empty:
                continue
            self.seen += [(at, change) for change in batch]
            self.unread += [(at, change) for change in batch]

    def wait_seen(self, predicate, timeout: float = 10.0) -> Change:  # type: ignore[no-untyped-def]
        """A change seen so far or coming, in whatever order, that satisfies predicate."""
        deadline = time.monotonic() + timeout
        while True:
            for _, change in self.seen:
                if predicate(change):
                    return change
            try:
                self.wait_for(predicate, timeout=max(0.01, min(0.2, deadline - time.monotonic())))
            except AssertionError:
                if time.monotonic() > deadline:
                    raise

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive(), "the watcher did not stop"


@pytest.fixture
def watching():
    started: list[Watching] = []

    def start(sources, known=None, **options) -> Watching:  # type: ignore[no-untyped-def]
        w = Watching(SourceWatcher(sources, known, **options))
        started.append(w)
        return w

    yield start
    for w in started:
        w.close()


def test_new_recording_and_new_node_folder_appear_within_a_second(tmp_path, watching):
    copy_node(tmp_path)
    source = LocalSource(tmp_path)
    w = watching([source], list(source.refs()))

    target = tmp_path / NODE / "2026-11-25T10:00:00.5Z.cast"
    writer = LiveWriter(target, speed=20, limit=40)
    started = time.monotonic()
    writer.start()
    at, change = w.wait_for(lambda c: c.kind == ADDED and c.ref.location == str(target))
    assert at - started < WITHIN
    assert change.source is source and change.previous is None
    assert change.ref.node_dir == NODE and change.ref.key == f"{NODE}/{target.name}"
    assert change.ref.name_time_ns is not None
    assert summarize(change.source, change.ref).status == LIVE  # just started: maybe only half a header

    node = tmp_path / "nN3wNodeCNTRL"
    started = time.monotonic()
    node.mkdir()
    other = LiveWriter(node / "2026-11-25T10:01:00Z.cast", speed=20, limit=20)
    other.start()
    at, change = w.wait_for(lambda c: c.kind == ADDED and c.ref.node_dir == "nN3wNodeCNTRL")
    assert at - started < WITHIN
    writer.wait_done()
    other.wait_done()
    # The refs reported are the ones a fresh listing gives (what the tree is keyed by).
    w.wait_for(lambda c: c.ref.location == str(node / "2026-11-25T10:01:00Z.cast")
               and c.ref.size == (node / "2026-11-25T10:01:00Z.cast").stat().st_size)
    listed = {ref.location: ref for ref in source.refs()}
    latest = {c.ref.location: c.ref for _, c in w.seen}
    assert latest[str(node / "2026-11-25T10:01:00Z.cast")] == listed[str(node / "2026-11-25T10:01:00Z.cast")]


def test_growth_is_reported_with_fresh_refs_then_quiet(tmp_path, watching, monkeypatch):
    monkeypatch.setattr(catalog, "LIVE_SECONDS", 1.0)  # what summarize calls recent
    copy_node(tmp_path)
    source = LocalSource(tmp_path)
    w = watching([source], list(source.refs()), live_seconds=1.0)
    target = tmp_path / NODE / "2026-11-25T11:00:00Z.cast"
    writer = LiveWriter(target, speed=20, limit=200)
    writer.start()
    writer.wait_done()
    final = target.stat().st_size
    w.wait_for(lambda c: c.ref.location == str(target) and c.ref.size == final)
    sizes = [c.ref.size for _, c in w.seen if c.ref.location == str(target)]
    kinds = [c.kind for _, c in w.seen if c.ref.location == str(target)]
    assert kinds[0] == ADDED and set(kinds[1:]) == {GROWN} and len(kinds) >= 4
    assert sizes == sorted(set(sizes))  # every report is of a larger file
    last = next(c for _, c in reversed(w.seen) if c.ref.location == str(target))
    summary = summarize(last.source, last.ref)
    assert summary.status == LIVE and summary.duration == pytest.approx(writer.times[-1])

    # No growth for live_seconds: reported once more, so the live mark can go.
    _, quiet = w.wait_for(lambda c: c.kind == QUIET, timeout=10)
    assert quiet.ref.location == str(target) and quiet.ref.size == final
    assert summarize(quiet.source, quiet.ref).status == OK
    assert not [c for _, c in w.seen if c.kind == QUIET and c.ref.location != str(target)]  # old files never were live


def test_deletion_replacement_truncation_and_folder_removal(tmp_path, watching):
    node = copy_node(tmp_path)
    copy_node(tmp_path, "nWp2Lr8CNTRL")
    source = LocalSource(tmp_path)
    w = watching([source], list(source.refs()))
    files = sorted(node.iterdir())

    files[0].unlink()
    _, change = w.wait_for(lambda c: c.ref.location == str(files[0]))
    assert change.kind == REMOVED and change.ref.size > 0

    # Replaced by rename (another inode), as an editor or a copy tool does.
    staging = tmp_path / ".staging"
    staging.mkdir()
    shutil.copy(SAMPLES / "nHx4Tb1CNTRL" / "2026-11-20T09:15:02Z.cast", staging / "x.cast")
    os.replace(staging / "x.cast", files[1])
    _, change = w.wait_for(lambda c: c.ref.location == str(files[1]))
    assert change.kind == REPLACED and change.ref.size == files[1].stat().st_size

    with open(files[2], "r+b") as f:  # truncated in place
        f.truncate(100)
    _, change = w.wait_for(lambda c: c.ref.location == str(files[2]))
    assert change.kind == REPLACED and change.ref.size == 100 and change.previous.size > 100

    shutil.rmtree(tmp_path / "nWp2Lr8CNTRL")
    gone = {str(p) for p in SAMPLES.joinpath("nWp2Lr8CNTRL").iterdir()}
    gone = {str(tmp_path / "nWp2Lr8CNTRL" / Path(p).name) for p in gone}
    while gone:
        _, change = w.wait_for(lambda c: c.ref.location in gone)
        assert change.kind == REMOVED
        gone.discard(change.ref.location)


def test_files_that_are_not_recordings_are_ignored(tmp_path, watching):
    copy_node(tmp_path)
    source = LocalSource(tmp_path)
    w = watching([source], list(source.refs()))
    (tmp_path / NODE / "events").mkdir()
    (tmp_path / NODE / "events" / "1.event").write_text("{}")
    (tmp_path / NODE / "events" / "x.cast").write_text("{}")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "a.cast").write_text("{}")
    (tmp_path / NODE / ".2026-11-25T10:00:00Z.cast.swp").write_text("x")
    (tmp_path / "check-write-access").write_text("")
    (tmp_path / "notes.txt").write_text("x")
    sentinel = tmp_path / NODE / "2026-11-25T12:00:00Z.cast"
    sentinel.write_bytes((SAMPLES / NODE / "2026-11-21T02:00:00.48Z.cast").read_bytes())
    w.wait_for(lambda c: c.ref.location == str(sentinel))
    assert [c.ref.location for _, c in w.seen] == [str(sentinel)]


def test_changes_between_listing_and_watch_are_not_lost(tmp_path, watching):
    node = copy_node(tmp_path)
    source = LocalSource(tmp_path)
    known = list(source.refs())
    victim = sorted(node.iterdir())[0]
    victim.unlink()  # after the app listed, before the watch began
    late = node / "2026-11-25T13:00:00Z.cast"
    shutil.copy(SAMPLES / NODE / "2026-11-21T02:00:00.48Z.cast", late)
    w = watching([source], known)
    w.wait_seen(lambda c: c.ref.location == str(late) and c.kind == ADDED)
    w.wait_seen(lambda c: c.ref.location == str(victim) and c.kind == REMOVED)


def test_a_file_named_on_the_command_line_is_followed_too(tmp_path, watching):
    target = tmp_path / "session.cast"
    source = LocalSource(target)
    w = watching([source], [], tick=0.1)  # the file does not exist yet: it is not a directory
    writer = LiveWriter(target, speed=20, limit=60)
    writer.start()
    _, change = w.wait_for(lambda c: c.kind == ADDED)
    assert change.ref.location == str(target) and change.ref.key == "session.cast"
    writer.wait_done()
    w.wait_for(lambda c: c.kind == GROWN and c.ref.size == target.stat().st_size)
    target.unlink()
    w.wait_for(lambda c: c.kind == REMOVED)


class MemorySource:
    """A source that can only be listed (as S3): refs() gives whatever `objects` holds."""

    def __init__(self, label: str = "s3://bucket") -> None:
        self.label = label
        self.objects: dict[str, tuple[int, str]] = {}
        self.listings = 0
        self.fail = False

    def ref(self, key: str) -> RecordingRef:
        size, etag = self.objects[key]
        return RecordingRef(self.label, f"{self.label}/{key}", key, key.split("/")[0], None, size, OLD,
                            may_grow=False, etag=etag)

    def refs(self):  # type: ignore[no-untyped-def]
        self.listings += 1
        if self.fail:
            raise SourceError(f"{self.label}: access denied")
        return iter([self.ref(k) for k in sorted(self.objects)])

    def open(self, ref):  # type: ignore[no-untyped-def]
        raise OSError("not readable")


def test_remote_sources_are_listed_again_on_request_and_on_an_interval(watching):
    remote = MemorySource()
    remote.objects = {"nA/1.cast": (10, '"e1"'), "nA/2.cast": (20, '"e2"')}
    errors: list[str] = []
    w = watching([remote], list(remote.refs()), remote_interval=None, tick=0.1, on_error=errors.append)
    remote.objects = {"nA/1.cast": (10, '"e1b"'), "nB/3.cast": (30, '"e3"')}
    w.watcher.refresh()
    for key in ("nA/1.cast", "nA/2.cast", "nB/3.cast"):
        w.wait_seen(lambda c: c.ref.key == key)
    changes = {c.ref.key: c.kind for _, c in w.seen}
    assert changes == {"nA/1.cast": REPLACED, "nA/2.cast": REMOVED, "nB/3.cast": ADDED}

    remote.fail = True
    w.watcher.refresh()
    deadline = time.monotonic() + 10
    while not errors and time.monotonic() < deadline:
        time.sleep(0.02)
    assert errors == ["s3://bucket: access denied"]

    periodic = MemorySource("s3://other")
    periodic.objects = {"nC/1.cast": (5, '"x"')}
    w2 = watching([periodic], list(periodic.refs()), remote_interval=0.2, tick=0.05)
    periodic.objects["nC/2.cast"] = (6, '"y"')
    _, c = w2.wait_for(lambda c: c.ref.key == "nC/2.cast")
    assert c.kind == ADDED and periodic.listings >= 2
    assert not [c for _, c in w2.seen if c.ref.key == "nC/1.cast"]  # unchanged: not reported


def test_watch_sources_stops_promptly(tmp_path):
    copy_node(tmp_path)
    stop = threading.Event()
    batches: list[list[Change]] = []
    thread = threading.Thread(target=lambda: batches.extend(watch_sources([LocalSource(tmp_path)], stop)))
    thread.start()
    time.sleep(0.05)
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    assert batches == []  # without `known`, the first listing is taken silently


def ref(size: int, mtime: float = 1.0, etag: str | None = None, may_grow: bool = True) -> RecordingRef:
    return RecordingRef("src", "src/n/a.cast", "n/a.cast", "n", None, size, mtime, may_grow=may_grow, etag=etag)


@pytest.mark.parametrize(("old", "new", "kind"), [
    (None, ref(10), ADDED),
    (ref(10), ref(10), None),
    (ref(10), ref(20, 2.0), GROWN),
    (ref(20), ref(10, 2.0), REPLACED),
    (ref(10), ref(10, 2.0), REPLACED),  # same size, written again
    (ref(10, etag="a", may_grow=False), ref(10, 5.0, etag="a", may_grow=False), None),  # same object, touched
    (ref(10, etag="a", may_grow=False), ref(10, etag="b", may_grow=False), REPLACED),
    (ref(10, etag="a", may_grow=False), ref(20, etag="b", may_grow=False), REPLACED),  # objects are replaced whole
    (ref(10, may_grow=False), ref(20, may_grow=False), REPLACED),
])
def test_classify(old, new, kind):
    assert classify(old, new) == kind


def test_diff_listings():
    source = MemorySource()
    a = RecordingRef("s", "s/a", "a", None, None, 1, 0.0, may_grow=False, etag="1")
    b = RecordingRef("s", "s/b", "b", None, None, 2, 0.0, may_grow=False, etag="2")
    b2 = RecordingRef("s", "s/b", "b", None, None, 3, 0.0, may_grow=False, etag="3")
    c = RecordingRef("s", "s/c", "c", None, None, 4, 0.0, may_grow=False, etag="4")
    changes = diff_listings(source, [a, b], [b2, c])
    assert [(ch.kind, ch.ref.key, ch.previous.key if ch.previous else None) for ch in changes] == [
        (REMOVED, "a", "a"), (REPLACED, "b", "b"), (ADDED, "c", None)]
    assert all(ch.source is source for ch in changes)
    assert diff_listings(source, [a, b], [a, b]) == []


def test_a_recording_live_when_listed_goes_quiet_too(tmp_path, watching):
    node = copy_node(tmp_path)
    fresh = node / "2026-11-25T14:00:00Z.cast"
    shutil.copy(RECORDING_SMALL, fresh)  # modified just now: the catalog calls it live
    source = LocalSource(tmp_path)
    w = watching([source], list(source.refs()), live_seconds=1.0)
    _, change = w.wait_for(lambda c: c.kind == QUIET, timeout=10)
    assert change.ref.location == str(fresh)
    assert [c.kind for _, c in w.seen] == [QUIET]


def test_refresh_lists_local_sources_again_without_repeating_what_was_reported(tmp_path, watching):
    node = copy_node(tmp_path)
    source = LocalSource(tmp_path)
    w = watching([source], list(source.refs()), tick=0.1)
    first = node / "2026-11-25T15:00:00Z.cast"
    place(RECORDING_SMALL, first)
    w.wait_for(lambda c: c.ref.location == str(first))
    for _ in range(3):
        w.watcher.refresh()
        time.sleep(0.15)
    second = node / "2026-11-25T15:01:00Z.cast"
    place(RECORDING_SMALL, second)
    w.wait_for(lambda c: c.ref.location == str(second))
    time.sleep(0.3)
    w.wait_seen(lambda c: c.ref.location == str(second))
    assert [c.ref.location for _, c in w.seen].count(str(first)) == 1


def test_summarize_changes_reads_each_changed_file_once(tmp_path):
    node = copy_node(tmp_path)
    source = LocalSource(tmp_path)
    a, b = sorted(source.refs(), key=lambda r: r.location)[:2]
    changes = [Change(GROWN, a, source, a), Change(REPLACED, a, source, a), Change(REMOVED, b, source, b)]
    summaries, removed = summarize_changes(changes)
    assert [s.ref for s in summaries] == [a] and summaries[0].header is not None and removed == [b]
    assert node.exists()


def test_directories_that_cannot_be_watched_are_polled(tmp_path, watching, monkeypatch):
    """When no watch can be set up (the inotify limit), watchfiles' polling takes over."""
    import watchfiles

    real = watchfiles.watch

    def limited(*paths, force_polling=None, **kwargs):  # type: ignore[no-untyped-def]
        if not force_polling:
            raise OSError(28, "OS file watch limit reached")
        return real(*paths, force_polling=True, **{**kwargs, "poll_delay_ms": 100})

    monkeypatch.setattr(watchfiles, "watch", limited)
    copy_node(tmp_path)
    source = LocalSource(tmp_path)
    errors: list[str] = []
    w = watching([source], list(source.refs()), on_error=errors.append)
    assert len(errors) == 1 and "watch limit" in errors[0]
    target = tmp_path / NODE / "2026-11-25T16:00:00Z.cast"
    place(RECORDING_SMALL, target)
    _, change = w.wait_for(lambda c: c.ref.location == str(target))
    assert change.kind == ADDED
