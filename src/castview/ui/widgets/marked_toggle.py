"""Radio buttons and checkboxes whose mark is there only when they are on: the choice
reads without colour (a monochrome terminal, a colour-blind user). Textual's own draw the
same mark either way, on and off told apart by colour alone."""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton


class _MarkedWhenOn:
    MARK = "X"
    value: bool

    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # noqa: N802  (Textual's class attribute)
        return self.MARK if self.value else " "


class MarkedRadioButton(_MarkedWhenOn, RadioButton):
    MARK = "●"


class MarkedCheckbox(_MarkedWhenOn, Checkbox):
    MARK = "X"
