"""`a` (review verdict) and `b` (bookmarks) in the app: the ledger read and written from
thread workers (hashing a recording reads it whole), which report back with messages."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from textual.dom import DOMNode
from textual.message import Message

from ..config import Settings
from ..recording import READ_ERRORS, Recording, error_message
from ..reviews import Bookmark, Ledger, Review, ReviewStatus, default_reviewer, hash_recording, ledger_path
from ..sources.catalog import RecordingSummary


@dataclass
class ReviewRecorded(Message):
    review: Review


@dataclass
class BookmarksLoaded(Message):
    """The recording's bookmarks (after one was added, `added` is it)."""

    bookmarks: list[Bookmark]
    added: Bookmark | None = None


@dataclass
class ReviewStatusLoaded(Message):
    status: ReviewStatus


@dataclass
class ReviewsLoaded(Message):
    """Each listed recording's review status, by location."""

    statuses: dict[str, ReviewStatus]


@dataclass
class LedgerFailed(Message):
    error: str


def _sha256(ledger: Ledger, target: Recording) -> str:
    version = target.etag or repr(target.mtime)
    return ledger.sha256(target.cache_key, target.size, version, lambda: hash_recording(target.open_whole))


Target = Callable[[], Recording]
"""Makes the recording's handle (in the worker: it stats the file)."""


def _run(node: DOMNode, settings: Settings, make_target: Target, work) -> None:
    def run() -> None:
        target = None
        try:
            target = make_target()
            with Ledger(ledger_path(settings.reviews_db)) as ledger:
                message = work(ledger, target, _sha256(ledger, target), default_reviewer(settings.reviewer))
        except READ_ERRORS as exc:
            node.post_message(LedgerFailed(error_message(exc, target.location if target else "recording")))
            return
        except ValueError as exc:  # sqlite3 errors are not; a bad verdict is
            node.post_message(LedgerFailed(str(exc)))
            return
        node.post_message(message)

    node.run_worker(run, thread=True, group="ledger", exit_on_error=False)


def start_review(node: DOMNode, settings: Settings, target: Target, verdict: str, note: str) -> None:
    _run(node, settings, target, lambda ledger, rec, sha, who: ReviewRecorded(
        ledger.add_review(sha, rec.cache_key, verdict, note, who)))


def start_bookmark(node: DOMNode, settings: Settings, target: Target, at: float, note: str) -> None:
    def work(ledger: Ledger, rec: Recording, sha: str, who: str) -> BookmarksLoaded:
        added = ledger.add_bookmark(sha, rec.cache_key, at, note, who)
        return BookmarksLoaded(ledger.bookmarks(sha), added)

    _run(node, settings, target, work)


def load_bookmarks(node: DOMNode, settings: Settings, target: Target) -> None:
    _run(node, settings, target, lambda ledger, rec, sha, who: BookmarksLoaded(ledger.bookmarks(sha)))


def load_status(node: DOMNode, settings: Settings, target: Target) -> None:
    """The recording's review as the ledger knows it (ReviewStatusLoaded); without a ledger
    file none is made (nor the recording hashed): it is unreviewed."""
    if not ledger_path(settings.reviews_db).is_file():
        node.post_message(ReviewStatusLoaded(ReviewStatus(None)))
        return
    _run(node, settings, target, lambda ledger, rec, sha, who: ReviewStatusLoaded(ledger.status(sha, rec.cache_key)))


def load_reviews(node: DOMNode, settings: Settings, recordings: list[RecordingSummary]) -> None:
    """The review statuses of *recordings* (ReviewsLoaded), as `ls` finds them; hashing
    what may have been reviewed reads files, so in a worker."""
    from ..reviews import review_statuses

    def run() -> None:
        try:
            statuses = review_statuses(recordings, ledger_path(settings.reviews_db))
        except (OSError, sqlite3.Error) as exc:
            node.post_message(LedgerFailed(f"Review ledger: {exc}"))
            return
        node.post_message(ReviewsLoaded(statuses))

    node.run_worker(run, thread=True, group="review-marks", exit_on_error=False)


def tell_reviewed(node: DOMNode, message: ReviewRecorded) -> None:
    """The toast of a review recorded (player and browser)."""
    from .toast import toast

    toast(node, f"Reviewed: {message.review.verdict} ({message.review.reviewer})", title="Review", timeout=5)


def tell_failed(node: DOMNode, message: LedgerFailed) -> None:
    from .toast import toast

    toast(node, message.error, severity="error", timeout=8)
