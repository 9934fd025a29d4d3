"""What castview knows about one node of the tailnet."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

CONFIG, TAILSCALE, API = "config", "tailscale", "api"
"""Where a name came from."""


@dataclass(frozen=True)
class NodeName:
    """A node's name and what else its source says about it. `gone`: the node was not
    in the tailnet at the last lookup, so `name` is its last known one."""

    node_id: str
    name: str
    dns: str | None = None
    os: str | None = None
    online: bool | None = None
    tags: tuple[str, ...] = ()
    origin: str = CONFIG
    gone: bool = False

    @property
    def shown(self) -> str:
        """The name as listings show it: `api-gw-2`, or `api-gw-2 (gone)`."""
        return f"{self.name} (gone)" if self.gone else self.name


NodeNames = Mapping[str, NodeName]
"""Stable node ID → what is known of it."""


def display_name(names: NodeNames | None, node_id: str) -> str | None:
    """The name to show beside a node ID, or None when nothing names it."""
    known = names.get(node_id) if names else None
    return known.shown if known is not None else None
