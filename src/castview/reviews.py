"""The review ledger: who reviewed which recording, with what verdict, and bookmarks in them.

Stored in SQLite (``reviews.sqlite`` in the user data dir, or the ``reviews_db`` setting:
a shared path for a team). A review is keyed by the recording's SHA-256, with the path or
URL it was seen at: a recording copied or moved keeps its review, and a file changed since
it was reviewed (the same path, another SHA-256) shows as "changed since review".

Hashing a recording reads it whole, so the SHA-256 of each (location, size, mtime) seen is
kept in the ledger too: listing reviewed recordings again reads nothing.
"""

from __future__ import annotations

import csv
import getpass
import io
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

VERDICTS = ("ok", "concern", "incident")
CHANGED = "changed since review"
FILE_NAME = "reviews.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, location TEXT NOT NULL, verdict TEXT NOT NULL,
    note TEXT NOT NULL, reviewer TEXT NOT NULL, time TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS reviews_sha ON reviews (sha256);
CREATE INDEX IF NOT EXISTS reviews_location ON reviews (location);
CREATE TABLE IF NOT EXISTS bookmarks (
    id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, location TEXT NOT NULL, at REAL NOT NULL,
    note TEXT NOT NULL, author TEXT NOT NULL, time TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bookmarks_sha ON bookmarks (sha256);
CREATE TABLE IF NOT EXISTS hashes (
    location TEXT NOT NULL, size INTEGER NOT NULL, version TEXT NOT NULL, sha256 TEXT NOT NULL,
    PRIMARY KEY (location, size, version));
"""

if TYPE_CHECKING:
    from .sources.catalog import RecordingSummary


@dataclass(frozen=True)
class Review:
    sha256: str
    location: str
    verdict: str
    note: str
    reviewer: str
    time: str  # RFC 3339, UTC

    def record(self) -> dict[str, Any]:
        """The one JSON record of a review (ls --json `review`, reviews --json)."""
        return asdict(self)


@dataclass(frozen=True)
class Bookmark:
    sha256: str
    location: str
    at: float  # seconds on the recording's timeline
    note: str
    author: str
    time: str

    def record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReviewStatus:
    """A recording's review as the ledger knows it: its latest review, or None; `changed`
    when the recording at this location was reviewed with other contents."""

    review: Review | None
    changed: bool = False

    @property
    def label(self) -> str:
        if self.review is not None:
            return self.review.verdict
        return CHANGED if self.changed else "unreviewed"

    def record(self) -> dict[str, Any] | None:
        if self.review is None:
            return {"verdict": None, "changed_since_review": True} if self.changed else None
        return {**self.review.record(), "changed_since_review": False}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def default_reviewer(configured: str | None) -> str:
    """The configured reviewer name, else the OS user."""
    if configured:
        return configured
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "unknown"


class Ledger:
    """One connection to the ledger file (created with its tables on first use)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=10)
        self._db.executescript(SCHEMA)
        self._batched = False

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        if self._batched:
            yield self._db
            return
        with self._db:
            yield self._db

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Every write inside in one transaction: a listing keeps thousands of hashes, and
        a commit each (a sync to disk each) cost seconds."""
        self._batched = True
        try:
            with self._db:
                yield
        finally:
            self._batched = False

    # -- reviews ------------------------------------------------------------------------
    def add_review(self, sha256: str, location: str, verdict: str, note: str, reviewer: str) -> Review:
        location = stored(location)
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}")
        review = Review(sha256, location, verdict, note, reviewer, now())
        with self._writing() as db:
            db.execute("INSERT INTO reviews (sha256, location, verdict, note, reviewer, time) VALUES (?,?,?,?,?,?)",
                       (review.sha256, review.location, review.verdict, review.note, review.reviewer, review.time))
        return review

    def status(self, sha256: str | None, location: str) -> ReviewStatus:
        """The review of the recording with *sha256* (None: not hashed; then by location,
        which can only say it was reviewed there, not that it is unchanged)."""
        location = stored(location)
        if sha256 is not None:
            row = self._db.execute("SELECT sha256, location, verdict, note, reviewer, time FROM reviews "
                                   "WHERE sha256 = ? ORDER BY id DESC LIMIT 1", (sha256,)).fetchone()
            if row is not None:
                return ReviewStatus(Review(*row))
        seen_here = self._db.execute("SELECT sha256, location, verdict, note, reviewer, time FROM reviews "
                                     "WHERE location = ? ORDER BY id DESC LIMIT 1", (location,)).fetchone()
        if seen_here is None:
            return ReviewStatus(None)
        if sha256 is None:
            return ReviewStatus(Review(*seen_here))
        return ReviewStatus(None, changed=True)

    def reviews(self) -> list[Review]:
        rows = self._db.execute("SELECT sha256, location, verdict, note, reviewer, time FROM reviews ORDER BY id")
        return [Review(*row) for row in rows]

    def has_reviews(self) -> bool:
        return self._db.execute("SELECT 1 FROM reviews LIMIT 1").fetchone() is not None

    def reviewed_where(self) -> tuple[set[str], set[int]]:
        """The locations reviews were recorded at, and the sizes of the recordings reviewed:
        a recording at none of them and of none of those sizes cannot have a review (a copy
        has the size of its original), so it need not be hashed."""
        locations = {row[0] for row in self._db.execute("SELECT DISTINCT location FROM reviews")}
        sizes = {row[0] for row in self._db.execute(
            "SELECT DISTINCT size FROM hashes WHERE sha256 IN (SELECT sha256 FROM reviews)")}
        return locations, sizes

    # -- bookmarks ----------------------------------------------------------------------
    def add_bookmark(self, sha256: str, location: str, at: float, note: str, author: str) -> Bookmark:
        location = stored(location)
        bookmark = Bookmark(sha256, location, at, note, author, now())
        with self._writing() as db:
            db.execute("INSERT INTO bookmarks (sha256, location, at, note, author, time) VALUES (?,?,?,?,?,?)",
                       (sha256, bookmark.location, at, note, author, bookmark.time))
        return bookmark

    def bookmarks(self, sha256: str) -> list[Bookmark]:
        rows = self._db.execute("SELECT sha256, location, at, note, author, time FROM bookmarks WHERE sha256 = ? "
                                "ORDER BY at, id", (sha256,))
        return [Bookmark(*row) for row in rows]

    # -- hashes -------------------------------------------------------------------------
    def sha256(self, location: str, size: int, version: str, compute: Callable[[], str] | None) -> str | None:
        """The SHA-256 of the recording at *location* of *size* and *version* (mtime or
        ETag), computed (and kept) with *compute* if not known; None if not known and no
        *compute*."""
        location = stored(location)
        row = self._db.execute("SELECT sha256 FROM hashes WHERE location = ? AND size = ? AND version = ?",
                               (location, size, version)).fetchone()
        if row is not None:
            return row[0]
        if compute is None:
            return None
        digest = compute()
        with self._writing() as db:
            db.execute("INSERT OR REPLACE INTO hashes VALUES (?,?,?,?)", (location, size, version, digest))
        return digest


def stored(location: str) -> str:
    """A location as the ledger keeps it: a file name that is not UTF-8 (its bytes carried
    as surrogates) with those bytes as backslash escapes, which SQLite can store."""
    return location.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def ledger_path(configured: Path | None) -> Path:
    """The ledger file: the `reviews_db` setting, else reviews.sqlite in the user data dir
    ($CASTVIEW_DATA_DIR overrides the data dir)."""
    if configured is not None:
        return configured
    from platformdirs import user_data_dir

    return Path(os.environ.get("CASTVIEW_DATA_DIR") or user_data_dir("castview")) / FILE_NAME


def open_ledger() -> Ledger:
    from .config import load_settings

    return Ledger(ledger_path(load_settings().reviews_db))


def hash_recording(opener: Callable[[], BinaryIO]) -> str:
    from .clip import sha256_of

    return sha256_of(opener)[0]


def to_csv(reviews: Iterable[Review]) -> str:
    """The ledger as CSV for a spreadsheet or a SIEM. Location, note and reviewer come from
    recordings and other reviewers: their control, bidi and invisible characters are
    written as visible escapes (sanitize.printable), so printing the CSV drives no
    terminal and a row is one line; `reviews --json` keeps the exact values."""
    from .sanitize import printable

    buffer = io.StringIO()
    with closing(buffer):
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["sha256", "location", "verdict", "note", "reviewer", "time"])
        for r in reviews:
            writer.writerow([r.sha256, printable(r.location), r.verdict, printable(r.note), printable(r.reviewer),
                             r.time])
        return buffer.getvalue()


def review_statuses(recordings: list[RecordingSummary], path: Path | None = None) -> dict[str, ReviewStatus]:
    """The ledger's word on each listed recording, by location. Only a recording at a
    location reviewed, or of the size of a recording reviewed, can have a review: those
    local files not hashed yet are hashed (once per version), remote ones only if hashed
    before (else by location); the others cost nothing. Without a ledger file nothing is
    created: nothing is reviewed. `path`: the ledger (default: the settings')."""
    from .config import load_settings

    unreviewed = ReviewStatus(None)
    path = path or ledger_path(load_settings().reviews_db)
    if not path.is_file():
        return {rec.ref.location: unreviewed for rec in recordings}
    with Ledger(path) as ledger, ledger.batched():
        if not ledger.has_reviews():
            return {rec.ref.location: unreviewed for rec in recordings}
        locations, sizes = ledger.reviewed_where()
        statuses = {}
        for rec in recordings:
            ref = rec.ref
            local = os.path.isfile(ref.location)
            key = os.path.realpath(ref.location) if local else ref.location
            if ref.size not in sizes and stored(key) not in locations:
                statuses[ref.location] = unreviewed
                continue
            version = ref.etag or repr(ref.mtime)
            compute = (lambda path=ref.location: hash_recording(lambda: open(path, "rb"))) if local else None
            try:
                sha = ledger.sha256(key, ref.size, version, compute)
            except OSError:
                sha = None
            statuses[ref.location] = ledger.status(sha, key)
        return statuses


UNREVIEWED = "unreviewed"
REVIEW_FILTERS = (UNREVIEWED, *VERDICTS)
"""What `--unreviewed` / `--verdict V` (and the browser's `R`) keep: no review (or one of
other contents), or the latest review's verdict."""


def keeps(status: ReviewStatus, wanted: str | None) -> bool:
    """Whether the review filter *wanted* (one of REVIEW_FILTERS; None: every recording)
    keeps a recording of this status."""
    if wanted is None:
        return True
    review = status.review
    return review is None if wanted == UNREVIEWED else review is not None and review.verdict == wanted


#: How `ls` marks a review (beside the status marks).
REVIEW_MARKS = {"ok": "✓ ok", "concern": "? concern", "incident": "! incident"}


def review_mark(status: ReviewStatus) -> str:
    if status.review is not None:
        return REVIEW_MARKS[status.review.verdict]
    return "~ changed" if status.changed else ""
