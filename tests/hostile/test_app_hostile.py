"""The app on a tree of hostile recordings (Pilot): the good ones are listed, the bad ones
flagged, the FIFOs named and never opened, and the app keeps running; the player opens a
recording with out-of-range times without falling over."""

from __future__ import annotations

import pytest

from test_ui_helpers import make_app, open_player, wait_for

from .conftest import BAD_NODE, GOOD_NODE, write_good, write_not_regular, write_regular_inputs, write_undecodable_name

pytestmark = pytest.mark.anyio


def leaves(tree) -> list:
    return [leaf.data for s in tree.root.children for g in s.children for leaf in g.children]


async def test_the_browser_lists_the_good_and_flags_the_bad(ui_env, tmp_path):
    from castview.ui.widgets.recording_tree import RecordingTree

    root = tmp_path / "recordings"
    good = write_good(root / GOOD_NODE)
    bad = write_regular_inputs(root / BAD_NODE)
    not_regular = write_not_regular(root / BAD_NODE)
    odd_name = write_undecodable_name(root / GOOD_NODE)
    app = make_app(root, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(120, 30)) as pilot:
        total = len(good) + len(bad) + 1
        await wait_for(
            pilot,
            lambda: app.screen.query(RecordingTree) and app.screen.query_one(RecordingTree).total == total,
            timeout=60,
            what="the listing",
        )
        tree = app.screen.query_one(RecordingTree)
        await wait_for(pilot, lambda: all(d.status != "pending" for d in leaves(tree)), timeout=60, what="the headers")
        assert app.is_running
        by_name = {d.ref.name: d for d in leaves(tree)}
        for path in (*good, odd_name):
            assert by_name[path.name].status == "ok" and by_name[path.name].header is not None
        assert by_name[bad["nested-first-line"].name].status == "damaged"
        for path in not_regular.values():
            assert path.name not in by_name
        messages = [n.message for n in app._notifications]  # noqa: SLF001
        assert any(not_regular["fifo"].name in m and "not a regular file" in m for m in messages), messages
        # the tree still answers keys
        await pilot.press("down", "down", "up")
        await pilot.pause()
        assert app.is_running


@pytest.mark.parametrize(
    "name",
    [
        "event-and-marker-at-1e308",
        "huge-size",
        "lone-surrogates",
        "hostile-resizes",
        "deep-valid-event-data",
        "timestamp-1e308",
    ],
)
async def test_the_player_opens_a_hostile_recording(ui_env, tmp_path, name):
    path = write_regular_inputs(tmp_path / "one", [name])[name]
    app = make_app(path, tmp_path=ui_env)
    async with app.run_test(size=(120, 30)) as pilot:
        player = await open_player(pilot)
        assert player.replay is not None and player.error is None
        assert player.replay.duration <= 1e9
        await pilot.press("end")
        await pilot.pause()
        assert app.is_running
