"""The browser's status line at 80 columns: it says less rather than being cut (the
review filter, the text filter and the count stay; the view and order shorten first)."""

from __future__ import annotations

import shutil

import pytest
from rich.text import Text

from castview.ui.fit_line import Part, fit_line
from test_ui_helpers import SAMPLES, make_app
from test_ui_review_filter import browser_with_reviews, status_text

pytestmark = pytest.mark.anyio


def parts() -> list[Part]:
    return [Part((Text("castview — sample recordings"),), rank=9),
            Part((Text("14 recordings"), Text("14")), rank=2, joined=True),
            Part((Text("11 unreviewed"),), rank=7),
            Part((Text("by node, by start"), Text("node/start"), Text()), rank=1)]


@pytest.mark.parametrize(("width", "line"), [
    (200, "castview — sample recordings  14 recordings  ·  11 unreviewed  ·  by node, by start"),
    (79, "castview — sample recordings  14 recordings · 11 unreviewed · by node, by start"),
    (78, "castview — sample recordings  14 recordings · 11 unreviewed · node/start"),
    (60, "castview — sample recordings  14 recordings · 11 unreviewed"),
    (50, "castview — sample recordings  14 · 11 unreviewed"),
])
def test_parts_shorten_from_the_least_important(width, line):
    assert fit_line(parts(), width).plain == line


def test_what_cannot_fit_is_cut_with_an_ellipsis():
    line = fit_line(parts(), 20)
    assert line.plain == "castview — sample recordings  14 · 11 unreviewed" and line.overflow == "ellipsis"


async def test_review_and_text_filters_fit_at_80_columns(ui_env):
    """Was: `castview — sample recordings  14 recordings  ·  11 unreviewed  ·  by node, by`."""
    from castview.ui.app import SAMPLES_TITLE

    shutil.copytree(SAMPLES, ui_env / "samples")
    app = make_app(ui_env / "samples", tmp_path=ui_env, open_single=False)
    app.title = SAMPLES_TITLE
    async with app.run_test(size=(80, 24)) as pilot:
        await browser_with_reviews(pilot, 14)
        await pilot.press("R")
        await pilot.pause()
        await pilot.press("slash", *"alice", "enter")
        await pilot.pause()
        status = status_text(app).rstrip()
        assert status.startswith(SAMPLES_TITLE) and "unreviewed" in status and "match alice" in status
        assert len(status) <= 78 and not status.endswith("…")
        await pilot.resize_terminal(120, 24)
        await pilot.pause()
        assert "by node, by start" in status_text(app)


async def test_the_players_status_line_fits_80_columns(ui_env):
    """Was: `4×  idle: real  16:46:14.1 UTC  3 matches  ev 86/117  panned: cols 1-80 rows …`."""
    from test_ui_helpers import open_player, settle
    from test_ui_search import search

    rec = SAMPLES / "nBq9Zs5CNTRL" / "2026-11-21T16:45:59.000000001Z.cast"  # 100x30 from 0:06
    async with make_app(rec, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        await pilot.press("plus", "plus", "i")
        player._seek(15.0)
        await settle(pilot, player)
        await search(pilot, player, "server")
        await pilot.press("escape")
        await pilot.pause()
        line = str(player.query_one("#player-status").render()).rstrip()
        assert "3 matches" in line and "panned: cols 1-80 rows 1-21 of 100x30" in line, line
        assert len(line) <= 78 and not line.endswith("…"), line
        await pilot.resize_terminal(140, 30)
        await pilot.pause()
        assert "ev " in str(player.query_one("#player-status").render())
