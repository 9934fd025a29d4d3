"""`castview info`: every header field, parsed and raw, and what the analysis pass found
(read from the recording's cache entry: a second `info` replays nothing)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import formatting as fmt
from .analysis import FactsAnalyzer
from .cast.index import RecordingFacts
from .cast.model import Header
from .cast.reader import CastHead
from .sanitize import printable
from .search_index import TextIndex

CODE_NAMES = {"o": "output", "i": "input", "m": "marker", "r": "resize", "x": "exit"}


def terminal_size(h: Header) -> str:
    """The terminal size as the header declares it, and the size it is replayed at when
    that differs: `120x40`, `none (no PTY; replayed at 80x24)` for tsrecorder's 0x0, and
    `?` for a width or height missing or not a number."""
    cols, rows = h.declared_size
    replayed = f"{h.size.cols}x{h.size.rows}"
    if cols == rows == 0:
        return f"none (no PTY; replayed at {replayed})"
    declared = f"{'?' if cols is None else cols}x{'?' if rows is None else rows}"
    return declared if (cols, rows) == tuple(h.size) else f"{declared} (replayed at {replayed})"


def header_fields(h: Header) -> list[tuple[str, Any]]:
    """The header in readable form, in the order a reader cares about."""
    k8s = h.kubernetes or {}
    rows: list[tuple[str, Any]] = [
        ("format", f"asciicast v{h.version}"),
        ("terminal", terminal_size(h)),
        ("TERM", h.term_type),
        ("start", f"{fmt.utc_time(h.timestamp * 10**9)} / {fmt.local_time(h.timestamp * 10**9)} local"
                  if h.start_time else None),
        ("command", h.command),
        ("title", h.title),
        ("source node", h.src_node),
        ("source node ID", h.src_node_id),  # the client: the server is the folder
        ("source user", h.src_node_user),
        ("source user ID", h.src_node_user_id),
        ("source tags", ", ".join(h.src_node_tags) or None),
        ("SSH user → local user",
         f"{h.ssh_user or '?'} → {h.local_user or '?'}" if (h.ssh_user or h.local_user) else None),
        ("connection ID", h.connection_id),
        ("Kubernetes pod", k8s.get("PodName")),
        ("Kubernetes namespace", k8s.get("Namespace")),
        ("Kubernetes container", k8s.get("Container")),
        ("Kubernetes cluster", k8s.get("Cluster")),
        ("Kubernetes session", k8s.get("SessionType")),
        ("idle time limit", h.idle_time_limit),
        ("duration (header)", h.duration),
    ]
    return [(k, v) for k, v in rows if v not in (None, "")]


def describe(head: CastHead, index: TextIndex) -> dict[str, Any]:
    """What the recording holds: its header, and what the analysis pass found (`index`,
    its entry); where it is (path, size) is the caller's. Raises ValueError, TypeError,
    KeyError for an entry whose facts do not check out."""
    h = head.header
    facts: RecordingFacts = index.result(FactsAnalyzer.name)
    return {
        "header": dict(h.raw),
        "header_raw": h.raw_text,
        "fields": {k: v for k, v in header_fields(h)},
        "unknown_keys": h.unknown_keys,
        "derived": {
            "duration": facts.duration,
            "events": facts.events,
            "events_by_code": dict(sorted(facts.counts.items())),
            "output_bytes": facts.output_bytes,
            "first_event_time": facts.first_time,
            "last_event_time": facts.last_time,
            "markers": [{"time": t, "label": label} for t, label in facts.markers],
            "resizes": [{"time": t, "cols": s.cols, "rows": s.rows} for t, s in facts.resizes],
        },
        "hidden_output": [{**a._asdict(), "description": a.describe()} for a in index.anomalies],
        "incomplete_last_line": index.incomplete_tail,
        "problems": [{"line": p.line, "message": p.message} for p in index.problems],
    }


def _kv_table(rows: list[tuple[str, Any]]) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in rows:
        table.add_row(Text(printable(str(key))), Text(printable(str(value))))  # a str cell would be read as markup
    return table


def print_description(out: Console, d: dict[str, Any]) -> None:
    out.print(Text(printable(d["path"]), style="bold underline"))
    where = [("server node ID", f"{d['node_id']} (the folder; the machine logged into)")]
    if d.get("node_name"):
        where.append(("server node", d["node_name"] + (f" ({d['node_dns']})" if d.get("node_dns") else "")))
    out.print(_kv_table([
        *where,
        ("size", f"{fmt.size(d['size'])} ({d['size']} bytes)"),
        ("file name time", d["name_time"] or "—"),
    ]))
    out.print(Text("\nHeader", style="bold"))
    out.print(_kv_table(list(d["fields"].items())))
    if d["unknown_keys"]:
        out.print(Text("\nUnknown header keys", style="bold"))
        out.print(_kv_table([(k, v) for k, v in d["unknown_keys"].items()]))
    out.print(Text("\nRaw header", style="bold"))
    out.print(Text(printable(d["header_raw"])), soft_wrap=True)
    dv = d["derived"]
    out.print(Text("\nDerived", style="bold"))
    counts = ", ".join(
        f"{CODE_NAMES.get(code, printable(code))} {n}" for code, n in dv["events_by_code"].items()
    ) or "none"
    rows: list[tuple[str, Any]] = [
        ("duration", f"{fmt.duration(dv['duration'])} ({dv['duration']:.6f} s)"),
        ("events", f"{dv['events']} ({counts})"),
        ("output", f"{fmt.size(dv['output_bytes'])} ({dv['output_bytes']} bytes)"),
        ("first / last event", f"{_t(dv['first_event_time'])} / {_t(dv['last_event_time'])}"),
        ("markers", _first(dv["markers"], lambda m: f"{fmt.clock(m['time'])} {m['label']}")),
        ("resizes", _first(dv["resizes"], lambda r: f"{fmt.clock(r['time'])} → {r['cols']}x{r['rows']}")),
    ]
    if d["incomplete_last_line"]:
        rows.append(("last line", "incomplete (still being written, or cut off)"))
    out.print(_kv_table(rows))
    out.print(Text("\nHidden output", style="bold"))
    if not d["hidden_output"]:
        out.print("none")
    for a in d["hidden_output"]:
        out.print(Text(printable(a["description"]), style="yellow"))
    out.print(Text("\nProblems", style="bold"))
    if not d["problems"]:
        out.print("none")
    for p in d["problems"]:
        where = f"{d['path']}:{p['line']}" if p["line"] is not None else d["path"]
        out.print(Text(printable(f"{where}: {p['message']}"), style="yellow"))


def _first(items: list[dict[str, Any]], show: Any, limit: int = 12) -> str:
    """The first few items in full, then how many more (`--json` has them all)."""
    if not items:
        return "none"
    text = "; ".join(show(item) for item in items[:limit])
    return f"{len(items)}: {text}" + (f"; … {len(items) - limit} more" if len(items) > limit else "")


def _t(value: float | None) -> str:
    return "—" if value is None else f"{value:.6f} s"
