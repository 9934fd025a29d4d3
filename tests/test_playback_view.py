"""The player as a view of its engine: keys that come faster than frames still add up,
and nothing on screen waits for the engine."""

from __future__ import annotations

import pytest

from test_ui_helpers import PUBLIC, make_app, open_player, settle, term_text, view_text

pytestmark = pytest.mark.anyio

HTOP = PUBLIC / "termtosvg-htop.cast"  # 80x24, 12.8 s, 55 events


async def test_moves_sent_before_any_frame_comes_back_add_up(ui_env):
    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        n = player.count
        # In one go, as keys typed faster than frames arrive: each step starts where the
        # last one leads, not where the last frame was.
        player.action_step(1)
        player.action_step(1)
        player.action_step(-1)
        player.action_skip(5)
        player.action_skip(5)
        player.action_skip(-5)
        await settle(pilot, player)
        assert player.position == pytest.approx(player.replay.event_time(n) + 5)
        assert view_text(player) == term_text(player.replay.seek(player.position).term)
        player.action_step(1)
        player.action_step(1)
        player.action_step(-1)
        await settle(pilot, player)
        stepped = player.replay.seek(player.replay.event_time(n) + 5).count
        assert player.count == stepped + 1
        assert view_text(player) == term_text(player.replay.seek_event(stepped + 1).term)
