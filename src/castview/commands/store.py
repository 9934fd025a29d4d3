"""Command lists from the cache dir: the recording's analysis entry holds them.

The commands are found during the analysis pass (``analysis.commands``), the one replay
that also gives the search text, the facts and the keyframes, and are kept in the
recording's entry (``search_index``). So `castview commands`, grep --commands and the
player's commands pane replay a recording only when no entry describes it, and what
that replay finds serves every other reader too.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ..recording import Recording
from ..term.fingerprint import Fingerprint, fingerprint_of
from ..term.keyframes import Opener
from .infer import ScanCancelled
from .model import Command

NAME = "commands"  # the analyzer's result in an entry (analysis.commands.CommandsAnalyzer)


class CommandStore:
    def __init__(self, cache_dir: str | os.PathLike[str]) -> None:
        # imported here: the analysis pass imports this package (its commands analyzer)
        from ..search_index import SearchIndexStore

        self._entries = SearchIndexStore(cache_dir)

    def load(self, key: str, fp: Fingerprint) -> list[Command] | None:
        """The commands of the cached entry if it was built from this very file, else None."""
        entry = self._entries.lookup(key, fp)
        if entry is None:
            return None
        with entry:
            return entry.result(NAME)

    def get(self, key: str, fp: Fingerprint, opener: Opener, location: str,
            cancelled: Callable[[], bool] | None = None) -> tuple[list[Command], bool]:
        """The commands of the recording *opener* reads, from its entry, built now if
        there is none (by the analysis pass), and whether they were found now. Raises
        ScanCancelled when *cancelled()* turns true."""
        from ..search_index import IndexCancelled

        try:
            with self._entries.open(key, fp, opener, location, cancelled=cancelled) as entry:
                return entry.result(NAME), entry.built
        except IndexCancelled as exc:
            raise ScanCancelled() from exc


def commands_of(recording: Recording | str | os.PathLike[str], *, cache_dir: str | os.PathLike[str],
                cancelled: Callable[[], bool] | None = None) -> list[Command]:
    """The commands of one recording (a `recording.Recording` or a local path), from the
    cache or found now. Blocking. Raises CastError, OSError, SourceError; ScanCancelled
    when *cancelled()* turns true."""
    rec = Recording.of(recording)
    fp = fingerprint_of(rec.opener, rec.size, rec.mtime, rec.etag)
    return CommandStore(cache_dir).get(rec.cache_key, fp, rec.opener, rec.location, cancelled)[0]
