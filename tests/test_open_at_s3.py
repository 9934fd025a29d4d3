"""Moments of a recording in an S3 bucket (moto's real server): `export --at`, links and
`open --at` refusing a moment outside the object, with its span; provenance names the URL."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("moto")
sys.path.insert(0, str(Path(__file__).parent))
from s3_server import ADMIN_KEY, ADMIN_SECRET, MotoS3  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "sample_casts"
KEY = "nK8mXc7CNTRL/2026-11-24T07:12:33.31415Z.cast"
URL = f"s3://rec/{KEY}"


@pytest.fixture(scope="module")
def bucket(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("open-at-s3")
    server = MotoS3().start()
    server.create_bucket("rec")
    server.put_tree("rec", SAMPLES)
    home = tmp / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TSRECORDER_", "CASTVIEW_"))}
    env.update(AWS_ACCESS_KEY_ID=ADMIN_KEY, AWS_SECRET_ACCESS_KEY=ADMIN_SECRET, AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=str(home / "none"), AWS_SHARED_CREDENTIALS_FILE=str(home / "none"),
               AWS_EC2_METADATA_DISABLED="true", HOME=str(home), CASTVIEW_CACHE_DIR=str(tmp / "cache"),
               CASTVIEW_CONFIG_DIR=str(tmp / "config"), COLUMNS="300", TZ="UTC")
    yield server, env
    server.stop()


def cli(bucket, *args: str) -> subprocess.CompletedProcess:
    server, env = bucket
    return subprocess.run([sys.executable, "-m", "castview", *args, "--endpoint-url", server.endpoint], env=env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_export_an_object_at_a_wall_clock_moment_with_provenance(bucket):
    local = cli(bucket, "export", str(SAMPLES / KEY), "--at", "3.68585")
    remote = cli(bucket, "export", URL, "--at", "2026-11-24T07:12:37Z", "--provenance")
    assert remote.returncode == 0, remote.stderr
    header, _, screen = remote.stdout.partition("\n\n")
    assert screen == local.stdout
    assert f"# recording      {URL}" in header
    assert hashlib.sha256((SAMPLES / KEY).read_bytes()).hexdigest() in header


@pytest.mark.parametrize("args", [(URL, "--at", "99:00"), (f"{URL}@2026-11-24T08:00:00Z",)])
def test_open_an_object_outside_it_fails_naming_its_span(bucket, args):
    result = cli(bucket, "open", *args)
    assert result.returncode == 1, result.stderr
    assert URL in result.stderr and "it runs 0:00 to 0:12.576340244" in result.stderr
