"""The help lists the keys of the screen it was opened from first, so at 80x24 they are
on view without scrolling (the browser's were pushed below the fold by the player's)."""

from __future__ import annotations

import pytest

from castview.ui.screens.help import HelpScreen
from test_ui_helpers import PUBLIC, SAMPLES, make_app, open_player, wait_for

pytestmark = pytest.mark.anyio


async def _first_section(pilot) -> str:
    from textual.widgets import Static

    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), what="the help")
    texts = [str(s.render()) for s in pilot.app.screen.query(Static)]
    return texts[1]  # after the title


async def test_help_from_the_browser_starts_with_the_browser_keys(tmp_path):
    app = make_app(SAMPLES, tmp_path=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await _first_section(pilot) == "Recordings"


async def test_help_from_the_player_starts_with_the_player_keys(tmp_path):
    app = make_app(PUBLIC / "termtosvg-htop.cast", tmp_path=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_player(pilot)
        assert await _first_section(pilot) == "Player"
