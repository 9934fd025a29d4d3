"""A theme chosen in the app is kept in config.toml for the next start, and the user's
file keeps everything else they wrote (issue 12, item 9)."""

from __future__ import annotations

import os
import tomllib

import pytest

from castview.config import config_file, load_settings
from castview.config_file import ConfigFileError, save_setting
from test_ui_helpers import PUBLIC, make_app, wait_for

pytestmark = pytest.mark.anyio

WRITTEN = """\
# my castview settings
speed = 2.0   # fast
theme = 'castview-dark'  # the default

[extra]
# a table castview does not know
theme = "not this one"
"""


def test_a_missing_file_is_created(tmp_path):
    path = tmp_path / "new" / "config.toml"
    save_setting(path, "theme", "castview-light")
    assert tomllib.loads(path.read_text()) == {"theme": "castview-light"}


def test_only_the_theme_changes(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(WRITTEN)
    save_setting(path, "theme", "castview-light")
    assert path.read_text() == WRITTEN.replace("theme = 'castview-dark'", 'theme = "castview-light"')


def test_a_theme_line_is_added_before_the_first_table(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("# top\nspeed = 2.0\n\n[extra]\nx = 1\n")
    save_setting(path, "theme", "castview-light")
    assert path.read_text() == '# top\nspeed = 2.0\n\ntheme = "castview-light"\n[extra]\nx = 1\n'
    path.write_text("speed = 2.0")  # no final newline
    save_setting(path, "theme", "castview-light")
    assert path.read_text() == 'speed = 2.0\ntheme = "castview-light"\n'


@pytest.mark.parametrize("text", ["speed = \n", "theme = 3\n", 'notes = """\ntheme = "x"\n"""\ntheme = 4\n'])
def test_a_file_that_cannot_be_edited_safely_is_left_alone(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigFileError, match="config.toml"):
        save_setting(path, "theme", "castview-light")
    assert path.read_text() == text
    assert os.listdir(tmp_path) == ["config.toml"]  # no temporary file left either


def test_a_symlinked_config_stays_a_link(tmp_path):
    real = tmp_path / "dotfiles" / "castview.toml"
    real.parent.mkdir()
    real.write_text("speed = 2.0\n")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    save_setting(link, "theme", "castview-light")
    assert link.is_symlink()
    assert tomllib.loads(real.read_text()) == {"speed": 2.0, "theme": "castview-light"}


async def test_a_theme_chosen_in_the_app_is_used_at_the_next_start(ui_env):
    path = config_file()
    path.parent.mkdir(parents=True)
    path.write_text(WRITTEN)
    app = make_app(PUBLIC / "player-markers.cast", tmp_path=ui_env, theme=load_settings().theme)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert path.read_text() == WRITTEN  # starting saves nothing
        app.theme = "castview-light"  # what the palette's theme picker does
        await wait_for(pilot, lambda: "castview-light" in path.read_text())
        await pilot.press("q")
    assert load_settings().theme == "castview-light"
    assert load_settings().speed == 2.0 and "# a table castview does not know" in path.read_text()


async def test_an_unparseable_config_is_not_clobbered_and_the_user_is_told(ui_env):
    path = config_file()
    path.parent.mkdir(parents=True)
    path.write_text("speed = \n")
    app = make_app(PUBLIC / "player-markers.cast", tmp_path=ui_env)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.theme = "castview-light"
        await wait_for(pilot, lambda: any(n.title == "Theme not saved" for n in app._notifications))  # noqa: SLF001
        await pilot.press("q")
    assert path.read_text() == "speed = \n"
