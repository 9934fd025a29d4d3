"""The commands typed at shell prompts (`castview commands`, grep --commands, the
player's commands pane), found during the analysis pass."""

from __future__ import annotations

from typing import Any

from ..cast.model import INPUT, Event
from ..cast.reader import CastHead
from ..commands.infer import CommandWatch
from ..commands.model import Command
from ..term.screen import Terminal
from .analyzer import ANALYZERS, Analyzer


class CommandsAnalyzer(Analyzer):
    """A CommandWatch on the pass's terminal, beside the text tracker."""

    name = "commands"
    version = 1
    """Bump it when the inference (``commands.infer``) finds other commands."""

    def __init__(self) -> None:
        self.watch: CommandWatch | None = None
        self.commands: list[Command] = []

    def start(self, term: Terminal, head: CastHead) -> None:
        self.watch = CommandWatch(term, head.header.no_pty)

    def before(self, event: Event) -> None:
        assert self.watch is not None
        self.watch.before(event.time)
        if event.code == INPUT:
            self.watch.keys(event.data)

    def feed(self, event: Event) -> None:
        assert self.watch is not None
        self.watch.after()

    def finish(self) -> None:
        assert self.watch is not None
        self.commands = self.watch.finish()

    def result(self) -> list[dict[str, Any]]:
        return [c.to_data() for c in self.commands]

    @classmethod
    def check(cls, value: Any) -> list[Command]:
        """The Commands a result holds."""
        if not isinstance(value, list):
            raise ValueError("commands: not a list")
        return [Command.from_data(item) for item in value]


ANALYZERS.append(CommandsAnalyzer)
