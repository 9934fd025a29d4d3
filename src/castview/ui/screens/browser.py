"""The browser: every recording of the sources, listed at once, filled in as read.

Listing (cheap: directory walks) and summarising (a header and a tail read each) run in
one thread worker that posts batches (thousands of local recordings are walked and read
in a child process: sources/summary_process.py); the tree shows refs immediately and
updates labels as summaries arrive, so input never waits on disk.

Once every source is listed, a `_watch` thread worker keeps the tree current
(castview.sources.watch): local folders are watched (a recording created, grown or
deleted shows within a second, new node folders as new nodes), remote sources are listed
again every `remote_interval` seconds and on `r`. Only the recordings that changed are
read again. Cancelling a worker does not interrupt watchfiles: the watch stops when its
stop event is set (on unmount and before a full reload).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from contextlib import closing

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, Tree
from textual.worker import Worker, WorkerState, get_current_worker

from ...nodes.background import problem_line
from ...nodes.resolve import cached_names, needs_refresh, refresh
from ...sanitize import printable
from ...sources.base import RecordingRef, Source
from ...sources.catalog import LIVE_SECONDS, RecordingSummary
from ...sources.summary_process import LIST_BATCH, AllListed, Listed, load
from ...sources.watch import REMOTE_INTERVAL, SourceWatcher, summarize_changes
from ...views import SORTS, VIEW_TITLES, VIEWS, next_of
from ..catalog_view import detail, header_row
from ..clip_actions import ClipWritten
from ..fit_line import Part, fit_line
from ..messages import (
    NodeNamesResolved,
    RecordingDamaged,
    RecordingOpenRequested,
    RecordingsChanged,
    RecordingsListed,
    RecordingsSummarized,
    SourcesListed,
    WatchFailed,
)
from ..review_actions import LedgerFailed, ReviewRecorded, ReviewsLoaded, load_reviews, tell_failed, tell_reviewed
from ..toast import toast
from ..widgets.recording_tree import RecordingTree

BATCH_MOST = 1000  # ~15 ms of the UI thread: what a key may wait behind
SUMMARY_BATCH_SECONDS = 0.1  # a batch of ~1,000 takes the UI thread ~20 ms: keys wait no longer
# Threads reading remote headers (local ones: the loading worker, or a child process when
# there are thousands): they hold the GIL but for their IO, and more starve the UI thread.
SUMMARY_WORKERS = 2


class BrowserScreen(Screen[None]):
    """Source → node (user, connection) → recordings, or one timeline; enter opens one, `/`
    filters, `v` switches the view, `o` the order, `O` reverses it."""

    BINDINGS = [
        Binding("enter", "open", "Open", show=True, priority=False),
        # Priority: run before the keys typed after it are handed to the tree (typed or
        # pasted fast, `/alice` opened the review dialog on `a`); not while the box has focus.
        Binding("slash", "filter", "Filter", key_display="/", priority=True),
        Binding("s", "fleet_search", "Search text"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("r", "reload", "Reload"),
        Binding("a", "review", "Review", show=False),
        Binding("R", "cycle_review_filter", "Reviews filter", show=False),
        Binding("x", "clip", "Clip / evidence pack", show=False),
        Binding("v", "cycle_view", "View"),
        Binding("o", "cycle_sort", "Sort"),
        Binding("O", "reverse_sort", "Reverse", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, sources: Sequence[Source], *, open_single: bool = False,
                 live_seconds: float = LIVE_SECONDS, remote_interval: float | None = REMOTE_INTERVAL,
                 review_filter: str | None = None) -> None:
        """`live_seconds`: a recording that has not grown for this long loses its live
        mark; `remote_interval`: seconds between two listings of a remote source (None:
        only on `r`); `review_filter`: list only the recordings it keeps
        (castview.reviews.REVIEW_FILTERS; `R` cycles through them)."""
        super().__init__()
        self.review_filter = review_filter
        self._reviews_read = False  # the ledger's word on the listing has arrived once
        self.sources = list(sources)
        self.live_seconds = live_seconds
        self.remote_interval = remote_interval
        # `castview FILE.cast` opens the file at once (q still comes back here).
        self._auto_open = open_single and len(self.sources) == 1 and _is_file(self.sources[0])
        self._errors: list[str] = []
        self._progress = (0, 0)
        self._placed_cursor = False
        self._fleet_form: dict[str, str] = {}  # the last fleet search's boxes
        self._watcher: SourceWatcher | None = None
        self._watch_stop = threading.Event()
        # Recordings the watch reported since the load began: a summary the load read
        # earlier (posted later) must not undo what the watch found.
        self._watched: set[str] = set()
        self._handled = threading.Event()  # the UI handled the last batch the loading worker posted
        self._handled.set()

    def compose(self) -> ComposeResult:
        yield Static(id="browser-status")
        yield Input(placeholder="filter: node, user, host, command or date (enter: done, esc: clear)", id="filter")
        yield Static(id="tree-header")
        yield RecordingTree(id="recordings")
        yield Static(id="browser-detail")
        yield Footer()

    def on_mount(self) -> None:
        tree = self.query_one(RecordingTree)
        tree.review_filter = self.review_filter
        for source in self.sources:
            tree.add_source(source.label)
        tree.focus()
        self._update_status()
        self._update_header()
        self._load()
        self._resolve_names()

    # -- node names ----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="names", exit_on_error=False)
    def _resolve_names(self) -> None:
        """The config's and cached names at once, then a lookup when the cache is stale;
        never in the way of the listing (its own worker) and quiet when it fails."""
        settings = getattr(self.app, "settings", None)
        if settings is None:
            return
        self.post_message(NodeNamesResolved(cached_names(settings.names, settings.cache_dir), []))
        if needs_refresh(settings.names, settings.cache_dir):
            names, problems = refresh(settings.names, settings.cache_dir)
            self.post_message(NodeNamesResolved(names, problems))

    def on_node_names_resolved(self, message: NodeNamesResolved) -> None:
        self.query_one(RecordingTree).set_names(message.names)
        if message.problems:
            self.app.log.warning(problem_line(message.problems))
            toast(self, problem_line(message.problems), timeout=4)
        self._update_detail()

    # -- loading -------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="catalog", exit_on_error=False)
    def _load(self) -> None:
        """List every source (posting refs in batches), then post the summaries in batches,
        one every SUMMARY_BATCH_SECONDS at most: each costs the UI a pass over its rows."""
        worker = get_current_worker()
        pending: dict[str, list[RecordingRef]] = {}
        batch: list[RecordingSummary] = []
        total = done = 0
        last_post = time.monotonic()
        with closing(load(self.sources, SUMMARY_WORKERS)) as events:
            for event in events:
                if worker.is_cancelled:
                    return
                if isinstance(event, Listed):
                    refs = pending.setdefault(event.source, [])
                    refs += event.refs
                    if event.done or (len(refs) >= LIST_BATCH and self._may_post(len(refs))):
                        self.post_message(RecordingsListed(event.source, refs, event.errors))
                        pending[event.source] = []
                elif isinstance(event, AllListed):
                    self.post_message(SourcesListed(event.refs))
                    total = len(event.refs)
                    self.post_message(RecordingsSummarized([], 0, total))
                else:
                    batch += event.summaries
                    done += len(event.summaries)
                    if time.monotonic() - last_post >= SUMMARY_BATCH_SECONDS and self._may_post(len(batch)):
                        self.post_message(RecordingsSummarized(batch, done, total))
                        batch = []
                        last_post = time.monotonic()
        if batch:
            self.post_message(RecordingsSummarized(batch, done, total))

    def _may_post(self, size: int) -> bool:
        """Whether the loading worker may post a batch of `size` now: once the UI has handled
        the last one (batches queued behind each other hold up every key and frame behind
        them), or, for a batch of BATCH_MOST, after waiting a second at most for that."""
        if self._handled.wait(1.0 if size >= BATCH_MOST else 0) or size >= BATCH_MOST:
            self._handled.clear()
            return True
        return False

    def on_recordings_listed(self, message: RecordingsListed) -> None:
        tree = self.query_one(RecordingTree)
        tree.add_refs(message.source, message.refs)
        for error in message.errors:
            self._errors.append(error)
            toast(self, error, title="Cannot list", severity="error", timeout=8)
        self._update_status()
        self._select_first()
        self._handled.set()

    def on_recordings_summarized(self, message: RecordingsSummarized) -> None:
        self._progress = (message.done, message.total)
        summaries = [rec for rec in message.summaries if rec.ref.location not in self._watched]
        if summaries:
            self.query_one(RecordingTree).update_summaries(summaries)
        if message.summaries and self._auto_open:
            self._auto_open = False
            self.post_message(RecordingOpenRequested(message.summaries[0]))
        self._update_status()
        # A row placed anew is the cursor's only once the tree has laid out its lines again.
        self.call_after_refresh(self._update_detail)
        if self.query_one(RecordingTree).filtering:
            self._update_header()
        if message.done == message.total:
            self._load_reviews()
        self._handled.set()

    # -- watching ------------------------------------------------------------------------
    def on_sources_listed(self, message: SourcesListed) -> None:
        """Every source listed: watch them from here on (what changed since the listing
        is reported by the watch's first look)."""
        self._watch_stop.set()  # a watch of an earlier load, if any
        self._watch_stop = threading.Event()
        self._watcher = SourceWatcher(
            self.sources, message.refs, remote_interval=self.remote_interval, live_seconds=self.live_seconds,
            on_error=lambda error: self.post_message(WatchFailed(error)))
        self._watch(self._watcher, self._watch_stop)

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _watch(self, watcher: SourceWatcher, stop: threading.Event) -> None:
        """Post every batch of changes, each recording that changed summarised again."""
        for batch in watcher.changes(stop):
            if stop.is_set():
                return
            summaries, removed = summarize_changes(batch)
            self.post_message(RecordingsChanged(summaries, removed))

    def on_recordings_changed(self, message: RecordingsChanged) -> None:
        tree = self.query_one(RecordingTree)
        self._watched.update(ref.location for ref in message.removed)
        self._watched.update(rec.ref.location for rec in message.summaries)
        if message.removed:
            tree.remove_locations(message.removed)
        if message.summaries:
            tree.update_summaries(message.summaries)
        self._update_status()
        self.call_after_refresh(self._update_detail)
        self._select_first()
        self._load_reviews()

    def on_recording_damaged(self, message: RecordingDamaged) -> None:
        message.stop()  # the app sent it here: not back up to the app
        self.query_one(RecordingTree).update_summaries([message.summary])

    def on_watch_failed(self, message: WatchFailed) -> None:
        toast(self, message.error, title="Watching the sources", severity="warning", timeout=8)

    def on_unmount(self) -> None:
        self._watch_stop.set()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            self._errors.append(f"{type(error).__name__}: {error}")
            title = "Watching the sources failed (r: read them again)" if event.worker.group == "watch" \
                else "Reading the sources failed"
            toast(self, f"{type(error).__name__}: {error}", title=title, severity="error", timeout=10)
            self._update_status()

    def _select_first(self) -> None:
        """Put the cursor on the first recording, once, when the first ones are listed."""
        if self._placed_cursor:
            return
        tree = self.query_one(RecordingTree)
        first = tree.first_recording()
        if first is not None:
            self._placed_cursor = True
            tree.put_cursor(first)

    def _update_status(self) -> None:
        tree = self.query_one(RecordingTree)
        done, total = self._progress
        shown, all_ = tree.shown, tree.total
        parts = [Part((Text(self.app.title, style="bold"),), rank=9),  # "castview", or says the samples are shown
                 Part((Text(f"{all_} recording{'s' if all_ != 1 else ''}"), Text(f"{all_}")), rank=2, joined=True)]
        if tree.filter:
            parts.append(Part((Text.assemble(f"{shown} match ", (printable(tree.filter), "italic")),), rank=8))
        if self.review_filter is not None:
            review = Text(f"{shown} {self.review_filter}", style="bold")
            reading = Text.assemble(review, (" (reading the reviews…)", "dim"))
            parts.append(Part((reading, review) if not self._reviews_read else (review,), rank=7))
        order = f"{tree.sort}{' ↑' if tree.reverse else ''}"
        parts.append(Part((Text(f"{VIEW_TITLES[tree.view]}, by {order}", style="dim"),
                           Text(f"{VIEW_TITLES[tree.view].removeprefix('by ')}/{order}", style="dim"), Text()), rank=1))
        if total and done < total:
            parts.append(Part((Text(f"reading headers {done}/{total}", style="dim"),
                               Text(f"{done}/{total}", style="dim")), rank=3))
        if self._errors:
            count = len(self._errors)
            parts.append(Part((Text(f"{count} error{'s' if count != 1 else ''}", style="red"),), rank=6))
        status = self.query_one("#browser-status", Static)
        status.update(fit_line(parts, status.content_size.width or self.app.size.width - 2))

    def on_resize(self) -> None:
        self._update_status()

    # -- the highlighted recording -------------------------------------------------------
    @on(Tree.NodeHighlighted)
    def _highlighted(self) -> None:
        self._update_detail()

    def _update_detail(self) -> None:
        tree = self.query_one(RecordingTree)
        node = tree.cursor_node
        data = node.data if node is not None else None
        pane = self.query_one("#browser-detail", Static)
        if isinstance(data, RecordingSummary):
            pane.update(detail(data, tree.names, tree.review_of(data.ref.location), pane.content_size.width or None))
        else:
            pane.update(Text("enter: open · /: filter · s: search · v: view · o/O: sort · ?: help",
                             style="dim", no_wrap=True, overflow="ellipsis"))

    def _update_header(self) -> None:
        """The column titles over the rows, or why there are no rows."""
        tree = self.query_one(RecordingTree)
        header = self.query_one("#tree-header", Static)
        if tree.filtering and tree.total and not tree.shown:
            text = Text("no recordings match ", style="bold")
            text.append(printable(" ".join(filter(None, (tree.filter, self._review_label())))), style="italic")
            text.append("  (esc: clear the filter" + (", R: the reviews filter)" if self.review_filter else ")"),
                        style="dim")
            header.update(text)
            return
        # A row's guides: one per level below the source (a section, the row itself).
        indent = tree.guide_depth * (1 if tree.view == "time" else 2)
        text = Text(" " * indent, no_wrap=True, overflow="ellipsis")
        text.append_text(header_row(tree.view))
        header.update(text)

    def _review_label(self) -> str:
        return f"review: {self.review_filter}" if self.review_filter is not None else ""

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected) -> None:
        if isinstance(event.node.data, RecordingSummary):
            event.stop()
            self.post_message(RecordingOpenRequested(event.node.data))

    # -- actions -------------------------------------------------------------------------
    def action_open(self) -> None:
        tree = self.query_one(RecordingTree)
        node = tree.cursor_node
        if node is None:
            return
        if isinstance(node.data, RecordingSummary):
            self.post_message(RecordingOpenRequested(node.data))
        else:
            node.toggle()

    def action_review(self) -> None:
        """A verdict on the highlighted recording (ui/review_actions.py)."""
        from ...recording import Recording
        from ..review_actions import start_review
        from .review_dialogs import VerdictDialog

        node = self.query_one(RecordingTree).cursor_node
        if node is None or not isinstance(node.data, RecordingSummary):
            return
        ref = node.data.ref
        source = self.app.source_for(ref.source)  # type: ignore[attr-defined]

        def target() -> Recording:
            return Recording.from_ref(ref, source)

        def done(choice: tuple[str, str] | None) -> None:
            if choice is not None:
                start_review(self, self.app.settings, target, *choice)  # type: ignore[attr-defined]

        self.app.push_screen(VerdictDialog(ref.name, self.app.settings, target), done)  # type: ignore[attr-defined]

    def on_review_recorded(self, message: ReviewRecorded) -> None:
        tell_reviewed(self, message)
        self._load_reviews()

    def on_screen_resume(self) -> None:
        """Back from the player (or a dialog): reviews made there or elsewhere are shown."""
        done, total = self._progress
        if total and done == total:
            self._load_reviews()

    def _load_reviews(self) -> None:
        load_reviews(self, self.app.settings, self.query_one(RecordingTree).summaries())  # type: ignore[attr-defined]

    def on_reviews_loaded(self, message: ReviewsLoaded) -> None:
        self._reviews_read = True
        self.query_one(RecordingTree).set_reviews(message.statuses)
        self._update_status()
        self._update_header()
        self.call_after_refresh(self._update_detail)

    def action_cycle_review_filter(self) -> None:
        """`R`: every recording → unreviewed → ok → concern → incident → every one."""
        from ...reviews import REVIEW_FILTERS

        choices: list[str | None] = [None, *REVIEW_FILTERS]
        self.review_filter = choices[(choices.index(self.review_filter) + 1) % len(choices)]
        self.query_one(RecordingTree).set_review_filter(self.review_filter)
        self._view_changed()

    # -- a clip or an evidence pack (x) -----------------------------------------------------
    def action_clip(self) -> None:
        """`x`: a clip or pack of the highlighted recording, whole (ui/screens/clip_dialog.py)."""
        from datetime import UTC

        from ...moments import Span
        from ...recording import Recording
        from ..clip_actions import default_folder, recording_folders, tell_written
        from .clip_dialog import ClipDialog

        node = self.query_one(RecordingTree).cursor_node
        if node is None or not isinstance(node.data, RecordingSummary):
            return
        rec = node.data
        source = self.app.source_for(rec.ref.source)  # type: ignore[attr-defined]
        settings = self.app.settings  # type: ignore[attr-defined]
        folders = recording_folders(self.sources, rec.ref)

        def target() -> Recording:
            return Recording.from_ref(rec.ref, source)

        def done(result: ClipWritten | None) -> None:
            if result is not None:
                tell_written(self, result)

        folder = default_folder(getattr(self.app, "export_dir", None), folders)
        self.app.push_screen(ClipDialog(rec.ref.name, Span(rec.start_ns, rec.duration or 0.0), target, settings,
                                        start="0", folder=folder, forbidden=folders, zone=UTC if settings.utc else None,
                                        download=self.app.is_web), done)

    def on_ledger_failed(self, message: LedgerFailed) -> None:
        tell_failed(self, message)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("-shown")
        self.set_focus(box)  # at once, not after a refresh (as `focus()` does): the next key is the box's

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`/` in the filter box is a character of the filter."""
        return action != "filter" or self.focused is not self.query_one("#filter", Input)  # (set at once)

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_class("-shown") or box.value:
            box.value = ""
            box.remove_class("-shown")
            tree = self.query_one(RecordingTree)
            tree.set_filter("")
            tree.focus()
            self._update_status()
            self._update_header()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_one(RecordingTree).set_filter(event.value.strip())
        self._view_changed()

    def action_cycle_view(self) -> None:
        """`v`: by node → by user → by connection → one timeline."""
        tree = self.query_one(RecordingTree)
        tree.set_view(view=next_of(VIEWS, tree.view))
        self._view_changed()

    def action_cycle_sort(self) -> None:
        """`o`: by start → duration → size."""
        tree = self.query_one(RecordingTree)
        tree.set_view(sort=next_of(SORTS, tree.sort))
        self._view_changed()

    def action_reverse_sort(self) -> None:
        """`O`: the other way round (oldest, shortest, smallest first)."""
        tree = self.query_one(RecordingTree)
        tree.set_view(reverse=not tree.reverse)
        self._view_changed()

    def _view_changed(self) -> None:
        """After a filter, a view or an order: the lines under the tree follow the cursor,
        which lands on a row still shown once the tree has laid out its lines again (what
        enter opens)."""
        self._update_status()
        self._update_header()
        self.call_after_refresh(self._follow_filter)

    def _follow_filter(self) -> None:
        """Under a filter the cursor is on a recording shown, when there is one (typing a
        filter passes through words that show none, which leaves it on a source)."""
        if self.query_one(RecordingTree).filtering:
            self._cursor_to_a_recording()
        self._update_detail()

    def _cursor_to_a_recording(self) -> None:
        tree = self.query_one(RecordingTree)
        first = tree.first_recording()
        if first is not None and not isinstance(tree.cursor_node and tree.cursor_node.data, RecordingSummary):
            tree.put_cursor(first)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.query_one(RecordingTree).focus()
        self._cursor_to_a_recording()
        if not event.value.strip():
            self.query_one("#filter", Input).remove_class("-shown")

    def action_fleet_search(self) -> None:
        """`s`: search the text of every recording listed (with filters)."""
        from .fleet_search import FleetSearchScreen

        tree = self.query_one(RecordingTree)
        screen = FleetSearchScreen(self.sources, tree.summaries, self._fleet_form, tree.names)

        def closed(_result: None = None) -> None:
            self._fleet_form = screen.form

        self.app.push_screen(screen, closed)

    def action_reload(self) -> None:
        """`r`: list every source again and apply the differences (the tree and the
        cursor stay); after errors, or without a watch running, read everything again."""
        if self._watcher is not None and not self._errors and self._watch_running():
            self._watcher.refresh()
            self._load_reviews()  # reviews made elsewhere (another castview, a shared ledger)
            toast(self, "Listing the sources again…", timeout=2)
            return
        self._watch_stop.set()
        self._watcher = None
        self._watched.clear()
        tree = self.query_one(RecordingTree)
        tree.reset()
        for source in self.sources:
            tree.add_source(source.label)
        self._errors.clear()
        self._progress = (0, 0)
        self._update_status()
        self._load()

    def _watch_running(self) -> bool:
        return any(w.group == "watch" and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
                   for w in self.workers if w.node is self)

    def action_help(self) -> None:
        self.app.action_help()  # type: ignore[attr-defined]

    async def action_quit(self) -> None:
        self.app.exit()


def _is_file(source: Source) -> bool:
    path = getattr(source, "path", None)
    return path is not None and os.path.isfile(path)  # (never raises: a name too long is no file)
