"""Byte offsets and times of a recording's events, and the facts a full scan learns.

Built incrementally from an EventScanner so a growing recording extends its index
instead of rebuilding it; `events_until(t)` is a bisect, never a scan.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from typing import BinaryIO

from .model import MARKER, OUTPUT, RESIZE, Event, Problem, Size, parse_size
from .reader import CastHead, EventScanner, Located, ScanState


@dataclass
class EventIndex:
    """Parallel arrays, one entry per event: file offset, absolute time, code."""

    offsets: array = field(default_factory=lambda: array("q"))
    times: array = field(default_factory=lambda: array("d"))
    codes: list[str] = field(default_factory=list)

    def add(self, located: Located) -> None:
        self.offsets.append(located.offset)
        self.times.append(located.event.time)
        self.codes.append(located.event.code)

    def __len__(self) -> int:
        return len(self.times)

    @property
    def duration(self) -> float:
        return self.times[-1] if self.times else 0.0

    def count_at(self, t: float) -> int:
        """How many events have time <= t: the screen at t is those events applied."""
        return bisect_right(self.times, t)


@dataclass
class RecordingFacts:
    """What `castview info` reports beyond the header."""

    counts: Counter = field(default_factory=Counter)
    markers: list[tuple[float, str]] = field(default_factory=list)
    resizes: list[tuple[float, Size]] = field(default_factory=list)
    output_bytes: int = 0
    first_time: float | None = None
    last_time: float | None = None

    def add(self, event: Event) -> None:
        self.counts[event.code] += 1
        if self.first_time is None:
            self.first_time = event.time
        self.last_time = event.time
        if event.code == OUTPUT:
            self.output_bytes += len(event.data.encode("utf-8", "surrogatepass"))
        elif event.code == MARKER:
            self.markers.append((event.time, event.data))
        elif event.code == RESIZE:
            size = parse_size(event.data)
            if size is not None:
                self.resizes.append((event.time, size))

    @property
    def events(self) -> int:
        return sum(self.counts.values())

    @property
    def duration(self) -> float:
        return self.last_time or 0.0


@dataclass
class ScanResult:
    index: EventIndex
    facts: RecordingFacts
    problems: list[Problem]
    incomplete_tail: bool
    state: ScanState


def scan(f: BinaryIO, head: CastHead) -> ScanResult:
    """Scan a whole recording once, building its index and facts."""
    scanner = EventScanner(f, head)
    index, facts = EventIndex(), RecordingFacts()
    for located in scanner:
        index.add(located)
        facts.add(located.event)
    return ScanResult(index, facts, list(head.problems) + scanner.problems, scanner.incomplete_tail, scanner.state)
