"""The fleet search's boxes show their whole placeholder at 80 columns (ux80 #13: the
`since` box showed `since (e.g.`)."""

from __future__ import annotations

import pytest

from test_ui_helpers import SAMPLES, make_app, wait_for

pytestmark = pytest.mark.anyio


async def test_every_placeholder_fits_its_box_at_80_columns(ui_env):
    from textual.widgets import Input

    from castview.ui.screens.fleet_search import FleetSearchScreen

    app = make_app(SAMPLES, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FleetSearchScreen), what="the search screen")
        await pilot.pause()
        boxes = list(app.screen.query(Input))
        assert len(boxes) == 6
        cut = [(box.id, box.placeholder, box.content_size.width) for box in boxes
               if len(box.placeholder) > box.content_size.width]
        assert not cut
