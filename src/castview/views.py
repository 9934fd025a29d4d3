"""The ways to look at a catalog: by node, by user, by connection, or one flat timeline,
each sorted by start, duration or size. Pure: the CLI (`ls --by/--sort/--reverse`) and the
app's tree (`v`, `o`, `O`) arrange recordings with the same functions.

Default orders put what an auditor looks at first on top: newest, longest, largest;
`reverse` flips them. Sections are ordered by their title (node name, user), a
connection's sections by their newest recording.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .nodes.model import NodeNames, display_name
from .records import kubernetes_fields, who

if TYPE_CHECKING:
    # (only named here: the CLI takes the view names from this module at its start)
    from .sources.catalog import RecordingSummary

BY_NODE, BY_USER, BY_CONNECTION, BY_TIME = "node", "user", "connection", "time"
VIEWS = (BY_NODE, BY_USER, BY_CONNECTION, BY_TIME)
VIEW_TITLES = {BY_NODE: "by node", BY_USER: "by user", BY_CONNECTION: "by connection", BY_TIME: "timeline"}
BY_START, BY_DURATION, BY_SIZE = "start", "duration", "size"
SORTS = (BY_START, BY_DURATION, BY_SIZE)

NO_USER = "(no user)"
NO_CONNECTION = "(no connection ID)"


def next_of(values: tuple[str, ...], current: str) -> str:
    """The value after `current`, round: what `v` and `o` step through."""
    return values[(values.index(current) + 1) % len(values)]


def sort_key(sort: str) -> Callable[[RecordingSummary], tuple]:
    """A key for `sorted(..., reverse=True)` (the default order: newest, longest, largest).
    The location breaks ties, so the order is the same at every run."""
    if sort == BY_DURATION:
        return lambda r: (r.duration if r.duration is not None else -1.0, r.start_ns, r.ref.location)
    if sort == BY_SIZE:
        return lambda r: (r.ref.size, r.start_ns, r.ref.location)
    return lambda r: (r.start_ns, r.ref.location)


def section_key(view: str, rec: RecordingSummary) -> str:
    """The section a recording is listed under in a view ('' in the flat timeline)."""
    if view == BY_NODE:
        return rec.node_id
    if view == BY_USER:
        return who(rec.header) or NO_USER
    if view == BY_CONNECTION:
        return (rec.header.connection_id if rec.header else None) or NO_CONNECTION
    return ""


@dataclass
class Section:
    """One group of a view: its key (node ID, user, connection ID) and its recordings in order."""

    key: str
    recordings: list[RecordingSummary]


def node_title(node_id: str, recordings: Iterable[RecordingSummary], names: NodeNames | None) -> str:
    """What a node is called: a resolved name, else the server's hostname when a header gives
    it (some recorders add dstNode), else its ID."""
    name = display_name(names, node_id)
    if name:
        return name
    for rec in recordings:
        dst = rec.header.get("dstNode") if rec.header is not None else None
        if isinstance(dst, str) and dst:
            return dst
    return node_id


def arrange(recordings: Iterable[RecordingSummary], view: str, sort: str = BY_START, reverse: bool = False,
            names: NodeNames | None = None) -> list[Section]:
    """The recordings in sections of the view, each sorted; the sections in their order."""
    sections: dict[str, list[RecordingSummary]] = {}
    for rec in recordings:
        sections.setdefault(section_key(view, rec), []).append(rec)
    key = sort_key(sort)
    for recs in sections.values():
        recs.sort(key=key, reverse=not reverse)
    order = sorted(sections, key=lambda k: section_order(view, k, sections[k], names))
    return [Section(k, sections[k]) for k in order]


def section_order(view: str, key: str, recordings: list[RecordingSummary], names: NodeNames | None) -> tuple:
    """Where a section goes among the view's sections (ascending): nodes by name, users by
    name (the unknown last), connections newest first."""
    if view == BY_CONNECTION:
        return (key == NO_CONNECTION, -max((r.start_ns for r in recordings), default=0), key)
    if view == BY_NODE:
        return (node_title(key, recordings, names).lower(), key)
    return (key in (NO_USER, NO_CONNECTION), key.lower(), key)


def section_detail(view: str, section: Section) -> str:
    """What a section's title adds after its key: for a connection, who and where."""
    if view != BY_CONNECTION or not section.recordings:
        return ""
    first = section.recordings[-1]
    bits = [who(first.header), first.node_id]
    k8s = kubernetes_fields(first.header)
    if k8s["pod"]:
        bits.append(f"pod {k8s['pod']}")
    return "  ".join(b for b in bits if b)
