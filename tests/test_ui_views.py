"""Pilot tests of the browser's views (issue 13), names, cut rows and the no-match line (issue
12), and of updating rows without rebuilding the tree (issue 17), at 80x24 and 200x50."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from test_node_names import GW, STATUS, printing
from test_ui_helpers import SAMPLES, listed, make_app, wait_for

pytestmark = pytest.mark.anyio

SIZES = [(80, 24), (200, 50)]


def tree_of(app):
    from castview.ui.widgets.recording_tree import RecordingTree

    return app.screen.query_one(RecordingTree)


def visible(app) -> list[str]:
    """The tree's rows as drawn, and the column header above them."""
    from textual.widgets import Static

    tree = tree_of(app)
    header = str(app.screen.query_one("#tree-header", Static).content)
    return [header] + [tree.render_line(y).text.rstrip() for y in range(tree.size.height)]


def leaves(tree) -> list:
    from castview.sources.catalog import RecordingSummary

    return [node.data for node in tree._tree_nodes.values() if isinstance(node.data, RecordingSummary)]


async def loaded(pilot, app) -> None:
    await wait_for(pilot, lambda: listed(app) > 0, what="the recordings")
    tree = tree_of(app)
    await wait_for(pilot, lambda: leaves(tree) and all(d.status != "pending" for d in leaves(tree)),
                   what="the headers")


@pytest.mark.parametrize("size", SIZES)
async def test_each_view_with_its_columns(ui_env, size):
    app = make_app(SAMPLES, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot, app)
        tree = tree_of(app)
        count = len(leaves(tree))
        seen = {}
        for view in ("user", "connection", "time", "node"):
            await pilot.press("v")
            await pilot.pause()
            assert tree.view == view
            assert len(leaves(tree)) == count  # every recording in every view
            lines = visible(app)
            seen[view] = lines
            assert lines[0].lstrip().startswith("START (local)") and "DUR" in lines[0]
            assert all(len(line) <= size[0] for line in lines[1:])
        assert any("alice@example.com  (" in line for line in seen["user"])
        assert any("ssh-conn-" in line for line in seen["connection"])
        flat = [line for line in seen["time"][2:] if line.strip()]
        assert all(not line.lstrip("├└│ ").startswith("▼") for line in flat)  # no sections in the timeline
        assert any("nHx4Tb1CNTRL  (3)" in line for line in seen["node"])
        if size[0] == 200:
            assert "NODE" in seen["user"][0] and "CLIENT HOST" in seen["user"][0]
            assert "USER" not in seen["user"][0].split("SSH USER")[0]  # the user view's sections say it


async def test_sorting_keys(ui_env):
    app = make_app(SAMPLES, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(200, 50)) as pilot:
        await loaded(pilot, app)
        tree = tree_of(app)
        await pilot.press("v", "v", "v")  # the timeline: one list to check the order of
        assert tree.view == "time"
        source = tree.root.children[0]

        def order():
            return [leaf.data for leaf in source.children]

        assert [r.start_ns for r in order()] == sorted((r.start_ns for r in order()), reverse=True)
        await pilot.press("o")
        assert tree.sort == "duration"
        assert [r.duration for r in order()] == sorted((r.duration for r in order()), reverse=True)
        await pilot.press("o")
        assert tree.sort == "size"
        assert [r.ref.size for r in order()] == sorted(r.ref.size for r in order())[::-1]
        await pilot.press("O")
        assert tree.reverse and [r.ref.size for r in order()] == sorted(r.ref.size for r in order())
        assert "timeline, by size ↑" in str(app.screen.query_one("#browser-status").content)


@pytest.mark.parametrize("size", SIZES)
async def test_rows_too_wide_end_in_an_ellipsis(ui_env, size):
    app = make_app(SAMPLES, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=size) as pilot:
        await loaded(pilot, app)
        tree = tree_of(app)
        room = tree.scrollable_content_region.width
        rows = [line for line in visible(app)[1:] if line.strip()]
        cut = [line for line in rows if len(line) >= room - 1]
        assert all(line.rstrip().endswith("…") for line in cut)
        if size[0] == 80:
            assert cut  # at 80 columns the rows do not fit: cut visibly, not silently


async def test_a_filter_with_no_match_says_so(ui_env):
    app = make_app(SAMPLES, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot, app)
        await pilot.press("slash", *"zzzq")
        await wait_for(pilot, lambda: tree_of(app).filter == "zzzq", what="the filter")
        assert visible(app)[0].startswith("no recordings match zzzq")
        await pilot.press("escape")
        await pilot.pause()
        assert visible(app)[0].lstrip().startswith("START")


async def test_names_from_tailscale_in_the_tree_filter_and_detail(ui_env, tmp_path, monkeypatch):
    root = tmp_path / "dst"
    header = {"version": 2, "width": 80, "height": 24, "srcNode": "laptop", "srcNodeUser": "u@example.com"}
    (root / GW).mkdir(parents=True)
    (root / GW / "2026-11-20T09:00:00Z.cast").write_text(json.dumps(header) + "\n[0.5, \"o\", \"hi\"]\n")
    (root / "nOTHERxCNTRL").mkdir()
    (root / "nOTHERxCNTRL" / "2026-11-20T09:00:00Z.cast").write_text(json.dumps(header) + "\n")
    printing(tmp_path / "bin", STATUS)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    app = make_app(root, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot, app)
        tree = tree_of(app)
        await wait_for(pilot, lambda: GW in tree.names, what="the names")
        await pilot.pause()
        assert any(f"api-gw-2  {GW}  (1)" in line for line in visible(app))
        tree.set_filter("api-gw")
        await pilot.pause()
        assert [rec.node_id for rec in leaves(tree)] == [GW]
        tree.put_cursor(tree._leaves[next(iter(tree._leaves))])
        await pilot.pause()
        assert f"api-gw-2 ({GW})" in str(app.screen.query_one("#browser-detail").content)


async def test_updating_a_row_relabels_only_that_row(ui_env):
    """A summary that keeps its place changes one label: no other row is relabelled and the
    tree's lines are not rebuilt."""
    app = make_app(SAMPLES, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot, app)
        tree = tree_of(app)
        await pilot.pause()
        lines = tree._tree_lines
        before = {loc: leaf.label for loc, leaf in tree._leaves.items()}
        target = next(rec for rec in leaves(tree) if rec.status == "ok")
        tree.update_summaries([replace(target, status="live")])
        await pilot.pause()
        changed = [loc for loc, leaf in tree._leaves.items() if leaf.label is not before[loc]]
        assert changed == [target.ref.location]
        assert "● live" in tree._leaves[target.ref.location].label.plain
        assert tree._tree_lines is lines
