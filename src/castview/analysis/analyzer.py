"""The interface an observer of the analysis pass implements."""

from __future__ import annotations

from typing import Any, ClassVar

from ..cast.model import Event
from ..cast.reader import CastHead
from ..term.screen import Terminal


class Analyzer:
    """Watches one replay of a recording and tells what it found as plain data.

    The pass makes one instance per replay: `start` once, `before` and `feed` around
    each event's application to the terminal (read it, never change it), `finish` after
    the last, then `result`. A result is kept in the cache as JSON and handed back, checked by
    `check`, to whoever reads it (`AnalysisEntry.result`)."""

    name: ClassVar[str]
    """The result's name in the cache entry."""
    version: ClassVar[int]
    """Bump it when the result changes: entries holding an older one are rebuilt."""

    def start(self, term: Terminal, head: CastHead) -> None:
        """The replay begins on `term`, a fresh terminal of the header's size."""

    def before(self, event: Event) -> None:
        """`event` is about to be applied to the terminal."""

    def feed(self, event: Event) -> None:
        """`event` has just been applied to the terminal."""

    def finish(self) -> None:
        """The recording ended."""

    def result(self) -> Any:
        """What was found: JSON-able data (dicts, lists, str, numbers, bools, None)."""
        raise NotImplementedError

    @classmethod
    def check(cls, value: Any) -> Any:
        """A result read back from the cache, checked (it may come from a shared cache):
        raises ValueError or TypeError if it is not one this class makes."""
        raise NotImplementedError


ANALYZERS: list[type[Analyzer]] = []
"""The analyzers every pass runs (each module registering its own)."""
