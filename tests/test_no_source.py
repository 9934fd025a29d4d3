"""Without a SOURCE and without the recorder's destination, commands fail instead of
printing the bundled samples as if they were findings; only the app opens the samples,
and says so (issue 12, item 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from castview import cli
from castview.config import bundled_samples
from castview.sources.local import LocalSource
from castview.ui.app import SAMPLES_TITLE, CastviewApp

CASTVIEW = Path(sys.executable).parent / "castview"
pytestmark = pytest.mark.anyio


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("TSRECORDER_")}
    full.update(env or {})
    return subprocess.run([str(CASTVIEW), *args], capture_output=True, text=True, env=full, timeout=120)


@pytest.mark.parametrize("command", [["grep", "sudo"], ["ls"], ["ls", "--json"]])
def test_a_command_without_source_fails_naming_the_ways_to_give_one(command, tmp_path):
    done = run(*command, env={"CASTVIEW_CACHE_DIR": str(tmp_path)})
    assert done.returncode == 1
    assert done.stdout == ""  # no sample hit that looks like a finding
    message = " ".join(done.stderr.split())
    assert "TSRECORDER_DST" in message and "--dst" in message and "--bucket" in message
    assert "samples" not in message


def test_a_command_uses_the_recorders_destination(tmp_path):
    done = run("ls", env={"CASTVIEW_CACHE_DIR": str(tmp_path / "cache"), "TSRECORDER_DST": str(tmp_path)})
    assert done.returncode == 0
    assert f"using $TSRECORDER_DST ({tmp_path})" in done.stderr


@pytest.fixture
def launched(monkeypatch, ui_env):
    calls = []
    monkeypatch.setattr("castview.ui.app.CastviewApp.run", lambda self, *a, **k: calls.append(self))
    for key in ("TSRECORDER_DST", "TSRECORDER_BUCKET"):
        monkeypatch.delenv(key, raising=False)
    return calls


def test_the_app_falls_back_to_the_samples_and_says_so(monkeypatch, launched):
    monkeypatch.setattr(sys, "argv", ["castview"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code in (0, None)
    (app,) = launched
    assert [s.label for s in app.sources] == [str(bundled_samples())]
    assert app.title == SAMPLES_TITLE


def test_the_app_on_ones_own_recordings_keeps_its_title(monkeypatch, launched, tmp_path):
    monkeypatch.setattr(sys, "argv", ["castview", str(tmp_path)])
    with pytest.raises(SystemExit):
        cli.main()
    assert launched[0].title == "castview"


async def test_the_browser_status_line_names_the_samples(ui_env):
    app = CastviewApp([LocalSource(str(bundled_samples()))], samples=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        status = str(app.screen.query_one("#browser-status").render())
        assert status.startswith(SAMPLES_TITLE)
        await pilot.press("q")
