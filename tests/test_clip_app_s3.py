"""Clips, packs and reviews of objects in an S3 bucket (moto's real server): from the app's
`x` dialog (the browser and the player read the object through the source), and the CLI
cases test_clip_s3.py does not cover (a redacted clip, `ls --unreviewed` of a bucket)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytest.importorskip("moto")
from test_grep_s3 import SAMPLES, bucket, cli  # noqa: E402,F401  (bucket: the fixture)
from test_ui_helpers import listed, open_player, settle, term_text, view_text, wait_for  # noqa: E402

KEY = "nHx4Tb1CNTRL/2026-11-20T09:15:02Z.cast"
URL = f"s3://rec/{KEY}"


def test_a_redacted_clip_of_an_object_holds_no_match(bucket, tmp_path):  # noqa: F811  (the fixture)
    out = tmp_path / "c.cast"
    result = cli(bucket, "clip", URL, "--from", "2", "--redact", "alice", "--redact-regex", r"prod-\w+", "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert b"alice" not in data and b"prod-db" not in data
    assert json.loads(data.splitlines()[0])["castview_clip"]["source"] == URL


def test_ls_of_a_bucket_leaves_out_what_was_reviewed(bucket, tmp_path):  # noqa: F811  (the fixture)
    server, env, _ = bucket
    env = {**env, "CASTVIEW_REVIEWS_DB": str(tmp_path / "ledger.sqlite")}
    here = (server, env, tmp_path)
    assert cli(here, "review", URL, "--verdict", "ok").returncode == 0
    everything = cli(here, "ls", "s3://rec", "--json")
    unreviewed = cli(here, "ls", "s3://rec", "--json", "--unreviewed")
    ok = cli(here, "ls", "s3://rec", "--json", "--verdict", "ok")
    paths = [[json.loads(line)["path"] for line in r.stdout.splitlines()] for r in (everything, unreviewed, ok)]
    assert URL in paths[0] and URL not in paths[1] and paths[2] == [URL]
    assert sorted(paths[1] + paths[2]) == sorted(paths[0])


@pytest.fixture
def s3_app(bucket, ui_env, monkeypatch):  # noqa: F811  (the fixture)
    """An app on the bucket (the browser lists it; the player reads objects through it)."""
    from dataclasses import replace

    from castview.config import load_settings
    from castview.sources.s3 import S3Options, S3Source
    from castview.ui.app import CastviewApp
    from s3_server import ADMIN_KEY, ADMIN_SECRET

    server, _, _ = bucket
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    options = S3Options(endpoint_url=server.endpoint, access_key=ADMIN_KEY, secret_key=ADMIN_SECRET,
                        cache_dir=ui_env / "s3cache", max_attempts=2)
    settings = replace(load_settings(env=dict(os.environ)), remote_refresh=0)
    return CastviewApp([S3Source(f"s3://rec/{KEY.split('/')[0]}/", options)], settings, autoplay=False,
                       open_single=False, export_dir=ui_env / "exports")


async def pick(pilot, location: str):
    from castview.ui.widgets.recording_tree import RecordingTree

    app = pilot.app
    await wait_for(pilot, lambda: listed(app) > 0, timeout=20, what="the listing")
    tree = app.screen.query_one(RecordingTree)
    await wait_for(pilot, lambda: location in tree._leaves, timeout=20, what="the object")  # noqa: SLF001
    tree.move_cursor(tree._leaves[location])  # noqa: SLF001
    await pilot.pause()


async def make_it(pilot, evidence: bool = False) -> Path:
    from castview.ui.screens.clip_dialog import ClipDialog

    app = pilot.app
    await pilot.press("x")
    await wait_for(pilot, lambda: isinstance(app.screen, ClipDialog), what="the dialog")
    box = app.screen
    if evidence:
        await pilot.click("#kind-evidence")
    output = Path(box.query_one("#clip-output").value)
    await pilot.click("#clip-output")
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, ClipDialog), timeout=60, what="the file written")
    assert output.is_file(), str(box.query_one("#clip-status").render())
    return output


@pytest.mark.anyio
async def test_browser_x_packs_an_object_and_it_verifies_against_it(s3_app, bucket, ui_env):  # noqa: F811
    async with s3_app.run_test(size=(120, 40)) as pilot:
        await pick(pilot, URL)
        pack = await make_it(pilot, evidence=True)
    assert pack.parent == ui_env / "exports" and pack.suffix == ".zip"
    result = cli(bucket, "verify", str(pack), "--original", URL)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every frame of the clip is the original's" in result.stdout


@pytest.mark.anyio
async def test_player_x_clips_an_object_from_the_frame_on_view(s3_app, ui_env):
    from castview.recording import Recording

    async with s3_app.run_test(size=(120, 40)) as pilot:
        await pick(pilot, URL)
        await pilot.press("enter")
        player = await open_player(pilot)
        player._seek(5.5)
        await settle(pilot, player)
        shown = view_text(player)
        clip = await make_it(pilot)
    assert json.loads(clip.read_text().splitlines()[0])["castview_clip"]["source"] == URL
    replay, _ = Recording.from_path(clip).open_replay(None)
    assert term_text(replay.seek(0.0).term) == shown
