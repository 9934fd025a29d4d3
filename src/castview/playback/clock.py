"""Where the engine reads the time and how it waits for it.

The engine never sleeps: it waits on its wake event with a timeout measured by its
clock. `SystemClock` is the real one; `ManualClock` moves only when a test says so,
so a test can play a recording at any speed without waiting for it.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds, monotonic."""

    def wait(self, wake: threading.Event, timeout: float | None) -> None:
        """Return once `wake` is set or `timeout` seconds of this clock have passed (or
        earlier: callers look at the time again)."""


class SystemClock:
    def now(self) -> float:
        return time.monotonic()

    def wait(self, wake: threading.Event, timeout: float | None) -> None:
        wake.wait(timeout)


class ManualClock:
    """Time stands still until `advance`; a thread waiting on it wakes up then."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._lock = threading.Lock()
        self._waiting: set[threading.Event] = set()

    def now(self) -> float:
        with self._lock:
            return self._now

    def wait(self, wake: threading.Event, timeout: float | None) -> None:
        with self._lock:
            if timeout is not None and timeout <= 0:
                return
            self._waiting.add(wake)
        try:
            wake.wait()
        finally:
            with self._lock:
                self._waiting.discard(wake)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
            waiting = list(self._waiting)
        for wake in waiting:
            wake.set()
