"""Settings from the config file and the environment, read once into a frozen value."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from platformdirs import user_cache_dir, user_config_dir

from .bundled import SAMPLES, bundled_dir
from .nodes.resolve import NameSettings
from .nodes.settings import name_settings

APP = "castview"


def config_dir() -> Path:
    return Path(os.environ.get("CASTVIEW_CONFIG_DIR") or user_config_dir(APP))


def cache_dir() -> Path:
    return Path(os.environ.get("CASTVIEW_CACHE_DIR") or user_cache_dir(APP))


def bundled_samples() -> Path:
    """The sample recordings shipped in the package: the default source."""
    return bundled_dir(SAMPLES)


@dataclass(frozen=True)
class Settings:
    theme: str = "castview-dark"
    """Name of the theme: a file in themes/ or in the config dir's themes/ folder."""
    speed: float = 1.0
    """Playback speed multiplier, 0.25 to 16."""
    idle_limit: float | None = None
    """Cap on idle time between events in seconds; None uses the recording's own, else 2 s."""
    remote_refresh: float = 300.0
    """Seconds between two listings of a remote (S3) source while the app runs, to find
    new recordings; 0: only when asked (`r`). Local folders are watched instead."""
    cache_dir: Path = field(default_factory=cache_dir)
    """Where keyframe indexes, search indexes and downloaded S3 objects are kept."""
    names: NameSettings = field(default_factory=NameSettings)
    """How node IDs get names: the `[nodes]` table, the tailscale binary, the API (nodes/settings.py)."""
    problems: tuple[str, ...] = ()
    """What was wrong with the config file or environment, to show the user."""


def load_settings(path: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Settings from `config.toml` in the config dir, then CASTVIEW_* variables."""
    env = dict(os.environ) if env is None else env
    path = path or config_dir() / "config.toml"
    settings = Settings()
    problems: list[str] = []
    values: dict[str, object] = {}
    if path.is_file():
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            problems.append(f"{path}: ignored ({exc})")
    for key in ("theme", "speed", "idle_limit", "remote_refresh"):
        if f"CASTVIEW_{key.upper()}" in env:
            values[key] = env[f"CASTVIEW_{key.upper()}"]
    changes: dict[str, object] = {}
    if "theme" in values:
        changes["theme"] = str(values["theme"])
    for key, low, high in (("speed", 0.25, 16.0), ("idle_limit", 0.0, 3600.0), ("remote_refresh", 0.0, 86400.0)):
        if key in values:
            try:
                number = float(values[key])  # type: ignore[arg-type]
                if not low <= number <= high:
                    raise ValueError(f"must be between {low} and {high}")
                changes[key] = number if (key != "idle_limit" or number > 0) else None
            except (TypeError, ValueError) as exc:
                problems.append(f"{key}={values[key]!r} ignored ({exc})")
    changes["names"], name_problems = name_settings(values, env)
    problems += name_problems
    return replace(settings, **changes, problems=tuple(problems))  # type: ignore[arg-type]
