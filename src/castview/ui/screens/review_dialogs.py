"""The review verdict (`a`) and the bookmarks (`b`) dialogs."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ... import formatting as fmt
from ...config import Settings
from ...reviews import VERDICTS, Bookmark
from ...sanitize import printable
from ..review_actions import LedgerFailed, ReviewStatusLoaded, Target, load_status


class VerdictDialog(ModalScreen[tuple[str, str] | None]):
    """Asks for an optional note, then a verdict chosen in the list: (verdict, note).

    The note box has the focus, so every letter typed is the note's; a verdict is recorded
    only when one is chosen in the list (enter or a click), never by a letter, and the
    dialog closes once whatever arrives after."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str, settings: Settings, target: Target) -> None:
        super().__init__()
        self.recording_name = name
        self._settings = settings
        self._target = target
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical(id="verdict-dialog", classes="dialog"):
            yield Label(Text(f"Review {printable(self.recording_name)}"), id="verdict-title")
            yield Label("current verdict: …", id="verdict-current")
            yield Input(placeholder="note (optional)", id="verdict-note")
            yield OptionList(*[Option(v, id=v) for v in VERDICTS], id="verdicts")
            yield Label("type a note · tab/enter: to the verdicts · enter: record it · esc: cancel",
                        classes="dim")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        load_status(self, self._settings, self._target)  # then on_review_status_loaded

    def on_review_status_loaded(self, message: ReviewStatusLoaded) -> None:
        self.query_one("#verdict-current", Label).update(f"current verdict: {message.status.label}")

    def on_ledger_failed(self, message: LedgerFailed) -> None:
        self.query_one("#verdict-current", Label).update(Text(f"current verdict unknown: {message.error}"))

    @on(Input.Submitted)
    def _note_done(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._close((str(event.option.id), self.query_one(Input).value.strip()))

    def action_cancel(self) -> None:
        self._close(None)

    def _close(self, result: tuple[str, str] | None) -> None:
        # A second choice (keys queued before the screen is gone) would pop the screen below
        if not self._answered:
            self._answered = True
            self.dismiss(result)


class BookmarksDialog(ModalScreen[tuple[str, str | float] | None]):
    """The recording's bookmarks (choose one: ("jump", time)) and a note to add one at
    the position (("add", note))."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, position: float, bookmarks: list[Bookmark], before: float | None = None) -> None:
        super().__init__()
        self.position = position
        self.bookmarks = bookmarks
        self.before = before
        """What the position shown must stay before, as in the player (it names the frame)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks-dialog", classes="dialog"):
            yield Label(f"Bookmark at {fmt.clock(self.position, self.before)}: a note, then enter")
            yield Input(placeholder="note", id="bookmark-note")
            if self.bookmarks:
                yield Label("Bookmarks (enter: go there)")
                # Notes are recording-independent text, still never markup
                yield OptionList(*[Option(Text(printable(f"{fmt.clock(b.at)}  {b.note}  ({b.author})")), id=str(i))
                                   for i, b in enumerate(self.bookmarks)], id="bookmark-list")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _add(self, event: Input.Submitted) -> None:
        note = event.value.strip()
        self.dismiss(("add", note) if note else None)

    @on(OptionList.OptionSelected)
    def _jump(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(("jump", self.bookmarks[int(str(event.option.id))].at))

    def action_cancel(self) -> None:
        self.dismiss(None)
