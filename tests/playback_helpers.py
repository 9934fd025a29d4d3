"""Driving the playback engine without an app: a consumer that keeps the screen as a view
would (and takes every frame at once), recordings made to measure, and waits with
timeouts (never sleeps)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from castview.playback import Engine, Frame, ManualClock, Notice
from castview.recording import Recording
from castview.term.index_store import IndexStore

TIMEOUT = 20.0


class Consumer:
    """Collects notices; keeps the rows as a view would (full frames replace, others
    update); `takes`: answer every frame with frame_taken (as a view that keeps up)."""

    def __init__(self, takes: bool = True) -> None:
        self.takes = takes
        self.engine: Engine[str] | None = None
        self.notices: list[Notice] = []
        self.rows: list[str] = []
        self.frame: Frame[str] | None = None
        self._cond = threading.Condition()

    def __call__(self, notice: Notice) -> None:
        with self._cond:
            self.notices.append(notice)
            if isinstance(notice, Frame):
                if notice.full or len(self.rows) != notice.rows:
                    self.rows = [notice.lines.get(y, "") for y in range(notice.rows)]
                else:
                    for y, line in notice.lines.items():
                        self.rows[y] = line
                self.frame = notice
            self._cond.notify_all()
        if isinstance(notice, Frame) and self.takes and self.engine is not None:
            self.engine.frame_taken()

    def of(self, kind: type) -> list[Any]:
        with self._cond:
            return [n for n in self.notices if isinstance(n, kind)]

    @property
    def frames(self) -> list[Frame[str]]:
        return self.of(Frame)

    def wait(self, predicate: Callable[[Consumer], Any], what: str = "a condition", timeout: float = TIMEOUT) -> Any:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate(self)
                if result:
                    return result
                left = deadline - time.monotonic()
                if left <= 0:
                    f = self.frame
                    last = None if f is None else (f.seq, f.position, f.count, f.playing)
                    raise AssertionError(f"timed out waiting for {what}; last frame (seq, position, count, playing): "
                                         f"{last}; notices: {[type(n).__name__ for n in self.notices[-8:]]}")
                self._cond.wait(min(left, 0.5))

    def wait_frame(self, predicate: Callable[[Frame[str]], Any], what: str = "a frame",
                   timeout: float = TIMEOUT) -> Frame[str]:
        return self.wait(lambda c: c.frame is not None and predicate(c.frame) and c.frame, what, timeout)


def start_engine(path: Path, consumer: Consumer, *, clock: ManualClock | None = None, cache: Path | None = None,
                 **options: Any) -> Engine[str]:
    engine: Engine[str] = Engine(lambda: Recording.from_path(path), consumer, location=str(path), clock=clock,
                                 store=IndexStore(cache) if cache is not None else None, **options)
    consumer.engine = engine
    engine.start()
    return engine


def opened(consumer: Consumer) -> None:
    """Wait until the recording is open and indexed."""
    from castview.playback import IndexChanged, Opened, OpenFailed

    consumer.wait(lambda c: c.of(Opened) or c.of(OpenFailed), "the open")
    if consumer.of(Opened):
        consumer.wait(lambda c: any(n.index.built for n in c.of(IndexChanged)), "the index")


def settled(engine: Engine[Any], timeout: float = TIMEOUT) -> None:
    assert engine.settled.wait(timeout), "the engine never settled"


def write_cast(path: Path, events: list[tuple[float, str, str]], cols: int = 40, rows: int = 6) -> Path:
    """A v2 recording of exactly these events."""
    lines = [json.dumps({"version": 2, "width": cols, "height": rows})]
    lines += [json.dumps([t, code, data]) for t, code, data in events]
    path.write_text("\n".join(lines) + "\n")
    return path


def screen(path: Path, count: int) -> list[str]:
    """What a straight replay shows after the first `count` events."""
    from live_writer import StraightReplay

    return StraightReplay(path).lines_after(count)
