"""A changed recording is never served from a cache built from its old bytes, whatever
kept its size and mtime; a file that only grew extends its keyframe index; a damaged
search index is built again instead of failing for ever."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from castview.analysis.pack import Pack
from castview.search import Query, open_index, search_recording, search_recordings
from castview.search_index import ENTRY_HEADER
from castview.sources.catalog import build_catalog
from castview.sources.local import LocalSource
from castview.term import keyframes
from castview.term.fingerprint import HEAD_BYTES, TAIL_BYTES
from castview.term.index_store import IndexStore, cache_key, open_cached
from castview.term.keyframes import apply
from test_keyframes import straight

CASTVIEW = Path(sys.executable).parent / "castview"
HEADER = json.dumps({"version": 2, "width": 60, "height": 8})


def event_line(i: int, word: str) -> str:
    return json.dumps([round(i * 0.1, 1), "o", f"{word} {i:05d} " + "." * 120 + "\r\n"])


def write_cast(path: Path, words: dict[int, str] | None = None, events: int = 1500, default: str = "alpha") -> None:
    """`events` output events of equal length, each printing its word (default unless
    `words` says otherwise for its number)."""
    words = words or {}
    path.write_text(HEADER + "\n" + "".join(event_line(i, words.get(i, default)) + "\n" for i in range(events)))


def offset_of_event(path: Path, n: int) -> int:
    data = path.read_bytes()
    pos = 0
    for _ in range(n + 1):  # the header's line, then the events before it
        pos = data.index(b"\n", pos) + 1
    return pos




def rewrite_keeping_mtime(path: Path, content: bytes, *, in_place: bool) -> None:
    """Put other bytes in `path` and give it its old mtime back, in place (same inode) or
    as a new file renamed over it."""
    st = path.stat()
    if in_place:
        with open(path, "r+b") as f:
            f.write(content)
            f.truncate()
    else:
        tmp = path.with_suffix(".new")
        tmp.write_bytes(content)
        os.replace(tmp, path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_mtime_ns == st.st_mtime_ns


def wait_for_the_clock_to_tick(path: Path) -> None:
    """Until a write now gets a later ctime than `path` has: file timestamps come from a
    coarse clock, and a change within the same tick would keep the ctime."""
    probe = path.with_name("clock-probe")
    before = path.stat().st_ctime_ns
    deadline = time.monotonic() + 30
    while True:
        probe.write_bytes(b"")
        if probe.stat().st_ctime_ns > before:
            return
        assert time.monotonic() < deadline, "the filesystem clock never moved"


def run(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("TSRECORDER_DST", "TSRECORDER_BUCKET")}
    env.update({"CASTVIEW_CACHE_DIR": str(cache), "COLUMNS": "200", "TZ": "UTC"})
    return subprocess.run([str(CASTVIEW), *args], capture_output=True, text=True, env=env, timeout=120, check=False)


def indexed(path: Path, store: IndexStore):  # type: ignore[no-untyped-def]
    replay, fp = open_cached(path, store)
    assert replay.build()
    store.save(cache_key(path), fp, replay.index)
    return replay


# --------------------------------------------------------------------------- keyframe index

@pytest.mark.parametrize("in_place,changed", [(True, 700), (False, 1499)], ids=["in place, middle", "renamed, tail"])
def test_a_same_size_file_with_its_old_mtime_gets_a_new_keyframe_index(tmp_path, in_place, changed):
    path = tmp_path / "rec.cast"
    write_cast(path)
    assert path.stat().st_size > HEAD_BYTES + TAIL_BYTES
    store = IndexStore(tmp_path / "cache")
    indexed(path, store)
    again, _ = open_cached(path, store)
    assert again.index.complete
    write_cast(tmp_path / "other.cast", {changed: "bravo"})
    wait_for_the_clock_to_tick(path)
    rewrite_keeping_mtime(path, (tmp_path / "other.cast").read_bytes(), in_place=in_place)

    replay, _ = open_cached(path, store)
    assert not replay.index.complete and replay.event_count == 0  # nothing of the old file
    at = changed * 0.1
    assert any("bravo" in line for line in replay.seek(at).term.lines())
    replay.build()
    assert replay.seek(at).term.lines() == straight(path, at)


def test_a_file_rewritten_larger_with_the_same_head_is_not_taken_for_a_grown_one(tmp_path):
    """The old check (the first 64 KiB) took it for grown and kept the old keyframes,
    so frames mixed old and new rows."""
    path = tmp_path / "rec.cast"
    write_cast(path, events=1500)
    store = IndexStore(tmp_path / "cache")
    indexed(path, store)
    assert offset_of_event(path, 1000) > HEAD_BYTES
    write_cast(path, {i: "bravo" for i in range(1000, 2000)}, events=2000)

    replay, _ = open_cached(path, store)
    assert replay.event_count == 0 and len(replay.index.keyframes) == 1
    replay.build()
    for t in (99.95, 120.0, 149.9, 180.0, 199.9):
        assert replay.seek(t).term.lines() == straight(path, t), t


def test_a_grown_file_extends_its_keyframe_index(tmp_path, monkeypatch):
    path = tmp_path / "rec.cast"
    write_cast(path, events=1500)
    store = IndexStore(tmp_path / "cache")
    old = indexed(path, store)
    with open(path, "a") as f:
        f.write("".join(event_line(i, "later") + "\n" for i in range(1500, 1800)))

    grown, _ = open_cached(path, store)
    kept = list(grown.index.keyframes)
    assert not grown.index.complete and len(kept) > 2 and kept == old.index.keyframes[:len(kept)]
    assert grown.event_count == kept[-1].count > 0
    applied = []
    monkeypatch.setattr(keyframes, "apply", lambda *args: applied.append(1) or apply(*args))
    assert grown.build() and grown.event_count == 1800
    assert len(applied) == 1800 - kept[-1].count  # only what follows the last keyframe kept
    for t in (10.0, 149.9, 170.0, 179.9):
        assert grown.seek(t).term.lines() == straight(path, t), t


def test_keyframes_past_the_checked_bytes_are_dropped(tmp_path):
    """The index was built further than the fingerprint taken at open (the file grew in
    between): what lies past the fingerprint is not checked, so it is not kept."""
    path = tmp_path / "rec.cast"
    write_cast(path, events=1000)
    store = IndexStore(tmp_path / "cache")
    replay, fp = open_cached(path, store)
    with open(path, "a") as f:
        f.write("".join(event_line(i, "alpha") + "\n" for i in range(1000, 1500)))
    replay.build()
    assert replay.event_count == 1500 and replay.index.keyframes[-1].state.offset > fp.size
    store.save(cache_key(path), fp, replay.index)
    with open(path, "a") as f:
        f.write(event_line(1500, "omega") + "\n")

    again, _ = open_cached(path, store)
    assert again.index.keyframes and all(kf.state.offset <= fp.size for kf in again.index.keyframes)
    assert again.build() and again.event_count == 1501
    assert again.seek(150.0).term.lines() == straight(path, 150.0)


def test_cli_export_after_index_shows_a_replaced_file(tmp_path):
    path = tmp_path / "rec.cast"
    write_cast(path)
    cache = tmp_path / "cache"
    assert run("index", str(path), cache=cache).returncode == 0
    first = run("export", str(path), "--at", "end", cache=cache)
    assert first.returncode == 0 and "alpha 01499" in first.stdout
    write_cast(tmp_path / "other.cast", {1499: "bravo"})
    rewrite_keeping_mtime(path, (tmp_path / "other.cast").read_bytes(), in_place=True)
    second = run("export", str(path), "--at", "end", cache=cache)
    assert second.returncode == 0, second.stderr
    assert "bravo 01499" in second.stdout and "alpha 01499" not in second.stdout


# --------------------------------------------------------------------------- search index

@pytest.mark.parametrize("in_place", [True, False], ids=["in place", "renamed"])
def test_a_same_size_file_with_its_old_mtime_gets_a_new_search_index(tmp_path, in_place):
    path = tmp_path / "rec.cast"
    write_cast(path, events=300)
    cache = tmp_path / "cache"
    assert search_recording(path, "alpha 00150", cache_dir=cache)
    with open_index(path, cache_dir=cache) as index:
        assert not index.built
    write_cast(tmp_path / "other.cast", {150: "bravo"}, events=300)
    wait_for_the_clock_to_tick(path)
    rewrite_keeping_mtime(path, (tmp_path / "other.cast").read_bytes(), in_place=in_place)

    with open_index(path, cache_dir=cache) as index:
        assert index.built
    assert not search_recording(path, "alpha 00150", cache_dir=cache)
    assert search_recording(path, "bravo 00150", cache_dir=cache)


def test_cli_cat_and_grep_show_a_replaced_file(tmp_path):
    folder = tmp_path / "recs" / "nNODE1CNTRL"
    folder.mkdir(parents=True)
    path = folder / "2026-11-20T09:00:00Z.cast"
    write_cast(path, events=300)
    cache = tmp_path / "cache"
    assert "alpha 00150" in run("cat", str(path), cache=cache).stdout
    assert "alpha 00150" in run("grep", "alpha 00150", str(tmp_path / "recs"), cache=cache).stdout
    write_cast(tmp_path / "other.cast", {150: "bravo"}, events=300)
    rewrite_keeping_mtime(path, (tmp_path / "other.cast").read_bytes(), in_place=True)

    cat = run("cat", str(path), cache=cache)
    assert cat.returncode == 0 and "bravo 00150" in cat.stdout and "alpha 00150" not in cat.stdout
    grep = run("grep", "00150", str(tmp_path / "recs"), cache=cache)
    assert grep.returncode == 0 and "bravo 00150" in grep.stdout and "alpha 00150" not in grep.stdout


# --------------------------------------------------------------------------- damaged search index

def entries(cache: Path) -> list[tuple[Path, int, int]]:
    """Where each cached search entry is: (file, offset, length), in file then offset order."""
    found = [(p, 0, p.stat().st_size) for p in (cache / "search").glob("*.entry")]
    for p in (cache / "search" / "packs").glob("*.pack"):
        pack = Pack(p)
        found += [(p, *pack.where(key)) for key in pack.names()]
    return sorted(found)


def damage(where: tuple[Path, int, int], how: str) -> None:
    path, at, n = where
    data = path.read_bytes()
    entry = data[at:at + n]
    if how == "garbage":
        entry = random.Random(1).randbytes(n)
    elif how == "truncated":
        entry = entry[:n // 2]
    elif how == "empty":
        entry = b""
    else:  # the entry's header and metadata intact, its body overwritten
        _, _, meta_len, _, _ = ENTRY_HEADER.unpack_from(entry)
        start = ENTRY_HEADER.size + meta_len
        assert n > start
        rest = n - start
        entry = entry[:start] + (b"\xff" * rest if how == "pages" else random.Random(2).randbytes(rest))
    path.write_bytes(data[:at] + entry + data[at + n:])


DAMAGES = ["garbage", "truncated", "empty", "pages", "random pages"]


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A recording and what its search index gives when it is sound."""
    path = tmp_path_factory.mktemp("clean") / "rec.cast"
    write_cast(path, events=2000)
    cache = tmp_path_factory.mktemp("clean-cache")
    with open_index(path, cache_dir=cache) as index:
        lines = list(index.transcript())
    return path, lines, search_recording(path, "alpha 01", cache_dir=cache)


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_search_index_is_built_again(clean, tmp_path, how):
    path, lines, matches = clean
    cache = tmp_path / "cache"
    with open_index(path, cache_dir=cache):
        (cached,) = entries(cache)
    damage(cached, how)
    assert search_recording(path, "alpha 01", cache_dir=cache) == matches
    with open_index(path, cache_dir=cache) as index:
        assert not index.built  # sound again: the next open reuses it
        assert list(index.transcript()) == lines


@pytest.mark.parametrize("how", DAMAGES)
def test_a_transcript_read_from_a_damaged_index_goes_on_in_a_new_one(clean, tmp_path, how):
    path, lines, _ = clean
    cache = tmp_path / "cache"
    with open_index(path, cache_dir=cache):
        (cached,) = entries(cache)
    with open_index(path, cache_dir=cache) as index:
        assert not index.built
        damage(cached, how)  # under a reader that has it open already (read whole at open)
        assert list(index.transcript()) == lines
    with open_index(path, cache_dir=cache) as index:
        assert index.built and list(index.transcript()) == lines  # found damaged: built again
    with open_index(path, cache_dir=cache) as index:
        assert not index.built and list(index.transcript()) == lines


@pytest.mark.parametrize("how", ["pages", "random pages"])
def test_grep_over_a_folder_rebuilds_a_damaged_index(tmp_path, how):
    folder = tmp_path / "recs" / "nNODE1CNTRL"
    folder.mkdir(parents=True)
    for n in range(3):
        write_cast(folder / f"2026-11-20T09:0{n}:00Z.cast", events=2000)
    cache = tmp_path / "cache"
    source = LocalSource(tmp_path / "recs")
    recordings = build_catalog([source]).recordings

    def grep() -> list:  # type: ignore[type-arg]
        return list(search_recordings([source], recordings, Query("alpha 01999"), cache_dir=cache, processes=False))

    first = grep()
    assert [len(r.matches) for r in first] == [1, 1, 1] and all(r.built for r in first)
    damage(entries(cache)[1], how)
    second = grep()
    assert [r.error for r in second] == [None] * 3
    assert [r.matches for r in second] == [r.matches for r in first]
    assert sorted(r.built for r in second) == [False, False, True]
    assert not any(r.built for r in grep())


def test_cli_cat_of_a_damaged_index_prints_the_whole_transcript(clean, tmp_path):
    path = clean[0]
    cache = tmp_path / "cache"
    first = run("cat", str(path), cache=cache)
    assert first.returncode == 0
    (cached,) = entries(cache)
    damage(cached, "pages")
    again = run("cat", str(path), cache=cache)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout


def test_an_unwritable_cache_dir_is_not_an_error(tmp_path):
    folder = tmp_path / "recs" / "nNODE1CNTRL"
    folder.mkdir(parents=True)
    path = folder / "2026-11-20T09:00:00Z.cast"
    write_cast(path, events=300)
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("")
    for args in (["index", str(path)], ["cat", str(path)], ["grep", "alpha 00150", str(tmp_path / "recs")],
                 ["export", str(path), "--at", "end"]):
        result = run(*args, cache=blocked)
        assert result.returncode == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert "alpha 00150" in run("cat", str(path), cache=blocked).stdout
