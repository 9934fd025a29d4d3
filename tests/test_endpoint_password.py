"""A user and password in --endpoint-url never reach stdout or stderr."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from castview.sources.s3_url import without_userinfo

CASTVIEW = Path(sys.executable).parent / "castview"
PASSWORD = "PaSsWoRd"


def test_without_userinfo():
    assert without_userinfo("cannot reach http://usr:PaSsWoRd@127.0.0.1:5917/b (x) or https://u@h/") \
        == "cannot reach http://127.0.0.1:5917/b (x) or https://h/"
    assert without_userinfo("s3://bucket/a@b.cast") == "s3://bucket/a@b.cast"


@pytest.mark.parametrize("command", [["grep", "sudo"], ["index"], ["ls"]])
def test_the_endpoints_password_is_never_printed(tmp_path, command):
    with socket.socket() as closed:  # bound, not listening: connections are refused at once
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TSRECORDER_"))}
        env.update({"CASTVIEW_CACHE_DIR": str(tmp_path), "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s",
                    "COLUMNS": "300"})
        done = subprocess.run([str(CASTVIEW), *command, "s3://recordings/node/", "--endpoint-url",
                               f"http://usr:{PASSWORD}@127.0.0.1:{port}"],
                              capture_output=True, text=True, env=env, timeout=120)
    assert "cannot reach the S3 endpoint" in done.stderr, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
