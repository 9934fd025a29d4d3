"""What the playback engine tells its consumer: frozen values, made on the engine's thread.

Every notice is complete in itself (a consumer never reads the engine's state): a
`Frame` carries the rows that changed, where the playhead is, and the index and live
state of that moment; the others say what happened (opened, indexed, followed, failed).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from ..cast.model import Problem, Size

if TYPE_CHECKING:
    from ..recording import Recording
    from ..term.keyframes import Replay

R = TypeVar("R")


@dataclass(frozen=True)
class IndexState:
    """What the keyframe index knows so far."""

    events: int
    duration: float
    """The time of the last event indexed."""
    fraction: float
    """Of the file's bytes scanned (1.0 once built)."""
    built: bool
    """The first build is done (a live recording may grow after it)."""
    markers: tuple[tuple[float, str], ...] = ()
    problems: tuple[Problem, ...] = ()
    """The header's and the scan's, in line order."""
    incomplete_line: int | None = None
    """The line number of a half-written last line, once the build reached it."""
    listed_duration: float = 0.0
    """What the listing said (0: nothing), until the index knows better."""

    @property
    def length(self) -> float:
        """The recording's length as best known: what is indexed once built, else at
        least what the listing said."""
        return self.duration if self.built else max(self.duration, self.listed_duration)


@dataclass(frozen=True)
class LiveState:
    """Whether the recording is being written (see castview.follow)."""

    live: bool = False
    """Still growing (the catalog said so, or it grew while open)."""
    finished: bool = False
    """It was live and stopped growing."""
    vanished: bool = False
    """The file was deleted while open (what was read stays usable)."""
    file_size: int | None = None
    """As the follower last saw it (None: not followed)."""


@dataclass(frozen=True)
class Frame(Generic[R]):
    """The terminal at the playhead: `lines` maps each row that changed since the last
    frame (every row when `full`) to what the engine's row renderer made of it."""

    seq: int
    """The last command the engine had taken when it made this frame (see Engine)."""
    position: float
    """On the recording's own timeline."""
    count: int
    """Events applied."""
    cols: int
    rows: int
    lines: Mapping[int, R]
    full: bool
    cursor: tuple[int, int, bool]
    playing: bool
    following: bool
    """At the live edge, showing events as they are written."""
    ended: bool
    """Playback reached the end of a finished recording and stopped."""
    index: IndexState
    live: LiveState


@dataclass(frozen=True)
class Opened:
    """The recording is open; `replay` may be read from any thread (fresh seeks)."""

    recording: Recording
    replay: Replay
    index: IndexState
    live: LiveState


@dataclass(frozen=True)
class OpenFailed:
    error: str


@dataclass(frozen=True)
class IndexChanged:
    """The index grew (a build's progress, or its end: `index.built`)."""

    index: IndexState


@dataclass(frozen=True)
class FactsGathered:
    """A full scan counted what the keyframe index does not keep."""

    output_bytes: int
    resizes: tuple[tuple[float, Size], ...]


@dataclass(frozen=True)
class Followed:
    """The file on view grew, was reloaded, finished, resumed or vanished (`kind`, one of
    castview.follow's update kinds). After OPENED and RELOADED, `replay` is the one to
    read from now on."""

    kind: str
    message: str
    live: LiveState
    index: IndexState
    replay: Replay | None = None


@dataclass(frozen=True)
class MarkerMissing:
    """`seek_marker` found no marker that way (`direction` 1: after, -1: before)."""

    direction: int


@dataclass(frozen=True)
class Failed:
    """Reading the recording failed (playback pauses); `internal`: a bug, not the file."""

    error: str
    internal: bool = False


Notice = Frame | Opened | OpenFailed | IndexChanged | FactsGathered | Followed | MarkerMissing | Failed
