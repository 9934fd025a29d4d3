"""A clip: part of a recording as a recording of its own (asciicast v2).

The clip keeps the original header (every field, Tailscale's too, numbers as written:
``srcNodeUserID`` is an integer beyond a float's precision) but for the size, which is the
terminal's at the clip's start, and the start, which is the original's exact start plus
``start``: ``timestamp`` in whole seconds (asciicast v2) and ``castview_clip.start`` exact
(RFC3339Nano, preferred when it agrees with ``timestamp``, like a tsrecorder file name).
The ``castview_clip`` object also says where the clip came from. Its first event is
output that rebuilds the whole terminal state at ``start`` (``term.synthesize``: both
screens, cursor, pen, scroll region, charsets, modes, tab stops, saved cursor...); then
come the original events after ``start`` up to ``end``, markers and resizes included,
their times less ``start``. Replaying the clip to any time t therefore gives the original's terminal at ``start + t``.

With redaction (``castview.redact``) nothing of the original output is copied: the clip
is drawn again from the original's frames with the matches masked.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, BinaryIO

from .cast.model import OUTPUT, RESIZE, Event, Header, parse_size
from .cast.reader import EventScanner
from .sources.layout import format_ns, parse_rfc3339nano

if TYPE_CHECKING:
    from .redact import Redactor
    from .term.keyframes import Playhead, Replay

CLIP_KEY = "castview_clip"
NS = 1_000_000_000
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Source:
    """What a clip says of the recording it was cut from."""

    location: str
    sha256: str
    size: int
    start_ns: int | None = None
    """The original's exact start (RecordingSummary.start_ns); None: the clip keeps its header's."""

    def record(self, redactor: Redactor | None = None) -> dict[str, Any]:
        """What a clip or pack says of its source; the path masked like the clip (a file
        can be named after what it holds)."""
        location = self.location if redactor is None else redactor.mask_text(self.location)
        return {"source": location, "source_sha256": self.sha256, "source_size": self.size}


def sha256_of(opener: Callable[[], BinaryIO]) -> tuple[str, int]:
    """The SHA-256 (hex) and size of the bytes a fresh file from *opener* holds."""
    digest = hashlib.sha256()
    size = 0
    with opener() as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def clip_range(replay: Replay, start: float, end: float) -> tuple[float, float]:
    """*start* and *end* within the recording (``end`` may be inf: the end). Raises
    ValueError for an empty or reversed range. The index must be built."""
    duration = replay.duration
    end = min(end, duration)
    if not math.isfinite(start) or start > duration:
        raise ValueError(f"--from {start:g} s is past the end of the recording ({duration:g} s)")
    if end < start:
        raise ValueError(f"--to ({end:g} s) is before --from ({start:g} s)")
    return start, end


def clip_header(replay: Replay, size: tuple[int, int], start: float, end: float, source: Source,
                version: str, redactor: Redactor | None = None) -> dict[str, Any]:
    """The clip's header: the original's fields, v2 shape, the size at *start*."""
    header = {k: v for k, v in replay.header.raw.items() if k not in ("version", "term", CLIP_KEY)}
    if replay.header.version == 3:  # v3 keeps the size and TERM in "term"
        term_type = replay.header.term_type
        if term_type and not isinstance(header.get("env"), dict):
            header["env"] = {"TERM": term_type}
    if not replay.header.no_pty:  # a PTY-less session keeps its 0x0 (bare LF line ends)
        header["width"], header["height"] = size
    if "duration" in header:
        header["duration"] = exact(end - start)
    if redactor is not None:
        header = redactor.mask_value(header, frozenset(Header.KNOWN_KEYS))
    clip = {**source.record(redactor), "from": exact(start), "to": exact(end), "castview_version": version}
    if source.start_ns is not None:
        begins = source.start_ns + round(Decimal(repr(start)) * NS)
        header["timestamp"] = begins // NS
        clip["start"] = format_ns(begins) if redactor is None else redactor.mask_text(format_ns(begins))
    if redactor is not None:
        clip["redactions"] = redactor.records()
    return {"version": 2, **header, CLIP_KEY: clip}


def clip_start_ns(header: Any) -> int | None:
    """A clip's exact start (``castview_clip.start``) when it agrees with the header's
    ``timestamp`` to the second; None for a recording that is not such a clip."""
    clip = header.raw.get(CLIP_KEY)
    text = clip.get("start") if isinstance(clip, dict) else None
    ns = parse_rfc3339nano(text) if isinstance(text, str) else None
    if ns is None or header.timestamp is None or ns // NS != header.timestamp:
        return None
    return ns


def exact(seconds: float) -> float:
    """*seconds* to the nanosecond (tsrecorder's precision), so JSON writes the shortest
    decimal: 3.3, not the 3.3000000000000003 a time's arithmetic can give."""
    return round(seconds, 9)


def clip_time(time: float, start: float) -> float:
    """An original time on the clip's timeline. Rounded to the nanosecond (tsrecorder's
    precision) so that the subtraction writes 0.091419323, not 0.09141932300000022."""
    return exact(time - start)


def event_line(time: float, code: str, data: str) -> str:
    return json.dumps([time, code, data], ensure_ascii=False)


def header_line(header: dict[str, Any]) -> str:
    return json.dumps(header, ensure_ascii=False)


def events_after(opener: Callable[[], BinaryIO], replay: Replay, playhead: Playhead, end: float) -> Iterator[Event]:
    """The events after *playhead* up to time *end*, in order (*opener*: the recording's)."""
    with opener() as f:
        for located in EventScanner(f, replay.head, start=playhead.state):
            if located.event.time > end:
                return
            yield located.event


def clip_lines(opener: Callable[[], BinaryIO], replay: Replay, start: float, end: float, source: Source,
               version: str) -> Iterator[str]:
    """The lines of the clip (no redaction): header, the state at *start*, the events."""
    playhead = replay.seek(start)
    # Here, not at the top: every listing asks clip_start_ns, and the synthesiser (pyte)
    # would cost each `castview ls` a good part of its start.
    from .term.synthesize import rebuild

    size, steps = rebuild(playhead.term)
    header = clip_header(replay, size, start, end, source, version)
    yield header_line(header)
    yield from _opening(replay, size, steps)
    for event in events_after(opener, replay, playhead, end):
        data = event.data
        if event.code == RESIZE and (parsed := parse_size(data)) is not None:
            data = size_data(replay, parsed)  # the reader gave it as COLSxROWS
        yield event_line(clip_time(event.time, start), event.code, data)


def _opening(replay: Replay, size: tuple[int, int], steps: list) -> Iterator[str]:
    """The events at time 0 that rebuild the state: a PTY-less session (0x0 header,
    replayed at the default size) resized first if the terminal is another size then."""
    if replay.header.no_pty and tuple(size) != tuple(replay.header.size):
        yield event_line(0.0, RESIZE, size_data(replay, size))
    for step in steps:
        if isinstance(step, str):
            yield event_line(0.0, OUTPUT, step)
        else:
            yield event_line(0.0, RESIZE, size_data(replay, step))


def size_data(replay: Replay, size: tuple[int, int]) -> str:
    """A resize event's data in the recording's own order (Kubernetes: rows first)."""
    cols, rows = size
    return f"{rows}x{cols}" if replay.header.resize_rows_first else f"{cols}x{rows}"
