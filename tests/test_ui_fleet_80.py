"""The fleet search (`s`) at 80x24: the line under the results ends with the file's name
(cut at its start, as the browser's is), and `commands only` shows its mark only when on
(Textual's checkbox draws the same `X` on and off, told apart by colour alone)."""

from __future__ import annotations

import shutil

import pytest

from test_ui_helpers import SAMPLES, make_app, wait_for
from test_ui_search import fleet_done

pytestmark = pytest.mark.anyio


async def test_fleet_search_at_80x24(ui_env):
    from castview.ui.screens.fleet_search import FleetSearchScreen
    from castview.ui.widgets.recording_tree import RecordingTree

    deep = ui_env / "recordings-kept-for-the-audit" / "samples"  # a path wider than the line
    shutil.copytree(SAMPLES, deep)
    app = make_app(deep, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(80, 24)) as pilot:
        def loaded() -> bool:
            screen = app.screen
            return bool(screen.query(RecordingTree)) and 0 < screen._progress[1] == screen._progress[0]  # noqa: SLF001

        await wait_for(pilot, loaded, timeout=20, what="the headers")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FleetSearchScreen), what="the search screen")
        fleet = app.screen
        box = fleet.query_one("#fleet-commands")
        assert "X" not in str(box.render())
        box.value = True
        await pilot.pause()
        assert "X" in str(box.render())
        box.value = False
        fleet.query_one("#fleet-pattern").focus()
        await pilot.press(*"vim", "enter")
        await fleet_done(pilot, fleet, 0)
        rec, _ = fleet._row(fleet.query_one("#fleet-results").highlighted)  # noqa: SLF001
        detail = str(fleet.query_one("#fleet-detail").render()).rstrip()
        assert detail.startswith("…") and detail.endswith(rec.ref.name) and len(detail) <= 80
