"""Search within a recording: over the whole timeline of rendered text, with times a seek shows."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from castview import search_index as search_index_module
from castview.recording import Recording
from castview.search import Query, SearchCancelled, open_index, search_index, search_recording
from castview.search_index import SearchIndexStore
from castview.term.fingerprint import Fingerprint, fingerprint
from castview.term.index_store import open_cached
from castview.term.render import clean_cell

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_casts"
BASH = SAMPLES / "nHx4Tb1CNTRL" / "2026-11-20T09:15:02Z.cast"
NANO = SAMPLES / "nHx4Tb1CNTRL" / "2026-11-20T09:15:02.5Z.cast"
VIM = SAMPLES / "nWp2Lr8CNTRL" / "2026-11-20T14:03:11.033425744Z.cast"
LESS = SAMPLES / "nWp2Lr8CNTRL" / "2026-11-20T14:07:30.12Z.cast"
HTOP = SAMPLES / "nWp2Lr8CNTRL" / "2026-11-20T14:09:05.250117Z.cast"
MC = SAMPLES / "nBq9Zs5CNTRL" / "2026-11-21T11:31:02.9876543Z.cast"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("search-cache")


def find(path, pattern, cache, **kw):
    return search_recording(path, pattern, cache_dir=cache, **kw)


def shown_at(path: Path, match) -> str:
    """The text of the match's cells on the screen Replay.seek(match.time) shows."""
    replay, _ = open_cached(path, None)
    playhead = replay.seek(match.time)
    assert playhead.term.alternate == (match.screen == "alternate")
    row = playhead.term.screen.buffer[match.row]
    return "".join(clean_cell(c[0]) for c in row[match.col_start : match.col_end] if c[0])


def test_corrected_command_is_found_as_finally_shown(cache):
    matches = find(BASH, "echo 'sudo", cache)
    assert len(matches) == 1
    m = matches[0]
    assert m.line_text == "alice@prod-db:~$ echo 'sudo systemctl restart nginx'"
    assert m.time == pytest.approx(32.319, abs=0.001)  # when the last 'o' of the corrected "sudo" was typed
    assert shown_at(BASH, m) == "echo 'sudo"
    # The typo was on screen for a moment: found, and gone at the first backspace.
    typo = find(BASH, "ehco", cache)
    assert [(t.line_text, t.until) for t in typo] == [("alice@prod-db:~$ ehco", pytest.approx(29.973, abs=0.001))]


@pytest.mark.parametrize(
    "path, pattern",
    [
        (NANO, "deploy notes"),
        (NANO, "完了 ✓"),
        (NANO, "File Name to Write"),
        (VIM, "def serve(port=8080)"),
        (VIM, "app.py"),
        (LESS, "upstream timeout"),
        (LESS, "(END)"),
        (HTOP, "F10Quit"),
        (MC, "Left"),
    ],
)
def test_text_drawn_by_full_screen_apps_is_found_where_a_seek_shows_it(path, pattern, cache):
    matches = find(path, pattern, cache, ignore_case=False)
    assert matches, pattern
    for m in matches[:20]:
        assert m.shown
        assert shown_at(path, m) == pattern


def test_every_match_is_on_the_screen_at_its_time(cache):
    for path in (BASH, NANO, VIM, LESS):
        replay, _ = open_cached(path, None)
        for m in find(path, "e", cache, regex=False, ignore_case=False):
            if not m.shown:
                continue
            screen = replay.seek(m.time).term
            row = screen.screen.buffer[m.row]
            cells = "".join(clean_cell(c[0]) for c in row[m.col_start : m.col_end] if c[0])
            assert cells.startswith("e") or cells.startswith("é"), (path.name, m)


@pytest.mark.parametrize("noise", ["[0m", "1049", "\x1b", "[?2004h", "]0;", "01;32m", "\\u001b"])
def test_escape_sequences_never_match(noise, cache):
    for path in (BASH, NANO, VIM):
        assert find(path, noise, cache) == []


def test_an_occurrence_is_one_match_while_it_stays_on_screen(cache):
    # The progress bar is redrawn 21 times: "progress" never changes, "100%" appears once.
    progress = [m for m in find(BASH, "progress", cache) if m.col_start == 0]
    assert len(progress) == 1
    assert progress[0].line_text == "progress 100% [####################]"  # its fullest form
    assert len(find(BASH, "100%", cache)) == 1
    # A line that scrolls up is still one match.
    assert len(find(BASH, "LATEST@", cache)) == 1
    # Each redraw of a changing part is a moment of its own.
    assert len(find(BASH, "0% [", cache)) == 11


def test_regex_and_case(cache):
    assert [m.text for m in find(BASH, r"sudo\s+systemctl\s+\w+", cache, regex=True)] == [
        "sudo systemctl restart",
        "sudo systemctl restart",
    ]
    assert find(BASH, "SUDO", cache, ignore_case=False) == []
    assert len(find(BASH, "SUDO", cache)) == 2
    with pytest.raises(ValueError):
        find(BASH, "(", cache, regex=True)


def test_short_and_wide_patterns(cache):
    assert any(m.text == "ok" for m in find(BASH, "ok", cache))
    wide = find(BASH, "テキスト", cache)
    assert wide and all(m.col_end - m.col_start == 8 for m in wide)
    assert shown_at(BASH, wide[0]) == "テキスト"


def test_search_a_recording_handle_and_reuse_the_index(tmp_path):
    store = SearchIndexStore(tmp_path)
    first = find(Recording.from_path(BASH), "restart", tmp_path)
    with open(BASH, "rb") as f:
        index = store.lookup(os.path.realpath(BASH), fingerprint(f, BASH.stat().st_size, BASH.stat().st_mtime))
    assert index is not None  # built by the first search and kept
    mtime = index.path.stat().st_mtime_ns
    index.close()
    assert find(BASH, "restart", tmp_path) == first
    with open_index(BASH, cache_dir=tmp_path) as again:
        assert not again.built
    assert index.path.stat().st_mtime_ns == mtime


def test_a_changed_recording_is_indexed_again(tmp_path):
    copy = tmp_path / "rec.cast"
    copy.write_bytes(BASH.read_bytes())
    with open_index(copy, cache_dir=tmp_path) as index:
        assert index.built
    with open_index(copy, cache_dir=tmp_path) as index:
        assert not index.built
    with open(copy, "ab") as f:
        f.write(json.dumps([40.0, "o", "later output\r\n"]).encode() + b"\n")
    with open_index(copy, cache_dir=tmp_path) as index:
        assert index.built
        assert search_index(index, Query("later output"))


def test_progress_and_cancellation(tmp_path):
    big = tmp_path / "big.cast"
    with open(big, "w") as f:
        f.write(json.dumps({"version": 2, "width": 80, "height": 24}) + "\n")
        for i in range(3000):
            f.write(json.dumps([i * 0.01, "o", f"line {i} of a long output\r\n"]) + "\n")
    seen = []
    with pytest.raises(SearchCancelled):
        search_recording(
            big, "line", cache_dir=tmp_path, progress=lambda d, t: seen.append((d, t)), cancelled=lambda: len(seen) >= 2
        )
    assert seen and seen[0][1] == big.stat().st_size
    assert not list((tmp_path / "search").glob("*"))  # nothing half-built left behind
    done = []
    matches = search_recording(big, "line 2999 of", cache_dir=tmp_path, progress=lambda d, t: done.append((d, t)))
    assert done[-1] == (big.stat().st_size, big.stat().st_size)
    assert [m.line_text for m in matches] == ["line 2999 of a long output"]
    scrolled = search_recording(big, "line 100 of", cache_dir=tmp_path)
    assert len(scrolled) == 1 and scrolled[0].until is not None


def test_matches_are_in_time_order_with_screen_and_shown(cache):
    matches = find(NANO, "notes", cache)
    assert [m.time for m in matches] == sorted(m.time for m in matches)
    assert {m.screen for m in matches} == {"main", "alternate"}
    assert all(m.text.lower() == "notes" for m in matches)
    assert find(NANO, "notes", cache, limit=2) == matches[:2]


def test_the_cache_is_pruned_oldest_first(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index_module, "PACK_LIMIT", 0)  # each entry in a file of its own
    store = SearchIndexStore(tmp_path)
    paths = []
    for i, path in enumerate((BASH, NANO, VIM)):
        st = path.stat()
        with store.build(
            str(path), Fingerprint(st.st_size, st.st_mtime), lambda p=path: open(p, "rb"), str(path)
        ) as index:
            paths.append(index.path)
        os.utime(index.path, (1000.0 + i, 1000.0 + i))
    (store.directory / "dead.tmp").write_bytes(b"x")
    os.utime(store.directory / "dead.tmp", (1.0, 1.0))
    sizes = [p.stat().st_size for p in paths]
    store.prune(limit=sizes[1] + sizes[2])
    assert [p.exists() for p in paths] == [False, True, True]
    assert not (store.directory / "dead.tmp").exists()
    store.prune(limit=0, keep=paths[2])
    assert [p.exists() for p in paths] == [False, False, True]
