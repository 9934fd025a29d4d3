"""A fleet search's cold pass hands recordings to worker processes in batches."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import castview.search as search
from castview.analysis.pack import Pack
from castview.recording import cache_key
from castview.search import (
    BATCH_BYTES,
    Query,
    SearchCancelled,
    _batches,
    _run_batch,
    _run_task,
    _Task,
    search_recordings,
)
from castview.sources.base import RecordingRef
from castview.sources.catalog import build_catalog
from castview.sources.local import LocalSource

SAMPLES = Path(__file__).resolve().parent.parent / "sample_casts"


def fleet(root: Path, copies: int) -> Path:
    """`copies` copies of the samples of two nodes, under as many node folders."""
    casts = sorted((SAMPLES / "nHx4Tb1CNTRL").glob("*.cast")) + sorted((SAMPLES / "nWp2Lr8CNTRL").glob("*.cast"))
    for i in range(copies):
        node = root / f"n{i:02d}BatchCNTRL"
        node.mkdir(parents=True)
        for n, cast in enumerate(casts):
            shutil.copyfile(cast, node / f"2026-11-{n + 1:02d}T00:00:00Z.cast")
    return root


def tasks_of(tree: Path, cache: Path) -> list[_Task]:
    source = LocalSource(tree)
    return [_Task(source, r.ref, cache_key(r.ref.location), str(cache), Query("exit"))
            for r in build_catalog([source]).recordings]


def ref(size: int) -> RecordingRef:
    return RecordingRef(source="s", location=f"/tmp/x{size}.cast", key=f"k{size}", node_dir=None, name_time_ns=None,
                        size=size, mtime=0.0)


@pytest.mark.parametrize(("sizes", "jobs", "limit", "expected"), [
    ([1] * 10, 1, 32, [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]),  # 4 batches per worker at least: 10 // 4 = 2
    ([1] * 100, 2, 32, [list(range(k, min(k + 12, 100))) for k in range(0, 100, 12)]),
    ([1] * 1000, 2, 32, [list(range(k, k + 32)) for k in range(0, 992, 32)] + [list(range(992, 1000))]),
    ([1] * 7, 2, 32, [[k] for k in range(7)]),  # fewer than jobs x 4: one each
    ([1] * 100, 2, 1, [[k] for k in range(100)]),  # threads: one each
    ([1, BATCH_BYTES, 1, 1] * 10, 1, 32, None),  # checked below: a big one alone
])
def test_batches_are_runs_of_consecutive_tasks_within_the_limits(sizes, jobs, limit, expected):
    tasks = [(i, _Task(None, ref(size), "", "", Query("x"))) for i, size in enumerate(sizes)]
    batches = _batches(tasks, jobs, limit)
    positions = [[i for i, _ in batch] for batch in batches]
    assert [i for batch in positions for i in batch] == list(range(len(sizes)))  # each once, in order
    if expected is not None:
        assert positions == expected
    for batch in batches:
        assert len(batch) == 1 or sum(t.ref.size for _, t in batch) <= BATCH_BYTES
    assert any(positions)


def test_a_batch_builds_the_entries_a_task_each_builds(tmp_path):
    tree = fleet(tmp_path / "tree", 2)
    one_store = _run_batch(tasks_of(tree, tmp_path / "batch"))
    fresh = [_run_task(task) for task in tasks_of(tree, tmp_path / "fresh")]
    assert [(m, b, e) for m, b, e, _ in one_store] == [(m, b, e) for m, b, e, _ in fresh]
    assert all(built and error is None for _, built, error, _ in one_store)
    packs = {p.name: Pack(p) for p in (tmp_path / "batch" / "search" / "packs").iterdir()}
    others = {p.name: Pack(p) for p in (tmp_path / "fresh" / "search" / "packs").iterdir()}
    assert packs.keys() == others.keys()
    for name, pack in packs.items():
        assert sorted(pack.names()) == sorted(others[name].names())
        assert all(pack.get(key) == others[name].get(key) for key in pack.names())  # the same bytes


def test_a_recording_that_fails_does_not_lose_the_others_of_its_batch(tmp_path, monkeypatch):
    tasks = tasks_of(fleet(tmp_path / "tree", 1), tmp_path / "cache")
    bad = tasks[2].key
    real = search.search_index

    def failing(index, query, *args, **kwargs):
        if index.meta["key"] == bad:
            raise RuntimeError("a bug")
        return real(index, query, *args, **kwargs)

    monkeypatch.setattr(search, "search_index", failing)
    outcomes = _run_batch(tasks)
    assert len(outcomes) == len(tasks)
    errors = [error for _, _, error, _ in outcomes]
    assert errors[2] == f"{tasks[2].ref.location}: RuntimeError('a bug')"
    assert errors[:2] + errors[3:] == [None] * (len(tasks) - 1)
    assert all(matches for k, (matches, _, _, _) in enumerate(outcomes) if k != 2)


def test_worker_processes_give_every_recording_its_result_in_order(tmp_path):
    tree = fleet(tmp_path / "tree", 6)  # 42 recordings: batches of 5 for 2 workers
    (tree / "n00BatchCNTRL" / "2026-11-30T00:00:00Z.cast").write_text("not a recording\n")
    sources = [LocalSource(tree)]
    recordings = build_catalog(sources).recordings
    seen: list[tuple[int, int]] = []
    results = list(search_recordings(sources, recordings, Query("exit"), cache_dir=tmp_path / "cache", jobs=2,
                                     processes=True, progress=lambda d, t: seen.append((d, t))))
    assert [r.recording for r in results] == recordings
    assert sum(r.error is not None for r in results) == 1
    assert sum(r.built for r in results) == len(recordings) - 1
    assert all(r.matches for r in results if r.error is None)
    assert seen[-1] == (len(recordings), len(recordings))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_cancelled_search_stops_with_batches_pending(tmp_path):
    tree = fleet(tmp_path / "tree", 10)
    sources = [LocalSource(tree)]
    recordings = build_catalog(sources).recordings
    progressed: list[int] = []
    found = search_recordings(sources, recordings, Query("exit"), cache_dir=tmp_path / "cache", jobs=2,
                              processes=True, progress=lambda d, t: progressed.append(d),
                              cancelled=lambda: bool(progressed))
    with pytest.raises(SearchCancelled):
        list(found)
    assert 0 < progressed[-1] < len(recordings)
    # what was built is kept; the next search finishes the rest
    again = list(search_recordings(sources, recordings, Query("exit"), cache_dir=tmp_path / "cache", jobs=2))
    assert [r.recording for r in again] == recordings
    assert all(r.error is None and r.matches for r in again)
