"""Pilot tests of live recordings, against a real writer thread (tests/live_writer.py)
writing a real recording into a temporary tsrecorder tree: the browser picks up new
recordings and node folders by itself and marks growing ones live, then finished; the
player follows a recording as it is written (every screen on the way equals a straight
replay), leaves and rejoins follow mode, and survives truncation, replacement and
deletion of the file under it.

Every wait polls with a timeout: the machine may be slow (two shared cores).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from live_writer import RECORDING, SAMPLES, LiveWriter, StraightReplay
from test_ui_helpers import settle, view_text, wait_for

pytestmark = pytest.mark.anyio

OTHER = SAMPLES / "nWp2Lr8CNTRL" / "2026-11-20T14:07:30.12Z.cast"
OLD = time.time() - 86400 * 30
LIVE_SECONDS = 1.5  # finished after this long without growth (60 s in real use)
APPEAR = 5.0  # seconds a change may take to show (about one; slack for a busy machine)


def live_app(*paths: Path, tmp_path: Path, open_single: bool = True, live_seconds: float = LIVE_SECONDS):
    from castview.config import load_settings
    from castview.sources.local import LocalSource
    from castview.ui.app import CastviewApp

    return CastviewApp([LocalSource(p) for p in paths], replace(load_settings(env=dict(os.environ))),
                       autoplay=False, open_single=open_single, export_dir=tmp_path / "exports",
                       live_seconds=live_seconds)


def old_node(root: Path, node: str = "nBq9Zs5CNTRL") -> Path:
    """A node folder of finished recordings (old mtimes, as a real destination has)."""
    shutil.copytree(SAMPLES / node, root / node)
    for path in (root / node).iterdir():
        os.utime(path, (OLD, OLD))
    return root / node


def leaves(tree) -> list:
    return [leaf.data for s in tree.root.children for g in s.children for leaf in g.children]


def leaf_for(tree, path: Path | str):
    return next((d for d in leaves(tree) if d.ref.location == str(path)), None)


def notified(app, *words: str) -> bool:
    return any(all(w in f"{n.title} {n.message}" for w in words) for n in app._notifications)  # noqa: SLF001


def shown(term) -> list[str]:  # type: ignore[no-untyped-def]
    """A terminal's rows rendered as the view renders them, as text."""
    from textual.strip import Strip

    from castview.term.render import Theme, row_segments

    return [Strip(row_segments(term, y, Theme.default()), term.cols).text.rstrip() for y in range(term.rows)]


def after(straight: StraightReplay, count: int) -> list[str]:
    """The screen a straight replay shows after `count` events, as the view shows it."""
    straight.lines_after(count)
    return shown(straight.term)


def status(player) -> str:
    return str(player.query_one("#player-status").render())


def problem_shown(player) -> bool:
    return player.query_one("#player-problem").has_class("-shown")


async def browser_ready(pilot, app, count: int):
    from castview.ui.widgets.recording_tree import RecordingTree

    def ready() -> bool:
        trees = app.screen.query(RecordingTree)
        if not trees or trees.first().total != count:
            return False
        screen = app.screen
        return all(d.status != "pending" for d in leaves(trees.first())) and screen._watcher is not None \
            and screen._watcher.ready.is_set()  # noqa: SLF001

    try:
        await wait_for(pilot, ready, timeout=20, what="the listing and the watch")
    except AssertionError:
        tree = app.screen.query_one(RecordingTree)
        watcher = app.screen._watcher  # noqa: SLF001
        raise AssertionError(f"not ready: {tree.total} listed (of {count}), "
                             f"{[(d.ref.location, d.status, d.error) for d in leaves(tree)]}, "
                             f"watch ready: {watcher is not None and watcher.ready.is_set()}, "
                             f"notices: {[n.message for n in app._notifications]}") from None  # noqa: SLF001
    return app.screen.query_one(RecordingTree)


async def open_live(pilot):
    """The player on a live recording, following it."""
    from castview.ui.screens.player import PlayerScreen

    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen), timeout=20, what="the player")
    player = app.screen
    await wait_for(pilot, lambda: player.replay is not None and player.following, timeout=20, what="follow mode")
    return player


@pytest.fixture
def writers():
    started: list[LiveWriter] = []
    yield started
    for writer in started:
        writer.stop()
        writer.done.wait(10)  # not join(): LiveWriter's _stop event shadows Thread._stop


def start_writer(writers: list[LiveWriter], target: Path, **options) -> LiveWriter:
    target.parent.mkdir(parents=True, exist_ok=True)
    writer = LiveWriter(target, **options)
    writers.append(writer)
    writer.start()
    return writer


# -- the browser -----------------------------------------------------------------------
async def test_browser_shows_new_recordings_and_nodes_live_then_finished(ui_env, tmp_path, writers):
    root = tmp_path / "rec"
    node = old_node(root)
    app = live_app(root, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(120, 30)) as pilot:
        tree = await browser_ready(pilot, app, 4)
        cursor = tree.cursor_node.data
        assert hasattr(cursor, "ref")
        assert all(d.status == "ok" for d in leaves(tree))

        # A finished recording copied into a known node (one step: a rename).
        copy = node / "2026-11-30T12:00:00Z.cast"
        shutil.copy(SAMPLES / "nBq9Zs5CNTRL" / "2026-11-21T02:00:00.48Z.cast", node / ".incoming")
        os.utime(node / ".incoming", (OLD, OLD))
        os.replace(node / ".incoming", copy)
        await wait_for(pilot, lambda: leaf_for(tree, copy) is not None, timeout=APPEAR, what="the new file")
        assert tree.cursor_node.data.ref.location == cursor.ref.location  # the cursor stayed put

        # A session being recorded on a node never seen before.
        target = root / "nNewNode7CNTRL" / "2026-12-01T10:00:00Z.cast"
        start = time.monotonic()
        writer = start_writer(writers, target, speed=10, limit=200)
        await wait_for(pilot, lambda: leaf_for(tree, target) is not None, timeout=APPEAR, what="the new node")
        appeared = time.monotonic() - start
        groups = {g.data.key for s in tree.root.children for g in s.children}
        assert groups == {"nBq9Zs5CNTRL", "nNewNode7CNTRL"}
        await wait_for(pilot, lambda: getattr(leaf_for(tree, target), "status", None) == "live", timeout=APPEAR,
                       what="the live mark")
        assert "● live" in next(leaf for s in tree.root.children for g in s.children for leaf in g.children
                                if leaf.data.ref.location == str(target)).label.plain
        assert tree.cursor_node.data.ref.location == cursor.ref.location

        # It grows: the tree follows (size and duration), then it stops and is finished.
        await wait_for(pilot, writer.done.is_set, timeout=60, what="the writer")
        size = target.stat().st_size
        await wait_for(pilot, lambda: leaf_for(tree, target).ref.size == size, timeout=APPEAR, what="the growth")
        await wait_for(pilot, lambda: leaf_for(tree, target).status == "ok", timeout=LIVE_SECONDS + APPEAR,
                       what="the live mark to go")
        rec = leaf_for(tree, target)
        assert rec.duration == pytest.approx(writer.times[-1])
        assert tree.total == 6

        # Deleted: gone from the tree, and the node with it.
        target.unlink()
        await wait_for(pilot, lambda: leaf_for(tree, target) is None, timeout=APPEAR, what="the deletion")
        await wait_for(pilot, lambda: len(tree.root.children[0].children) == 1, timeout=APPEAR, what="the empty node")
        assert tree.total == 5
        assert tree.cursor_node.data.ref.location == cursor.ref.location
        assert "5 recordings" in str(app.screen.query_one("#browser-status").render())
    assert appeared < APPEAR


async def test_r_lists_again_without_losing_the_tree(ui_env, tmp_path):
    root = tmp_path / "rec"
    old_node(root)
    app = live_app(root, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(120, 30)) as pilot:
        tree = await browser_ready(pilot, app, 4)
        await pilot.press("down")
        cursor = tree.cursor_node.data
        await pilot.press("r")
        await pilot.pause(0.5)
        assert tree.total == 4 and all(d.status != "pending" for d in leaves(tree))
        assert tree.cursor_node.data == cursor
        assert notified(app, "Listing the sources again")


# -- the player ------------------------------------------------------------------------
async def test_player_follows_the_writer_to_the_end(ui_env, tmp_path, writers):
    from castview.term.index_store import IndexStore, cache_key, fingerprint
    from castview.ui.widgets.scrub_bar import ScrubBar

    target = tmp_path / "rec" / "nLive01xCNTRL" / "2026-12-01T10:00:00Z.cast"
    writer = start_writer(writers, target, speed=20, split_every=20, hold_partials=True)
    deadline = time.monotonic() + 30
    early = 0
    while writer.complete < 20:  # let it past the half lines before the player looks
        assert time.monotonic() < deadline and writer.error is None
        if writer.partial:
            writer.release()
            early += 1
        time.sleep(0.005)
    straight = StraightReplay(RECORDING)
    app = live_app(target, tmp_path=ui_env, live_seconds=3)
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_live(pilot)
        assert player.live
        checked = {"screens": 0, "half lines": 0}
        deadline = time.monotonic() + 120
        while not (writer.done.is_set() and player.count == writer.total):
            assert time.monotonic() < deadline, f"the player never caught up ({player.count}/{writer.total})"
            await pilot.pause(0.03)
            # The view always shows exactly the first `count` events, at the live edge.
            assert player.following and player.live
            if player.count:
                assert view_text(player) == after(straight, player.count), f"after {player.count}"
                checked["screens"] += 1
            if writer.partial:
                # The writer holds half a line: the player catches up and shows no problem.
                complete = writer.complete
                await wait_for(pilot, lambda: player.count == complete, timeout=10, what="the complete lines")
                await wait_for(pilot, lambda: player.replay.index.incomplete_tail, timeout=10,
                               what="the follower to read the half line")
                assert player.count == complete and player.replay.event_count == complete
                assert not problem_shown(player) and player.replay.problems == []
                assert "LIVE" in status(player)
                checked["half lines"] += 1
                writer.release()
        assert view_text(player) == after(straight, writer.total)
        assert checked["half lines"] == writer.total // 20 - early and checked["screens"] > 20
        assert player.replay.event_count == writer.total
        assert player.position == pytest.approx(player.replay.duration)
        assert "● LIVE following" in status(player)
        bar = player.query_one(ScrubBar)
        assert bar.following and bar.live and "●" in str(bar.render())[:2]

        # Seeking back leaves follow mode; end returns; f leaves and returns too.
        await pilot.press("left")
        await settle(pilot, player)
        assert not player.following and player.position == pytest.approx(player.replay.duration - 5)
        assert "● LIVE (f: follow)" in status(player)
        await pilot.press("end")
        await wait_for(pilot, lambda: player.following and player.count == writer.total, what="follow mode again")
        assert view_text(player) == after(straight, writer.total)
        await pilot.press("f")
        await settle(pilot, player)
        assert not player.following and player.count == writer.total
        await pilot.press("f")
        await wait_for(pilot, lambda: player.following, what="f")

        # No growth for a while: finished (status, notice), the index saved for next time.
        await wait_for(pilot, lambda: not player.live, timeout=3 + 10, what="the end")
        await settle(pilot, player)
        assert not player.following and player.finished
        assert "■ finished" in status(player)
        assert notified(app, "Recording finished", "no growth")
        assert view_text(player) == after(straight, writer.total)
        assert not problem_shown(player)
        assert player.facts.duration_final
        # The index as followed is saved whole: the next open reads nothing again.
        store = IndexStore(player.settings.cache_dir)
        st = target.stat()

        def saved():  # type: ignore[no-untyped-def]
            with open(target, "rb") as f:
                return store.load(cache_key(target), fingerprint(f, st.st_size, st.st_mtime), f)

        await wait_for(pilot, lambda: (index := saved()) is not None and index.complete, what="the saved index")
        assert len(saved().times) == writer.total


async def test_playing_up_to_the_live_edge_joins_follow_mode(ui_env, tmp_path, writers):
    target = tmp_path / "rec" / "nLive02xCNTRL" / "2026-12-01T10:00:00Z.cast"
    writer = start_writer(writers, target, speed=4, max_gap=0.2)
    writer.wait_events(40)
    app = live_app(target, tmp_path=ui_env, live_seconds=30)
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_live(pilot)
        await pilot.press("home")
        await settle(pilot, player)
        assert not player.following and player.position == 0
        await pilot.press(*["plus"] * 4, "space")  # 16x: faster than the writer
        await wait_for(pilot, lambda: player.following, timeout=60, what="playback to reach the live edge")
        assert not player.playing
        await wait_for(pilot, writer.done.is_set, timeout=120, what="the writer")
        await wait_for(pilot, lambda: player.count == writer.total, timeout=20, what="the last events")
        assert view_text(player) == after(writer.straight(), writer.total)


async def test_replaced_and_truncated_files_are_reloaded_with_a_notice(ui_env, tmp_path, writers):
    target = tmp_path / "rec" / "nLive03xCNTRL" / "2026-12-01T10:00:00Z.cast"
    writer = start_writer(writers, target, speed=20, limit=120)
    writer.wait_events(30)
    app = live_app(target, tmp_path=ui_env, live_seconds=30)
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_live(pilot)
        await wait_for(pilot, writer.done.is_set, timeout=60, what="the writer")
        await wait_for(pilot, lambda: player.count == writer.total, timeout=20, what="the writer's events")
        first = player.replay

        # Replaced by another recording (a rename over it): reloaded, followed at its end.
        staging = target.parent / ".staging"
        shutil.copy(OTHER, staging)
        os.replace(staging, target)
        other = StraightReplay(OTHER)
        await wait_for(pilot, lambda: notified(app, "Recording reloaded", "replaced"), timeout=APPEAR,
                       what="the notice")
        await wait_for(pilot, lambda: player.replay is not first and player.count == len(other.events),
                       timeout=10, what="the new recording")
        await settle(pilot, player)
        assert player.following
        assert view_text(player) == after(other, len(other.events))
        assert player.duration == pytest.approx(other.events[-1].time)

        # Seek back, then truncated in place: reloaded, the position kept where it still exists.
        await pilot.press("home", "right")
        await settle(pilot, player)
        assert player.position == pytest.approx(5.0) and not player.following
        half = b"".join(OTHER.read_bytes().splitlines(keepends=True)[:30])
        second = player.replay
        with open(target, "r+b") as f:
            f.truncate(len(half))
        await wait_for(pilot, lambda: notified(app, "Recording reloaded", "truncated"), timeout=APPEAR,
                       what="the notice")
        await wait_for(pilot, lambda: player.replay is not second, what="the reload")
        await settle(pilot, player)
        assert player.replay.event_count == 29
        expected = min(5.0, player.replay.duration)
        assert player.position == pytest.approx(expected)
        assert view_text(player) == shown(player.replay.seek(expected).term)
        assert pilot.app.is_running


async def test_deleted_file_shows_a_message_and_nothing_breaks(ui_env, tmp_path, writers):
    """Deleted while it is being written (so while it is live, however slow the machine:
    the writer is still at it), the recording stays on view and finishes as gone."""
    target = tmp_path / "rec" / "nLive04xCNTRL" / "2026-12-01T10:00:00Z.cast"
    writer = start_writer(writers, target, speed=1)  # about 30 s of writing
    writer.wait_events(30)
    app = live_app(target, tmp_path=ui_env, live_seconds=3)
    async with app.run_test(size=(100, 30)) as pilot:
        player = await open_live(pilot)
        await wait_for(pilot, lambda: player.count >= 30, timeout=20, what="the first events")
        assert player.live and not writer.done.is_set(), "the recording must still be growing"
        target.unlink()
        await wait_for(pilot, lambda: notified(app, "Recording deleted"), timeout=APPEAR, what="the notice")
        writer.stop()
        assert "file deleted" in status(player)
        await wait_for(pilot, lambda: player.count == player.replay.event_count, timeout=APPEAR,
                       what="the player to show what was read")
        screen = view_text(player)
        await wait_for(pilot, lambda: not player.live, timeout=3 + APPEAR, what="the end")
        await wait_for(pilot, lambda: notified(app, "Recording finished", "gone"), timeout=APPEAR,
                       what="the finished notice")
        assert view_text(player) == screen  # what was read stays on view
        await pilot.press("end", "f", "space", "home", "left", "full_stop")
        await settle(pilot, player)
        assert pilot.app.is_running and pilot.app.screen is player
        await pilot.press("q")
        await wait_for(pilot, lambda: pilot.app.screen is not player, what="the browser")


async def test_recording_opened_before_its_header_is_complete(ui_env, tmp_path):
    """A live file caught mid-header: a problem at first, then opened and followed."""
    target = tmp_path / "rec" / "nLive05xCNTRL" / "2026-12-01T10:00:00Z.cast"
    target.parent.mkdir(parents=True)
    data = RECORDING.read_bytes().splitlines(keepends=True)
    target.write_bytes(data[0][:40])
    app = live_app(target, tmp_path=ui_env)
    async with app.run_test(size=(100, 30)) as pilot:
        from castview.ui.screens.player import PlayerScreen

        await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen), timeout=20, what="the player")
        player = app.screen
        await wait_for(pilot, lambda: player.error is not None, what="the error")
        assert player.replay is None and problem_shown(player)
        with open(target, "ab") as f:
            f.write(data[0][40:] + b"".join(data[1:50]))
        await wait_for(pilot, lambda: player.replay is not None and player.following and player.count == 49,
                       timeout=10, what="the recording")
        assert not problem_shown(player)
        assert view_text(player) == after(StraightReplay(RECORDING), 49)


# -- S3: listed again on r and on an interval ------------------------------------------
async def test_s3_new_objects_show_on_r_and_on_the_refresh_interval(ui_env, tmp_path, monkeypatch):
    pytest.importorskip("moto")
    from castview.config import load_settings
    from castview.sources.s3 import S3Options, S3Source
    from castview.ui.app import CastviewApp
    from s3_server import ADMIN_KEY, ADMIN_SECRET, MotoS3

    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    small = (SAMPLES / "nBq9Zs5CNTRL" / "2026-11-21T02:00:00.48Z.cast").read_bytes()
    server = MotoS3().start()
    bucket = f"uilive{uuid.uuid4().hex[:12]}"  # moto's state is shared by every server of the process
    try:
        server.create_bucket(bucket)
        server.put(bucket, "nBq9Zs5CNTRL/2026-11-21T02:00:00.48Z.cast", small, mtime=OLD)
        options = S3Options(endpoint_url=server.endpoint, access_key=ADMIN_KEY, secret_key=ADMIN_SECRET,
                            cache_dir=tmp_path / "s3cache", max_attempts=2)

        def app_with(refresh: float) -> CastviewApp:
            settings = replace(load_settings(env=dict(os.environ)), remote_refresh=refresh)
            return CastviewApp([S3Source(f"s3://{bucket}", options)], settings, autoplay=False, open_single=False)

        # remote_refresh = 0: listed again only on r.
        app = app_with(0)
        async with app.run_test(size=(120, 30)) as pilot:
            tree = await browser_ready(pilot, app, 1)
            new = "nNewS3x1CNTRL/2026-11-30T08:00:00Z.cast"
            server.put(bucket, new, small, mtime=OLD)
            await pilot.pause(1.5)
            assert tree.total == 1  # not watched: S3 cannot be
            await pilot.press("r")
            await wait_for(pilot, lambda: tree.total == 2, timeout=APPEAR, what="the new object")
            assert leaf_for(tree, f"s3://{bucket}/{new}").header is not None
            assert {g.data.key for s in tree.root.children for g in s.children} == {"nBq9Zs5CNTRL", "nNewS3x1CNTRL"}

        # remote_refresh = 1 s: a new object (and a deleted one) show by themselves.
        app = app_with(1.0)
        async with app.run_test(size=(120, 30)) as pilot:
            tree = await browser_ready(pilot, app, 2)
            server.put(bucket, "nBq9Zs5CNTRL/2026-11-30T09:00:00Z.cast", small, mtime=OLD)
            server.client().delete_object(Bucket=bucket, Key=new)
            await wait_for(pilot, lambda: tree.total == 2 and leaf_for(tree, f"s3://{bucket}/{new}") is None
                           and leaf_for(tree, f"s3://{bucket}/nBq9Zs5CNTRL/2026-11-30T09:00:00Z.cast") is not None,
                           timeout=APPEAR + 2, what="the listing again")
    finally:
        server.stop()


@pytest.mark.parametrize("env, interval", [({}, 300.0), ({"CASTVIEW_REMOTE_REFRESH": "60"}, 60.0),
                                           ({"CASTVIEW_REMOTE_REFRESH": "0"}, None)])
async def test_remote_refresh_setting_reaches_the_watch(ui_env, tmp_path, env, interval):
    from castview.config import load_settings
    from castview.sources.local import LocalSource
    from castview.ui.app import CastviewApp

    root = tmp_path / "rec"
    old_node(root)
    settings = load_settings(path=tmp_path / "none.toml", env=env)
    assert settings.problems == ()
    app = CastviewApp([LocalSource(root)], settings, autoplay=False, open_single=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await browser_ready(pilot, app, 4)
        assert app.screen._watcher.remote_interval == interval  # noqa: SLF001
