"""What the player writes to the terminal, per rendered frame (issue 18): deterministic
byte budgets, counted from the screen updates Textual would write (the headless driver
writes nothing, so each update is rendered here as the real driver would)."""

from __future__ import annotations

import json

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from test_ui_helpers import make_app, nano_recording, open_player, settle

pytestmark = pytest.mark.anyio

OVERHEAD = 250
"""Bytes a frame may cost beyond 3x the event's own: the event count and the clock's
changed digits, cursor moves, colours."""


def count_writes(app) -> list[int]:
    """From now on, the bytes of each screen update go in the returned list."""
    from textual._compositor import CompositorUpdate

    written: list[int] = []

    def display(screen, renderable) -> None:
        if isinstance(renderable, CompositorUpdate):
            written.append(len(renderable.render_segments(app.console).encode()))

    app._display = display
    return written


async def test_each_event_costs_about_what_it_wrote(ui_env):
    nano = nano_recording()
    assert nano is not None
    events = [json.loads(line) for line in nano.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    app = make_app(nano, tmp_path=ui_env)
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        await pilot.press("end")
        await settle(pilot, player)
        await pilot.press("home")
        await settle(pilot, player)
        written = count_writes(app)
        over = []
        for _ in range(60):
            n = player.count
            del written[:]
            await pilot.press("full_stop")
            await settle(pilot, player)
            own = sum(len(e[2].encode()) for e in events[n:player.count] if e[1] == "o")
            if sum(written) > 3 * own + OVERHEAD:
                over.append((n, own, sum(written)))
        assert not over, f"frames over budget (event, own bytes, written): {over}"


async def test_paused_writes_nothing(ui_env):
    nano = nano_recording()
    app = make_app(nano, tmp_path=ui_env)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_player(pilot)
        written = count_writes(app)
        for _ in range(20):
            await pilot.pause(0.05)
        assert sum(written) == 0


async def test_scrub_bar_repaints_only_what_moved(ui_env):
    from castview.ui.widgets.scrub_bar import ScrubBar

    nano = nano_recording()
    app = make_app(nano, tmp_path=ui_env)
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        bar = player.query_one(ScrubBar)
        bar.before = None
        bar.position = 0.01  # shown rounded up (0:00.1: it names the frame on view)
        await pilot.pause()
        await pilot.pause()
        written = count_writes(app)
        bar.position = 0.02  # same cell, same tenth: nothing to send
        await pilot.pause()
        await pilot.pause()
        assert sum(written) == 0
        bar.position = 0.15  # one digit of the clock
        await pilot.pause()
        await pilot.pause()
        assert 0 < sum(written) <= 60


async def test_status_line_repaints_only_what_changed(ui_env):
    from dataclasses import replace

    from castview.ui.widgets.status_line import StatusLine

    nano = nano_recording()
    app = make_app(nano, tmp_path=ui_env)
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        line = player.query_one(StatusLine)
        written = count_writes(app)
        line.show(line.status)
        await pilot.pause()
        assert sum(written) == 0
        line.show(replace(line.status, count=line.status.count + 1))
        await pilot.pause()
        await pilot.pause()
        assert 0 < sum(written) <= 40


# -- the pieces --------------------------------------------------------------------------
A, B = Style(bold=True), Style(italic=True)


def strip(*parts: tuple[str, Style | None]) -> Strip:
    return Strip([Segment(text, style) for text, style in parts])


@pytest.mark.parametrize(("old", "new", "runs"), [
    (strip(("hello", A)), strip(("hello", A)), []),
    (strip(("hello", A)), strip(("hallo", A)), [(1, 2)]),
    (strip(("hello", A)), strip(("he", A), ("llo", B)), [(2, 5)]),
    (strip(("a" * 30, None)), strip(("b" + "a" * 28 + "b", None)), [(0, 1), (29, 30)]),
    (strip(("abcdef", None)), strip(("xbcdxf", None)), [(0, 5)]),  # close runs go as one
    (strip(("1" + "━" * 7 + "●─", None)), strip(("2" + "━" * 8 + "●", None)), [(0, 1), (8, 10)]),  # 21 bytes apart
    (strip(("ab", None)), strip(("abcd", None)), [(2, 4)]),
    (strip(("a完b", None)), strip(("a完c", None)), [(3, 4)]),
    (strip(("a完b", None)), strip(("a字b", None)), [(1, 3)]),  # a wide character whole
    (None, strip(("ab", None)), [(0, 2)]),
])
def test_changed_runs(old, new, runs):
    from castview.ui.widgets.cell_diff import changed_runs, cut_at

    assert changed_runs(old, new) == runs
    cut = cut_at(new, runs)
    assert cut.text == new.text and cut.cell_length == new.cell_length


def test_partial_updates_start_at_the_change():
    """A dirty span in the middle of a line is written from its start, not the line's."""
    from rich.console import Console
    from textual._compositor import ChopsUpdate

    from castview.ui import partial_updates

    partial_updates.install()
    line = Strip([Segment("x" * 40, A)])
    update = ChopsUpdate([{0: line}], [(0, 30, 32)], [[40]])
    out = update.render_segments(Console(force_terminal=True, color_system="truecolor"))
    assert out.startswith("\x1b[1;31H") and out.count("x") == 2
