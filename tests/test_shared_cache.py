"""Indexing shared across machines: `castview index --shard I/N` and the shared analysis
cache (`--cache-url`), against moto's real S3 server. A "machine" is a cache dir of its
own; what is counted is analysis passes, never time."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("moto")
sys.path.insert(0, str(Path(__file__).parent))
from castview import search_index  # noqa: E402
from castview.analysis.shared import SharedCache, use  # noqa: E402
from castview.search import Query, open_index, search_recordings  # noqa: E402
from castview.shards import Shard, parse_shard  # noqa: E402
from castview.sources.catalog import build_catalog  # noqa: E402
from castview.sources.local import LocalSource  # noqa: E402
from castview.sources.s3 import S3Options  # noqa: E402
from castview.sources.s3_shared import S3Blobs, shared_cache  # noqa: E402
from castview.sources.s3_url import parse_s3_url  # noqa: E402
from s3_server import ADMIN_KEY, FaultProxy, MotoS3  # noqa: E402

CASTVIEW = Path(sys.executable).parent / "castview"
RECORDINGS = 200
SECRET = "sEcReT-never-printed-0123456789"
SUMMARY = re.compile(r"castview index: (\d+) of (\d+) recordings \(shard (\d+)/4\): (\d+) analysed here, "
                     r"(\d+) from the cache, (\d+) from the shared cache; (\d+) written to the shared cache")


def recording(i: int) -> bytes:
    """A small recording; `needle-N` is in every one whose i % 7 is N."""
    header = {"version": 2, "width": 80, "height": 24, "timestamp": 1795000000 + i, "srcNodeID": "nLAPxCNTRL"}
    events = [[0.1, "o", f"$ echo recording {i}\r\n"], [0.2, "o", f"needle-{i % 7} here\r\n"], [0.3, "o", "$ "]]
    return ("\n".join(json.dumps(x) for x in [header, *events]) + "\n").encode()


def key_of(i: int) -> str:
    return f"n{i % 8:04d}TESTCNTRL/2026-01-{1 + i % 28:02d}T10:{i // 28:02d}:00.{i:03d}Z.cast"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shared")
    server = MotoS3().start()
    server.create_bucket("fleet-rec")
    server.create_bucket("audit")
    for i in range(RECORDINGS):
        server.put("fleet-rec", key_of(i), recording(i))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TSRECORDER_", "CASTVIEW_"))}
    env.update(AWS_ACCESS_KEY_ID=ADMIN_KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=str(tmp / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp / "none"),
               AWS_EC2_METADATA_DISABLED="true", HOME=str(tmp), CASTVIEW_CONFIG_DIR=str(tmp / "config"),
               COLUMNS="300")
    yield {"server": server, "env": env, "tmp": tmp}
    server.stop()


def castview(world, machine: str, *args: str, endpoint: str | None = None) -> subprocess.CompletedProcess:
    env = dict(world["env"], CASTVIEW_CACHE_DIR=str(world["tmp"] / machine))
    done = subprocess.run([str(CASTVIEW), *args, "--endpoint-url", endpoint or world["server"].endpoint], env=env,
                          capture_output=True, text=True, timeout=300)
    assert SECRET not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done


def indexed(stderr: str) -> set[str]:
    """The recordings a `castview index` run went through."""
    return set(re.findall(r"^(s3://\S+): \d+ events", stderr, re.M))


def objects(world, bucket: str) -> dict[str, bytes]:
    backend = world["server"].backend()
    return {key: backend.get_object(bucket, key).value for key in backend.buckets[bucket].keys}


def test_four_shards_on_two_machines_index_each_recording_once_and_a_new_auditor_replays_nothing(world):
    # Machine a takes shards 0 and 1, machine b shards 2 and 3.
    runs = [castview(world, machine, "index", "s3://fleet-rec", "--shard", f"{n}/4", "--cache-url", "s3://audit/castview")
            for machine, n in (("a", 0), ("a", 1), ("b", 2), ("b", 3))]
    slices = []
    for n, done in enumerate(runs):
        assert done.returncode == 0, done.stderr
        count, listed, shard, analysed, cached, shared, written = map(int, SUMMARY.search(done.stderr).groups())
        assert (listed, shard, cached, shared) == (RECORDINGS, n, 0, 0)
        assert count == analysed == written == len(indexed(done.stderr)) > 0
        slices.append(indexed(done.stderr))
    assert sum(map(len, slices)) == RECORDINGS  # disjoint ...
    assert set().union(*slices) == {f"s3://fleet-rec/{key_of(i)}" for i in range(RECORDINGS)}  # ... and all of them
    assert len(objects(world, "audit")) == RECORDINGS  # one object per recording
    assert len(objects(world, "fleet-rec")) == RECORDINGS  # nothing written among the recordings

    # A second auditor, with a cache dir of its own: the first fleet search analyses nothing.
    first = castview(world, "c", "grep", "needle-3", "s3://fleet-rec", "--json", "--cache-url", "s3://audit/castview")
    assert first.returncode == 0, first.stderr
    assert "(0 indexed now, 200 from the cache, 200 of them from the shared cache)" in first.stderr
    found = {json.loads(line)["path"] for line in first.stdout.splitlines()}
    assert found == {f"s3://fleet-rec/{key_of(i)}" for i in range(RECORDINGS) if i % 7 == 3}
    again = castview(world, "c", "grep", "needle-3", "s3://fleet-rec", "--cache-url", "s3://audit/castview")
    assert "(0 indexed now, 200 from the cache)" in again.stderr  # now from its own cache dir

    # Indexing again on a machine that has it all: nothing analysed, nothing written.
    redo = castview(world, "a", "index", "s3://fleet-rec", "--shard", "0/4", "--cache-url", "s3://audit/castview")
    assert SUMMARY.search(redo.stderr).group(4, 7) == ("0", "0")


def test_a_corrupt_or_truncated_shared_entry_is_ignored_once_and_rebuilt(world):
    world["server"].create_bucket("spoilt")
    done = castview(world, "d", "index", "s3://fleet-rec/n0001TESTCNTRL/", "--cache-url", "s3://spoilt")
    assert done.returncode == 0, done.stderr
    entries = objects(world, "spoilt")
    assert len(entries) == RECORDINGS // 8
    (bitflip, good), (cut, _) = sorted(entries.items())[:2]
    middle = len(good) // 2
    world["server"].put("spoilt", bitflip, good[:middle] + bytes([good[middle] ^ 1]) + good[middle + 1:])
    world["server"].put("spoilt", cut, entries[cut][: len(entries[cut]) // 2])

    second = castview(world, "e", "grep", "needle", "s3://fleet-rec/n0001TESTCNTRL/", "--cache-url", "s3://spoilt")
    assert second.returncode == 0, second.stderr
    assert "(2 indexed now, 23 from the cache, 23 of them from the shared cache)" in second.stderr
    assert second.stderr.count("ignored a bad entry in the shared cache") == 1  # once, however many
    assert len(second.stdout.splitlines()) == RECORDINGS // 8  # every recording's match all the same
    assert objects(world, "spoilt") == entries  # the rebuilt entries replaced the bad ones
    third = castview(world, "f", "grep", "needle", "s3://fleet-rec/n0001TESTCNTRL/", "--cache-url", "s3://spoilt")
    assert "(0 indexed now" in third.stderr and "bad entry" not in third.stderr


@pytest.mark.parametrize("cache_url", ["s3://fleet-rec", "s3://fleet-rec/cache", "s3://fleet-rec/n0002TESTCNTRL/castview",
                                       "s3://fleet-rec/n0003TESTCNTRL"])
def test_a_cache_in_the_recordings_bucket_is_refused(world, cache_url):
    """Even in a prefix of its own: another node's recordings may be there."""
    source = "s3://fleet-rec" if cache_url.count("/") < 3 else "s3://fleet-rec/n0002TESTCNTRL/"
    done = castview(world, "g", "grep", "needle", source, "--cache-url", cache_url)
    assert done.returncode == 2
    assert "is in the bucket of the recordings'" in done.stderr and "--allow-cache-in-source" in done.stderr
    assert len(objects(world, "fleet-rec")) == RECORDINGS


def test_a_cache_beside_or_among_the_recordings_in_their_bucket_is_allowed_when_told(world):
    beside = castview(world, "h", "index", "s3://fleet-rec/n0003TESTCNTRL/", "--cache-url", "s3://fleet-rec/castview-cache",
                      "--allow-cache-in-source")
    assert beside.returncode == 0, beside.stderr
    inside = castview(world, "i", "index", "s3://fleet-rec/n0004TESTCNTRL/", "--cache-url", "s3://fleet-rec/n0004TESTCNTRL/c",
                      "--allow-cache-in-source")
    assert inside.returncode == 0, inside.stderr
    written = [k for k in objects(world, "fleet-rec") if "cventry" in k]
    assert len(written) == 2 * RECORDINGS // 8
    for key in written:  # out of the way of a recorder
        world["server"].backend().delete_object("fleet-rec", key)


def test_indexing_with_a_cache_url_shares_what_was_analysed_before_without_one(world):
    world["server"].create_bucket("late")
    alone = castview(world, "l", "index", "s3://fleet-rec/n0006TESTCNTRL/")
    assert "25 analysed here" in alone.stderr and "shared cache" not in alone.stderr
    late = castview(world, "l", "index", "s3://fleet-rec/n0006TESTCNTRL/", "--cache-url", "s3://late/p")
    assert "0 analysed here, 25 from the cache, 0 from the shared cache; 25 written to the shared cache" in late.stderr
    assert len(objects(world, "late")) == 25


def test_a_new_auditors_search_costs_one_get_per_recording_in_the_shared_cache(world):
    world["server"].create_bucket("counted")
    filled = castview(world, "p", "index", "s3://fleet-rec/n0007TESTCNTRL/", "--cache-url", "s3://counted")
    assert filled.returncode == 0, filled.stderr
    proxy = FaultProxy(world["server"].endpoint)
    try:
        done = castview(world, "q", "grep", "needle", "s3://fleet-rec/n0007TESTCNTRL/", "--cache-url", "s3://counted",
                        endpoint=proxy.endpoint)
        assert done.returncode == 0, done.stderr
        assert "(0 indexed now, 25 from the cache, 25 of them from the shared cache)" in done.stderr
        to_cache = [(method, status) for method, path, status, _ in proxy.requests if path.startswith("/counted/")]
        assert to_cache == [("GET", 200)] * 25  # no listing, no HEAD, no PUT
    finally:
        proxy.stop()


def test_a_cache_that_cannot_be_reached_costs_one_line_and_the_search_goes_on(world):
    done = castview(world, "j", "grep", "needle-1", "s3://fleet-rec/n0005TESTCNTRL/", "--cache-url", "s3://no-such-bucket/x")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("cannot read the shared cache s3://no-such-bucket/x") == 1
    assert "(25 indexed now" in done.stderr


@pytest.mark.parametrize("value", ["4/4", "-1/4", "1/0", "a/b", "1", "0/4/2", "", "1/-4"])
def test_bad_shard_values_fail_with_usage(world, value):
    done = castview(world, "k", "index", "s3://fleet-rec", "--shard", value)
    assert done.returncode == 2
    assert "Invalid value for --shard" in done.stderr
    assert "counted from 0" in done.stderr or "N must be 1 to" in done.stderr


def test_shards_are_stable_disjoint_and_even():
    keys = [key_of(i) for i in range(1000)]
    assert parse_shard("2/3") == Shard(2, 3)
    sizes = [sum(Shard(n, 4).holds(k) for k in keys) for n in range(4)]
    assert sum(sizes) == 1000 and min(sizes) > 200
    # Fixed by the key alone (sha256, not hash()): this key is in slice 1 of 4 in every process.
    assert [n for n in range(4) if Shard(n, 4).holds("nAAAAxCNTRL/2026-01-01T00:00:00Z.cast")] == [1]


def test_local_recordings_are_shared_by_their_bytes_wherever_they_are(world, tmp_path, monkeypatch):
    """Two machines mount the same recordings at different paths: the second one's search
    replays nothing (counted: the analysis passes run in this process)."""
    world["server"].create_bucket("local-audit")
    for machine in ("a", "b"):
        for i in range(12):
            path = tmp_path / f"mount-{machine}" / key_of(i)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(recording(i))
    passes = []
    analyse = search_index.analyse
    monkeypatch.setattr(search_index, "analyse", lambda *a, **kw: passes.append(a[1]) or analyse(*a, **kw))
    cache = SharedCache(S3Blobs(parse_s3_url("s3://local-audit/p"), S3Options(endpoint_url=world["server"].endpoint,
                                                                               access_key=ADMIN_KEY, secret_key="x")))
    previous = use(cache)
    try:
        for machine in ("a", "b"):
            sources = [LocalSource(tmp_path / f"mount-{machine}")]
            results = list(search_recordings(sources, build_catalog(sources).recordings, Query("needle-2"),
                                             cache_dir=tmp_path / f"cache-{machine}", processes=False))
            assert sum(bool(r.matches) for r in results) == 2  # recordings 2 and 9
            assert all(r.shared for r in results) == (machine == "b")
        # One recording opened by itself (the player's search, `cat`, `info`) on a third machine.
        with open_index(tmp_path / "mount-a" / key_of(9), cache_dir=tmp_path / "cache-c") as index:
            assert index.shared and not index.built
            assert any("needle-2" in line.text for line in index.transcript())
    finally:
        use(previous)
    assert len(passes) == 12  # machine a's only
    assert (cache.published, cache.fetched, cache.rejected) == (12, 13, 0)


def test_the_shared_cache_url_is_checked():
    options = S3Options()
    with pytest.raises(ValueError, match="must be an s3://"):
        shared_cache("/tmp/cache", options, [])
    assert shared_cache("s3://audit/x", options, ["s3://fleet-rec", "/local/dir"]).label == "s3://audit/x"
    for url, source in (("s3://fleet-rec/cache", "s3://fleet-rec/recs/"), ("s3://fleet-rec/recs/cache", "s3://fleet-rec/recs"),
                        ("s3://fleet-rec", "s3://fleet-rec/recs/a.cast"), ("s3://fleet-rec/recs2", "s3://fleet-rec/recs")):
        with pytest.raises(ValueError, match="in the bucket of the recordings'"):
            shared_cache(url, options, [source])
        assert shared_cache(url, options, [source], allow_in_source=True).label == url


def test_the_cache_url_setting_and_its_variable(tmp_path):
    from castview.config import load_settings

    config = tmp_path / "config.toml"
    config.write_text('cache_url = "s3://audit/castview"\n')
    assert load_settings(config, env={}).cache_url == "s3://audit/castview"
    assert load_settings(config, env={"CASTVIEW_CACHE_URL": "s3://other"}).cache_url == "s3://other"
    assert load_settings(tmp_path / "none.toml", env={}).cache_url is None


def test_serve_hands_the_shared_cache_to_its_app_processes():
    from castview.cli.serve import app_command

    options = {"cache_url": "s3://fleet-rec/castview", "allow_cache_in_source": True}
    argv = list(app_command(["s3://fleet-rec"], options).argv)
    assert argv[argv.index("--cache-url") + 1] == "s3://fleet-rec/castview"
    assert argv.index("--allow-cache-in-source") < argv.index("--")
    plain = list(app_command(["s3://fleet-rec"], {"cache_url": None, "allow_cache_in_source": None}).argv)
    assert "--cache-url" not in plain and "--allow-cache-in-source" not in plain
