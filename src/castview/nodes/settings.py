"""The naming settings read from config.toml and the environment."""

from __future__ import annotations

from collections.abc import Mapping

from .resolve import NameSettings

ENV_BINARY = "CASTVIEW_TAILSCALE"
ENV_API_URL = "CASTVIEW_TAILSCALE_API_URL"
ENV_TTL = "CASTVIEW_NODE_NAMES_TTL"


def name_settings(values: Mapping[str, object], env: Mapping[str, str]) -> tuple[NameSettings, list[str]]:
    """From the config file's `[nodes]` table and `tailscale`, `tailscale_timeout`,
    `tailscale_api_url`, `tailscale_tailnet`, `node_names_ttl` keys, then the environment:
    CASTVIEW_TAILSCALE (a binary; empty or `off`: do not run it), TS_API_KEY, TS_TAILNET,
    CASTVIEW_TAILSCALE_API_URL, CASTVIEW_NODE_NAMES_TTL. The API key is read from the
    environment only, never from a file that may be shared."""
    problems: list[str] = []
    defaults = NameSettings()
    table = values.get("nodes", {})
    configured: dict[str, str] = {}
    if isinstance(table, dict):
        for node_id, name in table.items():
            if isinstance(name, str) and name.strip():
                configured[node_id] = name.strip()
            else:
                problems.append(f"nodes.{node_id}={name!r} ignored (a name is a non-empty string)")
    else:
        problems.append("nodes ignored (a table of node ID = name)")
    binary: object = env.get(ENV_BINARY, values.get("tailscale", defaults.tailscale))
    if binary is False or (isinstance(binary, str) and binary.strip().lower() in ("", "off", "false", "no")):
        binary = None
    elif not isinstance(binary, str):
        problems.append(f"tailscale={binary!r} ignored (a path, or false)")
        binary = defaults.tailscale
    numbers: dict[str, float] = {}
    for key, env_key, default, high in (("tailscale_timeout", None, defaults.timeout, 60.0),
                                        ("node_names_ttl", ENV_TTL, defaults.ttl, 365 * 86400.0)):
        raw = env.get(env_key, values.get(key, default)) if env_key else values.get(key, default)
        try:
            number = float(raw)  # type: ignore[arg-type]
            if not 0 <= number <= high:
                raise ValueError(f"must be between 0 and {high:g}")
            numbers[key] = number
        except (TypeError, ValueError) as exc:
            problems.append(f"{key}={raw!r} ignored ({exc})")
            numbers[key] = default
    api_url = env.get(ENV_API_URL, values.get("tailscale_api_url", defaults.api_url))
    tailnet = env.get("TS_TAILNET", values.get("tailscale_tailnet", defaults.tailnet))
    return NameSettings(
        configured=configured,
        tailscale=binary,  # type: ignore[arg-type]
        timeout=numbers["tailscale_timeout"],
        api_key=env.get("TS_API_KEY") or None,
        tailnet=str(tailnet) or "-",
        api_url=str(api_url),
        ttl=numbers["node_names_ttl"],
    ), problems
