"""Headers read in a child process (castview.sources.summary_process), as the app does for
thousands of local recordings: the same summaries as read in-process, problems the store
knows included, and a child that fails says why."""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from castview.cast.model import Problem
from castview.problem_store import ProblemStore
from castview.recording import cache_key
from castview.sources import summary_process
from castview.sources.base import SourceError
from castview.sources.catalog import DAMAGED, read_summaries
from castview.sources.local import LocalSource
from castview.sources.summary_process import AllListed, Listed, Summarized
from castview.term.fingerprint import Fingerprint
from test_ui_helpers import SAMPLES


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def jobs_of(*paths: Path) -> list:
    jobs = []
    for path in paths:
        source = LocalSource(path)
        jobs += [(source, ref) for ref in source.refs()]
    return jobs


def loaded(sources: list, workers: int = 2) -> tuple[list[Listed], list[AllListed], list]:
    """What summary_process.load gives: the Listed batches, the AllListed, the summaries."""
    listed, every, summaries = [], [], []
    for event in summary_process.load(sources, workers):
        if isinstance(event, Listed):
            assert not every and not summaries, "a ref listed after AllListed or a summary"
            listed.append(event)
        elif isinstance(event, AllListed):
            every.append(event)
        else:
            summaries += event.summaries
    return listed, every, summaries


def test_a_child_reads_what_the_listing_reads(cache, monkeypatch):
    monkeypatch.setattr(summary_process, "WORTH_A_PROCESS", 1)
    jobs = jobs_of(SAMPLES)
    # One recording a full read found damaged (the store says so in the child too).
    _, marked = jobs[3]
    ProblemStore(cache).record(cache_key(marked.location), Fingerprint(marked.size, marked.mtime),
                               [Problem(7, "not an event")])
    here = [rec for chunk in read_summaries(jobs) for _, _, rec in chunk]
    listed, (every,), there = loaded([LocalSource(SAMPLES)])
    assert there == here and len(there) == len(jobs) > 3
    assert [rec.start_ns for rec in there] == [rec.start_ns for rec in here]
    damaged = next(rec for rec in there if rec.ref == marked)
    assert damaged.status == DAMAGED and damaged.error == "line 7: not an event"
    # Every ref passed on once, the source's end once
    assert sorted(ref.location for b in listed for ref in b.refs) == sorted(ref.location for _, ref in jobs)
    assert sorted(every.refs, key=lambda r: r.location) == sorted((r for _, r in jobs), key=lambda r: r.location)
    assert [b.done for b in listed] == [False, True]


@pytest.fixture
def started(monkeypatch) -> list:
    """The child processes a load starts, as they are started."""
    children: list = []
    popen = summary_process.subprocess.Popen

    def recorded(*args, **kwargs):
        children.append(popen(*args, **kwargs))
        return children[-1]

    monkeypatch.setattr(summary_process.subprocess, "Popen", recorded)
    return children


def test_the_child_walks_the_local_sources_from_the_one_that_makes_it_worth_it(cache, monkeypatch, tmp_path, started):
    """Below the threshold a source is read here; the one crossing it and the local ones
    after it go to the child, the refs already passed on not passed on twice; errors once."""
    monkeypatch.setattr(summary_process, "WORTH_A_PROCESS", 5)
    monkeypatch.setattr(summary_process, "LIST_BATCH", 2)
    small = next(p for p in sorted(SAMPLES.iterdir()) if p.is_dir())
    missing = tmp_path / "missing"
    sources = [LocalSource(small), LocalSource(SAMPLES), LocalSource(missing), LocalSource(small / "none.cast")]
    listed, (every,), summaries = loaded(sources)
    assert len(started) == 1
    by_source = {}
    for batch in listed:
        by_source.setdefault(batch.source, []).append(batch)
    for source in sources:
        batches = by_source[source.label]
        assert [b.done for b in batches][-1] and not any(b.done for b in batches[:-1]), source.label
        locations = [ref.location for b in batches for ref in b.refs]
        assert len(locations) == len(set(locations))
        assert sum(len(b.errors) for b in batches) == (0 if source.path.exists() else 1)
    assert sorted(rec.ref.location for rec in summaries) == sorted(ref.location for ref in every.refs)
    assert len(every.refs) == len(jobs_of(small)) + len(jobs_of(SAMPLES))


def test_few_recordings_are_read_in_process(cache, monkeypatch):
    def no_child(labels):
        raise AssertionError("a child process for a few recordings")

    monkeypatch.setattr(summary_process, "_start_child", no_child)
    jobs = jobs_of(SAMPLES)
    assert len(jobs) < summary_process.WORTH_A_PROCESS
    assert len(loaded([LocalSource(SAMPLES)])[2]) == len(jobs)


def test_a_child_that_fails_says_why(cache, tmp_path, monkeypatch):
    monkeypatch.setattr(summary_process, "WORTH_A_PROCESS", 1)
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\necho 'Traceback (most recent call last):' >&2\necho 'MemoryError: out of it' >&2\n"
                      "exit 3\n")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(sys, "executable", str(broken))
    with pytest.raises(SourceError, match="child process failed: MemoryError: out of it"):
        loaded([LocalSource(SAMPLES)])


def test_closing_early_stops_the_child(cache, monkeypatch, started):
    monkeypatch.setattr(summary_process, "WORTH_A_PROCESS", 1)
    events = summary_process.load([LocalSource(SAMPLES)], workers=2)
    while not isinstance(next(events), Summarized):
        pass
    events.close()
    (child,) = started
    assert child.returncode is not None  # ended and waited for: no process left behind
    assert child.stdout.closed and child.stderr.closed


def test_the_child_gets_this_import_path(cache, monkeypatch, tmp_path):
    """The child imports the castview the parent runs (a checkout's src, a test's path)."""
    monkeypatch.setattr(summary_process, "WORTH_A_PROCESS", 1)
    seen = tmp_path / "seen"
    popen = summary_process.subprocess.Popen

    def recorded(*args, **kwargs):
        seen.write_text(kwargs["env"]["PYTHONPATH"])
        return popen(*args, **kwargs)

    monkeypatch.setattr(summary_process.subprocess, "Popen", recorded)
    loaded([LocalSource(SAMPLES)])
    import castview

    assert str(Path(castview.__file__).parents[1]) in seen.read_text().split(os.pathsep)


def test_a_recording_gone_before_the_child_walked_is_still_summarised(cache, monkeypatch, tmp_path):
    """Passed on by this process's walk, deleted before the child's: every ref listed gets
    its summary (the progress reaches its total), this one saying it cannot be read."""
    monkeypatch.setattr(summary_process, "WORTH_A_PROCESS", 1)
    folder = tmp_path / "recordings"
    shutil.copytree(SAMPLES, folder)
    first = next(ref for _, ref in jobs_of(folder))
    start = summary_process._start_child

    def deleting_first(labels):
        os.unlink(first.location)
        return start(labels)

    monkeypatch.setattr(summary_process, "_start_child", deleting_first)
    listed, (every,), summaries = loaded([LocalSource(folder)])
    assert sorted(rec.ref.location for rec in summaries) == sorted(ref.location for ref in every.refs)
    gone = next(rec for rec in summaries if rec.ref.location == first.location)
    assert gone.status == DAMAGED and "cannot read" in gone.error


def test_the_same_folder_twice(cache, monkeypatch):
    """As listed in-process: each source's recordings once per source."""
    here = loaded([LocalSource(SAMPLES), LocalSource(SAMPLES)])[1][0].refs
    monkeypatch.setattr(summary_process, "WORTH_A_PROCESS", 1)
    listed, (every,), summaries = loaded([LocalSource(SAMPLES), LocalSource(SAMPLES)])
    assert sorted(r.location for r in every.refs) == sorted(r.location for r in here)
    assert len(summaries) == len(every.refs) == 2 * len(jobs_of(SAMPLES))
