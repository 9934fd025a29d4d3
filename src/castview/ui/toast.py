"""Toasts that show their text as written.

Textual reads a notification's message as markup: a path or an error holding `[/]`
would crash the app, `[link=…]` would send a hyperlink to the terminal and
`[@click=app.quit]` would become a live action. Every toast of the app goes through
`toast`, which passes the text as plain text, its control characters made visible.
"""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel
from textual.widget import Widget

from ..sanitize import printable


def toast(node: App | Widget, message: str, *, title: str = "", severity: SeverityLevel = "information",
          timeout: float | None = None) -> None:
    """`node.notify(message)`, the message and the title shown literally."""
    node.notify(printable(message), title=printable(title), severity=severity, timeout=timeout, markup=False)
