"""The status-clock wire test holds when the player's last background notice (the
recording's facts, after the index) comes late, as on a busy machine (ux80 #19: after the
tests/test_ui_*.py files it failed now and then with 42 bytes written: the player's own
status, shown again on that notice, replaced the one the test had set)."""

from __future__ import annotations

import time

import pytest

import castview.playback.background as background
from castview.playback import FactsGathered
from test_status_clock_wire import test_the_clock_digits_coming_and_going_leave_the_rest_of_the_line as clock_test

pytestmark = pytest.mark.anyio


async def test_the_clock_test_waits_for_late_facts(ui_env, monkeypatch):
    class Late(background.Counted):
        def __init__(self, facts: FactsGathered) -> None:
            time.sleep(0.3)  # posted after the index is built: later than open_player returns
            super().__init__(facts)

    monkeypatch.setattr(background, "Counted", Late)
    await clock_test(ui_env)
