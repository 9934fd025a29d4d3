"""Pilot tests of the browser: lazy filling, the filter, opening recordings."""

from __future__ import annotations

import json
import os

import pytest

from test_ui_helpers import PUBLIC, SAMPLES, listed, make_app, wait_for

pytestmark = pytest.mark.anyio


def leaves(tree) -> list:
    return [leaf.data for s in tree.root.children for g in s.children for leaf in g.children]


def make_many(root, count: int) -> None:
    """`count` tiny recordings over 10 nodes, tsrecorder layout."""
    root.mkdir()
    header = {"version": 2, "width": 80, "height": 24, "srcNode": "laptop", "srcNodeUser": "u@example.com"}
    for i in range(count):
        node = root / f"nNode{i % 10}CNTRL"
        node.mkdir(exist_ok=True)
        name = f"2024-01-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{(i // 60) % 60:02d}.{i:06d}Z.cast"
        (node / name).write_text(json.dumps(header) + "\n" + json.dumps([0.5, "o", f"hello {i}\r\n"]) + "\n")


async def test_thousands_listed_at_once_then_filled_in(ui_env, tmp_path):
    from castview.ui.messages import RecordingsListed, RecordingsSummarized
    from castview.ui.widgets.recording_tree import RecordingTree

    make_many(tmp_path / "many", 1500)
    seen: list[str] = []
    pending_seen = []

    def hook(message) -> None:
        if isinstance(message, (RecordingsListed, RecordingsSummarized)):
            seen.append(type(message).__name__)

    app = make_app(tmp_path / "many", tmp_path=ui_env)
    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        tree = None

        def all_listed() -> bool:
            nonlocal tree
            try:
                tree = app.screen.query_one(RecordingTree)
            except Exception:
                return False
            if tree.total == 1500:
                pending_seen.append(sum(1 for d in leaves(tree) if d.status == "pending"))
                return True
            return False

        await wait_for(pilot, all_listed, what="the listing")
        await pilot.press("down")  # input is served while headers load
        await wait_for(pilot, lambda: all(d.status != "pending" for d in leaves(tree)), timeout=60, what="the headers")
        assert len(leaves(tree)) == 1500
        assert seen.index("RecordingsListed") < len(seen) - 1 - seen[::-1].index("RecordingsSummarized")
        assert all(d.header is not None and d.duration == 0.5 for d in leaves(tree))
        # ten nodes, each a group; big groups start folded
        groups = [g for s in tree.root.children for g in s.children]
        assert len(groups) == 10
        assert "(150)" in groups[0].label.plain


async def test_samples_grouped_by_node_with_marks(ui_env):
    from castview.ui.widgets.recording_tree import RecordingTree

    app = make_app(SAMPLES, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: listed(app) > 0, what="the recordings")
        tree = app.screen.query_one(RecordingTree)
        await wait_for(pilot, lambda: all(d.status != "pending" for d in leaves(tree)), what="the headers")
        groups = [g for s in tree.root.children for g in s.children]
        node_ids = {g.data.key for g in groups}
        assert node_ids == {p.name for p in SAMPLES.iterdir() if p.is_dir()}
        for g in groups:
            assert f"({len(g.children)})" in g.label.plain
            assert "from " in g.label.plain  # the client hostname from the headers


async def test_filter_by_user_host_command_and_date(ui_env, tmp_path):
    from castview.ui.widgets.recording_tree import RecordingTree

    app = make_app(PUBLIC, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: listed(app) == 11, what="the recordings")
        tree = app.screen.query_one(RecordingTree)
        await wait_for(pilot, lambda: all(d.status != "pending" for d in leaves(tree)), what="the headers")
        await pilot.press("slash")
        await pilot.press(*"htop")
        await pilot.pause(0.1)
        assert [d.ref.name for d in leaves(tree)] == ["termtosvg-htop.cast"]
        await pilot.press("enter")  # back to the tree, on the match
        await pilot.pause()
        assert tree.has_focus
        assert tree.cursor_node.data.ref.name == "termtosvg-htop.cast"
        await pilot.press("escape")
        await pilot.pause()
        assert len(leaves(tree)) == 11
        await pilot.press("slash", *"nomatchatall")
        await pilot.pause(0.1)
        assert leaves(tree) == []
        await pilot.press("escape")
        await pilot.pause()
        assert len(leaves(tree)) == 11


async def test_filter_matches_header_fields(ui_env, tmp_path):
    from castview.ui.widgets.recording_tree import RecordingTree

    app = make_app(SAMPLES, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: listed(app) > 0, what="the recordings")
        tree = app.screen.query_one(RecordingTree)
        await wait_for(pilot, lambda: all(d.status != "pending" for d in leaves(tree)), what="the headers")
        everything = leaves(tree)
        for query in ("carol", "bob-desktop", "tag:ci", "2026-11-20", "make ci"):
            tree.set_filter(query)
            await pilot.pause()
            shown = leaves(tree)
            assert shown, query
            assert len(shown) < len(everything), query


async def test_enter_opens_the_highlighted_recording(ui_env):
    from castview.ui.screens.player import PlayerScreen
    from castview.ui.widgets.recording_tree import RecordingTree

    app = make_app(PUBLIC, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: listed(app) == 11, what="the recordings")
        tree = app.screen.query_one(RecordingTree)
        await wait_for(pilot, lambda: tree.cursor_node is not None and hasattr(tree.cursor_node.data, "ref"))
        chosen = tree.cursor_node.data
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen))
        assert app.screen.summary.ref.location == chosen.ref.location
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_damaged_recording_is_listed_with_its_problem(ui_env, tmp_path):
    from castview.ui.widgets.recording_tree import RecordingTree

    src = tmp_path / "src"
    src.mkdir()
    (src / "good.cast").write_text('{"version": 2, "width": 80, "height": 24}\n[0.1, "o", "hi"]\n')
    (src / "bad.cast").write_text("garbage\n")
    old = 1_000_000_000
    for p in src.iterdir():
        os.utime(p, (old, old))
    app = make_app(src, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: listed(app) == 2, what="the recordings")
        tree = app.screen.query_one(RecordingTree)
        await wait_for(pilot, lambda: all(d.status != "pending" for d in leaves(tree)), what="the headers")
        bad = next(leaf for g in tree.root.children[0].children for leaf in g.children
                   if leaf.data.ref.name == "bad.cast")
        assert bad.data.status == "damaged"
        assert "damaged" in bad.label.plain
        assert "bad.cast:1" in bad.label.plain


async def test_source_that_does_not_exist(ui_env, tmp_path):
    app = make_app(tmp_path / "nowhere", tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: any("nowhere" in n.message for n in app._notifications), what="the error")  # noqa: SLF001
        assert "1 error" in str(app.screen.query_one("#browser-status").render())
