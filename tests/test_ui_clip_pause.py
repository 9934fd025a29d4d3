"""`x` in the player: playback pauses while the dialog is open and plays again after (a
paused player stays paused); a clip of a damaged recording says so in its toast, as the
CLI warns of each damaged line."""

from __future__ import annotations

import shutil

import pytest

from test_ui_clip_dialog import dialog, open_dialog, toasts
from test_ui_helpers import SAMPLES, make_app, open_player, wait_for

pytestmark = pytest.mark.anyio

LONG = SAMPLES / "nHx4Tb1CNTRL" / "2026-11-20T09:15:02.5Z.cast"  # 37 s: still playing when the test ends
DAMAGED = SAMPLES / "nDAMAGECNTRL" / "2026-11-22T08:30:00.02Z.cast"  # bad lines in the middle


@pytest.mark.parametrize("was_playing", [True, False])
async def test_the_player_pauses_behind_the_dialog(ui_env, was_playing):
    app = make_app(LONG, tmp_path=ui_env)
    async with app.run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        if was_playing:
            await pilot.press("space")
            await wait_for(pilot, lambda: player.position > 0, what="playing")
        await open_dialog(pilot)
        assert not player.playing
        await wait_for(pilot, player.settled, what="the pause carried out")
        held = player.position
        await pilot.pause(0.3)
        assert player.position == held
        await pilot.press("escape")
        await wait_for(pilot, lambda: dialog(app) is None, what="the dialog closed")
        assert player.playing == was_playing
        if was_playing:
            await wait_for(pilot, lambda: player.position > held, what="playing again")


async def test_a_clip_of_a_damaged_recording_says_so(ui_env):
    rec = ui_env / "recs" / DAMAGED.parent.name / DAMAGED.name
    rec.parent.mkdir(parents=True)
    shutil.copy(DAMAGED, rec)
    app = make_app(rec, tmp_path=ui_env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_player(pilot)
        box = await open_dialog(pilot)
        output = box.query_one("#clip-output").value
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog(app) is None, timeout=30, what="the clip written")
        await wait_for(pilot, lambda: any(output in t for t in toasts(app)), what="the toast")
        (told,) = [t for t in toasts(app) if output in t]
        assert "damaged line" in told and f"{DAMAGED.name}:" in told, told
