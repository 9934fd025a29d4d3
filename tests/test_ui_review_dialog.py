"""The verdict dialog (`a`) as a new user meets it: letters typed are the note, a verdict
is recorded only when chosen in the list, once, and escape records nothing."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label

from castview.reviews import Ledger
from test_ui_helpers import PUBLIC, listed, make_app, open_player, settle, wait_for

pytestmark = pytest.mark.anyio

HTOP = PUBLIC / "termtosvg-htop.cast"


def ledger_reviews(path):
    if not path.is_file():
        return []
    with Ledger(path) as ledger:
        return ledger.reviews()


def dialog_open(pilot) -> bool:
    return type(pilot.app.screen).__name__ == "VerdictDialog"


async def test_letters_are_the_note_and_the_verdict_is_chosen(ui_env):
    db = ui_env / "ledger.sqlite"
    async with make_app(HTOP, tmp_path=ui_env, reviews_db=db, reviewer="tester").run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: dialog_open(pilot), what="the dialog")
        dialog = pilot.app.screen
        await pilot.press(*"suspicious", "c", "i", "o")
        await pilot.pause()
        assert dialog.query_one(Input).value == "suspiciouscio"
        assert dialog_open(pilot) and not ledger_reviews(db)
        # enter leaves the note for the list; down twice and enter: incident
        await pilot.press("enter", "down", "down", "enter")
        await wait_for(pilot, lambda: ledger_reviews(db), what="the review")
        (review,) = ledger_reviews(db)
        assert (review.verdict, review.note) == ("incident", "suspiciouscio")
        assert pilot.app.screen is player
        await settle(pilot, player)
        assert pilot.app.screen is player


async def test_names_the_recording_and_its_current_verdict(ui_env):
    db = ui_env / "ledger.sqlite"
    async with make_app(HTOP, tmp_path=ui_env, reviews_db=db, reviewer="tester").run_test(size=(100, 30)) as pilot:
        await open_player(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: dialog_open(pilot), what="the dialog")
        current = pilot.app.screen.query_one("#verdict-current", Label)
        await wait_for(pilot, lambda: "unreviewed" in str(current.render()), what="no verdict yet")
        assert HTOP.name in str(pilot.app.screen.query_one("#verdict-title", Label).render())
        await pilot.press("tab", "down", "enter")
        await wait_for(pilot, lambda: ledger_reviews(db), what="the review")
        await pilot.press("a")
        await wait_for(pilot, lambda: dialog_open(pilot), what="the dialog again")
        current = pilot.app.screen.query_one("#verdict-current", Label)
        await wait_for(pilot, lambda: "concern" in str(current.render()), what="the verdict recorded")


async def test_escape_records_nothing(ui_env):
    db = ui_env / "ledger.sqlite"
    async with make_app(HTOP, tmp_path=ui_env, reviews_db=db, reviewer="tester").run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: dialog_open(pilot), what="the dialog")
        await pilot.press(*"note")
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is player, what="back in the player")
        await pilot.pause()
        assert pilot.app.screen is player and not ledger_reviews(db)


async def test_closes_once(ui_env):
    """A second choice arriving before the dialog is gone must not pop the player."""
    db = ui_env / "ledger.sqlite"
    async with make_app(HTOP, tmp_path=ui_env, reviews_db=db, reviewer="tester").run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: dialog_open(pilot), what="the dialog")
        dialog = pilot.app.screen
        dialog.action_cancel()
        dialog.action_cancel()
        await wait_for(pilot, lambda: pilot.app.screen is player, what="back in the player")
        await pilot.pause()
        assert pilot.app.screen is player


async def test_enter_in_the_browser_records_nothing(ui_env):
    db = ui_env / "ledger.sqlite"
    app = make_app(PUBLIC, tmp_path=ui_env, open_single=False, reviews_db=db, reviewer="tester")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: listed(app) > 0, what="the recordings")
        await pilot.press("a")
        await wait_for(pilot, lambda: dialog_open(pilot), what="the dialog")
        await pilot.press("enter")
        await pilot.pause()
        assert dialog_open(pilot) and not ledger_reviews(db)
        await pilot.press("enter")  # the first verdict, chosen
        await wait_for(pilot, lambda: ledger_reviews(db), what="the review")
        assert ledger_reviews(db)[0].verdict == "ok"
