"""How the browser shows recordings: one-line labels, group titles and the `/` filter.

Rich text only (no Textual), and every string from a recording goes through
`printable` and into `Text` objects, never markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from rich.cells import cell_len, set_cell_size
from rich.text import Span, Text

from .. import formatting as fmt
from ..columns import COLUMNS, Column, columns_for
from ..nodes.model import NodeNames
from ..records import kubernetes_fields, who
from ..reviews import CHANGED, ReviewStatus
from ..sanitize import printable
from ..sources.base import RecordingRef
from ..sources.catalog import DAMAGED, LIVE, TRUNCATED, RecordingSummary
from ..views import BY_CONNECTION, BY_NODE, Section, node_title, section_detail

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


def hosts(recordings: Iterable[RecordingSummary]) -> list[str]:
    """Distinct client hostnames (srcNode) seen in a section, most recent first."""
    seen: list[str] = []
    for rec in recordings:
        host = rec.header.src_node if rec.header else None
        if host and host not in seen:
            seen.append(host)
    return seen


def section_label(view: str, section: Section, total: int | None = None, names: NodeNames | None = None) -> Text:
    """A section's title: `api-gw-2  nXm3Lz8CNTRL  (N)  from hosts` for a node (its name, then
    the ID dimmed), `alice@example.com  (N)` for a user, the connection ID and who for a
    connection; the count is n/total when filtered."""
    n = len(section.recordings)
    text = Text(no_wrap=True, overflow="ellipsis")
    if view == BY_NODE:
        label = node_title(section.key, section.recordings, names)
        if label != section.key:
            text.append(printable(label), style="bold")
            text.append("  ")
            text.append(printable(section.key), style="dim")
        else:
            text.append(printable(section.key), style="bold")
    else:
        text.append(printable(section.key), style="bold")
        extra = section_detail(view, section)
        if extra:
            text.append(f"  {printable(extra)}")
    count = f"{n}/{total}" if total is not None and total != n else str(n)
    text.append(f"  ({count})", style="dim")
    clients = hosts(section.recordings)
    if clients and view != BY_CONNECTION:
        shown = ", ".join(printable(h) for h in clients[:2]) + (f" +{len(clients) - 2}" if len(clients) > 2 else "")
        text.append(f"  from {shown}", style="italic")
    return text


STATUS_WIDTH = 11
"""The status column: `● live`, `⚠ truncated`, `⚠ damaged`, the review mark (`✓ ok`,
`! incident`...), both (the status's sign, then the review's mark: `⚠! incident`), or
blank."""


@cache
def tree_columns(view: str) -> tuple[Column, ...]:
    """The fixed-width columns of a tree row in a view; the command (and a Kubernetes
    session's pod) follow them, as wide as they are."""
    return tuple(c for c in columns_for(view, with_kubernetes=False) if c.key != "command")



def header_row(view: str) -> Text:
    """The column titles above the tree's rows, aligned with `recording_label`."""
    text = Text(no_wrap=True, overflow="ellipsis", style="bold")
    columns = tree_columns(view)
    for i, c in enumerate(columns):
        text.append(c.title.rjust(c.width) if c.right else c.title.ljust(c.width))
        text.append("  ")
        if i == 2:
            text.append("STATUS".ljust(STATUS_WIDTH) + "  ")
    text.append("COMMAND")
    return text


def row_cells(rec: RecordingSummary, names: NodeNames | None = None) -> dict[str, str]:
    """Every column's cell of a tree row, fitted to its width (the part of a row that does
    not depend on the view: the tree keeps it, so a new view only reassembles rows)."""
    cells = {}
    for c in COLUMNS:
        cell = c.cell(rec, names)
        if len(cell) > c.width or not cell.isascii():
            cell = set_cell_size(cell, c.width - 1) + "…" if cell_len(cell) > c.width else set_cell_size(cell, c.width)
        cells[c.key] = cell.rjust(c.width) if c.right else cell.ljust(c.width)
    return cells


REVIEW_COLOURS = {"!": "error", "?": "warning", "~": "warning"}
"""The colour role of a review mark, by its first character (`✓ ok`: success)."""

PENDING_CELLS = f"  {'…':>{COLUMNS[1].width}}  {'…':>{COLUMNS[2].width}}"


def recording_label(rec: RecordingSummary, colours: dict[str, str] | None = None, view: str = BY_NODE,
                    names: NodeNames | None = None, cells: dict[str, str] | None = None,
                    review: str = "") -> Text:
    """A tree row: `start  duration  size  status  node  user  SSH user  client host`, in the
    columns of `header_row`, then a Kubernetes session's `namespace/pod/container` and the
    command. The status (damaged, truncated, live) comes early so a narrow screen still
    shows it; a row too wide is cut with an ellipsis where the tree draws it. `colours` maps
    success/warning/error to the theme's colours (a Tree label is a Rich Text, which cannot
    use theme variables); `cells`: the row's `row_cells`, when known; `review`: its review
    mark (`ls`'s), in the status column (which a narrow screen still shows). Built as one string
    and its spans: ten thousand rows are made at each change of view, and `Text.append`
    per piece cost ten times as much."""
    if rec.status == PENDING:  # listed, not read: its start (from the name) and dots
        return styled([(fmt.local_time(rec.start_ns), ""), (PENDING_CELLS, "dim")])
    colours = colours or DEFAULT_COLOURS
    cells = cells if cells is not None else row_cells(rec, names)
    pieces: list[tuple[str, str]] = []
    nobody = not who(rec.header)
    name_shown = False
    for i, c in enumerate(tree_columns(view)):
        if c.key == "user" and nobody:
            # Nobody named (a plain asciinema recording, an unreadable one): the file is, in
            # full (its row has no more names to keep aligned).
            pieces.append((printable(rec.ref.name).ljust(c.width), "dim"))
            name_shown = True
        else:
            pieces.append((cells[c.key], "dim" if c.key in ("size", "client") else ""))
        pieces.append(("  ", ""))
        if i == 2:
            pieces += status_cell(rec.status, review, colours)
            pieces.append(("  ", ""))
    h = rec.header
    if h is not None:
        k8s = cells["kubernetes"].rstrip()
        if k8s:
            pieces.append((f"⎈ {k8s}  ", "dim"))
        if h.command:
            pieces.append((f"$ {printable(h.command)}", "italic"))
    if nobody and not name_shown:
        pieces.append((printable(rec.ref.name), "dim"))
    if rec.error:
        pieces.append((f"  {printable(rec.error)}", colours["error"]))
    return styled(pieces)


def status_cell(status: str, review: str, colours: dict[str, str]) -> list[tuple[str, str]]:
    """The status column's pieces: the status mark, the review mark, or the status's sign
    and the review mark (the detail lines under the tree say both in words)."""
    mark = MARKS.get(status)
    if not review:
        return [(mark[0].ljust(STATUS_WIDTH), f"bold {colours[mark[1]]}") if mark is not None
                else (" " * STATUS_WIDTH, "")]
    shown = [(mark[0][0], f"bold {colours[mark[1]]}")] if mark is not None else []
    width = STATUS_WIDTH - len(shown)
    return [*shown, (review.ljust(width), f"bold {colours[REVIEW_COLOURS.get(review[0], 'success')]}")]


def styled(pieces: list[tuple[str, str]]) -> Text:
    """One no-wrap Text from (text, style) pieces, trailing blanks dropped. Every piece is
    already printable."""
    spans = []
    at = 0
    for text, style in pieces:
        if style and text:
            spans.append(Span(at, at + len(text), style))
        at += len(text)
    plain = "".join(text for text, _ in pieces).rstrip()
    end = len(plain)
    return Text(plain, spans=[Span(s.start, min(s.end, end), s.style) for s in spans if s.start < end],
                no_wrap=True, overflow="ellipsis")


DEFAULT_COLOURS = {"success": "green", "warning": "yellow", "error": "red"}


def detail(rec: RecordingSummary, names: NodeNames | None = None, review: ReviewStatus | None = None,
           width: int | None = None) -> Text:
    """Two lines under the tree about the highlighted recording: where it is and on which
    node, then its review (verdict, reviewer, note), the client, users, size, Kubernetes pod
    and command. In `width` cells the location is cut at its start, not its end: the file's
    name is what tells recordings apart."""
    text = Text(no_wrap=True, overflow="ellipsis")
    node = names.get(rec.node_id) if names else None
    text.append(f"{printable(node.shown)} ({rec.node_id})  " if node else f"{printable(rec.node_id)}  ", style="bold")
    location = printable(rec.ref.location)
    # Copies of one session (failover recorders, a prefix copied to another) are one row:
    # said here, with the place of each in the player's `m` pane and `ls --json`.
    copies = f"  +{len(rec.also_at)} cop{'ies' if len(rec.also_at) != 1 else 'y'} elsewhere" if rec.also_at else ""
    if width is not None:
        location = ending(location, width - text.cell_len - len(copies))
    text.append(location)
    text.append(copies, style="italic")
    h = rec.header
    line2 = Text(no_wrap=True, overflow="ellipsis")
    said = review_said(review)
    if said:
        line2.append(said + "  ·  ", style="bold")
    if rec.error:  # the line above names the file: the reason alone fits at 80 columns
        line2.append(printable(rec.error.removeprefix(f"{rec.ref.location}: ")), style="red")
    elif h is not None:
        parts = []
        if h.src_node or h.src_node_id:
            # The client: its host name and node ID (the server is the node above).
            parts.append(" ".join(["from", *([h.src_node] if h.src_node else []),
                                   *([f"({h.src_node_id})"] if h.src_node_id else [])]))
        if h.ssh_user or h.local_user:
            parts.append(f"{h.ssh_user or '?'} → {h.local_user or '?'}")
        size = h.size
        parts.append(f"{size.cols}x{size.rows}")
        k8s = kubernetes_fields(h)
        parts += [f"{key} {k8s[key]}" for key in ("cluster", "namespace", "pod", "container") if k8s[key]]
        if h.command:
            parts.append(f"$ {h.command}")
        line2.append(printable("  ·  ".join(parts)))
    elif rec.status == PENDING:
        line2.append("reading header…", style="dim")
    return Text("\n").join([text, line2])


def ending(location: str, room: int) -> str:
    """`location` in `room` cells, cut at its start (`…` there): the file's name is what
    tells recordings apart. At least its last 8 characters, whatever the room."""
    if cell_len(location) <= room:
        return location
    return "…" + location[len(location) - max(room - 1, 8):]


def review_said(status: ReviewStatus | None) -> str:
    """`reviewed ok by alice: the note`, `changed since review`, or nothing."""
    if status is None:
        return ""
    if status.review is None:
        return CHANGED if status.changed else ""
    r = status.review
    return printable(f"reviewed {r.verdict} by {r.reviewer}" + (f": {r.note}" if r.note else ""))


def haystack(rec: RecordingSummary, names: NodeNames | None = None) -> str:
    """Everything the `/` filter matches against, lower-cased: the node's ID and name, the
    header's people, hosts, command, Kubernetes fields, the start, the status; where its
    copies are."""
    node = names.get(rec.node_id) if names else None
    parts = [rec.node_id, node.name if node else "", (node.dns or "") if node else "", rec.ref.key, *rec.also_at,
             fmt.local_time(rec.start_ns), rec.status]
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


def matches(rec: RecordingSummary, query: str, names: NodeNames | None = None) -> bool:
    """Every word of the query occurs somewhere (node, user, host, command, date...)."""
    words = query.lower().split()
    if not words:
        return True
    hay = haystack(rec, names)
    return all(word in hay for word in words)
