"""`castview grep` and `castview cat` on recordings in an S3 bucket (moto's real server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("moto")
sys.path.insert(0, str(Path(__file__).parent))
from s3_server import ADMIN_KEY, ADMIN_SECRET, MotoS3  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_casts"
CASTVIEW = Path(sys.executable).parent / "castview"


@pytest.fixture(scope="module")
def bucket(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grep-s3")
    server = MotoS3().start()
    server.create_bucket("rec")
    server.put_tree("rec", SAMPLES)
    home = tmp / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TSRECORDER_", "CASTVIEW_"))}
    env.update(AWS_ACCESS_KEY_ID=ADMIN_KEY, AWS_SECRET_ACCESS_KEY=ADMIN_SECRET, AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=str(home / "none"), AWS_SHARED_CREDENTIALS_FILE=str(home / "none"),
               AWS_EC2_METADATA_DISABLED="true", HOME=str(home), CASTVIEW_CACHE_DIR=str(tmp / "cache"),
               CASTVIEW_CONFIG_DIR=str(tmp / "config"), COLUMNS="200")
    yield server, env, tmp
    server.stop()


def cli(bucket, *args: str) -> subprocess.CompletedProcess:
    server, env, _ = bucket
    return subprocess.run([str(CASTVIEW), *args, "--endpoint-url", server.endpoint], env=env,
                          capture_output=True, text=True, timeout=120)


def test_grep_a_bucket_then_again_from_the_cache(bucket):
    first = cli(bucket, "grep", "sudo", "s3://rec", "--json")
    assert first.returncode == 0, first.stderr
    records = [json.loads(line) for line in first.stdout.splitlines()]
    assert [(r["node_id"], r["text"]) for r in records] == [
        ("nHx4Tb1CNTRL", "alice@prod-db:~$ echo 'sudo systemctl restart nginx'"),
        ("nHx4Tb1CNTRL", "sudo systemctl restart nginx"),
    ]
    assert records[0]["path"] == "s3://rec/nHx4Tb1CNTRL/2026-11-20T09:15:02Z.cast"
    again = cli(bucket, "grep", "sudo", "s3://rec", "--user", "alice")
    assert again.returncode == 0
    assert "(0 indexed now" in again.stderr
    assert len(again.stdout.splitlines()) == 2


def test_cat_an_object(bucket):
    result = cli(bucket, "cat", "s3://rec/nHx4Tb1CNTRL/2026-11-20T09:15:02.5Z.cast", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["node_id"] == "nHx4Tb1CNTRL"
    assert records[0]["path"] == "s3://rec/nHx4Tb1CNTRL/2026-11-20T09:15:02.5Z.cast"
    assert any("deploy notes" in r["text"] and r["screen"] == "alternate" for r in records)
