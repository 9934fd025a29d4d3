"""The commands pane's times line up, and so do the commands after them (ux80 #12: `0:03.093`,
`0:05.93`, ` 0:19.1` left the command texts ragged)."""

from __future__ import annotations

import pytest

from castview.commands.model import Command
from castview.formatting import exact_clock
from castview.ui.widgets.commands_pane import command_row, shown_times


def typed(time: float, line: str) -> Command:
    return Command(time, line, "$ ", None, None, 0, False, False)


@pytest.mark.parametrize(("times", "expected"), [
    ([3.093, 5.93, 19.1], ["0:03.093", "0:05.93 ", "0:19.1  "]),
    ([5.5, 65.25, 3600.5], ["   0:05.5 ", "   1:05.25", "1:00:00.5 "]),
    ([1.5], ["0:01.5"]),
    ([], []),
])
def test_the_times_line_up_at_their_decimal_point(times, expected):
    shown = shown_times([typed(t, "ls") for t in times])
    assert shown == expected
    assert [s.strip() for s in shown] == [exact_clock(t, 1) for t in times]  # padded, never changed


def test_the_commands_start_in_one_column():
    commands = [typed(3.093, "ls"), typed(5.93, "cd /tmp"), typed(19.1, "vim notes")]
    rows = [command_row(c, t).plain for c, t in zip(commands, shown_times(commands), strict=True)]
    assert {row.index(c.command) for row, c in zip(rows, commands, strict=True)} == {9}
