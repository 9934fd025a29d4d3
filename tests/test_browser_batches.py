"""The browser's loading worker posts a batch only once the UI has handled the last one:
batches queued behind each other held up every key and frame behind them."""

from __future__ import annotations

from castview.sources.summary_process import LIST_BATCH
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


def test_refs_from_a_child_go_a_list_batch_at_a_time():
    """Refs relayed from a child come faster than the tree places them: a batch of
    LIST_BATCH waits (a second at most) for the last one to be handled, never grows on."""
    screen = BrowserScreen([])
    assert screen._may_post(10, most=LIST_BATCH)
    assert not screen._may_post(LIST_BATCH - 1, most=LIST_BATCH)
    assert screen._may_post(LIST_BATCH, most=LIST_BATCH)  # never handled (a screen not running): posted anyway
