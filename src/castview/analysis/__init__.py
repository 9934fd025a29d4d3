"""One replay of a recording, many results: the analysis pass.

A recording is replayed once through the virtual terminal while observers
(:class:`Analyzer`) watch every event; the pass takes the seek keyframes too when the
recording has none yet. What the observers find is kept in one versioned cache entry
per recording (``search_index``): the search text and transcript, and each analyzer's
result as plain data. Add an analyzer to ``ANALYZERS`` to have it join the pass: an
entry that lacks its result (or has an older version of it) is rebuilt.
"""

from .analyzer import ANALYZERS, Analyzer
from .commands import CommandsAnalyzer
from .facts import FactsAnalyzer

__all__ = ["ANALYZERS", "Analyzer", "CommandsAnalyzer", "FactsAnalyzer"]
