"""Theme files: Textual colours for the app plus the palette a recording is drawn with.

A theme is a TOML file (see themes/castview-dark.toml, meant to be copied and edited):
`name`, `dark`, a `[colors]` table of Textual theme colours, an optional `[variables]`
table, and a `[terminal]` table (foreground, background, cursor, 16-colour palette).
Bundled themes are package data (src/castview/data/themes/, which a checkout's `themes/`
links to); a user's own live in `config_dir()/themes/` and win over bundled ones of the
same name.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme as TextualTheme

from ..bundled import THEMES, bundled_dir
from ..config import config_dir
from ..sanitize import printable
from ..term.render import Theme as TerminalTheme

DEFAULT_THEME = "castview-dark"
COLOR_KEYS = (
    "primary", "secondary", "accent", "foreground", "background", "surface", "panel",
    "boost", "warning", "error", "success",
)
# The palette of a light theme file without a [terminal] table, and of Textual's light themes.
_LIGHT = TerminalTheme(
    fg="#2e3436",
    bg="#fdfdfd",
    cursor="#2e3436",
    palette=(
        "#2e3436", "#c01c28", "#26a269", "#a2734c", "#12488b", "#a347ba", "#2aa1b3", "#d0cfcc",
        "#5e5c64", "#f66151", "#33d17a", "#c88800", "#2a7bde", "#c061cb", "#33c7de", "#ffffff",
    ),
)


class ThemeError(Exception):
    """A theme file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class LoadedTheme:
    textual: TextualTheme
    terminal: TerminalTheme
    path: Path | None

    @property
    def name(self) -> str:
        return self.textual.name


def bundled_themes_dir() -> Path:
    """The theme files shipped in the package (a checkout's themes/ links to them)."""
    return bundled_dir(THEMES)


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def _colour(path: Path, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ThemeError(f"{path}: {key} must be a colour string, got {value!r}")
    try:
        Color.parse(value)
    except ColorParseError as exc:
        raise ThemeError(f"{path}: {key} = {value!r} is not a colour ({exc})") from exc
    return value


def parse_theme(path: Path, text: str) -> LoadedTheme:
    """A theme from the text of a theme file. Raises ThemeError naming the file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError(f"{path}: not valid TOML ({exc})") from exc
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not name.strip() or any(c.isspace() for c in name):
        raise ThemeError(f"{path}: name must be a word like 'my-theme', got {name!r}")
    colors = data.get("colors", {})
    if not isinstance(colors, dict):
        raise ThemeError(f"{path}: [colors] must be a table")
    unknown = sorted(set(colors) - set(COLOR_KEYS))
    if unknown:
        raise ThemeError(f"{path}: unknown colour(s) {', '.join(unknown)} in [colors] (known: {', '.join(COLOR_KEYS)})")
    if "primary" not in colors:
        raise ThemeError(f"{path}: [colors] needs at least primary")
    textual_colors = {key: _colour(path, f"colors.{key}", value) for key, value in colors.items()}
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ThemeError(f"{path}: [variables] must map names to strings")
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeError(f"{path}: dark must be true or false")
    terminal = data.get("terminal")
    if terminal is None:
        terminal_theme = TerminalTheme.default() if dark else _LIGHT
    else:
        if not isinstance(terminal, dict):
            raise ThemeError(f"{path}: [terminal] must be a table")
        try:
            terminal_theme = TerminalTheme(
                fg=terminal["foreground"],
                bg=terminal["background"],
                cursor=terminal.get("cursor", terminal["foreground"]),
                palette=tuple(terminal["palette"]),
            )
        except KeyError as exc:
            raise ThemeError(f"{path}: [terminal] needs {exc.args[0]}") from exc
        except (TypeError, ValueError) as exc:
            raise ThemeError(f"{path}: [terminal]: {exc}") from exc
    try:
        theme = TextualTheme(name=name, dark=dark, variables=dict(variables), **textual_colors)
    except (TypeError, ValueError) as exc:
        raise ThemeError(f"{path}: {exc}") from exc
    return LoadedTheme(theme, terminal_theme, path)


def load_theme_file(path: Path) -> LoadedTheme:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"{path}: cannot read ({exc})") from exc
    return parse_theme(path, text)


def discover(dirs: list[Path] | None = None) -> tuple[dict[str, LoadedTheme], list[str]]:
    """Every theme in the bundled then the user's folder (later ones win), and what was
    wrong with the files that could not be loaded."""
    dirs = dirs if dirs is not None else [bundled_themes_dir(), user_themes_dir()]
    themes: dict[str, LoadedTheme] = {}
    errors: list[str] = []
    for directory in dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                loaded = load_theme_file(path)
            except ThemeError as exc:
                errors.append(printable(str(exc)))
                continue
            themes[loaded.name] = loaded
    return themes, errors


def terminal_theme_for(name: str, themes: dict[str, LoadedTheme], dark: bool) -> TerminalTheme:
    """The palette to draw recordings with under app theme `name` (Textual's own themes
    have none: they get the default dark or light one)."""
    loaded = themes.get(name)
    if loaded is not None:
        return loaded.terminal
    return TerminalTheme.default() if dark else _LIGHT
