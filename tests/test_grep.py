"""Search across recordings: `castview grep` and `castview ls` filters on the samples."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from castview.analysis.pack import Pack
from castview.search import Query, search_recordings
from castview.sources.catalog import build_catalog
from castview.sources.local import LocalSource

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_casts"
CASTVIEW = Path(sys.executable).parent / "castview"
N_CASTS = len(list(SAMPLES.glob("*/*.cast")))


def run(*args: str, cache: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("TSRECORDER_DST", "TSRECORDER_BUCKET")}
    full.update({"CASTVIEW_CACHE_DIR": str(cache), "COLUMNS": "200", "TZ": "UTC", **(env or {})})
    return subprocess.run([str(CASTVIEW), *args], capture_output=True, text=True, env=full, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("grep-cache")


@pytest.fixture(scope="module")
def first_grep(cache):
    """The first grep over the samples, which builds every search index."""
    return run("grep", "sudo", str(SAMPLES), cache=cache)


def test_grep_prints_node_recording_time_and_line(first_grep):
    assert first_grep.returncode == 0, first_grep.stderr
    assert first_grep.stdout.splitlines() == [  # times exact: `export --at` of one shows its frame
        "nHx4Tb1CNTRL  2026-11-20T09:15:02Z.cast  0:32.319288911  alice@prod-db:~$ echo 'sudo systemctl restart nginx'",
        "nHx4Tb1CNTRL  2026-11-20T09:15:02Z.cast  0:35.314024411  sudo systemctl restart nginx",
    ]
    assert "\x1b" not in first_grep.stdout


def test_second_grep_reuses_the_search_indexes(first_grep, cache):
    assert f"({N_CASTS} indexed now, 0 from the cache)" in first_grep.stderr  # damaged ones too
    files = sorted((cache / "search").rglob("*.*"))
    assert sum(len(Pack(f).names()) if f.suffix == ".pack" else 1 for f in files) == N_CASTS
    mtimes = [f.stat().st_mtime_ns for f in files]
    again = run("grep", "restart nginx", str(SAMPLES), cache=cache)
    assert again.returncode == 0
    assert "(0 indexed now" in again.stderr
    assert [f.stat().st_mtime_ns for f in sorted((cache / "search").rglob("*.*"))] == mtimes


def test_grep_json_lines(cache):
    result = run("grep", "deploy notes", str(SAMPLES), "--json", cache=cache)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["screen"] for r in records} == {"main", "alternate"}  # in nano and in `cat` after it
    for r in records:
        assert r["node_id"] == "nHx4Tb1CNTRL"
        assert r["path"].endswith("2026-11-20T09:15:02.5Z.cast")
        assert r["user"] == "alice@example.com" and r["connection_id"]
        assert r["match"] == "deploy notes" and "deploy notes" in r["text"]
        assert r["col_end"] - r["col_start"] == len("deploy notes")
        assert r["timestamp"].startswith("2026-11-20T09:15:")


def test_grep_finds_nothing_in_escape_noise(cache):
    for noise in ("[0m", "1049", "[?2004"):
        result = run("grep", noise, str(SAMPLES), cache=cache)
        assert result.returncode == 1, noise
        assert result.stdout == ""


def test_grep_with_filters(cache):
    carol = run("grep", "-i", "error", str(SAMPLES), "--user", "carol", cache=cache)
    assert carol.returncode == 0
    assert {line.split()[0] for line in carol.stdout.splitlines()} == {"nWp2Lr8CNTRL"}
    assert "of 3 recordings" in carol.stderr  # vim, less and htop; the old session is alice's
    nobody = run("grep", "sudo", str(SAMPLES), "--node", "nWp2*", cache=cache)
    assert nobody.returncode == 1 and nobody.stdout == ""
    dated = run("grep", "exit", str(SAMPLES), "--since", "2026-11-21", "--until", "2026-11-21T12:00:00Z", cache=cache)
    assert {line.split()[1] for line in dated.stdout.splitlines()} == {
        "2026-11-21T11:30:17.123Z.cast", "2026-11-21T11:31:02.9876543Z.cast"}
    regex = run("grep", "--regex", r"tput (cols|lines)", str(SAMPLES), "--host", "alice-mbp", cache=cache)
    assert regex.returncode == 1  # bob ran tput, from another machine
    bad = run("grep", "(", str(SAMPLES), "--regex", cache=cache)
    assert bad.returncode == 2 and "bad regular expression" in bad.stderr


def test_ls_filters(cache):
    def paths(*args: str) -> list[str]:
        result = run("ls", str(SAMPLES), "--json", *args, cache=cache)
        assert result.returncode == 0, result.stderr
        return [Path(json.loads(line)["path"]).name for line in result.stdout.splitlines()]

    assert len(paths()) == N_CASTS
    assert sorted(paths("--user", "bob")) == ["2026-11-21T11:30:17.123Z.cast", "2026-11-21T11:31:02.9876543Z.cast",
                                              "2026-11-21T16:45:59.000000001Z.cast"]
    assert paths("--user", "tag:ci") == paths("--command", "make") == ["2026-11-21T02:00:00.48Z.cast"]
    assert paths("--host", "ci-runner*") == ["2026-11-21T02:00:00.48Z.cast"]
    assert paths("--host", "api-7d9f8c6b5") == ["2026-11-24T07:12:33.31415Z.cast"]  # the Kubernetes pod
    assert sorted(paths("--node", "nHx4")) == sorted(p.name for p in (SAMPLES / "nHx4Tb1CNTRL").glob("*.cast"))
    assert paths("--since", "2026-11-24", "--until", "2026-11-24") == ["2026-11-24T07:12:33.31415Z.cast"]
    assert paths("--until", "2026-11-04") == ["2026-11-03T08:44:19.7Z.cast"]
    empty = run("ls", str(SAMPLES), "--user", "mallory", cache=cache)
    assert "No recordings found that match the filters." in empty.stdout
    bad = run("ls", str(SAMPLES), "--since", "someday", cache=cache)
    assert bad.returncode == 2 and "not a date" in bad.stderr


@pytest.mark.parametrize("processes", [False, True])
def test_search_recordings_api(tmp_path, processes):
    tree = tmp_path / "tree"
    shutil.copytree(SAMPLES / "nHx4Tb1CNTRL", tree / "nHx4Tb1CNTRL", ignore=shutil.ignore_patterns("events"))
    shutil.copytree(SAMPLES / "nWp2Lr8CNTRL", tree / "nWp2Lr8CNTRL")
    sources = [LocalSource(tree)]
    catalog = build_catalog(sources)
    seen = []
    results = list(search_recordings(sources, catalog.recordings, Query("exit"), cache_dir=tmp_path / "cache",
                                     jobs=2, processes=processes, progress=lambda d, t: seen.append((d, t))))
    assert [r.recording for r in results] == catalog.recordings  # in order, one per recording
    assert all(r.built and r.error is None for r in results)
    assert seen[-1] == (len(results), len(results))
    assert all(any(m.line_text.endswith("$ exit") for m in r.matches) for r in results)
    again = list(search_recordings(sources, catalog.recordings, Query("exit"), cache_dir=tmp_path / "cache"))
    assert [r.matches for r in again] == [r.matches for r in results]
    assert not any(r.built for r in again)


def test_output_never_carries_control_or_bidi_characters(tmp_path):
    hostile = tmp_path / "hostile.cast"
    chunks = ["evil \u202egnp.exe\r\n", "\x1b]52;c;ZXZpbA==\x07clip\r\n", "c1 \u009b31mred\u009b0m\r\n",
              "bell\x07 nul\x00 del\x7f x\r\n", "\x1bP+q544e\x1b\\dcs\r\n", "iso \u2066e\u2069 \u2028 done\r\n"]
    with open(hostile, "w") as f:
        f.write(json.dumps({"version": 2, "width": 80, "height": 24, "srcNodeUser": "e\u202eve\x1b[31m"}) + "\n")
        for i, data in enumerate(chunks):
            f.write(json.dumps([i * 0.1, "o", data]) + "\n")
    bad = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
    cache = tmp_path / "cache"
    for args in (("cat", str(hostile)), ("cat", str(hostile), "-t"), ("grep", "e", str(hostile)),
                 ("grep", "-i", "E", str(hostile), "--json")):
        result = run(*args, cache=cache)
        assert result.returncode == 0, result.stderr
        assert "e" in result.stdout
        assert not bad.search(result.stdout), (args, result.stdout)
    jsonl = run("cat", str(hostile), "-f", "jsonl", cache=cache).stdout
    assert jsonl.isascii() and not bad.search(jsonl)
    assert all(not bad.search(json.loads(line)["text"]) for line in jsonl.splitlines())
