"""Shared fixtures."""

from __future__ import annotations

import shutil

import pytest


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
