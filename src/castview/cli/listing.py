"""`castview ls`: the recordings of some sources, a table per node or JSON records."""

from __future__ import annotations

import typer
from rich.cells import cell_len, set_cell_size
from rich.text import Text

from .. import formatting as fmt
from ..records import recording_record, who
from ..sanitize import printable
from ..sources.catalog import DAMAGED, Catalog, RecordingSummary, build_catalog
from ..ui.catalog_view import DEFAULT_COLOURS, MARKS
from .options import (
    CommandOpt,
    HostOpt,
    JsonOpt,
    NodeOpt,
    SinceOpt,
    SourcesArg,
    UntilOpt,
    UserOpt,
    make_filter,
    make_sources,
    s3_options,
)
from .output import out, print_record, say
from .reviews import UnreviewedOpt, VerdictOpt, review_mark, review_statuses, reviewed_only


@s3_options
def ls_command(
    sources: list[str] | None = SourcesArg,
    as_json: bool = JsonOpt,
    paths: bool = typer.Option(False, "--paths", "-p", help="Show each recording's path."),
    node: str | None = NodeOpt,
    user: str | None = UserOpt,
    host: str | None = HostOpt,
    command: str | None = CommandOpt,
    since: str | None = SinceOpt,
    until: str | None = UntilOpt,
    live: bool = typer.Option(
        False, "--live", help="Only recordings still being written (grew within the last minute)."
    ),
    unreviewed: bool = UnreviewedOpt,
    verdict: str | None = VerdictOpt,
) -> None:
    """List recordings grouped by stable node ID, newest first."""
    selection = make_filter(node, user, host, command, since, until)
    catalog = selection.apply(build_catalog(make_sources(sources)))
    if live:
        from ..follow import live_only

        catalog = live_only(catalog)
    reviews = review_statuses(catalog.recordings)
    catalog = reviewed_only(catalog, reviews, unreviewed, verdict)
    for message in catalog.errors:
        say(message)
    if as_json:
        for rec in catalog.recordings:
            print_record({**recording_record(rec), "review": reviews[rec.ref.location].record()})
    elif not catalog.groups:
        out.print(
            "No recordings found"
            + (
                " (see the errors above)."
                if catalog.errors
                else " that match the filters."
                if selection.active
                else "."
            )
        )
    else:
        print_catalog(catalog, paths, {k: review_mark(v) for k, v in reviews.items()})
    if catalog.errors and not catalog.groups:
        raise typer.Exit(1)


def _users(rec: RecordingSummary) -> str:
    if rec.header is None:
        return ""
    ssh, local = rec.header.ssh_user or "", rec.header.local_user or ""
    return ssh if ssh == local or not local else f"{ssh}→{local}"


def _fit(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    return set_cell_size(text, width - 1) + "…" if width > 0 else ""


def _columns(rows: list[list[str]], caps: list[int], floors: list[int], room: int | None) -> list[int]:
    """Column widths: the widest cell up to each column's cap, then narrowed from the
    right-most column towards its floor until the table fits the terminal."""
    widths = [min(cap, max(cell_len(row[i]) for row in rows)) for i, cap in enumerate(caps)]
    if room is not None:
        for i in reversed(range(len(widths))):
            excess = sum(widths) + 2 * (len(widths) - 1) - room
            if excess <= 0:
                break
            widths[i] = max(min(floors[i], widths[i]), widths[i] - excess)
    return widths


def print_catalog(catalog: Catalog, paths: bool = False, reviews: dict[str, str] | None = None) -> None:
    """A plain table per node. Built by hand: ten thousand rows through rich's Table take
    seconds, this takes milliseconds."""
    room = out.width if out.is_terminal else None
    header = ["START (local)", *(["PATH"] if paths else []), "DUR", "SIZE", "WHO", "FROM", "USER", "COMMAND", ""]
    caps = [19, *([1000] if paths else []), 8, 9, 24, 20, 16, 40, 24]
    floors = [19, *([20] if paths else []), 4, 6, 8, 6, 5, 7, 11]
    right = {header.index("DUR"), header.index("SIZE")}
    for group in catalog.groups:
        title = Text()
        title.append(printable(group.node_id), style="bold")
        if group.label != group.node_id:
            title.append(f"  {printable(group.label)}")
        n = len(group.recordings)
        title.append(f"  ({n} recording{'s' if n != 1 else ''})", style="dim")
        rows = [header]
        for rec in group.recordings:
            h = rec.header
            rows.append(
                [
                    fmt.local_time(rec.start_ns),
                    *([printable(rec.ref.location)] if paths else []),
                    fmt.duration(rec.duration),
                    fmt.size(rec.ref.size),
                    printable(who(h)),
                    printable((h.src_node or "").split(".")[0]) if h else "",
                    printable(_users(rec)),
                    printable(h.command or "") if h else printable(rec.error or ""),
                    " ".join(filter(None, [MARKS[rec.status][0] if rec.status in MARKS else "",
                                           (reviews or {}).get(rec.ref.location, "")])),
                ]
            )
        marked = any(row[-1] for row in rows[1:])
        # The status column only takes room in a group that has a mark.
        widths = _columns(rows, caps if marked else caps[:-1], floors, room) + ([] if marked else [0])
        body = Text()
        body.append_text(title)
        body.append("\n")
        for r, row in enumerate(rows):
            cells = [
                cell.rjust(w) if i in right and cell_len(cell) <= w else _fit(cell, w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=False))
            ]
            line = "  ".join(cells[:-1])
            status = group.recordings[r - 1].status if r else None
            style = "bold" if r == 0 else ("red" if status == DAMAGED else "")
            body.append(line if row[-1] and r else line.rstrip(), style=style)
            if row[-1] and r:
                body.append("  " + row[-1], style=DEFAULT_COLOURS[MARKS[status][1]] if status in MARKS else "")
            body.append("\n")
        out.print(body, soft_wrap=True, end="")
        out.print()
