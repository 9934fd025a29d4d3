"""What a person saw: the rendered text of a whole recording, line by line.

A recording is fed through the virtual terminal once while a :class:`TextTracker` follows
every screen line. A *line* is a row of cells with an identity: it keeps it while it
scrolls up, while it is typed on, backspaced over, or redrawn after ``\\r``; it ends when
it scrolls off the top of the screen, is cleared by an erase-in-display (``clear``), is
deleted, or when the recording ends. The tracker reports three things:

* **transcript lines** (:class:`TranscriptLine`): every main-screen line once, in its final
  form, in the order lines leave the screen, then the final screen top to bottom.
  Soft-wrapped rows are joined into one line, up to LINE_LIMIT characters: a longer one
  (a megabyte of output without a line feed) is written out as several lines, each ending
  at the end of a row, so no transcript line is longer than LINE_LIMIT (or one row). A
  command typed with corrections appears as it was finally shown; a ``\\r`` progress bar
  once, as it last read. The time of a line is when it reached its final form (its last
  character changed).
* **alternate-screen frames**: a full-screen app (vim, less, htop...) is summarised by its
  screen each time it changed substantially (at least half of its text differs from the
  frame before, judged only where the screen rested for ``SETTLE`` seconds) and by its
  last screen before it exited. The main screen lines up to the cursor are written out
  when the app starts, so `vim notes.txt` comes before vim's screens.
* **line versions** (:class:`LineVersion`) for search: every form of a line that was
  destroyed (a typo erased, a progress bar or a vim row redrawn) and every final form,
  with the time each character got its value, so a search reports when an occurrence
  first appeared, and keeps it as one match while it stays on screen.

The commit rule for main-screen lines, precisely: a line is committed when it leaves the
screen -- by scrolling off the top (the screen's observer hook tells, so lines that
scroll past inside one event are not lost), by an erase-in-display that clears it
(ED 2 clears the cursor's line too; ED 0/1 only the lines below/above it), or by being
deleted -- or at the end. Until then every change to it (typing, backspace, ``\\r``,
erase-in-line, cursor-up redraws) revises it in place. The trailing blank lines of a
cleared or final screen are not written. A line written out when a full-screen app
started is not written again unless it changed.

Output a string sequence swallowed (see ``castview.hidden``) is written as HIDDEN lines,
a block per string, rendered on a side terminal of the screen's size; after
HIDDEN_BLOCKS such strings, the output of the later ones goes on, in one more block, on
one shared side terminal (its lines written as they leave that screen), so a recording
of thousands of tiny strings costs their text, not thousands of screens.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import compress, zip_longest
from operator import ne
from typing import Any, BinaryIO, NamedTuple

from .cast.model import OUTPUT, Event, Problem
from .cast.reader import CastHead, EventScanner, read_head
from .formatting import exact_clock
from .hidden import Anomaly, StringWatch, Unstring
from .term.cells import data_of
from .term.keyframes import Opener, apply, onlcr
from .term.observer import ScreenObserver, observe
from .term.render import clean_cell
from .term.screen import Char, Terminal

MAIN = "main"
ALTERNATE = "alternate"
HIDDEN = "hidden"
"""Text a string sequence swallowed (see ``castview.hidden``): never on the screen."""

SETTLE = 0.05
"""Seconds without output after which a full-screen app's screen counts as shown."""
FRAME_CHANGE = 0.5
"""Fraction of a full-screen app's text that must change for a new frame."""
LINE_LIMIT = 64 * 1024
"""Characters of one transcript line at most: a longer line (soft-wrapped over many rows)
is written out as several, each ending at a row's end."""
PROGRESS_EVERY = 256  # events between progress reports and cancellation checks
HIDDEN_BATCH = 1000  # lines of hidden output kept to be written out together
MOVES_KEPT = 64  # moves of a line kept before the ones too old to matter are dropped
HIDDEN_BLOCKS = 64
"""Strings whose hidden output is rendered on a side terminal of its own, as a block of
its own. A side terminal costs a screen (up to 1000x500 cells) whatever the string held,
so the output of later strings goes on one more, shared, as a single block: thousands of
strings of a few bytes cost the text they hold, not thousands of screens."""
_new = tuple.__new__  # a NamedTuple made without its Python-level __new__ (all fields given)
# sequences that can move the cursor up (onto a wrapped row, before a line feed)
_UPWARD = re.compile(r"\x1b(?:\[[0-9;?]*[AFHfdu]|[M8])")


class TranscriptLine(NamedTuple):
    """One line of a transcript."""

    time: float
    """Seconds into the recording when the line reached this form."""
    text: str
    """The rendered text: no control characters, trailing spaces removed."""
    screen: str = MAIN
    """MAIN, ALTERNATE for a row of a full-screen app's frame, or HIDDEN for a line of
    output a string sequence swallowed."""
    frame: int = -1
    """For ALTERNATE rows: the frame's number (0, 1, ... in the recording); for HIDDEN
    lines: the number of the string that swallowed them (its ``hidden.Anomaly``)."""
    row: int = -1
    """For ALTERNATE rows: the row in the frame."""


class LineVersion(NamedTuple):
    """One form of one screen line, as the search index stores it."""

    line: int
    """The line's identity (unique in the recording)."""
    screen: str
    row: int
    """The screen row the line was on when it last changed."""
    time: float
    """When it reached this form: the time of its latest character."""
    until: float | None
    """When this form was replaced or left the screen; None if still shown at the end."""
    shown: bool
    """Whether this exact form was on screen between two events (else it flashed by
    inside one event, e.g. a line of a long `cat` scrolled past)."""
    text: str
    runs: tuple[tuple[int, float], ...] | None
    """(first character index, time) for each run of characters that appeared at one
    time; None when every character has `time`."""
    cols: tuple[int, ...] | None
    """Screen column of each character, plus the column after the last one; None when
    the text is one column per character."""
    rows: tuple[tuple[float, int], ...] | None = None
    """(time, row) for each move of the line while its characters appeared (it scrolled);
    None when it stayed on `row`."""

    def row_at(self, t: float) -> int:
        """The screen row the line was on after the events up to time t."""
        if self.rows is None:
            return self.row
        k = bisect_right(self.rows, t, key=lambda m: m[0]) - 1
        return self.rows[max(k, 0)][1]

    def char_time(self, start: int, end: int) -> float:
        """When characters start..end-1 had all appeared."""
        if self.runs is None:
            return self.time
        best = 0.0
        runs = self.runs
        for k, (i, t) in enumerate(runs):
            nxt = runs[k + 1][0] if k + 1 < len(runs) else len(self.text)
            if nxt > start and i < end and t > best:
                best = t
        return best

    def col(self, index: int) -> int:
        """Screen column of character `index` (len(text): the column after the text)."""
        if self.cols is None:
            return index
        return self.cols[min(index, len(self.cols) - 1)]

    def col_end(self, end: int) -> int:
        """The column after a match ending before character `end`."""
        if self.cols is None or end <= 0:
            return end
        cols = self.cols
        last = cols[end - 1]
        k = end
        while k < len(cols) - 1 and cols[k] == last:
            k += 1
        return cols[k] if cols[k] > last else last + 1


def feed_lines(term: Terminal, data: str, line_fed: Callable[[int, list[Char]], None]) -> None:
    """Feed output to *term* as TextTracker does: line by line when a line feed may leave
    a wrapped row (the cursor is on one, or the output can move it up: readline moves
    back up onto a wrapped row and then feeds a line), telling *line_fed* the row
    (its index, its cells) each line feed made on a wrapped row left: that row no longer
    runs on into the next one in the transcript."""
    s = term.screen
    if not ("\n" in data and s.alt_saved is None and (s.wrapped[s.cursor.y] or _UPWARD.search(data))):
        term.feed(data)
        return
    parts = data.split("\n")
    for part in parts[:-1]:
        if part:
            term.feed(part)
        y = s.cursor.y
        obj = s.buffer[y]
        was = s.wrapped[y]
        term.feed("\n")
        if was and (s.cursor.y != y or s.buffer[y] is not obj):
            line_fed(y, obj)
    if parts[-1]:
        term.feed(parts[-1])


# --------------------------------------------------------------------------- text of rows

def _cells(row: list[Char]) -> str | list[str]:
    """The texts of a row's cells: as one string when every cell holds one ASCII
    character (most rows: compared, sliced and scanned at C speed), else as a list."""
    joined = "".join(map(data_of, row))
    if len(joined) == len(row) and joined.isascii():
        return joined
    return list(map(data_of, row))


def _end(cells: str | list[str]) -> int:
    """Index after the last cell that is not blank (a space or a wide char's padding)."""
    if type(cells) is str:
        return len(cells.rstrip(" "))
    joined = "".join(cells)
    if len(joined) == len(cells):  # one character per cell (the usual case)
        return len(joined.rstrip(" "))
    x = len(cells)
    while x and cells[x - 1] in (" ", ""):
        x -= 1
    return x


def _row_text(cells: str | list[str], end: int, full: bool = False) -> tuple[str, list[int] | None]:
    """The cleaned text of cells[:end] (all cells if `full`) and the column of each
    character plus the column after the text (None when characters are columns)."""
    if type(cells) is str:  # one ASCII character per cell (see _cells)
        return (cells if full else cells[:end]), None
    if full:
        end = len(cells)
    part = cells[:end]
    text = "".join(part)
    if len(text) == end and text.isascii() and (end == len(cells) or cells[end] != ""):
        return text, None
    out: list[str] = []
    cols: list[int] = []
    identity = True
    for x, data in enumerate(part):
        if not data:
            identity = False
            continue
        if len(data) != 1 or not data.isascii():
            data = clean_cell(data)
            if len(data) != 1:
                identity = False
        out.append(data)
        cols.extend([x] * len(data))
    if identity and (end == len(cells) or cells[end] != ""):
        return "".join(out), None  # e.g. box drawing: one character per column
    if full or not cols:
        cols.append(end)
    else:
        x = cols[-1]
        cols.append(x + 2 if x + 1 < len(cells) and cells[x + 1] == "" else x + 1)
    return "".join(out), cols


def _xor(a: str, b: str) -> int:
    """Two ASCII strings of one length as one big integer each, XORed: a byte of it is
    zero where they hold the same character (C speed, where a loop over them is not)."""
    return int.from_bytes(a.encode(), "big") ^ int.from_bytes(b.encode(), "big")


def _differing(a: str, b: str) -> tuple[int, int]:
    """The span from the first to the last character that differ in two different ASCII
    strings of one length."""
    x = _xor(a, b)
    n = len(a)
    return n - (x.bit_length() + 7) // 8, n - ((x & -x).bit_length() - 1) // 8


def _count_differing(a: str, b: str) -> int:
    """How many characters differ in two strings of one length."""
    if a.isascii() and b.isascii():
        n = len(a)
        return n - _xor(a, b).to_bytes(n, "big").count(0)
    return sum(map(ne, a, b))


def _runs(times: list[float]) -> tuple[float, tuple[tuple[int, float], ...] | None]:
    if not times:
        return 0.0, None
    first = times[0]
    latest = max(times)
    if latest == first and times.count(first) == len(times):
        return first, None
    starts = compress(range(1, len(times)), map(ne, times[1:], times))  # where the time changes
    return latest, ((0, first), *[(i, times[i]) for i in starts])


# --------------------------------------------------------------------------- the tracker

class _Line:
    # What a line starts with is a class attribute, not set per line: a scrolling
    # output makes a line per row (no __slots__, so that these defaults can be).
    trim_at = MOVES_KEPT  # moves after which those too old to matter are dropped
    uniform = True  # every cell still has the time the line was created
    wrapped = False
    seen = False
    emitted: str | None = None  # text written out when a full-screen app started
    last_text: str | None = None  # the last version stored, to skip redundant ones
    last_times: list[float] | None = None
    shown_of: str | list[str] | None = None  # the data and end `shown` is the text of
    shown_end = 0
    shown: tuple[str, list[int] | None] = ("", None)

    def __init__(self, obj: list[Char], lid: int, alt: bool, row: int, now: float, like: _Line | None = None) -> None:
        self.obj = obj
        if like is not None and obj == like.copy:
            # the same cells as the line just made (the blank rows of a new screen): share
            # what is only ever replaced, never changed in place
            self.copy, self.data, self.end = like.copy, like.data, like.end
        else:
            self.copy = obj[:]
            self.data = data = _cells(obj)
            self.end = _end(data)
        self.times = [now] * len(obj)
        self.lid = lid
        self.alt = alt
        self.row = self.row0 = row
        self.moves: list[tuple[float, int]] = [(now, row)]  # (time, row it is on from then)

    def text(self) -> tuple[str, list[int] | None]:
        """_row_text of the cells up to `end`, kept until the data changes (a changed row is
        written out as a version and summarised as a frame row: one computation for both)."""
        if self.shown_of is not self.data or self.shown_end != self.end:
            self.shown = _row_text(self.data, self.end)
            self.shown_of, self.shown_end = self.data, self.end
        return self.shown


def _trim_moves(ln: _Line) -> None:
    """Drop the moves of a line too old to matter: only those after its oldest character can."""
    moves = ln.moves
    oldest = min(ln.times)
    keep = max(0, bisect_right(moves, oldest, key=lambda m: m[0]) - 1)
    del moves[:keep]
    # Those left all matter: look again when they have doubled, not at every move
    # (a line scrolling up a tall screen would scan its cells at each row).
    ln.trim_at = max(MOVES_KEPT, 2 * len(moves))


class TextTracker(ScreenObserver):
    """Follows the lines of one Terminal while events are fed through :meth:`feed`.

    `on_line` receives transcript lines, `on_version` line versions (either may be None).
    With both, `on_written` (if given) is called instead of them for a main-screen line that
    left the screen as it was written, in one piece (most lines of a scrolling output):
    ``on_written(line, row, time, until, shown, text, cols)`` stands for
    ``on_version(LineVersion(line, MAIN, row, time, until, shown, text, None, cols))`` then
    ``on_line(TranscriptLine(time, text))``, without making either.
    Call :meth:`finish` after the last event. The tracker is the observer of the
    terminal's screen (``term.observer.observe``), beside any other: use a Terminal that
    only this tracker feeds.

    Output that string sequences swallowed (see ``castview.hidden``) is rendered on a
    side terminal and reported as HIDDEN lines and versions (unless `recover` is False);
    :attr:`anomalies` lists those strings.
    """

    def __init__(self, term: Terminal, on_line: Callable[[TranscriptLine], None] | None = None,
                 on_version: Callable[[LineVersion], None] | None = None, *, onlcr: bool = False,
                 settle: float = SETTLE, recover: bool = True, ids: Iterator[int] | None = None,
                 on_written: Callable[[int, int, float, float, bool, str, tuple[int, ...] | None], None]
                 | None = None) -> None:
        self.term = term
        self._screen = term.screen
        self._on_line = on_line
        self._on_version = on_version
        self._on_written = on_written if on_line is not None and on_version is not None else None
        self._onlcr = onlcr
        self.settle = settle
        self.now = 0.0
        self._ids = ids if ids is not None else itertools.count()  # line identities
        self._watch = StringWatch(self._hidden_text if recover else None)
        self._more_hidden: _HiddenText | None = None  # the shared side terminal (HIDDEN_BLOCKS)
        if term.open_string is not None:
            self._watch.string_started(term.open_string)
        self._main: dict[int, _Line] = {}
        self._alt: dict[int, _Line] = {}
        # the wrapped rows of a line waiting for its continuation: their texts, the sum of
        # their lengths, the latest time
        self._stash: list[str] = []
        self._stash_len = 0
        self._stash_time = 0.0
        self._stash_lid: int | None = None  # the line whose row was stashed last
        self.writing: int | None = None
        """While on_line runs: the identity of the main-screen line written (of its last
        row), else None (a frame's row, hidden output, a row that scrolled past at once)."""
        self._last_time = 0.0
        # rows left by an explicit line feed: their wrapped flag no longer joins them to the
        # next row (readline moves back up onto a wrapped row and then feeds a line)
        self._hard: dict[int, list[Char]] = {}
        # full-screen frames
        self.frames = 0
        self._alt_text: list[str] = []
        self._alt_changed = 0.0
        self._settled: tuple[tuple[str, ...], float] | None = None
        self._frame_ref: tuple[str, ...] | None = None
        self._last_frame: tuple[str, ...] | None = None
        s = term.screen
        observe(s, self)
        if s.alt_saved is not None:
            self._enter_alt()
        self._sync(boundary=True)

    # -- feeding --------------------------------------------------------------------------
    def feed(self, event: Event) -> None:
        """Apply one event to the terminal and note what changed."""
        if self._alt_text and event.time - self.now >= self.settle:
            self._settle()
        self.now = self._watch.now = event.time
        if event.code == OUTPUT:
            data = onlcr(event.data) if self._onlcr else event.data
            feed_lines(self.term, data, self._line_fed)
        else:
            apply(self.term, event)
        self._sync(boundary=True)

    def _line_fed(self, y: int, obj: list[Char]) -> None:
        self._hard[id(obj)] = obj

    def finish(self) -> None:
        """The recording ended: write out the final screen and the last versions."""
        s = self.term.screen
        self._sync(boundary=True)
        if s.alt_saved is not None:
            self._leave_alt(tuple(self._alt_text), final=True)
            main_rows = s.alt_saved[0]
        else:
            main_rows = s.buffer
        lines = [self._main.pop(id(obj)) for obj in main_rows if id(obj) in self._main]
        for ln in self._main.values():  # not on screen any more (cannot happen, but never lose one)
            lines.append(ln)
        self._main.clear()
        self._retire_all(lines, commit=True, until=None)
        self._flush()
        self._watch.finish()
        if self._more_hidden is not None:
            self._more_hidden.end()

    def write_out(self, partial: bool = False) -> None:
        """Write out now the main-screen lines the cursor has left (the rows above the
        cursor's line), as `tail -f` shows lines once their newline is written; with
        `partial` (the recording went quiet), the cursor's line too, and a full-screen
        app's screen as it is. A line written out here is not written again when it
        leaves the screen, unless it changed meanwhile (then its new form is)."""
        s = self.term.screen
        self._sync(boundary=True)
        if s.alt_saved is not None:
            if partial and self._alt_text:
                self._emit_frame(tuple(self._alt_text), self._alt_changed)
        else:
            end = s.cursor.y + 1 if partial else s.cursor.y
            while not partial and end and s.wrapped[end - 1] and id(s.buffer[end - 1]) not in self._hard:
                end -= 1  # a soft-wrapped row above belongs to the cursor's line, not finished yet
            self._write_rows(s.buffer[:end])
        # a string left open swallows what follows (ESC P, then the session goes on): a
        # live transcript must not wait for its end, which may never come, to show it
        if partial and isinstance(hidden := self._watch.reader, _HiddenText):
            hidden.write_out()

    @property
    def cursor_line(self) -> int | None:
        """The identity of the main-screen line the cursor is on (see :attr:`writing`)."""
        s = self.term.screen
        if s.alt_saved is not None:
            return None
        ln = self._main.get(id(s.buffer[s.cursor.y]))
        return ln.lid if ln is not None else None

    @property
    def anomalies(self) -> list[Anomaly]:
        """The string sequences that swallowed output so far (all of them after finish)."""
        return self._watch.anomalies

    # -- observing ------------------------------------------------------------------------
    def _lines(self) -> dict[int, _Line]:
        return self._alt if self.term.screen.alt_saved is not None else self._main

    def _sync(self, boundary: bool) -> None:  # noqa: C901  (one pass over the rows, a case per way a row moves)
        """Compare the changed rows of the shown screen with the lines tracked."""
        s = self.term.screen
        dirty = s.dirty
        if not dirty:
            return
        alt = s.alt_saved is not None
        lines = self._alt if alt else self._main
        buf, wrapped = s.buffer, s.wrapped
        rows = len(buf)
        # The rows are distinct objects: no line tracked has left the screen when every row
        # holds one and so does each row replaced or moved (output on a row or two of a tall
        # screen then costs those rows), or when as many rows as lines hold one (one count
        # over the rows, at C speed: a scrolled screen would otherwise cost a set of its rows).
        if (len(dirty) < rows and len(lines) == rows and all(id(buf[y]) in lines for y in dirty if y < rows)) \
                or len(lines) == sum(map(lines.__contains__, map(id, buf))):
            vanished = []
        else:
            present = {id(obj) for obj in buf}
            vanished = [ln for key, ln in lines.items() if key not in present]
            for ln in vanished:
                del lines[id(ln.obj)]
        fresh: list[tuple[int, list[Char]]] = []
        now = self.now
        for y in sorted(dirty):
            if y >= rows:
                continue
            obj = buf[y]
            ln = lines.get(id(obj))
            if ln is None:
                fresh.append((y, obj))
            else:  # _observe and _move, inline: this runs for every row of a screen that scrolled
                if y != ln.row:
                    ln.row = y
                    moves = ln.moves
                    if moves[-1][0] == now:
                        moves[-1] = (now, y)
                    else:
                        moves.append((now, y))
                        if len(moves) > ln.trim_at:
                            _trim_moves(ln)
                ln.wrapped = wrapped[y]
                if obj != ln.copy:
                    self._changed(ln, obj)
                if boundary:
                    ln.seen = True
        if vanished:
            vanished.sort(key=lambda ln: ln.row)
            if fresh:
                # a resize reflowed rows into new objects: same text, same line
                by_text: dict[tuple[str, ...], list[_Line]] = {}
                for ln in vanished:
                    by_text.setdefault(tuple(ln.data[:ln.end]), []).append(ln)
                unmatched = []
                kept: set[int] = set()
                for y, obj in fresh:
                    cells = list(map(data_of, obj))
                    end = _end(cells)
                    same = by_text.get(tuple(cells[:end])) if end else None
                    if same:
                        ln = same.pop(0)
                        kept.add(ln.lid)
                        ln.obj, ln.copy, ln.wrapped = obj, obj[:], wrapped[y]
                        self._move(ln, y)
                        n = len(cells)
                        ln.times = (ln.times + [self.now] * n)[:n]
                        ln.uniform = False
                        ln.data, ln.end = cells, end
                        ln.seen = ln.seen and boundary
                        lines[id(obj)] = ln
                    else:
                        unmatched.append((y, obj))
                fresh = unmatched
                vanished = [ln for ln in vanished if ln.lid not in kept]
            self._retire_all(vanished, commit=not alt, until=self.now)
        made: _Line | None = None
        for y, obj in fresh:
            made = _Line(obj, next(self._ids), alt, y, self.now, made)
            made.wrapped = wrapped[y]
            made.seen = boundary
            lines[id(obj)] = made
        if alt:
            texts = self._alt_text
            if len(texts) != rows:
                del texts[rows:]
                texts.extend([""] * (rows - len(texts)))
            changed = False
            for y in dirty:
                if y < rows:
                    ln = lines.get(id(buf[y]))
                    text = ln.text()[0] if ln is not None else ""
                    if texts[y] != text:
                        texts[y] = text
                        changed = True
            if changed:
                self._alt_changed = self.now
        dirty.clear()

    def _observe(self, ln: _Line, obj: list[Char], y: int, wrapped: bool) -> None:
        """Bring a line up to date with its row's cells; keep a destroyed form."""
        if y != ln.row:
            self._move(ln, y)
        ln.wrapped = wrapped
        if obj != ln.copy:
            self._changed(ln, obj)

    def _changed(self, ln: _Line, obj: list[Char]) -> None:
        """The cells of a line's row are no longer those seen last (in attributes at least)."""
        ln.copy = obj[:]
        new = _cells(obj)
        old = ln.data
        if new == old:
            return
        n = len(new)
        if len(old) != n:  # the screen was resized
            if ln.end > n:
                self._store(ln, self.now)
            old = (list(old) + [" "] * n)[:n]
            ln.times = (ln.times + [self.now] * n)[:n]
            ln.uniform = False
            ln.end = _end(old)
        if type(old) is str and type(new) is str:
            lo, hi = _differing(old, new)
            changed = list(compress(range(lo, hi), map(ne, old[lo:hi], new[lo:hi])))
        else:
            changed = list(compress(range(n), map(ne, old, new)))
        if changed:
            if changed[0] < ln.end:
                self._store(ln, self.now)
            now = self.now
            times = ln.times
            for x in changed:
                times[x] = now
            ln.seen = False
            ln.uniform = False
        ln.data = new
        ln.end = _end(new)

    def _move(self, ln: _Line, y: int) -> None:
        ln.row = y
        moves = ln.moves
        if moves[-1][0] == self.now:
            moves[-1] = (self.now, y)
        else:
            moves.append((self.now, y))
            if len(moves) > ln.trim_at:
                _trim_moves(ln)

    # -- versions and commits ---------------------------------------------------------------
    def _store(self, ln: _Line, until: float | None) -> str | None:
        """Hand the line's current form to on_version (unless it adds nothing); return
        its text."""
        if self._on_version is None or not ln.end:
            return None
        text, cols = ln.text()
        if ln.uniform and ln.last_text is None:  # fast path: written at once, never changed
            ln.last_text, ln.last_times = text, None
            self._on_version(_new(LineVersion, (ln.lid, ALTERNATE if ln.alt else MAIN, ln.row0, ln.times[0], until,
                                                ln.seen, text, None, tuple(cols) if cols is not None else None, None)))
            return text
        if cols is None:
            ctimes = ln.times[:ln.end]
        else:
            ctimes = [ln.times[c] for c in cols[:-1]]
        last = ln.last_text
        if last is not None and last.startswith(text) and ln.last_times is not None \
                and ln.last_times[:len(ctimes)] == ctimes:
            return text
        ln.last_text, ln.last_times = text, ctimes
        time, runs = _runs(ctimes)
        # where the line was while its characters appeared (it may have scrolled meanwhile)
        moves = ln.moves
        if len(moves) == 1:  # it never moved (a full-screen app's row): there since before its characters
            row, rows = moves[0][1], None
        else:
            first = bisect_right(moves, min(ctimes), key=lambda m: m[0]) - 1
            last = bisect_right(moves, time, key=lambda m: m[0])
            moved = tuple(moves[max(first, 0):last]) or ((time, ln.row),)
            row = moved[-1][1]
            rows = moved if len({r for _, r in moved}) > 1 else None
        self._on_version(_new(LineVersion, (ln.lid, ALTERNATE if ln.alt else MAIN, row, time, until, ln.seen,
                                            text, runs, tuple(cols) if cols is not None else None, rows)))
        return text

    def _retire_all(self, lines: list[_Line], commit: bool, until: float | None) -> None:
        """Lines leaving the screen, top to bottom: store them, and commit the main ones up
        to the last one that is not blank."""
        last = -1
        if commit:
            for i, ln in enumerate(lines):
                if ln.end:
                    last = i
        for i, ln in enumerate(lines):
            text = self._store(ln, until)
            if commit and not ln.alt and i <= last:
                self._commit(ln, text)
            if self._hard:
                self._hard.pop(id(ln.obj), None)

    def _write_rows(self, rows: list[list[Char]]) -> None:
        """Write out the main-screen lines on `rows` (top to bottom, up to the last one
        that is not blank) ahead of their leaving the screen, noting what was written."""
        shown = [ln for ln in map(self._main.get, map(id, rows)) if ln is not None]
        last = max((i for i, ln in enumerate(shown) if ln.end), default=-1)
        for ln in shown[:last + 1]:
            self._commit(ln)
            ln.emitted = _row_text(ln.data, ln.end, full=ln.wrapped and id(ln.obj) not in self._hard)[0]
        self._flush()

    def _commit(self, ln: _Line, text: str | None = None) -> None:
        """Write a main-screen line out (`text`: its text if already known)."""
        wrapped = ln.wrapped and id(ln.obj) not in self._hard
        if text is None or wrapped:
            text = _row_text(ln.data, ln.end, full=wrapped)[0] if (ln.end or wrapped) else ""
        if ln.emitted is not None and ln.emitted == text:
            return
        if ln.end:
            time = ln.times[0] if ln.uniform else max(ln.times[:ln.end])
        else:
            time = max(self._last_time, max(ln.times, default=0.0))
        self._stash_lid = ln.lid
        self._commit_text(text, time, wrapped)

    def _commit_text(self, text: str, time: float, wrapped: bool) -> None:
        """A row of a line: written out with the wrapped rows before it, or kept while it
        wraps on (up to LINE_LIMIT characters: a longer line is written out in pieces)."""
        if self._stash_len + len(text) > LINE_LIMIT:
            self._flush()
        self._stash_time = max(self._stash_time, time) if self._stash else time
        self._stash.append(text)
        self._stash_len += len(text)
        if not wrapped:
            self._flush()

    def _emit(self, line: TranscriptLine) -> None:
        self._last_time = line.time
        if self._on_line is not None:
            self._on_line(line)

    def _flush(self) -> None:
        """Write out the rows kept (see _commit_text)."""
        if self._stash:
            text = "".join(self._stash)
            self._stash.clear()
            self._stash_len = 0
            self.writing, self._stash_lid = self._stash_lid, None
            self._emit(TranscriptLine(self._stash_time, text.rstrip(" ")))
            self.writing = None

    # -- what the screen tells (ScreenObserver) ----------------------------------------------
    def scrolled_off(self, obj: list[Char], wrapped: bool) -> None:
        alt = self._screen.alt_saved is not None
        lines = self._alt if alt else self._main
        ln = lines.pop(id(obj), None)
        if ln is None:
            self._retire_fresh(obj, wrapped, alt)
            return
        if not (alt or wrapped or self._stash) and ln.uniform and ln.end and ln.last_text is None \
                and ln.emitted is None and self._on_version is not None and obj == ln.copy \
                and (not self._hard or id(obj) not in self._hard):
            self._retire_whole(ln)
            return
        self._observe(ln, obj, 0, wrapped)
        ln.wrapped = wrapped
        text = self._store(ln, self.now)
        if not alt:
            self._commit(ln, text)
        if self._hard:
            self._hard.pop(id(obj), None)

    def _retire_whole(self, ln: _Line) -> None:
        """What _observe, _store and _commit do for a main-screen line that scrolls off as
        it was written, in one event, by itself (most lines of a scrolling output)."""
        text, cols = ln.text()
        time = ln.times[0]
        if self._on_written is not None and text[-1] != " ":
            self.writing = ln.lid
            self._last_time = time
            self._on_written(ln.lid, ln.row0, time, self.now, ln.seen, text, tuple(cols) if cols is not None else None)
        else:
            assert self._on_version is not None
            self._on_version(_new(LineVersion, (ln.lid, MAIN, ln.row0, time, self.now, ln.seen, text, None,
                                                tuple(cols) if cols is not None else None, None)))
            self.writing = ln.lid
            self._emit(_new(TranscriptLine, (time, text.rstrip(" "), MAIN, -1, -1)))
        self.writing = self._stash_lid = None

    def _retire_fresh(self, obj: list[Char], wrapped: bool, alt: bool) -> None:
        """A row written and scrolled off within one event (the bulk of a long output)."""
        cells = _cells(obj)
        end = _end(cells)
        now = self.now
        if end and self._on_written is not None and not (alt or wrapped or self._stash):
            text, cols = _row_text(cells, end)
            if text[-1] != " " and not (self._hard and id(obj) in self._hard):
                self._stash_lid = None
                self._last_time = now
                self._on_written(next(self._ids), 0, now, now, False, text, tuple(cols) if cols is not None else None)
                return
        if end and self._on_version is not None:
            text, cols = _row_text(cells, end)
            self._on_version(LineVersion(next(self._ids), ALTERNATE if alt else MAIN, 0, now, now, False, text,
                                         None, tuple(cols) if cols is not None else None))
        if not alt:
            if self._hard and self._hard.pop(id(obj), None) is not None:
                wrapped = False
            text = _row_text(cells, end, full=wrapped)[0] if (end or wrapped) else ""
            self._stash_lid = None
            self._commit_text(text, now, wrapped)

    def erasing_rows(self, rows: range) -> None:
        """Rows about to be cleared by an erase-in-display: they leave the screen."""
        s = self.term.screen
        alt = s.alt_saved is not None
        lines = self._alt if alt else self._main
        buf, wrapped = s.buffer, s.wrapped
        gone = []
        for y in rows:
            obj = buf[y]
            ln = lines.pop(id(obj), None)
            if ln is None:
                ln = _Line(obj, next(self._ids), alt, y, self.now)
            else:
                self._observe(ln, obj, y, wrapped[y])
            gone.append(ln)
        self._retire_all(gone, commit=not alt, until=self.now)

    def row_renewed(self, before: list[Char], after: list[Char]) -> None:
        """The cursor's row was cleared into a new object: the same line goes on."""
        lines = self._lines()
        ln = lines.pop(id(before), None)
        if ln is not None:
            ln.obj = after
            lines[id(after)] = ln

    def entering_alternate(self) -> None:
        # Write out the main screen down to the cursor: the command that started the app
        # comes before the app's frames.
        s = self.term.screen
        self._sync(boundary=False)
        self._write_rows(s.buffer[:s.cursor.y + 1])
        self._enter_alt()

    def leaving_alternate(self) -> None:
        shown = tuple(self._alt_text)  # as of the last event: what was seen
        self._sync(boundary=False)
        self._leave_alt(shown)

    def string_started(self, kind: str) -> None:
        self._watch.string_started(kind)

    def string_data(self, data: str) -> None:
        self._watch.string_data(data)

    def string_ended(self) -> None:
        self._watch.string_ended()

    def _hidden_text(self, number: int, kind: str) -> _HiddenText:
        if number < HIDDEN_BLOCKS:
            return _HiddenText(self, number)
        if self._more_hidden is None:
            self._more_hidden = _HiddenText(self, number, shared=True)
        return self._more_hidden

    # -- full-screen frames -------------------------------------------------------------------
    def _enter_alt(self) -> None:
        self._alt_text = [""] * self.term.screen.lines
        self._alt_changed = self.now
        self._settled = None
        self._frame_ref = None
        self._last_frame = None

    def _settle(self) -> None:
        state = tuple(self._alt_text)
        if self._settled is not None and self._settled[0] == state:
            return
        self._consider(state, self._alt_changed)

    def _consider(self, state: tuple[str, ...], time: float) -> None:
        """A screen that rested: a new frame if it differs enough from the current one."""
        if self._frame_ref is None or _changed_fraction(self._frame_ref, state) >= FRAME_CHANGE:
            if self._settled is not None:
                self._emit_frame(*self._settled)
            self._frame_ref = state
        self._settled = (state, time)

    def _leave_alt(self, state: tuple[str, ...], final: bool = False) -> None:
        """The app exits (or the recording ends): its last screen shown is its last frame.
        A screen the app wiped before leaving gives way to the last one that rested."""
        time = self._alt_changed
        rested = self._settled
        if rested is None or state != rested[0]:
            self._consider(state, time)
        last = (state, time)
        if rested is not None and _weight(state) * 2 < _weight(rested[0]):
            last = rested
        self._emit_frame(*last)
        lines = sorted(self._alt.values(), key=lambda ln: ln.row)
        self._alt.clear()
        self._retire_all(lines, commit=False, until=None if final else self.now)
        self._alt_text = []
        self._settled = self._frame_ref = self._last_frame = None

    def _emit_frame(self, state: tuple[str, ...], time: float) -> None:
        if state == self._last_frame:
            return
        last = max((y for y, text in enumerate(state) if text.strip()), default=-1)
        if last < 0:
            return
        self._flush()
        self._last_frame = state
        frame = self.frames
        self.frames += 1
        for y in range(last + 1):
            self._emit(TranscriptLine(time, state[y], ALTERNATE, frame, y))


def _hidden_version(v: LineVersion) -> LineVersion:
    """A side tracker's version as hidden output: never shown, so it left the screen as
    soon as its first character came (a search match in it is not `shown`)."""
    first = min(t for _, t in v.runs) if v.runs is not None else v.time
    return v._replace(screen=HIDDEN, shown=False, until=first)


class _HiddenText:
    """What string number *number* swallowed, rendered on a side terminal of the same
    size by a side tracker, whose lines and versions are reported as HIDDEN. Its lines
    are written out together (in batches of HIDDEN_BATCH), so a transcript shows one
    block for one string. A *shared* one goes on through the strings after it (see
    HIDDEN_BLOCKS) until :meth:`end`."""

    def __init__(self, tracker: TextTracker, number: int, shared: bool = False) -> None:
        self._shared = shared
        self._on_line = tracker._on_line
        on_version = tracker._on_version
        self._lines: list[TranscriptLine] = []
        self._number = number
        self._unstring = Unstring()
        self._side = TextTracker(
            Terminal(tracker.term.cols, tracker.term.rows), self._lines.append,
            None if on_version is None else lambda v: on_version(_hidden_version(v)),
            settle=tracker.settle, recover=False, ids=tracker._ids)

    def feed(self, time: float, data: str) -> None:
        self._side.feed(Event(time, OUTPUT, self._unstring(data)))
        if len(self._lines) >= HIDDEN_BATCH:
            self._write()

    def close(self) -> None:
        """The string ended."""
        if not self._shared:
            self.end()
            return
        if self._side.term.cursor[0]:  # the next string's output starts a line, as on a screen of its own
            self._side.feed(Event(self._side.now, OUTPUT, "\r\n"))
        self._write()

    def end(self) -> None:
        self._side.finish()
        self._write()

    def write_out(self) -> None:
        """The recording went quiet with the string still open: what it swallowed so far."""
        self._side.write_out(partial=True)
        self._write()

    def _write(self) -> None:
        if self._on_line is not None:
            for line in self._lines:
                self._on_line(line._replace(screen=HIDDEN, frame=self._number, row=-1))
        self._lines.clear()


def _weight(state: Iterable[str]) -> int:
    return sum(len(text) - text.count(" ") for text in state)


def _changed_fraction(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """How much of two screens' text differs: rows found anywhere in the other screen
    (scrolled) count as unchanged, others by the characters that differ."""
    others = set(b)
    total = changed = 0
    for ra, rb in zip_longest(a, b, fillvalue=""):
        weight = max(len(ra) - ra.count(" "), len(rb) - rb.count(" "))
        if not weight:
            continue
        total += weight
        if ra == rb or (ra and ra in others):
            continue
        n = max(len(ra), len(rb))
        diff = _count_differing(ra.ljust(n), rb.ljust(n))  # the shorter row as if padded with spaces
        changed += min(diff, weight)
    return changed / total if total else 0.0


# --------------------------------------------------------------------------- reading a recording

@dataclass
class TextScan:
    """What one pass over a recording found besides its text."""

    head: CastHead
    events: int = 0
    duration: float = 0.0
    frames: int = 0
    complete: bool = True
    problems: list[Problem] | None = None
    anomalies: list[Anomaly] | None = None
    """String sequences that swallowed output (see ``castview.hidden``)."""


def scan_text(
    f: BinaryIO,
    name: str,
    on_line: Callable[[TranscriptLine], None] | None = None,
    on_version: Callable[[LineVersion], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    size: int | None = None,
) -> TextScan:
    """Feed a whole recording through a fresh terminal, reporting its text.

    Raises CastError if the file is not a recording. With `cancelled` returning True the
    scan stops early and the result has complete=False."""
    head = read_head(f, name)
    if size is None:
        f.seek(0, 2)
        size = f.tell()
    term = Terminal(head.header.size.cols, head.header.size.rows)
    tracker = TextTracker(term, on_line, on_version, onlcr=head.header.no_pty)
    scan = TextScan(head)
    scanner = EventScanner(f, head)
    n = 0
    for located in scanner:
        tracker.feed(located.event)
        n += 1
        if n % PROGRESS_EVERY == 0:
            if progress:
                progress(scanner.state.offset, size)
            if cancelled and cancelled():
                scan.complete = False
                break
    tracker.finish()
    scan.events = n
    scan.duration = tracker.now
    scan.frames = tracker.frames
    scan.problems = list(head.problems) + scanner.problems
    scan.anomalies = tracker.anomalies
    if progress and scan.complete:
        progress(size, size)
    return scan


def transcript(source: str | Any, opener: Opener | None = None) -> list[TranscriptLine]:
    """The transcript of a recording file (or of what `opener` opens), computed now."""
    lines: list[TranscriptLine] = []
    if opener is None:
        with open(source, "rb") as f:
            scan_text(f, str(source), lines.append)
    else:
        with opener() as f:
            scan_text(f, str(source), lines.append)
    return lines


# --------------------------------------------------------------------------- output

def render_text(lines: Iterable[TranscriptLine], times: bool = False) -> Iterator[str]:
    """The transcript as plain text lines (no newline at their ends): main-screen lines as
    they are, each full-screen frame and each piece of hidden output as a block of rows
    under a header."""
    block = None  # (screen, frame) of the block being written
    for line in lines:
        if line.screen != MAIN:
            if (line.screen, line.frame) != block:
                if block is not None:
                    yield "╰─"
                block = (line.screen, line.frame)
                if line.screen == HIDDEN:
                    yield f"╭─ hidden in a terminal string, not shown on screen, from {exact_clock(line.time)} ─"
                else:
                    yield f"╭─ full-screen app, screen at {exact_clock(line.time)} ─"
            yield f"│ [{exact_clock(line.time)}] {line.text}" if times and line.screen == HIDDEN else "│ " + line.text
            continue
        if block is not None:
            yield "╰─"
            block = None
        yield f"[{exact_clock(line.time)}] {line.text}" if times else line.text
    if block is not None:
        yield "╰─"
