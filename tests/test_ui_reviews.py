"""The review keys in the player: `a` records a verdict, `b` adds a bookmark at the
position and lists the bookmarks, one of which it jumps to."""

from __future__ import annotations

import pytest

from castview.clip import sha256_of
from castview.reviews import Ledger
from test_ui_helpers import PUBLIC, make_app, open_player, settle, wait_for

pytestmark = pytest.mark.anyio

HTOP = PUBLIC / "termtosvg-htop.cast"


def ledger_reviews(path):
    if not path.is_file():
        return []
    with Ledger(path) as ledger:
        return ledger.reviews()


def ledger_bookmarks(path):
    if not path.is_file():
        return []
    with Ledger(path) as ledger:
        return ledger.bookmarks(sha256_of(lambda: open(HTOP, "rb"))[0])


async def test_verdict_key(ui_env):
    db = ui_env / "ledger.sqlite"
    async with make_app(HTOP, tmp_path=ui_env, reviews_db=db, reviewer="tester").run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "VerdictDialog", what="the dialog")
        await pilot.press("tab", "down", "down", "enter")
        await wait_for(pilot, lambda: ledger_reviews(db), what="the review")
        (review,) = ledger_reviews(db)
        assert (review.verdict, review.reviewer, review.location) == ("incident", "tester", str(HTOP.resolve()))
        assert pilot.app.screen is player


async def test_bookmark_key_adds_lists_and_jumps(ui_env):
    db = ui_env / "ledger.sqlite"
    async with make_app(HTOP, tmp_path=ui_env, reviews_db=db, reviewer="tester").run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await pilot.press("5")
        await settle(pilot, player)
        at = player.position
        await pilot.press("b")
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "BookmarksDialog", what="the dialog")
        await pilot.press(*"look here", "enter")
        await wait_for(pilot, lambda: ledger_bookmarks(db), what="the bookmark")
        (mark,) = ledger_bookmarks(db)
        assert (mark.at, mark.note, mark.author) == (pytest.approx(at), "look here", "tester")
        await pilot.press("home")
        await settle(pilot, player)
        assert player.position == 0.0
        await pilot.press("b")
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "BookmarksDialog", what="the dialog")
        await pilot.press("tab", "down", "enter")
        await wait_for(pilot, lambda: pilot.app.screen is player, what="back in the player")
        await settle(pilot, player)
        assert player.position == pytest.approx(at)


async def test_verdict_key_in_the_browser(ui_env):
    from castview.ui.widgets.recording_tree import RecordingTree
    from test_ui_helpers import listed

    db = ui_env / "ledger.sqlite"
    app = make_app(PUBLIC, tmp_path=ui_env, open_single=False, reviews_db=db, reviewer="tester")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: listed(app) > 0, what="the recordings")
        tree = app.screen.query_one(RecordingTree)
        await wait_for(pilot, lambda: tree.cursor_node is not None and hasattr(tree.cursor_node.data, "ref"))
        chosen = tree.cursor_node.data.ref.location
        await pilot.press("a")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "VerdictDialog", what="the dialog")
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: ledger_reviews(db), what="the review")
        (review,) = ledger_reviews(db)
        assert review.verdict == "ok" and review.location.endswith(chosen.rsplit("/", 1)[-1])
