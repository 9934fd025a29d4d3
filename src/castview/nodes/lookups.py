"""The two lookups that name nodes: the local `tailscale` client and the Tailscale API.

Each returns NodeName values or raises LookupFailed with one short line. Both are plain
standard library (subprocess, urllib): the `tailscale` package on PyPI is an asyncio client
on aiohttp with a fixed api.tailscale.com base URL, four dependencies for one GET that must
also run against a test server or a proxy.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

from .model import API, TAILSCALE, NodeName

API_URL = "https://api.tailscale.com"
_MAX_BYTES = 64 * 1024 * 1024  # a tailnet of 100,000 devices fits; anything bigger is not an answer


class LookupFailed(Exception):
    """A lookup that gave no names; the message is one line for the user."""


def _dns_label(dns: str | None) -> str | None:
    """`api-gw-2` from `api-gw-2.tail1234.ts.net.`: the machine name the admin console shows."""
    label = (dns or "").strip(".").split(".")[0]
    return label or None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _tags(value: Any) -> tuple[str, ...]:
    return tuple(t for t in value if isinstance(t, str)) if isinstance(value, list) else ()


def _status_node(peer: Any) -> NodeName | None:
    if not isinstance(peer, dict):
        return None
    node_id, dns, host = _text(peer.get("ID")), _text(peer.get("DNSName")), _text(peer.get("HostName"))
    name = _dns_label(dns) or host
    if node_id is None or name is None:
        return None
    online = peer.get("Online")
    return NodeName(node_id, name, dns.rstrip(".") if dns else None, _text(peer.get("OS")),
                    online if isinstance(online, bool) else None, _tags(peer.get("Tags")), TAILSCALE)


def parse_status(data: bytes) -> list[NodeName]:
    """The nodes in `tailscale status --json` output: `Self` and every `Peer` value."""
    try:
        status = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise LookupFailed("tailscale status: not JSON") from None
    if not isinstance(status, dict):
        raise LookupFailed("tailscale status: not a status object")
    peers = status.get("Peer")
    candidates = [status.get("Self"), *(peers.values() if isinstance(peers, dict) else ())]
    nodes = [n for n in map(_status_node, candidates) if n is not None]
    if not nodes:
        state = _text(status.get("BackendState"))
        raise LookupFailed(f"tailscale status: no nodes{f' ({state})' if state else ''}; logged in?")
    return nodes


def status_lookup(binary: str, timeout: float) -> list[NodeName]:
    """Run `tailscale status --json` and read its nodes."""
    try:
        done = subprocess.run([binary, "status", "--json"], capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise LookupFailed(f"tailscale status: no answer in {timeout:g} s") from None
    except OSError as exc:
        raise LookupFailed(f"tailscale: cannot run {binary} ({exc.strerror or exc})") from None
    if done.returncode != 0:
        first = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise LookupFailed(f"tailscale status: exit {done.returncode}" + (f" ({first[0][:120]})" if first else ""))
    return parse_status(done.stdout)


def _device(device: Any) -> NodeName | None:
    if not isinstance(device, dict):
        return None
    node_id, dns, host = _text(device.get("nodeId")), _text(device.get("name")), _text(device.get("hostname"))
    name = _dns_label(dns) or host
    if node_id is None or name is None:
        return None
    online = device.get("connectedToControl")
    return NodeName(node_id, name, dns.rstrip(".") if dns else None, _text(device.get("os")),
                    online if isinstance(online, bool) else None, _tags(device.get("tags")), API)


def parse_devices(data: bytes) -> list[NodeName]:
    """The nodes in a `GET /api/v2/tailnet/{tailnet}/devices` answer."""
    try:
        answer = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise LookupFailed("Tailscale API: the answer is not JSON") from None
    devices = answer.get("devices") if isinstance(answer, dict) else None
    if not isinstance(devices, list):
        raise LookupFailed("Tailscale API: the answer has no devices list")
    return [n for n in map(_device, devices) if n is not None]


_HTTP_REASONS = {401: "the API key is not valid (401)", 403: "the API key may not list devices (403)",
                 404: "no such tailnet (404)"}


def api_lookup(key: str, tailnet: str = "-", base_url: str = API_URL, timeout: float = 5.0) -> list[NodeName]:
    """The tailnet's devices from the Tailscale API."""
    # Here, not at the top: urllib's HTTP stack is a good part of every command's start,
    # and most never look a name up in the API.
    import urllib.error
    import urllib.parse
    import urllib.request

    url = f"{base_url.rstrip('/')}/api/v2/tailnet/{urllib.parse.quote(tailnet, safe='')}/devices"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - the URL is a setting
            data = answer.read(_MAX_BYTES)
    except urllib.error.HTTPError as exc:
        raise LookupFailed(f"Tailscale API: {_HTTP_REASONS.get(exc.code, f'HTTP {exc.code}')}") from None
    except TimeoutError:
        raise LookupFailed(f"Tailscale API: no answer in {timeout:g} s") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise LookupFailed(f"Tailscale API: no answer in {timeout:g} s") from None
        raise LookupFailed(f"Tailscale API: cannot reach {base_url} ({reason})") from None
    return parse_devices(data)
