"""The app's listing: every source listed, then every recording summarised, as a stream of
events for the loading worker. Thousands of local recordings are walked and read by a
child process: the walk and the reads then never share the GIL with the UI thread, which
keeps answering keys while they load (in a thread, they held the GIL but for their IO and
keys waited their turn).

The parent walks local sources itself until it has seen WORTH_A_PROCESS recordings (a
child costs about 0.1 s to start: a few recordings are read in-process); it then hands the
source being walked and every local source after it to a child, which walks them again
from the start (the parent passes on only the refs it has not passed on yet) and reads
them. Refs and summaries come back as pickles over the child's stdout: both ends are this
castview, and a recording's text only ever travels inside the strings of a summary.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, suppress
from typing import IO, Any, NamedTuple

from .base import RecordingRef, Source, SourceError
from .catalog import RecordingSummary, problem_lookup, read_summaries
from .local import LocalSource

WORTH_A_PROCESS = 1000
"""How many local recordings a listing has seen when it hands the local sources to a child."""
LIST_BATCH = 500
SEND_EVERY = 0.05
"""Seconds of reading the child gathers before it sends the summaries read."""


class Listed(NamedTuple):
    """Some of a source's refs; `done`: the source is listed (`errors`: what went wrong)."""

    source: str
    refs: list[RecordingRef]
    errors: list[str]
    done: bool


class AllListed(NamedTuple):
    """Every source is listed: `refs`, every recording the summaries that follow are of."""

    refs: list[RecordingRef]


class Summarized(NamedTuple):
    summaries: list[RecordingSummary]


Event = Listed | AllListed | Summarized


def _walk(source: Source) -> Iterator[Listed]:
    """A source's refs in batches, the last one `done` with why the listing failed, if it did."""
    refs: list[RecordingRef] = []
    errors: list[str] = []
    try:
        for ref in source.refs():
            refs.append(ref)
            if len(refs) >= LIST_BATCH:
                yield Listed(source.label, refs, [], False)
                refs = []
    except SourceError as exc:
        errors.append(str(exc))
    except OSError as exc:
        errors.append(f"{source.label}: cannot list ({exc})")
    yield Listed(source.label, refs, errors, True)


def load(sources: Sequence[Source], workers: int) -> Iterator[Event]:
    """Listed batches for every source, AllListed, then Summarized chunks as read: local
    recordings by a child once there are enough of them (see the module's docstring),
    remote ones by `workers` threads. Closing the iterator stops the reads and the child.
    A child that fails raises SourceError."""
    jobs: list[tuple[Source, RecordingRef]] = []  # what this process reads
    listed: list[RecordingRef] = []
    local = 0
    child: subprocess.Popen[bytes] | None = None
    handed: Source | None = None  # the first source handed over, and its refs passed on already:
    passed: list[RecordingRef] = []
    try:
        for i, source in enumerate(sources):
            if child is not None and isinstance(source, LocalSource):
                continue  # the child's
            walked: list[RecordingRef] = []
            with closing(_walk(source)) as batches:
                for batch in batches:
                    walked += batch.refs
                    if isinstance(source, LocalSource) and (local := local + len(batch.refs)) >= WORTH_A_PROCESS:
                        yield batch._replace(errors=[], done=False)  # the child's walk ends it
                        handed, passed = source, walked
                        child = _start_child([s.label for s in (source, *sources[i + 1:])
                                              if isinstance(s, LocalSource)])
                        break
                    yield batch
            listed += walked
            if source is not handed:
                jobs += [(source, ref) for ref in walked]
        if child is None or handed is None:
            yield AllListed(listed)
        else:
            yield from _relay(child, handed, passed, listed, jobs)
        with closing(read_summaries(jobs, problem_lookup(len(jobs)), workers)) as chunks:
            for chunk in chunks:
                yield Summarized([rec for _, _, rec in chunk])
    finally:
        if child is not None:
            _stop(child)


def _relay(child: subprocess.Popen[bytes], handed: Source, passed: list[RecordingRef], listed: list[RecordingRef],
           jobs: list[tuple[Source, RecordingRef]]) -> Iterator[Event]:
    """The child's events, the refs of its first source (`handed`) `passed` on already left
    out (`listed` takes the others); a ref passed on that the child did not find (gone
    meanwhile) goes in `jobs`, to be read here (which says what became of it)."""
    done = {ref.location for ref in passed}
    first = True  # the child's first source is the one `passed` is of
    seen: set[str] = set()
    for event in _events(child):
        if isinstance(event, Listed):
            if first:
                seen.update(ref.location for ref in event.refs)
                event = event._replace(refs=[ref for ref in event.refs if ref.location not in done])
                first = not event.done
            listed += event.refs
            yield event
        elif isinstance(event, AllListed):
            jobs += [(handed, ref) for ref in passed if ref.location not in seen]
            yield AllListed(listed)
        else:
            yield event


def _start_child(labels: list[str]) -> subprocess.Popen[bytes]:
    """A child walking and reading the local sources `labels`, this castview's import path its own."""
    child = subprocess.Popen(
        [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
    assert child.stdin is not None
    try:
        pickle.dump(labels, child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        child.stdin.close()
    except BrokenPipeError:
        pass  # the child ended before reading them: its exit status and stderr say why
    return child


def _events(child: subprocess.Popen[bytes]) -> Iterator[Event]:
    """What the child sends (its AllListed carries no refs: the parent has them). Raises
    SourceError when the child fails."""
    assert child.stdout is not None and child.stderr is not None
    while True:
        try:
            event = pickle.load(child.stdout)
        except (EOFError, pickle.UnpicklingError):  # the end, or a child that died mid-event
            break
        yield event
    error = child.stderr.read().decode("utf-8", "replace").strip()
    if child.wait() != 0:
        last = error.splitlines()[-1] if error else f"exit status {child.returncode}"
        raise SourceError(f"reading headers in a child process failed: {last}")


def _stop(child: subprocess.Popen[bytes]) -> None:
    child.kill()
    child.wait()
    for pipe in (child.stdin, child.stdout, child.stderr):
        with suppress(OSError):
            pipe.close()  # type: ignore[union-attr]


def _send(out: IO[bytes], event: Any) -> None:
    pickle.dump(event, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


def main() -> None:
    """The child: the labels of local sources on stdin; their Listed batches, an empty
    AllListed and Summarized chunks on stdout."""
    labels: list[str] = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    jobs: list[tuple[Source, RecordingRef]] = []
    for label in labels:
        source = LocalSource(label)
        for batch in _walk(source):
            _send(out, batch)
            jobs += [(source, ref) for ref in batch.refs]
    _send(out, AllListed([]))
    # Sent SEND_EVERY seconds' worth at a time: each event wakes the parent's loading thread,
    # which then takes the GIL from the UI thread
    summaries: list[RecordingSummary] = []
    sent = time.monotonic()
    for chunk in read_summaries(jobs, problem_lookup(len(jobs))):
        summaries += [rec for _, _, rec in chunk]
        if time.monotonic() - sent >= SEND_EVERY:
            _send(out, Summarized(summaries))
            summaries, sent = [], time.monotonic()
    _send(out, Summarized(summaries))


if __name__ == "__main__":
    # Pickled from the module by its own name, not __main__'s: the parent unpickles them.
    from castview.sources.summary_process import main as child_main

    child_main()
