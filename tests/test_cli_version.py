"""`castview --version` and the command list of the CLI package."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from castview import cli

CASTVIEW = Path(sys.executable).parent / "castview"


def test_version_from_the_entry_point():
    result = subprocess.run([str(CASTVIEW), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"castview {version('castview')}\n"


def test_version_never_opens_the_app(monkeypatch, capsys):
    monkeypatch.setattr("castview.ui.app.CastviewApp.run", lambda self: pytest.fail("the app was opened"))
    monkeypatch.setattr(sys, "argv", ["castview", "--version"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code in (0, None)
    assert capsys.readouterr().out == f"castview {cli.version()}\n"


def test_every_command_is_registered():
    names = {command.name for command in cli.app.registered_commands}
    assert names == {"ls", "info", "export", "index", "cat", "grep", "commands", "follow", "open", "serve", "clip",
                     "evidence", "verify", "review", "reviews"}
