"""How the browser shows recordings: one-line labels, group titles and the `/` filter.

Rich text only (no Textual), and every string from a recording goes through
`printable` and into `Text` objects, never markup.
"""

from __future__ import annotations

from rich.text import Text

from .. import formatting as fmt
from ..records import who
from ..sanitize import printable
from ..sources.base import RecordingRef
from ..sources.catalog import DAMAGED, LIVE, TRUNCATED, NodeGroup, RecordingSummary

PENDING = "pending"

MARKS = {  # status: (mark, the colour role it is drawn in); `castview ls` draws the same
    LIVE: ("● live", "success"),
    TRUNCATED: ("⚠ truncated", "warning"),
    DAMAGED: ("⚠ damaged", "error"),
}


def pending(ref: RecordingRef) -> RecordingSummary:
    """A recording listed but not read yet."""
    return RecordingSummary(ref, None, None, None, PENDING)


def keep(rec: RecordingSummary) -> bool:
    """Whether a summarised file is a recording to list (as `castview ls` decides): a stray
    file that is not asciicast and not named .cast is dropped silently."""
    explicit = rec.ref.key == rec.ref.name and rec.ref.location == rec.ref.source
    return rec.status == PENDING or explicit or rec.header is not None or rec.ref.name.endswith(".cast")


def hosts(group: NodeGroup) -> list[str]:
    """Distinct client hostnames (srcNode) seen in a group, most recent first."""
    seen: list[str] = []
    for rec in group.recordings:
        host = rec.header.src_node if rec.header else None
        if host and host not in seen:
            seen.append(host)
    return seen


def group_label(group: NodeGroup, total: int | None = None) -> Text:
    """`hostname  nodeID  (N)`: the server's name when a header gives it (dstNode), the
    stable node ID, the count (n/total when filtered) and the clients it was reached from."""
    n = len(group.recordings)
    text = Text(no_wrap=True, overflow="ellipsis")
    label = group.label
    if label != group.node_id:
        text.append(printable(label), style="bold")
        text.append("  ")
        text.append(printable(group.node_id), style="dim")
    else:
        text.append(printable(group.node_id), style="bold")
    count = f"{n}/{total}" if total is not None and total != n else str(n)
    text.append(f"  ({count})", style="dim")
    clients = hosts(group)
    if clients:
        shown = ", ".join(printable(h) for h in clients[:2]) + (f" +{len(clients) - 2}" if len(clients) > 2 else "")
        text.append(f"  from {shown}", style="italic")
    return text


def recording_label(rec: RecordingSummary, colours: dict[str, str] | None = None) -> Text:
    """`start  duration  size  [mark]  who`, columns aligned; the mark (damaged,
    truncated, live) comes before the name so a narrow screen still shows it. `colours`
    maps success/warning/error to the theme's colours (a Tree label is a Rich Text,
    which cannot use theme variables)."""
    colours = colours or DEFAULT_COLOURS
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(fmt.local_time(rec.start_ns))
    if rec.status == PENDING:
        text.append(f"  {'…':>7}", style="dim")
    else:
        text.append(f"  {fmt.duration(rec.duration):>7}")
    text.append(f"  {fmt.size(rec.ref.size):>8}  ", style="dim")
    mark = MARKS.get(rec.status)
    if mark is not None:
        text.append(mark[0], style=f"bold {colours[mark[1]]}")
        text.append("  ")
    if rec.status == PENDING:
        text.append("…", style="dim")
    else:
        name = who(rec.header)
        text.append(printable(name) if name else printable(rec.ref.name), style="" if name else "dim")
        h = rec.header
        if h is not None and h.ssh_user and h.ssh_user != name:
            text.append(f" as {printable(h.ssh_user)}", style="dim")
        if h is not None and h.command:
            text.append(f"  $ {printable(h.command)}", style="italic")
    if rec.error:
        text.append(f"  {printable(rec.error)}", style=colours["error"])
    return text


DEFAULT_COLOURS = {"success": "green", "warning": "yellow", "error": "red"}


def detail(rec: RecordingSummary) -> Text:
    """Two lines under the tree about the highlighted recording."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(printable(rec.ref.location))
    h = rec.header
    line2 = Text(no_wrap=True, overflow="ellipsis")
    if rec.error:
        line2.append(printable(rec.error), style="red")
    elif h is not None:
        parts = []
        if h.src_node:
            parts.append(f"from {h.src_node}")
        if h.ssh_user or h.local_user:
            parts.append(f"{h.ssh_user or '?'} → {h.local_user or '?'}")
        size = h.size
        parts.append(f"{size.cols}x{size.rows}")
        if h.command:
            parts.append(f"$ {h.command}")
        line2.append(printable("  ·  ".join(parts)))
    elif rec.status == PENDING:
        line2.append("reading header…", style="dim")
    return Text("\n").join([text, line2])


def haystack(rec: RecordingSummary, group_label_text: str = "") -> str:
    """Everything the `/` filter matches against, lower-cased."""
    parts = [rec.node_id, group_label_text, rec.ref.key, fmt.local_time(rec.start_ns), rec.status]
    h = rec.header
    if h is not None:
        parts += [
            h.src_node or "", h.src_node_id or "", h.src_node_user or "", " ".join(h.src_node_tags),
            h.ssh_user or "", h.local_user or "", h.command or "", h.title or "", h.connection_id or "",
            str(h.get("dstNode") or ""),
        ]
        k8s = h.kubernetes or {}
        parts += [str(v) for v in k8s.values() if isinstance(v, str)]
    if rec.error:
        parts.append(rec.error)
    return "\n".join(parts).lower()


def matches(rec: RecordingSummary, query: str, group_label_text: str = "") -> bool:
    """Every word of the query occurs somewhere (node, user, host, command, date...)."""
    words = query.lower().split()
    if not words:
        return True
    hay = haystack(rec, group_label_text)
    return all(word in hay for word in words)
