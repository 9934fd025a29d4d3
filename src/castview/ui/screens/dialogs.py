"""Small modal questions: a time to go to, a format to export in."""

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
from ...sanitize import printable

FORMATS = (
    ("text", "t", "Text (.txt): the characters only"),
    ("ansi", "a", "ANSI (.ans): text with colour escapes"),
    ("svg", "s", "SVG (.svg): a picture"),
    ("html", "h", "HTML (.html): a styled page"),
)


class GotoDialog(ModalScreen[str | None]):
    """Asks for a time as mm:ss (or h:mm:ss, or seconds)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str = "") -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="goto-dialog", classes="dialog"):
            yield Label("Go to time (mm:ss, h:mm:ss or seconds)")
            yield Input(placeholder=self.current or "mm:ss", id="goto-input")
            yield Label("", id="goto-error", classes="dialog-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.dismiss(None)
            return
        try:
            fmt.parse_clock(value)
        except ValueError:
            # What was typed, as typed: `[/]` is not markup here.
            self.query_one("#goto-error", Label).update(
                Text(printable(f"not a time: {value!r} (use mm:ss, h:mm:ss or seconds)")))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportDialog(ModalScreen[str | None]):
    """Asks which format to export the frame on view in."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        *[Binding(key, f"choose('{name}')", name, show=False) for name, key, _ in FORMATS],
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label("Export the frame on view as")
            yield OptionList(*[Option(f"{key}  {text}", id=name) for name, key, text in FORMATS], id="export-formats")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_choose(self, name: str) -> None:
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
