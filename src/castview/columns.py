"""The columns a listing of recordings shows, in one table: `castview ls` and the app's tree
both draw from `COLUMNS`, so a new column (a review verdict, say) is one entry here.

A cell is plain text from the recording, already through `printable`; its width is the
column's: `ls` narrows columns to fit the terminal, the tree uses these widths as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import formatting as fmt
from .nodes.model import NodeNames, display_name
from .records import kubernetes_fields, who
from .sanitize import printable
from .sources.catalog import RecordingSummary

Cell = Callable[[RecordingSummary, "NodeNames | None"], str]


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int
    """The tree's width and `ls`'s cap (`ls` also fits a column to its widest cell)."""
    floor: int
    """The narrowest `ls` makes it to fit the terminal."""
    cell: Cell
    right: bool = False
    grouped_by: str | None = None
    """The view whose sections already say this (the column is left out there)."""


def _users(rec: RecordingSummary, _names: NodeNames | None) -> str:
    """`root`, or `alice→root` when the SSH user and the local account differ."""
    if rec.header is None:
        return ""
    ssh, local = rec.header.ssh_user or "", rec.header.local_user or ""
    return printable(ssh if ssh == local or not local else f"{ssh}→{local}")


def _node(rec: RecordingSummary, names: NodeNames | None) -> str:
    return printable(display_name(names, rec.node_id) or rec.node_id)


def _client(rec: RecordingSummary, _names: NodeNames | None) -> str:
    return printable((rec.header.src_node or "").split(".")[0]) if rec.header else ""


def _k8s(rec: RecordingSummary, _names: NodeNames | None) -> str:
    """`namespace/pod/container`, and the cluster when the header names one."""
    k = kubernetes_fields(rec.header)
    if not k["pod"]:
        return ""
    where = "/".join(v for v in (k["namespace"], k["pod"], k["container"]) if v)
    return printable(f"{k['cluster']}:{where}" if k["cluster"] else where)


def _command(rec: RecordingSummary, _names: NodeNames | None) -> str:
    if rec.header is None:
        return printable(rec.error or "")
    return printable(rec.header.command or "")


COLUMNS: tuple[Column, ...] = (
    Column("start", "START (local)", 19, 19, lambda r, n: fmt.local_time(r.start_ns)),
    Column("duration", "DUR", 7, 7, lambda r, n: fmt.duration(r.duration), right=True),
    Column("size", "SIZE", 8, 8, lambda r, n: fmt.size(r.ref.size), right=True),
    Column("node", "NODE", 18, 8, _node, grouped_by="node"),
    Column("user", "USER", 24, 8, lambda r, n: printable(who(r.header)), grouped_by="user"),
    Column("ssh_user", "SSH USER", 14, 5, _users),
    Column("client", "CLIENT HOST", 16, 6, _client),
    Column("kubernetes", "KUBERNETES", 32, 10, _k8s),
    Column("command", "COMMAND", 40, 7, _command),
)
"""Left to right. The status mark (live, truncated, damaged) comes after the size in the
tree and last in `ls`, in its colour."""


def columns_for(view: str | None, with_kubernetes: bool = True) -> list[Column]:
    """The columns of a view: those its sections do not already say; the Kubernetes column
    only where some recording has one."""
    return [c for c in COLUMNS if c.grouped_by != view and (with_kubernetes or c.key != "kubernetes")]


def column(key: str) -> Column:
    return next(c for c in COLUMNS if c.key == key)
