"""`castview follow` and `castview ls --live` as a user runs them (the real entry point in
a subprocess) on a file a real writer thread is writing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from castview.cast.reader import load_events
from castview.term.keyframes import apply
from castview.term.render import to_text
from castview.term.screen import Terminal
from castview.transcript import render_text, transcript
from live_writer import RECORDING, SAMPLES, LiveWriter

CASTVIEW = Path(sys.executable).parent / "castview"
CACHE = tempfile.mkdtemp(prefix="castview-follow-cache-")


def start(*args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "TSRECORDER_DST"}
    env.update({"CASTVIEW_CACHE_DIR": CACHE, "COLUMNS": "200"})
    return subprocess.Popen([str(CASTVIEW), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8", env=env)


def final_screen(path: Path) -> str:
    header, events = load_events(path)
    term = Terminal(*header.size)
    for event in events:
        apply(term, event, header.no_pty)
    return to_text(term)


def test_follow_prints_the_screen_as_the_file_grows_until_finished(tmp_path):
    target = tmp_path / "live.cast"
    writer = LiveWriter(target, speed=30, partial_pause=0.01)
    writer.start()
    writer.wait_for(lambda w: target.exists())
    proc = start("follow", str(target), "--exit-when-finished", "2", "--interval", "0.1")
    try:
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
        writer.stop()
    assert proc.returncode == 0, err
    writer.wait_done()
    pages = out.split("\f\n")
    assert len(pages) > 3  # redrawn while it grew, not only printed at the end
    assert pages[-1] == final_screen(RECORDING)
    assert "\x1b" not in out  # not a terminal: plain pages, no escape sequences at all
    assert "no growth for 2 s" in err


def test_follow_transcript_appends_the_lines_of_the_whole_session(tmp_path):
    target = tmp_path / "live.cast"
    source = SAMPLES / "nBq9Zs5CNTRL" / "2026-11-21T11:31:02.9876543Z.cast"
    writer = LiveWriter(target, source, speed=20, partial_pause=0.01)
    writer.start()
    writer.wait_for(lambda w: target.exists())
    proc = start("follow", str(target), "--transcript", "--exit-when-finished", "1.5", "--interval", "0.1")
    try:
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
        writer.stop()
    assert proc.returncode == 0, err
    expected = "".join(line + "\n" for line in render_text(transcript(source)))
    assert out == expected


def test_follow_an_old_recording_prints_its_last_screen_and_exits(tmp_path):
    target = tmp_path / "old.cast"
    shutil.copy(RECORDING, target)
    os.utime(target, (time.time() - 3600, time.time() - 3600))
    proc = start("follow", str(target), "--exit-when-finished", "5")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out == final_screen(RECORDING)


def test_follow_refuses_what_it_cannot_follow(tmp_path):
    proc = start("follow", str(tmp_path / "missing.cast"))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "missing.cast: cannot read (No such file or directory)" in err
    proc = start("follow", str(tmp_path))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "cannot read (Is a directory)" in err
    junk = tmp_path / "junk.cast"
    junk.write_text("hello\n")
    os.utime(junk, (time.time() - 3600, time.time() - 3600))
    proc = start("follow", str(junk), "--exit-when-finished", "1")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "not a recording" in err


def test_ls_live_lists_only_what_is_being_written(tmp_path):
    node = tmp_path / "nBq9Zs5CNTRL"
    shutil.copytree(SAMPLES / "nBq9Zs5CNTRL", node)
    old = time.time() - 86400
    for path in node.iterdir():
        os.utime(path, (old, old))
    target = node / "2026-11-25T09:00:00Z.cast"
    writer = LiveWriter(target, speed=4, limit=200)
    writer.start()
    try:
        writer.wait_events(20)
        proc = start("ls", str(tmp_path), "--live", "--json")
        out, err = proc.communicate(timeout=60)
        everything = start("ls", str(tmp_path), "--json").communicate(timeout=60)[0]
    finally:
        writer.stop()
    assert proc.returncode == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["path"], r["status"]) for r in rows] == [(str(target), "live")]
    assert len(everything.splitlines()) == 5
