"""Every header field in readable form, plus what the engine and a scan found."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC
from decimal import Decimal
from typing import Any

from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ... import formatting as fmt
from ...cast.model import Header, Problem
from ...info import terminal_size
from ...sanitize import printable
from ...sources.catalog import RecordingSummary


@dataclass
class Facts:
    """What the pane shows beyond the header; filled in as the engine learns it."""

    path: str = ""
    file_size: int | None = None
    status: str = ""
    duration: float | None = None
    duration_final: bool = False
    events: int | None = None
    output_bytes: int | None = None
    markers: list[tuple[float, str]] = field(default_factory=list)
    resizes: list[tuple[float, str]] | None = None
    problems: list[Problem] = field(default_factory=list)
    also_at: tuple[str, ...] = ()
    start_ns: int | None = None
    """The exact start (the file name's RFC3339Nano time when it agrees with the header)."""


LABEL_MOST = 17
"""Cells of the label column; a longer label (an unknown key) gets a line of its own."""
BREAK_AFTER = re.compile(r"(?<=[/.@:,_-])")
"""Where a word too long for its line is broken: after punctuation, so `alice-mbp.` and
`tail7f3e2.ts.net` stay readable (a run with none is folded)."""


def path_lines(path: str, width: int) -> list[str]:
    """`path` in lines of at most `width` cells, each broken after a `/`, so that no
    name is cut in two unless that name alone is wider than `width` (it is then broken
    after its punctuation, and only then folded)."""
    return _packed(_pieces(re.split(r"(?<=/)", path), width), width)


def value_lines(value: str, width: int) -> list[str]:
    """`value` in lines of at most `width` cells, broken between words; a word wider than
    a line is broken after its punctuation (BREAK_AFTER), and only then folded."""
    return _packed(_pieces(re.split(r"(?<= )", value), width), width)


def _pieces(words: list[str], width: int) -> list[str]:
    """The words, each one wider than `width` split after its punctuation."""
    return [piece for word in words
            for piece in (BREAK_AFTER.split(word) if cell_len(word.rstrip()) > width else [word])]


def _packed(pieces: list[str], width: int) -> list[str]:
    """The pieces, in order, put on lines greedily; a space that ends a line is not shown."""
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if line and cell_len((line + piece).rstrip()) > width:
            lines.append(line.rstrip())
            line = ""
        line += piece
        if cell_len(line.rstrip()) > width:
            *full, line = chop_cells(line, width)
            lines += full
    lines.append(line)
    return lines


class PathText:
    """A path that wraps after a `/` rather than inside a file or folder name."""

    def __init__(self, path: str, style: str = "") -> None:
        self.path = printable(path)
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text("\n".join(path_lines(self.path, max(1, options.max_width))), style=self.style, no_wrap=True)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest_name = max(cell_len(part) for part in re.split(r"(?<=/)", self.path))
        return Measurement(longest_name, cell_len(self.path)).clamp(max_width=options.max_width)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return printable(value)
    try:
        return printable(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError):
        return printable(repr(value))


def header_rows(h: Header, start_ns: int | None = None) -> list[tuple[str, str]]:
    """The header as (label, value) rows, empty fields left out; the start is `start_ns`
    (exact, to the nanosecond) when known, else the header's whole second."""
    rows: list[tuple[str, str | None]] = []
    user = h.src_node_user
    if h.src_node_user_id is not None and user:
        user = f"{user} (ID {h.src_node_user_id})"
    rows += [
        ("source node", h.src_node),
        ("source node ID", h.src_node_id),
        ("user", user),
        ("tags", ", ".join(h.src_node_tags) or None),
    ]
    if h.ssh_user or h.local_user:
        rows.append(("SSH user → local", f"{h.ssh_user or '?'} → {h.local_user or '?'}"))
    rows.append(("connection ID", h.connection_id))
    if start_ns is None and h.timestamp is not None and h.start_time is not None:
        start_ns = h.timestamp * 1_000_000_000
    if start_ns is not None:
        moment = Decimal(start_ns) / 1_000_000_000
        rows.append(("start (UTC)", fmt.wall_time(moment, UTC)))
        rows.append(("start (local)", fmt.wall_time(moment)))
    rows += [
        ("terminal", terminal_size(h)),
        ("TERM", h.term_type),
        ("command", h.command),
        ("title", h.title),
        ("idle time limit", f"{h.idle_time_limit:g} s" if h.idle_time_limit else None),
    ]
    k8s = h.kubernetes
    if k8s is not None:
        for key, label in (("PodName", "k8s pod"), ("Namespace", "k8s namespace"),
                           ("Container", "k8s container"), ("SessionType", "k8s session")):
            rows.append((label, k8s.get(key) if isinstance(k8s.get(key), str) else None))
        for key, value in k8s.items():
            if key not in ("PodName", "Namespace", "Container", "SessionType"):
                rows.append((f"k8s {key}", _value(value)))
    rows.append(("format", f"asciicast v{h.version}"))
    return [(label, printable(value)) for label, value in rows if value not in (None, "")]


def derived_rows(facts: Facts) -> list[tuple[str, str | PathText]]:
    rows: list[tuple[str, str | PathText]] = []
    if facts.duration is not None:
        rows.append(("duration", fmt.clock(facts.duration) + ("" if facts.duration_final else " (so far)")))
    if facts.file_size is not None:
        rows.append(("file size", fmt.size(facts.file_size)))
    if facts.output_bytes is not None:
        rows.append(("output", fmt.size(facts.output_bytes)))
    if facts.events is not None:
        rows.append(("events", f"{facts.events:,}" + ("" if facts.duration_final else " (so far)")))
    rows.append(("markers", str(len(facts.markers)) if facts.markers else "none"))
    for t, label in facts.markers[:20]:
        rows.append(("", f"{fmt.clock(t)} {printable(label)}"))
    if len(facts.markers) > 20:
        rows.append(("", f"… {len(facts.markers) - 20} more"))
    if facts.resizes is not None:
        rows.append(("resizes", str(len(facts.resizes)) if facts.resizes else "none"))
        for t, size in facts.resizes[:10]:
            rows.append(("", f"{fmt.clock(t)} → {size}"))
        if len(facts.resizes) > 10:
            rows.append(("", f"… {len(facts.resizes) - 10} more"))
    if facts.status and facts.status != "ok":
        rows.append(("status", facts.status))
    for other in facts.also_at:
        rows.append(("also at", PathText(other)))
    return rows


class Fields:
    """(label, value) rows in two columns where the pane is wide enough for the value:
    a row whose value would have a word broken there, or take as many lines as with the
    label on a line of its own, has it on lines of its own instead (indented by two)."""

    def __init__(self, rows: list[tuple[str, str | PathText]]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(4, options.max_width)
        label_width = min(LABEL_MOST, max((cell_len(label) for label, _ in self.rows), default=0), width // 2)
        beside = width - label_width - 1
        for label, value in self.rows:
            is_path = isinstance(value, PathText)
            text, style = (value.path, value.style) if isinstance(value, PathText) else (value, "")
            split = path_lines if is_path else value_lines
            lines, under = split(text, beside), split(text, width - 2)
            words = re.split(r"(?<=/)", text) if is_path else text.split(" ")
            whole = all(cell_len(word) <= beside for word in words)
            if label and (cell_len(label) > label_width or not whole or 1 < len(lines) >= 1 + len(under)):
                yield Text(label, style="dim", no_wrap=True, overflow="ellipsis")
                for line in under:
                    yield Text.assemble("  ", (line, style), no_wrap=True)
                continue
            pad = " " * (label_width - cell_len(label))
            yield Text.assemble((label + pad, "dim"), " ", (lines[0], style), no_wrap=True)
            for line in lines[1:]:
                yield Text.assemble(" " * (label_width + 1), (line, style), no_wrap=True)


def describe(header: Header | None, facts: Facts) -> Group:
    parts: list[Any] = [PathText(facts.path, style="bold")]
    if header is not None:
        parts += [Text("\nHeader", style="bold underline"), Fields(header_rows(header, facts.start_ns))]
        unknown = header.unknown_keys
        if unknown:
            parts += [Text("\nUnknown keys", style="bold underline"),
                      Fields([(printable(k), _value(v)) for k, v in unknown.items()])]
    parts += [Text("\nRecording", style="bold underline"), Fields(derived_rows(facts))]
    parts.append(Text("\nProblems", style="bold underline"))
    if not facts.problems:
        parts.append(Text("none found" + ("" if facts.duration_final else " so far"), style="dim"))
    for problem in facts.problems[:50]:
        where = f"line {problem.line}: " if problem.line is not None else ""
        parts.append(Text(printable(where + problem.message), style="yellow", overflow="fold"))
    if len(facts.problems) > 50:
        parts.append(Text(f"… {len(facts.problems) - 50} more", style="dim"))
    return Group(*parts)


class MetadataPane(VerticalScroll, can_focus=False):
    """The header and derived facts of the open recording; `m` hides it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._body = Static(id="metadata-body")

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._body

    def show(self, header: Header | None, facts: Facts) -> None:
        self._body.update(describe(header, facts))

    @staticmethod
    def facts_for(summary: RecordingSummary) -> Facts:
        return Facts(
            path=summary.ref.location,
            file_size=summary.ref.size,
            status=summary.status,
            duration=summary.duration,
            duration_final=False,
            also_at=summary.also_at,
            start_ns=summary.start_ns,
        )
