"""Headers read in a child process (castview.sources.summary_process), as the app does for
thousands of local recordings: the same summaries as read in-process, problems the store
knows included, and a child that fails says why."""

from __future__ import annotations

import os
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


def test_a_child_reads_what_the_listing_reads(cache, monkeypatch):
    monkeypatch.setattr(summary_process, "WORTH_A_PROCESS", 1)
    jobs = jobs_of(SAMPLES)
    # One recording a full read found damaged (the store says so in the child too).
    _, marked = jobs[3]
    ProblemStore(cache).record(cache_key(marked.location), Fingerprint(marked.size, marked.mtime),
                               [Problem(7, "not an event")])
    here = [rec for chunk in read_summaries(jobs) for _, _, rec in chunk]
    there = [rec for chunk in summary_process.summaries(jobs, workers=2) for rec in chunk]
    assert there == here and len(there) == len(jobs) > 3
    assert [rec.start_ns for rec in there] == [rec.start_ns for rec in here]
    damaged = next(rec for rec in there if rec.ref == marked)
    assert damaged.status == DAMAGED and damaged.error == "line 7: not an event"


def test_few_recordings_are_read_in_process(cache, monkeypatch):
    def no_child(refs):
        raise AssertionError("a child process for a few recordings")

    monkeypatch.setattr(summary_process, "summaries_in_child", no_child)
    jobs = jobs_of(SAMPLES)
    assert len(jobs) < summary_process.WORTH_A_PROCESS
    assert sum(len(chunk) for chunk in summary_process.summaries(jobs, workers=2)) == len(jobs)


def test_a_child_that_fails_says_why(cache, tmp_path, monkeypatch):
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\necho 'Traceback (most recent call last):' >&2\necho 'MemoryError: out of it' >&2\n"
                      "exit 3\n")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(sys, "executable", str(broken))
    refs = [ref for _, ref in jobs_of(SAMPLES)]
    with pytest.raises(SourceError, match="child process failed: MemoryError: out of it"):
        list(summary_process.summaries_in_child(refs))


def test_closing_early_stops_the_child(cache, monkeypatch):
    monkeypatch.setattr(summary_process, "WORTH_A_PROCESS", 1)
    started = []
    popen = summary_process.subprocess.Popen

    def recorded(*args, **kwargs):
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(summary_process.subprocess, "Popen", recorded)
    chunks = summary_process.summaries(jobs_of(SAMPLES), workers=2)
    assert next(chunks)
    chunks.close()
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
    list(summary_process.summaries(jobs_of(SAMPLES), workers=2))
    import castview

    assert str(Path(castview.__file__).parents[1]) in seen.read_text().split(os.pathsep)
