"""`/` in the player: a search of the rendered text of the whole recording, its results,
and n/N through them.

The search runs in a thread worker of its own exclusive group (castview.search): a new
search or leaving the player cancels it. It reads the file on its own, so it runs while
the keyframe index is still being built. The panel keeps the search's state and shows
it; the player asks it for the match to go to (`MatchChosen` when one is picked from
the list) and for the status line's part, and redraws on `Changed`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from ..cast.model import CastError
from ..playback import failure_text
from ..recording import Recording
from ..sanitize import printable
from ..search import Match, Query, SearchCancelled
from ..sources.base import SourceError
from .messages import RecordingSearched, SearchFailed, SearchProgressed
from .search_view import describe, match_row, nearest, parse_query, query_text

MATCH_LIMIT = 1000  # matches listed by one search (more: refine the pattern)
PROGRESS_EVERY = 0.2
SEARCH_HINT = "enter: search  ·  re:… a regular expression  ·  case ignored  ·  esc: close"


class SearchPanel(Vertical):
    """The search box, a line about the search, and the matches."""

    class Changed(Message):
        """What the search shows changed. `new`: the user started another search (any
        highlight of the last one goes); `found`: its results just arrived."""

        def __init__(self, new: bool = False, found: bool = False) -> None:
            super().__init__()
            self.new = new
            self.found = found

    class MatchChosen(Message):
        """The user picked a match in the list."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, query: Query | None, start_match: Match | None, cache_dir: Path | None,
                 *, id: str | None = None) -> None:
        """`start_match`: the match of a fleet search the player opened at, counted among
        this recording's once `query` has found them."""
        super().__init__(id=id)
        self.search_query: Query | None = query
        """The last search run (or the one the player was opened with)."""
        self.matches: list[Match] = []
        self.match_index: int | None = None
        """The match last jumped to (what "match 3/17" counts)."""
        self.searching = False
        self.error: str | None = None
        self.seq = 0
        """Counts the searches started (a result of an older one is dropped)."""
        self.recording: Recording | None = None
        self.bound: Callable[[float], float | None] | None = None
        """What a time shown for the frame at a time must stay before (moments.match_bound),
        once the player has the recording's event times."""
        """What to search, once the player has opened it."""
        self.start_match = start_match
        self._cache_dir = cache_dir
        self._progress = (0, 0)
        self._limited = False
        self._times: tuple[list[Match], tuple[float, ...]] = (self.matches, ())

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search the whole recording (re:… for a regular expression)",
                    id="search-box", compact=True)
        yield Static(id="search-info")
        yield OptionList(id="search-results")

    # -- what the player asks ------------------------------------------------------------
    @property
    def shown(self) -> bool:
        return self.has_class("-shown")

    @property
    def active(self) -> bool:
        """There is a search to forget (results, one running, or its query)."""
        return bool(self.matches) or self.searching or self.search_query is not None

    @property
    def match_times(self) -> tuple[float, ...]:
        """The matches' times, for the scrub bar."""
        if self._times[0] is not self.matches:
            self._times = (self.matches, tuple(sorted({m.time for m in self.matches})))
        return self._times[1]

    def open(self) -> None:
        """Show the panel, the cursor in the box (the last search in it)."""
        self.add_class("-shown")
        box = self.query_one("#search-box", Input)
        if not box.value and self.search_query is not None:
            box.value = query_text(self.search_query)
        self._show_info()
        self.screen.set_focus(box)  # at once, not after a refresh (as `focus()` does): the next key is the box's

    def close(self) -> None:
        self.remove_class("-shown")

    def start(self, query: Query) -> None:
        if self.recording is None:
            self._failed("the recording is not open: nothing to search")
            return
        self.search_query = query
        self.matches, self.match_index = [], None
        self.error = None
        self.searching = True
        self.seq += 1
        self._progress = (0, 0)
        self._limited = False
        self._fill_results()
        self._show_info()
        self.post_message(self.Changed())
        self._search(query, self.seq, self.recording)

    def restart(self) -> None:
        """The same search again (the recording was reloaded), unless one is running."""
        if self.search_query is not None and not self.searching:
            self.start(self.search_query)

    def forget(self) -> None:
        """Drop the results, their markers and the status."""
        self.cancel()
        self.seq += 1
        self.search_query = None
        self.matches, self.match_index = [], None
        self.searching = False
        self.error = None
        self.start_match = None
        self.query_one("#search-box", Input).value = ""
        self._fill_results()
        self.post_message(self.Changed())

    def cancel(self) -> None:
        self.workers.cancel_group(self, "search")

    def go_to(self, index: int) -> Match | None:
        """Make match `index` the current one; the match, or None if there is no such."""
        if not 0 <= index < len(self.matches):
            return None
        self.match_index = index
        results = self.query_one("#search-results", OptionList)
        if results.option_count == len(self.matches):
            results.highlighted = index
        self._show_info()
        return self.matches[index]

    def point_at(self, position: float) -> None:
        """Put the list's cursor on the current match, else the nearest after `position`."""
        if self.matches:
            current = self.match_index if self.match_index is not None else nearest(self.matches, position)
            self.query_one("#search-results", OptionList).highlighted = current

    def status(self, on_view: bool) -> Text:
        """The status line's part: "match 3/17" (`on_view`: that match is highlighted),
        "17 matches", progress, or nothing."""
        text = Text()
        if self.searching:
            text.append("  " + self._progress_text(), style="italic")
        elif self.matches:
            n = len(self.matches)
            count = f"{n}+" if self._limited else str(n)
            label = (f"match {self.match_index + 1}/{count}" if on_view and self.match_index is not None
                     else f"{count} match{'es' if n != 1 else ''}")
            text.append("  " + label, style="bold")
        elif self.search_query is not None and self.error is None:
            text.append("  no match", style="bold")
        return text

    # -- events --------------------------------------------------------------------------
    @on(Input.Submitted, "#search-box")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            query = parse_query(event.value)
        except ValueError as exc:
            self._failed(str(exc))
            return
        self.start_match = None
        self.post_message(self.Changed(new=True))
        self.start(query)

    @on(OptionList.OptionSelected, "#search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.MatchChosen(event.option_index))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, query: Query, seq: int, recording: Recording) -> None:
        from ..search import search_recording

        worker = get_current_worker()
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY:
                last = now
                self.post_message(SearchProgressed(done, total, seq))

        try:
            # A local file is looked at now (it may have grown); a remote one is as listed.
            target = Recording.from_path(recording.local_file) if recording.local_file is not None else recording
            matches = search_recording(
                target, query.pattern, query.regex, query.ignore_case, progress=progress,
                cancelled=lambda: worker.is_cancelled, cache_dir=self._cache_dir, only_shown=True,
                limit=MATCH_LIMIT + 1)
        except SearchCancelled:
            return
        except ValueError as exc:
            self.post_message(SearchFailed(str(exc), seq))
            return
        except (CastError, OSError, SourceError) as exc:
            self.post_message(SearchFailed(failure_text(exc, recording.location), seq))
            return
        self.post_message(RecordingSearched(matches[:MATCH_LIMIT], len(matches) > MATCH_LIMIT, seq))

    def on_search_progressed(self, message: SearchProgressed) -> None:
        if message.seq == self.seq and self.searching:
            self._progress = (message.done, message.total)
            self._show_info()
            self.post_message(self.Changed())

    def on_recording_searched(self, message: RecordingSearched) -> None:
        if message.seq != self.seq:
            return  # overtaken by a newer search
        self.searching = False
        self.matches = message.matches
        self._limited = message.limited
        start = self.start_match
        if start is not None:
            # Opened at a match of a fleet search: count it among this recording's.
            key = (start.time, start.row, start.col_start, start.screen)
            self.match_index = next((i for i, m in enumerate(self.matches)
                                     if (m.time, m.row, m.col_start, m.screen) == key), None)
            self.start_match = None
        self._fill_results()
        self._show_info()
        self.post_message(self.Changed(found=True))
        if self.matches and self.query_one("#search-box", Input).has_focus:
            self.query_one("#search-results", OptionList).focus()

    def on_search_failed(self, message: SearchFailed) -> None:
        if message.seq == self.seq:
            self._failed(message.error)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state == WorkerState.ERROR and error is not None:
            self._failed(f"the search failed: {type(error).__name__}: {error}")

    # -- drawing -------------------------------------------------------------------------
    def _failed(self, error: str) -> None:
        self.searching = False
        self.error = error
        self.add_class("-shown")
        self._show_info()
        self.post_message(self.Changed())

    def _fill_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        results.add_options([Option(match_row(m, before=self.bound)) for m in self.matches])
        results.set_class(bool(self.matches), "-shown")

    def _progress_text(self) -> str:
        done, total = self._progress
        return f"searching… indexing the text {done / total:.0%}" if total else "searching…"

    def _show_info(self) -> None:
        info = self.query_one("#search-info", Static)
        info.set_class(self.error is not None, "-error")
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.error is not None:
            text.append("⚠ " + printable(self.error))
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
                text.append(f"{n}{'+' if self._limited else ''} match{'es' if n != 1 else ''}", style="bold")
            text.append(" for ")
            text.append_text(describe(self.search_query) if self.search_query is not None else Text())
            if self._limited:
                text.append(f" (the first {n})")
            text.append("  ·  enter: go · n/N: next/prev · esc: close")
        else:
            text.append(SEARCH_HINT)
        info.update(text)
