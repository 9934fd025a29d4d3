"""The browser shows each recording's review mark (as `ls` does), and a verdict recorded
in the app appears on its row."""

from __future__ import annotations

import shutil

import pytest

from castview.ui.widgets.recording_tree import RecordingTree
from test_ui_helpers import PUBLIC, listed, make_app, wait_for

pytestmark = pytest.mark.anyio


def row_text(tree: RecordingTree, location: str) -> str:
    leaf = tree._leaves[location]
    return leaf.label.plain


async def test_a_verdict_shows_on_its_row(ui_env):
    folder = ui_env / "recs"
    folder.mkdir()
    for name in ("termtosvg-htop.cast", "asciinema-vim.cast"):
        if (PUBLIC / name).exists():
            shutil.copy(PUBLIC / name, folder / name)
    db = ui_env / "ledger.sqlite"
    app = make_app(folder, tmp_path=ui_env, open_single=False, reviews_db=db, reviewer="tester")
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_for(pilot, lambda: listed(app) > 0, what="the recordings")
        tree = app.screen.query_one(RecordingTree)
        await wait_for(pilot, lambda: tree.cursor_node is not None and hasattr(tree.cursor_node.data, "ref")
                       and tree.cursor_node.data.header is not None, what="a summary")
        chosen = tree.cursor_node.data.ref.location
        assert "incident" not in row_text(tree, chosen)
        await pilot.press("a")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "VerdictDialog", what="the dialog")
        await pilot.press(*"bad", "enter", "down", "down", "enter")
        await wait_for(pilot, lambda: "! incident" in row_text(tree, chosen), what="the mark on the row")
        others = [loc for loc in tree._leaves if loc != chosen]
        assert all("incident" not in row_text(tree, loc) for loc in others)


async def test_marks_of_an_existing_ledger_are_shown(ui_env):
    from castview.clip import sha256_of
    from castview.reviews import Ledger

    folder = ui_env / "recs"
    folder.mkdir()
    rec = folder / "termtosvg-htop.cast"
    shutil.copy(PUBLIC / "termtosvg-htop.cast", rec)
    db = ui_env / "ledger.sqlite"
    with Ledger(db) as ledger:
        st = rec.stat()
        sha = ledger.sha256(str(rec.resolve()), st.st_size, repr(st.st_mtime),
                            lambda: sha256_of(lambda: open(rec, "rb"))[0])
        ledger.add_review(sha, str(rec.resolve()), "concern", "", "tester")
    app = make_app(folder, tmp_path=ui_env, open_single=False, reviews_db=db)
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_for(pilot, lambda: listed(app) > 0, what="the recordings")
        tree = app.screen.query_one(RecordingTree)
        await wait_for(pilot, lambda: str(rec) in tree._leaves and "? concern" in row_text(tree, str(rec)),
                       what="the mark")
