"""Source paths the system cannot even look up (a name too long, a NUL): a one-line error
naming the source, never a traceback, in the CLI and in the app."""

from __future__ import annotations

import pytest

from castview.sources.base import SourceError
from castview.sources.local import LocalSource
from test_ui_helpers import make_app, wait_for

TOO_LONG = "/tmp/" + "9" * 5000  # ENAMETOOLONG: pathlib's is_file() raises, os.path's says no


def test_a_name_too_long_is_a_source_error():
    with pytest.raises(SourceError, match="cannot read"):
        list(LocalSource(TOO_LONG).refs())


def test_the_cli_names_the_source_in_one_line(castview_cli):
    # once: a traceback from ls and grep
    for run in castview_cli.batch([("ls", TOO_LONG), ("grep", "x", TOO_LONG)]):
        assert "Traceback" not in run.stderr
        assert any(line.startswith("castview") and "cannot read" in line for line in run.stderr.splitlines())


@pytest.mark.anyio
async def test_the_app_keeps_running(ui_env):
    # once: the browser crashed on mount (OSError: File name too long)
    app = make_app(TOO_LONG, tmp_path=ui_env)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: any("cannot read" in n.message for n in app._notifications),  # noqa: SLF001
                       timeout=60, what="the source's error")
        assert app.is_running
