"""The facts a full scan of a recording learns (`castview info`, the player's details):
events by code, markers, resizes, output bytes, and every problem line."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import BinaryIO

from .model import MARKER, OUTPUT, RESIZE, Event, Problem, Size, parse_size
from .reader import CastHead, EventScanner


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
    facts: RecordingFacts
    problems: list[Problem]
    incomplete_tail: bool
    incomplete_line: int | None = None
    """The line number of a half-written last line."""


def scan(f: BinaryIO, head: CastHead) -> ScanResult:
    """Scan a whole recording once for its facts."""
    scanner = EventScanner(f, head)
    facts = RecordingFacts()
    for located in scanner:
        facts.add(located.event)
    return ScanResult(facts, list(head.problems) + scanner.problems, scanner.incomplete_tail,
                      scanner.state.line if scanner.incomplete_tail else None)
