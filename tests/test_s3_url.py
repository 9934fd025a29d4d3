"""S3 addresses, recorder flags, sizes and byte ranges: the pure parts of the S3 source."""

from __future__ import annotations

import os
import time

import pytest

from castview.sources.s3 import S3Options, default_s3_source
from castview.sources.s3_cache import ObjectCache, RangeSet, parse_size
from castview.sources.s3_url import S3Url, endpoint_from_dst, is_s3_url, is_url, parse_s3_url


@pytest.mark.parametrize(
    "text, bucket, key",
    [
        ("s3://recordings", "recordings", ""),
        ("s3://recordings/", "recordings", ""),
        ("s3://recordings/nBq9Zs5CNTRL/", "recordings", "nBq9Zs5CNTRL/"),
        ("s3://recordings/nBq9Zs5CNTRL/2026-11-21T02:00:00.48Z.cast", "recordings",
         "nBq9Zs5CNTRL/2026-11-21T02:00:00.48Z.cast"),
        ("S3://Legacy_Bucket/a b/c.cast", "Legacy_Bucket", "a b/c.cast"),
        ("s3://my.bucket.example//double", "my.bucket.example", "double"),
    ],
)
def test_s3_urls_parse(text, bucket, key):
    assert parse_s3_url(text) == S3Url(bucket, key)
    assert is_s3_url(text)


@pytest.mark.parametrize("text", ["s3://", "s3:///key", "s3://bad bucket/x", "s3://-dash", "/tmp/x", "https://s3.amazonaws.com/b"])
def test_bad_s3_urls_are_refused_with_a_message(text):
    with pytest.raises(ValueError, match="s3://|bucket"):
        parse_s3_url(text)


def test_s3_url_round_trips_and_names():
    assert str(S3Url("b", "")) == "s3://b"
    assert str(S3Url("b", "n/x.cast")) == "s3://b/n/x.cast"
    assert S3Url("b", "n/x.cast").name == "x.cast"
    assert S3Url("b", "n/").name == "n"


@pytest.mark.parametrize(
    "dst, endpoint, region",
    [
        ("https://s3.us-east-1.amazonaws.com", None, "us-east-1"),
        ("https://s3.eu-west-3.amazonaws.com/", None, "eu-west-3"),
        ("https://s3-us-west-2.amazonaws.com", None, "us-west-2"),
        ("https://s3.dualstack.ap-southeast-2.amazonaws.com", None, "ap-southeast-2"),
        ("https://s3.us-gov-west-1.amazonaws.com", None, "us-gov-west-1"),
        ("https://s3.amazonaws.com", None, None),
        ("https://minio.internal:9000", "https://minio.internal:9000", None),
        ("http://127.0.0.1:9000/ignored/path", "http://127.0.0.1:9000", None),
        ("https://abc123.r2.cloudflarestorage.com", "https://abc123.r2.cloudflarestorage.com", None),
    ],
)
def test_recorder_dst_gives_region_or_endpoint(dst, endpoint, region):
    assert tuple(endpoint_from_dst(dst)) == (endpoint, region)


def test_explicit_flags_win_over_dst():
    o = S3Options.from_recorder_flags(dst="https://s3.us-east-1.amazonaws.com", region="eu-west-1")
    assert (o.endpoint_url, o.region) == (None, "eu-west-1")
    o = S3Options.from_recorder_flags(dst="https://minio:9000", endpoint_url="http://other:1")
    assert o.endpoint_url == "http://other:1"
    o = S3Options.from_recorder_flags(dst="/var/lib/tsrecorder")
    assert (o.endpoint_url, o.region) == (None, None)
    with pytest.raises(ValueError, match="both --access-key and --secret-key"):
        S3Options.from_recorder_flags(access_key="AKIA")


def test_secrets_stay_out_of_repr():
    o = S3Options(access_key="AKIAEXAMPLE", secret_key="hunter2-very-secret")
    assert "hunter2" not in repr(o) and "AKIAEXAMPLE" not in repr(o)


@pytest.mark.parametrize(
    "dst, bucket, source",
    [
        ("https://s3.us-east-1.amazonaws.com", "recs", "s3://recs"),
        (None, "recs", "s3://recs"),
        ("s3://recs/prefix", None, "s3://recs/prefix"),
        ("/var/lib/tsrecorder", "recs", None),
        (None, None, None),
    ],
)
def test_default_source_from_recorder_settings(dst, bucket, source):
    assert default_s3_source(dst, bucket) == source


def test_s3_dst_without_bucket_says_what_is_missing():
    with pytest.raises(ValueError, match="TSRECORDER_BUCKET"):
        default_s3_source("https://s3.us-east-1.amazonaws.com", None)
    assert is_url("https://x") and is_url("s3://b") and not is_url("/srv/recordings")


@pytest.mark.parametrize(
    "text, n", [("2G", 2 << 30), ("500M", 500 << 20), ("1.5GiB", 3 << 29), ("1048576", 1 << 20), ("64kb", 64 << 10)]
)
def test_cache_sizes_parse(text, n):
    assert parse_size(text) == n


def test_range_set_merges_and_answers():
    r = RangeSet()
    r.add(10, 20)
    r.add(30, 40)
    assert r.as_list() == [[10, 20], [30, 40]]
    assert r.run_end(10) == 20 and r.run_end(19) == 20 and r.run_end(20) is None and r.run_end(5) is None
    assert r.next_start(0) == 10 and r.next_start(10) == 30 and r.next_start(35) is None
    r.add(20, 30)  # touching ranges merge
    assert r.as_list() == [[10, 40]]
    r.add(0, 5)
    r.add(3, 12)
    assert r.as_list() == [[0, 40]] and r.total == 40
    assert r.covers(0, 40) and not r.covers(0, 41) and r.covers(5, 5)


def _entry(cache, name, size, age):
    entry = cache.entry({"key": name, "etag": "x", "size": size}, size)
    entry.open()
    entry.pwrite(0, b"x" * size)
    entry.mark(0, size)
    entry.close()
    old = time.time() - age
    os.utime(entry.meta_path, (old, old))
    return entry


def test_cache_evicts_least_recently_used_first(tmp_path):
    cache = ObjectCache(tmp_path, max_bytes=1 << 20)
    oldest = _entry(cache, "a", 400 << 10, age=300)
    middle = _entry(cache, "b", 400 << 10, age=200)
    newest = _entry(cache, "c", 400 << 10, age=100)
    cache.hold(middle)  # open in this process: never evicted
    cache.evict()
    assert not oldest.data_path.exists() and not oldest.meta_path.exists()
    assert middle.data_path.exists() and newest.data_path.exists()
    cache.release(middle)
    cache.evict()
    assert cache.total_bytes() <= 1 << 20


def test_an_object_larger_than_the_cache_goes_to_a_scratch_dir(tmp_path):
    cache = ObjectCache(tmp_path, max_bytes=1000)
    entry = cache.entry({"key": "big"}, 5000)
    assert entry.data_path.parent != tmp_path
    small = cache.entry({"key": "small"}, 10)
    assert small.data_path.parent == tmp_path


def test_an_entry_open_elsewhere_is_neither_reset_nor_evicted(tmp_path):
    import subprocess
    import sys

    from castview.sources.s3_cache import CacheBusy

    cache = ObjectCache(tmp_path, max_bytes=1000)  # the entry fits, the cache dir (4 KiB blocks) does not
    entry = cache.entry({"key": "shared"}, 100)
    entry.open()
    entry.pwrite(0, b"y" * 100)
    entry.mark(0, 100)
    # another process (flock is per open file description, so a child process stands in)
    code = (
        "import sys; from pathlib import Path; from castview.sources.s3_cache import ObjectCache, CacheBusy\n"
        f"c = ObjectCache(Path({str(tmp_path)!r}), max_bytes=1000)\n"
        "e = c.entry({'key': 'shared'}, 100)\n"
        "try:\n    e.open()\nexcept CacheBusy:\n    print('busy')\n"
        "c.evict(); print(e.data_path.exists())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["busy", "True"], done.stderr
    assert entry.pread(0, 100) == b"y" * 100
    entry.close()
    assert issubclass(CacheBusy, OSError)
