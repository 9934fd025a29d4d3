"""Fixtures shared by the test modules (helpers that are not fixtures live in their own
modules: test_ui_helpers, live_writer, s3_server, tmux_oracle, tmux_app)."""

from __future__ import annotations

import os
import shutil
import tempfile
import time

import pytest

# No test reads or writes the user's own data (the review ledger) or asks a real tailnet:
# set before any test, so that every castview process a test starts inherits it.
os.environ["CASTVIEW_DATA_DIR"] = tempfile.mkdtemp(prefix="castview-test-data-")
for _key in ("CASTVIEW_REVIEWS_DB", "CASTVIEW_REVIEWER", "TS_API_KEY", "TS_TAILNET"):
    os.environ.pop(_key, None)


@pytest.fixture(scope="session")
def tmux_oracle():
    """A private tmux server for the whole session (see tests/tmux_oracle.py)."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed: the terminal oracle tests need it")
    from tmux_oracle import TmuxOracle

    oracle = TmuxOracle()
    try:
        yield oracle
    finally:
        oracle.close()


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def ui_env(tmp_path, monkeypatch):
    """UTC, an empty config dir, a temporary cache dir and export dir."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CASTVIEW_CONFIG_DIR", str(tmp_path / "config"))
    for key in ("CASTVIEW_THEME", "CASTVIEW_SPEED", "CASTVIEW_IDLE_LIMIT"):
        monkeypatch.delenv(key, raising=False)
    (tmp_path / "exports").mkdir()
    yield tmp_path
    monkeypatch.undo()
    time.tzset()
