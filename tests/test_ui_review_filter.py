"""The browser's review filter: `R` cycles every recording → unreviewed → ok → concern →
incident, said in the status line; `castview --unreviewed` / `--verdict V` start with it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from castview.ui.widgets.recording_tree import RecordingTree
from test_ui_helpers import SAMPLES, listed, make_app, wait_for

pytestmark = pytest.mark.anyio

NODE = SAMPLES / "nBq9Zs5CNTRL"


def recordings(folder: Path) -> list[Path]:
    out = []
    for path in sorted(NODE.glob("*.cast")):
        target = folder / NODE.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
        out.append(target)
    return out


def review(db: Path, rec: Path, verdict: str) -> None:
    from castview.clip import sha256_of
    from castview.reviews import Ledger

    with Ledger(db) as ledger:
        st = rec.stat()
        sha = ledger.sha256(str(rec.resolve()), st.st_size, repr(st.st_mtime),
                            lambda: sha256_of(lambda: open(rec, "rb"))[0])
        ledger.add_review(sha, str(rec.resolve()), verdict, "", "tester")


def shown(tree: RecordingTree) -> set[str]:
    return set(tree._leaves)  # noqa: SLF001


async def browser_with_reviews(pilot, count: int) -> RecordingTree:
    """The browser's tree once it lists `count` recordings and the ledger's word on them."""
    app = pilot.app
    await wait_for(pilot, lambda: listed(app) == count, what="the recordings")
    await wait_for(pilot, lambda: app.screen._reviews_read, what="the reviews")  # noqa: SLF001
    return app.screen.query_one(RecordingTree)


def detail_text(app) -> str:
    return str(app.screen.query_one("#browser-detail").render())


def status_text(app) -> str:
    return str(app.screen.query_one("#browser-status").render())


async def test_r_cycles_the_review_filter(ui_env):
    recs = recordings(ui_env / "recs")
    db = ui_env / "ledger.sqlite"
    review(db, recs[0], "concern")
    review(db, recs[1], "ok")
    app = make_app(ui_env / "recs", tmp_path=ui_env, open_single=False, reviews_db=db)
    async with app.run_test(size=(140, 30)) as pilot:
        tree = await browser_with_reviews(pilot, len(recs))
        everything = {str(r) for r in recs}
        assert shown(tree) == everything
        expected = [("unreviewed", everything - {str(recs[0]), str(recs[1])}), ("ok", {str(recs[1])}),
                    ("concern", {str(recs[0])}), ("incident", set())]
        for name, wanted in expected:
            await pilot.press("R")
            await wait_for(pilot, lambda wanted=wanted: shown(tree) == wanted, what=f"the {name} recordings")
            assert f"{len(wanted)} {name}" in status_text(app)
            if wanted:  # the lines under the tree follow the cursor to a row still shown
                await wait_for(pilot, lambda wanted=wanted: tree.cursor_node is not None
                               and getattr(tree.cursor_node.data, "ref", None) is not None
                               and tree.cursor_node.data.ref.location in wanted
                               and Path(tree.cursor_node.data.ref.location).name in detail_text(app),
                               what="the details of the highlighted recording")
        assert "no recordings match review: incident" in str(app.screen.query_one("#tree-header").render())
        await pilot.press("R")
        await wait_for(pilot, lambda: shown(tree) == everything, what="every recording")
        assert "unreviewed" not in status_text(app) and "incident" not in status_text(app)


async def test_a_verdict_given_under_the_filter_moves_the_recording_out(ui_env):
    recs = recordings(ui_env / "recs")
    app = make_app(ui_env / "recs", tmp_path=ui_env, open_single=False, reviews_db=ui_env / "ledger.sqlite")
    app.review_filter = "unreviewed"
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for(pilot, lambda: listed(app) == len(recs), what="the recordings")
        tree = app.screen.query_one(RecordingTree)
        await wait_for(pilot, lambda: len(shown(tree)) == len(recs) and tree.cursor_node is not None
                       and hasattr(tree.cursor_node.data, "ref"), what="the rows")
        assert f"{len(recs)} unreviewed" in status_text(app)
        chosen = tree.cursor_node.data.ref.location
        await pilot.press("a")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "VerdictDialog", what="the dialog")
        await pilot.press("enter", "enter")  # no note; the first verdict, ok
        await wait_for(pilot, lambda: chosen not in shown(tree), what="the reviewed recording gone")
        assert len(shown(tree)) == len(recs) - 1


@pytest.mark.parametrize("flags, wanted", [([], None), (["--unreviewed"], "unreviewed"),
                                           (["--verdict", "concern"], "concern")])
def test_the_app_starts_with_the_review_filter_of_its_flags(ui_env, monkeypatch, flags, wanted):
    from castview.cli import app as cli_app
    from castview.ui.app import CastviewApp

    started = []
    monkeypatch.setattr(CastviewApp, "run", lambda self: started.append(self))
    result = CliRunner().invoke(cli_app, ["open", *flags, str(NODE)])
    assert result.exit_code == 0, result.output
    (app,) = started
    assert app.review_filter == wanted


def test_a_bad_verdict_is_refused_before_the_app_starts(ui_env, monkeypatch):
    from castview.cli import app as cli_app
    from castview.ui.app import CastviewApp

    monkeypatch.setattr(CastviewApp, "run", lambda self: pytest.fail("the app started"))
    result = CliRunner().invoke(cli_app, ["open", "--verdict", "fine", str(NODE)])
    assert result.exit_code == 2
    assert "must be one of ok, concern, incident" in result.output


async def test_the_flag_reaches_the_browser(ui_env):
    recs = recordings(ui_env / "recs")
    db = ui_env / "ledger.sqlite"
    review(db, recs[2], "incident")
    app = make_app(ui_env / "recs", tmp_path=ui_env, open_single=False, reviews_db=db)
    app.review_filter = "incident"
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_for(pilot, lambda: listed(app) == len(recs), what="the recordings")
        tree = app.screen.query_one(RecordingTree)
        await wait_for(pilot, lambda: shown(tree) == {str(recs[2])}, what="the incident only")
        assert "1 incident" in status_text(app)


async def test_the_filter_box_takes_review_words(ui_env):
    recs = recordings(ui_env / "recs")
    db = ui_env / "ledger.sqlite"
    review(db, recs[0], "concern")
    app = make_app(ui_env / "recs", tmp_path=ui_env, open_single=False, reviews_db=db)
    async with app.run_test(size=(140, 30)) as pilot:
        tree = await browser_with_reviews(pilot, len(recs))
        await pilot.press("slash", *"review:Concern")
        await wait_for(pilot, lambda: shown(tree) == {str(recs[0])}, what="the concern only")
        await pilot.press(*" bob")  # and a word: none of these is bob's
        await wait_for(pilot, lambda: shown(tree) == set(), what="nothing")
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(shown(tree)) == len(recs), what="every recording")
