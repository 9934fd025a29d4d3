"""The player's commands pane (`t`), the scrub bar's command marks and the fleet search's
"commands only" switch (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from castview.formatting import clock
from test_ui_helpers import make_app, open_player, settle, wait_for

pytestmark = pytest.mark.anyio

DATA = Path(__file__).resolve().parent / "data" / "commands"
BASH = DATA / "bash.cast"  # 80x24, 17 commands


def rows_of(pane) -> list[str]:
    return [str(pane.get_option_at_index(i).prompt) for i in range(pane.option_count)]


async def pane_loaded(pilot, player):
    from castview.ui.widgets.commands_pane import CommandsPane

    pane = player.query_one(CommandsPane)
    await wait_for(pilot, lambda: pane.loaded, timeout=30, what="the commands")
    await pilot.pause()
    return pane


async def test_t_lists_the_commands_and_enter_seeks_to_one(ui_env):
    from castview.ui.widgets.metadata_pane import MetadataPane
    from castview.ui.widgets.scrub_bar import ScrubBar

    async with make_app(BASH, tmp_path=ui_env).run_test(size=(120, 30)) as pilot:
        player = await open_player(pilot)
        assert player.query_one(MetadataPane).display  # room for it beside the view
        await pilot.press("t")
        pane = await pane_loaded(pilot, player)
        assert pane.display and pane.has_focus
        assert not player.query_one(MetadataPane).display  # no room for both: the commands take its place
        rows = rows_of(pane)
        assert len(rows) == 17
        first = pane.commands[0].time  # shown as short as names its frame (the next event's time bounds it)
        assert rows[0].split() == [clock(first, player._match_bound(first)), "ls", "demo"]  # noqa: SLF001
        assert "✗ rm -rf /tmp/scratch" in rows[4]
        assert "▣ less app.log" in rows[10]
        bar = player.query_one(ScrubBar)
        assert bar.commands == tuple(c.time for c in pane.commands)
        # enter on the fourth command seeks to the moment it was submitted
        pane.highlighted = 3
        await pilot.press("enter")
        await settle(pilot, player)
        assert player.position == pytest.approx(pane.commands[3].time, abs=1e-6)
        assert pane.highlighted == 3
        # the highlight follows the position
        await pilot.press("end")
        await settle(pilot, player)
        assert pane.highlighted == 16
        await pilot.press("home")
        await settle(pilot, player)
        # t again hides it
        await pilot.press("t")
        await pilot.pause()
        assert not pane.display


async def test_at_80_columns_the_pane_shows_over_the_hidden_metadata(ui_env):
    from castview.ui.widgets.commands_pane import CommandsPane
    from castview.ui.widgets.metadata_pane import MetadataPane

    async with make_app(BASH, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        assert not player.query_one(MetadataPane).display
        await pilot.press("t")
        pane = await pane_loaded(pilot, player)
        assert player.query_one(CommandsPane).display
        assert not player.query_one(MetadataPane).display
        assert len(rows_of(pane)) == 17


async def test_a_recording_without_commands_says_so(ui_env):
    public = Path(__file__).resolve().parent / "data" / "public" / "server-v3-full.cast"
    async with make_app(public, tmp_path=ui_env).run_test(size=(120, 30)) as pilot:
        player = await open_player(pilot)
        await pilot.press("t")
        pane = await pane_loaded(pilot, player)
        assert rows_of(pane) == ["no commands typed at a shell prompt"]


async def test_fleet_search_commands_only(ui_env):
    from textual.widgets import Checkbox

    from castview.ui.screens.fleet_search import FleetSearchScreen
    from castview.ui.widgets.recording_tree import RecordingTree

    app = make_app(DATA, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(100, 30)) as pilot:
        def loaded() -> bool:
            trees = app.screen.query(RecordingTree)
            return bool(trees) and app.screen._progress[1] > 0 and app.screen._progress[0] == app.screen._progress[1]  # noqa: SLF001

        await wait_for(pilot, loaded, timeout=20, what="the headers")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FleetSearchScreen), what="the search screen")
        fleet = app.screen

        async def search(seq: int) -> list[str]:
            await wait_for(pilot, lambda: fleet._seq > seq and not fleet._searching, timeout=60,  # noqa: SLF001
                           what="the fleet search")
            return [m.screen for _, m in fleet._rows if m is not None]  # noqa: SLF001

        await pilot.press(*"rm -rf", "enter")
        screens = await search(0)
        assert "main" in screens  # `cat evil.txt` showed "$ rm -rf /"
        fleet.query_one("#fleet-commands", Checkbox).value = True  # searches again at once
        screens = await search(1)
        assert screens == ["command"] * 3
        assert fleet.values()["commands"] == "yes"


async def test_commands_found_before_are_marked_at_once(ui_env):
    from castview.ui.widgets.scrub_bar import ScrubBar

    async with make_app(BASH, tmp_path=ui_env).run_test(size=(120, 30)) as pilot:
        player = await open_player(pilot)
        assert player.query_one(ScrubBar).commands == ()  # nothing cached: found on `t` only
        await pilot.press("t")
        await pane_loaded(pilot, player)
    async with make_app(BASH, tmp_path=ui_env).run_test(size=(120, 30)) as pilot:
        player = await open_player(pilot)
        bar = player.query_one(ScrubBar)
        await wait_for(pilot, lambda: len(bar.commands) == 17, what="the cached commands' marks")
