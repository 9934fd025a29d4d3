"""`castview ls`: the recordings of some sources, a table per section of a view, or JSON records.

No typer here: the typer command (cli/ls_command.py) and the plain front end (cli/plain.py)
both run `list_recordings`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ..sanitize import printable
from ..views import BY_CONNECTION, BY_NODE, BY_START, BY_TIME, SORTS, VIEWS
from . import params
from .common import filter_of, make_sources
from .output import out, say
from .params import BadOption, Param
from .review_filter import review_choice, reviewed_only

if TYPE_CHECKING:
    from rich.text import Text

    from ..columns import Column
    from ..nodes.model import NodeNames
    from ..sources.catalog import Catalog, RecordingSummary
    from ..views import Section

LS_PARAMS: dict[str, Param] = {
    "as_json": params.JSON,
    "paths": Param(("--paths", "-p"), "Show each recording's path.", False),
    "node": params.NODE,
    "user": params.USER,
    "host": params.HOST,
    "command": params.COMMAND,
    "since": params.SINCE,
    "until": params.UNTIL,
    "live": Param(("--live",), "Only recordings still being written (grew within the last minute).", False),
    "unreviewed": params.UNREVIEWED,
    "verdict": params.VERDICT,
    "by": Param(("--by",), f"Group by {', '.join(VIEWS)} (time: one timeline).", BY_NODE, case_sensitive=False),
    "sort": Param(("--sort",), f"Order by {', '.join(SORTS)}: newest, longest, largest first.", BY_START,
                  case_sensitive=False),
    "reverse": Param(("--reverse",), "Oldest, shortest, smallest first.", False),
}
"""`castview ls`'s options but SOURCES and the S3 flags, by parameter name: the typer
command (cli/ls_command.py) and the plain front end (cli/plain.py) are both made from it."""


def list_recordings(
    sources: list[str] | None,
    as_json: bool,
    paths: bool,
    node: str | None,
    user: str | None,
    host: str | None,
    command: str | None,
    since: str | None,
    until: str | None,
    live: bool,
    unreviewed: bool,
    verdict: str | None,
    by: str,
    sort: str,
    reverse: bool,
) -> None:
    """`castview ls`: list recordings grouped by node (or user, connection, one timeline),
    newest first. Raises BadOption (before anything is printed or started) and SystemExit."""
    by, sort = _choice(by, VIEWS, "--by"), _choice(sort, SORTS, "--sort")
    selection = filter_of(node, user, host, command, since, until)
    wanted = review_choice(unreviewed, verdict)
    from ..records import dumps, recording_record
    from ..reviews import review_mark, review_statuses
    from ..sources.catalog import build_catalog
    from .names import names_of, start_lookup

    lookup = start_lookup()  # beside the header reads
    catalog = build_catalog(make_sources(sources))
    names = names_of(lookup)
    catalog = selection.apply(catalog, names)
    if live:
        from ..follow import live_only

        catalog = live_only(catalog)
    reviews = review_statuses(catalog.recordings)
    catalog = reviewed_only(catalog, reviews, wanted)
    for message in catalog.errors:
        say(message)
    if as_json:
        _write_lines(dumps({**recording_record(rec, names), "review": reviews[rec.ref.location].record()})
                     for rec in _ordered(catalog, sort, reverse))
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
        from ..views import arrange

        print_sections(arrange(catalog.recordings, by, sort, reverse, names), by, names, paths,
                       {k: review_mark(v) for k, v in reviews.items()})
    if catalog.errors and not catalog.groups:
        raise SystemExit(1)


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    value = value.lower()
    if value not in allowed:
        raise BadOption(f"{value!r}: use one of {', '.join(allowed)}", option)
    return value


def _ordered(catalog: Catalog, sort: str, reverse: bool) -> list[RecordingSummary]:
    """`--json` lines: node by node as the table is, unless a sort other than the default asks
    for one order across nodes."""
    from ..views import arrange

    if sort == BY_START and not reverse:
        return catalog.recordings
    return arrange(catalog.recordings, BY_TIME, sort, reverse)[0].recordings if catalog.recordings else []


def _write_lines(lines) -> None:  # type: ignore[no-untyped-def]
    """JSON Lines straight to stdout: ASCII by construction, nothing for rich to do (a
    `console.print` per record cost most of `ls --json`'s time over 10,000 recordings)."""
    try:
        sys.stdout.writelines(f"{line}\n" for line in lines)
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stderr.close()  # the reader left (`| head`): say nothing
        raise SystemExit(0) from None


def _cells(text: str) -> int:
    """Terminal cells of a cell's text (ASCII, nearly always: one per character)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _fit(text: str, width: int) -> str:
    if _cells(text) <= width:
        return text + " " * (width - _cells(text))
    from rich.cells import set_cell_size

    return set_cell_size(text, width - 1) + "…" if width > 0 else ""


def _widths(rows: list[list[str]], columns: list[Column], room: int | None) -> list[int]:
    """Column widths: the widest cell up to each column's width, then narrowed from the
    right-most column towards its floor until the table fits the terminal."""
    widths = [min(c.width, max(_cells(row[i]) for row in rows)) for i, c in enumerate(columns)]
    if room is not None:
        for i in reversed(range(len(widths))):
            excess = sum(widths) + 2 * (len(widths) - 1) - room
            if excess <= 0:
                break
            widths[i] = max(min(columns[i].floor, widths[i]), widths[i] - excess)
    return widths


def _title(section: Section, by: str, names: NodeNames | None) -> Text:
    from rich.text import Text

    from ..views import node_title, section_detail

    title = Text()
    if by == BY_NODE:
        name = node_title(section.key, section.recordings, names)
        title.append(printable(section.key), style="bold")
        if name != section.key:
            title.append(f"  {printable(name)}")
    elif by == BY_TIME:
        title.append("All recordings", style="bold")
    else:
        title.append(printable(section.key), style="bold")
        detail = section_detail(by, section)
        if detail:
            title.append(f"  {printable(detail)}")
    n = len(section.recordings)
    title.append(f"  ({n} recording{'s' if n != 1 else ''})", style="dim")
    return title


def _room() -> int | None:
    """The width the tables must fit: the terminal's, or COLUMNS when set for a pipe (the
    user asked for that width); None: no limit, whole cells for a pipe."""
    import os

    if out.is_terminal or os.environ.get("COLUMNS", "").isdigit():
        return out.width
    return None


def print_sections(sections: list[Section], by: str, names: NodeNames | None, paths: bool = False,
                   reviews: dict[str, str] | None = None) -> None:
    """A plain table per section, each line within the terminal's width (cells cut with
    …). Built by hand: ten thousand rows through rich's Table take seconds, this takes
    milliseconds."""
    from ..columns import Column, columns_for
    from ..records import kubernetes_fields
    from ..sources.catalog import DAMAGED
    from ..ui.catalog_view import DEFAULT_COLOURS, MARKS, ending

    room = _room()
    for section in sections:
        with_k8s = any(kubernetes_fields(r.header)["pod"] for r in section.recordings)
        columns = columns_for(by if by != BY_CONNECTION else None, with_kubernetes=with_k8s)
        if paths:
            columns.insert(1, Column("path", "PATH", 1000, 20, lambda r, n: printable(r.ref.location)))
        right = {i for i, c in enumerate(columns) if c.right}
        # a path is cut at its start: its file name tells recordings apart
        start_cut = {1} if paths else set()
        rows = [[c.title for c in columns]]
        rows += [[c.cell(rec, names) for c in columns] for rec in section.recordings]
        marks = [MARKS.get(rec.status) for rec in section.recordings]
        verdicts = [(reviews or {}).get(rec.ref.location, "") for rec in section.recordings]
        # what follows the cells (status mark, review), kept whole: the cells make room for it
        tails = [(m[0] if m else "", v) for m, v in zip(marks, verdicts, strict=True)]
        tail = max((sum(2 + _cells(t) for t in texts if t) for texts in tails), default=0)
        table = None if room is None else room - tail
        widths = _widths(rows, columns, table)
        body = _title(section, by, names)
        if room is not None:
            body.truncate(room, overflow="ellipsis")
        body.append("\n")
        for r, row in enumerate(rows):
            line = "  ".join(
                cell.rjust(w) if i in right and _cells(cell) <= w
                else _fit(ending(cell, w) if i in start_cut and r else cell, w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
            if table is not None and _cells(line) > table:  # the columns' floors alone are wider
                line = _fit(line, table)
            mark = marks[r - 1] if r else None
            damaged = r and section.recordings[r - 1].status == DAMAGED
            body.append(line, style="bold" if r == 0 else ("red" if damaged else ""))
            if mark is not None:
                body.append("  " + mark[0], style=DEFAULT_COLOURS[mark[1]])
            review = verdicts[r - 1] if r else ""
            if review:
                body.append("  " + review)
            body.append("\n")
        out.print(body, soft_wrap=True, end="")
        out.print()
