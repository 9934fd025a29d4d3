"""Which names to use: the config's, then the cached lookups, refreshed when stale.

`cached_names` never runs a lookup (it reads one small file), so a listing can use it at
once; `refresh` runs the lookups (each bounded by a timeout) and saves what they found. The
app runs `refresh` in a worker, the CLI beside the header reads.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from . import cache
from .lookups import API_URL, LookupFailed, api_lookup, status_lookup
from .model import CONFIG, NodeName

DEFAULT_TTL = 3600.0
DEFAULT_TIMEOUT = 2.0


@dataclass(frozen=True)
class NameSettings:
    """How castview names nodes (config.toml and environment, see config.py)."""

    configured: dict[str, str] = field(default_factory=dict)
    """The `[nodes]` table: stable node ID → name. Wins over every lookup."""
    tailscale: str | None = "tailscale"
    """The tailscale binary (a name looked up on PATH, or a path); None: do not run it."""
    timeout: float = DEFAULT_TIMEOUT
    """Seconds a lookup may take (the binary, the API request)."""
    api_key: str | None = None
    """TS_API_KEY: with it, the Tailscale API is asked too."""
    tailnet: str = "-"
    """The tailnet the API lists (`-`: the key's own)."""
    api_url: str = API_URL
    """The API's base URL (tests, proxies)."""
    ttl: float = DEFAULT_TTL
    """Seconds a lookup's result is used before the next lookup (0: every time)."""


class Resolution(NamedTuple):
    names: dict[str, NodeName]
    problems: list[str]
    """What failed, for one quiet line; empty when everything answered or nothing was tried."""


def _configured(settings: NameSettings) -> dict[str, NodeName]:
    return {node_id: NodeName(node_id, name, origin=CONFIG) for node_id, name in settings.configured.items()}


def cached_names(settings: NameSettings, cache_dir: Path) -> dict[str, NodeName]:
    """The config's names over the last lookups' (however old): no lookup, no wait."""
    looked_up, _ = cache.load(cache_dir)
    return looked_up | _configured(settings)


def _binary(settings: NameSettings) -> str | None:
    """The tailscale binary to run. One the user named is run even when missing (its
    failure is a problem to report); the default `tailscale` absent from PATH just means
    there is no local client."""
    if not settings.tailscale:
        return None
    return shutil.which(settings.tailscale) or (settings.tailscale if settings.tailscale != "tailscale" else None)


def needs_refresh(settings: NameSettings, cache_dir: Path, now: float | None = None) -> bool:
    """Whether a lookup is due: one is possible and the last is older than the TTL."""
    if _binary(settings) is None and not settings.api_key:
        return False
    _, checked = cache.load(cache_dir)
    now = time.time() if now is None else now
    return checked is None or not 0 <= now - checked < settings.ttl


def refresh(settings: NameSettings, cache_dir: Path, now: float | None = None) -> Resolution:
    """Run every lookup there is, merge them with the cache (first source wins; nodes no
    longer seen kept as gone) and save. When every lookup fails, the cache is kept as it
    was but its check time moves on, so a failing lookup is retried after the TTL, not at
    every listing."""
    now = time.time() if now is None else now
    old, _ = cache.load(cache_dir)
    fresh: list[NodeName] = []
    problems: list[str] = []
    answered = False
    binary = _binary(settings)
    if binary is not None:
        try:
            fresh += status_lookup(binary, settings.timeout)
            answered = True
        except LookupFailed as exc:
            problems.append(str(exc))
    if settings.api_key:
        try:
            fresh += api_lookup(settings.api_key, settings.tailnet, settings.api_url, settings.timeout)
            answered = True
        except LookupFailed as exc:
            problems.append(str(exc))
    looked_up = cache.merge(old, fresh) if answered else old
    try:
        cache.save(cache_dir, looked_up, now)
    except OSError as exc:
        problems.append(f"cannot save {cache.cache_path(cache_dir)} ({exc.strerror or exc})")
    return Resolution(looked_up | _configured(settings), problems)
