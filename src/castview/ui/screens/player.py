"""The player: terminal view, scrub bar, metadata pane, and the keys that drive them.

Threads and ownership:

- `_open` reads the header and the cached index (thread worker), then `_build_index`
  scans the rest in the background, posting progress; seeks work meanwhile.
- Every change of the playhead (seek, frame step, play) is an `_engine` thread worker in
  one exclusive group: a new request cancels the running one (latest wins). The engine
  lock hands the playhead from one worker to the next; only a worker holding it touches
  the playhead's terminal. Workers render the rows that changed into Strips and post
  them in a FrameRendered; the UI thread only swaps strips and repaints those rows.
- Playback never falls behind the wall clock: each step applies every event due by now
  and renders once (intermediate frames are skipped), and a new frame is only rendered
  once the UI has taken the previous one (dirty rows accumulate meanwhile).
- `/` searches the rendered text of the whole timeline (`castview.search`) in a `_search`
  thread worker of its own exclusive group: a new search or leaving the player cancels
  it; it reads the file on its own, so it runs while the keyframe index is still being
  built. A jump to a match is an engine seek that carries the match's cells; the view
  highlights them when that seek's frame arrives, until the next search, `esc`, or any
  other move of the playhead.
- A local file is watched once indexed: a `_follow_worker` thread runs castview.follow's
  Follower, which reads only the appended bytes into the same Replay (its keyframe index
  extended) and posts what it found (RecordingFollowed); it stops when its stop event is
  set (leaving the player), not when cancelled. A recording being written (the catalog's
  LIVE status, or it grew while open) opens in follow mode: the playhead stays at the
  live edge and applies new events as the index gains them, like `tail -f`. Each growth
  runs a short `_edge_tick` worker in the engine group (not exclusive: ticks queue on the
  engine lock and belong to the request that started follow mode, whose frames they
  extend; any new request cancels them). Any other move of the playhead leaves follow
  mode; `end` or `f` comes back, and playing up to the live edge joins it. A truncated or
  replaced file is reloaded (a new Replay, with a notice); after `finished_after` seconds
  without growth the recording is shown as finished.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from ... import formatting as fmt
from ...cast.index import RecordingFacts
from ...cast.model import CastError, Problem
from ...cast.reader import EventScanner
from ...sanitize import printable
from ...search import Match, Query, SearchCancelled
from ...sources.base import SourceError
from ...sources.catalog import LIVE, LIVE_SECONDS, RecordingSummary
from ...cast import timeline as playback
from ..messages import (
    EngineFailed,
    FactsGathered,
    Frame,
    FrameExported,
    FrameRendered,
    IndexBuilt,
    IndexProgressed,
    RecordingFollowed,
    RecordingSearched,
    ReplayFailed,
    ReplayOpened,
    ScreenTextCopied,
    SearchFailed,
    SearchProgressed,
    SeekRequested,
)
from ..search_view import describe, match_row, nearest, parse_query, query_text, step
from ..widgets.metadata_pane import MetadataPane
from ..widgets.scrub_bar import ScrubBar
from ..widgets.terminal_view import Highlight, TerminalView

FRAME_MIN = 1 / 60  # playback renders at most this often
POSITION_EVERY = 0.1  # the position is reported at least this often while playing
PROGRESS_EVERY = 0.2
METADATA_WIDTH = 36
METADATA_WIDTH_MAX = 60
EXPORT_EXT = {"text": "txt", "ansi": "ans", "svg": "svg", "html": "html"}
MATCH_LIMIT = 1000  # matches listed by one search (more: refine the pattern)
SEARCH_HINT = "enter: search  ·  re:… a regular expression  ·  case ignored  ·  esc: close"
FOLLOW_RESEEK = 5000  # events: further behind than this, following seeks from a keyframe


@dataclass(frozen=True)
class EngineOp:
    """What an engine worker does: move the playhead, then maybe play on."""

    kind: str  # "seek" (to time), "event" (to event count), "resume" (stay), "follow" (the live
    # edge, and stay there), "edge" (the end of what is written, once)
    time: float = 0.0
    count: int = 0
    play: bool = False
    seq: int = 0


class PlayerScreen(Screen[None]):
    """Plays one recording."""

    AUTO_FOCUS = ""  # nothing: keys go to the player; the search box takes focus on `/` only

    BINDINGS = [
        Binding("space", "toggle_play", "Play"),
        Binding("left", "skip(-5)", "-5s", key_display="←"),
        Binding("right", "skip(5)", "+5s", key_display="→"),
        Binding("shift+left", "skip(-30)", "−30s", show=False),
        Binding("shift+right", "skip(30)", "+30s", show=False),
        Binding("left_square_bracket", "marker(-1)", "Prev marker", key_display="[", show=False),
        Binding("right_square_bracket", "marker(1)", "Next marker", key_display="]", show=False),
        *[Binding(str(d), f"percent({d})", f"Jump to {d * 10}%", show=False) for d in range(10)],
        Binding("home", "seek_start", "Start", show=False),
        Binding("end", "seek_end", "End", show=False),
        Binding("comma", "step(-1)", "Event back", key_display=",", show=False),
        Binding("full_stop", "step(1)", "Event forward", key_display=".", show=False),
        Binding("plus,equals_sign", "speed(1)", "Faster", key_display="+", show=False),
        Binding("minus", "speed(-1)", "Slower", key_display="-", show=False),
        Binding("i", "toggle_idle", "Idle cap", show=False),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("n", "next_match(1)", "Next match", show=False),
        Binding("N", "next_match(-1)", "Previous match", show=False),
        Binding("g", "goto", "Go to"),
        Binding("e", "export", "Export"),
        Binding("c", "copy", "Copy", show=False),
        Binding("m", "toggle_metadata", "Info"),
        Binding("ctrl+left", "pan(-8, 0)", "Pan left", show=False),
        Binding("ctrl+right", "pan(8, 0)", "Pan right", show=False),
        Binding("ctrl+up", "pan(0, -4)", "Pan up", show=False),
        Binding("ctrl+down", "pan(0, 4)", "Pan down", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "back", "Back"),
        # Shown only for a live recording, after q so that q stays on view at 80 columns
        # (the status line says "f: follow" there too).
        Binding("f", "follow", "Follow"),
        Binding("escape", "escape", "Close search / back", key_display="esc", show=False),
    ]

    def __init__(self, summary: RecordingSummary, *, autoplay: bool = True, start: float | None = None,
                 query: Query | None = None, match: Match | None = None,
                 finished_after: float = LIVE_SECONDS) -> None:
        """`match` (with the `query` that found it): open at the match, highlighted, and
        search the recording for `query` so n/N step through its other matches.
        `finished_after`: a live recording that has not grown for this many seconds is
        taken as finished."""
        super().__init__()
        self.summary = summary
        self.autoplay = autoplay and match is None
        self.start_at = match.time if match is not None else start
        self.start_match = match
        settings = self.app_settings()
        self.speed = playback.clamp_speed(settings.speed)
        header_limit = summary.header.idle_time_limit if summary.header else None
        self.idle_cap = playback.idle_cap(settings.idle_limit, header_limit)
        self.idle_on = True
        self.replay = None  # castview.term.keyframes.Replay once opened
        self.fingerprint = None
        self.position = 0.0
        self.count = 0
        self.playing = False
        self.index_complete = False
        self.indexed_duration = 0.0
        self.index_fraction = 0.0
        self.error: str | None = None
        # live recordings (UI thread; the engine's threads only read `live`)
        self.live = summary.status == LIVE
        """The file is still being written (the catalog said so, or it grew while open)."""
        self.following = False
        """Follow mode: the view stays at the live edge, showing output as it is appended."""
        self.finished = False
        """It was live and stopped growing (shown as finished until it grows again)."""
        self.vanished = False
        """The file was deleted while open (what was read stays on view)."""
        self.finished_after = finished_after
        self._follow_stop = threading.Event()
        self._follow_started = False
        self._refollow = False  # following when it finished: follow again if it resumes
        self._local_path: str | None = None  # the recording's file, when it is local
        self._problem_kind: str | None = None  # what the problem line shows: "index" or other
        self.facts = MetadataPane.facts_for(summary)
        self.metadata_auto = True
        self._recording_theme = self._theme_of(summary)
        # engine state shared with workers
        self._engine_lock = threading.Lock()
        self._playhead = None
        self._playhead_of = None  # the Replay the playhead belongs to (another after a reload)
        self._wake = threading.Event()
        self._frame_taken = threading.Event()
        self._frame_taken.set()
        self._term_size = (0, 0)
        self._last_cursor_row: int | None = None
        self._seq = 0
        self._opener = None  # opens the recording's file (set by _open)
        self._cache_key = ""
        self.last_export: str | None = None
        # search (UI thread only)
        self.search_query: Query | None = query
        """The last search run (or the one the player was opened with)."""
        self.matches: list[Match] = []
        self.match_index: int | None = None
        """The match last jumped to (what "match 3/17" counts)."""
        self.searching = False
        self.search_error: str | None = None
        self._search_seq = 0
        self._search_progress: tuple[int, int] = (0, 0)
        self._search_limited = False
        self._match_times: tuple[list[Match], tuple[float, ...]] = (self.matches, ())  # for the scrub bar
        self._highlight: tuple[int, Highlight] | None = None  # (engine seq, cells) to show with that frame

    @staticmethod
    def _theme_of(summary: RecordingSummary):  # type: ignore[no-untyped-def]
        if summary.header is None or summary.header.theme is None:
            return None
        from ...term.render import Theme

        return Theme.from_asciicast(summary.header.theme)

    def app_settings(self):  # type: ignore[no-untyped-def]
        from ...config import Settings

        return getattr(self.app, "settings", None) or Settings()

    # -- layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="player-main"):
            with Container(id="term-box"):
                yield TerminalView(id="terminal")
            yield MetadataPane(id="metadata")
        with Vertical(id="search-panel"):
            yield Input(placeholder="search the whole recording (re:… for a regular expression)",
                        id="search-box", compact=True)
            yield Static(id="search-info")
            yield OptionList(id="search-results")
        yield Static(id="player-status")
        yield Static(id="player-problem")
        yield ScrubBar(id="scrub")
        yield Footer(show_command_palette=False)  # room for the keys at 80 columns; ctrl+p still works

    def on_mount(self) -> None:
        view = self.query_one(TerminalView)
        if self.summary.header is not None:
            size = self.summary.header.size
            view.cols, view.rows = size.cols, size.rows
        self._apply_terminal_theme()
        pane = self.query_one(MetadataPane)
        pane.show(self.summary.header, self.facts)
        self._auto_metadata()
        self.query_one(ScrubBar).duration = self.summary.duration or 0.0
        self._update_status()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self._open()

    def on_resize(self) -> None:
        self._auto_metadata()

    def _auto_metadata(self) -> None:
        """Show the metadata pane when the terminal view keeps its full width beside it
        (at 80 columns it is hidden until `m`); give it what room is left, within reason."""
        cols = self.query_one(TerminalView).cols
        pane = self.query_one(MetadataPane)
        spare = self.size.width - cols - 2
        pane.styles.width = max(METADATA_WIDTH, min(METADATA_WIDTH_MAX, spare))
        if self.metadata_auto:
            pane.display = spare >= METADATA_WIDTH

    # -- opening and indexing ------------------------------------------------------------
    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open(self) -> None:
        from ...recording import Recording, error_message
        from ...term.index_store import IndexStore

        ref = self.summary.ref
        store = IndexStore(self.app_settings().cache_dir)
        try:
            recording = Recording.from_ref(ref, getattr(self.app, "source_for", lambda _label: None)(ref.source))
            if recording.local_file is not None and ref.may_grow:
                self._local_path = recording.local_file
            self._opener, self._cache_key = recording.opener, recording.cache_key
            replay, fp = recording.open_replay(store)
        except CastError as exc:
            where = Path(exc.path).name + (f":{exc.line}" if exc.line is not None else "")
            self.post_message(ReplayFailed(f"{where}: {exc.message}"))
            return
        except (OSError, SourceError) as exc:
            self.post_message(ReplayFailed(error_message(exc, ref.location)))
            return
        self.post_message(ReplayOpened(replay, fp))

    def on_replay_failed(self, message: ReplayFailed) -> None:
        self.error = message.error
        self._show_problem(printable(message.error))
        self.facts.problems = [Problem(None, message.error)]
        self.query_one(MetadataPane).show(self.summary.header, self.facts)
        self._update_status()
        if self.live and self._local_path is not None:
            self._start_follower(None)  # its header may still be being written: opened once readable

    def on_replay_opened(self, message: ReplayOpened) -> None:
        replay = message.replay
        self.replay = replay
        self.fingerprint = message.fingerprint
        self.index_complete = replay.index.complete
        self.indexed_duration = replay.duration
        size = replay.header.size
        view = self.query_one(TerminalView)
        view.cols, view.rows = size.cols, size.rows
        view.refresh(layout=True)
        self._auto_metadata()
        self._refresh_facts()
        start = self.start_at if self.start_at is not None else 0.0
        m = self.start_match
        if self.live and self.start_at is None:
            self._start_following()  # a live recording opens at its live edge
        else:
            self._request(EngineOp("seek", time=start, play=self.autoplay),
                          Highlight(m.row, m.col_start, m.col_end) if m is not None else None)
        if self.search_query is not None:
            self._start_search(self.search_query)
        self._build_index()

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _build_index(self) -> None:
        replay = self.replay
        if replay is None:
            return
        worker = get_current_worker()
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY:
                last = now
                self.post_message(IndexProgressed(done, total, replay.duration))

        if not replay.index.complete:
            try:
                finished = replay.build(progress=progress, cancelled=lambda: worker.is_cancelled)
            except (OSError, SourceError) as exc:
                self.post_message(EngineFailed(f"{replay.name}: cannot read ({getattr(exc, 'strerror', None) or exc})"))
                return
            if not finished:
                return
            if self.fingerprint is not None:
                from ...term.index_store import IndexStore

                IndexStore(self.app_settings().cache_dir).save(self._cache_key, self.fingerprint, replay.index)
        self.post_message(IndexBuilt(replay.duration))
        self._gather_facts(replay, worker)

    def _gather_facts(self, replay, worker) -> None:  # type: ignore[no-untyped-def]
        """Output size and resizes, which the keyframe index does not keep: one more scan."""
        facts = RecordingFacts()
        try:
            with self._opener() as f:
                for n, located in enumerate(EventScanner(f, replay.head)):
                    facts.add(located.event)
                    if n % 1024 == 0 and worker.is_cancelled:
                        return
        except OSError:
            return  # the index build reads the same file and reports the error
        self.post_message(FactsGathered(facts))

    def on_index_progressed(self, message: IndexProgressed) -> None:
        self.indexed_duration = message.duration
        self.index_fraction = message.scanned / message.total if message.total else 0.0
        self._update_scrub()
        self._update_status()
        self._follow_tick()

    def on_index_built(self, message: IndexBuilt) -> None:
        self.index_complete = True
        self.indexed_duration = message.duration
        self.index_fraction = 1.0
        self._refresh_facts()
        self._update_scrub()
        self._update_status()
        self._follow_tick()
        if self._local_path is not None and self.replay is not None:
            self._start_follower(self.replay)

    # -- following a recording being written ---------------------------------------------
    def _start_follower(self, replay) -> None:  # type: ignore[no-untyped-def]
        """Watch the file for growth, replacement and the end (once per player)."""
        if self._follow_started or self._local_path is None:
            return
        self._follow_started = True
        self._follow_worker(replay, self._local_path, self._follow_stop)

    @work(thread=True, exclusive=True, group="follow", exit_on_error=False)
    def _follow_worker(self, replay, path: str, stop: threading.Event) -> None:  # type: ignore[no-untyped-def]
        from ...follow import FINISHED, GROWN, OPENED, RELOADED, Follower, stat_file

        opener = self._opener
        follower = Follower(opener, replay.name if replay is not None else path, probe=stat_file(path),
                            replay=replay, track_edge=False, finished_after=self.finished_after)
        grew = False  # since the last FINISHED: the index and the facts are worth another look
        try:
            for update in follower.follow(stop):
                if stop.is_set():
                    return
                done = update.kind == FINISHED and grew and update.replay is not None
                if done:
                    self._save_index(follower, update.replay)
                grew = update.kind in (GROWN, RELOADED, OPENED) or (grew and update.kind != FINISHED)
                self.post_message(RecordingFollowed(update))
                if (done or update.kind == RELOADED) and update.replay is not None:
                    self._gather_facts(update.replay, get_current_worker())
        except OSError as exc:
            self.post_message(EngineFailed(f"{path}: cannot follow ({exc.strerror or exc})"))

    def _save_index(self, follower, replay) -> None:  # type: ignore[no-untyped-def]
        """The index as the follower extended it, for the next open (thread worker)."""
        from ...term.index_store import IndexStore

        fp = follower.fingerprint()
        if fp is not None and self._cache_key:
            IndexStore(self.app_settings().cache_dir).save(self._cache_key, fp, replay.index)

    def on_recording_followed(self, message: RecordingFollowed) -> None:
        from ...follow import FINISHED, GROWN, OPENED, RELOADED, RESUMED, VANISHED, WAITING

        u = message.update
        if u.kind == GROWN:
            self._grown(u)
        elif u.kind in (OPENED, RELOADED) and u.replay is not None:
            self._reloaded(u, notice=u.kind == RELOADED or self.replay is not None)
        elif u.kind == FINISHED:
            self._finished(u)
        elif u.kind == RESUMED:
            self.live, self.finished, self.vanished = True, False, False
            self.notify(printable(u.message or "the recording is growing again"), title="Live again", timeout=4)
            if self._refollow:
                self._start_following()
            self.refresh_bindings()
        elif u.kind == VANISHED:
            self.vanished = True
            self.notify(printable(f"{Path(self.summary.ref.location).name}: {u.message}; what was read stays on view"),
                        title="Recording deleted", severity="warning", timeout=8)
        elif u.kind == WAITING:
            self.notify(printable(f"{Path(self.summary.ref.location).name}: {u.message}"),
                        title="Waiting for the recording", timeout=4)
        self._update_scrub()
        self._update_status()

    def _grown(self, u) -> None:  # type: ignore[no-untyped-def]
        """New events indexed: the duration and facts move on; the engine plays them
        (follow mode: at once)."""
        if u.replay is not self.replay:
            return
        if not self.live:
            self.live = True  # grew after all (RESUMED says so when it had finished)
            self.refresh_bindings()
        self.indexed_duration = u.duration
        self.facts.file_size = u.size
        self._refresh_facts()
        self._wake.set()  # playback waiting at the end plays on
        self._follow_tick()

    def _reloaded(self, u, notice: bool) -> None:  # type: ignore[no-untyped-def]
        """Another file (truncated, replaced) or one readable at last: play it instead."""
        replay = u.replay
        self.replay = replay
        self.error = None
        self.vanished = False
        self.index_complete = True  # the follower indexed all of it
        self.indexed_duration = u.duration
        self.index_fraction = 1.0
        self.facts.file_size = u.size
        self.facts.output_bytes = self.facts.resizes = None
        if self._problem_kind != "index":
            self._hide_problem()
        view = self.query_one(TerminalView)
        size = replay.header.size
        view.cols, view.rows = size.cols, size.rows
        view.refresh(layout=True)
        self._auto_metadata()
        self._refresh_facts()
        if notice:
            self.notify(printable(f"{Path(self.summary.ref.location).name}: {u.message or 'reloaded'}"),
                        title="Recording reloaded", severity="warning", timeout=8)
        if self.following or (self.live and self.count == 0 and not self.playing):
            self._start_following()
        else:
            self._request(EngineOp("seek", time=min(self.position, replay.duration), play=self.playing))
        if self.search_query is not None and not self.searching:
            self._start_search(self.search_query)

    def _finished(self, u) -> None:  # type: ignore[no-untyped-def]
        """No growth for `finished_after` seconds: no longer live; show the end."""
        was_live = self.live or self.following
        self.live = False
        self.refresh_bindings()
        if self.replay is not None:
            self.indexed_duration = self.replay.duration
            self._refresh_facts()
        if not was_live:
            return  # an old recording: nothing to announce
        self.finished = True
        if self.following:
            self._request(EngineOp("edge"))  # the last events, then stay at the end
            self._refollow = True
        name = Path(self.summary.ref.location).name
        self.notify(printable(f"{name}: {u.message}"), title="Recording finished", timeout=8)

    def on_facts_gathered(self, message: FactsGathered) -> None:
        facts = message.facts
        assert isinstance(facts, RecordingFacts)
        self.facts.output_bytes = facts.output_bytes
        self.facts.resizes = [(t, f"{s.cols}x{s.rows}") for t, s in facts.resizes]
        self.query_one(MetadataPane).show(self.summary.header, self.facts)

    def _refresh_facts(self) -> None:
        replay = self.replay
        if replay is None:
            return
        self.facts.duration = replay.duration if self.index_complete else max(replay.duration, self.summary.duration or 0.0)
        self.facts.duration_final = self.index_complete and not self.live
        self.facts.events = replay.event_count
        self.facts.markers = replay.markers
        self.facts.problems = replay.problems
        self.query_one(MetadataPane).show(replay.header, self.facts)
        problems = list(self.facts.problems)
        if self.index_complete and replay.index.incomplete_tail and replay.index.state is not None and not self.live:
            # While live, half a line at the end is the recorder caught mid-write: no problem.
            problems.append(Problem(replay.index.state.line, "the last line is incomplete (cut off, or still being written)"))
        if problems:
            first = problems[0]
            name = Path(replay.name).name  # the full path is in the metadata pane
            where = f"{name}:{first.line}" if first.line is not None else name
            more = len(problems) - 1
            self._show_problem(printable(f"{where}: {first.message}") + (f"  (+{more} more: m)" if more else ""), "index")
        elif self._problem_kind == "index":
            self._hide_problem()

    def _show_problem(self, text: str, kind: str = "error") -> None:
        line = self.query_one("#player-problem", Static)
        line.update(Text("⚠ " + text, no_wrap=True, overflow="ellipsis"))
        line.add_class("-shown")
        self._problem_kind = kind

    def _hide_problem(self) -> None:
        self.query_one("#player-problem", Static).remove_class("-shown")
        self._problem_kind = None

    # -- the engine (thread workers) -----------------------------------------------------
    def _request(self, op: EngineOp, highlight: Highlight | None = None) -> None:
        """Run an engine worker; `highlight`: the cells to highlight once its frame is
        on view. Any other move of the playhead clears the highlight (a redraw keeps it)."""
        if self.replay is None:
            return
        self._seq += 1
        if highlight is not None:
            self._highlight = (self._seq, highlight)
        elif op.kind != "resume" or op.play:
            self._clear_highlight()
        self.playing = op.play
        self.following = op.kind == "follow"
        if not self.following:
            self._refollow = False
        self._engine(replace(op, seq=self._seq))
        self._wake.set()

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def _engine(self, op: EngineOp) -> None:
        worker = get_current_worker()
        replay = self.replay
        with self._engine_lock:
            if worker.is_cancelled or replay is None:
                return
            try:
                current = self._playhead if self._playhead_of is replay else None
                if op.kind in ("follow", "edge"):
                    playhead = self._to_edge(replay, current)
                    position = playhead.time
                elif op.kind == "seek" or current is None:
                    playhead = replay.seek(max(0.0, op.time))
                    position = max(0.0, op.time)
                elif op.kind == "event":
                    playhead = replay.seek_event(op.count)
                    position = playhead.time
                else:
                    playhead = current
                    position = op.time
                self._playhead, self._playhead_of = playhead, replay
                if worker.is_cancelled:
                    return
                if op.kind == "follow":
                    self._post_frame(playhead, position, op.seq, full=True, following=True)
                    return
                ended = op.kind == "edge" or (op.play and self._at_end(playhead))
                self._post_frame(playhead, position, op.seq, full=True, playing=op.play and not ended, ended=ended)
                if op.play and not ended:
                    self._play(playhead, position, op.seq, worker)
            except (OSError, SourceError) as exc:
                self.post_message(EngineFailed(f"{replay.name}: cannot read ({getattr(exc, 'strerror', None) or exc})"))

    def _at_end(self, playhead) -> bool:  # type: ignore[no-untyped-def]
        """At the end of a finished recording (a live one has no end yet)."""
        replay = self.replay
        return replay is not None and not self.live and replay.index.complete and playhead.count >= replay.event_count

    def _to_edge(self, replay, playhead):  # type: ignore[no-untyped-def]
        """A playhead after every event indexed so far: `playhead` moved on (reading only
        what it has not applied yet), or a fresh one from a keyframe when that is shorter."""
        n = replay.event_count
        if playhead is None or replay.index.keyframes[-1].count - playhead.count > FOLLOW_RESEEK:
            return replay.seek_event(n)
        if playhead.count < n:
            replay.advance(playhead, float("inf"), limit=n)
        return playhead

    def _follow_tick(self) -> None:
        """Follow mode: show what the index gained since the last frame."""
        if self.following and self.replay is not None:
            self._edge_tick(self.replay, self._seq)

    @work(thread=True, group="engine", exit_on_error=False)
    def _edge_tick(self, replay, seq: int) -> None:  # type: ignore[no-untyped-def]
        """Move the follow request's playhead to the live edge; post the rows that changed
        (frames of one request are all taken, so none is lost)."""
        worker = get_current_worker()
        with self._engine_lock:
            if worker.is_cancelled or seq != self._seq or self._playhead_of is not replay or self._playhead is None:
                return
            try:
                before = self._playhead
                count = before.count
                playhead = self._to_edge(replay, before)
                self._playhead = playhead
                if playhead is not before or playhead.count != count:
                    self._post_frame(playhead, playhead.time, seq, full=playhead is not before, following=True)
            except (OSError, SourceError) as exc:
                self.post_message(EngineFailed(f"{replay.name}: cannot read ({getattr(exc, 'strerror', None) or exc})"))

    def _play(self, playhead, position: float, seq: int, worker) -> None:  # type: ignore[no-untyped-def]
        replay = self.replay
        times = replay.index.times
        speed = self.speed
        cap = self.idle_cap if self.idle_on else None
        cursor = playback.start_cursor(playhead.count, position)
        clock = playback.WallClock(time.monotonic(), speed)
        last_post = time.monotonic()
        while not worker.is_cancelled:
            now = time.monotonic()
            if self.speed != clock.speed:
                clock.set_speed(now, self.speed)
            new_cap = self.idle_cap if self.idle_on else None
            if new_cap != cap:
                cap = new_cap
                cursor = playback.start_cursor(playhead.count, position)
                clock = playback.WallClock(now, clock.speed)
            played = clock.played(now)
            times = replay.index.times
            try:
                target = playback.due(times, cursor, played, cap)
            except IndexError:  # the index is being rewound by a build; try again
                target = cursor
            if target.count > playhead.count:
                replay.advance(playhead, float("inf"), limit=target.count)
                target = playback.Cursor(playhead.count, target.time, target.played)
            cursor = target
            try:
                position = playback.position(times, cursor, played, cap)
            except IndexError:
                position = cursor.time
            at_edge = replay.index.complete and playhead.count >= len(times)
            if at_edge and self.live and self.index_complete:
                # Played up to the live edge: follow it from here.
                self._post_frame(playhead, playhead.time, seq, following=True)
                return
            if at_edge and not self.live:
                position = max(position, replay.duration)
                self._post_frame(playhead, position, seq, playing=False, ended=True)
                return
            if self._frame_taken.is_set() and (playhead.term.screen.dirty or now - last_post >= POSITION_EVERY):
                self._post_frame(playhead, position, seq, playing=True)
                last_post = now
            try:
                wait = playback.until_next(times, cursor, played, cap)
            except IndexError:
                wait = None
            delay = 0.05 if wait is None else clock.wall_delay(wait)
            self._wake.wait(min(max(delay, FRAME_MIN), POSITION_EVERY))
            self._wake.clear()

    def _post_frame(self, playhead, position: float, seq: int, *, full: bool = False,  # type: ignore[no-untyped-def]
                    playing: bool = False, ended: bool = False, following: bool = False) -> None:
        term = playhead.term
        size = (term.cols, term.rows)
        if size != self._term_size:
            full = True
            self._term_size = size
        cursor = term.cursor
        if full:
            rows: Iterable[int] = range(term.rows)
        else:
            dirty = set(term.screen.dirty)
            old = self._last_cursor_row
            if old is not None:
                dirty.add(old)
            dirty.add(cursor[1])
            rows = sorted(y for y in dirty if 0 <= y < term.rows)
        lines = self._render_rows(term, rows)
        term.screen.dirty.clear()
        self._last_cursor_row = cursor[1]
        self._frame_taken.clear()
        frame = Frame(term.cols, term.rows, lines, full, cursor, position, playhead.count,
                      title=getattr(term, "title", "") or "", playing=playing, ended=ended, following=following,
                      seq=seq)
        self.post_message(FrameRendered(frame))

    def _render_rows(self, term, rows: Iterable[int]) -> dict[int, Strip]:  # type: ignore[no-untyped-def]
        from ...term.render import row_segments

        theme = self._terminal_theme
        return {y: Strip(row_segments(term, y, theme), term.cols) for y in rows}

    def on_frame_rendered(self, message: FrameRendered) -> None:
        frame = message.frame
        if frame.seq != self._seq:
            # From a request overtaken by a newer one, whose first frame is a full one.
            self._frame_taken.set()
            return
        view = self.query_one(TerminalView)
        resized = (frame.cols, frame.rows) != (view.cols, view.rows)
        if self._highlight is not None and self._highlight[0] == frame.seq:
            view.highlight = None  # drawn with the new frame; show() pans to it
            view.set_highlight(self._highlight[1])
        view.show(frame)
        self._frame_taken.set()
        self.position = frame.position
        self.count = frame.count
        if frame.ended:
            self.playing = False
        if frame.following and not self.following:
            self.following, self.playing = True, False  # playback reached the live edge
            self._follow_tick()  # what was written meanwhile
        if resized:
            self._auto_metadata()
        self._update_scrub()
        self._update_status()

    def on_engine_failed(self, message: EngineFailed) -> None:
        self.playing = False
        self._show_problem(printable(message.error))
        self.notify(printable(message.error), severity="error", timeout=8)
        self._update_status()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            if event.worker.group == "search":
                self._search_failed(f"the search failed: {type(error).__name__}: {error}")
                return
            self.playing = False
            self._show_problem(printable(f"{self.summary.ref.location}: {type(error).__name__}: {error}"))
            self.notify(printable(f"{type(error).__name__}: {error}"), title="Internal error", severity="error", timeout=10)
            self._update_status()

    # -- what is shown around the view ---------------------------------------------------
    @property
    def duration(self) -> float:
        known = self.replay.duration if self.replay is not None else 0.0
        if self.index_complete:
            return known
        return max(known, self.summary.duration or 0.0, self.indexed_duration)

    def _update_scrub(self) -> None:
        bar = self.query_one(ScrubBar)
        bar.duration = self.duration
        bar.position = min(self.position, self.duration) if self.duration else self.position
        bar.indexed = self.indexed_duration
        bar.complete = self.index_complete
        bar.playing = self.playing
        bar.live = self.live
        bar.following = self.following
        if self.replay is not None:
            markers = tuple(self.replay.markers)
            if markers != bar.markers:
                bar.markers = markers
        if self._match_times[0] is not self.matches:
            self._match_times = (self.matches, tuple(sorted({m.time for m in self.matches})))
        if self._match_times[1] != bar.matches:
            bar.matches = self._match_times[1]

    def _update_status(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append_text(self._live_status())
        if not self.following:  # speed and the idle cap do not apply at the live edge
            text.append("  " if text.plain else "")
            text.append(playback.speed_label(self.speed), style="bold")
            text.append(f"  idle≤{self.idle_cap:g}s" if self.idle_on else "  idle: real")
        text.append_text(self._search_status())
        if self.replay is not None:
            text.append(f"  ev {self.count}/{self.replay.event_count}", style="dim")
            if not self.index_complete:
                text.append(f"  indexing {self.index_fraction:.0%}", style="italic")
        view = self.query_one(TerminalView)
        if view.panned:
            r = view.visible_region()
            text.append("  panned: ", style="bold")
            if r.width < view.cols:
                text.append(f"cols {r.x + 1}-{r.right} ")
            if r.height < view.rows:
                text.append(f"rows {r.y + 1}-{r.bottom} ")
            text.append(f"of {view.cols}x{view.rows} (ctrl+arrows)")
        rec = self.summary
        text.append(f"  ·  {fmt.local_time(rec.start_ns)}", style="dim")
        who = rec.header.who if rec.header else ""
        if who:
            text.append(f" {printable(who)}", style="dim")
        self.query_one("#player-status", Static).update(text)

    def _live_status(self) -> Text:
        """"● LIVE following", "● LIVE" (f: follow), "■ finished", "file deleted"."""
        text = Text()
        colours = self.app.current_theme
        live = colours.success or "green"
        if self.vanished:
            text.append("⚠ file deleted  ", style=f"bold {colours.warning or 'yellow'}")
        if self.live and self.following:
            text.append("● LIVE", style=f"bold {live}")
            text.append(" following", style=live)
        elif self.live:
            text.append("● LIVE", style=f"bold {live}")
            text.append(" (f: follow)", style="dim")
        elif self.finished:
            text.append("■ finished", style="bold")
        return text

    # -- themes --------------------------------------------------------------------------
    @property
    def _terminal_theme(self):  # type: ignore[no-untyped-def]
        """The recording's own theme when its header has one (as asciinema-player does),
        else the palette of the app's theme."""
        if self._recording_theme is not None:
            return self._recording_theme
        theme = getattr(self.app, "terminal_theme", None)
        if theme is None:
            from ...term.render import Theme

            theme = Theme.default()
        return theme

    def _apply_terminal_theme(self) -> None:
        view = self.query_one(TerminalView)
        view.set_background(self._terminal_theme.bg)

    def _theme_changed(self, _theme: object = None) -> None:
        self._apply_terminal_theme()
        if self.following:
            self._start_following()
        elif self.replay is not None:
            self._request(EngineOp("resume", time=self.position, play=self.playing))

    # -- actions -------------------------------------------------------------------------
    def _seek(self, t: float) -> None:
        if self.replay is None:
            return
        t = playback.clamp(t, self.duration)
        self.position = t
        self._update_scrub()
        self._request(EngineOp("seek", time=t, play=self.playing))

    @on(SeekRequested)
    def _seek_requested(self, message: SeekRequested) -> None:
        self._seek(message.time)

    def action_toggle_play(self) -> None:
        if self.replay is None:
            return
        if self.playing or self.following:
            self._request(EngineOp("resume", time=self.position, play=False))
        else:
            at_end = self.index_complete and self.count >= self.replay.event_count
            if at_end and self.live:
                self._start_following()
            elif at_end:
                self._request(EngineOp("seek", time=0.0, play=True))
            else:
                self._request(EngineOp("resume", time=self.position, play=True))
        self._update_scrub()

    def action_skip(self, seconds: float) -> None:
        self._seek(self.position + seconds)

    def action_marker(self, direction: int) -> None:
        if self.replay is None:
            return
        markers = self.replay.markers
        found = (playback.next_marker if direction > 0 else playback.previous_marker)(markers, self.position)
        if found is None:
            self.notify("No marker " + ("after" if direction > 0 else "before") + " this point", timeout=2)
            return
        self._seek(found[0])

    def action_percent(self, digit: int) -> None:
        self._seek(playback.percent_time(digit, self.duration))

    def action_seek_start(self) -> None:
        self._seek(0.0)

    def action_seek_end(self) -> None:
        if self.live:
            self._start_following()
        else:
            self._seek(self.duration)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`f` (and its footer entry) only while there is something to follow."""
        if action == "follow":
            return self.live or self.following
        return True

    def action_follow(self) -> None:
        """`f`: follow the live edge; again: stop there (paused)."""
        if self.replay is None:
            return
        if self.following:
            self._request(EngineOp("resume", time=self.position, play=False))
            self._update_scrub()
            self._update_status()
        elif self.live:
            self._start_following()

    def _start_following(self) -> None:
        if self.replay is None:
            return
        self._request(EngineOp("follow"))
        self._update_scrub()
        self._update_status()

    def action_step(self, delta: int) -> None:
        if self.replay is None:
            return
        target = max(0, min(self.count + delta, self.replay.event_count))
        self.playing = False
        self._request(EngineOp("event", count=target, play=False))

    def action_speed(self, direction: int) -> None:
        self.speed = playback.faster(self.speed) if direction > 0 else playback.slower(self.speed)
        self._wake.set()
        self._update_status()

    def action_toggle_idle(self) -> None:
        self.idle_on = not self.idle_on
        self._wake.set()
        self._update_status()
        self.notify(f"Idle time capped at {self.idle_cap:g} s" if self.idle_on else "Idle time played in full", timeout=2)

    def action_toggle_metadata(self) -> None:
        self.metadata_auto = False
        pane = self.query_one(MetadataPane)
        pane.display = not pane.display

    def action_pan(self, dx: int, dy: int) -> None:
        view = self.query_one(TerminalView)
        view.pan_by(dx, dy)
        self._update_status()

    def action_goto(self) -> None:
        from .dialogs import GotoDialog

        def done(value: str | None) -> None:
            if not value:
                return
            try:
                t = fmt.parse_clock(value)
            except ValueError as exc:
                self.notify(str(exc), severity="error")
                return
            self._seek(t)

        self.app.push_screen(GotoDialog(fmt.clock(self.position)), done)

    def action_export(self) -> None:
        from .dialogs import ExportDialog

        def done(choice: str | None) -> None:
            if choice:
                self._export(choice, self.position, self.count)

        self.app.push_screen(ExportDialog(), done)

    def export_path(self, fmt_name: str, position: float) -> Path:
        stem = Path(self.summary.ref.name).stem.replace(":", "-") or "recording"
        base = Path(getattr(self.app, "export_dir", None) or os.getcwd())
        tenths = int(max(0.0, position) * 10)  # as the position is shown (fmt.clock)
        mins, rest = divmod(tenths, 600)
        name = f"{stem}-{mins}m{rest // 10:02d}.{rest % 10}s"
        ext = EXPORT_EXT[fmt_name]
        path = base / f"{name}.{ext}"
        n = 1
        while path.exists():
            path = base / f"{name}-{n}.{ext}"
            n += 1
        return path

    def _frame_at(self, position: float, count: int):  # type: ignore[no-untyped-def]
        """A fresh terminal showing the frame on view (the engine's is in use)."""
        replay = self.replay
        if count <= replay.event_count:
            return replay.seek_event(count).term
        return replay.seek(position).term

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, fmt_name: str, position: float, count: int) -> None:
        from ...term.render import export

        if self.replay is None:
            return
        try:
            term = self._frame_at(position, count)
            data = export(term, fmt_name, self._terminal_theme)
            path = self.export_path(fmt_name, position)
            path.write_text(data, encoding="utf-8")
        except (OSError, SourceError) as exc:
            self.post_message(EngineFailed(f"export failed: {exc.strerror or exc} ({getattr(exc, 'filename', '') or ''})"))
            return
        self.post_message(FrameExported(str(path), fmt_name))

    def on_frame_exported(self, message: FrameExported) -> None:
        self.last_export = message.path
        self.notify(f"Saved {message.fmt} to {printable(message.path)}", title="Exported", timeout=8)

    def action_copy(self) -> None:
        if self.replay is not None:
            self._copy(self.position, self.count)

    @work(thread=True, group="export", exit_on_error=False)
    def _copy(self, position: float, count: int) -> None:
        from ...term.render import to_text

        try:
            text = to_text(self._frame_at(position, count))
        except (OSError, SourceError) as exc:
            self.post_message(EngineFailed(f"copy failed: {exc.strerror or exc}"))
            return
        self.post_message(ScreenTextCopied(text))

    def on_screen_text_copied(self, message: ScreenTextCopied) -> None:
        self.app.copy_to_clipboard(message.text)
        lines = message.text.count("\n")
        self.notify(f"Copied the screen text ({lines} lines) to the clipboard", timeout=3)

    def action_help(self) -> None:
        self.app.action_help()  # type: ignore[attr-defined]

    def action_back(self) -> None:
        self._follow_stop.set()
        self.workers.cancel_group(self, "engine")
        self.workers.cancel_group(self, "index")
        self.workers.cancel_group(self, "search")
        self._wake.set()
        self.app.pop_screen()

    def action_escape(self) -> None:
        """esc: close the search panel (and clear the highlight); again: forget the
        search; else back to the recordings."""
        panel = self.query_one("#search-panel")
        if panel.has_class("-shown"):
            panel.remove_class("-shown")
            self.set_focus(None)
            self._clear_highlight()
            self._update_status()
        elif self.matches or self.searching or self.search_query is not None or self._highlight is not None:
            self._forget_search()
        else:
            self.action_back()

    # -- search --------------------------------------------------------------------------
    def action_search(self) -> None:
        """`/`: show the search panel, the cursor in the box (the last search in it)."""
        panel = self.query_one("#search-panel")
        panel.add_class("-shown")
        box = self.query_one("#search-box", Input)
        if not box.value and self.search_query is not None:
            box.value = query_text(self.search_query)
        self._update_search_info()
        box.focus()

    @on(Input.Submitted, "#search-box")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            query = parse_query(event.value)
        except ValueError as exc:
            self._search_failed(str(exc))
            return
        self._clear_highlight()
        self.start_match = None
        self._start_search(query)

    def _start_search(self, query: Query) -> None:
        if self.replay is None:
            self._search_failed("the recording is not open: nothing to search")
            return
        self.search_query = query
        self.matches, self.match_index = [], None
        self.search_error = None
        self.searching = True
        self._search_seq += 1
        self._search_progress = (0, 0)
        self._search_limited = False
        self._fill_results()
        self._update_search_info()
        self._update_scrub()
        self._update_status()
        self._search(query, self._search_seq)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, query: Query, seq: int) -> None:
        from ...recording import Recording
        from ...search import search_recording

        worker = get_current_worker()
        replay = self.replay
        if replay is None:
            return
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY:
                last = now
                self.post_message(SearchProgressed(done, total, seq))

        ref = self.summary.ref
        try:
            # A local file is looked at now (it may have grown); a remote one is as listed.
            recording = Recording.from_ref(ref, getattr(self.app, "source_for", lambda _label: None)(ref.source))
            matches = search_recording(
                recording, query.pattern, query.regex, query.ignore_case, progress=progress,
                cancelled=lambda: worker.is_cancelled, cache_dir=self.app_settings().cache_dir,
                only_shown=True, limit=MATCH_LIMIT + 1)
        except SearchCancelled:
            return
        except ValueError as exc:
            self.post_message(SearchFailed(str(exc), seq))
            return
        except CastError as exc:
            where = Path(exc.path).name + (f":{exc.line}" if exc.line is not None else "")
            self.post_message(SearchFailed(f"{where}: {exc.message}", seq))
            return
        except (OSError, SourceError) as exc:
            self.post_message(SearchFailed(f"{replay.name}: cannot read ({getattr(exc, 'strerror', None) or exc})", seq))
            return
        except sqlite3.Error as exc:
            self.post_message(SearchFailed(f"the search index of {replay.name}: {exc}", seq))
            return
        self.post_message(RecordingSearched(matches[:MATCH_LIMIT], len(matches) > MATCH_LIMIT, seq))

    def on_search_progressed(self, message: SearchProgressed) -> None:
        if message.seq == self._search_seq and self.searching:
            self._search_progress = (message.done, message.total)
            self._update_search_info()
            self._update_status()

    def on_recording_searched(self, message: RecordingSearched) -> None:
        if message.seq != self._search_seq:
            return  # overtaken by a newer search
        self.searching = False
        self.matches = message.matches
        self._search_limited = message.limited
        start = self.start_match
        if start is not None:
            # Opened at a match of a fleet search: count it among this recording's.
            key = (start.time, start.row, start.col_start, start.screen)
            self.match_index = next((i for i, m in enumerate(self.matches)
                                     if (m.time, m.row, m.col_start, m.screen) == key), None)
            self.start_match = None
        self._fill_results()
        self._update_search_info()
        self._update_scrub()
        self._update_status()
        results = self.query_one("#search-results", OptionList)
        if self.matches and self.query_one("#search-box", Input).has_focus:
            results.focus()

    def on_search_failed(self, message: SearchFailed) -> None:
        if message.seq == self._search_seq:
            self._search_failed(message.error)

    def _search_failed(self, error: str) -> None:
        self.searching = False
        self.search_error = error
        self.query_one("#search-panel").add_class("-shown")
        self._update_search_info()
        self._update_status()

    def _fill_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        results.add_options([Option(match_row(m)) for m in self.matches])
        results.set_class(bool(self.matches), "-shown")
        if self.matches:
            current = self.match_index if self.match_index is not None else nearest(self.matches, self.position)
            results.highlighted = current

    @on(OptionList.OptionSelected, "#search-results")
    def _result_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._goto_match(event.option_index)

    def action_next_match(self, direction: int) -> None:
        """n / N: the next / previous match, wrapping around."""
        if not self.matches:
            self.notify("Nothing to step through: search first (/)" if not self.searching
                        else "Still searching…", timeout=2)
            return
        target, wrapped = step(self.matches, self.match_index, self.position, direction)
        if wrapped:
            self.notify("Search wrapped to the " + ("first" if direction > 0 else "last") + " match", timeout=2)
        self._goto_match(target)

    def _goto_match(self, index: int) -> None:
        if self.replay is None or not 0 <= index < len(self.matches):
            return
        m = self.matches[index]
        self.match_index = index
        self.position = m.time
        self._request(EngineOp("seek", time=m.time, play=False), Highlight(m.row, m.col_start, m.col_end))
        results = self.query_one("#search-results", OptionList)
        if results.option_count == len(self.matches):
            results.highlighted = index
        self._update_search_info()
        self._update_scrub()
        self._update_status()

    def _clear_highlight(self) -> None:
        self._highlight = None
        self.query_one(TerminalView).set_highlight(None)

    def _forget_search(self) -> None:
        """esc with the panel closed: drop the results, their markers and the status."""
        self.workers.cancel_group(self, "search")
        self._search_seq += 1
        self.search_query = None
        self.matches, self.match_index = [], None
        self.searching = False
        self.search_error = None
        self.start_match = None
        self.query_one("#search-box", Input).value = ""
        self._clear_highlight()
        self._fill_results()
        self._update_scrub()
        self._update_status()

    def _progress_text(self) -> str:
        done, total = self._search_progress
        return f"searching… indexing the text {done / total:.0%}" if total else "searching…"

    def _update_search_info(self) -> None:
        info = self.query_one("#search-info", Static)
        info.set_class(self.search_error is not None, "-error")
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.search_error is not None:
            text.append("⚠ " + printable(self.search_error))
        elif self.searching:
            text.append(self._progress_text())
        elif self.search_query is not None and not self.matches:
            text.append("no match for ")
            text.append_text(describe(self.search_query))
        elif self.matches:
            n = len(self.matches)
            if self.match_index is not None:
                text.append(f"match {self.match_index + 1}/{n}", style="bold")
            else:
                text.append(f"{n}{'+' if self._search_limited else ''} match{'es' if n != 1 else ''}", style="bold")
            text.append(" for ")
            text.append_text(describe(self.search_query) if self.search_query is not None else Text())
            if self._search_limited:
                text.append(f" (the first {n})")
            text.append("  ·  enter: go · n/N: next/prev · esc: close")
        else:
            text.append(SEARCH_HINT)
        info.update(text)

    def _search_status(self) -> Text:
        """The status line's part about the search: "match 3/17", progress, or none."""
        text = Text()
        if self.searching:
            text.append("  " + self._progress_text(), style="italic")
        elif self.matches:
            n = len(self.matches)
            count = f"{n}+" if self._search_limited else str(n)
            on_view = self._highlight is not None and self.match_index is not None
            label = f"match {self.match_index + 1}/{count}" if on_view else f"{count} match{'es' if n != 1 else ''}"
            text.append("  " + label, style="bold")
        elif self.search_query is not None and self.search_error is None:
            text.append("  no match", style="bold")
        return text

    def on_unmount(self) -> None:
        self._follow_stop.set()
        self.workers.cancel_node(self)
        self._wake.set()
