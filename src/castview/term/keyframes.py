"""Seeking anywhere in a recording without replaying it from the start.

While the recording is scanned once (in the background), a snapshot of the whole
terminal is kept every so much output: a keyframe. The screen at time T is the last
keyframe before T, restored into a fresh terminal, plus the few events after it. Seeks
into a part not yet scanned feed forward from the last keyframe. The index (event
times, keyframes, markers) is cached on disk; a grown recording extends it.

When a keyframe is taken: after KEYFRAME_COST of replay cost (output characters plus
EVENT_COST per event) since the previous one, and not before the input read since the
previous one is KEYFRAME_SPACING times the size of that one's snapshot. A snapshot holds
the whole screen, so its size follows the screen, not the input: a 1000x500 screen of
true-colour cells is about 0.5 MB compressed, and one-character events after it would
otherwise add such a snapshot every hundred events. With the second rule, every snapshot
but the last two is paid for by input read after it, which bounds the keyframes of any
recording by its size:

    snapshot bytes <= input bytes / KEYFRAME_SPACING + 2 x the largest snapshot

(the cache file adds 8 bytes per event and the markers). Encoding or restoring a
snapshot takes time in proportion to its size, so the same rule keeps the time spent on
keyframes in proportion to the input, and a seek replays at most KEYFRAME_SPACING times
the snapshot it restored (or KEYFRAME_COST). On an ordinary screen (120x40: snapshots of
2-5 KB) only KEYFRAME_COST counts. Keyframes are not spaced by wall-clock time: the index
would then depend on the machine, and a resumed build must take the keyframes a whole
build would.

Keyframes are taken wherever the parser is, inside a sequence too (the snapshot holds the
parser's state: a CSI's parameters, an OSC's text...), so output that always ends inside
a sequence still gets them. Never while the scanner yields the pieces of one long line
(`EventScanner.mid_line`): its scan state there is not a place reading can resume.

Threads: one thread builds (or extends) the index while others seek and play. The
builder only ever appends to the index's lists (a build resumed from a keyframe replays
the events it already has into its terminal without adding them again), and publishes
an `IndexView` now and then: fixed-length views of those lists, swapped in whole. A
reader takes one view and sees a consistent index (times, keyframes, markers) that no
later append or build changes.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import BinaryIO, Generic, TypeVar, overload

from ..cast.model import MARKER, OUTPUT, RESIZE, Event, Header, Problem, parse_size
from ..cast.reader import CastHead, EventScanner, ScanState, read_head
from .screen import SnapshotError, Terminal

# A keyframe is taken after this much replay cost: output characters, plus a fixed cost
# per event (a line to parse), so a recording of single keystrokes also gets keyframes.
KEYFRAME_COST = 16 * 1024
EVENT_COST = 160
#: Input bytes read between two keyframes, at least, per byte of the first one's snapshot.
KEYFRAME_SPACING = 2
PROGRESS_EVERY = 256  # events between progress reports and cancellation checks

Opener = Callable[[], AbstractContextManager[BinaryIO]]
T = TypeVar("T")
Feed = Callable[[Event], None]
"""Applies one event to the terminal it was made for (see `Replay.build_with`)."""


def onlcr(data: str) -> str:
    """What a terminal with ONLCR shows for output with bare LF line ends."""
    return data.replace("\n", "\r\n")


def apply(term: Terminal, event: Event, no_pty: bool = False) -> None:
    """Apply one event to a terminal: output is fed, resizes resize, the rest is ignored.
    `no_pty`: the session had no PTY (Header.no_pty), so line feeds also return the carriage."""
    if event.code == OUTPUT:
        term.feed(onlcr(event.data) if no_pty else event.data)
    elif event.code == RESIZE:
        size = parse_size(event.data)
        if size is not None:
            term.resize(size.cols, size.rows)


@dataclass(frozen=True)
class Keyframe:
    """The terminal after the first `count` events; `state` is where reading resumes."""

    count: int
    time: float
    state: ScanState
    blob: bytes | None  # None: a fresh terminal of the header's size


def _paid_until(kf: Keyframe) -> int:
    """The input offset up to which `kf`'s snapshot is not yet paid for (see the module
    docstring): no keyframe follows it before."""
    return kf.state.offset + KEYFRAME_SPACING * len(kf.blob or b"")


class Prefix(Sequence[T], Generic[T]):
    """The first `length` items of a list or array that is only ever appended to: a
    read-only view that stays the same while its owner appends."""

    __slots__ = ("_items", "_length")

    def __init__(self, items: Sequence[T], length: int | None = None) -> None:
        self._items = items
        self._length = len(items) if length is None else length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, i: int) -> T: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...

    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        if isinstance(i, slice):
            return self._items[:self._length][i]
        n = self._length
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("index out of range")
        return self._items[i]


@dataclass(frozen=True)
class IndexView:
    """The index at one moment of a build: what seeks and playback read."""

    times: Sequence[float]
    keyframes: Sequence[Keyframe]
    markers: Sequence[tuple[int, float, str]]
    complete: bool
    problems: tuple[Problem, ...] = ()
    """The scan's (not the header's)."""
    incomplete_line: int | None = None
    """The line number of a half-written last line, when the scan ended in one."""

    @property
    def event_count(self) -> int:
        return len(self.times)

    @property
    def duration(self) -> float:
        return self.times[-1] if self.times else 0.0


@dataclass
class KeyframeIndex:
    """Everything a scan learns that seeking needs; what the disk cache stores. Only the
    thread that builds it touches it: others read the IndexView it publishes."""

    times: array = field(default_factory=lambda: array("d"))
    keyframes: list[Keyframe] = field(default_factory=list)
    markers: list[tuple[int, float, str]] = field(default_factory=list)
    state: ScanState | None = None
    problems: list[Problem] = field(default_factory=list)
    incomplete_tail: bool = False
    complete: bool = False
    scanned_bytes: int = 0
    # Set while the last keyframe was taken at the end of a build (not for its cost): the
    # replay cost since the keyframe before it. The next build that gets further drops
    # such a keyframe, so a followed file does not gain one per growth.
    tail_cost: int | None = None

    @property
    def duration(self) -> float:
        return self.times[-1] if self.times else 0.0

    def view(self) -> IndexView:
        """The index as it is now, unchanged by later appends (lists are only appended
        to; one that must lose an item is replaced by a new list)."""
        tail = self.state.line if self.incomplete_tail and self.state is not None else None
        return IndexView(Prefix(self.times), Prefix(self.keyframes), Prefix(self.markers), self.complete,
                         tuple(self.problems), tail)


@dataclass
class Playhead:
    """A terminal at a position of the recording, ready to be advanced."""

    term: Terminal
    count: int  # events applied
    time: float  # time of the last event applied (0 before the first)
    state: ScanState


class Replay:
    """One recording, opened for seeking. Thread-safe: one thread at a time builds the
    index (`build`, `mark_grown`; `index` is that thread's) while others seek and read
    `view`; each operation opens its own file handle."""

    def __init__(self, opener: Opener, name: str, index: KeyframeIndex | None = None) -> None:
        self._opener = opener
        self.name = name
        with opener() as f:
            self.head: CastHead = read_head(f, name)
        self.index = index if index is not None and index.keyframes else self._fresh_index()
        self._build_lock = threading.Lock()
        self._view = self.index.view()

    @property
    def view(self) -> IndexView:
        """The index as last published by the build (one consistent moment)."""
        return self._view

    def _publish(self) -> None:
        self._view = self.index.view()

    # -- facts ------------------------------------------------------------------------
    @property
    def header(self) -> Header:
        return self.head.header

    @property
    def duration(self) -> float:
        """The time of the last event scanned so far."""
        return self._view.duration

    @property
    def markers(self) -> list[tuple[float, str]]:
        return [(t, label) for _, t, label in self._view.markers]

    @property
    def event_count(self) -> int:
        return self._view.event_count

    def event_time(self, n: int) -> float:
        """Time of event n (0-based) if scanned, for stepping frame by frame."""
        return self._view.times[n]

    def _start(self) -> Keyframe:
        return Keyframe(0, 0.0, ScanState(self.head.body_offset, 2, 0.0), None)

    def _fresh_index(self) -> KeyframeIndex:
        start = self._start()
        return KeyframeIndex(keyframes=[start], state=start.state)

    def _restore(self, kf: Keyframe) -> tuple[Keyframe, Terminal]:
        """The terminal `kf` holds, or, when its snapshot does not restore (a cache file
        damaged in a way its checksum cannot tell), the start and a fresh terminal."""
        if kf.blob is not None:
            try:
                return kf, Terminal.restore(kf.blob)
            except SnapshotError:
                kf = self._start()
        size = self.header.size
        return kf, Terminal(size.cols, size.rows)

    # -- building the index -----------------------------------------------------------
    def build(
        self,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        size: int | None = None,
    ) -> bool:
        """Scan what has not been scanned yet, taking keyframes. Returns True when the
        whole file (as it is now) has been indexed, False when cancelled."""
        return self._build(progress, cancelled, size, None)

    def build_with(
        self,
        attach: Callable[[Terminal], Feed],
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        size: int | None = None,
    ) -> bool:
        """`build`, with `attach(term)` giving what feeds each event to the terminal
        instead of `apply`, so that one replay also serves other analyses (a transcript):
        it sees every event once only in a build from the start (`fresh`)."""
        return self._build(progress, cancelled, size, attach)

    def _build(self, progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None,
               size: int | None, attach: Callable[[Terminal], Feed] | None) -> bool:
        with self._build_lock, self._opener() as f:
            index = self.index
            if index.complete:
                return True
            if size is None:
                f.seek(0, 2)
                size = f.tell()
            # Resume from the last keyframe: the events after it are already indexed, but
            # the terminal they lead to is known only by replaying them.
            resumed, term = self._restore(index.keyframes[-1])
            if resumed is not index.keyframes[-1]:  # a damaged cached index: start over
                self.index = index = self._fresh_index()
                resumed = index.keyframes[-1]
            resumed_tail = index.tail_cost is not None
            # The keyframe the next one is spaced from: the one before an end keyframe, as
            # in a build that had read the whole file at once.
            spaced_from = index.keyframes[-2] if resumed_tail else resumed
            scanner = EventScanner(f, self.head, start=resumed.state)
            try:
                feed = attach(term) if attach is not None else None
                finished, cost = self._scan(index, term, scanner, resumed.count, size, progress, cancelled,
                                            index.tail_cost or 0, _paid_until(spaced_from), feed)
            finally:
                index.problems = [p for p in index.problems if (p.line or 0) < resumed.state.line] + scanner.problems
                index.scanned_bytes = index.state.offset
                self._publish()
            if finished:
                index.incomplete_tail = scanner.incomplete_tail
                if len(index.times) > index.keyframes[-1].count:
                    # A keyframe at the end makes seeking to the end and extending cheap.
                    index.keyframes.append(Keyframe(len(index.times), index.duration, index.state, term.snapshot()))
                    index.tail_cost = cost
                if resumed_tail and index.keyframes[-1] is not resumed:
                    # The last build's end keyframe only served to resume from: later ones
                    # replace it (in a new list: published views keep the old one).
                    index.keyframes = [kf for kf in index.keyframes if kf is not resumed]
                index.complete = True
                self._publish()
                if progress:
                    progress(size, size)
            return finished

    def _scan(self, index: KeyframeIndex, term: Terminal, scanner: EventScanner, count: int, size: int,
              progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None,
              cost: int, paid_until: int, feed: Feed | None = None) -> tuple[bool, int]:
        """Feed `term` every event the scanner reads (`count` events came before) and index
        those not indexed yet, taking keyframes after `cost` more and not before input
        offset `paid_until`. Returns whether the scan reached the end, and the cost since
        the last keyframe. Replaying the part already indexed is short (less than a
        keyframe's worth) and not cancelled."""
        no_pty = self.header.no_pty
        known = len(index.times)
        for located in scanner:
            event = located.event
            if feed is None:
                apply(term, event, no_pty)
            else:
                feed(event)
            count += 1
            if count > known:
                index.times.append(event.time)
                index.state = scanner.state
                if event.code == MARKER:
                    index.markers.append((count - 1, event.time, event.data))
            cost += EVENT_COST + (len(event.data) if event.code == OUTPUT else 0)
            if cost >= KEYFRAME_COST and scanner.state.offset >= paid_until \
                    and not scanner.mid_line:
                keyframe = Keyframe(count, event.time, scanner.state, term.snapshot())
                index.keyframes.append(keyframe)
                index.tail_cost = None
                cost = 0
                paid_until = _paid_until(keyframe)
            if count > known and count % PROGRESS_EVERY == 0:
                index.scanned_bytes = scanner.state.offset
                self._publish()
                if progress:
                    progress(scanner.state.offset, size)
                if cancelled and cancelled():
                    return False, cost
        return True, cost

    @property
    def fresh(self) -> bool:
        """Nothing scanned yet: a build replays every event from the start."""
        return not self.index.times and not self.index.complete

    @property
    def problems(self) -> list[Problem]:
        return list(self.head.problems) + list(self._view.problems)

    def mark_grown(self) -> None:
        """The file has grown: the next build() reads the new part."""
        with self._build_lock:
            self.index.complete = False
            self._publish()

    # -- seeking ----------------------------------------------------------------------
    def _playhead(self, kf: Keyframe) -> Playhead:
        kf, term = self._restore(kf)
        return Playhead(term, kf.count, kf.time, kf.state)

    def _keyframe_before(self, t: float) -> Keyframe:
        # Any keyframe at or before t will do: it holds only events with time <= t.
        keyframes = self._view.keyframes
        return keyframes[max(0, bisect_right(keyframes, t, key=lambda k: k.time) - 1)]

    def seek(self, t: float) -> Playhead:
        """The terminal after every event with time <= t."""
        kf = self._keyframe_before(t)
        playhead = self._playhead(kf)
        self.advance(playhead, t)
        return playhead

    def seek_event(self, n: int) -> Playhead:
        """The terminal after exactly the first n events (n clamped to the scanned part)."""
        view = self._view
        n = max(0, min(n, view.event_count))
        keyframes = view.keyframes
        i = bisect_right(keyframes, n, key=lambda k: k.count) - 1
        playhead = self._playhead(keyframes[max(0, i)])
        self.advance(playhead, float("inf"), limit=n)
        return playhead

    def advance(self, playhead: Playhead, t: float, limit: int | None = None) -> int:
        """Feed the events after the playhead up to time t (or up to event `limit`).
        Returns how many were applied."""
        applied = 0
        with self._opener() as f:
            for event in self._events_from(f, playhead, t, limit):
                apply(playhead.term, event, self.header.no_pty)
                applied += 1
        return applied

    def _events_from(self, f: BinaryIO, playhead: Playhead, t: float, limit: int | None) -> Iterator[Event]:
        scanner = EventScanner(f, self.head, start=playhead.state)
        for located in scanner:
            if located.event.time > t or (limit is not None and playhead.count >= limit):
                return
            playhead.count += 1
            playhead.time = located.event.time
            playhead.state = scanner.state
            yield located.event
