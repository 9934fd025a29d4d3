"""The player: a view of a playback engine (castview.playback), with the keys that drive it.

The engine owns the playhead and its thread (opening, indexing, playing, following a
file being written). Keys become engine commands; the engine's notices arrive as
PlaybackNotified messages and set the widgets: the terminal view (rows already rendered
into Strips on the engine's thread), the scrub bar, the status line, the metadata pane.
Nothing here reads what a thread mutates: the screen keeps the values the notices carry.

Every command returns a sequence number; a frame made before the latest command is
dropped (the answer to that command follows). A jump to a search match seeks and
highlights the match's cells once the frame of that seek is on view, until the next
search, `esc`, or any other move of the playhead. `/` is the search panel
(ui/player_search.py); `e` and `c` are ui/export_actions.py.

What goes to the terminal is kept small for slow (SSH) links: frames come at most
`settings.frame_rate` times a second, and the view, the status line and the scrub bar
repaint only the cells that changed. `z` (compact) hides the footer and the status line;
the scrub bar then shows over the view's last row for a moment after each key.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import BinaryIO

from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.containers import Container, Horizontal
from textual.reactive import var
from textual.screen import Screen
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import Footer, Input
from textual.worker import Worker, WorkerState

from ...cast import timeline
from ...cast.model import Problem, Size
from ...config import Settings
from ...follow import FINISHED, GROWN, OPENED, RELOADED, RESUMED, VANISHED, WAITING
from ...moments import Span, frame_bound, link, match_bound, parse_moment
from ...playback import (
    Engine,
    FactsGathered,
    Failed,
    Followed,
    Frame,
    IndexChanged,
    IndexState,
    LiveState,
    MarkerMissing,
    Opened,
    OpenFailed,
)
from ...problem_store import incomplete_line_problem
from ...provenance import absolute
from ...recording import Recording
from ...search import Match, Query
from ...sources.base import Source
from ...sources.catalog import DAMAGED, LIVE, LIVE_SECONDS, RecordingSummary
from ...term.render import Theme
from ...term.screen import Terminal
from .. import export_actions, partial_updates
from ..clip_actions import ClipWritten
from ..messages import (
    ExportFailed,
    FrameExported,
    PlaybackNotified,
    RecordingDamaged,
    ScreenTextCopied,
    SeekRequested,
)
from ..player_keys import PLAYER_KEYS
from ..player_search import SearchPanel
from ..review_actions import BookmarksLoaded, LedgerFailed, ReviewRecorded, tell_failed, tell_reviewed
from ..search_view import step
from ..toast import toast
from ..widgets.commands_pane import CommandsPane
from ..widgets.metadata_pane import MetadataPane
from ..widgets.problem_line import ProblemLine
from ..widgets.scrub_bar import ScrubBar
from ..widgets.status_line import PlayerStatus, StatusLine
from ..widgets.terminal_view import Highlight, TerminalView

METADATA_WIDTH = 36
METADATA_WIDTH_MAX = 60
OVERLAY_SECONDS = 3.0  # compact mode: how long the scrub bar stays over the view after a key
SUGGEST_LOW_BANDWIDTH = 16 * 1024  # bytes a second of recording output that over SSH is worth a hint


class PlayerScreen(Screen[None]):
    """Plays one recording."""

    AUTO_FOCUS = ""  # nothing: keys go to the player; the search box takes focus on `/` only

    BINDINGS = PLAYER_KEYS

    # what the engine said last; the footer's `space` follows them (active_bindings)
    playing = var(False, bindings=True)
    following = var(False, bindings=True)
    """Follow mode: the view stays at the live edge, showing output as it is appended."""

    def __init__(self, summary: RecordingSummary, *, settings: Settings, source: Source | None,
                 terminal_theme: Callable[[], Theme], export_dir: str | os.PathLike[str] | None = None,
                 autoplay: bool = True, start: float | None = None, query: Query | None = None,
                 match: Match | None = None, finished_after: float = LIVE_SECONDS) -> None:
        """`source`: what lists the recording (None: a local file); `terminal_theme`: the
        app's palette now. `match` (with the `query` that found it): open at the match,
        highlighted, and search the recording for `query` so n/N step through its other
        matches. `finished_after`: a live recording that has not grown for this many
        seconds is taken as finished."""
        super().__init__()
        self.summary = summary
        self.settings = settings
        self._source = source
        self._app_terminal_theme = terminal_theme
        self._export_dir = export_dir
        self.autoplay = autoplay and match is None
        self.start_at = match.time if match is not None else start
        self._start_match = match
        self._query = query
        self.finished_after = finished_after
        self.speed = timeline.clamp_speed(settings.speed)
        header_limit = summary.header.idle_time_limit if summary.header else None
        self.idle_cap = timeline.idle_cap(settings.idle_limit, header_limit)
        self.idle_on = True
        # what the engine said last (values, never its state)
        self.replay = None  # castview.term.keyframes.Replay once opened (fresh seeks from any thread)
        self.error: str | None = None
        self.position = 0.0
        self.count = 0
        self.index = IndexState(0, 0.0, 0.0, False, listed_duration=summary.duration or 0.0)
        self.live_state = LiveState(live=summary.status == LIVE)
        self.facts = MetadataPane.facts_for(summary)
        self.metadata_auto = True
        self.last_export: str | None = None
        self._recording_theme = Theme.from_asciicast(summary.header.theme) if summary.header and summary.header.theme \
            else None
        self._engine: Engine[Strip] | None = None
        self._seq = 0  # of the last command sent
        self._highlight: tuple[int, Highlight] | None = None  # cells to show with the frame of that command
        self.utc = settings.utc
        """The wall clock in UTC (else local time); `u` toggles it."""
        self.compact = settings.compact
        self._marker_seq: int | None = None  # a jump to a marker: its label is shown with its frame
        self._overlay_timer: Timer | None = None
        self._suggested = settings.low_bandwidth  # the low-bandwidth hint is given once
        self._view_changed_cells = True  # the last frame changed what the view shows
        self._scrub_target: float | None = None  # a drag on the scrub bar, held back by the frame cap
        self._scrub_timer: Timer | None = None

    # -- what the engine said, for the keys and the tests ----------------------------------
    @property
    def live(self) -> bool:
        """The file is still being written (the catalog said so, or it grew while open)."""
        return self.live_state.live

    @property
    def finished(self) -> bool:
        """It was live and stopped growing (shown as finished until it grows again)."""
        return self.live_state.finished

    @property
    def index_complete(self) -> bool:
        return self.index.built

    @property
    def duration(self) -> float:
        return self.index.length

    @property
    def _search(self) -> SearchPanel:
        return self.query_one(SearchPanel)

    # The search's state, as the panel keeps it.
    search_query = property(lambda self: self._search.search_query)
    matches = property(lambda self: self._search.matches)
    match_index = property(lambda self: self._search.match_index)
    searching = property(lambda self: self._search.searching)
    search_error = property(lambda self: self._search.error)

    # -- layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="player-main"):
            with Container(id="term-box"):
                yield TerminalView(id="terminal")
            yield MetadataPane(id="metadata")
            yield CommandsPane(id="commands")
        yield SearchPanel(self._query, self._start_match, self.settings.cache_dir, id="search-panel")
        yield StatusLine(id="player-status")
        yield ProblemLine(id="player-problem")
        yield ScrubBar(id="scrub")
        yield Footer(show_command_palette=False)  # room for the keys at 80 columns; ctrl+p still works

    def on_mount(self) -> None:
        from ...term.index_store import IndexStore

        partial_updates.install()
        view = self.query_one(TerminalView)
        if self.summary.header is not None:
            size = self.summary.header.size
            view.cols, view.rows = size.cols, size.rows
        view.set_background(self._terminal_theme.bg)
        self.query_one(MetadataPane).show(self.summary.header, self.facts)
        commands = self.query_one(CommandsPane)
        commands.display = False
        commands.bound = self._match_bound
        self._auto_metadata()
        bar = self.query_one(ScrubBar)
        bar.duration = self.summary.duration or 0.0
        bar.whole_seconds = self.settings.low_bandwidth
        self.set_class(self.compact, "-compact")
        self._update_status()
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        ref = self.summary.ref
        engine: Engine[Strip] = Engine(
            lambda: Recording.from_ref(ref, self._source), lambda n: self.post_message(PlaybackNotified(n)),
            location=ref.location, render_row=self._row_renderer(), store=IndexStore(self.settings.cache_dir),
            speed=self.speed, idle_cap=self.idle_cap, live=self.live, watch=ref.may_grow,
            listed_duration=self.summary.duration or 0.0, finished_after=self.finished_after,
            frame_interval=1 / self.settings.frame_rate)
        self._engine = engine
        commands.load(self._commands_recording, ref.location, self.settings.cache_dir, cached_only=True)
        if self.live and self.start_at is None:
            self._send(Engine.follow, opened=False, following=True)  # a live recording opens at its live edge
        else:
            m = self._start_match
            self._send(lambda e: e.seek(self.start_at or 0.0, play=self.autoplay), opened=False,
                       highlight=Highlight(m.row, m.col_start, m.col_end) if m is not None else None)
        engine.start()

    def on_resize(self) -> None:
        self._auto_metadata()

    @on(TerminalView.ViewChanged)
    def _view_changed(self) -> None:
        self._update_status()

    def on_unmount(self) -> None:
        if self._engine is not None:
            self._engine.close()

    def _auto_metadata(self) -> None:
        """Show the metadata pane when the terminal view keeps its full width beside it
        (at 80 columns it is hidden until `m`); give it what room is left, within reason."""
        cols = self.query_one(TerminalView).cols
        pane = self.query_one(MetadataPane)
        spare = self.size.width - cols - 2
        pane.styles.width = max(METADATA_WIDTH, min(METADATA_WIDTH_MAX, spare))
        if self.metadata_auto:
            pane.display = spare >= METADATA_WIDTH

    # -- commands ------------------------------------------------------------------------
    def _send(self, command: Callable[[Engine[Strip]], int], *, highlight: Highlight | None = None,
              move: bool = True, opened: bool = True, playing: bool | None = None,
              following: bool | None = None) -> None:
        """Send a command (`opened`: only once the recording is open; keys that move do
        nothing before). Frames made before it are dropped; a move clears the highlight,
        or (`highlight`) shows another with its frame."""
        if self._engine is None or (opened and self.replay is None):
            return
        seq = self._seq = command(self._engine)
        if move:
            self.query_one(TerminalView).release_pan()
        if highlight is not None or move:
            self._clear_highlight()
        if highlight is not None:
            self._highlight = (seq, highlight)
        self.playing = self.playing if playing is None else playing
        self.following = self.following if following is None else following
        self._update_scrub()
        self._update_status()
        self._show_overlay()

    def settled(self) -> bool:
        """Every command sent has been carried out and its frame is on view (for tests)."""
        return self._engine is not None and self._engine.settled.is_set() and self._scrub_target is None

    def _seek(self, t: float, highlight: Highlight | None = None, play: bool | None = None) -> None:
        if self.replay is not None:
            self.position = timeline.clamp(t, self.duration)
        self._send(lambda engine: engine.seek(t, play=play), highlight=highlight)

    @on(SeekRequested)
    def _seek_requested(self, message: SeekRequested) -> None:
        """A click or drag on the scrub bar: seeks at most `frame_rate` times a second (a
        drag sends many), the last one always."""
        self._scrub_target = message.time
        if self._scrub_timer is None:
            self._scrub_tick()

    def _scrub_tick(self) -> None:
        self._scrub_timer = None
        if self._scrub_target is not None:
            target, self._scrub_target = self._scrub_target, None
            self._seek(target)
            self._scrub_timer = self.set_timer(1 / self.settings.frame_rate, self._scrub_tick)

    def action_toggle_play(self) -> None:
        if self.playing or self.following:
            self._send(Engine.pause, move=False, playing=False, following=False)
        else:
            self._send(Engine.play, playing=True, following=False)

    def action_skip(self, seconds: float) -> None:
        self._send(lambda engine: engine.skip(seconds))

    def action_marker(self, direction: int) -> None:
        self._send(lambda engine: engine.seek_marker(direction))
        self._marker_seq = self._seq

    def action_percent(self, digit: int) -> None:
        self._send(lambda engine: engine.seek_percent(digit))

    def action_seek_start(self) -> None:
        self._send(Engine.seek_start)

    def action_seek_end(self) -> None:
        self._send(Engine.seek_end)

    def action_step(self, delta: int) -> None:
        self._send(lambda engine: engine.step(delta), playing=False)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The footer's `space` says what it does now: Pause while playing or following."""
        bindings = super().active_bindings
        space = bindings.get("space")
        if space is not None and space.binding.action == "toggle_play" and (self.playing or self.following):
            bindings["space"] = space._replace(binding=dataclasses.replace(space.binding, description="Pause"))
        return bindings

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`f` (and its footer entry) only while there is something to follow; `/` in the
        search box is a character of the search."""
        if action == "follow":
            return self.live or self.following
        if action == "search":
            return self.focused is not self.query_one("#search-box", Input)  # (has_focus follows later)
        return True

    def action_follow(self) -> None:
        """`f`: follow the live edge; again: stop there (paused)."""
        if self.following:
            self._send(Engine.pause, move=False, playing=False, following=False)
        elif self.live:
            self._send(Engine.follow, playing=False, following=True)

    def action_speed(self, direction: int) -> None:
        self.speed = timeline.faster(self.speed) if direction > 0 else timeline.slower(self.speed)
        self._send(lambda engine: engine.set_speed(self.speed), move=False, opened=False)

    def action_toggle_idle(self) -> None:
        self.idle_on = not self.idle_on
        cap = self.idle_cap if self.idle_on else None
        self._send(lambda engine: engine.set_idle_cap(cap), move=False, opened=False)
        toast(self, f"Idle time capped at {self.idle_cap:g} s" if cap is not None else "Idle time played in full",
              timeout=2)

    def action_toggle_metadata(self) -> None:
        self.metadata_auto = False
        pane = self.query_one(MetadataPane)
        pane.display = not pane.display

    def action_toggle_commands(self) -> None:
        """`t`: the commands pane; where the view has no room for both panes (80 columns)
        it takes the metadata pane's place."""
        pane = self.query_one(CommandsPane)
        pane.display = not pane.display
        if not pane.display:
            if pane.has_focus:
                self.set_focus(None)
            return
        spare = self.size.width - self.query_one(TerminalView).cols - 2
        if spare < 2 * METADATA_WIDTH:
            self.metadata_auto = False
            self.query_one(MetadataPane).display = False
        pane.position = self.position
        pane.load(self._commands_recording, self.summary.ref.location, self.settings.cache_dir)
        pane.focus()

    def _commands_recording(self) -> Recording:
        """The recording, for the commands pane's worker (called on its thread)."""
        return Recording.from_ref(self.summary.ref, self._source)

    def on_commands_pane_found(self, message: CommandsPane.Found) -> None:
        self.query_one(ScrubBar).commands = tuple(c.time for c in message.commands)

    def action_pan(self, dx: int, dy: int) -> None:
        self.query_one(TerminalView).pan_by(dx, dy)
        self._update_status()

    def action_toggle_utc(self) -> None:
        """`u`: the wall clock in UTC or in the local zone, said in a toast (where the
        local zone is UTC the status line alone would not change)."""
        self.utc = not self.utc
        self._update_status()
        from ... import formatting as fmt

        zone = fmt.zone_name(datetime.now().astimezone())
        toast(self, "wall clock: UTC" if self.utc else f"wall clock: local time ({zone})", timeout=2)

    def action_toggle_compact(self) -> None:
        """`z`: hide the footer and the status line (the scrub bar shows for a moment after a key)."""
        self.compact = not self.compact
        self.set_class(self.compact, "-compact")
        self._show_overlay()

    def _show_overlay(self) -> None:
        """Compact mode: the scrub bar over the view's last row, for OVERLAY_SECONDS."""
        if not self.compact or not self.is_mounted:
            return
        self.add_class("-overlay")
        if self._overlay_timer is not None:
            self._overlay_timer.stop()
        self._overlay_timer = self.set_timer(OVERLAY_SECONDS, lambda: self.remove_class("-overlay"))

    def span(self) -> Span:
        """The recording's exact start and its duration as far as known (the listing's
        until the index is further), for the moments typed (g)."""
        return Span(self.summary.start_ns, max(self.duration, self.summary.duration or 0.0))

    def clock_zone(self) -> tzinfo | None:
        """The zone a time of day typed in `g` is read in: the wall clock's (None: local)."""
        return UTC if self.utc else None

    @property
    def before(self) -> float | None:
        """What a time shown for the frame on view must stay before (moments.frame_bound)."""
        if self.replay is None:
            return None
        view = self.replay.view
        return frame_bound(view.times, self.count, view.complete, self.position)

    def _match_bound(self, t: float) -> float | None:
        """moments.match_bound in the recording as now open (it may be reloaded)."""
        replay = self.replay
        if replay is None:
            return math.nextafter(t, math.inf)
        return match_bound(replay.view.times, replay.view.complete, t)

    def action_goto(self) -> None:
        """`g`: go to a moment typed as moments.py reads it (a position, an RFC 3339 time,
        a time of day); one outside the recording is said in the dialog, not jumped to."""
        from ... import formatting as fmt
        from .dialogs import GotoDialog

        def done(seconds: float | None) -> None:
            if seconds is not None:
                self._seek(seconds, play=False)

        zone = self.clock_zone()
        zone_label = "UTC" if zone is not None else "local"
        self.app.push_screen(GotoDialog(lambda text: parse_moment(text, self.span(), self.clock_zone()),
                                        fmt.clock(self.position, self.before), zone_label), done)

    def action_copy_link(self) -> None:
        """`l`: copy `RECORDING@RFC3339` (the frame on view) as `castview open` takes it,
        through the same OSC 52 path as `c`."""
        text = link(absolute(self.summary.ref.location), self.summary.start_ns, self.position, self.before)
        self.app.copy_to_clipboard(text)
        toast(self, f"Copied a link to this moment: {text}", title="Link copied", timeout=6)

    def action_export(self) -> None:
        from .dialogs import ExportDialog

        def done(choice: str | None) -> None:
            if choice and self.replay is not None:
                export_actions.start_export(self, self.replay, choice, self.position, self.count,
                                            self._terminal_theme, self._export_dir, self.summary,
                                            self._open_whole)

        self.app.push_screen(ExportDialog(), done)

    def _open_whole(self) -> BinaryIO:
        """The recording from start to end (its checksum in an export's provenance)."""
        return Recording.from_ref(self.summary.ref, self._source).open_whole()

    def on_frame_exported(self, message: FrameExported) -> None:
        self.last_export = message.path
        if message.downloaded:
            toast(self, f"Sent {message.path} to the browser as a download", title="Exported", timeout=8)
        else:
            toast(self, f"Saved {message.fmt} to {message.path}", title="Exported", timeout=8)

    def action_copy(self) -> None:
        if self.replay is not None:
            export_actions.start_copy(self, self.replay, self.position, self.count)

    def on_screen_text_copied(self, message: ScreenTextCopied) -> None:
        self.app.copy_to_clipboard(message.text)
        lines = message.text.count("\n")
        toast(self, f"Copied the screen text ({lines} lines) to the clipboard", timeout=3)

    def on_export_failed(self, message: ExportFailed) -> None:
        self.query_one(ProblemLine).show_error(message.error)
        toast(self, message.error, severity="error", timeout=8)

    # -- review ledger: a verdict (a), bookmarks (b) ----------------------------------------
    def _target(self) -> Recording:
        return Recording.from_ref(self.summary.ref, self._source)

    def action_review(self) -> None:
        from ..review_actions import start_review
        from .review_dialogs import VerdictDialog

        def done(choice: tuple[str, str] | None) -> None:
            if choice is not None:
                start_review(self, self.settings, self._target, *choice)

        self.app.push_screen(VerdictDialog(self.summary.ref.name, self.settings, self._target), done)

    def action_bookmarks(self) -> None:
        from ..review_actions import load_bookmarks

        load_bookmarks(self, self.settings, self._target)  # then on_bookmarks_loaded shows them

    def on_bookmarks_loaded(self, message: BookmarksLoaded) -> None:
        from ... import formatting as fmt
        from ..review_actions import start_bookmark
        from .review_dialogs import BookmarksDialog

        if message.added is not None:
            toast(self, f"Bookmark at {fmt.clock(message.added.at)}", timeout=3)
            return
        position, before = self.position, self.before

        def done(choice: tuple[str, str | float] | None) -> None:
            if choice is None:
                return
            what, value = choice
            if what == "add":
                start_bookmark(self, self.settings, self._target, position, str(value))
            else:
                self._seek(float(value))

        self.app.push_screen(BookmarksDialog(position, message.bookmarks, before), done)

    # -- a clip or an evidence pack (x) -----------------------------------------------------
    def action_clip(self) -> None:
        """`x`: a clip or pack from the frame on view to the end (ui/screens/clip_dialog.py)."""
        from ..clip_actions import default_folder, recording_folders, start_text, tell_written
        from .clip_dialog import ClipDialog

        folders = recording_folders(getattr(self.app, "sources", []), self.summary.ref)
        start = start_text(self.position, self.before)
        resume = self._pause_for_dialog()

        def done(result: ClipWritten | None) -> None:
            resume()
            if result is not None:
                tell_written(self, result)

        self.app.push_screen(ClipDialog(self.summary.ref.name, self.span(), self._target, self.settings,
                                        start=start,
                                        folder=default_folder(self._export_dir, folders), forbidden=folders,
                                        zone=self.clock_zone(), download=self.app.is_web), done)

    def _pause_for_dialog(self) -> Callable[[], None]:
        """Pause while a dialog about the frame on view is open (the clip's `from` is that
        frame); the function returned plays or follows again if it did before."""
        playing, following = self.playing, self.following
        if playing or following:
            self._send(Engine.pause, move=False, playing=False, following=False)

        def resume() -> None:
            if following and self.live:
                self._send(Engine.follow, playing=False, following=True)
            elif playing:
                self._send(Engine.play, playing=True, following=False)
        return resume

    def on_review_recorded(self, message: ReviewRecorded) -> None:
        tell_reviewed(self, message)

    def on_ledger_failed(self, message: LedgerFailed) -> None:
        tell_failed(self, message)

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_back(self) -> None:
        if self._engine is not None:
            self._engine.close()
        self._search.cancel()
        self.app.pop_screen()

    def action_escape(self) -> None:
        """esc: close the search panel (and clear the highlight); again: forget the
        search; else back to the recordings."""
        panel = self._search
        if panel.shown:
            panel.close()
            self.set_focus(None)
            self._clear_highlight()
            self._update_status()
        elif panel.active or self._highlight is not None:
            self._clear_highlight()
            panel.forget()
        else:
            self.action_back()

    # -- search --------------------------------------------------------------------------
    def action_search(self) -> None:
        self._search.open()

    def action_next_match(self, direction: int) -> None:
        """n / N: the next / previous match, wrapping around."""
        panel = self._search
        if not panel.matches:
            toast(self, "Nothing to step through: search first (/)" if not panel.searching
                  else "Still searching…", timeout=2)
            return
        target, wrapped = step(panel.matches, panel.match_index, self.position, direction)
        if wrapped:
            toast(self, "Search wrapped to the " + ("first" if direction > 0 else "last") + " match", timeout=2)
        self._go_to_match(target)

    @on(SearchPanel.MatchChosen)
    def _match_chosen(self, message: SearchPanel.MatchChosen) -> None:
        self._go_to_match(message.index)

    def _go_to_match(self, index: int) -> None:
        if self.replay is None:
            return
        m = self._search.go_to(index)
        if m is not None:
            self._seek(m.time, Highlight(m.row, m.col_start, m.col_end), play=False)

    @on(SearchPanel.Changed)
    def _search_changed(self, message: SearchPanel.Changed) -> None:
        if message.new:
            self._clear_highlight()
        if message.found:
            self._search.point_at(self.position)
        self._update_scrub()
        self._update_status()

    def _clear_highlight(self) -> None:
        self._highlight = None
        self.query_one(TerminalView).set_highlight(None)

    # -- what the engine says ------------------------------------------------------------
    def on_playback_notified(self, message: PlaybackNotified) -> None:
        match message.notice:
            case Frame() as frame:
                self._show_frame(frame)
            case Opened() as opened:
                self._opened(opened)
            case OpenFailed(error):
                self.error = error
                self.query_one(ProblemLine).show_error(error)
                self.facts.problems = [Problem(None, error)]
                self.query_one(MetadataPane).show(self.summary.header, self.facts)
            case IndexChanged(index):
                self.index = index
                if index.built:
                    self._refresh_facts()
                    if index.problems and self.summary.status not in (DAMAGED, LIVE):
                        self.post_message(RecordingDamaged(dataclasses.replace(self.summary, status=DAMAGED)))
            case FactsGathered(output_bytes, resizes):
                self._suggest_low_bandwidth(output_bytes)
                self.facts.output_bytes = output_bytes
                self.facts.resizes = [(t, f"{s.cols}x{s.rows}") for t, s in resizes]
                self.query_one(MetadataPane).show(self.summary.header, self.facts)
            case Followed() as followed:
                self._followed(followed)
            case MarkerMissing(direction):
                toast(self, "No marker " + ("after" if direction > 0 else "before") + " this point", timeout=2)
            case Failed(error, internal):
                self.playing = False
                if internal:
                    self.query_one(ProblemLine).show_error(f"{self.summary.ref.location}: {error}")
                    toast(self, error, title="Internal error", severity="error", timeout=10)
                else:
                    self.query_one(ProblemLine).show_error(error)
                    toast(self, error, severity="error", timeout=8)
        self._update_scrub()
        self._update_status()

    def _show_frame(self, frame: Frame[Strip]) -> None:
        assert self._engine is not None
        if frame.seq < self._seq:
            self._engine.frame_taken()  # made before the last command, whose answer follows
            return
        view = self.query_one(TerminalView)
        resized = (frame.cols, frame.rows) != (view.cols, view.rows)
        if self._highlight is not None and self._highlight[0] <= frame.seq and view.highlight is None:
            view.set_highlight(self._highlight[1])  # drawn with the new frame; show() pans to it
        self._view_changed_cells = view.show(frame)
        self._engine.frame_taken()
        if self._marker_seq is not None and frame.seq >= self._marker_seq:
            self._marker_seq = None
            labels = [label for t, label in frame.index.markers if abs(t - frame.position) < 1e-6]
            if labels:
                toast(self, " / ".join(label or "(no label)" for label in labels), title="Marker", timeout=3)
        self.position, self.count = frame.position, frame.count
        self.playing, self.following = frame.playing, frame.following
        self.index = frame.index
        if frame.live != self.live_state:
            self.live_state = frame.live
            self.refresh_bindings()
        if resized:
            self._auto_metadata()

    def _opened(self, opened: Opened) -> None:
        self.replay = opened.replay
        self.index, self.live_state = opened.index, opened.live
        self._search.recording = opened.recording
        self._search.bound = self._match_bound
        self._resize_view(opened.replay.header.size)
        self._refresh_facts()
        if self.search_query is not None:
            self._search.start(self.search_query)

    def _resize_view(self, size: Size) -> None:
        view = self.query_one(TerminalView)
        view.cols, view.rows = size.cols, size.rows
        view.refresh(layout=True)
        self._auto_metadata()

    def _followed(self, n: Followed) -> None:
        """The file grew, was reloaded, finished, resumed or vanished (the engine has
        already moved the playhead as that asks)."""
        name = os.path.basename(self.summary.ref.location)
        was_live = self.live
        self.live_state, self.index = n.live, n.index
        if n.live.live != was_live:
            self.refresh_bindings()
        if n.kind == GROWN:
            self.facts.file_size = n.live.file_size
            self._refresh_facts()
        elif n.kind in (OPENED, RELOADED) and n.replay is not None:
            had_replay = self.replay is not None
            self.replay, self.error = n.replay, None
            self.facts.file_size = n.live.file_size
            self.facts.output_bytes = self.facts.resizes = None
            problem = self.query_one(ProblemLine)
            if problem.kind != "index":
                problem.hide()
            self._resize_view(n.replay.header.size)
            self._refresh_facts()
            if n.kind == RELOADED or had_replay:
                toast(self, f"{name}: {n.message or 'reloaded'}", title="Recording reloaded",
                      severity="warning", timeout=8)
            self._search.restart()
        elif n.kind == FINISHED:
            self._refresh_facts()
            if n.live.finished:
                toast(self, f"{name}: {n.message}", title="Recording finished", timeout=8)
        elif n.kind == RESUMED:
            toast(self, n.message or "the recording is growing again", title="Live again", timeout=4)
        elif n.kind == VANISHED:
            toast(self, f"{name}: {n.message}; what was read stays on view",
                  title="Recording deleted", severity="warning", timeout=8)
        elif n.kind == WAITING:
            toast(self, f"{name}: {n.message}", title="Waiting for the recording", timeout=4)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state == WorkerState.ERROR and error is not None and event.worker.node is self:
            self.query_one(ProblemLine).show_error(f"{self.summary.ref.location}: {type(error).__name__}: {error}")
            toast(self, f"{type(error).__name__}: {error}", title="Internal error", severity="error",
                  timeout=10)

    # -- what is shown around the view ---------------------------------------------------
    def _refresh_facts(self) -> None:
        replay = self.replay
        if replay is None:
            return
        index = self.index
        self.facts.duration = index.length
        self.facts.duration_final = index.built and not self.live
        self.facts.events = index.events
        self.facts.markers = list(index.markers)
        self.facts.problems = list(index.problems)
        self.query_one(MetadataPane).show(replay.header, self.facts)
        problems = list(self.facts.problems)
        if index.built and index.incomplete_line is not None and not self.live:
            # While live, half a line at the end is the recorder caught mid-write: no problem.
            problems.append(incomplete_line_problem(index.incomplete_line))
        self.query_one(ProblemLine).show_problems(os.path.basename(replay.name), problems)

    def _update_scrub(self) -> None:
        bar = self.query_one(ScrubBar)
        duration = self.duration
        bar.duration = duration
        position = min(self.position, duration) if duration else self.position
        # While playing through a quiet stretch the clock ticks by the second; its tenths
        # are repainted with frames that change the view anyway (fewer bytes over SSH).
        if not self.playing or self._view_changed_cells or int(position) != int(bar.position):
            bar.position = position
            bar.before = self.before
        bar.indexed = self.index.duration
        bar.complete = self.index.built
        bar.playing = self.playing
        bar.live = self.live
        bar.following = self.following
        if self.index.markers != bar.markers:
            bar.markers = self.index.markers
        times = self._search.match_times
        if times != bar.matches:
            bar.matches = times
        self.query_one(CommandsPane).position = self.position

    def _suggest_low_bandwidth(self, output_bytes: int) -> None:
        """Over SSH, a recording that writes much per second: say once that there is a
        low-bandwidth mode."""
        length = self.duration or self.summary.duration or 0.0
        if self._suggested or not os.environ.get("SSH_CONNECTION") or length <= 0:
            return
        if output_bytes / length * self.speed >= SUGGEST_LOW_BANDWIDTH:
            self._suggested = True
            toast(self, "This recording writes much to the terminal; over a slow link, "
                  "CASTVIEW_LOW_BANDWIDTH=1 (or low_bandwidth = true in config.toml) sends less.",
                  title="Over SSH", timeout=10)

    def _update_status(self) -> None:
        view = self.query_one(TerminalView)
        bar = self.query_one(ScrubBar)  # its clock: while playing, tenths only with frames that change the view
        rec = self.summary
        self.query_one(StatusLine).show(PlayerStatus(
            live=self.live_state, following=self.following, speed=self.speed,
            idle_cap=self.idle_cap if self.idle_on else None,
            search=self._search.status(on_view=self._highlight is not None),
            count=self.count, events=self.index.events if self.replay is not None else None,
            indexing=None if self.index.built else self.index.fraction,
            panned=view.visible_region() if view.panned else None, size=(view.cols, view.rows),
            start_ns=rec.start_ns, who=rec.header.who if rec.header else "", position=bar.position,
            utc=self.utc, before=bar.before, playing=self.playing))

    # -- themes --------------------------------------------------------------------------
    @property
    def _terminal_theme(self) -> Theme:
        """The recording's own theme when its header has one (as asciinema-player does),
        else the palette of the app's theme."""
        return self._recording_theme or self._app_terminal_theme()

    def _row_renderer(self) -> Callable[[Terminal, int], Strip]:
        from ...term.render import row_segments

        theme = self._terminal_theme
        return lambda term, y: Strip(row_segments(term, y, theme), term.cols)

    def _theme_changed(self, _theme: object = None) -> None:
        self.query_one(TerminalView).set_background(self._terminal_theme.bg)
        self._send(lambda engine: engine.redraw(self._row_renderer()), move=False, opened=False)
