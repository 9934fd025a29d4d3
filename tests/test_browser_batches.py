"""The browser's loading worker posts a batch only once the UI has handled the last one:
batches queued behind each other held up every key and frame behind them."""

from __future__ import annotations

from castview.ui.screens.browser import BATCH_MOST, BrowserScreen


def test_one_batch_at_a_time():
    screen = BrowserScreen([])
    assert screen._may_post(10)
    assert not screen._may_post(10)  # the last one not handled yet: keep gathering
    screen._handled.set()  # what the handlers do once done
    assert screen._may_post(10)


def test_a_batch_grown_large_goes_after_a_second_at_most():
    screen = BrowserScreen([])
    assert screen._may_post(10)
    assert screen._may_post(BATCH_MOST)  # never handled (a screen not running): posted anyway
