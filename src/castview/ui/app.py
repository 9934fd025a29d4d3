"""The castview app: a browser of recordings and a player, themed from theme files."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from textual.app import App
from textual.binding import Binding

from ..config import Settings, load_settings
from ..sources.base import Source
from ..sources.catalog import LIVE_SECONDS, RecordingSummary
from .commands import CastviewCommands
from .messages import RecordingOpenRequested
from .screens.browser import BrowserScreen
from .themes import DEFAULT_THEME, LoadedTheme, discover, terminal_theme_for
from .toast import toast


class OpenAt(NamedTuple):
    """A recording to open in the player at once, paused at `position` (`castview open
    RECORDING --at T`, or `RECORDING@RFC3339`); `source` reads it (None: a local file)."""

    summary: RecordingSummary
    source: Source | None
    position: float


class CastviewApp(App[None]):
    """`castview SOURCE...`: browse recordings, open one to play it."""

    CSS_PATH = "app.tcss"
    TITLE = "castview"
    COMMANDS = App.COMMANDS | {CastviewCommands}
    BINDINGS = [Binding("f1", "help", "Help", show=False)]

    def __init__(
        self,
        sources: Sequence[Source],
        settings: Settings | None = None,
        *,
        autoplay: bool = True,
        open_single: bool = True,
        theme_dirs: list[Path] | None = None,
        export_dir: str | os.PathLike[str] | None = None,
        live_seconds: float = LIVE_SECONDS,
        open_at: OpenAt | None = None,
    ) -> None:
        """`live_seconds`: a recording that has not grown for this long is taken as
        finished (its live mark goes in the browser; the player stops following it).
        `open_at`: open that recording in the player first (q goes to the browser)."""
        super().__init__()
        self.sources = list(sources)
        self.settings = settings or load_settings()
        self.autoplay = autoplay
        self.open_single = open_single
        self.theme_dirs = theme_dirs
        self.export_dir = export_dir
        self.live_seconds = live_seconds
        self.open_at = open_at
        self.loaded_themes: dict[str, LoadedTheme] = {}
        self.terminal_theme = terminal_theme_for(DEFAULT_THEME, {}, True)

    def source_for(self, label: str) -> Source | None:
        return next((s for s in self.sources if s.label == label), None)

    # -- themes --------------------------------------------------------------------------
    def _setup_themes(self) -> None:
        themes, errors = discover(self.theme_dirs)
        self.loaded_themes = themes
        for loaded in themes.values():
            self.register_theme(loaded.textual)
        for error in errors:
            toast(self, error, title="Theme file ignored", severity="error", timeout=10)
        wanted = self.settings.theme
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            fallback = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
            if wanted != fallback:
                toast(self, f"Theme {wanted!r} is not available (see the errors above or the themes folder); "
                      f"using {fallback}", title="Theme", severity="error", timeout=10)
            self.theme = fallback
        self._theme_applied()
        self.theme_changed_signal.subscribe(self, lambda _theme: self._theme_applied())

    def _theme_applied(self) -> None:
        current = self.current_theme
        self.terminal_theme = terminal_theme_for(self.theme, self.loaded_themes, current.dark)

    # -- lifecycle -----------------------------------------------------------------------
    def on_mount(self) -> None:
        self._setup_themes()
        for problem in self.settings.problems:
            toast(self, problem, title="Settings", severity="warning", timeout=10)
        remote = self.settings.remote_refresh
        self.push_screen(BrowserScreen(self.sources, open_single=self.open_single and self.open_at is None,
                                       live_seconds=self.live_seconds, remote_interval=remote if remote > 0 else None))
        if self.open_at is not None:
            from .screens.player import PlayerScreen

            summary, source, position = self.open_at
            self.push_screen(PlayerScreen(summary, settings=self.settings, source=source,
                                          terminal_theme=lambda: self.terminal_theme, export_dir=self.export_dir,
                                          autoplay=False, start=position, finished_after=self.live_seconds))

    def on_recording_open_requested(self, message: RecordingOpenRequested) -> None:
        from .screens.player import PlayerScreen

        summary = message.summary
        self.push_screen(PlayerScreen(summary, settings=self.settings, source=self.source_for(summary.ref.source),
                                      terminal_theme=lambda: self.terminal_theme, export_dir=self.export_dir,
                                      autoplay=self.autoplay, query=message.query, match=message.match,
                                      finished_after=self.live_seconds))

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

