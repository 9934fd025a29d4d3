"""Small modal questions: a time to go to, a format to export in."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ...sanitize import printable

FORMATS = (
    ("text", "t", "Text (.txt): the characters only"),
    ("ansi", "a", "ANSI (.ans): text with colour escapes"),
    ("svg", "s", "SVG (.svg): a picture"),
    ("html", "h", "HTML (.html): a styled page"),
)


class GotoDialog(ModalScreen[float | None]):
    """Asks for a moment (castview.moments: a position, an RFC 3339 time or a time of
    day) and answers its seconds into the recording. A time it cannot place (not a time,
    outside the recording, ambiguous) is said under the box, which stays open."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, parse: Callable[[str], float], current: str = "", zone: str = "") -> None:
        """`parse`: text to seconds, raising ValueError with the one line to show;
        `zone`: the zone a time of day is read in, for the prompt."""
        super().__init__()
        self.parse = parse
        self.current = current
        self.zone = zone

    def compose(self) -> ComposeResult:
        with Vertical(id="goto-dialog", classes="dialog"):
            yield Label(f"Go to: m:ss, h:mm:ss, seconds, +1:02:03 (a position), end, @14:22:05 "
                        f"({self.zone or 'local'}) or 2025-03-02T14:22:05Z", id="goto-prompt")
            yield Input(placeholder=self.current or "m:ss, h:mm:ss, +1:02:03, end, @14:22:05", id="goto-input")
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
            seconds = self.parse(value)
        except ValueError as exc:
            # What was typed, as typed: `[/]` is not markup here.
            self.query_one("#goto-error", Label).update(Text(printable(str(exc))))
            return
        self.dismiss(seconds)

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
