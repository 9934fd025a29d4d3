"""All recordings of several sources, read just enough to list them, grouped by node.

Each recording costs a bounded header read and a bounded tail read, done in a thread
pool; copies of one session kept by failover recorders are merged.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from functools import cached_property

from ..cast.model import CastError, Header, Problem
from ..cast.reader import read_head, read_tail
from ..clip import clip_start_ns
from ..sanitize import printable
from .base import RecordingRef, Source, SourceError
from .local import LocalSource

# A file modified this recently is taken to be still recording.
LIVE_SECONDS = 60.0
CLOCK_SKEW = 300.0
CHUNK = 64

OK, LIVE, TRUNCATED, DAMAGED = "ok", "live", "truncated", "damaged"


@dataclass(frozen=True)
class RecordingSummary:
    ref: RecordingRef
    header: Header | None
    error: str | None
    duration: float | None
    status: str
    also_at: tuple[str, ...] = ()

    @property
    def node_id(self) -> str:
        """The node a recording belongs to (the SSH server's side): the tsrecorder node
        folder, else the folder it sits in below the source, else (a file directly in the
        folder given, or a file given) that folder's name. Never the header's srcNodeID:
        that is the client, and `--node FOLDER` must find what is in FOLDER."""
        if self.ref.node_dir:
            return self.ref.node_dir
        return self.ref.key.rpartition("/")[0] or _folder_name(self.ref)

    @cached_property
    def start_ns(self) -> int:
        """When the session started, in nanoseconds: the file name's RFC3339Nano time when
        it agrees with the header's `timestamp` to the second (the recorder writes both;
        the name is exact), else the header's, else the name's, else the file's mtime. A
        castview clip's exact start (castview.clip) comes first: its name is the user's.
        Kept once worked out (the summary never changes): every sort, section order and
        label asks for it, hundreds of thousands of times over ten thousand recordings."""
        if self.header is not None and (clipped := clip_start_ns(self.header)) is not None:
            return clipped
        named = self.ref.name_time_ns
        stamp = self.header.timestamp if self.header is not None else None
        if named is not None and (stamp is None or named // 1_000_000_000 == stamp):
            return named
        if stamp is not None:
            return stamp * 1_000_000_000
        return int(self.ref.mtime * 1_000_000_000)

    @cached_property
    def identity(self) -> tuple:
        if self.header is None:
            return ("path", self.ref.location)
        # Failover recorders store one session under the same node folder and file name,
        # with the same header; two different files never share all three.
        return (self.node_id, self.ref.name, self.start_ns, self.header.raw_text)


@dataclass
class NodeGroup:
    node_id: str
    recordings: list[RecordingSummary] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The server's hostname when a header names it (some recorders add dstNode)."""
        for rec in self.recordings:
            if rec.header is not None:
                dst = rec.header.get("dstNode")
                if isinstance(dst, str) and dst:
                    return dst
        return self.node_id


@dataclass
class Catalog:
    groups: list[NodeGroup]
    errors: list[str]

    @property
    def recordings(self) -> list[RecordingSummary]:
        return [rec for group in self.groups for rec in group.recordings]


def _folder_name(ref: RecordingRef) -> str:
    """The name of the folder a top-level recording is in: the source's own (`casts` for
    `castview ls ~/casts`), or a given file's parent folder."""
    where = ref.location if ref.key == ref.name and ref.location == ref.source else ref.source
    if "://" not in where:
        where = os.path.abspath(where)
    parts = [p for p in where.split("/") if p]
    if where == ref.location:
        parts = parts[:-1]
    return parts[-1] if parts and not parts[-1].endswith(":") else "(top level)"


ProblemLookup = Callable[[RecordingRef], tuple[Problem, ...]]


def summarize(source: Source, ref: RecordingRef, now: float | None = None,
              problems: ProblemLookup | None = None) -> RecordingSummary:
    """Read a recording's header and its last line, never the whole file (but for v1/v3);
    damaged when the v3 scan, or a full read of this version of it, found problems
    (`problems`: a listing's `problem_lookup`, else the ProblemStore asked about this one
    recording)."""
    now = time.time() if now is None else now
    recent = ref.may_grow and now - ref.mtime < LIVE_SECONDS
    try:
        with source.open(ref) as f:
            head = read_head(f, ref.location, checked=False)  # a summary shows no header problems
            tail = read_tail(f, head, ref.size)
    except CastError as exc:
        return RecordingSummary(ref, None, str(exc), None, LIVE if recent and ref.size < 4096 else DAMAGED)
    except (OSError, SourceError) as exc:
        # An OSError's own text repeats the path; its strerror says only what went wrong.
        detail = getattr(exc, "strerror", None) or exc
        return RecordingSummary(ref, None, f"{ref.location}: cannot read ({detail})", None, DAMAGED)
    status = OK
    live = recent and _ends_near(head.header, tail.last_time, now)
    if tail.incomplete:
        status = LIVE if live else TRUNCATED
    elif live:
        status = LIVE
    error = None
    if status != LIVE:
        found = tail.problems or (problems or known_problems)(ref)
        if found:
            status, error = DAMAGED, _first_problem(found)
    summary = RecordingSummary(ref, head.header, error, tail.last_time, status)
    summary.start_ns  # noqa: B018 - worked out here, where headers are read, not where they are shown
    return summary


def _first_problem(problems: Sequence[Problem]) -> str:
    """Why a full read marked a recording damaged, in one line: the first problem it
    found (in line order), made safe to print (its message may quote the recording)."""
    first = problems[0]
    where = "" if first.line is None else f"line {first.line}: "
    return printable(where + first.message)


def known_problems(ref: RecordingRef) -> tuple[Problem, ...]:
    """What a full read of this version of the recording found wrong, if one did (see
    castview.problem_store; the cache dir is $CASTVIEW_CACHE_DIR's or the user's)."""
    from ..config import cache_dir
    from ..problem_store import ProblemStore
    from ..recording import cache_key

    return ProblemStore(cache_dir()).known(cache_key(ref.location), ref.size, ref.mtime)


def problem_lookup(count: int) -> ProblemLookup:
    """`known_problems` for a listing of `count` recordings: the store read once when it
    holds no more entries than that, so a recording no entry is of costs no system call."""
    from ..config import cache_dir
    from ..problem_store import ProblemStore
    from ..recording import cache_key

    snapshot = ProblemStore(cache_dir()).snapshot(most=count)
    if snapshot is None:
        return known_problems
    return lambda ref: snapshot.known(lambda: cache_key(ref.location), ref.size, ref.mtime)


def _ends_near(header: Header, last_time: float | None, now: float) -> bool:
    """Whether the session's last event is recent by its own clock: a file copied or
    cloned today has a fresh mtime but an old session is not live. Allows clock skew
    between the recorded node and this machine."""
    if header.timestamp is None or last_time is None:
        return True
    return now - (header.timestamp + last_time) < LIVE_SECONDS + CLOCK_SKEW


def merge_copies(summaries: Iterable[RecordingSummary]) -> list[RecordingSummary]:
    """One entry per session: the largest copy wins, the others are named in also_at."""
    by_identity: dict[tuple, list[RecordingSummary]] = {}
    for rec in summaries:
        by_identity.setdefault(rec.identity, []).append(rec)
    merged = []
    for copies in by_identity.values():
        copies.sort(key=lambda r: (-r.ref.size, r.ref.location))
        best = copies[0]
        if len(copies) > 1:
            best = replace(best, also_at=tuple(c.ref.location for c in copies[1:]))
        merged.append(best)
    return merged


def group(summaries: Iterable[RecordingSummary]) -> list[NodeGroup]:
    groups: dict[str, NodeGroup] = {}
    for rec in merge_copies(summaries):
        groups.setdefault(rec.node_id, NodeGroup(rec.node_id)).recordings.append(rec)
    for g in groups.values():
        g.recordings.sort(key=lambda r: (r.start_ns, r.ref.location), reverse=True)
    return sorted(groups.values(), key=lambda g: (g.label.lower(), g.node_id))


def _keep(rec: RecordingSummary, explicit: bool) -> bool:
    # A stray .json that is not asciicast is not a recording: skip it without a word.
    return explicit or rec.header is not None or rec.ref.name.endswith(".cast")


def build_catalog(
    sources: Sequence[Source],
    workers: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> Catalog:
    """List every source, summarise every recording (remote ones in parallel), merge and
    group them."""
    errors: list[str] = []
    jobs: list[tuple[Source, RecordingRef]] = []
    for source in sources:
        try:
            jobs.extend((source, ref) for ref in source.refs())
        except SourceError as exc:
            errors.append(str(exc))
    summaries: list[RecordingSummary] = []
    done = 0
    for chunk in read_summaries(jobs, problem_lookup(len(jobs)), workers):
        for source, ref, rec in chunk:
            if _keep(rec, explicit=ref.key == ref.name and ref.location == source.label):
                summaries.append(rec)
        done += len(chunk)
        if progress:
            progress(done, len(jobs))
    return Catalog(group(summaries), errors)


def read_summaries(jobs: Sequence[tuple[Source, RecordingRef]], problems: ProblemLookup | None = None,
                   workers: int = 8) -> Iterator[list[tuple[Source, RecordingRef, RecordingSummary]]]:
    """Every job summarised, in chunks as they are read. Local files are read in this thread:
    a header in the page cache takes microseconds, and threads only took turns at the GIL
    (10,000 recordings: 0.34 s here, 1.1 s in eight threads). Remote objects are read by
    `workers` threads meanwhile, in chunks (a future per recording costs more than a local
    read; chunks small enough keep every worker busy), yielded as they complete. Closing
    the iterator cancels what has not started."""
    now = time.time()

    def read(chunk: list[tuple[Source, RecordingRef]]) -> list[tuple[Source, RecordingRef, RecordingSummary]]:
        return [(source, ref, summarize(source, ref, now, problems)) for source, ref in chunk]

    local = [job for job in jobs if isinstance(job[0], LocalSource)]
    remote = [job for job in jobs if not isinstance(job[0], LocalSource)]
    pool = ThreadPoolExecutor(max_workers=workers) if remote else None
    try:
        size = max(1, min(CHUNK, len(remote) // (workers * 4)))
        futures = [pool.submit(read, chunk) for chunk in _chunks(remote, size)] if pool else []
        for chunk in _chunks(local, CHUNK):
            yield read(chunk)
        for future in as_completed(futures):
            yield future.result()
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _chunks(jobs: list[tuple[Source, RecordingRef]], size: int) -> Iterator[list[tuple[Source, RecordingRef]]]:
    return (jobs[i:i + size] for i in range(0, len(jobs), size))
