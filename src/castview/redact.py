"""Redaction: a clip in which no frame shows, and no byte holds, a match of a secret.

Why re-synthesis, not editing bytes: a secret reaches the screen in any number of byte
forms -- typed one character per event, split across events, interleaved with colour
changes or cursor moves, redrawn piecemeal by an editor -- and no edit of the byte stream
can know them all. The rendered frame is the one place where they all look the same. So a
redacted clip copies no output of the original: the original is replayed, every frame
(the screen after each event) is searched, the cells of each match are masked, and the
clip is drawn again from the masked frames (whole changed rows and the cursor, per
event, at the event's time). What is not masked is unchanged frame for frame; the
terminal state a frame does not show (modes, the title, the alternate screen's hidden
main screen) is not carried over.

The search reads a frame as its rows' text joined row after row, so a match that wraps
or runs from one row into the next is found. Masked cells show ``█`` (a wide character
two of them), in the cell's colours. A cell masked in one frame stays masked in the
frames before and after it for as long as it holds the same thing, so the characters of
a secret typed one by one are masked from the first, before the whole secret shows.

Input events are dropped, marker labels and header strings are masked, the title is not
written. Then ``find_leak`` reads the written clip back -- its strings as written and as
decoded, and every frame it shows -- and the command deletes the clip if anything still
matches (fail closed). The clip's header records each redaction as its kind, a count
(frames, labels and header fields it matched in) and a salted SHA-256 of the pattern,
never the pattern.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO

from pyte.screens import Char

from .cast.model import INPUT, MARKER, OUTPUT, RESIZE, parse_size
from .clip import CLIP_KEY, Source, clip_header, clip_time, event_line, events_after, header_line, size_data
from .formatting import clock
from .term.cells import BLANK
from .term.keyframes import apply
from .term.screen import Terminal
from .term.synthesize import redraw

if TYPE_CHECKING:
    from .term.keyframes import Replay

MASK = "\u2588"  # █
Row = tuple[Char, ...]
Cell = tuple[int, int]  # x, y


@dataclass(frozen=True)
class Pattern:
    kind: str  # "text" or "regex"
    regex: re.Pattern[str]


@dataclass
class Redactor:
    """The patterns to mask, and how often each matched."""

    patterns: tuple[Pattern, ...]
    counts: list[int] = field(default_factory=list)
    salts: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.patterns)
        self.salts = [os.urandom(16) for _ in self.patterns]

    @classmethod
    def of(cls, texts: Sequence[str], regexes: Sequence[str]) -> Redactor:
        """Raises ValueError for an empty text, a bad regex or one that matches nothing."""
        patterns = []
        for text in texts:
            if not text:
                raise ValueError("an empty --redact text")
            patterns.append(Pattern("text", re.compile(re.escape(_nfc(text)))))
        for source in regexes:
            try:
                regex = re.compile(source)
            except re.error as exc:
                raise ValueError(f"bad --redact-regex {source!r}: {exc}") from None
            if regex.fullmatch(""):
                raise ValueError(f"--redact-regex {source!r} matches the empty string")
            patterns.append(Pattern("regex", regex))
        return cls(tuple(patterns))

    def spans(self, text: str, count: bool = False) -> list[tuple[int, int]]:
        """The (start, end) of every match of every pattern in *text*."""
        out = []
        for i, pattern in enumerate(self.patterns):
            found = [m.span() for m in pattern.regex.finditer(text) if m.end() > m.start()]
            if found and count:
                self.counts[i] += 1
            out += found
        return out

    def mask_text(self, text: str) -> str:
        """*text* with each character of each match replaced by the mark (counted); a
        text that matches only composed (NFC) is masked composed."""
        spans = self.spans(text, count=True) or self.spans(text := _nfc(text), count=True)
        if not spans:
            return text
        chars = list(text)
        for start, end in spans:
            chars[start:end] = MASK * (end - start)
        return "".join(chars)

    def mask_value(self, value: Any) -> Any:
        """A JSON value with every string in it masked, keys too (``env`` is the session's)."""
        if isinstance(value, str):
            return self.mask_text(value)
        if isinstance(value, dict):
            return {self.mask_text(k): self.mask_value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.mask_value(v) for v in value]
        return value

    def unmatched(self) -> list[str]:
        """The options of the patterns that matched nothing so far, by kind and place
        among that kind's ("--redact #2"): never the pattern, which may be the secret."""
        out = []
        for kind, option in (("text", "--redact"), ("regex", "--redact-regex")):
            mine = [n for p, n in zip(self.patterns, self.counts, strict=True) if p.kind == kind]
            out += [f"{option} #{i}" for i, n in enumerate(mine, 1) if n == 0]
        return out

    def records(self) -> list[dict[str, Any]]:
        """What the clip's header says of each redaction: never the pattern itself."""
        return [{"kind": p.kind, "count": n, "salt": salt.hex(),
                 "sha256": hashlib.sha256(salt + p.regex.pattern.encode("utf-8", "surrogatepass")).hexdigest()}
                for p, n, salt in zip(self.patterns, self.counts, self.salts, strict=True)]


# ------------------------------------------------------------------------------ frames


@dataclass(frozen=True)
class Frame:
    rows: tuple[Row, ...]
    cursor: tuple[int, int, bool]

    @property
    def size(self) -> tuple[int, int]:
        return len(self.rows[0]), len(self.rows)


def frame_of(term: Terminal, rows_seen: dict[Row, Row]) -> Frame:
    """The screen as shown; equal rows share one tuple (*rows_seen*) to keep frames small."""
    rows = tuple(rows_seen.setdefault(row, row) for row in map(tuple, term.screen.buffer))
    return Frame(rows, term.cursor)


def matched_cells(frame: Frame, redactor: Redactor, count: bool = False) -> set[Cell]:
    """The cells that show part of a match: the frame's text is read row after row."""
    text: list[str] = []
    where: list[Cell] = []  # the cell of each character of the text
    for y, row in enumerate(frame.rows):
        for x, cell in enumerate(row):
            data = _nfc(cell.data)
            text.append(data)
            where += [(x, y)] * len(data)
    cells: set[Cell] = set()
    for start, end in redactor.spans("".join(text), count):
        cells.update(where[start:end])
    for x, y in list(cells):  # a wide character: its second cell too
        row = frame.rows[y]
        if x + 1 < len(row) and not row[x + 1].data:
            cells.add((x + 1, y))
    return cells


def _nfc(text: str) -> str:
    """*text* composed: a secret looks the same on screen typed composed (``é``) or
    decomposed (``e`` and U+0301, one cell), so both are searched in one form."""
    return unicodedata.normalize("NFC", text)


def _same(a: Frame, b: Frame, cell: Cell) -> bool:
    x, y = cell
    return y < len(a.rows) and y < len(b.rows) and x < len(a.rows[y]) and x < len(b.rows[y]) \
        and a.rows[y][x] == b.rows[y][x]


def spread(frames: Sequence[Frame], masks: list[set[Cell]]) -> None:
    """A masked cell stays masked in the frames before and after for as long as it holds
    the same thing (in place). Backwards then forwards is a fixed point: a cell masked
    going forwards came from an equal masked cell in the frame before."""
    for i in range(len(frames) - 2, -1, -1):
        masks[i] |= {c for c in masks[i + 1] if _same(frames[i], frames[i + 1], c)}
    for i in range(1, len(frames)):
        masks[i] |= {c for c in masks[i - 1] if _same(frames[i], frames[i - 1], c)}


def masked_rows(frame: Frame, mask: set[Cell]) -> list[Row]:
    rows = list(frame.rows)
    for y in sorted({y for _, y in mask}):
        row = list(rows[y])
        for x, yy in mask:
            if yy == y:
                row[x] = row[x]._replace(data=MASK)
        rows[y] = tuple(row)
    return rows


# ------------------------------------------------------------------------------ the clip


def redacted_clip_lines(opener: Callable[[], BinaryIO], replay: Replay, start: float, end: float, source: Source,
                        version: str, redactor: Redactor) -> Iterator[str]:
    """The lines of a redacted clip (see the module docstring)."""
    playhead = replay.seek(start)
    term = playhead.term
    rows_seen: dict[Row, Row] = {}
    frames = [frame_of(term, rows_seen)]
    times = [0.0]
    others: list[tuple[int, float, str, str]] = []  # (frame index, time, code, data): markers, exits
    no_pty = replay.header.no_pty
    for event in events_after(opener, replay, playhead, end):
        t = clip_time(event.time, start)
        if event.code in (OUTPUT, RESIZE):
            apply(term, event, no_pty)
            frames.append(frame_of(term, rows_seen))
            times.append(t)
        elif event.code != INPUT:
            data = redactor.mask_text(event.data) if event.code == MARKER else event.data
            others.append((len(frames) - 1, t, event.code, data))
    masks = [matched_cells(frame, redactor, count=True) for frame in frames]
    spread(frames, masks)
    size = frames[0].size
    # a redacted clip draws every frame itself: the header has the size of the first
    header = clip_header(replay, size, start, end, source, version, redactor)
    if header.get("width") == 0:
        header["width"], header["height"] = size
    yield header_line(header)
    shown: list[Row] = [tuple([BLANK] * size[0])] * size[1]
    pending = iter(others)
    other = next(pending, None)
    for i, (frame, mask, t) in enumerate(zip(frames, masks, times, strict=True)):
        rows = masked_rows(frame, mask)
        if frame.size != (len(shown[0]), len(shown)):
            yield event_line(t, RESIZE, size_data(replay, frame.size))
            shown = [()] * len(rows)  # whatever the resize left: draw every row
        changed = [y for y, row in enumerate(rows) if row != shown[y]]
        if changed or i == 0 or frame.cursor != frames[i - 1].cursor:
            yield event_line(t, OUTPUT, redraw(rows, changed, frame.cursor))
        shown = rows
        while other is not None and other[0] == i:
            yield event_line(*other[1:])
            other = next(pending, None)


# ------------------------------------------------------------------------------ checking


def find_leak(clip: bytes, redactor: Redactor) -> str | None:
    """Where a written clip still holds a match ("at 0:12.3 on screen", "in the header"),
    or None. Reads its strings (as written and decoded) and replays every frame. The
    digits of its JSON numbers (times, sizes) are not searched: they are the format's."""
    lines = clip.decode("utf-8", "replace").splitlines()
    if not lines:
        return None
    header = json.loads(lines[0])
    clip_info = header.pop(CLIP_KEY, {})
    # of castview's own record only the source's path or URL is not castview's: its
    # hashes, sizes and version are, and a regex for hex tokens or digits matches them
    if _leaks(header, redactor) or _leaks(clip_info.get("source") if isinstance(clip_info, dict) else clip_info,
                                         redactor):
        return "in the header"
    cols, rows = header.get("width") or 80, header.get("height") or 24
    term = Terminal(cols, rows)
    rows_seen: dict[Row, Row] = {}
    for line in lines[1:]:
        time, code, data = json.loads(line)
        if _leaks(data, redactor):
            return f"at {clock(time)} in the {'output' if code == OUTPUT else 'event'} bytes"
        if code == OUTPUT:
            term.feed(data)
        elif code == RESIZE and (size := parse_size(data, rows_first=header.get("kubernetes") is not None)):
            term.resize(size.cols, size.rows)
        else:
            continue
        if matched_cells(frame_of(term, rows_seen), redactor):
            return f"at {clock(time)} on screen"
    return None


def _leaks(value: Any, redactor: Redactor) -> bool:
    """Whether a JSON value holds a match in a key or string, decoded or as JSON writes it."""
    if isinstance(value, str):
        return bool(redactor.spans(value) or redactor.spans(_nfc(value))
                    or redactor.spans(json.dumps(value, ensure_ascii=False)[1:-1]))
    if isinstance(value, dict):
        return any(_leaks(k, redactor) or _leaks(v, redactor) for k, v in value.items())
    if isinstance(value, list):
        return any(_leaks(v, redactor) for v in value)
    return False
