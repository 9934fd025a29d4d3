"""Keys typed (or pasted) right after `/` belong to the box it opens. Textual hands each
key to the focused widget as it arrives, before a binding of the screen has run: `/alice`
typed fast in the browser opened the review dialog on `a`, and `/exit` in the player
opened the export dialog on `e` and wrote a text export on `t`. `/` is a priority binding
now, and focuses the box at once."""

from __future__ import annotations

import pytest
from textual import events

from test_ui_helpers import SAMPLES, listed, make_app, open_player, wait_for

pytestmark = pytest.mark.anyio

REC = SAMPLES / "nBq9Zs5CNTRL" / "2026-11-21T16:45:59.000000001Z.cast"


def type_fast(app, text: str) -> None:
    """The keys queued at once, as a terminal delivers a paste or a fast typist's keys."""
    names = {"/": "slash", " ": "space"}
    for ch in text:
        app.post_message(events.Key(names.get(ch, ch), ch))


async def test_the_browser_filter_gets_what_follows_the_slash(ui_env):
    app = make_app(SAMPLES, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: listed(app) == 14, what="the recordings")
        browser = app.screen
        type_fast(app, "/alice/b")
        box = browser.query_one("#filter")
        await wait_for(pilot, lambda: box.value == "alice/b", what="the filter")
        assert app.screen is browser  # no dialog opened by a letter of it


async def test_the_player_search_gets_what_follows_the_slash(ui_env):
    async with make_app(REC, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        type_fast(pilot.app, "/exit")
        box = player.query_one("#search-box")
        type_fast(pilot.app, "/x")  # in the box, `/` is a character
        await wait_for(pilot, lambda: box.value == "exit/x", what="the search box")
        assert pilot.app.screen is player
