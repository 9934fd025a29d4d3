"""Every message the UI posts: past tense for facts, `...Requested` for requests.

Thread workers talk to the UI only through these (posting a message is thread-safe).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from ..sources.base import RecordingRef
from ..sources.catalog import RecordingSummary

if TYPE_CHECKING:
    from ..nodes.model import NodeName
    from ..playback import Notice
    from ..search import Match, Query, RecordingMatches


# -- browser -----------------------------------------------------------------------------
class RecordingsListed(Message):
    """A source's recordings were listed (nothing read from them yet)."""

    def __init__(self, source: str, refs: list[RecordingRef], errors: list[str]) -> None:
        super().__init__()
        self.source = source
        self.refs = refs
        self.errors = errors


class RecordingsSummarized(Message):
    """A batch of recordings had their header and last line read."""

    def __init__(self, summaries: list[RecordingSummary], done: int, total: int) -> None:
        super().__init__()
        self.summaries = summaries
        self.done = done
        self.total = total


class NodeNamesResolved(Message):
    """Names for node IDs were read from the config and cache, or looked up; `problems`:
    what failed, for one quiet line."""

    def __init__(self, names: dict[str, NodeName], problems: list[str]) -> None:
        super().__init__()
        self.names = names
        self.problems = problems


class SourcesListed(Message):
    """Every source was listed once (the refs the watch compares its first look with)."""

    def __init__(self, refs: list[RecordingRef]) -> None:
        super().__init__()
        self.refs = refs


class RecordingsChanged(Message):
    """The watch saw recordings appear, grow, change or stop growing (`summaries`, read
    again) and others go away (`removed`)."""

    def __init__(self, summaries: list[RecordingSummary], removed: list[RecordingRef]) -> None:
        super().__init__()
        self.summaries = summaries
        self.removed = removed


class WatchFailed(Message):
    """Watching or listing a source again went wrong (the watch goes on where it can)."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class RecordingOpenRequested(Message):
    """The user chose a recording to play; from a search, at a match (highlighted, and
    the player searches the recording for the same query so n/N step on)."""

    def __init__(self, summary: RecordingSummary, match: Match | None = None, query: Query | None = None) -> None:
        super().__init__()
        self.summary = summary
        self.match = match
        self.query = query


class RecordingDamaged(Message):
    """A full read of a recording (the player's index) found problems the listing could
    not see: `summary` is the recording as the browser should now show it (damaged)."""

    def __init__(self, summary: RecordingSummary) -> None:
        super().__init__()
        self.summary = summary


# -- player ------------------------------------------------------------------------------
class PlaybackNotified(Message, bubble=False):
    """The player's engine said something: a frame, the recording opened, indexed,
    followed or failed (`notice`, one of castview.playback.notices)."""

    def __init__(self, notice: Notice) -> None:
        super().__init__()
        self.notice = notice


class SeekRequested(Message):
    """The scrub bar was clicked or dragged to a recording time."""

    def __init__(self, time: float) -> None:
        super().__init__()
        self.time = time


class FrameExported(Message):
    """An export was written to `path`, or (`downloaded`) sent to the browser as `path`."""

    def __init__(self, path: str, fmt: str, downloaded: bool = False) -> None:
        super().__init__()
        self.path = path
        self.fmt = fmt
        self.downloaded = downloaded


class ScreenTextCopied(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ExportFailed(Message):
    """An export or a copy of the screen could not be made; `error` is shown to the user."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


# -- search (the player's `/` and the fleet search screen); only for the screen that ran it
class SearchProgressed(Message, bubble=False):
    """A search moved on: `done` of `total` (bytes indexed in the player, recordings
    searched in the fleet search). `seq` names the search it belongs to."""

    def __init__(self, done: int, total: int, seq: int) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.seq = seq


class RecordingSearched(Message, bubble=False):
    """The player's search finished: every match, by time (`limited`: more were left out)."""

    def __init__(self, matches: list[Match], limited: bool, seq: int) -> None:
        super().__init__()
        self.matches = matches
        self.limited = limited
        self.seq = seq


class RecordingMatchesFound(Message, bubble=False):
    """The fleet search finished one recording (with or without matches, or an error)."""

    def __init__(self, result: RecordingMatches, seq: int) -> None:
        super().__init__()
        self.result = result
        self.seq = seq


class SearchFinished(Message, bubble=False):
    """The fleet search went through every recording."""

    def __init__(self, seq: int, seconds: float) -> None:
        super().__init__()
        self.seq = seq
        self.seconds = seconds


class SearchFailed(Message, bubble=False):
    """A search could not run (a bad pattern, an unreadable recording)."""

    def __init__(self, error: str, seq: int) -> None:
        super().__init__()
        self.error = error
        self.seq = seq
