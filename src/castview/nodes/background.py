"""A lookup of node names running beside other work (the CLI's header reads)."""

from __future__ import annotations

import threading
from pathlib import Path

from .model import NodeName
from .resolve import NameSettings, Resolution, cached_names, needs_refresh, refresh


class NameLookup:
    """Starts at once: the config's and cached names are `known`; when the cache is older
    than the TTL a refresh runs in a thread, bounded by the lookups' own timeouts."""

    def __init__(self, settings: NameSettings, cache_dir: Path) -> None:
        self.known: dict[str, NodeName] = cached_names(settings, cache_dir)
        self._result: Resolution | None = None
        self._thread: threading.Thread | None = None
        if needs_refresh(settings, cache_dir):
            self._thread = threading.Thread(target=self._run, args=(settings, cache_dir),
                                            name="castview-node-names", daemon=True)
            self._thread.start()

    def _run(self, settings: NameSettings, cache_dir: Path) -> None:
        self._result = refresh(settings, cache_dir)

    def result(self) -> Resolution:
        """The refreshed names once the refresh is done (at most its timeouts), else the known."""
        if self._thread is not None:
            self._thread.join()
        return self._result or Resolution(self.known, [])


def problem_line(problems: list[str]) -> str:
    """What failed, as one quiet line."""
    return "node names: " + "; ".join(problems)
