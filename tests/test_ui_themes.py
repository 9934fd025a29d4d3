"""Theme files: the bundled ones, a user's own, and broken ones falling back visibly."""

from __future__ import annotations

from pathlib import Path

import pytest

from castview.ui.themes import ThemeError, bundled_themes_dir, discover, parse_theme
from test_ui_helpers import PUBLIC, make_app, open_player, wait_for

GOOD = """
name = "mine"
dark = false
[colors]
primary = "#112233"
background = "#ffffff"
[terminal]
foreground = "#000000"
background = "#fafafa"
palette = ["#000000", "#800000", "#008000", "#808000", "#000080", "#800080", "#008080", "#c0c0c0",
           "#808080", "#ff0000", "#00ff00", "#ffff00", "#0000ff", "#ff00ff", "#00ffff", "#ffffff"]
"""


def test_bundled_themes_are_found_and_valid():
    folder = bundled_themes_dir()
    assert folder.name == "themes" and (folder / "castview-dark.toml").is_file()
    themes, errors = discover([folder])
    assert errors == []
    assert {"castview-dark", "castview-light", "castview-high-contrast"} <= set(themes)
    assert themes["castview-light"].textual.dark is False
    assert len(themes["castview-high-contrast"].terminal.palette) == 16


def test_a_user_theme_file(tmp_path):
    (tmp_path / "mine.toml").write_text(GOOD)
    themes, errors = discover([bundled_themes_dir(), tmp_path])
    assert errors == []
    mine = themes["mine"]
    assert mine.textual.primary == "#112233"
    assert mine.terminal.bg == "#fafafa"
    assert mine.terminal.cursor == "#000000"  # defaults to the foreground


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name = ", "not valid TOML"),
        ("[colors]\nbackground = '#000000'", "needs at least primary"),
        ("[colors]\nprimary = 'not-a-colour'", "is not a colour"),
        ("[colors]\nprimary = '#123456'\nshiny = '#123456'", "unknown colour"),
        ("[colors]\nprimary = '#123456'\n[terminal]\nforeground = '#000000'\nbackground = '#ffffff'\n"
         "palette = ['#000000']",
         "16 colours"),
        ("[colors]\nprimary = '#123456'\n[terminal]\nbackground = '#ffffff'", "needs foreground"),
        ("name = 'two words'\n[colors]\nprimary = '#123456'", "name must be"),
    ],
)
def test_broken_theme_files_are_named_with_their_problem(text, problem):
    with pytest.raises(ThemeError) as info:
        parse_theme(Path("/x/broken.toml"), text)
    assert "/x/broken.toml" in str(info.value)
    assert problem in str(info.value)


pytestmark_anyio = pytest.mark.anyio


@pytestmark_anyio
async def test_user_theme_selected_from_the_config_dir(ui_env):
    themes = ui_env / "config" / "themes"
    themes.mkdir(parents=True)
    (themes / "mine.toml").write_text(GOOD)
    app = make_app(PUBLIC / "player-markers.cast", tmp_path=ui_env, theme="mine")
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        assert app.theme == "mine"
        assert app.terminal_theme.bg == "#fafafa"
        assert player._terminal_theme.bg == "#fafafa"  # noqa: SLF001


@pytestmark_anyio
async def test_broken_selected_theme_falls_back_with_an_error(ui_env):
    themes = ui_env / "config" / "themes"
    themes.mkdir(parents=True)
    (themes / "broken.toml").write_text("name = 'broken'\n[colors]\nprimary = 'nope'\n")
    app = make_app(PUBLIC / "player-markers.cast", tmp_path=ui_env, theme="broken")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app._notifications) >= 2, what="the notifications")  # noqa: SLF001
        messages = [n.message for n in app._notifications]  # noqa: SLF001
        assert any("broken.toml" in m and "not a colour" in m for m in messages)
        assert any("'broken' is not available" in m for m in messages)
        assert all(n.severity == "error" for n in app._notifications)  # noqa: SLF001
        assert app.theme == "castview-dark"


@pytestmark_anyio
async def test_switching_theme_redraws_with_its_palette(ui_env):
    app = make_app(PUBLIC / "termtosvg-htop.cast", tmp_path=ui_env)
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_player(pilot)
        assert app.terminal_theme.bg == "#1c1c1c"
        app.theme = "castview-light"
        await pilot.pause(0.2)
        assert app.terminal_theme.bg == "#fdfdfd"
        from test_ui_helpers import settle

        await settle(pilot, player)
        from castview.ui.widgets.terminal_view import TerminalView

        strip = player.query_one(TerminalView)._lines[0]  # noqa: SLF001
        assert any(seg.style and seg.style.bgcolor and seg.style.bgcolor.triplet.hex == "#fdfdfd" for seg in strip)
