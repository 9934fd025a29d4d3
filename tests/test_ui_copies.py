"""One session stored twice (failover recorders, a prefix copied to another: the same node
folder, file name and header) is one row; the lines under the tree say there are copies,
and the filter finds the row by the copy's place too. Was: one row, without a word."""

from __future__ import annotations

import shutil

import pytest

from test_ui_helpers import SAMPLES, make_app, wait_for
from test_ui_review_filter import detail_text

pytestmark = pytest.mark.anyio

REC = SAMPLES / "nK8mXc7CNTRL" / "2026-11-24T07:12:33.31415Z.cast"


async def test_copies_under_two_prefixes_are_said(ui_env):
    from castview.ui.widgets.recording_tree import RecordingTree

    root = ui_env / "bucket"
    for prefix in ("recorder-a", "recorder-b"):
        target = root / prefix / REC.parent.name / REC.name
        target.parent.mkdir(parents=True)
        shutil.copy(REC, target)
    app = make_app(root, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "copy elsewhere" in detail_text(app), what="the copy said")
        tree = app.screen.query_one(RecordingTree)
        assert tree.shown == 1
        first_line = detail_text(app).splitlines()[0]
        assert first_line.rstrip().endswith("+1 copy elsewhere") and REC.name[-12:] in first_line
        await pilot.press("slash", *"recorder-b", "enter")
        await wait_for(pilot, lambda: tree.filter == "recorder-b", what="the filter")
        assert tree.shown == 1
