"""The app on recordings whose names, header fields and marker labels are Rich/Textual
markup and terminal escapes (Pilot): every screen shows them as written, nothing is
hidden, no link is made, no action runs, nothing crashes.

What is shown is read from the app's own screenshot (the text of every cell) and from the
segments the widgets render (their links and click actions)."""

from __future__ import annotations

import contextlib
import html
import io
import re

import pytest
from rich.console import Console
from textual.geometry import Region

from test_ui_helpers import make_app, open_player, settle, wait_for

from . import markup_tree as mt

pytestmark = pytest.mark.anyio

SIZE = (220, 50)
LINK_OPEN = "[link=https://evil.example]"
_LINE = re.compile(r'<text [^>]*clip-path="url\(#[\w-]+-line-(\d+)\)"[^>]*>([^<]*)</text>')


def screen_text(app) -> str:
    """Every row of the screen as it is drawn, one line each."""
    rows: dict[int, str] = {}
    for row, text in _LINE.findall(app.export_screenshot()):
        rows[int(row)] = rows.get(int(row), "") + html.unescape(text).replace("\xa0", " ").strip("\n")
    return "\n".join(rows.get(i, "") for i in range(max(rows, default=-1) + 1))


def live_styles(app) -> list[str]:
    """The links and click actions of every segment on screen (none may come from a
    recording)."""
    found = []
    for widget in app.screen.walk_children(with_self=True):
        if not widget.display or not widget.size.area:
            continue
        for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height)):
            for segment in strip:
                style = segment.style
                if style is None:
                    continue
                if style.link:
                    found.append(f"link {style.link} in {widget!r}")
                action = (style.meta or {}).get("@click")
                if action is not None:
                    found.append(f"@click {action} in {widget!r}")
    return found


def check_screen(app, *shown: str) -> str:
    """The screen holds each of `shown` literally, no raw control or bidi character, and
    no link or click action; the app runs."""
    assert app.is_running
    text = screen_text(app)
    for needle in shown:
        assert needle in text, f"{needle!r} not on screen:\n{text}"
    assert not any(ch in text for ch in "\x1b\x07\u202e"), text
    assert live_styles(app) == []
    return text


def toasts(app) -> str:
    """The text of the toasts on screen (title and message), as their widgets hold it."""
    from textual.widgets._toast import Toast

    return "\n".join(toast.render().plain for toast in app.screen.query(Toast))


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]  # noqa: SLF001


@pytest.fixture
def markup_app(ui_env, tmp_path):
    """The app on the markup tree and on a source that does not exist (an error toast
    naming it), exporting to a folder whose path reads `exports[/]x`."""
    tree = mt.write_markup_tree(tmp_path)
    missing = tmp_path / "gone[/]" / "[@click=app.quit]x"
    app = make_app(tree.root, missing, tmp_path=ui_env, open_single=False)
    app.export_dir = ui_env.joinpath("exports[", "]x")
    app.export_dir.mkdir(parents=True)
    return app, tree, missing


async def browser_ready(pilot):
    from castview.ui.widgets.recording_tree import RecordingTree

    app = pilot.app
    await wait_for(pilot, lambda: app.screen.query(RecordingTree)
                   and app.screen.query_one(RecordingTree).total == 2, what="the listing")
    tree = app.screen.query_one(RecordingTree)
    await wait_for(pilot, lambda: all(leaf.data.status == "ok" for g in tree.root.children[0].children
                                      for leaf in g.children), what="the headers")
    return tree


async def open_the_recording(pilot):
    """The player of the recording in `n[/]x`, found with the browser's filter."""
    await browser_ready(pilot)
    await pilot.press("slash", *"alice", "enter", "enter")
    return await open_player(pilot)


async def test_the_browser_shows_names_and_header_fields_as_written(markup_app):
    from castview.ui.screens.browser import BrowserScreen
    from castview.ui.screens.player import PlayerScreen

    app, paths, missing = markup_app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        tree = await browser_ready(pilot)
        await wait_for(pilot, lambda: str(missing) in toasts(app), what="the listing error")
        # Rows cut their cells to the columns (with an ellipsis); the detail lines say the rest.
        shown = (mt.FOLDER, mt.NODE_ID.replace("\u202e", "\\u202e"), "[link=https://evil.exam…", "[@click=app.q…",
                 f"$ rm -rf {mt.CLOSE} \\x1b]52;c;", str(missing), "[@click=app.quit]odd [link=evil.example]f.cast")
        # The headers are read in the background: the detail lines fill in when they are in.
        with contextlib.suppress(AssertionError):  # check_screen says which is missing
            await wait_for(pilot, lambda: all(needle in screen_text(app) for needle in shown), what="the details")
        check_screen(app, *shown)
        app.clear_notifications()  # toasts cover the bottom right
        # the detail line of the recording in n[/]x
        await pilot.press("slash", *"alice", "enter")
        await wait_for(pilot, lambda: tree.cursor_node is not None and getattr(tree.cursor_node.data, "ref", None)
                       and tree.cursor_node.data.ref.location == str(paths.recording), what="the filtered one")
        await pilot.pause()
        check_screen(app, str(paths.recording), f"from {mt.CONCEAL}\\x1b]8;;https://evil.example/osc8\\x1b\\",
                     f"{mt.CLICK} → {mt.REVERSE}\\x1b]0;pwned-title\\x07")
        # clicking the file name that reads [@click=app.quit] opens it, and only that
        await pilot.press("escape")
        leaf = next(leaf for g in tree.root.children[0].children for leaf in g.children
                    if leaf.data.ref.location == str(paths.odd))

        def leaf_row() -> tuple[int, str]:
            row = tree.region.y + leaf.line - int(tree.scroll_offset.y)
            rows = screen_text(app).split("\n")
            return row, rows[row] if leaf.line >= 0 and 0 <= row < len(rows) else ""

        await wait_for(pilot, lambda: "[@click=app.quit]odd" in leaf_row()[1], what="the odd one on screen")
        row, text = leaf_row()
        at = (text.index("[@click=app.quit]odd") + 2, row)
        await pilot.click(offset=at)  # the cursor goes there
        await pilot.click(offset=at)  # and it opens
        await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen), what="the player of the clicked one")
        assert app.is_running and app.screen.summary.ref.location == str(paths.odd)
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowserScreen), what="the browser again")
        await pilot.press("question_mark")
        await pilot.pause()
        check_screen(app, "castview keys", "Filter by node")


async def test_the_player_shows_the_header_markers_and_matches_as_written(markup_app):
    from castview.ui.screens.help import HelpScreen
    from castview.ui.widgets.metadata_pane import MetadataPane

    app, _, _ = markup_app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        player = await open_the_recording(pilot)
        app.clear_notifications()
        await pilot.press("m", "m")  # hidden, then shown again
        await settle(pilot, player)
        assert player.query_one(MetadataPane).display
        check_screen(app, LINK_OPEN, mt.CLOSE, "[@click=app.quit]", "\\x1b]52;c;ZXZpbC1jbGlw\\x07", "\\u202ecid")
        pane = _render(player.query_one(MetadataPane))
        for shown in (mt.LINK, mt.CONCEAL, mt.CLICK, mt.REVERSE, f"rm -rf {mt.CLOSE}", mt.UNKNOWN_KEY, *mt.MARKERS[:3],
                      "mark \\x1b]8;;https://evil.example/osc8\\x1b\\\\x1b]0;pwned-title\\x07"):
            assert shown in pane, f"{shown!r} not in the metadata pane:\n{pane}"
        for _ in mt.MARKERS:
            await pilot.press("right_square_bracket")
            await settle(pilot, player)
        assert app.is_running
        # a time typed as [/] is quoted back as typed
        await pilot.press("g", "left_square_bracket", "slash", "right_square_bracket", "enter")
        await wait_for(pilot, lambda: "not a time: '[/]'" in screen_text(app), what="the time refused")
        check_screen(app, "not a time: '[/]'")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is player, what="the player again")
        # the search: the matched line as written
        await pilot.press("slash", *"visible-output", "enter")
        await wait_for(pilot, lambda: player.matches, what="the match")
        await pilot.pause()
        check_screen(app, f"$ echo {mt.CLOSE} {mt.CLICK} visible-output")
        await pilot.press("escape")
        # export and copy: the toast names the right file
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("t")
        await wait_for(pilot, lambda: player.last_export is not None, what="the export")
        saved = player.last_export
        # the folder as the user named it; the file named after the recording, made safe
        assert "exports[/]x" in saved and "@click=app.quit-x-conceal-y-reverse" in saved
        await wait_for(pilot, lambda: f"Saved text to {saved}" in toasts(app), what="the export toast")
        await pilot.pause()
        check_screen(app, "exports[/]x", "@click=app.quit-x-conceal-y-reverse")
        await pilot.press("c")
        await wait_for(pilot, lambda: "Copied the screen text" in toasts(app), what="the copy")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        await pilot.pause()
        check_screen(app, "castview keys", "Previous marker")
        assert all("\x1b" not in m and "\u202e" not in m for m in notifications(app))


async def test_the_fleet_search_shows_the_matches_as_written(markup_app):
    app, _, _ = markup_app
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await browser_ready(pilot)
        app.clear_notifications()
        await pilot.press("s", *"visible-output", "enter")
        await wait_for(pilot, lambda: "1 match in 1/2 recordings" in screen_text(app), what="the fleet search")
        check_screen(app, f"$ echo {mt.CLOSE} {mt.CLICK} visible-output", mt.FOLDER, mt.LINK)
        await pilot.press("enter")  # opens the match
        player = await open_player(pilot)
        assert player.summary.ref.location.endswith(mt.FILE_NAME)
        check_screen(app, f"$ echo {mt.CLOSE} {mt.CLICK} visible-output")


def _render(pane) -> str:
    """The metadata pane's text at a width where no value is folded."""
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(pane.query_one("#metadata-body").content)
    return console.export_text()
