"""Seeking anywhere in a recording without replaying it from the start.

While the recording is scanned once (in the background), a snapshot of the whole
terminal is kept every so much output: a keyframe. The screen at time T is the last
keyframe before T, restored into a fresh terminal, plus the few events after it. Seeks
into a part not yet scanned feed forward from the last keyframe. The index (event
times, keyframes, markers) is cached on disk; a grown recording extends it.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import BinaryIO

from ..cast.model import MARKER, OUTPUT, RESIZE, Event, Header, Problem, parse_size
from ..cast.reader import CastHead, EventScanner, ScanState, read_head
from .screen import Terminal

# A keyframe is taken after this much replay cost: output characters, plus a fixed cost
# per event (a line to parse), so a recording of single keystrokes also gets keyframes.
KEYFRAME_COST = 16 * 1024
EVENT_COST = 160
PROGRESS_EVERY = 256  # events between progress reports and cancellation checks

Opener = Callable[[], AbstractContextManager[BinaryIO]]


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


@dataclass
class KeyframeIndex:
    """Everything a scan learns that seeking needs; what the disk cache stores."""

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

    def rewind_to_last_keyframe(self) -> None:
        """Drop what follows the last keyframe, so a scan can go on from a known state."""
        kf = self.keyframes[-1]
        del self.times[kf.count:]
        self.markers = [m for m in self.markers if m[0] < kf.count]
        self.state = kf.state
        self.complete = False


@dataclass
class Playhead:
    """A terminal at a position of the recording, ready to be advanced."""

    term: Terminal
    count: int  # events applied
    time: float  # time of the last event applied (0 before the first)
    state: ScanState


class Replay:
    """One recording, opened for seeking. Thread-safe: one thread may build the index
    while others seek; each operation opens its own file handle."""

    def __init__(self, opener: Opener, name: str, index: KeyframeIndex | None = None) -> None:
        self._opener = opener
        self.name = name
        with opener() as f:
            self.head: CastHead = read_head(f, name)
        self.index = index if index is not None and index.keyframes else self._fresh_index()
        self._build_lock = threading.Lock()

    # -- facts ------------------------------------------------------------------------
    @property
    def header(self) -> Header:
        return self.head.header

    @property
    def duration(self) -> float:
        """The time of the last event scanned so far."""
        return self.index.duration

    @property
    def markers(self) -> list[tuple[float, str]]:
        return [(t, label) for _, t, label in self.index.markers]

    @property
    def event_count(self) -> int:
        return len(self.index.times)

    def event_time(self, n: int) -> float:
        """Time of event n (0-based) if scanned, for stepping frame by frame."""
        return self.index.times[n]

    def _fresh_index(self) -> KeyframeIndex:
        start = ScanState(self.head.body_offset, 2, 0.0)
        return KeyframeIndex(keyframes=[Keyframe(0, 0.0, start, None)], state=start)

    def _restore(self, kf: Keyframe) -> Terminal:
        if kf.blob is None:
            size = self.header.size
            return Terminal(size.cols, size.rows)
        return Terminal.restore(kf.blob)

    # -- building the index -----------------------------------------------------------
    def build(
        self,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        size: int | None = None,
    ) -> bool:
        """Scan what has not been scanned yet, taking keyframes. Returns True when the
        whole file (as it is now) has been indexed, False when cancelled."""
        with self._build_lock, self._opener() as f:
            index = self.index
            if index.complete:
                return True
            if size is None:
                f.seek(0, 2)
                size = f.tell()
            index.rewind_to_last_keyframe()
            start_line = index.state.line
            resumed = index.keyframes[-1]
            resumed_tail = index.tail_cost is not None
            term = self._restore(resumed)
            scanner = EventScanner(f, self.head, start=index.state)
            try:
                finished, cost = self._scan(index, term, scanner, size, progress, cancelled, index.tail_cost or 0)
            finally:
                index.problems = [p for p in index.problems if (p.line or 0) < start_line] + scanner.problems
                index.scanned_bytes = index.state.offset
            if finished:
                index.incomplete_tail = scanner.incomplete_tail
                if term.at_boundary and len(index.times) > index.keyframes[-1].count:
                    # A keyframe at the end makes seeking to the end and extending cheap.
                    index.keyframes.append(Keyframe(len(index.times), index.duration, index.state, term.snapshot()))
                    index.tail_cost = cost
                if resumed_tail and index.keyframes[-1] is not resumed:
                    # The last build's end keyframe only served to resume from: later ones
                    # replace it. A new list, so a seek in another thread sees a whole one.
                    index.keyframes = [kf for kf in index.keyframes if kf is not resumed]
                index.complete = True
                if progress:
                    progress(size, size)
            return finished

    def _scan(self, index: KeyframeIndex, term: Terminal, scanner: EventScanner, size: int,
              progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None,
              cost: int = 0) -> tuple[bool, int]:
        """Returns whether the scan reached the end, and the cost since the last keyframe."""
        no_pty = self.header.no_pty
        for located in scanner:
            event = located.event
            apply(term, event, no_pty)
            index.times.append(event.time)
            index.state = scanner.state
            if event.code == MARKER:
                index.markers.append((len(index.times) - 1, event.time, event.data))
            cost += EVENT_COST + (len(event.data) if event.code == OUTPUT else 0)
            if cost >= KEYFRAME_COST and term.at_boundary:
                index.keyframes.append(Keyframe(len(index.times), event.time, scanner.state, term.snapshot()))
                index.tail_cost = None
                cost = 0
            if len(index.times) % PROGRESS_EVERY == 0:
                index.scanned_bytes = scanner.state.offset
                if progress:
                    progress(scanner.state.offset, size)
                if cancelled and cancelled():
                    return False, cost
        return True, cost

    @property
    def problems(self) -> list[Problem]:
        return list(self.head.problems) + self.index.problems

    def mark_grown(self) -> None:
        """The file has grown: the next build() reads the new part."""
        self.index.complete = False

    # -- seeking ----------------------------------------------------------------------
    def _playhead(self, kf: Keyframe) -> Playhead:
        return Playhead(self._restore(kf), kf.count, kf.time, kf.state)

    def _keyframe_before(self, t: float) -> Keyframe:
        # Any keyframe at or before t will do: it holds only events with time <= t.
        keyframes = self.index.keyframes
        return keyframes[max(0, bisect_right(keyframes, t, key=lambda k: k.time) - 1)]

    def seek(self, t: float) -> Playhead:
        """The terminal after every event with time <= t."""
        kf = self._keyframe_before(t)
        playhead = self._playhead(kf)
        self.advance(playhead, t)
        return playhead

    def seek_event(self, n: int) -> Playhead:
        """The terminal after exactly the first n events (n clamped to the scanned part)."""
        n = max(0, min(n, len(self.index.times)))
        keyframes = self.index.keyframes
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
