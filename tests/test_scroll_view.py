"""Output that scrolls: the terminal view has the terminal scroll its rows instead of
repainting them (ui/widgets/terminal_view.py). Checked against a terminal fed with every
byte the app writes (castview's own emulator): what it shows must be what the view
shows, after steps, plays, seeks, the metadata pane and resizes; and a scrolled line
costs about its own bytes."""

from __future__ import annotations

import json
import os
import re
import time

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from test_ui_helpers import make_app, open_player, settle, wait_for

pytestmark = pytest.mark.anyio

COLS, ROWS, LINES = 80, 12, 60
SCROLL = "\x1b[1S"


def text(i: int) -> str:
    return f"line {i:02d} " + "".join(chr(ord("a") + (i + j) % 26) for j in range(60))


def write(path, rows: int, lines: int = LINES):
    events = [[1.0 + 0.05 * i, "o", f"\x1b[3{i % 7 + 1}m{text(i)}\x1b[m\r\n"] for i in range(lines)]
    header = {"version": 2, "width": COLS, "height": rows}
    path.write_text("\n".join(json.dumps(x) for x in [header, *events]) + "\n", encoding="utf-8")
    an_hour_ago = time.time() - 3600  # not live
    os.utime(path, (an_hour_ago, an_hour_ago))
    return path


@pytest.fixture
def scrolling(ui_env):
    return write(ui_env / "scrolling.cast", ROWS)


class Wire:
    """A terminal fed with every screen update the app writes (the headless driver
    writes nothing: each is rendered here as the real driver would)."""

    def __init__(self, app, cols: int, rows: int) -> None:
        from textual._compositor import CompositorUpdate

        self.app = app
        self.writes: list[str] = []
        self.resize(cols, rows)

        def display(screen, renderable) -> None:
            if isinstance(renderable, CompositorUpdate):
                data = renderable.render_segments(app.console)
                self.writes.append(data)
                self.terminal.feed(data)

        app._display = display

    def resize(self, cols: int, rows: int) -> None:
        from castview.term.screen import Terminal

        self.terminal = Terminal(cols, rows)

    def view_rows(self, player) -> list[str]:
        from castview.ui.widgets.terminal_view import TerminalView

        region = player.query_one(TerminalView).region
        lines = self.terminal.lines()
        return [line[region.x:region.right].rstrip() for line in lines[region.y:region.bottom]]


def shown(player) -> list[str]:
    """What the view believes it shows (its rows cut to its width)."""
    from castview.ui.widgets.terminal_view import TerminalView

    view = player.query_one(TerminalView)
    px, py = view.pan
    return [strip.text[px:px + view.size.width].rstrip() for strip in view._lines[py:py + view.size.height]]


async def test_the_terminal_shows_what_the_view_shows(scrolling):
    app = make_app(scrolling, tmp_path=scrolling.parent)
    wire = Wire(app, COLS, 24)
    async with app.run_test(size=(COLS, 24)) as pilot:
        player = await open_player(pilot)
        await pilot.press("home")
        await settle(pilot, player)
        assert wire.view_rows(player) == shown(player)
        del wire.writes[:]
        for _ in range(30):
            await pilot.press("full_stop")
            await settle(pilot, player)
            assert wire.view_rows(player) == shown(player)
        assert sum(data.count(SCROLL) for data in wire.writes) >= 18  # once the view is full
        # A full repaint (a resize: the real terminal clears) draws every row again, from
        # Textual's caches: none may be from before the scrolls.
        for size in [(100, 30), (COLS, 24)]:
            wire.resize(*size)
            await pilot.resize_terminal(*size)
            await settle(pilot, player)
            assert wire.view_rows(player) == shown(player)
        await pilot.press("comma", "comma")  # back: not a scroll up
        await settle(pilot, player)
        assert wire.view_rows(player) == shown(player)
        await pilot.press("m")  # the metadata pane beside the view: no scrolling
        await settle(pilot, player)
        del wire.writes[:]
        for _ in range(5):
            await pilot.press("full_stop")
            await settle(pilot, player)
            assert wire.view_rows(player) == shown(player)
        assert not any(SCROLL in data for data in wire.writes)
        await pilot.press("m")
        await settle(pilot, player)
        for _ in range(5):
            await pilot.press("full_stop")
            await settle(pilot, player)
            assert wire.view_rows(player) == shown(player)
        await pilot.press("space")  # played to the end, then a resize
        await wait_for(pilot, lambda: shown(player)[-2] == text(LINES - 1), what="the end")
        await settle(pilot, player)
        assert wire.view_rows(player) == shown(player)
        wire.resize(100, 30)
        await pilot.resize_terminal(100, 30)
        await settle(pilot, player)
        assert wire.view_rows(player) == shown(player)


async def test_a_scrolled_line_costs_about_its_own_bytes(scrolling):
    app = make_app(scrolling, tmp_path=scrolling.parent)
    wire = Wire(app, COLS, 24)
    async with app.run_test(size=(COLS, 24)) as pilot:
        player = await open_player(pilot)
        await pilot.press("home")
        await settle(pilot, player)
        for _ in range(ROWS + 2):
            await pilot.press("full_stop")
            await settle(pilot, player)
        for _ in range(10):
            del wire.writes[:]
            await pilot.press("full_stop")
            await settle(pilot, player)
            assert SCROLL in "".join(wire.writes)
            assert len("".join(wire.writes).encode()) <= 3 * len(text(0)) + 250


async def test_a_pan_down_with_the_cursor_scrolls_too(ui_env):
    """A recording taller than the view that never scrolls itself: while it plays, the view
    follows the cursor down a row a line, which the terminal scrolls."""
    tall = write(ui_env / "tall.cast", 40, lines=35)
    app = make_app(tall, tmp_path=ui_env)
    wire = Wire(app, COLS, 24)
    async with app.run_test(size=(COLS, 24)) as pilot:
        player = await open_player(pilot)
        await pilot.press("home")
        await settle(pilot, player)
        del wire.writes[:]
        await pilot.press("space")
        await wait_for(pilot, lambda: text(34) in shown(player), what="the end")
        await settle(pilot, player)
        assert wire.view_rows(player) == shown(player)
        assert player.query_one("TerminalView").pan[1] > 0
        assert any(re.search(r"\x1b\[\d+S", data) for data in wire.writes)


# -- the detection -----------------------------------------------------------------------
def rows(*texts: str) -> list[Strip]:
    return [Strip([Segment(t, Style(bold=t.startswith("b")))]) for t in texts]


@pytest.mark.parametrize(("before", "after", "k"), [
    (rows("a", "b", "c", "d", "e", "f"), rows("b", "c", "d", "e", "f", "g"), 1),
    (rows("a", "b", "c", "d", "e", "f"), rows("d", "e", "f", "x", "y", "z"), 3),
    (rows("a", "b", "c", "d", "e", "f"), rows("a", "b", "c", "d", "e", "f"), 0),  # unchanged
    (rows("a", "b", "c", "d", "e", "f"), rows("a", "b", "c", "d", "e", "x"), 0),  # a row changed
    (rows("a", "b", "c", "d", "e", "f"), rows("x", "a", "b", "c", "d", "e"), 0),  # down: not this
    (rows("a", "b", "c", "d", "e", "f"), rows("e", "f", "x", "y", "z", "w"), 0),  # too few alike
    (rows("", "", "", "", "", ""), rows("", "", "", "", "", ""), 0),  # blank stays blank
    (rows("a", "", "", "", "", ""), rows("", "", "", "", "", ""), 0),  # one row cleared: no better by a scroll
    (rows("a", "b", "c", "d", "e", "f"), rows("c", "d", "x", "f", "g", "h"), 2),  # and a row changed
    ([None, *rows("b", "c", "d", "e", "f")], rows("b", "c", "d", "e", "f", "g"), 1),  # a row never painted
])
def test_rows_scrolled(before, after, k):
    from castview.ui.widgets.cell_diff import rows_scrolled

    assert rows_scrolled(before, after) == k


def test_rows_scrolled_compares_what_is_drawn_not_how_it_is_cut():
    from castview.ui.widgets.cell_diff import rows_scrolled

    whole = rows("a1234", "b1234", "c1234", "d1234")
    cut = [Strip(list(strip.divide([2, 5])[0]) + list(strip.divide([2, 5])[1])) for strip in whole]
    assert [len(list(strip)) for strip in cut] == [2] * 4
    assert rows_scrolled(whole, cut[1:] + rows("e")) == 1
