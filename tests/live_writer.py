"""A real recorder stand-in: a thread that writes a `.cast` file the way tsrecorder does.

It replays a real recording into a new file at a realistic pace (sped up), one line per
event, flushing as it goes; every few lines it flushes half a line and writes the rest
a moment later, as a recorder caught mid-write leaves it. Tests wait on its progress
with timeouts (never on sleeps that assume a speed).

With `hold_partials`, the writer stops after each half line until the test calls
`release()`, so a test can look at the file in exactly that state.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from castview.cast.reader import load_events
from castview.term.keyframes import apply
from castview.term.screen import Terminal

SAMPLES = Path(__file__).resolve().parent.parent / "sample_casts"
RECORDING = SAMPLES / "nHx4Tb1CNTRL" / "2026-11-20T09:15:02Z.cast"


class StraightReplay:
    """The screen after the first n events of a recording, fed straight from the start
    (forward only, so checking every step of a follow costs one replay in all)."""

    def __init__(self, source: Path) -> None:
        self.header, self.events = load_events(source)
        self._start()

    def _start(self) -> None:
        self.term = Terminal(*self.header.size)
        self.count = 0

    def lines_after(self, count: int) -> list[str]:
        if count < self.count:
            self._start()
        for event in self.events[self.count:count]:
            apply(self.term, event, self.header.no_pty)
        self.count = max(self.count, min(count, len(self.events)))
        return self.term.lines()


class LiveWriter(threading.Thread):
    """Writes `source`'s header and events to `target` while it runs.

    speed: how much faster than the recording (10: a 37 s session takes 3.7 s).
    max_gap: a longer pause (in written time) is shortened to this.
    split_every: every n-th event line is written in two halves (0: never).
    restamp: the header's timestamp becomes the time the writer starts, as a recorder
    writes it (so the catalog's live test, which compares the session's clock, passes).
    """

    def __init__(self, target: Path, source: Path = RECORDING, *, speed: float = 10.0, max_gap: float = 0.3,
                 split_every: int = 7, partial_pause: float = 0.03, restamp: bool = True,
                 hold_partials: bool = False, limit: int | None = None) -> None:
        super().__init__(daemon=True, name=f"live-writer {target.name}")
        self.target = Path(target)
        self.source = Path(source)
        self.speed = speed
        self.max_gap = max_gap
        self.split_every = split_every
        self.partial_pause = partial_pause
        self.hold_partials = hold_partials
        raw = self.source.read_bytes().splitlines(keepends=True)
        header = json.loads(raw[0])
        if restamp and "timestamp" in header:
            header["timestamp"] = int(time.time())
        self.header_line = (json.dumps(header, separators=(",", ":")) + "\n").encode()
        self.lines = raw[1:limit + 1 if limit is not None else None]
        self.times = [json.loads(line)[0] for line in self.lines]
        self.complete = 0  # event lines completely written
        self.partial = False  # the file now ends in half a line
        self.done = threading.Event()
        self.error: BaseException | None = None
        self._cond = threading.Condition()
        self._halt = threading.Event()
        self._release = threading.Event()

    # -- the expected result ------------------------------------------------------------
    def straight(self) -> StraightReplay:
        """What a straight replay of the events written so far shows."""
        return StraightReplay(self.source)

    @property
    def total(self) -> int:
        return len(self.lines)

    # -- running ------------------------------------------------------------------------
    def run(self) -> None:
        try:
            self._write()
        except BaseException as exc:  # noqa: BLE001 - reported to the test by wait_*
            self.error = exc
        finally:
            self.done.set()
            with self._cond:
                self._cond.notify_all()

    def _write(self) -> None:
        with open(self.target, "wb", buffering=0) as f:
            half = len(self.header_line) // 2
            f.write(self.header_line[:half])  # even the header arrives in two writes
            self._pause(self.partial_pause)
            f.write(self.header_line[half:])
            previous = 0.0
            for n, (line, t) in enumerate(zip(self.lines, self.times, strict=True), 1):
                self._pause(min(max(0.0, t - previous), self.max_gap) / self.speed)
                previous = t
                if self._halt.is_set():
                    return
                if self.split_every and n % self.split_every == 0 and len(line) > 4:
                    cut = len(line) // 2
                    f.write(line[:cut])
                    self._set(partial=True)
                    if self.hold_partials:
                        self._release.wait(30)
                        self._release.clear()
                    else:
                        self._pause(self.partial_pause)
                    f.write(line[cut:])
                else:
                    f.write(line)
                self._set(partial=False, complete=n)

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self._halt.wait(seconds)

    def _set(self, partial: bool, complete: int | None = None) -> None:
        with self._cond:
            self.partial = partial
            if complete is not None:
                self.complete = complete
            self._cond.notify_all()

    # -- what tests call ----------------------------------------------------------------
    def release(self) -> None:
        """Let a writer held after a half line write the rest of it."""
        with self._cond:
            self.partial = False
        self._release.set()

    def stop(self) -> None:
        self._halt.set()
        self._release.set()

    def wait_for(self, predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
        """Wait until predicate(self) holds; fail (with the writer's error) on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self):
                if self.error is not None:
                    raise AssertionError(f"the writer failed: {self.error!r}") from self.error
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out after {timeout} s waiting for the writer "
                                         f"({self.complete}/{self.total} events written)")
                self._cond.wait(min(left, 0.5))

    def wait_events(self, count: int, timeout: float = 30.0) -> None:
        self.wait_for(lambda w: w.complete >= count, timeout)

    def wait_done(self, timeout: float = 60.0) -> None:
        self.wait_for(lambda w: w.done.is_set(), timeout)
        if self.error is not None:
            raise AssertionError(f"the writer failed: {self.error!r}") from self.error


def poll_until(predicate, timeout: float = 10.0, interval: float = 0.02):  # type: ignore[no-untyped-def]
    """Call predicate until it returns something truthy; return that, or fail on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s")
        time.sleep(interval)
