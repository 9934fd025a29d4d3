"""Pilot tests of the new user's rough edges in the player: the `t` pane's times name the
frame enter seeks to, `?` and `g` list every form a time takes, the status line's date from
100 columns, and `u` said in a toast where local time is UTC."""

from __future__ import annotations

import io
import json
import time
from bisect import bisect_right
from pathlib import Path

import pytest
from rich.console import Console

from castview.moments import Span, parse_moment
from test_ui_helpers import make_app, open_player, settle, wait_for

pytestmark = pytest.mark.anyio

BASH = Path(__file__).resolve().parent / "data" / "commands" / "bash.cast"
START = 1795166102  # 2026-11-20 09:15:02 UTC


def steady_recording(path: Path) -> Path:
    events = [[float(t), "o", f"line {t}\r\n"] for t in range(30)]
    header = {"version": 2, "width": 80, "height": 24, "timestamp": START}
    path.write_text("\n".join(json.dumps(x) for x in [header, *events]) + "\n")
    return path


def status(player) -> str:
    return str(player.query_one("#player-status").render())


async def test_pane_times_name_the_frame_enter_seeks_to(ui_env):
    from castview.ui.widgets.commands_pane import CommandsPane

    times = [json.loads(line)[0] for line in BASH.read_text().splitlines()[1:] if line.strip()]
    async with make_app(BASH, tmp_path=ui_env).run_test(size=(120, 30)) as pilot:
        player = await open_player(pilot)
        await pilot.press("t")
        pane = player.query_one(CommandsPane)
        await wait_for(pilot, lambda: pane.loaded, timeout=30, what="the commands")
        span = Span(player.summary.start_ns, player.duration)
        close = 0  # commands whose output follows within a tenth: a time rounded to tenths misses them
        for i, command in enumerate(pane.commands):
            shown = str(pane.get_option_at_index(i).prompt).split()[0]
            typed = parse_moment(shown, span)
            assert bisect_right(times, typed) == bisect_right(times, command.time), (shown, command.time)
            k = bisect_right(times, command.time)
            close += k < len(times) and times[k] - command.time < 0.1
        assert close
        # enter seeks to the frame of the command's moment
        pane.highlighted = 3
        await pilot.press("enter")
        await settle(pilot, player)
        assert player.count == bisect_right(times, pane.commands[3].time)


async def test_help_and_the_goto_dialog_list_every_form_of_a_time(ui_env):
    from textual.widgets import Label, Static

    rec = steady_recording(ui_env / "steady.cast")
    async with make_app(rec, tmp_path=ui_env).run_test(size=(120, 40)) as pilot:
        player = await open_player(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        console = Console(width=400, file=io.StringIO(), record=True)
        for static in pilot.app.screen.query(Static):
            console.print(static.content)
        shown = console.export_text()
        assert "Go to a time typed as mm:ss" not in shown
        assert "Go to a time: m:ss, h:mm:ss, seconds, +position, end, @time of day, RFC 3339" in shown
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        prompt = str(pilot.app.screen.query_one("#goto-prompt", Label).render())
        for form in ("m:ss", "h:mm:ss", "seconds", "+1:02:03", "end", "@14:22:05", "2025-03-02T14:22:05Z"):
            assert form in prompt
        await pilot.press("escape")
        await settle(pilot, player)


@pytest.mark.parametrize("width, dated", [(99, False), (100, True)])
async def test_status_shows_the_date_from_100_columns(ui_env, width, dated):
    rec = steady_recording(ui_env / "steady.cast")
    async with make_app(rec, tmp_path=ui_env, utc=True).run_test(size=(width, 30)) as pilot:
        player = await open_player(pilot)
        await settle(pilot, player)
        assert "09:15:02 UTC" in status(player)
        assert ("2026-11-20" in status(player)) is dated


async def test_u_says_the_wall_clock_in_a_toast_where_local_time_is_utc(ui_env, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    rec = steady_recording(ui_env / "steady.cast")
    async with make_app(rec, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)

        def said(text: str) -> bool:
            return any(n.message == text for n in pilot.app._notifications)  # noqa: SLF001

        await pilot.press("u")
        await wait_for(pilot, lambda: said("wall clock: UTC"), what="the UTC toast")
        await pilot.press("u")
        await wait_for(pilot, lambda: said("wall clock: local time (UTC)"), what="the local toast")
        assert "09:15:02 UTC" in status(player)
