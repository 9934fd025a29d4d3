"""The footer's `space` says what it does: Play while paused, Pause while playing (ux80 #10)."""

from __future__ import annotations

import pytest

from test_ui_helpers import make_app, nano_recording, open_player, wait_for

pytestmark = pytest.mark.anyio


def space_says(app) -> str | None:
    from textual.widgets._footer import FooterKey

    keys = [key for key in app.screen.query(FooterKey) if key.key == "space"]
    return keys[0].description if keys else None


async def test_the_footer_says_pause_while_playing(ui_env):
    app = make_app(nano_recording(), tmp_path=ui_env)
    async with app.run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        await wait_for(pilot, lambda: space_says(app) == "Play", what="Play in the footer")
        await pilot.press("space")
        assert player.playing
        await wait_for(pilot, lambda: space_says(app) == "Pause", what="Pause in the footer")
        await pilot.press("space")
        await wait_for(pilot, lambda: space_says(app) == "Play", what="Play again in the footer")
