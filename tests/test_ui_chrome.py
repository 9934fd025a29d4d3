"""Pilot tests of the player's chrome (issue 12): the wall clock and `u`, the status on
resize and with the metadata pane, one pan rule, compact mode (`z`), marker labels, and
toasts clear of the status line and the scrub bar."""

from __future__ import annotations

import json
import time

import pytest

from test_ui_helpers import PUBLIC, make_app, nano_recording, open_player, settle, wait_for

pytestmark = pytest.mark.anyio

MARKERS = PUBLIC / "player-markers.cast"  # markers at 0.5 s and 1.1 s, 2.0 s long
START = 1795166102  # 2026-11-20 09:15:02 UTC


def status(player) -> str:
    return str(player.query_one("#player-status").render())


async def press(pilot, player, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot, player)


def tall_recording(path):
    """80x24, 60 s: the cursor at the bottom row until 20 s, then a clear and the cursor
    on the fourth row."""
    events = [[0.0, "o", "\r\n".join(f"line {i}" for i in range(24))]]
    events += [[float(t), "o", "."] for t in range(1, 20)]
    events.append([20.0, "o", "\x1b[2J\x1b[Hone\r\ntwo\r\nthree\r\n"])
    events += [[float(t), "o", "+"] for t in range(21, 60)]
    header = {"version": 2, "width": 80, "height": 24, "timestamp": START}
    path.write_text("\n".join(json.dumps(x) for x in [header, *events]) + "\n")
    return path


# -- the wall clock ----------------------------------------------------------------------
async def test_status_shows_the_frame_wall_clock_and_u_toggles_the_zone(ui_env, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    rec = tall_recording(ui_env / "tall.cast")
    async with make_app(rec, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        await press(pilot, player, "right", "right")  # 10 s in: 09:15:12 UTC is 18:15:12 in Tokyo
        assert "18:15:12 JST" in status(player)
        await press(pilot, player, "u")
        assert "09:15:12 UTC" in status(player)
        await press(pilot, player, "u")
        assert "18:15:12 JST" in status(player)


async def test_utc_setting_and_the_date_when_wide(ui_env):
    rec = tall_recording(ui_env / "tall.cast")
    async with make_app(rec, tmp_path=ui_env, utc=True).run_test(size=(200, 50)) as pilot:
        player = await open_player(pilot)
        assert "2026-11-20 09:15:02 UTC" in status(player)


# -- the status on resize, with the metadata pane; one pan rule --------------------------
async def test_status_follows_a_resize_of_the_terminal(ui_env):
    rec = tall_recording(ui_env / "tall.cast")
    async with make_app(rec, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        assert "panned: rows 4-24 of 80x24" in status(player)
        await pilot.resize_terminal(200, 50)
        await wait_for(pilot, lambda: "panned" not in status(player), what="the status after growing")
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: "panned: rows 4-24 of 80x24" in status(player),
                       what="the status after shrinking back")


async def test_status_names_the_columns_with_the_metadata_pane_open(ui_env):
    rec = tall_recording(ui_env / "tall.cast")
    async with make_app(rec, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        assert "panned" not in status(player)
        await press(pilot, player, "m")
        await wait_for(pilot, lambda: "panned: cols 1-" in status(player), what="the column range")


async def test_a_moment_shows_the_same_rows_however_it_was_reached(ui_env):
    rec = tall_recording(ui_env / "tall.cast")
    async with make_app(rec, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        await press(pilot, player, "shift+right")  # 30 s: the cursor on the fourth row
        at_30 = status(player)
        assert "rows 1-21" in at_30
        await press(pilot, player, "shift+left")  # 0 s: the cursor on the last row
        assert "rows 4-24" in status(player)
        await press(pilot, player, "shift+right")
        assert status(player) == at_30


async def test_a_pan_by_hand_holds_until_the_playhead_moves(ui_env):
    rec = tall_recording(ui_env / "tall.cast")
    async with make_app(rec, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        await press(pilot, player, "ctrl+up")
        assert "rows 1-21" in status(player)
        await press(pilot, player, "right")
        assert "rows 4-24" in status(player)


# -- compact mode ------------------------------------------------------------------------
async def test_compact_mode_fits_an_80x24_recording_in_an_80x24_terminal(ui_env):
    from castview.ui.widgets.scrub_bar import ScrubBar
    from castview.ui.widgets.terminal_view import TerminalView

    nano = nano_recording()
    assert nano is not None
    async with make_app(nano, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        view = player.query_one(TerminalView)
        assert view.panned
        await press(pilot, player, "z")
        await wait_for(pilot, lambda: view.size == (80, 24), what="the whole recording on view")
        assert not view.panned and view.region.y == 0
        assert not player.query_one("#player-status").display
        bar = player.query_one(ScrubBar)
        assert bar.display and bar.region.y == 23  # the overlay, over the last row, after the key
        await wait_for(pilot, lambda: not bar.display, timeout=10, what="the overlay to go")
        await press(pilot, player, "right")
        assert bar.display and view.size == (80, 24)
        await press(pilot, player, "z")
        assert player.query_one("#player-status").display and view.panned


async def test_compact_setting(ui_env):
    from castview.ui.widgets.terminal_view import TerminalView

    nano = nano_recording()
    async with make_app(nano, tmp_path=ui_env, compact=True).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        assert player.query_one(TerminalView).size == (80, 24)


# -- marker labels ----------------------------------------------------------------------
async def test_marker_labels_on_jump_and_hover(ui_env):
    from castview.ui.widgets.scrub_bar import ScrubBar

    async with make_app(MARKERS, tmp_path=ui_env).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        labels = [label for _, label in player.index.markers]
        await press(pilot, player, "right_square_bracket")
        await wait_for(pilot, lambda: any(n.title == "Marker" for n in pilot.app._notifications),
                       what="the marker toast")
        shown = [n.message for n in pilot.app._notifications if n.title == "Marker"]
        assert shown == [labels[0] or "(no label)"]
        bar = player.query_one(ScrubBar)
        start, width = bar._bar_span()
        t, label = player.index.markers[1]
        x = start + bar._cell(t, width)
        assert bar.marker_label(x) == (label or "(marker)")
        await pilot.hover(ScrubBar, offset=(x + 1, 0))  # +1: the bar's left padding
        assert bar.tooltip is not None and (label or "(marker)") in str(bar.tooltip)
        await pilot.hover(ScrubBar, offset=(start + 1, 0))
        assert bar.tooltip is None or bar.marker_label(start) is not None


# -- toasts ------------------------------------------------------------------------------
async def test_toasts_do_not_cover_the_status_line_or_the_scrub_bar(ui_env):
    from textual.widgets._toast import Toast

    from castview.ui.widgets.scrub_bar import ScrubBar

    async with make_app(MARKERS, tmp_path=ui_env).run_test(size=(80, 24), notifications=True) as pilot:
        player = await open_player(pilot)
        await press(pilot, player, "i")  # "Idle time played in full"
        await wait_for(pilot, lambda: bool(player.query(Toast)), what="a toast")
        await pilot.pause()
        lowest = max(t.region.bottom for t in player.query(Toast))
        assert lowest <= player.query_one("#player-status").region.y
        assert lowest <= player.query_one(ScrubBar).region.y


# -- low bandwidth -----------------------------------------------------------------------
async def test_low_bandwidth_clock_in_whole_seconds(ui_env):
    from castview.ui.widgets.scrub_bar import ScrubBar

    rec = tall_recording(ui_env / "tall.cast")
    async with make_app(rec, tmp_path=ui_env, low_bandwidth=True).run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await press(pilot, player, "right")
        text = str(player.query_one(ScrubBar).render())
        assert text.startswith("⏸ 0:05 ") and text.endswith(" 0:59")


async def test_low_bandwidth_is_suggested_once_over_ssh(ui_env, monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22")
    busy = ui_env / "busy.cast"
    events = [[i / 10, "o", "\x1b[H" + ("x" * 79 + "\r\n") * 23] for i in range(100)]
    header = {"version": 2, "width": 80, "height": 24, "timestamp": START}
    busy.write_text("\n".join(json.dumps(x) for x in [header, *events]) + "\n")
    app = make_app(busy, tmp_path=ui_env)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await open_player(pilot)
        await wait_for(pilot, lambda: any(n.title == "Over SSH" for n in app._notifications), what="the hint")
        assert [n.title for n in app._notifications].count("Over SSH") == 1
        assert "CASTVIEW_LOW_BANDWIDTH=1" in next(n.message for n in app._notifications if n.title == "Over SSH")
