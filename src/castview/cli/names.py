"""Node names for a command: the lookup starts with the command's own work and is waited
for (at most its timeouts, and only when the cache is older than its TTL) when names are
needed; what failed is one quiet line on stderr."""

from __future__ import annotations

from ..config import load_settings
from ..nodes.background import NameLookup, problem_line
from ..nodes.model import NodeName
from .output import say


def start_lookup() -> NameLookup:
    settings = load_settings()
    return NameLookup(settings.names, settings.cache_dir)


def names_of(lookup: NameLookup) -> dict[str, NodeName]:
    names, problems = lookup.result()
    if problems:
        say(problem_line(problems), style="dim")
    return names
