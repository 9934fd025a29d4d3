"""S3 sources against a real S3 endpoint: moto's server over HTTP, boto3 never patched.

The CLI runs as a user runs it (a subprocess with AWS_* in its environment); the Python API
is driven directly where the test needs to look inside (bytes fetched, cache state).
Failures are injected by the server itself (auth enforcement, deleted objects, missing
buckets) or by `FaultProxy`, an HTTP proxy in front of it (throttling, 5xx, an endpoint
that goes away).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from castview.recording import Recording  # noqa: E402
from castview.sources.base import SourceError  # noqa: E402
from castview.sources.catalog import build_catalog, summarize  # noqa: E402
from castview.sources.local import LocalSource  # noqa: E402
from castview.sources.s3 import S3Error, S3Options, S3Source, local_copy  # noqa: E402
from castview.term.keyframes import Replay  # noqa: E402
from castview.term.render import export  # noqa: E402
from s3_server import ADMIN_KEY, ADMIN_SECRET, FaultProxy, MotoS3, cast_bytes  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CASTVIEW = [sys.executable, "-m", "castview"] if not (Path(sys.executable).parent / "castview").exists() \
    else [str(Path(sys.executable).parent / "castview")]
BIG_KEY = "nBIGxCNTRL/2026-01-02T03:04:05.5Z.cast"
PUBLIC_KEY = "nPUBLICxCNTRL/2026-01-03T00:00:00Z.cast"  # termtosvg-htop.cast: 80x24, 12.8 s
PAGED_NODE_KEYS = 1100  # more than one list page (S3 returns at most 1000 keys)


def sample_tree(tmp: Path) -> Path:
    """The project's sample recordings, or the public test casts under fake node folders."""
    samples = ROOT / "sample_casts"
    if any(samples.rglob("*.cast")):
        return samples
    tree = tmp / "samples"
    for i, path in enumerate(sorted((ROOT / "tests/data/public").glob("*.cast"))):
        node = tree / f"nFAKE{i % 3}xCNTRL"
        node.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, node / f"2026-01-0{1 + i % 9}T10:00:0{i % 10}.{i + 1}Z.cast")
    return tree


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A moto S3 server with three buckets:

    tsrec: the sample recordings in tsrecorder layout, a 5 MB recording, and the objects a
           recorder leaves that are not recordings (events, markers, notes);
    paged: 1,250 tiny recordings over 4 nodes, one node holding 1,100 (two list pages);
    scratch: objects the failure tests delete and overwrite.
    """
    tmp = tmp_path_factory.mktemp("s3")
    server = MotoS3().start()
    samples = sample_tree(tmp)
    server.create_bucket("tsrec")
    sample_keys = [k for k in server.put_tree("tsrec", samples) if k.endswith(".cast")]
    big = cast_bytes(36000, seed=7)
    big_local = tmp / "local" / BIG_KEY
    big_local.parent.mkdir(parents=True)
    big_local.write_bytes(big)
    server.put("tsrec", BIG_KEY, big, mtime=time.time() - 86400)
    for junk in ("check-write-access", ".events-exist", "nBIGxCNTRL/events/0001.event",
                 "nBIGxCNTRL/events/nested/0002.event", "nBIGxCNTRL/notes.txt", "nBIGxCNTRL/.events-exist"):
        server.put("tsrec", junk, b"{}")
    htop = (ROOT / "tests/data/public/termtosvg-htop.cast").read_bytes()
    server.put("tsrec", PUBLIC_KEY, htop, mtime=time.time() - 86400)
    server.create_bucket("paged")
    tiny = cast_bytes(3, seed=1)
    old = time.time() - 86400
    for i in range(1250):
        node = "nPAGE0xCNTRL" if i < PAGED_NODE_KEYS else f"nPAGE{1 + i % 3}xCNTRL"
        server.put("paged", f"{node}/2026-02-01T00:{i // 60 % 60:02d}:{i % 60:02d}.{i + 1}Z.cast", tiny, mtime=old)
        if i % 50 == 0:
            server.put("paged", f"{node}/events/{i:06d}.event", b"{}")
    server.create_bucket("scratch")
    home = tmp / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TSRECORDER_", "CASTVIEW_"))}
    env.update(
        AWS_ACCESS_KEY_ID=ADMIN_KEY, AWS_SECRET_ACCESS_KEY=ADMIN_SECRET, AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(home / "no-config"), AWS_SHARED_CREDENTIALS_FILE=str(home / "no-credentials"),
        AWS_EC2_METADATA_DISABLED="true", HOME=str(home), CASTVIEW_CACHE_DIR=str(tmp / "cli-cache"),
        CASTVIEW_CONFIG_DIR=str(tmp / "config"), CASTVIEW_S3_MAX_ATTEMPTS="2", COLUMNS="200", NO_COLOR="1",
    )
    world = {"server": server, "tmp": tmp, "samples": samples, "sample_keys": sample_keys, "big": big,
             "big_local": big_local, "env": env}
    yield world
    server.stop()


def options(world, tmp_path, **kw) -> S3Options:
    kw.setdefault("endpoint_url", world["server"].endpoint)
    kw.setdefault("access_key", ADMIN_KEY)
    kw.setdefault("secret_key", ADMIN_SECRET)
    kw.setdefault("cache_dir", tmp_path / "cache")
    kw.setdefault("max_attempts", 2)
    return S3Options(**kw)


def cli(world, *args, env=None, endpoint=True, timeout=120) -> subprocess.CompletedProcess:
    full_env = dict(world["env"], **(env or {}))
    extra = ["--endpoint-url", world["server"].endpoint] if endpoint is True else []
    if isinstance(endpoint, str):
        extra = ["--endpoint-url", endpoint]
    return subprocess.run([*CASTVIEW, *args, *extra], env=full_env, capture_output=True, text=True, timeout=timeout)


def rows(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def screen_at(opener, name: str, t: float, fmt: str = "ansi") -> str:
    replay = Replay(opener, name)
    return export(replay.seek(t).term, fmt)


# -- listing ---------------------------------------------------------------------------------

def test_listing_paginates_per_node_and_skips_what_is_not_a_recording(world, tmp_path):
    source = S3Source("s3://paged", options(world, tmp_path))
    refs = list(source.refs())
    assert len(refs) == 1250
    assert len({r.key for r in refs}) == 1250
    assert sum(r.node_dir == "nPAGE0xCNTRL" for r in refs) == PAGED_NODE_KEYS
    assert not any("events" in r.key for r in refs)
    requests, downloaded = source.stats.snapshot()
    # one delimiter listing for the node folders, one per node, one more page for nPAGE0
    assert requests == {"list_objects_v2": 1 + 4 + 1}
    assert downloaded == 0
    ref = refs[0]
    assert ref.location == f"s3://paged/{ref.key}" and ref.source == "s3://paged"
    assert ref.name_time_ns is not None and ref.size > 0 and time.time() - ref.mtime > 3600


def test_a_prefix_and_a_single_object_are_sources_too(world, tmp_path):
    o = options(world, tmp_path)
    node = [r.key for r in S3Source("s3://paged/nPAGE1xCNTRL/", o).refs()]
    assert len(node) == 50 and all(k.startswith("nPAGE1xCNTRL/") for k in node)
    assert len(list(S3Source("s3://paged/nPAGE1xCNTRL", o).refs())) == 50  # no trailing slash
    (single,) = S3Source(f"s3://tsrec/{BIG_KEY}", o).refs()
    assert single.key == BIG_KEY and single.node_dir == "nBIGxCNTRL" and single.size == len(world["big"])
    with pytest.raises(S3Error, match=r"s3://tsrec/nBIGxCNTRL/nope.cast: no such object"):
        list(S3Source("s3://tsrec/nBIGxCNTRL/nope.cast", o).refs())
    assert list(S3Source("s3://tsrec/no-such-folder/", o).refs()) == []  # like an empty directory


def test_cli_ls_of_a_bucket_matches_ls_of_the_same_tree_on_disk(world):
    remote = cli(world, "ls", "s3://tsrec", "--json")
    assert remote.returncode == 0, remote.stderr
    local = cli(world, "ls", str(world["samples"]), "--json", endpoint=False)
    assert local.returncode == 0, local.stderr

    def facts(r):
        return (r["node_id"], r["start_ns"], r["src_node"], r["ssh_user"], r["command"], r["duration"], r["size"],
                r["status"], r["width"], r["height"], r["error"] is None)

    remote_rows = rows(remote.stdout)
    assert all(r["path"].startswith("s3://tsrec/") for r in remote_rows)
    big = [r for r in remote_rows if r["path"] == f"s3://tsrec/{BIG_KEY}"]
    assert len(big) == 1 and big[0]["node_id"] == "nBIGxCNTRL" and big[0]["duration"] > 100
    extra = big + [r for r in remote_rows if r["path"] == f"s3://tsrec/{PUBLIC_KEY}"]
    assert sorted(facts(r) for r in remote_rows if r not in extra) == sorted(facts(r) for r in rows(local.stdout))
    table = cli(world, "ls", "s3://tsrec", "--paths")
    assert table.returncode == 0 and "nBIGxCNTRL" in table.stdout and f"s3://tsrec/{BIG_KEY}" in table.stdout


def test_the_recorder_settings_name_the_default_source(world):
    # tsrecorder's own variables: an S3 endpoint URL as the destination plus a bucket.
    env = {"TSRECORDER_DST": world["server"].endpoint, "TSRECORDER_BUCKET": "paged"}
    done = cli(world, "ls", "--json", env=env, endpoint=False)
    assert done.returncode == 0, done.stderr
    assert len(rows(done.stdout)) == 1250 and "s3://paged" in done.stderr
    # an AWS region URL gives the region; AWS_ENDPOINT_URL (boto3's own) still redirects it here
    env = {"TSRECORDER_DST": "https://s3.us-east-1.amazonaws.com", "AWS_ENDPOINT_URL": world["server"].endpoint}
    done = cli(world, "ls", "--bucket", "tsrec", "--json", env=env, endpoint=False)
    assert done.returncode == 0, done.stderr
    assert any(r["path"] == f"s3://tsrec/{BIG_KEY}" for r in rows(done.stdout))
    missing = cli(world, "ls", env={"TSRECORDER_DST": "https://s3.us-east-1.amazonaws.com"}, endpoint=False)
    assert missing.returncode == 1 and "TSRECORDER_BUCKET" in missing.stderr


# -- reading -----------------------------------------------------------------------------------

def test_listing_reads_only_a_header_and_a_tail(world, tmp_path):
    source = S3Source("s3://tsrec/nBIGxCNTRL/", options(world, tmp_path))
    (ref,) = source.refs()
    readers = []
    original_open = source.open

    def counting_open(r):
        f = original_open(r)
        readers.append(f.raw)
        return f

    source.open = counting_open  # a wrapper around the raw reader, to count bytes read
    summary = summarize(source, ref)
    local = summarize(LocalSource(world["big_local"].parent.parent), next(LocalSource(world["big_local"]).refs()))
    assert summary.error is None and summary.header.raw_text == local.header.raw_text
    assert summary.duration == local.duration
    assert sum(r.bytes_read for r in readers) <= 200 << 10
    requests, downloaded = source.stats.snapshot()
    assert requests["get_object"] == 2  # the head and the tail, two small ranged GETs
    assert downloaded <= 200 << 10 < len(world["big"]) // 10
    assert source.object(ref).cached_bytes == downloaded  # no background download for a listing


def test_first_frame_before_the_object_is_downloaded_then_cache_fills(world, tmp_path):
    source = S3Source("s3://tsrec", options(world, tmp_path))
    ref = source.ref_for(BIG_KEY)
    started = time.perf_counter()
    frame = screen_at(lambda: source.open(ref), ref.location, 2.0)
    first_frame = time.perf_counter() - started
    obj = source.object(ref)
    _, downloaded = source.stats.snapshot()
    assert downloaded < len(world["big"]) // 4, "the first frame needed only the start of the object"
    assert frame == screen_at(lambda: open(world["big_local"], "rb"), "local", 2.0)
    assert first_frame < 5
    # playing on reads the rest, which downloads in the background into the cache
    later = screen_at(lambda: source.open(ref), ref.location, 400.0)
    assert later == screen_at(lambda: open(world["big_local"], "rb"), "local", 400.0)
    with source.open(ref):
        assert obj.wait_complete(timeout=60)
    assert obj.cache_path.read_bytes() == world["big"]
    assert (tmp_path / "cache") in obj.cache_path.parents


def test_every_sample_exports_the_same_screen_from_s3_as_from_disk(world, tmp_path):
    o = options(world, tmp_path)
    for key in world["sample_keys"]:
        remote = Recording.from_spec(f"s3://tsrec/{key}", o)
        local = Recording.from_spec(world["samples"] / key)
        assert (remote.size, remote.name) == (local.size, local.name)
        try:
            expected = screen_at(local.opener, key, 5.0)
        except Exception as exc:  # a damaged sample fails the same way from S3
            with pytest.raises(type(exc)):
                screen_at(remote.opener, key, 5.0)
            continue
        assert screen_at(remote.opener, key, 5.0) == expected, key


def test_cli_export_info_and_index_work_on_s3_objects(world, tmp_path):
    url = f"s3://tsrec/{BIG_KEY}"
    remote = cli(world, "export", url, "--at", "1:30", "--format", "text")
    local = cli(world, "export", str(world["big_local"]), "--at", "1:30", "--format", "text", endpoint=False)
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout and "[" in remote.stdout
    info = cli(world, "info", url, "--json")
    assert info.returncode == 0, info.stderr
    local_info = cli(world, "info", str(world["big_local"]), "--json", endpoint=False)
    remote_d, local_d = json.loads(info.stdout), json.loads(local_info.stdout)
    assert remote_d["path"] == url and remote_d["name_time"] == "2026-01-02T03:04:05.5Z"
    for d in (remote_d, local_d):
        del d["path"], d["mtime"]
    assert remote_d == local_d
    index = cli(world, "index", url)
    assert index.returncode == 0, index.stderr
    assert "36000 events" in index.stderr


def test_a_second_run_reads_from_the_cache_without_downloading_again(world, tmp_path):
    proxy = FaultProxy(world["server"].endpoint)
    try:
        env = {"CASTVIEW_CACHE_DIR": str(tmp_path / "cache")}
        url = f"s3://tsrec/{BIG_KEY}"
        first = cli(world, "index", url, env=env, endpoint=proxy.endpoint)
        assert first.returncode == 0, first.stderr
        assert proxy.body_bytes >= len(world["big"])  # the whole object came over once
        proxy.reset()
        second = cli(world, "export", url, "--at", "end", env=env, endpoint=proxy.endpoint)
        assert second.returncode == 0, second.stderr
        assert [m for m, *_ in proxy.requests] == ["HEAD"]  # ETag and size checked, nothing fetched
        local = cli(world, "export", str(world["big_local"]), "--at", "end", endpoint=False)
        assert second.stdout == local.stdout
    finally:
        proxy.stop()


# -- failures ----------------------------------------------------------------------------------

def test_no_credentials_is_reported_with_the_fix(world):
    env = dict(world["env"])
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    done = subprocess.run([*CASTVIEW, "ls", "s3://tsrec", "--endpoint-url", world["server"].endpoint],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "s3://tsrec: no AWS credentials found" in done.stderr
    assert "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or --access-key/--secret-key" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_keys_and_denied_access_are_reported_and_secrets_never_shown(world):
    server = world["server"]
    good_key, good_secret = server.iam_key("castview-reader", allow_s3=True)
    denied_key, denied_secret = server.iam_key("castview-nobody", allow_s3=False)
    wrong_secret = "WRONGsecret+9f8e7d6c5b4a3210zyxwvutsrqpo"
    server.enforce_auth(True)
    try:
        ok = cli(world, "ls", "s3://tsrec", "--json", "--access-key", good_key, "--secret-key", good_secret)
        assert ok.returncode == 0, ok.stderr
        assert len(rows(ok.stdout)) >= 2
        bad = cli(world, "ls", "s3://tsrec", "--access-key", good_key, "--secret-key", wrong_secret)
        assert bad.returncode == 1
        assert "secret key does not match" in bad.stderr and "--secret-key" in bad.stderr
        wrong = {"AWS_ACCESS_KEY_ID": good_key, "AWS_SECRET_ACCESS_KEY": wrong_secret}
        from_env = cli(world, "ls", "s3://tsrec", env=wrong)
        assert from_env.returncode == 1 and "secret key does not match" in from_env.stderr
        unknown = cli(world, "ls", "s3://tsrec", env={"AWS_ACCESS_KEY_ID": "AKIAUNKNOWNKEY000000"})
        assert unknown.returncode == 1 and "access key ID is not known" in unknown.stderr
        denied = cli(world, "ls", "s3://tsrec", "--access-key", denied_key, "--secret-key", denied_secret)
        assert denied.returncode == 1 and "access denied" in denied.stderr and "s3:GetObject" in denied.stderr
        export = cli(world, "export", f"s3://tsrec/{BIG_KEY}", "--at", "1", "--access-key", denied_key,
                     "--secret-key", denied_secret)
        assert export.returncode == 1 and "access denied" in export.stderr
        for done in (bad, from_env, unknown, denied, export):
            for secret in (wrong_secret, good_secret, denied_secret):
                assert secret not in done.stdout + done.stderr
            assert "Traceback" not in done.stderr
    finally:
        server.enforce_auth(False)


def test_a_missing_bucket_fails_alone_and_other_sources_still_list(world):
    done = cli(world, "ls", "s3://no-such-bucket", str(world["samples"]), "--json")
    assert done.returncode == 0, done.stderr
    assert "s3://no-such-bucket: bucket 'no-such-bucket' does not exist" in done.stderr
    assert "--endpoint-url" in done.stderr
    assert len(rows(done.stdout)) >= len(world["sample_keys"]) - 1
    alone = cli(world, "ls", "s3://no-such-bucket")
    assert alone.returncode == 1 and "does not exist" in alone.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_endpoint_is_reported_and_contained(world, tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    source = S3Source("s3://tsrec", options(world, tmp_path, endpoint_url=dead))
    started = time.perf_counter()
    catalog = build_catalog([source, LocalSource(world["samples"])])
    assert time.perf_counter() - started < 30
    (message,) = catalog.errors
    assert message.startswith("s3://tsrec: cannot reach the S3 endpoint http://127.0.0.1:")
    assert "check --endpoint-url" in message
    assert catalog.recordings, "the local source is still listed"
    done = cli(world, "export", f"s3://tsrec/{BIG_KEY}", "--at", "1", endpoint=dead)
    assert done.returncode == 1 and "cannot reach the S3 endpoint" in done.stderr and "Traceback" not in done.stderr


def test_the_endpoint_going_away_mid_read_is_an_error_not_a_hang(world, tmp_path):
    proxy = FaultProxy(world["server"].endpoint)
    source = S3Source("s3://tsrec", options(world, tmp_path, endpoint_url=proxy.endpoint))
    ref = source.ref_for(BIG_KEY)
    with source.open(ref) as f:
        assert f.readline().startswith(b'{"version":2')
        proxy.stop()
        f.seek(len(world["big"]) // 2)
        with pytest.raises(S3Error, match="cannot reach the S3 endpoint") as caught:
            f.read(1000)
    assert isinstance(caught.value, SourceError) and isinstance(caught.value, OSError)


def test_throttling_is_retried_then_reported(world, tmp_path):
    proxy = FaultProxy(world["server"].endpoint)
    try:
        retrying = options(world, tmp_path, endpoint_url=proxy.endpoint, max_attempts=3)
        source = S3Source("s3://paged/nPAGE1xCNTRL/", retrying)
        proxy.fail_next(2, 503, "SlowDown")
        assert len(list(source.refs())) == 50  # two SlowDowns, then the retry went through
        deadline = time.monotonic() + 5  # the proxy logs a request after answering it
        while len(proxy.requests) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [status for _, _, status, _ in proxy.requests[:3]] == [503, 503, 200]
        proxy.reset()
        proxy.fail_always(500, "InternalError")
        failing = r"s3://paged/nPAGE1xCNTRL/: S3 is failing or throttling \(InternalError 500\) after 3 attempts"
        with pytest.raises(S3Error, match=failing):
            list(source.refs())
        time.sleep(0.1)
        assert len(proxy.requests) == 3
    finally:
        proxy.stop()


def test_an_object_deleted_or_replaced_mid_read_is_reported(world, tmp_path):
    server, client = world["server"], world["server"].client()
    for key in ("gone/2026-03-01T00:00:00Z.cast", "changed/2026-03-01T00:00:00Z.cast"):
        server.put("scratch", key, world["big"])
    source = S3Source("s3://scratch", options(world, tmp_path))
    refs = {r.key.split("/")[0]: r for r in source.refs()}
    middle = len(world["big"]) // 2
    with source.open(refs["gone"]) as f:
        f.readline()
        client.delete_object(Bucket="scratch", Key=refs["gone"].key)
        f.seek(middle)
        with pytest.raises(S3Error, match=r"s3://scratch/gone/.*: no such object \(deleted since it was listed\?\)"):
            f.read(100)
        f.seek(0)
        assert f.readline().startswith(b'{"version":2')  # what was read before is still there
    with source.open(refs["changed"]) as f:
        f.readline()
        server.put("scratch", refs["changed"].key, world["big"][::-1])
        f.seek(middle)
        with pytest.raises(S3Error, match="changed while it was being read; open it again"):
            f.read(100)
    summary = summarize(source, refs["gone"])
    assert summary.error is not None and "cannot read" in summary.error  # the catalog keeps going


def test_local_copy_of_a_whole_object(world, tmp_path):
    source = S3Source("s3://tsrec", options(world, tmp_path, cache_max=1 << 20))  # smaller than the object
    ref = source.ref_for(BIG_KEY)
    path = local_copy(source, ref)
    assert path.read_bytes() == world["big"]
    assert (tmp_path / "cache") not in path.parents  # too big for this cache: a scratch copy


# -- the app -------------------------------------------------------------------------------------

@pytest.mark.anyio
async def test_the_player_plays_a_recording_straight_from_the_bucket(world, tmp_path, monkeypatch):
    from castview.config import load_settings
    from castview.ui.app import CastviewApp
    from castview.ui.widgets.recording_tree import RecordingTree
    from test_ui_helpers import listed, open_player, settle, term_text, view_text, wait_for

    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CASTVIEW_CONFIG_DIR", str(tmp_path / "config"))
    source = S3Source(f"s3://tsrec/{PUBLIC_KEY}", options(world, tmp_path))
    local = Replay(lambda: open(ROOT / "tests/data/public/termtosvg-htop.cast", "rb"), "local")
    app = CastviewApp([source], load_settings(), autoplay=False, open_single=True, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: listed(app) == 1, what="the recording")
        tree = app.screen.query_one(RecordingTree)
        await wait_for(pilot, lambda: tree.cursor_node is not None and hasattr(tree.cursor_node.data, "ref"))
        assert tree.cursor_node.data.ref.location == f"s3://tsrec/{PUBLIC_KEY}"
        await pilot.press("enter")
        player = await open_player(pilot)
        assert player.error is None and player.duration == pytest.approx(local.duration if local.build() else 0)
        await pilot.press("right")
        await settle(pilot, player)
        assert view_text(player) == term_text(local.seek(5.0).term)

