"""The bookmark dialog (`b`) names the position as the player's status line does: the
frame's time with `before` (a 0:04.133 frame is not "0:04.2")."""

from __future__ import annotations

import pytest
from textual.widgets import Label

from castview import formatting as fmt
from test_ui_helpers import PUBLIC, make_app, open_player, settle, wait_for

pytestmark = pytest.mark.anyio


async def test_bookmark_dialog_shows_the_frame_time(ui_env):
    db = ui_env / "ledger.sqlite"
    app = make_app(PUBLIC / "termtosvg-htop.cast", tmp_path=ui_env, reviews_db=db, reviewer="tester")
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        # step frame by frame to one whose time rounded to tenths would name another frame
        for _ in range(200):
            await pilot.press("full_stop")
            await settle(pilot, player)
            shown = fmt.clock(player.position, player.before)
            if shown != fmt.clock(player.position):
                break
        else:
            pytest.fail("no frame whose time needs more than tenths")
        await pilot.press("b")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "BookmarksDialog", what="the dialog")
        assert f"Bookmark at {shown}:" in str(app.screen.query(Label).first().render())
