"""Shared helpers for the UI tests (no tests here): an app on a recording, and waiting for
the player's thread workers to settle. Their fixtures (ui_env, anyio_backend) are in conftest.py."""

from __future__ import annotations

import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = ROOT / "tests" / "data" / "public"
SAMPLES = ROOT / "sample_casts"


def make_app(*paths: Path | str, tmp_path: Path, autoplay: bool = False, open_single: bool = True, **settings):
    from dataclasses import replace

    from castview.config import load_settings
    from castview.sources.local import LocalSource
    from castview.ui.app import CastviewApp

    base = load_settings(env=dict(os.environ))
    return CastviewApp(
        [LocalSource(p) for p in paths],
        replace(base, **settings),
        autoplay=autoplay,
        open_single=open_single,
        export_dir=tmp_path / "exports",
    )


def listed(app) -> int:
    """How many recordings the browser's tree lists (0 before the tree is up)."""
    from castview.ui.widgets.recording_tree import RecordingTree

    trees = app.screen.query(RecordingTree)
    return trees.first().total if trees else 0


def nano_recording() -> Path | None:
    """The sample nano session, if the samples are there."""
    for path in sorted(SAMPLES.glob("*/*.cast")):
        if b"GNU nano" in path.read_bytes():
            return path
    return None


async def wait_for(pilot, predicate, timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.02)
        if predicate():
            return
    raise AssertionError(f"timed out waiting for {what}")


def engine_idle(player) -> bool:
    from textual.worker import WorkerState

    busy = [
        w for w in player.workers
        if w.node is player and w.group in ("engine", "open", "export")
        and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
    ]
    return not busy and player.settled()


async def open_player(pilot, indexed: bool = True):
    """The player screen once its recording is open (and indexed), paused."""
    from castview.ui.screens.player import PlayerScreen

    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen), what="the player")
    player = app.screen
    await wait_for(pilot, lambda: player.replay is not None or player.error is not None, what="the replay")
    if indexed and player.replay is not None:
        await wait_for(pilot, lambda: player.index_complete, what="the index")
    await settle(pilot, player)
    return player


async def settle(pilot, player, timeout: float = 10.0) -> None:
    """Wait until every seek has landed and its frame is on view."""
    await pilot.pause()
    await wait_for(pilot, lambda: engine_idle(player), timeout, "the engine")
    await pilot.pause()


def view_text(player) -> list[str]:
    from castview.ui.widgets.terminal_view import TerminalView

    return [line.rstrip() for line in player.query_one(TerminalView).screen_text()]


def term_text(term) -> list[str]:
    return [line.rstrip() for line in term.text().split("\n")]
