"""`castview open` (and `castview`, `castview SOURCE`) hand sources and settings to the app."""

from __future__ import annotations

import sys

import pytest

from castview import cli
from test_ui_helpers import PUBLIC


@pytest.fixture
def launched(monkeypatch, ui_env):
    calls = []

    def fake_run(self, *args, **kwargs):
        calls.append(self)

    monkeypatch.setattr("castview.ui.app.CastviewApp.run", fake_run)
    return calls


def run_main(monkeypatch, *args: str) -> None:
    monkeypatch.setattr(sys, "argv", ["castview", *args])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code in (0, None)


def test_open_with_options(monkeypatch, launched):
    run_main(monkeypatch, "open", str(PUBLIC), "--theme", "castview-light", "--speed", "2", "--idle-limit", "0.5")
    (app,) = launched
    assert [s.label for s in app.sources] == [str(PUBLIC)]
    assert (app.settings.theme, app.settings.speed, app.settings.idle_limit) == ("castview-light", 2.0, 0.5)


def test_a_source_alone_opens_it(monkeypatch, launched):
    run_main(monkeypatch, str(PUBLIC))
    assert [s.label for s in launched[0].sources] == [str(PUBLIC)]


def test_no_arguments_opens_the_default_source(monkeypatch, launched, tmp_path):
    monkeypatch.setenv("TSRECORDER_DST", str(tmp_path))
    run_main(monkeypatch)
    assert [s.label for s in launched[0].sources] == [str(tmp_path)]


def test_settings_from_the_environment(monkeypatch, launched):
    monkeypatch.setenv("CASTVIEW_SPEED", "4")
    monkeypatch.setenv("CASTVIEW_THEME", "castview-high-contrast")
    run_main(monkeypatch, "open", str(PUBLIC))
    assert (launched[0].settings.speed, launched[0].settings.theme) == (4.0, "castview-high-contrast")
