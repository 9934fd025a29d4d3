"""The status line's wall clock names its frame in as few digits as it can (09:15:08,
09:15:08.1, 09:15:08.25): while playing it is padded to the width of hundredths, so that
what follows it (the event count, the pan, who) stays where it is and is not sent again
each time the digits come and go (issue 18). Paused, it is shown as it always was."""

from __future__ import annotations

from dataclasses import replace

import pytest

from test_ui_helpers import make_app, nano_recording, open_player, wait_for
from test_wire_budget import count_writes

pytestmark = pytest.mark.anyio

START_NS = 1795166102 * 10**9  # 2026-11-20 09:15:02 UTC, a whole second
MOMENTS = [(5.1, 5.15), (6.0, 6.5), (6.25, 6.26), (7.0, 7.5), (7.3, 7.35)]
"""(position, the next event's time): tenths, whole, hundredths, whole, tenths."""


async def test_the_clock_digits_coming_and_going_leave_the_rest_of_the_line(ui_env):
    from castview.ui.widgets.status_line import StatusLine

    app = make_app(nano_recording(), tmp_path=ui_env)
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        # The facts (output size, resizes) come after the index is built; each notice shows the
        # player's own status again, over the one set here (a busy machine: in the measurement).
        await wait_for(pilot, lambda: player.facts.output_bytes is not None, what="the recording's facts")
        line = player.query_one(StatusLine)
        status = replace(line.status, start_ns=START_NS, playing=True, position=5.0, before=5.5)
        line.show(status)
        await pilot.pause()
        column = line.content().plain.index("ev ")
        written = count_writes(app)
        for position, before in MOMENTS:
            del written[:]
            line.show(replace(status, position=position, before=before))
            await pilot.pause()
            await pilot.pause()
            assert line.content().plain.index("ev ") == column
            assert 0 < sum(written) <= 40, (position, sum(written))
        line.show(replace(status, playing=False, position=6.0, before=6.5))
        assert "09:15:08 UTC  ev " in line.content().plain  # paused: as it always was
