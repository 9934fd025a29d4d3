"""`castview ls`'s plain front end (cli/plain.py) against the typer command: over the same
trees (hostile headers and names, files that are not regular, an S3 bucket) and the same
command lines (every option, good and bad values, options typer alone knows), both give
the same stdout, stderr and exit status; and the plain one takes the usual command lines
itself (without importing typer) and leaves the rest to typer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import _env, write_good, write_not_regular, write_regular_inputs, write_undecodable_name
from .markup_tree import write_markup_tree

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_casts"

BOTH = r"""
import io, json, sys, traceback
import castview.cli as cli
import castview.cli.typer_app as typer_app

real_typer_main = typer_app.main
took = []

def typer_took_it():
    took.append(True)
    real_typer_main()

typer_app.main = typer_took_it

def run(entry, argv):
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    saved = sys.argv, sys.stdout, sys.stderr
    sys.argv, sys.stdout, sys.stderr = ["castview", "ls", *argv], out, err
    took.clear()
    code = None
    try:
        entry()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        err.buffer.write(traceback.format_exc().encode("utf-8", "backslashreplace"))
        code = 99
    finally:
        sys.argv, sys.stdout, sys.stderr = saved
    return {"code": code, "out": out.buffer.getvalue().decode("utf-8", "replace"),
            "err": err.buffer.getvalue().decode("utf-8", "replace"), "typer": bool(took)}

results = []
for argv in json.loads(sys.argv[1]):
    argv = [a.encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape") for a in argv]
    results.append({"plain": run(cli.main, argv), "typer": run(real_typer_main, argv)})
print(json.dumps(results))
"""


def both(lines: list[list[str]], env: dict[str, str]) -> list[dict]:
    """Each `castview ls LINE` through the entry point (plain front end first) and through
    the typer app alone, in one process (the same code paths as one process per line)."""
    done = subprocess.run([sys.executable, "-c", BOTH, json.dumps(lines)], capture_output=True, text=True,
                          env=env, timeout=60 + 10 * len(lines), stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def check_same(lines: list[list[str]], env: dict[str, str]) -> dict[tuple[str, ...], dict]:
    """Asserts both paths printed and exited alike; the plain path's results by line."""
    results = both(lines, env)
    for line, result in zip(lines, results, strict=True):
        plain, typer = result["plain"], result["typer"]
        assert plain["code"] != 99, plain["err"]
        assert (plain["code"], plain["out"], plain["err"]) == (typer["code"], typer["out"], typer["err"]), line
    return {tuple(line): result["plain"] for line, result in zip(lines, results, strict=True)}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Good recordings, hostile headers and inputs, files that are not regular, an
    undecodable name, markup and escapes in names and fields."""
    root = tmp_path / "recordings"
    write_good(root / "nGoodCNTRL")
    write_regular_inputs(root / "nBadCNTRL")
    write_not_regular(root / "nBadCNTRL")
    write_undecodable_name(root / "nOddCNTRL")
    write_markup_tree(root)
    return root


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    cache = tmp_path / "cache"
    cache.mkdir()
    return {**_env(cache), "CASTVIEW_TAILSCALE": "off", "COLUMNS": "120"}


PLAIN_LINES = [
    [], ["--json"], ["-p"], ["--paths", "--json"], ["--by", "user"], ["--by=CONNECTION", "--sort", "duration"],
    ["--by", "time", "--sort", "size", "--reverse"], ["--sort=Size", "--json"], ["--node", "Good"],
    ["--node=[link", "--json"], ["--user", "alice*"], ["--host", "x"], ["--command", "ls"],
    ["--since", "2024-01-02", "--until", "2024-01-03"], ["--live"], ["--unreviewed"], ["--verdict", "ok"],
    ["--json", "--json", "--by", "user", "--by", "node"], ["--node", ""], ["--region", "eu-west-1"],
]
"""Command lines the plain front end takes itself (each after the tree)."""

TYPER_LINES = [
    ["--help"], ["--bogus"], ["-x"], ["--json=1"], ["-p=1"], ["--node"], ["--node", "--json"], ["--", "-p"],
    ["--by", "bogus"], ["--sort", "oldest"], ["--since", "not a day"], ["--verdict", "maybe"],
    ["--unreviewed", "--verdict", "ok"], ["--version"], ["-"], ["-pj"],
]
"""Command lines it leaves to typer (each after the tree): what typer alone says."""


def test_the_same_output_messages_and_status_either_way(tree, env, tmp_path):
    lines = [[str(tree), *args] for args in PLAIN_LINES + TYPER_LINES]
    lines += [
        [str(tree / "nGoodCNTRL" / "2024-01-01T00:00:00Z.cast"), "--json"],  # a file given
        [str(tree), str(tree / "nGoodCNTRL"), "--json"],  # the same recordings twice
        [str(tmp_path / "missing")], [str(tmp_path / "missing"), "--json"], [""],
        [str(tree / "nBadCNTRL" / "2024-03-01T00:00:00Z.cast")],  # a FIFO given
        [os.fsdecode(b"\xff-missing")],
        [str(SAMPLES), "--json", "--sort", "duration", "--reverse"], [str(SAMPLES), "--by", "connection", "-p"],
    ]
    plain = check_same(lines, env)
    for args in PLAIN_LINES:
        assert not plain[(str(tree), *args)]["typer"], args
    for args in TYPER_LINES:
        assert plain[(str(tree), *args)]["typer"], args
    listed = plain[(str(tree), "--json")]
    assert listed["code"] == 0 and len(listed["out"].splitlines()) >= 10
    assert "not a regular file" in listed["err"]


def test_default_sources_and_s3_flags_either_way(tree, env):
    """No SOURCE: $TSRECORDER_DST, --dst (an S3 URL needs --bucket), or a failure; S3 URLs
    that are refused before any request."""
    lines = [[], ["--json"], ["--dst", str(tree)], ["--dst=https://s3.example.com"],
             ["s3://"], ["s3://bucket/../x"], ["s3://b", "--access-key", "AKIA"], ["--bucket", "b"]]
    check_same(lines, env)
    lines = [[], ["--json", "--by", "user"], ["--dst", str(SAMPLES)]]
    plain = check_same(lines, {**env, "TSRECORDER_DST": str(tree)})
    assert "using $TSRECORDER_DST" in plain[()]["err"] and not plain[()]["typer"]
    check_same([[]], {**env, "TSRECORDER_DST": ""})  # empty: not set, as click reads it


def test_an_s3_bucket_either_way(tree, env, tmp_path):
    pytest.importorskip("moto")
    sys.path.insert(0, str(ROOT / "tests"))
    from s3_server import ADMIN_KEY, ADMIN_SECRET, MotoS3

    server = MotoS3().start()
    try:
        server.create_bucket("rec")
        server.put_tree("rec", SAMPLES)
        hostile = b'{"version": 2, "srcNodeUser": "\\u001b]0;x\\u0007"}\n'  # a title-setting escape
        server.put("rec", "nBadCNTRL/2024-01-01T00:00:00Z.cast", hostile)
        home = tmp_path / "home"
        home.mkdir()
        s3_env = {k: v for k, v in env.items() if not k.startswith("AWS_")}
        s3_env.update(AWS_ACCESS_KEY_ID=ADMIN_KEY, AWS_SECRET_ACCESS_KEY=ADMIN_SECRET, AWS_DEFAULT_REGION="us-east-1",
                      AWS_CONFIG_FILE=str(home / "none"), AWS_SHARED_CREDENTIALS_FILE=str(home / "none"),
                      AWS_EC2_METADATA_DISABLED="true", HOME=str(home))
        at = ["--endpoint-url", server.endpoint]
        lines = [["s3://rec", *at], ["s3://rec", "--json", *at], [f"--endpoint-url={server.endpoint}", "s3://rec/nHx4"],
                 ["s3://missing-bucket", *at], ["--dst", server.endpoint, "--bucket", "rec", "--json"],
                 ["s3://rec", str(tree / "nGoodCNTRL"), "--by", "time", *at]]
        plain = check_same(lines, s3_env)
        assert plain[tuple(lines[1])]["out"].count("s3://rec/") >= 4
        assert all(not result["typer"] for result in plain.values())
    finally:
        server.stop()
