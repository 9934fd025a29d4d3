"""The castview app: a browser of recordings and a player, themed from theme files."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.theme import Theme

from ..config import Settings, load_settings
from ..sources.base import Source
from ..sources.catalog import LIVE_SECONDS, RecordingSummary
from .commands import CastviewCommands
from .messages import RecordingDamaged, RecordingOpenRequested
from .screens.browser import BrowserScreen
from .themes import DEFAULT_THEME, LoadedTheme, discover, terminal_theme_for
from .toast import toast

SAMPLES_TITLE = "castview — sample recordings"


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
        samples: bool = False,
        open_at: OpenAt | None = None,
        review_filter: str | None = None,
    ) -> None:
        """`live_seconds`: a recording that has not grown for this long is taken as
        finished (its live mark goes in the browser; the player stops following it).
        `samples`: the sources are the bundled samples, not the user's recordings (the
        title says so). `open_at`: open that recording in the player first (q goes to
        the browser). `review_filter`: the browser lists only the recordings it keeps
        (castview.reviews.REVIEW_FILTERS)."""
        super().__init__()
        if samples:
            self.title = SAMPLES_TITLE
        self.sources = list(sources)
        self.settings = settings or load_settings()
        self.autoplay = autoplay
        self.open_single = open_single
        self.theme_dirs = theme_dirs
        self.export_dir = export_dir
        self.live_seconds = live_seconds
        self.open_at = open_at
        self.review_filter = review_filter
        self.loaded_themes: dict[str, LoadedTheme] = {}
        self.terminal_theme = terminal_theme_for(DEFAULT_THEME, {}, True)
        self._kept_theme = ""  # the theme config.toml has (or the start chose)
        self._save_lock = threading.Lock()

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
        self._kept_theme = self.theme  # the start's own choice is not saved; one the user picks is
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        self._theme_applied()
        if theme.name != self._kept_theme:
            self._kept_theme = theme.name
            self._save_theme()

    def _theme_applied(self) -> None:
        current = self.current_theme
        self.terminal_theme = terminal_theme_for(self.theme, self.loaded_themes, current.dark)

    @work(thread=True, exclusive=True, group="save-theme", exit_on_error=False)
    def _save_theme(self) -> None:
        """Keep a theme chosen (command palette) for the next start, in config.toml. The
        palette's picker changes the theme as it is browsed: saves run one at a time and
        each writes the latest choice, so the file ends with the last one."""
        from ..config import config_file
        from ..config_file import ConfigFileError, save_setting
        from ..recording import error_message

        path = config_file()
        try:
            with self._save_lock:
                save_setting(path, "theme", self._kept_theme)
        except (ConfigFileError, OSError) as exc:
            problem = str(exc) if isinstance(exc, ConfigFileError) else error_message(exc, path, "write")
            self.call_from_thread(toast, self, problem, title="Theme not saved", severity="error", timeout=10)
            return
        if os.environ.get("CASTVIEW_THEME"):
            self.call_from_thread(toast, self, f"saved in {path}, but $CASTVIEW_THEME chooses the theme at start",
                                  title="Theme", severity="warning", timeout=8)

    # -- lifecycle -----------------------------------------------------------------------
    def on_mount(self) -> None:
        self._setup_themes()
        for problem in self.settings.problems:
            toast(self, problem, title="Settings", severity="warning", timeout=10)
        remote = self.settings.remote_refresh
        self.push_screen(BrowserScreen(self.sources, open_single=self.open_single and self.open_at is None,
                                       live_seconds=self.live_seconds, remote_interval=remote if remote > 0 else None,
                                       review_filter=self.review_filter))
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

    def on_recording_damaged(self, message: RecordingDamaged) -> None:
        """The player found problems: the browser below it marks the recording."""
        for screen in self.screen_stack:
            if isinstance(screen, BrowserScreen):
                screen.post_message(RecordingDamaged(message.summary))

    def action_help(self) -> None:
        from .screens.fleet_search import FleetSearchScreen
        from .screens.help import HelpScreen
        from .screens.player import PlayerScreen

        if not isinstance(self.screen, HelpScreen):
            first = {PlayerScreen: "player", FleetSearchScreen: "search"}.get(type(self.screen), "browser")
            self.push_screen(HelpScreen(first))

