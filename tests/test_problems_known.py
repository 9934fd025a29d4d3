"""Once a full read finds a recording damaged, every view says so (issue 12, item 6):
the problem store, `ls`/`ls --json`/`info` after `info`, `index`, `grep`, and the browser
once the player found it; a cut-off last line is a problem in `info` as in the player."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from castview.cast.model import Problem
from castview.problem_store import FOLDER, INCOMPLETE_LINE, ProblemStore, incomplete_line_problem
from castview.term.fingerprint import Fingerprint
from test_ui_helpers import SAMPLES, listed, make_app, wait_for

CASTVIEW = Path(sys.executable).parent / "castview"
DAMAGED = SAMPLES / "nDAMAGECNTRL" / "2026-11-22T08:30:00.02Z.cast"  # garbage at line 102
CUT_OFF = SAMPLES / "nDAMAGECNTRL" / "2026-11-22T08:00:00.1Z.cast"  # its last line is cut off


def test_the_store_keeps_problems_for_the_version_they_were_found_in(tmp_path):
    store = ProblemStore(tmp_path)
    fp = Fingerprint(1000, 12.5, "inode 1", "h", "t")
    problems = [Problem(102, "not an event"), Problem(None, "bad header")]
    store.record("/r/a.cast", fp, problems)
    assert store.known("/r/a.cast", 1000, 12.5) == tuple(problems)
    assert store.known("/r/a.cast", 1001, 12.5) == ()  # it grew or was rewritten since
    assert store.known("/r/a.cast", 1000, 13.0) == ()
    assert store.known("/r/b.cast", 1000, 12.5) == ()
    store.record("/r/c.cast", fp, [])  # nothing found: nothing kept
    assert len(os.listdir(tmp_path / FOLDER)) == 1


@pytest.mark.parametrize("junk", [b"", b"{", b"[]", b'{"format": 1}', b"\xff" * 10, b" " * (1 << 17),
                                  b'{"format":1,"key":"/r/a.cast","size":1000,"mtime":12.5,"problems":[{"line":"x",'
                                  b'"message":"m"}]}'])
def test_an_entry_that_does_not_read_is_ignored(tmp_path, junk):
    store = ProblemStore(tmp_path)
    store.record("/r/a.cast", Fingerprint(1000, 12.5), [Problem(1, "x")])
    (entry,) = (tmp_path / FOLDER).iterdir()
    entry.write_bytes(junk)
    assert store.known("/r/a.cast", 1000, 12.5) == ()


def test_a_cut_off_last_line_is_a_problem_unless_live(tmp_path):
    finished, live = tmp_path / "finished.cast", tmp_path / "live.cast"
    shutil.copyfile(CUT_OFF, finished)
    os.utime(finished, (1_000_000_000, 1_000_000_000))  # long done: not being written
    # Being written: its events end about now (the header's start moved so).
    lines = CUT_OFF.read_bytes().split(b"\n")
    header, last = json.loads(lines[0]), json.loads(lines[-2])
    header["timestamp"] = int(time.time() - last[0])
    live.write_bytes(b"\n".join([json.dumps(header).encode(), *lines[1:]]))
    found = json.loads(cli("info", "--json", str(finished), cache=tmp_path / "cache").stdout)
    line = len(CUT_OFF.read_bytes().splitlines())  # the last line
    assert found["problems"] == [{"line": line, "message": INCOMPLETE_LINE}]
    still = json.loads(cli("info", "--json", str(live), cache=tmp_path / "cache").stdout)
    assert still["problems"] == [] and still["incomplete_last_line"]
    assert incomplete_line_problem(line).message == INCOMPLETE_LINE  # what the player shows


def cli(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSRECORDER_")}
    env.update({"CASTVIEW_CACHE_DIR": str(cache), "COLUMNS": "200"})
    return subprocess.run([str(CASTVIEW), *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def node(tmp_path) -> Path:
    folder = tmp_path / "recs" / "nDAMAGECNTRL"
    shutil.copytree(SAMPLES / "nDAMAGECNTRL", folder)
    return folder


def statuses(folder: Path, cache: Path) -> dict[str, str]:
    done = cli("ls", str(folder), "--json", cache=cache)
    assert done.returncode == 0, done.stderr
    return {Path(r["path"]).name: r["status"] for r in map(json.loads, done.stdout.splitlines())}


@pytest.mark.parametrize("finder", [["info"], ["index"], ["grep", "anything"], ["export", "--at", "end"]])
def test_a_full_read_marks_the_recording_damaged_in_every_listing(node, tmp_path, finder):
    cache = tmp_path / "cache"
    target = node / DAMAGED.name
    assert statuses(node, cache)[DAMAGED.name] == "ok"  # a listing reads only the header and last line
    command, *rest = finder
    spec = [str(node)] if command == "grep" else [str(target)]
    cli(command, *rest, *spec, cache=cache)
    assert statuses(node, cache) == {DAMAGED.name: "damaged", CUT_OFF.name: "truncated"}
    human = cli("ls", str(node), cache=cache).stdout
    assert "⚠ damaged" in human
    info = json.loads(cli("info", str(target), "--json", cache=cache).stdout)
    assert info["status"] == "damaged" and [p["line"] for p in info["problems"]] == [102]
    target.write_bytes(target.read_bytes().replace(b"GARBAGE", b"garbage"))  # another version
    assert statuses(node, cache)[DAMAGED.name] == "ok"


def test_piped_info_is_not_wrapped(tmp_path):
    done = cli("info", str(CUT_OFF), cache=tmp_path / "cache")
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    narrow = subprocess.run([str(CASTVIEW), "info", str(CUT_OFF)], capture_output=True, text=True, timeout=120,
                            env={**env, "CASTVIEW_CACHE_DIR": str(tmp_path / "cache")})
    for out in (done.stdout, narrow.stdout):
        lines = out.splitlines()
        assert lines[0] == str(CUT_OFF)
        assert f"{CUT_OFF}:{len(CUT_OFF.read_bytes().splitlines())}: {INCOMPLETE_LINE}" in lines


pytestmark = pytest.mark.anyio


async def test_the_browser_marks_what_the_player_found(ui_env, node):
    from castview.ui.screens.player import PlayerScreen
    from castview.ui.widgets.recording_tree import RecordingTree

    app = make_app(node.parent, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: listed(app) == 2, what="the recordings")
        tree = app.screen.query_one(RecordingTree)

        def row(name: str):  # type: ignore[no-untyped-def]
            return next(leaf for s in tree.root.children for g in s.children for leaf in g.children
                        if getattr(leaf.data, "ref", None) is not None and leaf.data.ref.name == name)

        await wait_for(pilot, lambda: row(DAMAGED.name).data.status == "ok", what="the headers")
        assert "damaged" not in row(DAMAGED.name).label.plain
        tree.move_cursor(row(DAMAGED.name))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen), what="the player")
        await wait_for(pilot, lambda: "damaged" in row(DAMAGED.name).label.plain, timeout=30,
                       what="the damage mark in the browser")
        await pilot.press("q")
        await wait_for(pilot, lambda: not isinstance(app.screen, PlayerScreen))
        assert "⚠ damaged" in row(DAMAGED.name).label.plain
        await pilot.press("q")
