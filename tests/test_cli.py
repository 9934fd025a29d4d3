"""The command line as a user runs it: the real `castview` entry point in a subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_casts"
PUBLIC = Path(__file__).parent / "data" / "public"
CASTVIEW = Path(sys.executable).parent / "castview"
CACHE = tempfile.mkdtemp(prefix="castview-cli-cache-")


def run(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "TSRECORDER_DST"}
    full_env.update({"CASTVIEW_CACHE_DIR": CACHE, "COLUMNS": "200", **(env or {})})
    return subprocess.run([str(CASTVIEW), *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def listing():
    result = run("ls", str(SAMPLES), "--json")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_ls_json_lists_every_sample_grouped_and_newest_first(listing):
    casts = sorted(SAMPLES.glob("*/*.cast"))
    assert len(listing) == len(casts)
    nodes = [r["node_id"] for r in listing]
    assert nodes == sorted(nodes, key=lambda n: n.lower())  # grouped, one run per node
    for node in set(nodes):
        starts = [r["start_ns"] for r in listing if r["node_id"] == node]
        assert starts == sorted(starts, reverse=True)
    keys = set(listing[0])
    assert {"node_id", "path", "start", "duration", "size", "status", "src_node", "src_node_user", "src_node_tags",
            "ssh_user", "local_user", "command"} <= keys
    assert all(set(r) == keys for r in listing)  # stable keys


def test_ls_keeps_user_ids_above_2_53_exact(listing):
    raw = run("ls", str(SAMPLES), "--json").stdout
    assert "30585448562688899" in raw and "9007199254740993" in raw
    assert any(r["src_node_user_id"] == 9007199254740993 for r in listing)


def test_ls_marks_damage_and_skips_non_recordings(listing):
    by_name = {Path(r["path"]).name: r for r in listing}
    assert by_name["2026-11-22T08:00:00.1Z.cast"]["status"] == "truncated"
    assert not any("check-write-access" in r["path"] or r["path"].endswith(".event") for r in listing)


def test_ls_human_table_per_node():
    result = run("ls", str(SAMPLES))
    assert result.returncode == 0
    assert "nHx4Tb1CNTRL" in result.stdout and "⚠ truncated" in result.stdout
    assert "\x1b" not in result.stdout  # not a terminal: no colour codes


def test_ls_empty_directory_exits_0_with_a_message(tmp_path):
    result = run("ls", str(tmp_path))
    assert result.returncode == 0
    assert "No recordings found" in result.stdout


def test_default_source_is_named(tmp_path):
    result = run("ls", "--json")  # commands never fall back to the samples (test_no_source.py)
    assert result.returncode == 1 and "TSRECORDER_DST" in result.stderr
    result = run("ls", env={"TSRECORDER_DST": str(tmp_path)})
    assert f"using $TSRECORDER_DST ({tmp_path})" in result.stderr


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*/*.cast")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_info_on_every_sample(path):
    result = run("info", str(path), "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["derived"]["events"] > 0 and info["derived"]["duration"] > 0
    human = run("info", str(path))
    assert human.returncode == 0 and "Raw header" in human.stdout and "Problems" in human.stdout


def test_info_reports_problem_lines_and_kubernetes():
    garbage = SAMPLES / "nDAMAGECNTRL" / "2026-11-22T08:30:00.02Z.cast"
    info = json.loads(run("info", str(garbage), "--json").stdout)
    assert [p["line"] for p in info["problems"]] == [102]
    k8s = next(SAMPLES.glob("nK8mXc7CNTRL/*.cast"))
    info = json.loads(run("info", str(k8s), "--json").stdout)
    assert info["fields"]["Kubernetes pod"] and info["header"]["env"] is None
    assert [(r["cols"], r["rows"]) for r in info["derived"]["resizes"]] == [(100, 30), (80, 24)]  # ROWSxCOLS swapped


def test_not_a_recording_is_one_line_naming_the_file(tmp_path):
    bad = tmp_path / "bad.cast"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n")
    for command in (["info", str(bad)], ["export", str(bad), "--at", "1"]):
        result = run(*command)
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and str(bad) in result.stderr
        assert "Traceback" not in result.stderr


def test_export_text_has_no_escape_sequences_whatever_the_recording_held(tmp_path):
    hostile = tmp_path / "hostile.cast"
    payload = "\x1b]52;c;ZXZpbA==\x07\x1b]0;pwned\x07\x1b[31mred\x9b2J\x1bPqpayload\x1b\\ok\r\n"
    hostile.write_text('{"version":2,"width":40,"height":5}\n' + json.dumps([0.1, "o", payload]) + "\n")
    result = run("export", str(hostile), "--at", "end")
    assert result.returncode == 0
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", result.stdout)
    first = result.stdout.splitlines()[0]
    assert first.startswith("red") and first.endswith("ok") and "payload" not in first and "pwned" not in first


def test_export_formats_to_files(tmp_path):
    rec = PUBLIC / "server-welcome.cast"
    for fmt in ("text", "ansi", "svg", "html"):
        out = tmp_path / f"frame.{fmt}"
        result = run("export", str(rec), "--at", "1:00", "--format", fmt, "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 0 and str(out) in result.stderr
    assert run("export", str(rec), "--at", "1:00", "--format", "pdf").returncode == 2


def test_index_builds_cache_with_progress(tmp_path):
    result = run("index", str(PUBLIC / "server-welcome.cast"), env={"CASTVIEW_CACHE_DIR": str(tmp_path)})
    assert result.returncode == 0
    assert "786 events" in result.stderr
    assert list((tmp_path / "keyframes").glob("*.idx"))


def test_ls_of_ten_thousand_recordings_prints_every_row(tmp_path):
    # Many recordings: a hand-made table, every row printed, aligned columns.
    src = sorted(SAMPLES.glob("nHx4Tb1CNTRL/*.cast"))[0].read_bytes()
    for n in range(20):
        node = tmp_path / f"n{n:06d}xCNTRL"
        node.mkdir()
        for i in range(100):
            (node / f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:{i % 60:02d}.{n + 1}Z.cast").write_bytes(src)
    result = run("ls", str(tmp_path))
    assert result.returncode == 0
    rows = [line for line in result.stdout.splitlines() if line.startswith("2026-")]
    assert len(rows) == 2000
    assert len({line.index("KB") for line in rows}) == 1  # the SIZE column lines up
