"""`x` in the app: a clip or an evidence pack written from the player and the browser,
valid (the clip starts on the player's frame, the pack passes `castview verify`), refused
with one line (a redaction that fails closed names the time), sent as a download under
`castview serve`, and never written into the recordings' folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from castview.recording import Recording
from test_ui_helpers import SAMPLES, listed, make_app, open_player, settle, term_text, view_text, wait_for

pytestmark = pytest.mark.anyio

SECRET_REC = SAMPLES / "nHx4Tb1CNTRL" / "2026-11-20T09:15:02Z.cast"  # alice@prod-db, sudo


def first_frame(clip: Path) -> list[str]:
    replay, _ = Recording.from_path(clip).open_replay(None)
    return term_text(replay.seek(0.0).term)


def dialog(app):
    from castview.ui.screens.clip_dialog import ClipDialog

    return app.screen if isinstance(app.screen, ClipDialog) else None


async def open_dialog(pilot):
    await pilot.press("x")
    await wait_for(pilot, lambda: dialog(pilot.app) is not None, what="the dialog")
    await pilot.pause()
    return dialog(pilot.app)


async def player_dialog(pilot):
    """The dialog opened in the player, and the output it proposes."""
    await open_player(pilot)
    box = await open_dialog(pilot)
    return box, Path(box.query_one("#clip-output").value)


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]  # noqa: SLF001


def copy_recording(folder: Path) -> Path:
    target = folder / SECRET_REC.parent.name / SECRET_REC.name
    target.parent.mkdir(parents=True)
    shutil.copy(SECRET_REC, target)
    return target


def verify(pack: Path, original: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "castview", "verify", str(pack), "--original", str(original)],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


async def test_player_x_writes_a_clip_that_starts_on_the_frame_on_view(ui_env):
    rec = copy_recording(ui_env / "recs")
    app = make_app(rec, tmp_path=ui_env)
    async with app.run_test(size=(120, 40)) as pilot:
        player = await open_player(pilot)
        player._seek(3.3)
        await settle(pilot, player)
        shown = view_text(player)
        box = await open_dialog(pilot)
        output = Path(box.query_one("#clip-output").value)
        assert output.parent == ui_env / "exports" and output.suffix == ".cast"
        assert output.name.startswith("2026-11-20T09-15-02Z-0m03.") and output.name.endswith("-end.cast")
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog(app) is None, timeout=30, what="the clip written")
        await wait_for(pilot, lambda: any(str(output) in t for t in toasts(app)), what="the toast")
    header = json.loads(output.read_text().splitlines()[0])
    assert header["castview_clip"]["source"] == str(rec)
    assert first_frame(output) == shown


async def test_browser_x_packs_the_whole_recording_redacted_and_it_verifies(ui_env):
    rec = copy_recording(ui_env / "recs")
    app = make_app(ui_env / "recs", tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: listed(app) == 1, what="the recording")
        box = await open_dialog(pilot)
        await pilot.click("#kind-evidence")
        await pilot.click("#clip-redact")
        await pilot.press(*"alice", "enter", *"re:prod-\\w+", "enter")
        assert box.redactions == ["alice", "re:prod-\\w+"]
        output = Path(box.query_one("#clip-output").value)
        assert output.suffix == ".zip" and output.name.endswith("-0m00.0s-end.zip")
        await pilot.press("enter")  # the redaction box empty: make it
        await wait_for(pilot, lambda: dialog(app) is None, timeout=60, what="the pack written")
        await wait_for(pilot, lambda: any(str(output) in t for t in toasts(app)), what="the toast")
    result = verify(output, rec)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every frame of the clip is the original's" in result.stdout
    assert b"alice" not in output.read_bytes()


async def test_a_redaction_that_fails_closed_is_one_line_naming_the_time(ui_env, monkeypatch):
    import castview.redact

    rec = copy_recording(ui_env / "recs")
    monkeypatch.setattr(castview.redact, "find_leak", lambda data, redactor: "at 0:04.2 (frame)")
    app = make_app(rec, tmp_path=ui_env)
    async with app.run_test(size=(120, 40)) as pilot:
        box, output = await player_dialog(pilot)
        await pilot.click("#clip-redact")
        await pilot.press(*"alice", "enter", "enter")
        status = box.query_one("#clip-status")
        await wait_for(pilot, lambda: "redaction failed" in str(status.render()), timeout=30, what="the refusal")
        line = str(status.render())
        assert "\n" not in line.strip() and "at 0:04.2" in line and "deleted" in line
        assert any("at 0:04.2" in t for t in toasts(app))
        assert dialog(app) is box  # still open, to fix the redactions
    assert not output.exists()


@pytest.mark.parametrize("typed, error", [("99:00", "to: "), ("", "from: ")])
async def test_a_time_not_in_the_recording_is_said_in_the_dialog(ui_env, typed, error):
    rec = copy_recording(ui_env / "recs")
    app = make_app(rec, tmp_path=ui_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_player(pilot)
        box = await open_dialog(pilot)
        field = "#clip-to" if error == "to: " else "#clip-from"
        box.query_one(field).value = typed
        await pilot.click(field)
        await pilot.press("enter")
        await pilot.pause()
        assert str(box.query_one("#clip-status").render()).startswith(error)
        assert not box.running


async def test_nothing_is_written_into_the_recordings_folder(ui_env, monkeypatch):
    rec = copy_recording(ui_env / "recs")
    monkeypatch.chdir(rec.parent)
    app = make_app(ui_env / "recs", tmp_path=ui_env, open_single=False)
    app.export_dir = None  # the current folder, which holds the recordings
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: listed(app) == 1, what="the recording")
        box = await open_dialog(pilot)
        output = Path(box.query_one("#clip-output").value)
        assert not output.resolve().is_relative_to((ui_env / "recs").resolve())
        box.query_one("#clip-output").value = str(rec.parent / "clip.cast")
        await pilot.click("#clip-output")
        await pilot.press("enter")
        await pilot.pause()
        assert "holds recordings" in str(box.query_one("#clip-status").render())
    assert not (rec.parent / "clip.cast").exists()


async def test_under_serve_the_clip_is_a_download(ui_env, monkeypatch):
    from castview.ui.app import CastviewApp

    rec = copy_recording(ui_env / "recs")
    sent = []
    monkeypatch.setattr(CastviewApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(CastviewApp, "deliver_binary",
                        lambda self, data, save_filename=None, **kw: sent.append((save_filename, data.read())))
    app = make_app(rec, tmp_path=ui_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_player(pilot)
        box = await open_dialog(pilot)
        assert "/" not in box.query_one("#clip-output").value
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog(app) is None, timeout=30, what="the download")
        await wait_for(pilot, lambda: any("download" in t for t in toasts(app)), what="the toast")
    ((name, data),) = sent
    assert name.endswith(".cast") and json.loads(data.splitlines()[0])["castview_clip"]["source"] == str(rec)
    assert list((ui_env / "exports").iterdir()) == []


async def test_a_redaction_that_matched_nothing_is_warned_about_without_its_text(ui_env):
    rec = copy_recording(ui_env / "recs")
    app = make_app(rec, tmp_path=ui_env)
    async with app.run_test(size=(120, 40)) as pilot:
        box, output = await player_dialog(pilot)
        await pilot.click("#clip-redact")
        await pilot.press(*"ALICE", "enter", *"alice", "enter", "enter")
        await wait_for(pilot, lambda: dialog(app) is None, timeout=30, what="the clip written")
        await wait_for(pilot, lambda: any(str(output) in t for t in toasts(app)), what="the toast")
        (told,) = [t for t in toasts(app) if str(output) in t]
        assert "1 redaction matched nothing" in told and "ALICE" not in told
    assert b"alice" not in output.read_bytes()
