"""Search across recordings: a pattern, optional filters, matches listed as they come.

The recordings are the browser's (as read so far). `search_recordings` runs in one
exclusive thread worker (a new search or leaving the screen cancels it) that posts a
RecordingMatchesFound per recording, in the browser's order, and SearchProgressed as
recordings finish; the list grows as they arrive. Enter on a match opens the player at
that moment with the match highlighted; on a recording, at its start.

Without a pattern, the filters alone list the recordings that meet them.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from ...filters import RecordingFilter
from ...nodes.model import NodeNames
from ...sanitize import printable
from ...search import COMMAND, Match, Query, SearchCancelled
from ...sources.base import Source
from ...sources.catalog import RecordingSummary, group
from ..catalog_view import PENDING, ending
from ..messages import RecordingMatchesFound, RecordingOpenRequested, SearchFinished, SearchProgressed
from ..search_view import describe, match_row, parse_query, recording_heading
from ..widgets.marked_toggle import MarkedCheckbox

PROGRESS_EVERY = 0.2
ROW_LIMIT = 5000  # matches listed (more are counted, not listed)
FILTERS = (
    ("node", "node"),
    ("user", "user"),
    ("host", "host"),
    ("since", "since (7d)"),
    ("until", "until"),
)
HINT = "enter: search  ·  tab: next box  ·  re:… a regular expression  ·  esc: back"


class FleetSearchScreen(Screen[None]):
    """Text search over every recording of the browser, with filters."""

    BINDINGS = [
        Binding("escape", "back", "Back", key_display="esc"),
        Binding("down", "focus_results", "To the results", key_display="↓", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self, sources: Sequence[Source], recordings: Callable[[], list[RecordingSummary]],
                 form: dict[str, str] | None = None, names: NodeNames | None = None) -> None:
        """`recordings`: the browser's recordings at the time a search starts; `form`: the
        boxes' values to start with (the last search's); `names`: the nodes' names (shown,
        and matched by the node box)."""
        super().__init__()
        self.names = names
        self.sources = list(sources)
        self._recordings = recordings
        self.form = dict(form or {})
        self._seq = 0
        self._rows: list[tuple[RecordingSummary | None, Match | None]] = []  # one per option
        self._listed = 0  # match rows listed (at most ROW_LIMIT)
        self._more_row = False
        self._progress = (0, 0)
        self._found = 0  # matches
        self._with = 0  # recordings with a match
        self._errors = 0
        self._unread = 0  # recordings whose header the browser has not read yet
        self._query: Query | None = None
        self._searching = False
        self._seconds: float | None = None
        self._focus_results = False

    def compose(self) -> ComposeResult:
        yield Static(id="fleet-status")
        yield Input(placeholder="text to find in what the sessions showed (re:… for a regular expression)",
                    id="fleet-pattern", compact=True, value=self.form.get("pattern", ""))
        with Horizontal(id="fleet-filters"):
            for i, (name, hint) in enumerate(FILTERS):
                yield Input(placeholder=hint, id=f"fleet-{name}", compact=True, value=self.form.get(name, ""),
                            classes="-last" if i == len(FILTERS) - 1 else "")
            yield MarkedCheckbox("commands only", self.form.get("commands") == "yes", id="fleet-commands", compact=True,
                           tooltip="search only the commands typed at shell prompts")
        yield Static(id="fleet-error")
        yield OptionList(id="fleet-results")
        yield Static(id="fleet-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#fleet-pattern", Input).focus()
        self._update_status()
        self.query_one("#fleet-detail", Static).update(Text(HINT, style="dim"))

    def values(self) -> dict[str, str]:
        """What the boxes hold (to start the next fleet search with)."""
        out = {"pattern": self.query_one("#fleet-pattern", Input).value}
        for name, _ in FILTERS:
            out[name] = self.query_one(f"#fleet-{name}", Input).value
        out["commands"] = "yes" if self.query_one("#fleet-commands", Checkbox).value else ""
        return out

    # -- starting a search ---------------------------------------------------------------
    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_search()

    @on(Checkbox.Changed, "#fleet-commands")
    def _commands_switched(self, event: Checkbox.Changed) -> None:
        event.stop()
        if self.query_one("#fleet-pattern", Input).value.strip():
            self.run_search()

    def run_search(self) -> None:
        form = self.values()
        self.form = form
        try:
            selection = RecordingFilter.from_options(
                node=form["node"].strip(), user=form["user"].strip(), host=form["host"].strip(),
                since=form["since"].strip(), until=form["until"].strip())
        except ValueError as exc:
            self._show_error(str(exc))
            return
        query: Query | None = None
        if form["pattern"].strip():
            try:
                query = parse_query(form["pattern"], commands=form["commands"] == "yes")
            except ValueError as exc:
                self._show_error(str(exc))
                return
        elif not selection.active:
            self._show_error("type the text to find, or a filter (node, user, host, since, until) to list recordings")
            return
        self._show_error(None)
        known = self._recordings()
        read = [rec for rec in known if rec.status != PENDING]
        self._unread = len(known) - len(read)
        chosen = [rec for g in group(rec for rec in read if selection.matches(rec, self.names)) for rec in g.recordings]
        self.workers.cancel_group(self, "fleet")
        self._seq += 1
        self._reset(query)
        if query is None:
            self._list_recordings(chosen)
            return
        self._searching = True
        self._focus_results = True
        self._progress = (0, len(chosen))
        self._update_status()
        _start_resource_tracker()
        self._search(chosen, query, self._seq)

    def _reset(self, query: Query | None) -> None:
        self._query = query
        self._rows = []
        self._listed = 0
        self._more_row = False
        self._found = self._with = self._errors = 0
        self._seconds = None
        self._searching = False
        self.query_one("#fleet-results", OptionList).clear_options()
        self.query_one("#fleet-detail", Static).update(Text(HINT, style="dim"))

    def _list_recordings(self, chosen: list[RecordingSummary]) -> None:
        """Filters without a pattern: the recordings that meet them."""
        results = self.query_one("#fleet-results", OptionList)
        results.add_options([Option(recording_heading(rec, names=self.names)) for rec in chosen])
        self._rows = [(rec, None) for rec in chosen]
        self._progress = (len(chosen), len(chosen))
        self._update_status()
        if chosen:
            results.highlighted = 0
            results.focus()

    @work(thread=True, exclusive=True, group="fleet", exit_on_error=False)
    def _search(self, recordings: list[RecordingSummary], query: Query, seq: int) -> None:
        from ...search import search_recordings

        worker = get_current_worker()
        started = time.perf_counter()
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY or done == total:
                last = now
                self.post_message(SearchProgressed(done, total, seq))

        settings = getattr(self.app, "settings", None)
        cache_dir = settings.cache_dir if settings is not None else None
        try:
            for result in search_recordings(self.sources, recordings, query, cache_dir=cache_dir, progress=progress,
                                            cancelled=lambda: worker.is_cancelled):
                self.post_message(RecordingMatchesFound(result, seq))
        except SearchCancelled:
            return
        self.post_message(SearchFinished(seq, time.perf_counter() - started))

    # -- results as they come ------------------------------------------------------------
    def on_search_progressed(self, message: SearchProgressed) -> None:
        if message.seq == self._seq:
            self._progress = (message.done, message.total)
            self._update_status()

    def on_recording_matches_found(self, message: RecordingMatchesFound) -> None:
        if message.seq != self._seq:
            return
        result = message.result
        rec = result.recording
        options: list[Option] = []
        if result.error:
            self._errors += 1
            options.append(Option(Text("⚠ " + printable(result.error), style="bold", no_wrap=True,
                                       overflow="ellipsis"), disabled=True))
            self._rows.append((rec, None))
        if result.matches:
            self._found += len(result.matches)
            self._with += 1
            room = ROW_LIMIT - self._listed
            if room > 0:
                options.append(Option(recording_heading(rec, len(result.matches), self.names)))
                self._rows.append((rec, None))
                for m in result.matches[:room]:
                    options.append(Option(match_row(m, indent=2)))
                    self._rows.append((rec, m))
                self._listed += min(room, len(result.matches))
        if options:
            results = self.query_one("#fleet-results", OptionList)
            results.add_options(options)
            if results.highlighted is None:
                first = next((i for i, (_, m) in enumerate(self._rows) if m is not None), None)
                if first is not None:
                    results.highlighted = first
                    if self._focus_results and isinstance(self.focused, Input):
                        results.focus()
                    self._focus_results = False
        self._update_status()

    def on_search_finished(self, message: SearchFinished) -> None:
        if message.seq != self._seq:
            return
        self._searching = False
        self._seconds = message.seconds
        if self._found > self._listed and not self._more_row:
            self._more_row = True
            self.query_one("#fleet-results", OptionList).add_option(Option(
                Text(f"… {self._found - self._listed} more matches not listed: narrow the pattern or the filters",
                     style="italic"), disabled=True))
            self._rows.append((None, None))
        self._update_status()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            self._searching = False
            self._show_error(f"the search failed: {type(error).__name__}: {error}")
            self._update_status()

    # -- the list ------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#fleet-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        rec, m = self._row(event.option_index)
        if rec is None:
            return
        where = Text(no_wrap=True, overflow="ellipsis", style="dim")
        if m is not None and m.screen == COMMAND:
            where.append("  $ a command typed at a prompt")
        elif m is not None and m.screen != "main":
            where.append("  ▣ in a full-screen app")
        detail = self.query_one("#fleet-detail", Static)
        room = (detail.content_size.width or self.app.size.width) - where.cell_len
        text = Text(ending(printable(rec.ref.location), room), no_wrap=True, overflow="ellipsis")
        detail.update(text.append_text(where))

    @on(OptionList.OptionSelected, "#fleet-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        rec, m = self._row(event.option_index)
        if rec is not None:
            self.post_message(RecordingOpenRequested(rec, match=m, query=self._query))

    def _row(self, index: int | None) -> tuple[RecordingSummary | None, Match | None]:
        if index is None or not 0 <= index < len(self._rows):
            return None, None
        return self._rows[index]

    # -- what is shown around the list ---------------------------------------------------
    def _show_error(self, error: str | None) -> None:
        line = self.query_one("#fleet-error", Static)
        line.update(Text("⚠ " + printable(error)) if error else "")
        line.set_class(error is not None, "-shown")

    def _update_status(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("Search recordings", style="bold")
        done, total = self._progress
        if self._query is None and self._rows:
            text.append(f"  ·  {len(self._rows)} recording{'s' if len(self._rows) != 1 else ''} match the filters")
        elif self._query is not None and not total and not self._searching:
            text.append("  ·  no recording meets the filters")
        elif self._query is not None:
            text.append("  ·  ")
            text.append_text(describe(self._query))
            if self._searching:
                text.append(f"  ·  searched {done}/{total}", style="italic")
            n = self._found
            text.append(f"  ·  {n} match{'es' if n != 1 else ''}", style="bold")
            text.append(f" in {self._with}/{total} recording{'s' if total != 1 else ''}")
            if self._seconds is not None:
                text.append(f" ({self._seconds:.1f} s)", style="dim")
            if self._errors:
                text.append(f"  ·  {self._errors} unreadable", style="red")
        elif self._seq:
            text.append("  ·  no recording meets the filters")
        if self._unread:
            text.append(f"  ·  {self._unread} not read yet (left out)", style="dim")
        self.query_one("#fleet-status", Static).update(text)

    # -- actions -------------------------------------------------------------------------
    def action_focus_results(self) -> None:
        self.query_one("#fleet-results", OptionList).focus()

    def action_help(self) -> None:
        self.app.action_help()  # type: ignore[attr-defined]

    def action_back(self) -> None:
        self.workers.cancel_group(self, "fleet")
        self.form = self.values()
        self.dismiss(None)

    def on_unmount(self) -> None:
        self.workers.cancel_node(self)


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker, which the search's process pool needs,
    with its stderr on /dev/null.

    It is started with the file descriptor of `sys.stderr`, which under Textual is a
    capture object whose fileno() is -1: started from the search worker, it fails
    ("bad value(s) in fds_to_keep"). Its warnings would only garble the screen anyway."""
    try:
        from multiprocessing import resource_tracker
    except ImportError:  # pragma: no cover - not on POSIX
        return
    with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
        resource_tracker.ensure_running()
