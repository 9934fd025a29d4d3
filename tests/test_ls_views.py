"""`castview ls` and `info` with node names, views, sorting and Kubernetes fields (issues 13
and 12): the real entry point in a subprocess, a stand-in `tailscale` on PATH."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_node_names import DB, GW, STATUS, printing, stand_in

START = 1_795_165_200  # 2026-11-20T09:00:00Z


def cast(path: Path, start: int, seconds: float, user: str, conn: str, pad: int = 0, **extra: object) -> None:
    header = {"version": 2, "width": 80, "height": 24, "timestamp": start, "srcNode": "laptop.tail1234.ts.net",
              "srcNodeID": "nLAPTOPCNTRL", "srcNodeUser": user, "sshUser": "root", "localUser": "root",
              "connectionID": conn, **extra}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(header) + "\n" + json.dumps([seconds, "o", "x" * (pad + 1)]) + "\n")
    os.utime(path, (START, START))


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "dst"
    cast(root / GW / "2026-11-20T09:00:00Z.cast", START, 10, "alice@example.com", "conn-1")
    cast(root / GW / "2026-11-20T10:00:00Z.cast", START + 3600, 30, "bob@example.com", "conn-2", pad=5000)
    cast(root / DB / "2026-11-20T09:30:00Z.cast", START + 1800, 20, "alice@example.com", "conn-3", pad=500,
         kubernetes={"PodName": "api-7d9f", "Namespace": "prod", "Container": "api", "SessionType": "exec"})
    return root


def ls(*args: str, path_dir: Path | None = None, env: dict[str, str] | None = None, cache: Path) -> \
        subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("TSRECORDER_DST", "TS_API_KEY", "CASTVIEW_TAILSCALE")}
    full.update({"CASTVIEW_CACHE_DIR": str(cache), "CASTVIEW_CONFIG_DIR": str(cache / "config"), "COLUMNS": "200",
                 "TZ": "UTC", "PATH": f"{path_dir or cache / 'none'}:/usr/bin:/bin", **(env or {})})
    return subprocess.run([sys.executable, "-m", "castview", *args], capture_output=True, text=True, env=full,
                          timeout=120)


def test_ls_shows_the_tailscale_name_of_a_node(tree, tmp_path):
    bin_dir = tmp_path / "bin"
    printing(bin_dir, STATUS)
    result = ls("ls", str(tree), path_dir=bin_dir, cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert f"{GW}  api-gw-2  (2 recordings)" in result.stdout
    assert f"{DB}  prod-db  (1 recording)" in result.stdout
    records = [json.loads(line) for line in ls("ls", str(tree), "--json", path_dir=bin_dir,
                                                cache=tmp_path / "cache").stdout.splitlines()]
    gw = next(r for r in records if r["node_id"] == GW)
    assert (gw["node_name"], gw["node_dns"]) == ("api-gw-2", "api-gw-2.tail1234.ts.net")


def test_names_come_from_the_config_without_any_tailscale(tree, tmp_path):
    config = tmp_path / "cache" / "config"
    config.mkdir(parents=True)
    (config / "config.toml").write_text(f'[nodes]\n{GW} = "gateway-two"\n')
    result = ls("ls", str(tree), "--node", "gateway", cache=tmp_path / "cache")
    assert result.returncode == 0 and result.stderr == ""
    assert f"{GW}  gateway-two  (2 recordings)" in result.stdout and DB not in result.stdout


def test_the_node_filter_matches_names_and_ids(tree, tmp_path):
    bin_dir = tmp_path / "bin"
    printing(bin_dir, STATUS)
    for query in ("api-gw-2", "api-gw-*", "API-GW", GW, "api-gw-2.tail1234.ts.net"):
        result = ls("ls", str(tree), "--node", query, "--json", path_dir=bin_dir, cache=tmp_path / "cache")
        assert {json.loads(line)["node_id"] for line in result.stdout.splitlines()} == {GW}, query


def test_a_failing_lookup_is_one_quiet_line_and_the_listing_is_whole(tree, tmp_path):
    bin_dir = tmp_path / "bin"
    stand_in(bin_dir, "echo 'not logged in' >&2; exit 1")
    result = ls("ls", str(tree), "--json", path_dir=bin_dir, cache=tmp_path / "cache")
    assert result.returncode == 0
    assert result.stderr.strip().splitlines() == ["castview: node names: tailscale status: exit 1 (not logged in)"]
    assert len(result.stdout.splitlines()) == 3


def test_views(tree, tmp_path):
    cache = tmp_path / "cache"
    by_user = ls("ls", str(tree), "--by", "user", cache=cache).stdout
    assert by_user.index("alice@example.com  (2 recordings)") < by_user.index("bob@example.com  (1 recording)")
    titles = by_user.splitlines()[1].split()
    assert "NODE" in titles and "USER" not in titles[:titles.index("SSH")]  # the sections say the user
    by_conn = ls("ls", str(tree), "--by", "connection", cache=cache).stdout
    titles = [line.split()[0] for line in by_conn.splitlines() if line.startswith("conn-")]
    assert titles == ["conn-2", "conn-3", "conn-1"]  # newest connection first
    timeline = ls("ls", str(tree), "--by", "time", cache=cache).stdout
    assert "All recordings  (3 recordings)" in timeline
    starts = [line[:19] for line in timeline.splitlines() if line.startswith("2026-")]
    assert starts == ["2026-11-20 10:00:00", "2026-11-20 09:30:00", "2026-11-20 09:00:00"]
    bad = ls("ls", str(tree), "--by", "planet", cache=cache)
    assert bad.returncode == 2 and "'planet': use one of node, user, connection, time" in bad.stderr


@pytest.mark.parametrize("args, expected", [
    ([], ["10:00", "09:30", "09:00"]),
    (["--reverse"], ["09:00", "09:30", "10:00"]),
    (["--sort", "duration"], ["10:00", "09:30", "09:00"]),
    (["--sort", "size", "--reverse"], ["09:00", "09:30", "10:00"]),
    (["--sort", "duration", "--reverse"], ["09:00", "09:30", "10:00"]),
])
def test_sorting_in_json_and_tables(tree, tmp_path, args, expected):
    cache = tmp_path / "cache"
    records = [json.loads(line) for line in ls("ls", str(tree), "--json", *args, cache=cache).stdout.splitlines()]
    if args:
        assert [r["start"][11:16] for r in records] == expected
    timeline = ls("ls", str(tree), "--by", "time", *args, cache=cache).stdout
    assert [line[11:16] for line in timeline.splitlines() if line.startswith("2026-")] == expected


def test_kubernetes_fields_in_ls_and_json(tree, tmp_path):
    cache = tmp_path / "cache"
    records = {r["node_id"]: r for r in map(json.loads, ls("ls", str(tree), "--json", cache=cache).stdout.splitlines())}
    pod = records[DB]
    assert (pod["pod"], pod["namespace"], pod["container"], pod["cluster"], pod["session_type"]) == \
        ("api-7d9f", "prod", "api", None, "exec")
    assert records[GW]["pod"] is None
    table = ls("ls", str(tree), cache=cache).stdout
    assert "KUBERNETES" in table and "prod/api-7d9f/api" in table


def test_info_names_the_server_node_and_the_client(tree, tmp_path):
    bin_dir = tmp_path / "bin"
    printing(bin_dir, STATUS)
    path = next((tree / GW).iterdir())
    text = ls("info", str(path), path_dir=bin_dir, cache=tmp_path / "cache").stdout
    assert f"server node ID  {GW} (the folder; the machine logged into)" in text
    assert "server node     api-gw-2 (api-gw-2.tail1234.ts.net)" in text
    assert any(line.split() == ["source", "node", "ID", "nLAPTOPCNTRL"] for line in text.splitlines())
    record = json.loads(ls("info", "--json", str(path), path_dir=bin_dir, cache=tmp_path / "cache").stdout)
    assert record["node_name"] == "api-gw-2" and record["src_node_id"] == "nLAPTOPCNTRL"


def test_a_loose_folder_is_its_own_node_so_node_finds_it(tmp_path):
    """A folder of recordings outside the tsrecorder layout was grouped by the header's
    srcNodeID (the client): `--node FOLDER` found nothing."""
    folder = tmp_path / "casts"
    cast(folder / "one.cast", START, 1, "alice@example.com", "c")
    cast(folder / "two.cast", START + 60, 1, "alice@example.com", "c", srcNodeID="nOTHERxCNTRL")
    cache = tmp_path / "cache"
    records = [json.loads(line) for line in ls("ls", str(folder), "--node", "casts", "--json",
                                                cache=cache).stdout.splitlines()]
    assert [r["node_id"] for r in records] == ["casts", "casts"]
    one = json.loads(ls("ls", str(folder / "one.cast"), "--json", cache=cache).stdout)
    assert one["node_id"] == "casts"


def test_grep_and_cat_json_carry_the_node_name(tree, tmp_path):
    bin_dir = tmp_path / "bin"
    printing(bin_dir, STATUS)
    cache = tmp_path / "cache"
    matches = [json.loads(line) for line in ls("grep", "x", str(tree), "--json", "--node", "api-gw-2",
                                                path_dir=bin_dir, cache=cache).stdout.splitlines()]
    assert matches and {(m["node_id"], m["node_name"]) for m in matches} == {(GW, "api-gw-2")}
    path = next((tree / GW).iterdir())
    lines = [json.loads(line) for line in ls("cat", str(path), "--format", "jsonl", path_dir=bin_dir,
                                              cache=cache).stdout.splitlines()]
    assert lines and all(line["node_name"] == "api-gw-2" for line in lines)
