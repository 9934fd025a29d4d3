"""The player's commands pane (`t`) on a session whose command lines hold escape
sequences, bidi overrides and 100,000 characters: listed, controls made visible, the
player keeps answering keys."""

from __future__ import annotations

import json
import re

import pytest

from test_ui_helpers import make_app, open_player, settle, wait_for

pytestmark = pytest.mark.anyio

PROMPT = "\x1b[?2004halice@web-1:~$ "
ACCEPT = "\r\n\x1b[?2004l\r"
LINES = ["echo \x1b]0;PWNED\x07\x1b]52;c;ZXZpbA==\x07 [b]x[/b] \u202eevil", "true " + "b" * 100_000 + "; rm -rf /"]
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


async def test_hostile_command_lines_are_listed_escaped(ui_env, tmp_path):
    from castview.ui.widgets.commands_pane import CommandsPane

    events = []
    for i, line in enumerate(LINES):
        events += [[i * 2.0, "o", PROMPT], [i * 2.0 + 0.1, "o", line], [i * 2.0 + 0.2, "o", ACCEPT]]
    rec = tmp_path / "hostile.cast"
    rec.write_text("\n".join(json.dumps(x) for x in [{"version": 2, "width": 80, "height": 24}, *events]) + "\n")
    async with make_app(rec, tmp_path=ui_env).run_test(size=(120, 30)) as pilot:
        player = await open_player(pilot)
        await pilot.press("t")
        pane = player.query_one(CommandsPane)
        await wait_for(pilot, lambda: pane.loaded, timeout=60, what="the commands")
        rows = [pane.get_option_at_index(i).prompt.plain for i in range(pane.option_count)]
        assert len(rows) == 2
        assert "[b]x[/b]" in rows[0] and "evil" in rows[0]  # (markup shown as text; the override dropped)
        assert not any(CONTROL.search(row) for row in rows)
        assert pane.commands[1].command.endswith("; rm -rf /")
        pane.highlighted = 1
        await pilot.press("enter")
        await settle(pilot, player)
        assert player.position == pytest.approx(pane.commands[1].time, abs=1e-6)
        assert pilot.app.is_running
