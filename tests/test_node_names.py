"""Node names (issue 13): a stand-in `tailscale` binary on PATH, a local HTTP server for the
API, the cache with its TTL and gone nodes, the config table, and the settings."""

from __future__ import annotations

import json
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from castview.nodes import cache
from castview.nodes.lookups import LookupFailed, api_lookup, parse_status, status_lookup
from castview.nodes.resolve import NameSettings, cached_names, needs_refresh, refresh
from castview.nodes.settings import name_settings

GW = "nXm3Lz8CNTRL"
DB = "nDB0000CNTRL"

STATUS = {
    "Version": "1.76.1",
    "BackendState": "Running",
    "Self": {"ID": "nSELF00CNTRL", "HostName": "auditor-laptop", "DNSName": "auditor-laptop.tail1234.ts.net.",
             "OS": "macOS", "Online": True, "Tags": []},
    "Peer": {
        "nodekey:8b1c0ffee": {"ID": GW, "HostName": "ip-10-0-1-7", "DNSName": "api-gw-2.tail1234.ts.net.",
                              "OS": "linux", "Online": True, "Tags": ["tag:prod"]},
        "nodekey:77aa": {"ID": DB, "HostName": "prod-db", "DNSName": "", "OS": "linux", "Online": False},
        "nodekey:bad": {"HostName": "no-id"},
    },
}


def stand_in(folder: Path, script: str) -> Path:
    """An executable `tailscale` in `folder` running the given shell script body."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tailscale"
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def printing(folder: Path, payload: object) -> Path:
    data = folder / "status.json"
    folder.mkdir(parents=True, exist_ok=True)
    data.write_text(json.dumps(payload))
    return stand_in(folder, f'[ "$1 $2" = "status --json" ] || exit 2\ncat "{data}"')


@pytest.fixture
def on_path(tmp_path, monkeypatch):
    """PATH holding only the stand-in's folder (and the shell's basics)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    return folder


def test_status_in_the_real_shape_names_self_and_peers(on_path, tmp_path):
    printing(on_path, STATUS)
    names, problems = refresh(NameSettings(), tmp_path / "cache")
    assert problems == []
    gw = names[GW]
    assert (gw.name, gw.dns, gw.os, gw.online, gw.tags, gw.origin) == \
        ("api-gw-2", "api-gw-2.tail1234.ts.net", "linux", True, ("tag:prod",), "tailscale")
    assert names[DB].name == "prod-db" and names[DB].dns is None  # no MagicDNS name: the host name
    assert names["nSELF00CNTRL"].name == "auditor-laptop"
    assert len(names) == 3  # a peer without an ID is skipped


@pytest.mark.parametrize("script, message", [
    ("echo 'failed to connect to local tailscaled' >&2; exit 1", "tailscale status: exit 1 (failed to connect"),
    ("echo 'not json at all'", "tailscale status: not JSON"),
    ("echo '[1, 2]'", "not a status object"),
    ("echo '{\"BackendState\": \"NeedsLogin\", \"Self\": {\"ID\": \"\"}}'", "no nodes (NeedsLogin); logged in?"),
])
def test_a_failing_binary_is_one_line_and_the_cache_stays(on_path, tmp_path, script, message):
    cache.save(tmp_path / "cache", {GW: parse_status(json.dumps(STATUS).encode())[1]}, 0.0)
    stand_in(on_path, script)
    names, problems = refresh(NameSettings(), tmp_path / "cache")
    assert len(problems) == 1 and message in problems[0] and "\n" not in problems[0]
    assert names[GW].name == "api-gw-2" and not names[GW].gone  # nothing answered: nothing is gone


def test_a_slow_binary_times_out(on_path, tmp_path):
    stand_in(on_path, "exec sleep 30")
    with pytest.raises(LookupFailed, match=r"no answer in 0.3 s"):
        status_lookup(str(on_path / "tailscale"), timeout=0.3)


def test_no_binary_on_path_is_no_source_and_no_complaint(on_path, tmp_path):
    settings = NameSettings()
    assert not needs_refresh(settings, tmp_path / "cache")
    assert refresh(settings, tmp_path / "cache") == ({}, [])


def test_a_named_binary_that_is_missing_is_one_line(tmp_path):
    names, problems = refresh(NameSettings(tailscale=str(tmp_path / "nope" / "tailscale")), tmp_path / "cache")
    assert names == {} and len(problems) == 1 and problems[0].startswith("tailscale: cannot run")


def test_the_ttl_keeps_the_binary_from_running_again(on_path, tmp_path):
    marker = tmp_path / "ran"
    data = tmp_path / "status.json"
    data.write_text(json.dumps(STATUS))
    stand_in(on_path, f'echo x >> "{marker}"; cat "{data}"')
    settings = NameSettings(ttl=3600)
    assert needs_refresh(settings, tmp_path / "cache", now=1000.0)
    refresh(settings, tmp_path / "cache", now=1000.0)
    assert not needs_refresh(settings, tmp_path / "cache", now=1000.0 + 3599)
    assert needs_refresh(settings, tmp_path / "cache", now=1000.0 + 3601)
    assert marker.read_text().count("x") == 1
    assert cached_names(settings, tmp_path / "cache")[GW].name == "api-gw-2"  # offline, from the cache


def test_a_node_gone_from_the_tailnet_keeps_its_last_name_marked(on_path, tmp_path):
    printing(on_path, STATUS)
    refresh(NameSettings(), tmp_path / "cache", now=1.0)
    later = {**STATUS, "Peer": {k: v for k, v in STATUS["Peer"].items() if v.get("ID") != GW}}
    printing(on_path, later)
    names, _ = refresh(NameSettings(), tmp_path / "cache", now=2.0)
    assert names[GW].gone and names[GW].name == "api-gw-2" and names[GW].shown == "api-gw-2 (gone)"
    assert not names[DB].gone


def test_the_config_table_wins_over_every_lookup(on_path, tmp_path):
    printing(on_path, STATUS)
    names, _ = refresh(NameSettings(configured={GW: "gateway-two"}), tmp_path / "cache")
    assert names[GW].name == "gateway-two" and names[GW].origin == "config"


def test_a_damaged_cache_is_ignored_and_rewritten(on_path, tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    for bad in ("{", "[]", '{"version": 1, "checked": "x", "nodes": {}}',
                '{"version": 1, "checked": 1, "nodes": {"n": {"name": 5, "origin": "api"}}}'):
        cache.cache_path(folder).write_text(bad)
        assert cache.load(folder)[0] == {}
    printing(on_path, STATUS)
    refresh(NameSettings(), folder)
    assert cache.load(folder)[0][GW].name == "api-gw-2"


# -- the API ----------------------------------------------------------------------------------
DEVICES = {"devices": [
    {"nodeId": GW, "hostname": "ip-10-0-1-7", "name": "api-gw-2.tail1234.ts.net", "os": "linux",
     "tags": ["tag:prod"], "connectedToControl": True},
    {"nodeId": "nWEB000CNTRL", "hostname": "web-1", "name": "", "os": "linux"},
    {"hostname": "no-node-id"},
]}


class _Api(BaseHTTPRequestHandler):
    mode = "ok"
    release = threading.Event()
    seen: list[tuple[str, str | None]] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        type(self).seen.append((self.path, self.headers.get("Authorization")))
        if self.mode == "slow":
            self.release.wait(10)
        code = {"ok": 200, "slow": 200, "401": 401, "403": 403, "500": 500}[self.mode]
        body = json.dumps(DEVICES if code == 200 else {"message": "no"}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Api.mode, _Api.seen = "ok", []
    _Api.release.clear()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        _Api.release.set()
        server.shutdown()
        server.server_close()


def test_the_api_names_devices_with_the_key_as_bearer(api):
    _, url = api
    nodes = {n.node_id: n for n in api_lookup("tskey-api-xyz", "example.com", url, timeout=5)}
    assert nodes[GW].name == "api-gw-2" and nodes[GW].dns == "api-gw-2.tail1234.ts.net" and nodes[GW].online
    assert nodes["nWEB000CNTRL"].name == "web-1"
    assert len(nodes) == 2
    assert _Api.seen == [("/api/v2/tailnet/example.com/devices", "Bearer tskey-api-xyz")]


@pytest.mark.parametrize("mode, message", [
    ("401", "the API key is not valid (401)"),
    ("403", "the API key may not list devices (403)"),
    ("500", "HTTP 500"),
])
def test_api_errors_are_one_line(api, tmp_path, mode, message):
    _, url = api
    _Api.mode = mode
    names, problems = refresh(NameSettings(tailscale=None, api_key="k", api_url=url), tmp_path / "cache")
    assert names == {} and problems == [f"Tailscale API: {message}"]


def test_a_slow_api_times_out(api, tmp_path):
    _, url = api
    _Api.mode = "slow"
    names, problems = refresh(NameSettings(tailscale=None, api_key="k", api_url=url, timeout=0.3), tmp_path / "c")
    assert names == {} and problems == ["Tailscale API: no answer in 0.3 s"]


def test_an_unreachable_api_is_one_line(tmp_path):
    names, problems = refresh(NameSettings(tailscale=None, api_key="k", api_url="http://127.0.0.1:9"), tmp_path)
    assert names == {} and len(problems) == 1 and problems[0].startswith("Tailscale API: cannot reach")


def test_the_binary_comes_before_the_api(on_path, api, tmp_path):
    _, url = api
    printing(on_path, STATUS)
    names, problems = refresh(NameSettings(api_key="k", api_url=url), tmp_path / "cache")
    assert problems == [] and names[GW].origin == "tailscale" and names["nWEB000CNTRL"].origin == "api"


# -- settings ---------------------------------------------------------------------------------
def test_settings_from_the_config_and_the_environment():
    values = {"nodes": {GW: "api-gw-2", "nBAD": 3}, "tailscale": "/opt/ts", "tailscale_timeout": 1.5,
              "node_names_ttl": 60}
    settings, problems = name_settings(values, {"TS_API_KEY": "k", "TS_TAILNET": "example.com"})
    assert settings.configured == {GW: "api-gw-2"} and settings.tailscale == "/opt/ts"
    assert (settings.timeout, settings.ttl, settings.api_key, settings.tailnet) == (1.5, 60.0, "k", "example.com")
    assert len(problems) == 1 and "nodes.nBAD" in problems[0]
    off, _ = name_settings({"tailscale": False}, {})
    assert off.tailscale is None
    env_off, _ = name_settings({}, {"CASTVIEW_TAILSCALE": "off"})
    assert env_off.tailscale is None
    _, bad = name_settings({"tailscale_timeout": "soon"}, {})
    assert bad and "tailscale_timeout" in bad[0]


def test_the_api_key_is_never_read_from_the_config_file():
    settings, _ = name_settings({"TS_API_KEY": "k", "api_key": "k"}, {})
    assert settings.api_key is None


def test_load_settings_reads_the_nodes_table(tmp_path):
    from castview.config import load_settings

    path = tmp_path / "config.toml"
    path.write_text(f'theme = "castview-dark"\n[nodes]\n{GW} = "api-gw-2"\n')
    assert load_settings(path, env={}).names.configured == {GW: "api-gw-2"}
