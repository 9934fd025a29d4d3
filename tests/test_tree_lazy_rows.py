"""The browser's tree makes a row's label when the row is drawn, not when it is placed (a
view of ten thousand rows shows a screenful), and the app reads thousands of local
headers in a child process: what it shows is the same either way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from castview.cast.model import Problem
from castview.problem_store import ProblemStore
from castview.recording import cache_key
from castview.sources import summary_process
from castview.term.fingerprint import Fingerprint
from test_ui_helpers import SAMPLES, listed, make_app, wait_for
from test_ui_views import leaves, loaded, tree_of, visible

pytestmark = pytest.mark.anyio

NODES = 4
PER_NODE = 40  # under EXPAND_LIMIT: every section open, far more rows than the screen


def many(root: Path) -> Path:
    for i in range(NODES * PER_NODE):
        node = root / f"n{i % NODES:04d}LazyxCNTRL"
        node.mkdir(parents=True, exist_ok=True)
        start = 1_795_000_000 + i * 60
        header = {"version": 2, "width": 80, "height": 24, "timestamp": start, "srcNodeUser": f"u{i % 3}@example.com",
                  "sshUser": "root", "localUser": "root", "connectionID": f"conn-{i // 2}", "command": f"job {i}"}
        stamp = f"2026-11-{1 + i // 100:02d}T{i % 24:02d}:{i % 60:02d}:00Z"
        (node / f"{stamp}.cast").write_text(json.dumps(header) + "\n" + json.dumps([0.5, "o", "hi\r\n"]) + "\n")
    return root


def made(tree) -> int:
    """Rows whose label has been made."""
    return sum(1 for leaf in tree._leaves.values() if leaf._text is not None)


async def test_only_rows_drawn_get_labels(ui_env):
    app = make_app(many(ui_env / "tree"), tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await loaded(pilot, app)
        tree = tree_of(app)
        await pilot.pause()
        assert tree.shown == NODES * PER_NODE
        assert 0 < made(tree) <= tree.size.height
        for key in ("v", "v"):  # by user, by connection: rows placed anew, labels made on screen only
            await pilot.press(key)
            await pilot.pause()
            assert 0 < made(tree) <= tree.size.height
        # A row asked for its label has it, whether drawn or not; drawn, it shows that label.
        last = tree._tree_lines[-1].node
        assert "$ job" in last.label.plain
        await pilot.press("end")
        await pilot.pause()
        assert last.label.plain[:40] in visible(app)[-1]


async def test_an_update_off_screen_makes_no_label(ui_env):
    from dataclasses import replace

    app = make_app(many(ui_env / "tree"), tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await loaded(pilot, app)
        tree = tree_of(app)
        await pilot.pause()
        lines = tree._tree_lines
        hidden = tree._tree_lines[-1].node
        assert hidden._text is None
        tree.update_summaries([replace(hidden.data, status="live")])
        await pilot.pause()
        assert hidden._text is None and tree._tree_lines is lines  # nothing rebuilt, nothing made
        assert "● live" in hidden.label.plain


async def test_the_app_shows_the_same_when_a_child_reads_the_headers(ui_env, monkeypatch):
    async def rows(app, pilot) -> list:
        await loaded(pilot, app)
        await wait_for(pilot, lambda: app.screen._progress[0] == app.screen._progress[1] == listed(app))
        return sorted((rec.ref.location, rec.status, rec.error, rec.duration, rec.start_ns)
                      for rec in leaves(tree_of(app)))

    # A problem a full read found: the child asks the store too.
    damaged = SAMPLES / "nDAMAGECNTRL" / "2026-11-22T08:30:00.02Z.cast"
    st = damaged.stat()
    ProblemStore(ui_env / "cache").record(cache_key(str(damaged)), Fingerprint(st.st_size, st.st_mtime),
                                          [Problem(102, "not an event")])
    app = make_app(SAMPLES, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(100, 30)) as pilot:
        here = await rows(app, pilot)
    monkeypatch.setattr(summary_process, "WORTH_A_PROCESS", 1)
    app = make_app(SAMPLES, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await rows(app, pilot) == here
    assert len(here) > 10 and {status for _, status, *_ in here} == {"ok", "truncated", "damaged"}
