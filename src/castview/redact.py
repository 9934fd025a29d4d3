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
a secret typed one by one are masked from the first, before the whole secret shows; it
follows its line when the line scrolls to another row, so the rest of a secret that
wrapped stays masked once its first row scrolled off (or was erased), and a match
wrapping from rows an event scrolled off into the frame is searched with them.

Lines leave the clip's screen as they left the original's (scrolled off, cleared, left
by a line feed, on a screen switched from; castview.redact_moves), rows are written as
far as the original's (a resize reflows them alike), and every output event of the
original is one of the clip, at its time, though it changed nothing shown (a transcript
takes a full-screen app's screen once no event came for a while): so the clip's
transcript is the original's, masked. Input events are dropped (a transcript of a
recording holding input may take such a screen at other times), marker labels and header
string values (and keys but the format's field names) are masked, the title is not
written. Then ``find_leak`` reads the written clip back -- every line (json_leak: all
but castview's own record, times and codes), every frame it shows and every row leaving
its screen or on a screen switched from, and a long piece of a --redact text on either
side of a wrap (wrap_leak) -- and the command deletes the clip if anything still matches
(fail closed). The clip's header records each
redaction as its kind, a count (frames, labels and header fields it matched in) and a
salted scrypt hash of the pattern (``pattern_hash``), never the pattern.
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

from .cast.model import INPUT, MARKER, OUTPUT, RESIZE, Header, parse_size
from .clip import CLIP_KEY, Source, clip_header, clip_time, event_line, events_after, header_line, size_data
from .formatting import clock
from .redact_moves import Move, Moves, Shown, replay_moves, settle
from .term.keyframes import apply, onlcr
from .term.observer import ScreenObserver, observe
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
    text: str = ""  # a --redact text, composed (its pieces are looked for at wraps: wrap_leak)


@dataclass
class Redactor:
    """The patterns to mask, and how often each matched."""

    patterns: tuple[Pattern, ...]
    counts: list[int] = field(default_factory=list)
    salts: list[bytes] = field(default_factory=list)
    raw_seen: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.patterns)
        self.salts = [os.urandom(16) for _ in self.patterns]
        self.raw_seen = [False] * len(self.patterns)

    @classmethod
    def of(cls, texts: Sequence[str], regexes: Sequence[str]) -> Redactor:
        """Raises ValueError for an empty text, a bad regex or one that matches nothing."""
        patterns = []
        for text in texts:
            if (problem := check_redaction(text)) is not None:
                raise ValueError(problem)
            patterns.append(Pattern("text", re.compile(re.escape(_nfc(text))), _nfc(text)))
        for source in regexes:
            try:
                regex = re.compile(source)
            except re.error as exc:
                raise ValueError(f"bad regular expression {source!r}: {exc}") from None
            if regex.fullmatch(""):
                raise ValueError(f"the regular expression {source!r} matches the empty string")
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

    def mask_value(self, value: Any, fields: frozenset[str] = frozenset()) -> Any:
        """A JSON value with every string in it masked, keys too but *fields* (the format's
        own field names, at the top: ``--redact width`` cannot mean the field; ``env``'s
        keys are the session's). Numbers cannot be masked and stay (the read-back fails
        closed on one that matches, naming it)."""
        if isinstance(value, str):
            return self.mask_text(value)
        if isinstance(value, dict):
            for key in fields & value.keys():
                self.note_raw(key)  # kept: "matched nothing" would not be true
            return {k if k in fields else self.mask_text(k): self.mask_value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.mask_value(v) for v in value]
        return value

    def _options(self) -> list[tuple[str, int]]:
        """Each pattern's option by kind and place among that kind's ("--redact #2"),
        never the pattern (which may be the secret), and its index."""
        out = []
        for kind, option in (("text", "--redact"), ("regex", "--redact-regex")):
            mine = [i for i, p in enumerate(self.patterns) if p.kind == kind]
            out += [(f"{option} #{n}", i) for n, i in enumerate(mine, 1)]
        return out

    def unmatched(self) -> list[str]:
        """The options of the patterns that matched nothing so far, anywhere in the
        original's output of the range either (see unshown)."""
        return [option for option, i in self._options() if self.counts[i] == 0 and not self.raw_seen[i]]

    def note_raw(self, text: str) -> None:
        """*text* was in the original's output (a title, an OSC or DCS payload...) or is a
        field name of the format (kept): which patterns it holds, to tell "not on screen"
        from "matched nothing"."""
        for i, pattern in enumerate(self.patterns):
            if not self.raw_seen[i] and pattern.regex.search(text):
                self.raw_seen[i] = True

    def unshown(self) -> list[str]:
        """The options of the patterns that matched nothing shown but are in the
        original's output bytes of the range (a title, a hyperlink's URL...), which the
        clip does not carry, or in the format's field names, which it keeps."""
        return [option for option, i in self._options() if self.counts[i] == 0 and self.raw_seen[i]]

    def records(self) -> list[dict[str, Any]]:
        """What the clip's header says of each redaction: never the pattern itself, but a
        salted scrypt hash of it (KDF_COST: a slow hash, since the salt is published and a
        short secret could otherwise be found by trying every candidate)."""
        return [{"kind": p.kind, "count": n, "salt": salt.hex(), "kdf": "scrypt", **KDF_COST,
                 "hash": pattern_hash(p.regex.pattern, salt).hex()}
                for p, n, salt in zip(self.patterns, self.counts, self.salts, strict=True)]


#: scrypt's cost for the redactions' hashes: 16 MiB and about 50 ms per try on a laptop.
KDF_COST = {"n": 1 << 14, "r": 8, "p": 1}


def pattern_hash(pattern: str, salt: bytes) -> bytes:
    """The salted scrypt hash a clip records of a redaction's pattern (its regex source;
    a --redact text is recorded as its escaped regex, re.escape)."""
    return hashlib.scrypt(pattern.encode("utf-8", "surrogatepass"), salt=salt, maxmem=64 << 20, dklen=32,
                          **KDF_COST)


def check_redaction(text: str) -> str | None:
    """Why *text* cannot be a redaction (``--redact``, the dialog's box), or None: an
    empty or blank one would mask every blank cell and hide the secret nowhere."""
    if not text.strip():
        return "only blanks (it would mask every blank): give the text to hide"
    return None


# ------------------------------------------------------------------------------ frames


@dataclass(frozen=True)
class Frame:
    rows: tuple[Row, ...]
    cursor: tuple[int, int, bool]
    wrapped: tuple[bool, ...] = ()  # which rows run on into the next (a transcript joins them)
    used: tuple[int, ...] = ()  # how far each row was written (a resize reflows by it)
    # the ids of the screen's own row lists: a row scrolled up or down is the same line on
    # another row, and its masked cells stay masked there (spread). Ids, not the lists: a
    # clip's frames would keep every line alive; an id reused by a new line between two
    # frames can only mask more (cells equal to masked ones).
    lines: tuple[int, ...] = ()

    @property
    def size(self) -> tuple[int, int]:
        return len(self.rows[0]), len(self.rows)


def frame_of(term: Terminal, rows_seen: dict[Row, Row]) -> Frame:
    """The screen as shown; equal rows share one tuple (*rows_seen*) to keep frames small."""
    rows = tuple(rows_seen.setdefault(row, row) for row in map(tuple, term.screen.buffer))
    return Frame(rows, term.cursor, tuple(term.screen.wrapped), tuple(term.screen.used),
                 tuple(map(id, term.screen.buffer)))


def matched_cells(frame: Frame, redactor: Redactor, count: bool = False, above: Sequence[Row] = ()) -> set[Cell]:
    """The cells that show part of a match: the frame's text is read row after row,
    after the rows *above* (rows that just left its top: a match wrapping from one of
    them into the frame is found; their cells have negative rows, -1 the last)."""
    text: list[str] = []
    where: list[Cell] = []  # the cell of each character of the text
    for y, row in enumerate((*above, *frame.rows), -len(above)):
        for x, cell in enumerate(row):
            data = _nfc(cell.data)
            text.append(data)
            where += [(x, y)] * len(data)
    cells: set[Cell] = set()
    for start, end in redactor.spans("".join(text), count):
        cells.update(where[start:end])
    for x, y in list(cells):  # a wide character: its second cell too
        row = above[y] if y < 0 else frame.rows[y]
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


def _carried(to: Frame, frm: Frame, mask: set[Cell]) -> set[Cell]:
    """The cells of *mask* (of *frm*) that *to* shows the same: in place, or on the row
    their line moved to (the rest of a match that wrapped from a row since scrolled off
    or erased is still part of it)."""
    if not mask:
        return set()
    out = {c for c in mask if _same(to, frm, c)}
    where = {line: y for y, line in enumerate(frm.lines)}
    moved = {y: where[line] for y, line in enumerate(to.lines) if where.get(line, y) != y}
    if moved:
        back = {old: new for new, old in moved.items()}
        out |= {(x, back[y]) for x, y in mask if y in back and x < len(to.rows[back[y]]) and x < len(frm.rows[y])
                and to.rows[back[y]][x] == frm.rows[y][x]}
    return out


def spread(frames: Sequence[Frame], masks: list[set[Cell]]) -> None:
    """A masked cell stays masked in the frames before and after for as long as it holds
    the same thing (in place, or on the row its line scrolled to). Backwards then forwards
    is a fixed point: a cell masked going forwards came from an equal masked cell in the
    frame before."""
    for i in range(len(frames) - 2, -1, -1):
        masks[i] |= _carried(frames[i], frames[i + 1], masks[i + 1])
    for i in range(1, len(frames)):
        masks[i] |= _carried(frames[i], frames[i - 1], masks[i - 1])


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
    moves = Moves(term)
    observe(term.screen, moves)
    rows_seen: dict[Row, Row] = {}
    frames = [frame_of(term, rows_seen)]
    times = [0.0]
    frame_moves: list[list[Move]] = [[]]  # what each event did to whole lines (redact_moves)
    others: list[tuple[int, float, str, str]] = []  # (frame index, time, code, data): markers, exits
    no_pty = replay.header.no_pty
    for event in events_after(opener, replay, playhead, end):
        t = clip_time(event.time, start)
        if event.code in (OUTPUT, RESIZE):
            if event.code == OUTPUT:
                redactor.note_raw(event.data)
                moves.feed(onlcr(event.data) if no_pty else event.data)
            else:
                apply(term, event, no_pty)
            frames.append(frame_of(term, rows_seen))
            times.append(t)
            taken = moves.take()  # a resize is one in the clip too: its terminal moves its own lines
            frame_moves.append(taken if event.code == OUTPUT else [])
        elif event.code != INPUT:
            data = redactor.mask_text(event.data) if event.code == MARKER else event.data
            others.append((len(frames) - 1, t, event.code, data))
    masks: list[set[Cell]] = []
    gone: list[dict[int, set[int]]] = []  # per frame: the masked columns of each row its event scrolled off
    for frame, taken in zip(frames, frame_moves, strict=True):
        above = [move[1][0] for move in taken if move[0] == "off"]
        cells = matched_cells(frame, redactor, count=True, above=above)
        masks.append({(x, y) for x, y in cells if y >= 0})
        gone.append({id(row): {x for x, y in cells if y == n - len(above)} for n, row in enumerate(above)})
    spread(frames, masks)
    size = frames[0].size
    # a redacted clip draws every frame itself: the header has the size of the first
    header = clip_header(replay, size, start, end, source, version, redactor)
    if header.get("width") == 0:
        header["width"], header["height"] = size
    yield header_line(header)
    shown = Shown(*size)
    pending = iter(others)
    other = next(pending, None)
    rows: list[Row] = []  # the frame before, masked
    for i, (frame, mask, t) in enumerate(zip(frames, masks, times, strict=True)):
        moved = ""
        if frame_moves[i]:
            moved = replay_moves(frame_moves[i], shown, leaving_masker(frames[i - 1].rows, rows, redactor, gone[i]))
        rows = masked_rows(frame, mask)
        resized = frame.size != shown.size
        if resized:
            yield event_line(t, RESIZE, size_data(replay, frame.size))
            shown.term.resize(*frame.size)  # its lines reflow as the original's did
        drawn = settle(shown, 0, rows, frame.wrapped, frame.used)
        # every output event is one in the clip, though it changed nothing shown: a
        # transcript takes a full-screen app's screen once no event came for a while
        if not resized or moved or drawn or frame.cursor != frames[i - 1].cursor:
            yield event_line(t, OUTPUT, moved + drawn + shown.out(redraw(rows, (), frame.cursor)))
        while other is not None and other[0] == i:
            yield event_line(*other[1:])
            other = next(pending, None)


def leaving_masker(before: Sequence[Row], masked_before: Sequence[Row], redactor: Redactor,
                   scrolled: dict[int, set[int]]) -> Callable[[Sequence[Row]], list[Row]]:
    """Masks rows leaving the screen between two frames: a row of the frame before as it
    was masked there (a secret typed one character at a time stays masked), and the cells
    of a match found searching it with the rows leaving with it (a match may wrap from one
    into the next) or, for a row scrolled off, with the frame after (*scrolled*: the masked
    columns by the row's identity, a match wrapping from it into a row still shown)."""
    known = dict(zip(before, masked_before, strict=True))

    def mask(rows: Sequence[Row]) -> list[Row]:
        cells = matched_cells(Frame(tuple(rows), (0, 0, True)), redactor)
        cells |= {(x, y) for y, row in enumerate(rows) for x in scrolled.get(id(row), ())}
        return [masked_rows(Frame((known.get(row, row),), (0, 0, True)), {(x, 0) for x, yy in cells if yy == y})[0]
                for y, row in enumerate(rows)]

    return mask


# ------------------------------------------------------------------------------ checking


#: What castview itself writes in a clip's header (the source's hashes and size, the
#: range typed, the version, the redactions' salts and hashes): derived from no recorded
#: text, and hex or digits a regex for tokens would match. Everything else in a clip or a
#: pack's metadata -- every original header field (numbers too), the source's path or URL,
#: the exact start, the events' data, keys but the format's field names -- is searched.
#: A path's "*" stands for any key or index; a path ending in KEYS names the keys of the
#: object there that are not searched ("*": all of them).
KEYS = "<keys>"
CLIP_OWN = frozenset({("version",), (CLIP_KEY, "source_sha256"), (CLIP_KEY, "source_size"), (CLIP_KEY, "from"),
                      (CLIP_KEY, "to"), (CLIP_KEY, "castview_version"), (CLIP_KEY, "redactions"),
                      (KEYS, *Header.KNOWN_KEYS, CLIP_KEY), (CLIP_KEY, KEYS, "*")})
#: An event's time and code are the format's; its data is the recording's.
EVENT_OWN = frozenset({(0,), (1,)})


def _covered(path: tuple, own: frozenset[tuple]) -> bool:
    return any(len(o) == len(path) and all(a == "*" or a == b for a, b in zip(o, path, strict=True)) for o in own)


def _key_exempt(path: tuple, key: str, own: frozenset[tuple]) -> bool:
    """Whether the key *key* of the object at *path* is the format's (not searched)."""
    for o in own:
        if KEYS in o:
            at = o.index(KEYS)
            names = o[at + 1:]
            if _covered(path, frozenset({o[:at]})) and ("*" in names or key in names):
                return True
    return False


def json_leak(value: Any, redactor: Redactor, own: frozenset[tuple[Any, ...]] = frozenset(),
              written: str | None = None) -> str | None:
    """The field of a JSON value (a clip's line, a pack's metadata) that holds a match, as
    a dotted path ("" for the value as a whole), or None. Strings and keys are searched
    decoded, composed and as JSON writes them; numbers as written; what *own* covers is
    not searched. *written*: the value's text as read (a line of the file): searched
    whole too, with what *own* covers left out, so no byte of it can hold a match (and
    whole if it is not exactly what castview writes)."""
    found = _json_leak(value, redactor, own, ())
    if found is not None:
        return ".".join(map(str, found))
    if written is not None:
        skeleton = _skeleton(value, own, ())
        whole = json.dumps(value, ensure_ascii=False)
        if redactor.spans(skeleton) or (written != whole and redactor.spans(written)):
            return ""
    return None


def _text_leaks(text: str, redactor: Redactor) -> bool:
    return bool(redactor.spans(text) or redactor.spans(_nfc(text))
                or redactor.spans(json.dumps(text, ensure_ascii=False)[1:-1]))


def _json_leak(value: Any, redactor: Redactor, own: frozenset, path: tuple) -> tuple | None:
    if _covered(path, own):
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            if not _key_exempt(path, k, own) and _text_leaks(k, redactor):
                return (*path, k)
            if (found := _json_leak(v, redactor, own, (*path, k))) is not None:
                return found
        return None
    if isinstance(value, list):
        return next((found for i, v in enumerate(value) if (found := _json_leak(v, redactor, own, (*path, i)))),
                    None)
    leaks = _text_leaks(value, redactor) if isinstance(value, str) else bool(redactor.spans(json.dumps(value)))
    return (path or ("",)) if leaks else None


_HIDDEN = "\0"  # stands for what json_leak does not search: JSON text never holds it raw


def _skeleton(value: Any, own: frozenset, path: tuple) -> str:
    """*value* as json.dumps writes it, what *own* covers as _HIDDEN."""
    if _covered(path, own):
        return _HIDDEN
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_HIDDEN if _key_exempt(path, k, own) else json.dumps(k, ensure_ascii=False)}: "
                               f"{_skeleton(v, own, (*path, k))}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_skeleton(v, own, (*path, i)) for i, v in enumerate(value)) + "]"
    return json.dumps(value, ensure_ascii=False)


class _Leaving(ScreenObserver):
    """The rows leaving a screen (scrolled off, erased, switched from) while it is fed:
    shown only between two frames, so a frame's search cannot see them."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.wrapped: list[bool] = []
        self.screen: Any = None

    def scrolled_off(self, row: list[Char], wrapped: bool) -> None:
        self.rows.append(tuple(row))
        self.wrapped.append(wrapped)

    def erasing_rows(self, rows: range) -> None:
        self.rows += [tuple(self.screen.buffer[y]) for y in rows]
        self.wrapped += [self.screen.wrapped[y] for y in rows]

    def entering_alternate(self) -> None:
        self._whole()

    def leaving_alternate(self) -> None:
        self._whole()

    def _whole(self) -> None:
        self.rows += map(tuple, self.screen.buffer)
        self.wrapped += self.screen.wrapped


def find_leak(clip: bytes, redactor: Redactor) -> str | None:
    """Where a written clip still holds a match ("at 0:12.3 on screen", "in the header
    field srcNodeUserID"), or None. Reads every line (json_leak: all but castview's own
    fields, times and codes) and replays every frame, and the rows that leave the screen
    between two frames."""
    lines = clip.decode("utf-8", "replace").splitlines()
    if not lines:
        return None
    header = json.loads(lines[0])
    field = json_leak(header, redactor, CLIP_OWN, lines[0])
    if field is not None:
        return f"in the header field {field}" if field else "in the header"
    cols, rows = header.get("width") or 80, header.get("height") or 24
    term = Terminal(cols, rows)
    leaving = _Leaving()
    leaving.screen = term.screen
    observe(term.screen, leaving)
    rows_seen: dict[Row, Row] = {}
    for line in lines[1:]:
        event = json.loads(line)
        time, code, data = event
        if json_leak(event, redactor, EVENT_OWN, line) is not None:
            return f"at {clock(time)} in the {'output' if code == OUTPUT else 'event'} bytes"
        if code == OUTPUT:
            term.feed(data)
        elif code == RESIZE and (size := parse_size(data, rows_first=header.get("kubernetes") is not None)):
            term.resize(size.cols, size.rows)
        else:
            continue
        frame = frame_of(term, rows_seen)
        if leaving.rows:
            gone = Frame(tuple(leaving.rows), (0, 0, True))
            left = leaving.wrapped
            leaving.rows, leaving.wrapped = [], []
            if matched_cells(gone, redactor) or wrap_leak((*gone.rows, *frame.rows), (*left, *frame.wrapped),
                                                          redactor):
                return f"at {clock(time)} on screen (a row scrolled off, erased or switched from)"
        if matched_cells(frame, redactor) or wrap_leak(frame.rows, frame.wrapped, redactor):
            return f"at {clock(time)} on screen"
    return None


#: The fewest characters of a --redact text, and the least part of it, that wrap_leak
#: takes for a piece of it (a shorter piece is too often ordinary text)
PIECE_CHARS = 6
PIECE_PART = 0.5


def wrap_leak(rows: Sequence[Row], wrapped: Sequence[bool], redactor: Redactor) -> bool:
    """Whether a row that runs on into the next ends with a long piece of a --redact
    text, or the next starts with one: what is left shown of a match that wrapped when
    its other rows scrolled off or were erased (the read-back fails closed on it, the
    search looking for matches whole)."""
    texts = [p.text for p in redactor.patterns if p.text]
    if not texts:
        return False
    for y in range(len(rows) - 1):
        if not wrapped[y]:
            continue
        end = _nfc("".join(cell.data for cell in rows[y]))
        start = _nfc("".join(cell.data for cell in rows[y + 1]))
        for text in texts:
            n = min(len(text), max(PIECE_CHARS, len(text) // 2))
            pieces = {text[i:i + n] for i in range(len(text) - n + 1)}
            if end[-n:] in pieces or start[:n] in pieces:
                return True
    return False
