"""Snapshot (pytest-textual-snapshot) of the clip / evidence dialog (`x`) at 80x24, with
two redactions: it fits the smallest terminal. Deterministic as test_ui_snapshots.py is
(the samples copied with old mtimes, relative paths, UTC).

Update after an intended change of the look: pytest tests/test_ui_clip_snapshot.py --snapshot-update
"""

from __future__ import annotations

from test_ui_helpers import make_app, open_player, wait_for
from test_ui_snapshots import samples  # noqa: F401  (the fixture)


def test_clip_dialog_fits_80x24(snap_compare, samples, ui_env):  # noqa: F811  (the fixture)
    app = make_app(f"samples/{samples}", tmp_path=ui_env)
    app.export_dir = "exports"  # relative: the same name on every run

    async def before(pilot):
        from castview.ui.screens.clip_dialog import ClipDialog

        await open_player(pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ClipDialog), what="the dialog")
        await pilot.click("#kind-evidence")
        await pilot.click("#clip-redact")
        await pilot.press(*"hunter2", "enter", *"re:AKIA[0-9A-Z]{16}", "enter")
        await pilot.pause(0.1)

    assert snap_compare(app, terminal_size=(80, 24), run_before=before)
