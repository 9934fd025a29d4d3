"""The JSON objects castview prints: one for a recording, one for a transcript line, one
for a match. `ls --json`, `info --json`, `cat --format jsonl` and `grep --json` all build
them here, so a field has one name and one meaning wherever it appears; README.md ("JSON
output") documents every field. A line or a match carries its recording's `SESSION_KEYS`
under the same names as the recording object, so one filter works on all of them.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from .formatting import wall_decimal, wall_ns
from .sources.layout import format_ns

if TYPE_CHECKING:
    from .cast.model import Header
    from .commands import Command
    from .nodes.model import NodeNames
    from .search import Match
    from .sources.catalog import RecordingSummary
    from .transcript import TranscriptLine

SESSION_KEYS = ("node_id", "node_name", "path", "name", "start", "user", "src_node", "src_node_id", "ssh_user",
                "local_user", "connection_id", "command")
"""The recording's fields repeated in every line and match: who, where, when."""


def who(header: Header | None) -> str:
    """The person behind a session, for listings: the Tailscale user, else the source
    node's tags, else the SSH user ("" when the header names none)."""
    if header is None:
        return ""
    return header.who or header.ssh_user or ""


_K8S_KEYS = {"pod": "PodName", "namespace": "Namespace", "container": "Container", "cluster": "Cluster",
             "session_type": "SessionType"}


def kubernetes_fields(header: Header | None) -> dict[str, str | None]:
    """The Kubernetes session's pod, namespace, container, cluster and session type (each
    None when the header has no `kubernetes` object or lacks the key). Tailscale's operator
    writes no cluster: the recorded node (the API server proxy) stands for it."""
    k8s = (header.kubernetes or {}) if header is not None else {}
    return {key: (v if isinstance(v := k8s.get(raw), str) and v else None) for key, raw in _K8S_KEYS.items()}


def recording_record(rec: RecordingSummary, names: NodeNames | None = None) -> dict[str, Any]:
    """One recording as `ls --json` prints it (and `info --json` begins); `names` gives
    the node's name and DNS name when a source of names knows them."""
    h = rec.header
    size = h.size if h else None
    node = names.get(rec.node_id) if names else None
    return {
        "node_id": rec.node_id,
        "node_name": node.shown if node else None,
        "node_dns": node.dns if node else None,
        "path": rec.ref.location,
        "name": rec.ref.name,
        "start": format_ns(rec.start_ns),
        "start_ns": rec.start_ns,
        "duration": rec.duration,
        "size": rec.ref.size,
        "status": rec.status,
        "error": rec.error,
        "user": who(h) or None,
        "src_node": h.src_node if h else None,
        "src_node_id": h.src_node_id if h else None,
        "src_node_user": h.src_node_user if h else None,
        "src_node_user_id": h.src_node_user_id if h else None,
        "src_node_tags": list(h.src_node_tags) if h else [],
        "ssh_user": h.ssh_user if h else None,
        "local_user": h.local_user if h else None,
        "connection_id": h.connection_id if h else None,
        "command": h.command if h else None,
        **kubernetes_fields(h),
        "version": h.version if h else None,
        "width": size.cols if size else None,
        "height": size.rows if size else None,
        "also_at": list(rec.also_at),
    }


def _at(recording: dict[str, Any], time: float) -> dict[str, Any]:
    """The recording's session keys and a moment of it, on its timeline and on the clock:
    both exact (never rounded down), so `export --at` of either shows that moment's frame."""
    exact = math.nextafter(time, math.inf)
    return {
        **{key: recording[key] for key in SESSION_KEYS},
        "time": time,
        "timestamp": format_ns(wall_ns(wall_decimal(recording["start_ns"], time, exact))),
    }


def line_record(recording: dict[str, Any], line: TranscriptLine) -> dict[str, Any]:
    """One transcript line (`cat --format jsonl`) of the recording `recording_record` describes."""
    from .transcript import ALTERNATE, HIDDEN

    record = {**_at(recording, line.time), "screen": line.screen, "text": line.text}
    if line.screen == ALTERNATE:
        record["frame"] = line.frame
        record["row"] = line.row
    elif line.screen == HIDDEN:
        record["frame"] = line.frame
    return record


def match_record(recording: dict[str, Any], match: Match) -> dict[str, Any]:
    """One match (`grep --json`) in the recording `recording_record` describes."""
    return {
        **_at(recording, match.time),
        "screen": match.screen,
        "text": match.line_text,
        "match": match.text,
        "row": match.row,
        "col_start": match.col_start,
        "col_end": match.col_end,
        "shown": match.shown,
    }


def command_record(recording: dict[str, Any], command: Command) -> dict[str, Any]:
    """One command typed at a prompt (`commands --json`) in the recording `recording_record`
    describes; `wall_time` is `timestamp` under the name the commands list uses, and the
    session's own `command` (the header's, for a session that ran one) is `session_command`."""
    at = _at(recording, command.time)
    return {
        **at,
        # rounded up: the frame at `time` must still hold the line's last keystroke
        "time": math.ceil(command.time * 1e6) / 1e6,
        "session_command": at["command"],
        "wall_time": at["timestamp"],
        "command": command.command,
        "prompt": command.prompt,
        "cwd": command.cwd,
        "end": command.end,
        "duration": None if command.end is None else round(command.duration() or 0.0, 6),
        "output_lines": command.output_lines,
        "fullscreen": command.fullscreen,
        "abandoned": command.abandoned,
        "row": command.row,
        "col": command.col,
    }


def dumps(record: dict[str, Any], indent: int | None = None) -> str:
    """A record as JSON, ASCII only: a recording's text cannot reach a terminal raw."""
    return json.dumps(record, ensure_ascii=True, indent=indent)
