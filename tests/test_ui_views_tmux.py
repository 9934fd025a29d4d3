"""The browser's views (issue 13) in a real terminal (tmux) at 80x24 and 200x50: the node
named from the config's [nodes] table, then `v` through by user, by connection and the
timeline and back, `o` to sort by duration; every row fits the terminal."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from test_ui_helpers import SAMPLES
from tmux_app import TmuxApp

pytestmark = pytest.mark.tmux

CASTVIEW = Path(sys.executable).parent / "castview"


@pytest.fixture
def recordings(tmp_path: Path) -> Path:
    folder = tmp_path / "recs"
    shutil.copytree(SAMPLES / "nHx4Tb1CNTRL", folder / "nXm3Lz8CNTRL")
    shutil.copytree(SAMPLES / "nK8mXc7CNTRL", folder / "nK8mXc7CNTRL")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text('tailscale = false\n[nodes]\nnXm3Lz8CNTRL = "api-gw-2"\n')
    return folder


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
def test_views_in_a_real_terminal(tmp_path, recordings, size):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    app = TmuxApp(tmp_path, *size)
    try:
        app.start(f"{CASTVIEW} recs")
        screen = app.wait_for("by node, by start")
        assert "api-gw-2  nXm3Lz8CNTRL  (3)" in screen and "nK8mXc7CNTRL  (1)" in screen
        app.keys("v")
        screen = app.wait_for("by user, by start")
        assert "alice@example.com  (4)" in screen and "api-gw-2" in screen
        app.keys("v")
        screen = app.wait_for("by connection, by start")
        assert "ssh-conn-" in screen
        app.keys("v")
        app.wait_for("timeline, by start")
        app.keys("o")
        screen = app.wait_for("by duration")
        rows = [line for line in screen.splitlines() if line.lstrip("├└│ ").startswith("2026-")]
        assert len(rows) == 4 and "0:37" in rows[0]  # longest first
        assert all(len(line) <= size[0] for line in screen.splitlines())
        app.keys("v")
        app.wait_for("by node, by duration")
        app.keys("q")
        app.wait_for("CASTVIEW-EXITED-0")
    finally:
        app.close()
