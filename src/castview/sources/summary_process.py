"""Local headers read in a child process, for the app: the reads then never share the GIL
with the UI thread, which keeps answering keys while thousands of headers load (in a
thread, the reads held the GIL but for their IO and keys waited their turn).

The parent sends the refs and the child sends the summaries back in chunks as it reads
them, as pickles over the child's stdin and stdout: both ends are this castview, and a
recording's text only ever travels inside the strings of its summary. A child costs
about 0.1 s to start, so a listing of a few recordings reads them in-process instead.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import closing, suppress

from .base import RecordingRef, Source, SourceError
from .catalog import RecordingSummary, problem_lookup, read_summaries
from .local import LocalSource

WORTH_A_PROCESS = 1000
"""How many local recordings a listing has before it reads them in a child process."""


def summaries(jobs: Sequence[tuple[Source, RecordingRef]], workers: int) -> Iterator[list[RecordingSummary]]:
    """Every job's summary, in chunks as read: local recordings in a child process when
    there are enough of them, the rest as `read_summaries` reads them (remote ones by
    `workers` threads). Closing the iterator stops the reads."""
    local = [ref for source, ref in jobs if isinstance(source, LocalSource)]
    rest = list(jobs)
    if len(local) >= WORTH_A_PROCESS:
        yield from summaries_in_child(local)
        rest = [job for job in jobs if not isinstance(job[0], LocalSource)]
    with closing(read_summaries(rest, problem_lookup(len(rest)), workers)) as chunks:
        for chunk in chunks:
            yield [rec for _, _, rec in chunk]


def summaries_in_child(refs: Sequence[RecordingRef]) -> Iterator[list[RecordingSummary]]:
    """Summaries of local refs (as `read_summaries` gives them), read by a child process.
    Closing the iterator stops the child. Raises SourceError when the child fails."""
    child = subprocess.Popen(
        [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    try:
        try:
            pickle.dump(list(refs), child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            child.stdin.close()
        except BrokenPipeError:
            pass  # the child ended before reading them: its exit status and stderr say why
        while True:
            try:
                chunk = pickle.load(child.stdout)
            except (EOFError, pickle.UnpicklingError):  # the end, or a child that died mid-chunk
                break
            yield chunk
        error = child.stderr.read().decode("utf-8", "replace").strip()
        if child.wait() != 0:
            last = error.splitlines()[-1] if error else f"exit status {child.returncode}"
            raise SourceError(f"reading headers in a child process failed: {last}")
    finally:
        child.kill()
        child.wait()
        for pipe in (child.stdin, child.stdout, child.stderr):
            with suppress(OSError):
                pipe.close()


def main() -> None:
    """The child: refs on stdin, a pickled list of summaries per chunk read on stdout."""
    refs: list[RecordingRef] = pickle.load(sys.stdin.buffer)
    sources: dict[str, LocalSource] = {}
    jobs = [(sources.setdefault(ref.source, LocalSource(ref.source)), ref) for ref in refs]
    out = sys.stdout.buffer
    for chunk in read_summaries(jobs, problem_lookup(len(jobs))):
        pickle.dump([rec for _, _, rec in chunk], out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


if __name__ == "__main__":
    main()
