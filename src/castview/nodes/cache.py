"""The looked-up names on disk (`node-names.json` in the cache dir): data, validated on read.

A file that does not parse is ignored (and rewritten at the next lookup). A node missing
from a later lookup keeps its entry, marked gone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from ..safe_write import replacing
from .model import NodeName

FILE_NAME = "node-names.json"
VERSION = 1


def cache_path(cache_dir: Path) -> Path:
    return cache_dir / FILE_NAME


def _entry(node_id: object, value: object) -> NodeName | None:
    if not isinstance(node_id, str) or not isinstance(value, dict):
        return None
    name, dns, os_, online = value.get("name"), value.get("dns"), value.get("os"), value.get("online")
    tags, origin, gone = value.get("tags", []), value.get("origin"), value.get("gone", False)
    if not isinstance(name, str) or not name or not isinstance(origin, str) or not isinstance(gone, bool):
        return None
    if not all(v is None or isinstance(v, str) for v in (dns, os_)) or not (online is None or isinstance(online, bool)):
        return None
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return None
    return NodeName(node_id, name, dns, os_, online, tuple(tags), origin, gone)


def load(cache_dir: Path) -> tuple[dict[str, NodeName], float | None]:
    """The cached names and when they were last looked up (None: never, or unreadable)."""
    try:
        data = json.loads(cache_path(cache_dir).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}, None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return {}, None
    checked, nodes = data.get("checked"), data.get("nodes")
    if not isinstance(checked, int | float) or isinstance(checked, bool) or not isinstance(nodes, dict):
        return {}, None
    names = {}
    for node_id, value in nodes.items():
        entry = _entry(node_id, value)
        if entry is not None:
            names[node_id] = entry
    return names, float(checked)


def save(cache_dir: Path, names: dict[str, NodeName], checked: float) -> None:
    """Write the names. Raises OSError."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    nodes = {
        n.node_id: {"name": n.name, "dns": n.dns, "os": n.os, "online": n.online, "tags": list(n.tags),
                    "origin": n.origin, "gone": n.gone}
        for n in names.values()
    }
    with replacing(cache_path(cache_dir)) as f:
        json.dump({"version": VERSION, "checked": checked, "nodes": nodes}, f, ensure_ascii=True)


def merge(old: dict[str, NodeName], fresh: Iterable[NodeName]) -> dict[str, NodeName]:
    """The fresh names, first per ID wins, plus every old one no longer seen, marked gone."""
    merged: dict[str, NodeName] = {}
    for node in fresh:
        merged.setdefault(node.node_id, node)
    for node_id, node in old.items():
        if node_id not in merged:
            merged[node_id] = node if node.gone else replace(node, gone=True, online=None)
    return merged
