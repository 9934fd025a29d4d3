"""The analysis pass: one replay feeding the text tracker, every analyzer and, when the
recording has none yet, the seek keyframes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ..cast.model import Event, Problem
from ..cast.reader import CastHead, EventScanner, read_head
from ..hidden import Anomaly
from ..term.keyframes import Feed, Opener, Replay
from ..term.screen import Terminal
from .analyzer import ANALYZERS, Analyzer
from .text import TextAnalysis, TextPacker

PROGRESS_EVERY = 256  # events between progress reports and cancellation checks


@dataclass
class PassResult:
    """What one pass found."""

    head: CastHead
    packer: TextPacker
    events: int = 0
    duration: float = 0.0
    frames: int = 0
    problems: list[Problem] = field(default_factory=list)
    incomplete_tail: bool = False
    """The file ends in a half-written line."""
    anomalies: list[Anomaly] = field(default_factory=list)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Each analyzer's {"version": ..., "result": ...} by name."""


class _Pass:
    def __init__(self, head: CastHead) -> None:
        self.head = head
        self.text = TextAnalysis(head)
        self.analyzers: list[Analyzer] = [cls() for cls in ANALYZERS]

    def attach(self, term: Terminal) -> Feed:
        feed_terminal = self.text.attach(term)
        for analyzer in self.analyzers:
            analyzer.start(term, self.head)
        # only the analyzers that look before an event cost a call there
        ahead = [a.before for a in self.analyzers if type(a).before is not Analyzer.before]
        observers = [a.feed for a in self.analyzers]

        def feed(event: Event) -> None:
            for look in ahead:
                look(event)
            feed_terminal(event)
            for observe in observers:
                observe(event)

        return feed

    def finish(self, events: int, duration: float, problems: list[Problem], incomplete_tail: bool) -> PassResult:
        self.text.finish()
        for analyzer in self.analyzers:
            analyzer.finish()
        tracker = self.text.tracker
        assert tracker is not None
        return PassResult(self.head, self.text.packer, events, duration, tracker.frames, problems, incomplete_tail,
                          list(tracker.anomalies),
                          {a.name: {"version": a.version, "result": a.result()} for a in self.analyzers})


def analyse(opener: Opener, name: str, size: int, replay: Replay | None = None,
            progress: Callable[[int, int], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> PassResult | None:
    """Replay a recording once for everything: with `replay` not yet built (`fresh`), its
    keyframes are taken in the same replay. None when cancelled. Raises CastError, OSError."""
    if replay is not None and replay.fresh:
        run = _Pass(replay.head)
        try:
            if not replay.build_with(run.attach, progress, cancelled, size):
                return None
            view = replay.view
            return run.finish(view.event_count, view.duration, replay.problems, replay.index.incomplete_tail)
        finally:
            run.text.packer.close()
    with opener() as f:
        head = read_head(f, name)
        run = _Pass(head)
        try:
            return _scan(run, f, size, progress, cancelled)
        finally:
            run.text.packer.close()


def _scan(run: _Pass, f: BinaryIO, size: int, progress: Callable[[int, int], None] | None,
          cancelled: Callable[[], bool] | None) -> PassResult | None:
    head = run.head
    feed = run.attach(Terminal(head.header.size.cols, head.header.size.rows))
    scanner = EventScanner(f, head)
    n = 0
    time = 0.0
    for located in scanner:
        feed(located.event)
        time = located.event.time
        n += 1
        if n % PROGRESS_EVERY == 0:
            if progress:
                progress(scanner.state.offset, size)
            if cancelled and cancelled():
                return None
    if progress:
        progress(size, size)
    return run.finish(n, time, list(head.problems) + scanner.problems, scanner.incomplete_tail)
