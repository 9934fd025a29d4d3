"""Links to a moment: `castview open RECORDING --at T`, `RECORDING@RFC3339`, `g` with every
form of time (an error in the dialog for one outside the recording, never a jump), and `l`
copying a link that `castview open` takes back."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from castview.moments import Span, parse_moment, split_link
from castview.sources.catalog import summarize
from castview.sources.local import LocalSource
from test_ui_helpers import SAMPLES, make_app, open_player, settle, term_text, view_text, wait_for

NODE = SAMPLES / "nK8mXc7CNTRL"
REC = NODE / "2026-11-24T07:12:33.31415Z.cast"  # 07:12:33.31415 to 07:12:45.890490244 UTC


def run(*args: str, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TSRECORDER_DST"}
    env.update({"CASTVIEW_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "300", "TZ": "UTC"})
    return subprocess.run([sys.executable, "-m", "castview", *args], capture_output=True, text=True, env=env,
                          timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("args", [
    (str(REC), "--at", "99:00"),
    ("open", str(REC), "--at", "@14:22:05"),
    (f"{REC}@2026-11-24T08:00:00Z",),
    (f"{REC}@2026-11-24T07:12:33Z", "--at", "3"),
    (str(SAMPLES), "--at", "3"),
    (str(REC), "--at", "soon"),
])
def test_open_at_a_moment_not_in_the_recording_fails_naming_its_span(args, tmp_path):
    result = run(*args, tmp_path=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("castview:")]
    assert len(lines) == 1, result.stderr
    if "two moments" not in lines[0] and "directory" not in lines[0] and "not a time" not in lines[0]:
        assert REC.name in lines[0]
        assert "it runs 0:00 to 0:12.576340244 (2026-11-24 07:12:33.31415 to 07:12:45.890490244 UTC)" in lines[0]


def test_export_at_out_of_range_fails_and_at_end_works(tmp_path):
    far = run("export", str(REC), "--at", "99:00", tmp_path=tmp_path)
    assert far.returncode == 1 and "outside the recording" in far.stderr and far.stdout == ""
    end = run("export", str(REC), "--at", "end", tmp_path=tmp_path)
    shown_end = run("export", str(REC), "--at", "0:12.6", tmp_path=tmp_path)  # the duration as the app shows it
    assert end.returncode == shown_end.returncode == 0 and end.stdout == shown_end.stdout


def test_export_at_every_form_gives_the_same_frame(tmp_path):
    outputs = {form: run("export", str(REC), "--at", form, "--utc", tmp_path=tmp_path)
               for form in ("3.68585", "0:03.68585", "0m03.68585s", "2026-11-24T07:12:37Z",
                            "2026-11-24T08:12:37+01:00", "07:12:37", "@07:12:37")}
    assert {r.returncode for r in outputs.values()} == {0}, {k: r.stderr for k, r in outputs.items()}
    assert len({r.stdout for r in outputs.values()}) == 1


def test_a_link_splits_at_its_last_at_sign_only_before_a_time(tmp_path):
    odd = tmp_path / "a@b"
    odd.mkdir()
    copy = odd / "x@y.cast"
    copy.write_bytes(REC.read_bytes())
    assert split_link(f"{copy}@2026-11-24T07:12:37Z") == (str(copy), "2026-11-24T07:12:37Z")
    # A time outside it fails naming the file: the link was understood.
    result = run(f"{copy}@2026-11-24T08:00:00Z", tmp_path=tmp_path)
    assert result.returncode == 1 and "x@y.cast" in result.stderr and "outside the recording" in result.stderr


def _summary(path):
    source = LocalSource(path)
    return summarize(source, next(iter(source.refs())))


@pytest.mark.anyio
async def test_opened_at_a_moment_the_player_is_paused_there(ui_env):
    from castview.ui.app import OpenAt

    app = make_app(REC, tmp_path=ui_env)
    app.open_at = OpenAt(_summary(REC), None, 3.68585)
    async with app.run_test(size=(120, 30)) as pilot:
        player = await open_player(pilot)
        assert not player.playing
        assert player.position == 3.68585
        assert view_text(player) == term_text(player.replay.seek(3.68585).term)


@pytest.mark.anyio
async def test_goto_out_of_range_says_so_and_stays(ui_env):
    async with make_app(REC, tmp_path=ui_env).run_test(size=(120, 30)) as pilot:
        player = await open_player(pilot)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"14:22:05", "enter")
        await pilot.pause()
        error = str(pilot.app.screen.query_one("#goto-error").render())
        assert "'14:22:05' is outside the recording" in error
        assert "07:12:33.31415" in error and "0:12.576340244" in error
        await pilot.press("escape")
        await settle(pilot, player)
        assert pilot.app.screen is player and player.position == 0.0
        # A time of day in the recording goes there, paused.
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"@07:12:40", "enter")
        await settle(pilot, player)
        assert player.position == pytest.approx(40 - 33.31415, abs=1e-9)
        assert not player.playing


@pytest.mark.anyio
async def test_l_copies_a_link_to_the_frame_on_view(ui_env):
    async with make_app(REC, tmp_path=ui_env).run_test(size=(120, 30)) as pilot:
        player = await open_player(pilot)
        for _ in range(17):
            await pilot.press("full_stop")  # one event forward: a position that is an event's time
        await settle(pilot, player)
        count = player.count
        await pilot.press("l")
        await wait_for(pilot, lambda: bool(pilot.app.clipboard), what="the clipboard")
        recording, when = split_link(pilot.app.clipboard)
        assert recording == os.path.abspath(REC) and when is not None
        span = Span(player.summary.start_ns, player.duration)
        assert player.replay.seek(parse_moment(when, span)).count == count
        assert any("Copied a link to this moment" in str(n.message) for n in pilot.app._notifications)
