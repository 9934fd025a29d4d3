"""A recording that resizes itself (issue 18): the terminal view sends only what changed.
When the view keeps its size (both sizes fill it) no cell that did not change is sent;
when its size changes, the layout paints it once. Checked against a terminal fed with
every byte the app writes (castview's own emulator, tests/test_scroll_view.py's Wire):
what it shows must be what the view shows after every step."""

from __future__ import annotations

import json
import os
import time

import pytest

from test_scroll_view import Wire, shown
from test_ui_helpers import make_app, open_player, settle

pytestmark = pytest.mark.anyio

OVERHEAD = 250
"""Bytes a frame may cost beyond 3x the event's own (as tests/test_wire_budget.py): the
status line's changed cells (the event count, the clock, the size it names), cursor moves."""

COLS, ROWS = 100, 30
SIZES = [(120, 35), (COLS, 20), (110, 40), (COLS, ROWS)]
"""Grown, shrunk, grown, back: in a 100x30 terminal the view is 100x27 for all but 100x20
(it spans the terminal's width throughout, so that output scrolls by a terminal scroll)."""
LINES_BETWEEN = 9


def text(i: int) -> str:
    """Line i: different on every row; every third one wider than 100 columns, so that it
    wraps at 100 and is joined again at 110 or 120 (a resize reflows it, as tmux does)."""
    return f"line {i:02d} " + "".join(chr(ord("a") + (i + j) % 26) for j in range(96 if i % 3 == 0 else 40 + i % 30))


def events() -> list[list]:
    """Lines in colour, and a resize after every LINES_BETWEEN of them."""
    out: list[list] = []
    t, i = 1.0, 0
    for size in [None, *SIZES]:
        if size is not None:
            out.append([t, "r", f"{size[0]}x{size[1]}"])
            t += 0.02
        for _ in range(LINES_BETWEEN):
            out.append([t, "o", f"\x1b[3{i % 7 + 1}m{text(i)}\x1b[m\r\n"])
            t, i = t + 0.02, i + 1
    return out


def write(path):
    header = {"version": 2, "width": COLS, "height": ROWS}
    path.write_text("\n".join(json.dumps(x) for x in [header, *events()]) + "\n", encoding="utf-8")
    an_hour_ago = time.time() - 3600  # not live
    os.utime(path, (an_hour_ago, an_hour_ago))
    return path


def changed_cells(before: list[str], after: list[str]) -> int:
    """How many cells differ between two views' rows."""
    rows = max(len(before), len(after))
    before, after = before + [""] * (rows - len(before)), after + [""] * (rows - len(after))
    return sum(sum(a != b for a, b in zip(x.ljust(COLS + 20), y.ljust(COLS + 20), strict=True))
               for x, y in zip(before, after, strict=True))


def on_view(count: int, width: int, height: int) -> tuple[tuple[int, int], list[str]]:
    """The recording's size after `count` events, and the rows a view of at most width x
    height shows of it then (the pan rule: the top left, moved down to the cursor)."""
    from castview.term.screen import Terminal

    term = Terminal(COLS, ROWS)
    for _, code, data in events()[:count]:
        if code == "r":
            term.resize(*map(int, data.split("x")))
        else:
            term.feed(data)
    w, h = min(width, term.cols), min(height, term.rows)
    top = max(0, min(term.cursor[1] - h + 1, term.rows - h))
    return (term.cols, term.rows), [line[:w].rstrip() for line in term.lines()[top:top + h]]


@pytest.fixture
def resizing(ui_env):
    return write(ui_env / "resizing.cast")


async def test_a_resize_sends_only_what_changed(resizing):
    """Each step costs about the bytes of its event, and a resize about the cells it
    changed on view (the lines it reflowed)."""
    own = [len(data.encode()) if code == "o" else 0 for _, code, data in events()]
    for n, (_, code, _) in enumerate(events()):
        if code == "r":
            own[n] = changed_cells(on_view(n, COLS, ROWS - 3)[1], on_view(n + 1, COLS, ROWS - 3)[1])
    app = make_app(resizing, tmp_path=resizing.parent)
    wire = Wire(app, COLS, ROWS)
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        player = await open_player(pilot)
        await pilot.press("home")
        await settle(pilot, player)
        over, wrong = [], []
        for n in range(1, len(own) + 1):
            del wire.writes[:]
            await pilot.press("full_stop")
            await settle(pilot, player)
            assert player.count == n
            view = player.query_one("TerminalView")
            size, rows = on_view(n, view.size.width, view.size.height)
            assert (view.cols, view.rows) == size and shown(player) == rows
            if wire.view_rows(player) != rows:
                wrong.append(n)
            written = len("".join(wire.writes).encode())
            # A resize to 100x20 shrinks the view (a layout: painted once, whole), the next
            # one grows it back; the others leave it 100x27 and send only what changed.
            relaid = events()[n - 1][1] == "r" and (COLS, 20) in (size, on_view(n - 1, COLS, ROWS)[0])
            if not relaid and written > 3 * own[n - 1] + OVERHEAD:
                over.append((n, own[n - 1], written))
        assert not wrong, f"the terminal shows other rows than the view after events {wrong}"
        assert not over, f"frames over budget (event, own bytes, written): {over}"


async def test_a_layout_for_a_resize_paints_the_view_once(resizing):
    """In a terminal larger than the recording the view takes each size: the layout paints
    it (the old and the new area) once; the frames after send what they change."""
    app = make_app(resizing, tmp_path=resizing.parent)
    wire = Wire(app, 130, 45)
    async with app.run_test(size=(130, 45)) as pilot:
        player = await open_player(pilot)
        await pilot.press("home")
        await settle(pilot, player)
        before = on_view(0, 130, 42)
        for n in range(1, len(events()) + 1):
            del wire.writes[:]
            await pilot.press("full_stop")
            await settle(pilot, player)
            view = player.query_one("TerminalView")
            size, rows = on_view(n, view.size.width, view.size.height)
            assert view.size == (min(size[0], 130), min(size[1], 42))
            assert wire.view_rows(player) == rows == shown(player)
            written = len("".join(wire.writes).encode())
            if events()[n - 1][1] == "r":
                area = max(size[0], before[0][0]) * max(size[1], before[0][1])  # the old and the new view
                assert written < 2 * area  # once (~1.4 bytes a cell), not twice
            else:  # the view is narrower than the terminal: output that scrolls is repainted
                assert written <= 3 * changed_cells(before[1], rows) + OVERHEAD, n
            before = size, rows


async def test_the_view_is_laid_out_at_the_size_a_resize_without_layout_left(resizing):
    """A resize that kept the view's size needed no layout; a later layout (the terminal
    resized) must give the view the recording's new size, not one Textual arranged before."""
    app = make_app(resizing, tmp_path=resizing.parent)
    async with app.run_test(size=(130, 45)) as pilot:
        player = await open_player(pilot)
        await pilot.press("home")
        await settle(pilot, player)
        view = player.query_one("TerminalView")
        assert view.size == (COLS, ROWS)
        await pilot.resize_terminal(COLS, ROWS)
        await settle(pilot, player)
        for _ in range(LINES_BETWEEN + 1):  # past the resize to 120x35: the view stays 100x27
            await pilot.press("full_stop")
        await settle(pilot, player)
        assert (view.cols, view.rows) == (120, 35) and view.size == (COLS, ROWS - 3)
        await pilot.resize_terminal(130, 45)
        await settle(pilot, player)
        assert view.size == (120, 35)
