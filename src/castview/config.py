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


def config_file() -> Path:
    """The user's settings file (read by load_settings; the app saves a theme chosen in it)."""
    return config_dir() / "config.toml"


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
    fps: float = 30.0
    """Frames per second at most while playing: fewer send less to the terminal (over a
    slow SSH link) at the cost of smoothness; 1 to 60."""
    low_bandwidth: bool = False
    """For a slow link: the clock in whole seconds and at most LOW_BANDWIDTH_FPS frames a second."""
    utc: bool = False
    """The player's wall clock in UTC (else the local zone); `u` toggles it."""
    compact: bool = False
    """The player without footer and status line (`z` toggles it), so a recording the
    terminal's size fits it exactly."""
    cache_dir: Path = field(default_factory=cache_dir)
    """Where keyframe indexes, search indexes and downloaded S3 objects are kept."""
    cache_url: str | None = None
    """A shared cache of analysis entries (s3://BUCKET/PREFIX) that machines fill and read
    beside their own cache dir, so one indexing pass serves every auditor; `--cache-url`."""
    reviewer: str | None = None
    """The name reviews and bookmarks are made under; None: the OS user."""
    reviews_db: Path | None = None
    """The review ledger (SQLite), e.g. on a shared path; None: reviews.sqlite in the user data dir."""
    names: NameSettings = field(default_factory=NameSettings)
    """How node IDs get names: the `[nodes]` table, the tailscale binary, the API (nodes/settings.py)."""
    problems: tuple[str, ...] = ()
    """What was wrong with the config file or environment, to show the user."""

    @property
    def frame_rate(self) -> float:
        """The frame cap in effect (low bandwidth lowers it)."""
        return min(self.fps, LOW_BANDWIDTH_FPS) if self.low_bandwidth else self.fps


LOW_BANDWIDTH_FPS = 10.0


def load_settings(path: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Settings from `config.toml` in the config dir, then CASTVIEW_* variables."""
    env = dict(os.environ) if env is None else env
    path = path or config_file()
    settings = Settings()
    problems: list[str] = []
    values: dict[str, object] = {}
    if path.is_file():
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            problems.append(f"{path}: ignored ({exc})")
    for key in ("theme", "speed", "idle_limit", "remote_refresh", "fps", "low_bandwidth", "utc", "compact"):
        if f"CASTVIEW_{key.upper()}" in env:
            values[key] = env[f"CASTVIEW_{key.upper()}"]
    changes: dict[str, object] = {}
    if "theme" in values:
        changes["theme"] = str(values["theme"])
    for key in ("reviewer", "reviews_db", "cache_url"):
        value = env.get(f"CASTVIEW_{key.upper()}", values.get(key))
        if isinstance(value, str) and value:
            changes[key] = Path(value).expanduser() if key == "reviews_db" else value
    for key in ("low_bandwidth", "utc", "compact"):
        if key in values:
            flag = _flag(values[key])
            if flag is None:
                problems.append(f"{key}={values[key]!r} ignored (use true or false)")
            else:
                changes[key] = flag
    for key, low, high in (("speed", 0.25, 16.0), ("idle_limit", 0.0, 3600.0), ("remote_refresh", 0.0, 86400.0),
                           ("fps", 1.0, 60.0)):
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


def _flag(value: object) -> bool | None:
    """A boolean setting from TOML (true/false) or the environment (1/0, true/false, yes/no)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in ("1", "true", "yes", "on") else False if text in ("0", "false", "no", "off", "") else None
