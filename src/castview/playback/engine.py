"""The playback engine: one recording, a playhead, and a thread that moves it.

Commands (play, pause, seek..., set_speed, follow) may be called from any thread: each
is queued and the engine's own thread carries it out. What happens comes back through
one callback, `notify`, called on the engine's thread with frozen notices
(castview.playback.notices): frames of the terminal, and what was opened, indexed,
followed or failed.

Threads and ownership:

- The engine thread owns the playhead (a terminal at a position of the recording), the
  play/pause/follow mode, speed and idle cap, and the live state. Nothing else touches
  them; the consumer learns them from the notices.
- Helper threads (castview.playback.background) build the keyframe index and follow a
  local file as it is written; they read the recording and post what they found to
  the engine's queue. The index itself is shared through `Replay.view` (published
  whole by the builder), so the engine reads it without locks.
- Every command takes a sequence number (returned to the caller) and is answered by a
  frame carrying it (or a later one): a consumer can drop the frames made before its
  latest command, and wait for the answer to know a command was taken. Queued moves
  are merged: only where they lead is sought, however many arrive at once (relative
  moves add up).
- Frames: a move is answered by a full frame. While playing, the engine applies every
  event due by now and renders once (intermediate frames are skipped); it makes a new
  frame at most every `frame_interval` seconds (FRAME_MIN by default) and only once the consumer has taken the
  previous one (`frame_taken`); rows that changed meanwhile accumulate. `settled` is set
  while there is nothing left to do: no command queued, not playing, every frame taken.

Playback timing is castview.cast.timeline's: the wall clock (an injectable `Clock`)
runs on the playback timeline (idle gaps capped, divided by the speed).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..cast import timeline
from ..cast.model import CastError
from ..follow import FINISHED, FINISHED_AFTER, GROWN, OPENED, POLL_INTERVAL, RELOADED, RESUMED, VANISHED, FollowUpdate
from ..recording import Recording, error_message
from ..sources.base import SourceError
from ..term.keyframes import IndexView, Playhead, Replay
from ..term.screen import Terminal
from . import background as bg
from .clock import Clock, SystemClock
from .notices import (
    Failed,
    Followed,
    Frame,
    IndexChanged,
    IndexState,
    LiveState,
    MarkerMissing,
    Notice,
    Opened,
    OpenFailed,
)

if TYPE_CHECKING:
    from ..term.index_store import Fingerprint, IndexStore

R = TypeVar("R")
RowRenderer = Callable[[Terminal, int], R]

FRAME_MIN = 1 / 60  # playback frames at most this often
POSITION_EVERY = 0.1  # while playing, the position is reported at least this often
IDLE_POLL = 0.05  # playing with no next event known yet (the index is still growing)
FOLLOW_RESEEK = 5000  # events: further behind than this, the live edge is sought from a keyframe

PAUSED, PLAYING, FOLLOWING = "paused", "playing", "following"


def text_row(term: Terminal, y: int) -> str:
    """The default row renderer: the row's text."""
    return term.lines()[y]


def failure_text(exc: BaseException, where: str) -> str:
    """What the player says about a recording it cannot read: a file that is not a
    recording by its name and line (the full path is in the metadata pane), anything
    else as castview.recording.error_message puts it."""
    if isinstance(exc, CastError):
        line = f":{exc.line}" if exc.line is not None else ""
        return f"{Path(exc.path).name}{line}: {exc.message}"
    return error_message(exc, where)


# -- commands, as queued ------------------------------------------------------------------
@dataclass(frozen=True)
class _Move:
    """Where a request takes the playhead: "time", "event" (after `count` events), "edge"
    (after every event indexed), "here" (where it is)."""

    kind: str
    time: float = 0.0
    count: int = 0


HERE = _Move("here")
EDGE = _Move("edge")


@dataclass(frozen=True)
class _Command:
    name: str
    args: tuple[Any, ...] = ()


class Engine(Generic[R]):
    """Plays one recording. `open_recording` is called on the engine's thread (it may
    read a remote object); `notify` receives every notice, on the engine's thread;
    `render_row(term, y)` makes what a frame carries for a row (called on the engine's
    thread, so the expensive part of drawing happens off the consumer's).

    `live`: the recording is being written (its end is the live edge); `watch`: follow
    the local file once indexed (growth, replacement, the end after `finished_after`
    seconds without growth). `listed_duration`: the length the listing gave, used
    until the index knows better. `store`: the keyframe index cache. `location` names
    the recording in messages until it is open.
    """

    def __init__(
        self,
        open_recording: Callable[[], Recording],
        notify: Callable[[Notice], None],
        *,
        location: str = "the recording",
        render_row: RowRenderer[R] = text_row,  # type: ignore[assignment]
        store: IndexStore | None = None,
        speed: float = 1.0,
        idle_cap: float | None = timeline.DEFAULT_IDLE_CAP,
        live: bool = False,
        watch: bool = False,
        listed_duration: float = 0.0,
        finished_after: float = FINISHED_AFTER,
        poll_interval: float = POLL_INTERVAL,
        clock: Clock | None = None,
        frame_interval: float = FRAME_MIN,
    ) -> None:
        self._open_recording = open_recording
        self._location = location
        self._notify = notify
        self._render_row = render_row
        self._store = store
        self._watch = watch
        self._listed = listed_duration
        self._finished_after = finished_after
        self._poll_interval = poll_interval
        self._clock: Clock = clock or SystemClock()
        self._frame_interval = max(FRAME_MIN, frame_interval)
        # shared with callers: under _lock
        self._lock = threading.Lock()
        self._inbox: deque[tuple[int, object]] = deque()
        self._seq = 0
        self._unacked = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.settled = threading.Event()
        """Set while the engine has nothing to do (see the module's docstring)."""
        self._thread = threading.Thread(target=self._run, name="castview playback", daemon=True)
        self._helpers: list[threading.Thread] = []
        # the engine thread's own
        self._recording: Recording | None = None
        self._replay: Replay | None = None
        self._fingerprint: Fingerprint | None = None
        self._opened = False  # opened, or failed to
        self._taken = 0  # the seq of the last command taken
        self._answered = 0  # the seq of the last frame
        self._playhead: Playhead | None = None
        self._position = 0.0
        self._mode = PAUSED
        self._pending: tuple[_Move, str] | None = None  # a request not carried out yet
        self._speed = timeline.clamp_speed(speed)
        self._cap = idle_cap
        self._wall = timeline.WallClock(0.0, self._speed)
        self._cursor = timeline.Cursor(0, 0.0, 0.0)
        self._last_frame = float("-inf")
        self._term_size = (0, 0)
        self._cursor_row: int | None = None
        self._live = LiveState(live=live)
        self._refollow = False  # following when it finished: follow again if it resumes
        self._built = False
        self._fraction = 0.0
        self._index = IndexState(0, 0.0, 0.0, False, listed_duration=listed_duration)
        self._index_of: IndexView | None = None  # the view self._index describes
        self._follow_path: str | None = None  # the local file to watch, if any
        self._watching = False

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Stop every thread soon (a read in progress finishes first); never blocks."""
        self._stop.set()
        self._wake.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the threads to end after `close`; whether they did."""
        for thread in [self._thread, *self._helpers]:
            if thread.ident is not None:
                thread.join(timeout)
        return not any(t.is_alive() for t in [self._thread, *self._helpers])

    # -- commands (any thread) ------------------------------------------------------------
    def play(self) -> int:
        """Play from the playhead; at the end, from the start (or follow a live one)."""
        return self._send("play")

    def pause(self) -> int:
        """Stop where the playhead is (leaves follow mode too)."""
        return self._send("pause")

    def seek(self, t: float, *, play: bool | None = None) -> int:
        """To recording time t (clamped to the recording); `play` None: as before."""
        return self._send("seek", t, play)

    def skip(self, seconds: float) -> int:
        return self._send("skip", seconds)

    def seek_percent(self, digit: int) -> int:
        """`digit` tenths of the way (0-9)."""
        return self._send("percent", digit)

    def seek_marker(self, direction: int) -> int:
        """The next marker (1) or the previous one (-1); MarkerMissing if there is none."""
        return self._send("marker", direction)

    def seek_start(self) -> int:
        return self._send("seek", 0.0, None)

    def seek_end(self) -> int:
        """The end; for a live recording, the live edge (following it)."""
        return self._send("end")

    def seek_event(self, n: int) -> int:
        """Paused after exactly the first n events."""
        return self._send("event", n)

    def step(self, delta: int) -> int:
        """`delta` events on (or back), paused."""
        return self._send("step", delta)

    def follow(self) -> int:
        """To the live edge, then show each event as the index gains it."""
        return self._send("follow")

    def set_speed(self, speed: float) -> int:
        return self._send("speed", timeline.clamp_speed(speed))

    def set_idle_cap(self, cap: float | None) -> int:
        """Gaps between events play for at most `cap` seconds (None: in full)."""
        return self._send("cap", cap)

    def redraw(self, render_row: RowRenderer[R] | None = None) -> int:
        """A full frame again (with a new row renderer, e.g. for another theme)."""
        return self._send("redraw", render_row)

    def frame_taken(self) -> None:
        """The consumer is done with a frame (shown or dropped): the next may come."""
        with self._lock:
            self._unacked = max(0, self._unacked - 1)
        self._wake.set()

    def _send(self, name: str, *args: Any) -> int:
        return self._put(_Command(name, args), command=True)

    def _put(self, item: object, command: bool = False) -> int:
        with self._lock:
            if command:
                self._seq += 1
            seq = self._seq
            self._inbox.append((seq, item))
            self.settled.clear()
        self._wake.set()
        return seq

    # -- the engine thread ----------------------------------------------------------------
    def _run(self) -> None:
        self._guarded(self._open)
        self._opened = True
        while not self._stop.is_set():
            self._wake.clear()
            timeout = self._guarded(self._turn)
            with self._lock:
                if not self._inbox and not self._unacked and self._quiet():
                    self.settled.set()
            self._clock.wait(self._wake, timeout)

    def _turn(self) -> float | None:
        """One look at everything: the commands queued, a request to carry out, playback.
        Returns how long to wait at most before the next look."""
        with self._lock:
            items = list(self._inbox)
            self._inbox.clear()
        for seq, item in items:
            self._taken = max(self._taken, seq)
            self._guarded(lambda item=item: self._handle(item))  # one failing: the others still count
        self._guarded(self._carry_out_pending)
        timeout = self._guarded(self._play_step) if self._mode == PLAYING else None
        if self._answered < self._taken and self._playhead is not None:
            self._frame()  # a command that moved nothing (speed, a missing marker...) is answered too
        return timeout

    def _guarded(self, step: Callable[[], float | None]) -> float | None:
        """Run a step; a failure pauses playback and is reported, never ends the thread."""
        try:
            return step()
        except (OSError, SourceError, CastError) as exc:
            where = self._replay.name if self._replay is not None else "the recording"
            self._fail(failure_text(exc, where))
        except Exception as exc:  # noqa: BLE001 - a bug: say so, keep the engine alive
            self._fail(f"{type(exc).__name__}: {exc}", internal=True)
        return None

    def _fail(self, error: str, internal: bool = False) -> None:
        self._mode = PAUSED
        self._pending = None
        self._notify(Failed(error, internal))
        if self._playhead is not None:
            self._frame()  # what is on view stays, paused

    def _quiet(self) -> bool:
        return self._opened and self._mode != PLAYING and (self._pending is None or self._replay is None)

    # -- opening --------------------------------------------------------------------------
    def _open(self) -> None:
        try:
            recording = self._open_recording()
            self._recording = recording
            if recording.local_file is not None and self._watch:
                self._follow_path = recording.local_file
            replay, self._fingerprint = recording.open_replay(self._store)
        except (CastError, OSError, SourceError) as exc:
            where = self._recording.location if self._recording is not None else self._location
            self._notify(OpenFailed(failure_text(exc, where)))
            if self._live.live and self._recording is not None:
                self._start_follower(None)  # its header may still be being written
            return
        self._replay = replay
        if replay.view.complete:  # all of it from the cache
            self._built, self._fraction = True, 1.0
        self._notify(Opened(recording, replay, self._index_state(), self._live))
        self._helper("castview index", bg.build_index, replay, recording, self._fingerprint, self._store,
                     self._clock, self._stop, self._post, analyse=not self._live.live)

    def _post(self, item: object) -> None:
        self._put(item)

    def _helper(self, name: str, target: Callable[..., None], *args: Any, **kwargs: Any) -> None:
        thread = threading.Thread(target=target, args=args, kwargs=kwargs, name=name, daemon=True)
        self._helpers.append(thread)
        thread.start()

    def _start_follower(self, replay: Replay | None) -> None:
        """Watch the file for growth, replacement and the end (once)."""
        path, recording = self._follow_path, self._recording
        if path is None or recording is None or self._watching:
            return
        self._watching = True
        self._helper("castview follow", bg.follow_file, replay, recording, path, store=self._store,
                     finished_after=self._finished_after, interval=self._poll_interval, clock=self._clock,
                     stop=self._stop, post=self._post)

    # -- what the queue holds -------------------------------------------------------------
    def _handle(self, item: object) -> None:
        match item:
            case _Command(name, args):
                getattr(self, "_do_" + name)(*args)
            case bg.Progressed(scanned, total):
                self._fraction = scanned / total if total else 0.0
                self._notify(IndexChanged(self._index_state()))
                self._follow_tick()
            case bg.Built():
                self._built, self._fraction = True, 1.0
                self._notify(IndexChanged(self._index_state()))
                self._follow_tick()
                self._start_follower(self._replay)
            case bg.Counted(facts):
                self._notify(facts)
            case bg.Polled(update):
                self._followed(update)
            case bg.Broke(error):
                self._fail(error)

    def _do_play(self) -> None:
        self._carry_out_pending()
        view = self._view()
        count = self._playhead.count if self._playhead is not None else 0
        if view is not None and self._built and count >= view.event_count:
            if self._live.live:
                self._request(EDGE, FOLLOWING)
            else:
                self._request(_Move("time", 0.0), PLAYING)
        else:
            self._request(None, PLAYING)

    def _do_pause(self) -> None:
        self._request(None, PAUSED)

    def _do_seek(self, t: float, play: bool | None) -> None:
        playing = self._wanted_mode() == PLAYING if play is None else play
        self._request(_Move("time", timeline.clamp(t, self._length())), PLAYING if playing else PAUSED)

    def _do_skip(self, seconds: float) -> None:
        self._do_seek(self._where() + seconds, None)

    def _do_percent(self, digit: int) -> None:
        self._do_seek(timeline.percent_time(digit, self._length()), None)

    def _do_marker(self, direction: int) -> None:
        view = self._view()
        markers = [(t, label) for _, t, label in view.markers] if view is not None else []
        find = timeline.next_marker if direction > 0 else timeline.previous_marker
        found = find(markers, self._where())
        if found is None:
            self._notify(MarkerMissing(direction))
        else:
            self._do_seek(found[0], None)

    def _do_end(self) -> None:
        if self._live.live:
            self._request(EDGE, FOLLOWING)
        else:
            self._do_seek(self._length(), None)

    def _do_event(self, n: int) -> None:
        view = self._view()
        events = view.event_count if view is not None else 0
        self._request(_Move("event", count=max(0, min(n, events))), PAUSED)

    def _do_step(self, delta: int) -> None:
        move = self._pending[0] if self._pending is not None else HERE
        if move.kind not in ("event", "here"):
            self._carry_out_pending()  # a time or the edge: its event count is known once there
            move = HERE
        count = move.count if move.kind == "event" else self._playhead.count if self._playhead is not None else 0
        self._do_event(count + delta)

    def _do_follow(self) -> None:
        self._request(EDGE, FOLLOWING)

    def _do_speed(self, speed: float) -> None:
        self._speed = speed
        if self._mode == PLAYING:
            self._wall.set_speed(self._clock.now(), speed)

    def _do_cap(self, cap: float | None) -> None:
        self._cap = cap
        if self._mode == PLAYING and self._playhead is not None:
            self._restart_clock()

    def _do_redraw(self, render_row: RowRenderer[R] | None) -> None:
        if render_row is not None:
            self._render_row = render_row
        if self._playhead is not None and self._pending is None:
            self._frame(full=True)

    # -- requests -------------------------------------------------------------------------
    def _view(self) -> IndexView | None:
        return self._replay.view if self._replay is not None else None

    def _length(self) -> float:
        return self._index_state().length

    def _wanted_mode(self) -> str:
        return self._pending[1] if self._pending is not None else self._mode

    def _where(self) -> float:
        """The time the playhead is at, or will be once the request waiting to be carried
        out is (what relative seeks start from)."""
        view = self._view()
        move = self._pending[0] if self._pending is not None else HERE
        if move.kind == "time":
            return move.time
        if move.kind == "here" or view is None:
            return self._position
        if move.kind == "event":
            return view.times[move.count - 1] if move.count else 0.0
        return view.duration

    def _carry_out_pending(self) -> None:
        """Carry out the request waiting (also for a command that starts from the event
        count a time leads to, which the index may not tell yet)."""
        if self._pending is not None and self._replay is not None:
            move, mode = self._pending
            self._pending = None
            self._carry_out(move, mode)

    def _request(self, move: _Move | None, mode: str) -> None:
        """Ask for a move (None: stay where the playhead is about to be) and a mode; it is
        carried out once every command queued so far has been looked at."""
        if move is None:
            move = self._pending[0] if self._pending is not None else HERE
        self._pending = (move, mode)

    def _carry_out(self, move: _Move, mode: str, ended: bool = False) -> None:
        replay = self._replay
        assert replay is not None
        current = self._playhead
        if move.kind == "edge":
            playhead = self._to_edge(current)
            position = playhead.time
        elif move.kind == "time" or current is None:
            position = max(0.0, move.time if move.kind == "time" else self._position)
            playhead = replay.seek(position)
        elif move.kind == "event":
            playhead = replay.seek_event(move.count)
            position = playhead.time
        else:
            playhead, position = current, self._position
        self._playhead, self._position = playhead, position
        if mode != FOLLOWING:
            self._refollow = False
        if mode == PLAYING and self._at_end():
            mode, ended = PAUSED, True
        self._mode = mode
        if mode == PLAYING:
            self._restart_clock()
        self._frame(full=True, ended=ended)

    def _at_end(self) -> bool:
        """At the end of a finished recording (a live one has no end yet)."""
        view = self._view()
        return (view is not None and self._playhead is not None and not self._live.live and view.complete
                and self._playhead.count >= view.event_count)

    def _to_edge(self, playhead: Playhead | None) -> Playhead:
        """A playhead after every event indexed so far: `playhead` moved on (reading only
        what it has not applied yet), or a fresh one from a keyframe when that is shorter."""
        replay = self._replay
        assert replay is not None
        view = replay.view
        n = view.event_count
        if playhead is None or view.keyframes[-1].count - playhead.count > FOLLOW_RESEEK:
            return replay.seek_event(n)
        if playhead.count < n:
            replay.advance(playhead, float("inf"), limit=n)
        return playhead

    def _follow_tick(self) -> None:
        """Following: show what the index gained since the last frame."""
        if self._mode != FOLLOWING or self._pending is not None or self._playhead is None:
            return
        before = self._playhead
        count = before.count
        playhead = self._to_edge(before)
        self._playhead, self._position = playhead, playhead.time
        if playhead is not before or playhead.count != count:
            self._frame(full=playhead is not before)

    # -- playing --------------------------------------------------------------------------
    def _restart_clock(self) -> None:
        assert self._playhead is not None
        self._cursor = timeline.start_cursor(self._playhead.count, self._position)
        self._wall = timeline.WallClock(self._clock.now(), self._speed)

    def _play_step(self) -> float | None:
        """Apply every event due by now; a frame when the consumer is ready for one.
        Returns how long until the next look."""
        replay, playhead = self._replay, self._playhead
        assert replay is not None and playhead is not None
        view = replay.view
        times, cap = view.times, self._cap
        now = self._clock.now()
        played = self._wall.played(now)
        target = timeline.due(times, self._cursor, played, cap)
        if target.count > playhead.count:
            replay.advance(playhead, float("inf"), limit=target.count)
            target = timeline.Cursor(playhead.count, target.time, target.played)
        self._cursor = target
        self._position = timeline.position(times, target, played, cap)
        at_edge = view.complete and playhead.count >= len(times)
        if at_edge and self._live.live and self._built:
            self._mode, self._position = FOLLOWING, playhead.time  # played up to the live edge: follow it
            self._frame()
            return None
        if at_edge and not self._live.live:
            self._mode, self._position = PAUSED, max(self._position, view.duration)
            self._frame(ended=True)
            return None
        since = now - self._last_frame
        with self._lock:
            ready = not self._unacked
        if ready and since >= self._frame_interval and (playhead.term.screen.dirty or since >= POSITION_EVERY):
            self._frame()
        wait = timeline.until_next(times, target, played, cap)
        delay = IDLE_POLL if wait is None else self._wall.wall_delay(wait)
        if playhead.term.screen.dirty:
            delay = min(delay, max(0.0, self._frame_interval - since))  # the frame held back by the cap
        return min(max(delay, FRAME_MIN), POSITION_EVERY)

    # -- frames ---------------------------------------------------------------------------
    def _index_state(self) -> IndexState:
        view = self._view()
        if view is None:
            return self._index
        if view is not self._index_of or self._index.fraction != self._fraction or self._index.built != self._built:
            assert self._replay is not None
            self._index = IndexState(
                events=view.event_count, duration=view.duration, fraction=self._fraction, built=self._built,
                markers=tuple((t, label) for _, t, label in view.markers),
                problems=tuple(self._replay.head.problems) + view.problems,
                incomplete_line=view.incomplete_line if view.complete else None, listed_duration=self._listed)
            self._index_of = view
        return self._index

    def _frame(self, *, full: bool = False, ended: bool = False) -> None:
        playhead = self._playhead
        assert playhead is not None
        term = playhead.term
        size = (term.cols, term.rows)
        if size != self._term_size:
            full, self._term_size = True, size
        cursor = term.cursor
        if full:
            rows: range | list[int] = range(term.rows)
        else:
            dirty = set(term.screen.dirty)
            if self._cursor_row is not None:
                dirty.add(self._cursor_row)
            dirty.add(cursor[1])
            rows = sorted(y for y in dirty if 0 <= y < term.rows)
        lines = {y: self._render_row(term, y) for y in rows}
        term.screen.dirty.clear()
        self._cursor_row = cursor[1]
        self._last_frame = self._clock.now()
        self._answered = self._taken
        with self._lock:
            self._unacked += 1
            self.settled.clear()
        self._notify(Frame(self._taken, self._position, playhead.count, term.cols, term.rows, lines, full, cursor,
                           self._mode == PLAYING, self._mode == FOLLOWING, ended, self._index_state(),
                           self._live))

    # -- a file being written -------------------------------------------------------------
    def _followed(self, u: FollowUpdate) -> None:
        live = self._live
        size = u.size or live.file_size
        if u.kind == GROWN:
            if u.replay is not self._replay:
                return
            self._live = LiveState(True, live.finished, live.vanished, size)
            self._say(u)
            self._follow_tick()
        elif u.kind in (OPENED, RELOADED) and u.replay is not None:
            self._reload(u.replay, u)
        elif u.kind == FINISHED:
            was_live = live.live or self._mode == FOLLOWING
            self._live = LiveState(False, live.finished or was_live, live.vanished, size)
            self._say(u)
            if was_live and self._mode == FOLLOWING and self._replay is not None:
                self._pending = None
                self._carry_out(EDGE, PAUSED, ended=True)  # the last events, then stay at the end
                self._refollow = True
        elif u.kind == RESUMED:
            self._live = LiveState(True, False, False, size)
            self._say(u)
            if self._refollow:
                self._request(EDGE, FOLLOWING)
        elif u.kind == VANISHED:
            self._live = LiveState(live.live, live.finished, True, size)
            self._say(u)
        else:
            self._say(u)

    def _say(self, u: FollowUpdate, replay: Replay | None = None) -> None:
        self._notify(Followed(u.kind, u.message, self._live, self._index_state(), replay))

    def _reload(self, replay: Replay, u: FollowUpdate) -> None:
        """Another file (truncated, replaced) or one readable at last: play it instead."""
        live = self._live
        count = self._playhead.count if self._playhead is not None else 0
        self._replay, self._playhead = replay, None
        self._built, self._fraction = True, 1.0  # the follower indexed all of it
        self._live = LiveState(live.live, live.finished, False, u.size or live.file_size)
        self._say(u, replay)
        wanted = self._wanted_mode()
        if wanted == FOLLOWING or (live.live and count == 0 and wanted == PAUSED):
            self._request(EDGE, FOLLOWING)
        elif self._pending is None or self._pending[0] is HERE:
            self._request(_Move("time", min(self._position, replay.view.duration)), wanted)
        # else: the move asked for is carried out on the new replay
