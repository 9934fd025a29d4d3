"""Following a recording while the recorder writes it: growth, replacement, the end.

tsrecorder appends one line per output event while the session runs, and the last line
may be half-written at any moment. A :class:`Follower` checks the file cheaply (a stat)
and, when it grew, reads only the new bytes: the keyframe index resumes from the keyframe
kept at the end of the previous build, and the live-edge playhead from where it stopped.
A half-written last line is left for the next look, never reported as a problem.

A file that shrank, was replaced (another inode, or other bytes where the old ones were)
or deleted and created again is reloaded from scratch, with a notice. The format has no
end marker, so a file that has not grown for `finished_after` seconds is taken as
finished (and as resumed if it grows after all).

No Textual here: the app runs :meth:`Follower.follow` in a thread worker and posts each
:class:`FollowUpdate`; the `castview follow` command prints with :func:`follow_stream`.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from .cast.model import CastError, Event
from .cast.reader import EventScanner
from .sources.catalog import LIVE, LIVE_SECONDS, Catalog, NodeGroup
from .term.keyframes import Opener, Playhead, Replay, apply

if TYPE_CHECKING:
    from .term.index_store import Fingerprint
    from .transcript import TextTracker, TranscriptLine

POLL_INTERVAL = 0.25
"""Seconds between two looks at the file."""
FINISHED_AFTER = LIVE_SECONDS
"""A file that has not grown for this long is taken as finished (as the catalog does)."""
ANCHOR_BYTES = 64
"""Bytes before the end of what was read that must not change while a file only grows."""

# What a poll found (FollowUpdate.kind).
OPENED = "opened"  # the recording became readable (first look, or a header now complete)
GROWN = "grown"  # new events were indexed (and the live edge moved)
RELOADED = "reloaded"  # truncated, replaced or recreated: a new Replay, read from the start
FINISHED = "finished"  # no growth for finished_after seconds (or the file is gone)
RESUMED = "resumed"  # grew again after being taken as finished
VANISHED = "vanished"  # the file was deleted (the last Replay stays usable)
WAITING = "waiting"  # the file is not a readable recording yet (header still being written)


@dataclass(frozen=True)
class FileStat:
    """What a cheap look at a file tells: enough to notice growth and replacement."""

    size: int
    mtime: float
    identity: object = None
    """(st_dev, st_ino) for a local file; None when the storage has no such thing."""


def stat_file(path: str | os.PathLike[str]) -> Callable[[], FileStat | None]:
    """A probe for a local file: one os.stat, None when the file does not exist."""
    path = os.fspath(path)

    def probe() -> FileStat | None:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return FileStat(st.st_size, st.st_mtime, (st.st_dev, st.st_ino))

    return probe


def stat_opener(opener: Opener) -> Callable[[], FileStat | None]:
    """A probe for any storage: open it and find its size (no mtime, no identity)."""

    def probe() -> FileStat | None:
        try:
            with opener() as f:
                return FileStat(f.seek(0, os.SEEK_END), 0.0)
        except FileNotFoundError:
            return None

    return probe


@dataclass(frozen=True)
class FollowUpdate:
    """One thing a poll found, with the facts as they were at that moment."""

    kind: str
    replay: Replay | None
    """The Replay to use from now on (a new one after RELOADED; None while WAITING)."""
    events: int = 0
    """Events indexed."""
    new_events: int = 0
    """Events indexed by this poll (GROWN), or all of them (OPENED, RELOADED)."""
    duration: float = 0.0
    size: int = 0
    incomplete_tail: bool = False
    """The last line is half-written: normal while live; at FINISHED, the recorder died."""
    message: str = ""
    """A notice for the user (RELOADED, VANISHED, WAITING, FINISHED)."""


class Follower:
    """Keeps a Replay of a growing recording up to date, one cheap poll at a time.

    `replay`: an already opened Replay of the file (e.g. the player's, with its cached
    index); without one the Follower opens the file itself. `track_edge`: keep
    :attr:`edge`, a playhead at the live edge (the player, which moves its own playhead,
    passes False). `on_event` is called with every event the edge passes, from the first
    one, e.g. to print a transcript; `on_reset(replay)` before the first event of each
    Replay opened (the first, and each one after a reload). `poll` and `follow` run in
    one thread; the Replay may be read (seek, advance) from others meanwhile.
    """

    def __init__(
        self,
        opener: Opener,
        name: str,
        *,
        probe: Callable[[], FileStat | None] | None = None,
        replay: Replay | None = None,
        finished_after: float = FINISHED_AFTER,
        track_edge: bool = True,
        on_event: Callable[[Event], None] | None = None,
        on_reset: Callable[[Replay], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self.replay = replay
        self.edge: Playhead | None = None
        self.finished = False
        self.missing = False
        self.error: str | None = None
        self.finished_after = finished_after
        self._opener = opener
        self._probe = probe or stat_opener(opener)
        self._track_edge = track_edge or on_event is not None
        self._on_event = on_event
        self._on_reset = on_reset
        self._clock, self._wall = clock, wall
        self._seen: FileStat | None = None  # the last look
        self._built: FileStat | None = None  # the look the index is known to cover
        self._head_bytes = b""
        self._anchor: tuple[int, bytes] | None = None
        self._last_change = clock()
        self._reported_finished = False
        self._reload_note: str | None = None  # a reload waiting for a readable header

    @classmethod
    def for_path(cls, path: str | os.PathLike[str], **kwargs: object) -> Follower:
        """A Follower of a local file (probed with os.stat)."""
        path = os.fspath(path)
        return cls(lambda: open(path, "rb"), path, probe=stat_file(path), **kwargs)  # type: ignore[arg-type]

    # -- facts ----------------------------------------------------------------------------
    @property
    def live(self) -> bool:
        """Readable, present, and grew within the last `finished_after` seconds."""
        return self.replay is not None and not self.finished and not self.missing

    def fingerprint(self) -> Fingerprint | None:
        """A fingerprint for saving the index to the IndexStore: of the size the index is
        known to cover, so a later open of a grown file extends it."""
        from .term.index_store import fingerprint

        built = self._built
        if built is None or self.replay is None:
            return None
        try:
            with self._opener() as f:
                return fingerprint(f, built.size, built.mtime)
        except OSError:
            return None

    # -- polling --------------------------------------------------------------------------
    def follow(self, stop: threading.Event, interval: float = POLL_INTERVAL) -> Iterator[FollowUpdate]:
        """Poll until `stop` is set, yielding what each poll found (blocking: run it in a
        thread worker)."""
        while not stop.is_set():
            yield from self.poll()
            stop.wait(interval)

    def poll(self) -> list[FollowUpdate]:
        """One look at the file; reads only what is new. Raises nothing for a missing or
        half-written file; OSError other than a missing file propagates."""
        now = self._clock()
        try:
            st = self._probe()
        except FileNotFoundError:
            st = None
        if st is None:
            return self._gone(now)
        prev, was_missing = self._seen, self.missing
        if prev is not None and st == prev and not was_missing:
            return self._check_finished(now)
        self._seen = st
        self.missing = False
        if prev is None and st.mtime:
            self._last_change = now - max(0.0, self._wall() - st.mtime)  # an old file is finished at once
        else:
            self._last_change = now
        try:
            if self.replay is None:
                # Opened at last; after a reload that had to wait for a header, still a reload.
                updates = self._open(RELOADED if self._reload_note else OPENED, self._reload_note or "")
            elif was_missing:
                updates = self._open(RELOADED, "the file was deleted and created again; reloaded")
            elif prev is not None and prev.identity != st.identity:
                updates = self._open(RELOADED, "the file was replaced by another one; reloaded")
            elif prev is not None and st.size < prev.size:
                updates = self._open(RELOADED, f"the file was truncated ({prev.size} → {st.size} bytes); reloaded")
            elif not self._intact():
                updates = self._open(RELOADED, "the file was rewritten; reloaded")
            else:
                updates = self._grow(st)
        except FileNotFoundError:
            return self._gone(now)
        if self.finished and self.replay is not None and any(u.kind in (GROWN, RELOADED, OPENED) for u in updates):
            self.finished = self._reported_finished = False
            updates.insert(0, self._update(RESUMED, message="the recording is growing again"))
        return updates + self._check_finished(now)

    # -- what a poll does -----------------------------------------------------------------
    def _gone(self, now: float) -> list[FollowUpdate]:
        if self.missing:
            return self._check_finished(now)
        self.missing = True
        self._last_change = now
        return [self._update(VANISHED, message="the file was deleted")]

    def _check_finished(self, now: float) -> list[FollowUpdate]:
        if self._reported_finished or now - self._last_change < self.finished_after:
            return []
        self.finished = self._reported_finished = True
        if self.missing:
            message = "the file is gone"
        elif self.replay is None:
            message = f"not a recording: {self.error}" if self.error else "not a recording"
        elif self.replay.index.incomplete_tail:
            message = "the recording stopped in the middle of a line (the recorder may have died)"
        else:
            message = f"no growth for {self.finished_after:g} s"
        return [self._update(FINISHED, message=message)]

    def _update(self, kind: str, new_events: int = 0, message: str = "") -> FollowUpdate:
        replay = self.replay
        if replay is None:
            return FollowUpdate(kind, None, size=self._seen.size if self._seen else 0, message=message)
        index = replay.index
        return FollowUpdate(kind, replay, replay.event_count, new_events, replay.duration,
                            self._seen.size if self._seen else 0, index.incomplete_tail, message)

    def _open(self, kind: str, message: str) -> list[FollowUpdate]:
        try:
            replay = Replay(self._opener, self.name)
        except CastError as exc:
            # An empty file, or a header the recorder has not finished writing.
            waiting_already = self.replay is None and self.error == str(exc)
            if kind == RELOADED:
                self._reload_note = message
            self.replay, self.edge, self.error = None, None, str(exc)
            self._built = None
            return [] if waiting_already else [self._update(WAITING, message=f"not readable yet ({exc})")]
        self.replay, self.error, self._reload_note = replay, None, None
        self.edge = None
        self._head_bytes, self._anchor = b"", None
        self._built = self._seen
        replay.build()
        if self._on_reset is not None:
            self._on_reset(replay)
        self._after_build()
        return [self._update(kind, replay.event_count, message)]

    def _grow(self, st: FileStat) -> list[FollowUpdate]:
        replay = self.replay
        assert replay is not None
        before = replay.event_count
        replay.mark_grown()
        replay.build()
        self._built = st
        if self._on_reset is not None and not self._head_bytes:
            self._on_reset(replay)  # the first look at a Replay opened by someone else
        self._after_build()
        new = replay.event_count - before
        return [self._update(GROWN, new)] if new else []  # half a line is not news

    def _after_build(self) -> None:
        """Note the bytes that must not change (the header, the end of what the index
        covers), then move the live edge."""
        replay = self.replay
        assert replay is not None
        offset = replay.index.state.offset if replay.index.state is not None else replay.head.body_offset
        start = max(replay.head.body_offset, offset - ANCHOR_BYTES)
        with self._opener() as f:
            if not self._head_bytes:
                self._head_bytes = f.read(replay.head.body_offset)
            f.seek(start)
            self._anchor = (start, f.read(offset - start))
        if self._track_edge:
            self._advance_edge()

    def _intact(self) -> bool:
        """Whether the bytes read before are still there: the header, and the last bytes
        the index covers (cheap: two small reads)."""
        replay = self.replay
        assert replay is not None
        if replay.head.v1_events is not None:
            return False  # a v1 document is rewritten whole, never appended to
        with self._opener() as f:
            if f.read(len(self._head_bytes)) != self._head_bytes:
                return False
            if self._anchor is not None:
                start, data = self._anchor
                f.seek(start)
                if f.read(len(data)) != data:
                    return False
        return True

    def _advance_edge(self) -> None:
        """Move the live-edge playhead over every complete event in the file now."""
        replay = self.replay
        assert replay is not None
        edge = self.edge
        if edge is None:
            # Start at the end through the last keyframe, or at the start for on_event.
            edge = replay.seek_event(0 if self._on_event is not None else replay.event_count)
            self.edge = edge
        with self._opener() as f:
            scanner = EventScanner(f, replay.head, start=edge.state)
            for located in scanner:
                event = located.event
                apply(edge.term, event, replay.header.no_pty)
                edge.count += 1
                edge.time = event.time
                edge.state = scanner.state
                if self._on_event is not None:
                    self._on_event(event)


def live_only(catalog: Catalog) -> Catalog:
    """The recordings of a catalog that are still being written (`castview ls --live`)."""
    groups = [NodeGroup(g.node_id, [rec for rec in g.recordings if rec.status == LIVE]) for g in catalog.groups]
    return Catalog([g for g in groups if g.recordings], catalog.errors)


# --------------------------------------------------------------------------- castview follow

CLEAR = "\x1b[H\x1b[2J"  # cursor home, erase display: the only sequences the screen mode writes
DIM, RESET = "\x1b[2m", "\x1b[0m"
QUIET_AFTER = 1.0
"""Seconds without new events after which `follow --transcript` prints the screen's lines
not yet printed, the cursor's line too (a prompt waiting for input, a command still
running), as `tail -f` prints a last line that has no newline yet."""


def follow_stream(
    path: str,
    out: TextIO,
    notice: Callable[[str], None],
    *,
    transcript: bool = False,
    exit_after: float | None = None,
    wait: bool = False,
    interval: float = POLL_INTERVAL,
    quiet_after: float = QUIET_AFTER,
    tty: bool = False,
    size: Callable[[], os.terminal_size] | None = None,
    stop: threading.Event | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """`castview follow`: print a recording as it is written until `stop`, Ctrl-C, or (with
    `exit_after`) once it has not grown for that many seconds. A recording that is not
    being written at the first look (finished) is printed as it is and ends the command,
    unless `wait`. Returns the exit status.

    Screen mode prints the screen whenever its text changed: on a terminal (`tty`, of
    `size()` cells, default the terminal's) redrawn in place (cursor home + erase display,
    then plain text cut to fit, with a status line as its last row), elsewhere as pages
    separated by form feeds, so the last page is the last screen. Transcript mode appends
    each line once the cursor has left it, and after `quiet_after` seconds without events
    the lines still on screen (see :class:`TranscriptFollow`). Everything printed is
    rendered text: no byte of the recording reaches `out` raw.
    """
    stop = stop or threading.Event()
    text_out = TranscriptFollow(out) if transcript else None
    follower = Follower.for_path(
        path,
        finished_after=exit_after if exit_after is not None else FINISHED_AFTER,
        on_event=text_out.feed if text_out is not None else None,
        on_reset=text_out.reset if text_out is not None else None,
        clock=clock,
    )
    screen_out = _ScreenFollow(out, path, (size or _terminal_size(out)) if tty else None)
    status = 0
    was_live = False
    last_growth = clock()
    quiet_shown = False
    try:
        while not stop.is_set():
            grew = False
            for update in follower.poll():
                if update.message and update.kind != OPENED:
                    notice(f"{os.path.basename(path)}: {update.message}")
                if update.kind in (OPENED, GROWN, RELOADED, RESUMED):
                    last_growth, quiet_shown, grew = clock(), False, True
                if update.kind == FINISHED and (exit_after is not None or not (was_live or wait)):
                    stop.set()
                    if follower.replay is None:
                        status = 1
                    elif exit_after is None:
                        notice(f"{os.path.basename(path)}: not being written: printed as it is "
                               "(--wait keeps following it)")
            was_live = was_live or follower.live
            if text_out is None:
                screen_out.show(follower)
            elif not quiet_shown and clock() - last_growth >= quiet_after:
                text_out.quiet()
                quiet_shown = True
            elif grew:  # an idle poll has no line to print: no look at the screen
                text_out.flush()
            if not stop.is_set():
                stop.wait(interval)
    except KeyboardInterrupt:
        pass
    if text_out is not None:
        text_out.finish()
    else:
        screen_out.finish()
    return status


class _ScreenFollow:
    """The screen mode of `castview follow`: each screen whose text changed, redrawn in
    place on a terminal of `size()` cells with a status line as its last row, else as
    pages separated by form feeds."""

    def __init__(self, out: TextIO, path: str, size: Callable[[], os.terminal_size] | None) -> None:
        self.out, self.path, self.size = out, path, size
        self.shown: str | None = None

    def show(self, follower: Follower) -> None:
        from .sanitize import printable
        from .term.render import to_text

        edge = follower.edge
        if edge is None:
            return
        screen = to_text(edge.term)
        if self.size is not None:
            cells = self.size()
            state = "live" if follower.live else ("deleted" if follower.missing else "finished")
            bar = f"── {printable(os.path.basename(self.path))} · {state} · {edge.time:.1f} s · {edge.count} events ──"
            page = CLEAR + fit_screen(screen, edge.term.screen.cursor.y, cells) + DIM + _crop(bar, cells.columns)
            page += RESET
        else:
            page = screen
        if page != self.shown:
            self.out.write(page if self.size is not None or self.shown is None else "\f\n" + page)
            self.shown = page
            self.out.flush()

    def finish(self) -> None:
        if self.size is not None and self.shown is not None:
            self.out.write("\n")  # the shell's prompt goes below the status line
            self.out.flush()


def _terminal_size(out: TextIO) -> Callable[[], os.terminal_size]:
    def size() -> os.terminal_size:
        try:
            return os.get_terminal_size(out.fileno())
        except (OSError, ValueError, AttributeError):
            return os.terminal_size((80, 24))

    return size


def _crop(text: str, cols: int) -> str:
    """`text` cut to `cols` cells (a wide character that would straddle the edge goes)."""
    from .term.widths import char_width

    used = 0
    for i, ch in enumerate(text):
        used += char_width(ch)
        if used > cols:
            return text[:i]
    return text


def fit_screen(screen: str, cursor_row: int, cells: os.terminal_size) -> str:
    """The rows of `screen` (text, a newline after each row) that fit a terminal of
    `cells` with one row left for the status line: each row cut to the width, and a
    screen taller than that shown from the top, or down to the cursor's row when it is
    below. Writing it never scrolls the terminal, so no row is lost above."""
    rows = screen.split("\n")[:-1]
    height = max(1, cells.lines - 1)
    top = min(max(0, cursor_row - height + 1), max(0, len(rows) - height))
    return "".join(_crop(row, cells.columns) + "\n" for row in rows[top:top + height])


class TranscriptFollow:
    """Transcript lines of the events the live edge passes, written as they become final:
    a line when the cursor has left it (as `tail -f` prints a line once its newline is
    written), the lines still on screen when the recording goes quiet (:meth:`quiet`),
    and the rest at the end. A line is printed again only when it changed after being
    printed, except the cursor's line printed by :meth:`quiet`: it is left open (no
    newline), and what is typed on it later is appended, as on the terminal."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tracker: TextTracker | None = None
        self.pending: list[tuple[int | None, TranscriptLine]] = []
        self.open: tuple[int, str] | None = None
        """(line identity, text) of the cursor's line printed without its newline."""

    def reset(self, replay: Replay) -> None:
        from .term.screen import Terminal
        from .transcript import TextTracker

        if self.tracker is not None:
            self.flush()
            self._close()
            self.out.write("\f\n")  # a reloaded file starts over
        size = replay.header.size
        self.tracker = TextTracker(Terminal(size.cols, size.rows), self._line, onlcr=replay.header.no_pty)

    def _line(self, line: TranscriptLine) -> None:
        assert self.tracker is not None
        self.pending.append((self.tracker.writing, line))

    def feed(self, event: Event) -> None:
        if self.tracker is not None:
            self.tracker.feed(event)

    def flush(self) -> None:
        """Print the lines the cursor has left."""
        if self.tracker is not None:
            self.tracker.write_out()
        self._write(None)

    def quiet(self) -> None:
        """The recording went quiet: print what is on screen, the cursor's line left open."""
        if self.tracker is None:
            return
        self.tracker.write_out(partial=True)
        self._write(self.tracker.cursor_line)

    def finish(self) -> None:
        if self.tracker is not None:
            self.tracker.finish()
        self._write(None)
        self._close()

    def _write(self, open_line: int | None) -> None:
        from .transcript import MAIN, render_text

        if not self.pending:
            return
        lines = self.pending[:]
        self.pending.clear()
        write = self.out.write
        last = len(lines) - 1
        for on_main, run in itertools.groupby(enumerate(lines), key=lambda item: item[1][1].screen == MAIN):
            if not on_main:  # a full-screen frame or hidden output: a block, as in `castview cat`
                self._close()
                write("".join(text + "\n" for text in render_text(line for _, (_, line) in run)))
                continue
            for i, (lid, line) in run:
                text = line.text
                if self.open is not None and self.open[0] == lid and text.startswith(self.open[1]):
                    write(text[len(self.open[1]):])
                else:
                    self._close()
                    write(text)
                if lid is not None and lid == open_line and i == last:
                    self.open = (lid, text)
                else:
                    self.open = None
                    write("\n")
        self.out.flush()

    def _close(self) -> None:
        if self.open is not None:
            self.out.write("\n")
            self.open = None
