"""Pilot tests of the player: every key lands on the right time and the right screen."""

from __future__ import annotations

import pytest

from test_ui_helpers import PUBLIC, make_app, open_player, settle, term_text, view_text, wait_for

pytestmark = pytest.mark.anyio

HTOP = PUBLIC / "termtosvg-htop.cast"  # 80x24, 12.8 s, 55 events
MARKERS = PUBLIC / "player-markers.cast"  # markers at 0.5 s and 1.1 s, 2.0 s long
BROKEN = PUBLIC / "server-v2-broken.cast"  # line 3 is not JSON


def expect_at(player, t: float) -> None:
    """The view shows what the engine computes for time t, and the position says t."""
    assert player.position == pytest.approx(t, abs=1e-6)
    assert view_text(player) == term_text(player.replay.seek(t).term)


def expect_event(player, n: int) -> None:
    assert player.count == n
    assert view_text(player) == term_text(player.replay.seek_event(n).term)


async def press(pilot, player, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot, player)


async def test_opens_at_the_start_paused(ui_env):
    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        assert not player.playing
        expect_at(player, 0.0)
        assert player.duration == pytest.approx(player.replay.duration)


async def test_arrows_skip_5_and_30_seconds(ui_env):
    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await press(pilot, player, "right")
        expect_at(player, 5.0)
        await press(pilot, player, "right", "right")
        end = player.duration
        assert end == pytest.approx(12.86, abs=0.01)
        expect_at(player, end)  # clamped at the end
        await press(pilot, player, "left")
        expect_at(player, end - 5)
        await press(pilot, player, "shift+left")
        expect_at(player, 0.0)
        await press(pilot, player, "shift+right")
        expect_at(player, player.duration)


async def test_digits_home_end(ui_env):
    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        duration = player.duration
        for digit in (5, 0, 9, 3):
            await press(pilot, player, str(digit))
            expect_at(player, duration * digit / 10)
        await press(pilot, player, "end")
        expect_at(player, duration)
        assert player.count == player.replay.event_count
        await press(pilot, player, "home")
        expect_at(player, 0.0)


async def test_event_steps(ui_env):
    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        n = player.count  # the events at time 0
        await press(pilot, player, "full_stop")
        expect_event(player, n + 1)
        await press(pilot, player, "full_stop", "full_stop")
        expect_event(player, n + 3)
        assert player.position == player.replay.event_time(n + 2)
        await press(pilot, player, "comma")
        expect_event(player, n + 2)
        await press(pilot, player, *["comma"] * (n + 3))
        expect_event(player, 0)


async def test_markers_keys(ui_env):
    async with make_app(MARKERS, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        assert [label for _, label in player.replay.markers] == ["first", "second"]
        await press(pilot, player, "right_square_bracket")
        expect_at(player, 0.5)
        await press(pilot, player, "right_square_bracket")
        expect_at(player, 1.1)
        assert "middle" in "\n".join(view_text(player))
        await press(pilot, player, "right_square_bracket")  # none after: stays
        expect_at(player, 1.1)
        await press(pilot, player, "left_square_bracket")
        expect_at(player, 0.5)
        await press(pilot, player, "left_square_bracket")
        expect_at(player, 0.5)


async def test_goto_time(ui_env):
    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"0:07.5", "enter")
        await settle(pilot, player)
        expect_at(player, 7.5)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"nonsense", "enter")
        await pilot.pause()
        assert "not a time" in str(pilot.app.screen.query_one("#goto-error").render())
        await pilot.press("escape")
        await settle(pilot, player)
        assert pilot.app.screen is player
        expect_at(player, 7.5)


async def test_speed_and_idle_keys(ui_env):
    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        assert player.speed == 1.0
        await pilot.press("plus", "plus")
        assert player.speed == 4.0
        await pilot.press(*["plus"] * 5)
        assert player.speed == 16.0
        await pilot.press(*["minus"] * 8)
        assert player.speed == 0.25
        assert player.idle_on and player.idle_cap == 2.0
        await pilot.press("i")
        assert not player.idle_on
        await pilot.press("i")
        assert player.idle_on


async def test_play_pause_follows_the_wall_clock(ui_env):
    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await pilot.press("plus", "plus")  # 4x
        await pilot.press("space")
        assert player.playing
        await wait_for(pilot, lambda: player.position >= 2.0, timeout=5, what="playback to advance")
        await pilot.press("space")
        await settle(pilot, player)
        assert not player.playing
        paused_at = player.position
        assert paused_at >= 2.0
        # what is on view is exactly the events applied so far
        expect_event(player, player.count)
        await pilot.pause(0.3)
        assert player.position == paused_at


async def test_play_to_the_end_stops(ui_env):
    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await press(pilot, player, "9")
        await pilot.press(*["plus"] * 4)  # 16x
        await pilot.press("space")
        await wait_for(pilot, lambda: not player.playing, timeout=5, what="the end")
        await settle(pilot, player)
        assert player.count == player.replay.event_count
        expect_event(player, player.replay.event_count)


async def test_scrub_bar_click_seeks(ui_env):
    from castview.ui.widgets.scrub_bar import ScrubBar

    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        bar = player.query_one(ScrubBar)
        start, width = bar._bar_span()  # noqa: SLF001
        x = start + (width - 1) // 2
        await pilot.click(ScrubBar, offset=(x + 1, 0))  # +1: the bar's left padding
        await settle(pilot, player)
        expected = bar.time_at(x)
        assert expected == pytest.approx(player.duration / 2, rel=0.05)
        expect_at(player, expected)


async def test_export_every_format(ui_env):
    from castview.term.render import to_text

    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await press(pilot, player, "5")
        formats = (("t", "txt", "Uptime"), ("a", "ans", "\x1b["), ("s", "svg", "<svg"), ("h", "html", "<pre"))
        for key, ext, needle in formats:
            await pilot.press("e")
            await pilot.pause()
            await pilot.press(key)
            await wait_for(pilot, lambda: player.last_export is not None and player.last_export.endswith(ext), what=ext)
            data = open(player.last_export, encoding="utf-8").read()
            assert needle in data
            if ext == "txt":
                assert data == to_text(player.replay.seek(player.position).term)
        assert len(list((ui_env / "exports").iterdir())) == 4


async def test_copy_puts_the_screen_text_on_the_clipboard(ui_env):
    from castview.term.render import to_text

    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await press(pilot, player, "5")
        await pilot.press("c")
        await wait_for(pilot, lambda: bool(pilot.app.clipboard), what="the clipboard")
        assert pilot.app.clipboard == to_text(player.replay.seek(player.position).term)
        assert "\x1b" not in pilot.app.clipboard


async def test_metadata_help_and_back(ui_env):
    from castview.ui.screens.browser import BrowserScreen
    from castview.ui.screens.help import HelpScreen
    from castview.ui.widgets.metadata_pane import MetadataPane

    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        pane = player.query_one(MetadataPane)
        assert not pane.display  # 80 columns: the terminal view gets them all
        await pilot.press("m")
        assert pane.display
        await pilot.press("m")
        assert not pane.display
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is player
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BrowserScreen)
        await pilot.press("enter")
        app = pilot.app
        await wait_for(pilot, lambda: app.screen is not player and not isinstance(app.screen, BrowserScreen),
                       what="the recording opened again")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BrowserScreen)


async def test_wide_view_shows_metadata(ui_env):
    from castview.ui.widgets.metadata_pane import MetadataPane

    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(140, 30)) as pilot:
        player = await open_player(pilot)
        assert player.query_one(MetadataPane).display


async def test_pans_when_the_recording_is_larger(ui_env):
    from castview.ui.widgets.terminal_view import TerminalView

    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(60, 16)) as pilot:
        player = await open_player(pilot)
        await press(pilot, player, "5")
        view = player.query_one(TerminalView)
        assert view.panned
        assert "panned" in str(player.query_one("#player-status").render())
        assert view.size.width < 80
        before = view.pan
        await pilot.press("ctrl+down", "ctrl+right")
        assert view.pan != before


async def test_damaged_recording_shows_what_is_valid_and_the_error(ui_env):
    async with make_app(BROKEN, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        problem = str(player.query_one("#player-problem").render())
        assert "server-v2-broken.cast:3" in problem
        await press(pilot, player, "end")
        text = "\n".join(view_text(player))
        assert "foo bar" in text


async def test_not_a_recording_at_all(ui_env, tmp_path):
    bad = tmp_path / "bad.cast"
    bad.write_text("this is not json\n")
    async with make_app(bad, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        assert player.replay is None
        problem = str(player.query_one("#player-problem").render())
        assert "bad.cast" in problem
        await pilot.press("space", "right", "5", "full_stop", "e")  # nothing to do, nothing breaks
        await pilot.pause()


async def test_command_palette_runs_player_actions(ui_env):
    from textual.command import CommandPalette

    async with make_app(MARKERS, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandPalette), what="the palette")
        await pilot.press(*"next marker")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: pilot.app.screen is player, what="the palette to close")
        await settle(pilot, player)
        expect_at(player, 0.5)


async def test_every_player_binding_has_a_palette_entry(ui_env):
    from castview.ui.commands import CastviewCommands
    from castview.ui.screens.player import PlayerScreen

    async with make_app(MARKERS, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        provider = CastviewCommands(player)
        actions = {action for _, _, action in provider._entries()}  # noqa: SLF001
        assert actions == {b.action for b in PlayerScreen.BINDINGS}


async def test_resize_events_change_the_view(ui_env):
    from castview.ui.widgets.terminal_view import TerminalView

    async with make_app(PUBLIC / "player-resizing.v3.cast", tmp_path=ui_env).run_test(size=(140, 40)) as pilot:
        player = await open_player(pilot)
        view = player.query_one(TerminalView)
        sizes = set()
        for digit in range(10):
            await press(pilot, player, str(digit))
            term = player.replay.seek(player.position).term
            assert (view.cols, view.rows) == (term.cols, term.rows)
            assert view.size.width == term.cols and view.size.height == term.rows
            sizes.add((view.cols, view.rows))
        await press(pilot, player, "end")
        sizes.add((view.cols, view.rows))
        assert len(sizes) > 1


async def test_settings_give_the_speed_and_idle_cap(ui_env):
    async with make_app(MARKERS, tmp_path=ui_env, speed=4.0, idle_limit=0.5).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        assert player.speed == 4.0
        assert player.idle_cap == 0.5
        assert "4×" in str(player.query_one("#player-status").render())


def write_big(path, events: int = 3000) -> None:
    """Full-screen redraws: enough output that indexing takes a moment."""
    import json

    with open(path, "w") as f:
        f.write(json.dumps({"version": 2, "width": 100, "height": 30}) + "\n")
        for i in range(events):
            rows = "".join(f"\x1b[{y + 1};1H\x1b[3{(i + y) % 8}mframe {i:05d} row {y:02d} " + "x" * 70
                           for y in range(30))
            f.write(json.dumps([i * 0.05, "o", rows]) + "\n")


async def test_seeking_while_the_index_builds_keeps_the_ui_responsive(ui_env, tmp_path):
    from castview.ui.widgets.metadata_pane import MetadataPane

    big = tmp_path / "big.cast"
    write_big(big)
    async with make_app(big, tmp_path=ui_env).run_test(size=(120, 40)) as pilot:
        player = await open_player(pilot, indexed=False)
        await pilot.press("end")
        pane = player.query_one(MetadataPane)
        shown = pane.display
        await pilot.press("m")  # served at once, whatever the workers are doing
        assert pane.display != shown
        await wait_for(pilot, lambda: player.index_complete, timeout=60, what="the index")
        await settle(pilot, player)
        expect_at(player, player.duration)
        assert "frame 02999 row 00" in view_text(player)[0]


async def test_export_never_writes_through_a_planted_symlink(ui_env):
    from castview.ui.export_actions import export_stem

    async with make_app(HTOP, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await press(pilot, player, "5")
        exports = ui_env / "exports"
        exports.mkdir(exist_ok=True)
        victim = ui_env / "victim.txt"
        planted = exports / f"{export_stem(HTOP.name, player.position)}.txt"
        planted.symlink_to(victim)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("t")
        await wait_for(pilot, lambda: player.last_export is not None, what="the export")
        assert not victim.exists() and planted.is_symlink()
        assert player.last_export.endswith("-1.txt") and "Uptime" in open(player.last_export).read()
