"""The line under the player's view that says what is wrong: an error (the recording
cannot be read, an export failed) or the first problem the scan found in the file."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...cast.model import Problem
from ...sanitize import printable


class ProblemLine(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind: str | None = None
        """What is shown: "error", "index" (the recording's problems), or None."""

    def show_error(self, text: str) -> None:
        self._show(printable(text), "error")

    def show_problems(self, name: str, problems: list[Problem]) -> None:
        """The first of the recording's problems (`m` lists them all in the metadata
        pane), at `name` (its file name; the full path is in the pane). None: the last
        such line goes."""
        if problems:
            first = problems[0]
            where = f"{name}:{first.line}" if first.line is not None else name
            more = len(problems) - 1
            self._show(printable(f"{where}: {first.message}") + (f"  (+{more} more: m)" if more else ""), "index")
        elif self.kind == "index":
            self.hide()

    def hide(self) -> None:
        self.remove_class("-shown")
        self.kind = None

    def _show(self, text: str, kind: str) -> None:
        self.update(Text("⚠ " + text, no_wrap=True, overflow="ellipsis"))
        self.add_class("-shown")
        self.kind = kind
