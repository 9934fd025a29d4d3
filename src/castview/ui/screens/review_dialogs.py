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
from ...reviews import VERDICTS, Bookmark
from ...sanitize import printable

VERDICT_KEYS = {"ok": "o", "concern": "c", "incident": "i"}


class VerdictDialog(ModalScreen[tuple[str, str] | None]):
    """Asks for a verdict (o, c, i or the list) and an optional note: (verdict, note)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="verdict-dialog", classes="dialog"):
            yield Label("Review verdict (a note first, if any, then choose)")
            yield Input(placeholder="note (optional)", id="verdict-note")
            yield OptionList(*[Option(f"{VERDICT_KEYS[v]}  {v}", id=v) for v in VERDICTS], id="verdicts")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(Input.Submitted)
    def _note_done(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss((str(event.option.id), self.query_one(Input).value.strip()))

    def on_key(self, event) -> None:
        if self.focused is self.query_one(OptionList):
            for verdict, key in VERDICT_KEYS.items():
                if event.key == key:
                    event.stop()
                    self.dismiss((verdict, self.query_one(Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)


class BookmarksDialog(ModalScreen[tuple[str, str | float] | None]):
    """The recording's bookmarks (choose one: ("jump", time)) and a note to add one at
    the position (("add", note))."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, position: float, bookmarks: list[Bookmark]) -> None:
        super().__init__()
        self.position = position
        self.bookmarks = bookmarks

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks-dialog", classes="dialog"):
            yield Label(f"Bookmark at {fmt.clock(self.position)}: a note, then enter")
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
