"""README's picture of the recordings is the app's own screen: `castview` on the bundled
samples at 80x24 in a real terminal, as `make run` opens it (ux80 #14: the picture still
showed an older title line). Only the samples' folder, which is where the clone is, differs."""

from __future__ import annotations

import shlex
from pathlib import Path

from tmux_app import CASTVIEW, castview_terminal

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_picture() -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index("```\n castview") + 4
    return text[start:text.index("```", start)].splitlines()


def test_the_readme_shows_the_browser_as_it_is(tmp_path):
    picture = readme_picture()
    with castview_terminal(tmp_path, 80, 24) as term:
        term.start(f"env CASTVIEW_DATA_DIR={shlex.quote(str(tmp_path / 'data'))} {CASTVIEW}")
        term.wait_for("bob → bob  ·  80x24")  # the headers read, the first recording's details shown
        term.wait_for("q Quit")  # and the footer
        screen = [line.rstrip() for line in term.screen().splitlines()]
    folder = next(i for i, line in enumerate(screen) if line.startswith("▼ ") and line.endswith("/sample_casts"))
    assert picture[folder].startswith("▼ ") and picture[folder].endswith("/sample_casts")
    screen[folder] = picture[folder]
    assert picture == screen[:len(picture)]
    assert len(picture) == 24
