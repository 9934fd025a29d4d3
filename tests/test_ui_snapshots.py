"""Snapshot tests (pytest-textual-snapshot) of the browser, the player mid-nano, the
metadata pane and the help screen. Deterministic: a copy of the samples with old mtimes
(nothing "live"), relative paths, UTC, playback paused, headers and index fully read.

Update after an intended change of the look: pytest tests/test_ui_snapshots.py --snapshot-update
"""

from __future__ import annotations

import os
import shutil

import pytest

from test_ui_helpers import SAMPLES, make_app, nano_recording, open_player, settle, wait_for

OLD = 1_600_000_000  # 2020-09-13: long before anything counts as live


@pytest.fixture
def samples(ui_env, monkeypatch):
    """The samples copied under the test's folder, which becomes the working directory."""
    nano = nano_recording()
    if nano is None:
        pytest.skip("the sample nano recording is not there")
    target = ui_env / "samples"
    shutil.copytree(SAMPLES, target)
    for path in target.rglob("*"):
        os.utime(path, (OLD, OLD))
    monkeypatch.chdir(ui_env)
    return nano.relative_to(SAMPLES)


def browser_loaded(app):
    from castview.ui.widgets.recording_tree import RecordingTree

    def check() -> bool:
        trees = app.screen.query(RecordingTree)
        if not trees:
            return False
        tree = trees.first()
        done, total = app.screen._progress  # noqa: SLF001
        return total > 0 and done == total and tree.total > 0 and tree.cursor_node is not None and tree.cursor_line > 0

    return check


def test_browser(snap_compare, samples, ui_env):
    app = make_app("samples", tmp_path=ui_env, open_single=False)

    async def before(pilot):
        await wait_for(pilot, browser_loaded(app), what="the headers")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


async def _nano_at(pilot, at: str = "0:12"):
    player = await open_player(pilot)
    await pilot.press("g", *at, "enter")
    await settle(pilot, player)
    await wait_for(pilot, lambda: player.facts.output_bytes is not None, what="the facts")
    await pilot.pause(0.1)
    return player


def test_player_mid_nano(snap_compare, samples, ui_env):
    app = make_app(f"samples/{samples}", tmp_path=ui_env)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_nano_at)


def test_player_with_metadata_pane(snap_compare, samples, ui_env):
    app = make_app(f"samples/{samples}", tmp_path=ui_env)
    assert snap_compare(app, terminal_size=(140, 40), run_before=_nano_at)


def test_help_screen(snap_compare, samples, ui_env):
    app = make_app(f"samples/{samples}", tmp_path=ui_env)

    async def before(pilot):
        await _nano_at(pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_player_search_results(snap_compare, samples, ui_env):
    """`/notes`, then the second match: the results panel, the highlight, "match 2/6"
    in the status and the matches on the scrub bar."""
    app = make_app(f"samples/{samples}", tmp_path=ui_env)

    async def before(pilot):
        player = await _nano_at(pilot)
        await pilot.press("slash", *"notes", "enter")
        await wait_for(pilot, lambda: player.search_query is not None and not player.searching and player.matches,
                       what="the search")
        await pilot.pause()
        await pilot.press("home", "down", "enter")  # the list's first result, then the next
        await settle(pilot, player)
        assert player.match_index == 1
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)
