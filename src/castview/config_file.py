"""Saving one setting into the user's config.toml, leaving the rest of it as written.

The file is the user's: their other settings, comments, order and tables stay as they
are. Only the key's own line changes (or one line is added before the first table), the
result is checked to parse to the same settings but that one, and it is written to a
temporary file renamed over the real one (a symlinked config, e.g. from a dotfiles
repository, is written where the link points, not replaced). A file that does not parse
is never rewritten: the user must fix it first.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

from .safe_write import replacing


class ConfigFileError(ValueError):
    """The config file cannot be edited safely; the message names it and says why."""


_TABLE = re.compile(r"\s*\[")
_STRING = r"\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'"


def _assignment(key: str) -> re.Pattern[str]:
    return re.compile(rf"^(\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=\s*)({_STRING})(.*)$", re.DOTALL)


def save_setting(path: Path, key: str, value: str) -> None:
    """Set the top-level string setting `key` to `value` in the TOML file `path` (created
    with its folder if missing). Raises ConfigFileError when the file does not parse or
    cannot be edited without touching anything else; OSError when it cannot be written."""
    path = Path(os.path.realpath(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except UnicodeDecodeError as exc:
        raise ConfigFileError(f"{path} is not UTF-8 text ({exc}); {key} not saved") from exc
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"{path} is not valid TOML ({exc}); {key} not saved, fix the file first") from exc
    new_text = _edited(text, key, value)
    try:
        after = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError:
        after = None
    if after != {**before, key: value}:
        raise ConfigFileError(f"{path}: cannot change {key} without touching other settings; "
                              f"edit it by hand ({key} = {json.dumps(value)})")
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as f:
        f.write(new_text)


def _edited(text: str, key: str, value: str) -> str:
    """`text` with the line `key = "value"` in place of the key's line, else added at the
    end of the top-level settings (before the first table)."""
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    lines = text.splitlines(keepends=True)
    top = next((i for i, ln in enumerate(lines) if _TABLE.match(ln)), len(lines))
    pattern = _assignment(key)
    for i in range(top):
        match = pattern.match(lines[i])
        if match:
            lines[i] = match.group(1) + json.dumps(value, ensure_ascii=False) + match.group(3)
            return "".join(lines)
    if top and not lines[top - 1].endswith("\n"):
        lines[top - 1] += "\n"
    return "".join(lines[:top] + [line + "\n"] + lines[top:])
