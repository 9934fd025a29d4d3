"""The browser and the review ledger: reviews made elsewhere (another castview, a shared
ledger) appear on `r` and on the way back from the player; the verdict mark is in the
status column, seen at 80x24; the lines under the tree follow a `/` filter to a row still
shown, and enter opens that row.

Update the snapshot after an intended change of the look:
pytest tests/test_ui_review_browser.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path

import pytest

from castview.ui.catalog_view import STATUS_WIDTH, recording_label
from castview.ui.widgets.recording_tree import RecordingTree
from test_ui_helpers import make_app, open_player, wait_for
from test_ui_review_filter import browser_with_reviews, detail_text, recordings, review, shown, status_text
from test_ui_snapshots import browser_loaded, samples  # noqa: F401  (the fixture)

pytestmark = pytest.mark.anyio


async def test_r_reads_reviews_made_elsewhere(ui_env):
    recs = recordings(ui_env / "recs")
    db = ui_env / "ledger.sqlite"
    review(db, recs[0], "ok")  # the ledger exists before the app starts
    app = make_app(ui_env / "recs", tmp_path=ui_env, open_single=False, reviews_db=db)
    async with app.run_test(size=(140, 30)) as pilot:
        tree = await browser_with_reviews(pilot, len(recs))
        await pilot.press("R", "R", "R")  # every one → unreviewed → ok → concern
        await wait_for(pilot, lambda: not shown(tree), what="no concern yet")
        review(db, recs[1], "concern")  # another reviewer, sharing the ledger
        await pilot.press("r")
        await wait_for(pilot, lambda: shown(tree) == {str(recs[1])}, what="the concern read from the ledger")
        assert "1 concern" in status_text(app)


async def test_back_from_the_player_reads_reviews_made_meanwhile(ui_env):
    recs = recordings(ui_env / "recs")
    db = ui_env / "ledger.sqlite"
    review(db, recs[0], "ok")
    app = make_app(ui_env / "recs", tmp_path=ui_env, open_single=False, reviews_db=db)
    async with app.run_test(size=(140, 30)) as pilot:
        tree = await browser_with_reviews(pilot, len(recs))
        await wait_for(pilot, lambda: getattr(tree.cursor_node.data, "ref", None) is not None, what="a row")
        await pilot.press("enter")
        await open_player(pilot)
        review(db, recs[1], "incident")
        await pilot.press("q")
        await wait_for(pilot, lambda: tree.review_of(str(recs[1])) is not None, what="the incident read")
        assert tree.review_of(str(recs[1])).review.verdict == "incident"


def test_the_review_mark_is_in_the_status_column():
    from castview.cast.model import Header
    from castview.sources.base import RecordingRef
    from castview.sources.catalog import LIVE, RecordingSummary

    ref = RecordingRef("s", "/d/nX/x.cast", "nX/x.cast", "nX", None, 10, 0.0)
    header = Header({"version": 2, "width": 80, "height": 24, "timestamp": 1_700_000_000,
                     "command": "a-very-long-command " * 5, "srcNode": "h", "sshUser": "u"}, 2)
    quiet = RecordingSummary(ref, header, None, 1.0, "ok")
    live = RecordingSummary(ref, header, None, 1.0, LIVE)
    plain = recording_label(quiet).plain
    marked = recording_label(quiet, review="! incident").plain
    both = recording_label(live, review="! incident").plain
    assert marked.index("$") == both.index("$") == plain.index("$")  # nothing moved: it is in the column
    column = both.index("●")  # the status column: the live sign, then the review
    assert both[column:column + STATUS_WIDTH] == "●! incident"
    assert marked[column:column + STATUS_WIDTH] == "! incident "
    assert not plain[column:column + STATUS_WIDTH].strip()
    assert column + STATUS_WIDTH < 60  # in view at 80 columns, whatever the command


async def test_a_slash_filter_moves_the_details_and_enter_to_a_row_shown(ui_env):
    recs = recordings(ui_env / "recs")
    db = ui_env / "ledger.sqlite"
    review(db, recs[0], "concern")
    app = make_app(ui_env / "recs", tmp_path=ui_env, open_single=False, reviews_db=db)
    async with app.run_test(size=(140, 30)) as pilot:
        tree = await browser_with_reviews(pilot, len(recs))
        await wait_for(pilot, lambda: getattr(tree.cursor_node.data, "ref", None) is not None, what="a row")
        assert tree.cursor_node.data.ref.location != str(recs[0])
        await pilot.press("slash", *"review:concern")
        await wait_for(pilot, lambda: shown(tree) == {str(recs[0])}, what="the concern alone")
        await pilot.pause()
        assert Path(recs[0]).name in detail_text(app)  # not the row filtered out
        await pilot.press("enter", "enter")  # to the tree, then open the row
        await wait_for(pilot, lambda: type(app.screen).__name__ == "PlayerScreen", what="the player")
        assert app.screen.summary.ref.location == str(recs[0])


def test_verdict_marks_at_80x24(snap_compare, samples, ui_env):  # noqa: F811  (the fixture)
    """Each verdict's mark in the status column and the highlighted one's review in words
    under the tree, at the smallest terminal."""
    db = ui_env / "ledger.sqlite"
    verdicts = ["concern", "ok", "incident"]
    for i, rec in enumerate(sorted((ui_env / "samples").rglob("*.cast"))):
        review(db, rec, verdicts[i % 3])
    app = make_app("samples", tmp_path=ui_env, open_single=False, reviews_db=db)

    async def before(pilot):
        await wait_for(pilot, browser_loaded(app), what="the headers")
        await wait_for(pilot, lambda: app.screen._reviews_read, what="the reviews")  # noqa: SLF001
        tree = app.screen.query_one(RecordingTree)
        await wait_for(pilot, lambda: "reviewed" in detail_text(app) and tree.review_of(
            tree.cursor_node.data.ref.location) is not None, what="the review under the tree")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_a_long_location_under_the_tree_is_cut_at_its_start():
    from castview.cast.model import Header
    from castview.sources.base import RecordingRef
    from castview.sources.catalog import RecordingSummary
    from castview.ui.catalog_view import detail

    location = "/srv/recordings/" + "deep/" * 20 + "nX/2026-11-20T09:15:02Z.cast"
    ref = RecordingRef("s", location, "nX/2026-11-20T09:15:02Z.cast", "nX", None, 10, 0.0)
    rec = RecordingSummary(ref, Header({"version": 2, "width": 80, "height": 24}, 2), None, 1.0, "ok")
    first = detail(rec, width=78).plain.split("\n")[0]
    assert len(first) <= 78 and first.endswith("nX/2026-11-20T09:15:02Z.cast") and "…" in first


async def test_the_hint_under_the_tree_fits_80_columns(ui_env):
    recs = recordings(ui_env / "recs")
    app = make_app(ui_env / "recs", tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = await browser_with_reviews(pilot, len(recs))
        tree.move_cursor(tree.root.children[0])  # the source's row: no recording to describe
        await wait_for(pilot, lambda: "enter: open" in detail_text(app), what="the hint")
        pane = app.screen.query_one("#browser-detail")
        assert len(detail_text(app)) <= pane.content_size.width
