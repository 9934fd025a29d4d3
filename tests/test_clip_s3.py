"""`castview clip` of an object in an S3 bucket (moto's real server): the same clip as of
the local file, but for the source it names."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("moto")
from test_grep_s3 import SAMPLES, bucket, cli  # noqa: E402,F401  (bucket: the fixture)


def test_clip_an_object_equals_the_clip_of_the_file(bucket, tmp_path):  # noqa: F811  (the fixture)
    name = "nHx4Tb1CNTRL/2026-11-20T09:15:02Z.cast"
    remote, local = tmp_path / "remote.cast", tmp_path / "local.cast"
    result = cli(bucket, "clip", f"s3://rec/{name}", "--from", "3", "--to", "9", "-o", str(remote))
    assert result.returncode == 0, result.stderr
    result = cli(bucket, "clip", str(SAMPLES / name), "--from", "3", "--to", "9", "-o", str(local))
    assert result.returncode == 0, result.stderr
    remote_lines, local_lines = remote.read_text().splitlines(), local.read_text().splitlines()
    assert remote_lines[1:] == local_lines[1:]
    remote_header, local_header = json.loads(remote_lines[0]), json.loads(local_lines[0])
    assert remote_header["castview_clip"].pop("source") == f"s3://rec/{name}"
    assert local_header["castview_clip"].pop("source") == str(SAMPLES / name)
    assert remote_header == local_header


def test_evidence_of_an_object_verifies_against_it(bucket, tmp_path):  # noqa: F811  (the fixture)
    url = "s3://rec/nHx4Tb1CNTRL/2026-11-20T09:15:02Z.cast"
    pack = tmp_path / "p.zip"
    result = cli(bucket, "evidence", url, "--from", "2", "--redact", "alice", "-o", str(pack))
    assert result.returncode == 0, result.stderr
    result = cli(bucket, "verify", str(pack), "--original", url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every frame of the clip is the original's" in result.stdout


def test_review_of_an_object_applies_to_the_same_bytes_on_disk(bucket, tmp_path):  # noqa: F811  (the fixture)
    server, env, _ = bucket
    env = {**env, "CASTVIEW_REVIEWS_DB": str(tmp_path / "ledger.sqlite"), "CASTVIEW_REVIEWER": "s3-auditor"}
    bucket_env = (server, env, tmp_path)
    url = "s3://rec/nHx4Tb1CNTRL/2026-11-20T09:15:02Z.cast"
    result = cli(bucket_env, "review", url, "--verdict", "incident")
    assert result.returncode == 0, result.stderr
    listed = cli(bucket_env, "ls", str(SAMPLES / "nHx4Tb1CNTRL"), "--json", "--verdict", "incident")
    assert listed.returncode == 0, listed.stderr
    (record,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert record["path"].endswith("2026-11-20T09:15:02Z.cast")
    assert record["review"]["location"] == url and record["review"]["reviewer"] == "s3-auditor"
