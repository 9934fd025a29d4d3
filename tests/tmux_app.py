"""castview running in a real terminal: a private tmux server with one session of a fixed
size whose pane runs a command; the test reads the screen and sends keys.

    app = TmuxApp(tmp_path, 80, 24)
    app.start(f"{castview} {recording}")
    app.wait_for("idle≤2s"); app.keys("space", "q"); app.close()

The pane runs in `tmp_path` (exports land there) with a private cache and config dir,
UTC, and TERM=xterm-256color; `env=` replaces the whole environment instead (e.g. a
fresh virtual environment that must not see the test's PYTHONPATH). When the command
ends the pane prints CASTVIEW-EXITED-<status>.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

EXITED = "CASTVIEW-EXITED-"
CASTVIEW = Path(sys.executable).parent / "castview"  # the entry point the install made


class TmuxApp:
    def __init__(self, tmp_path: Path, width: int = 80, height: int = 24) -> None:
        self.socket = f"castview-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.tmp = tmp_path
        self.width, self.height = width, height

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True).stdout

    def start(self, command: str, env: dict[str, str] | None = None) -> None:
        if env is None:
            # COLUMNS/LINES (set under pytest) would pin Textual's idea of the terminal size.
            prefix = (f"env -u COLUMNS -u LINES TZ=UTC CASTVIEW_CACHE_DIR={shlex.quote(str(self.tmp / 'cache'))} "
                      f"CASTVIEW_CONFIG_DIR={shlex.quote(str(self.tmp / 'config'))} TERM=xterm-256color")
        else:
            prefix = "env -i " + " ".join(shlex.quote(f"{key}={value}") for key, value in env.items())
        subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d", "-x", str(self.width), "-y",
             str(self.height), f"cd {shlex.quote(str(self.tmp))} && {prefix} {command}; echo {EXITED}$?; sleep 30"],
            check=True,
        )

    def screen(self, escapes: bool = False) -> str:
        return self.run("capture-pane", "-p", *(["-e"] if escapes else []))

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", key)
            time.sleep(0.15)

    def wait_for(self, needle: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if needle in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} never appeared; the screen:\n{screen}")

    def wait_gone(self, needle: str, timeout: float = 20.0) -> str:
        """Wait until `needle` is off the screen. After Escape, wait for what it closes to go
        before the next key: ESC and a key read together are alt+key (a loaded machine)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if needle not in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} never went; the screen:\n{screen}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@contextmanager
def castview_terminal(tmp_path: Path, width: int = 80, height: int = 24) -> Iterator[TmuxApp]:
    """A terminal for the installed castview, closed after (the test skipped without tmux
    or the entry point)."""
    import pytest

    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    if not CASTVIEW.exists():
        pytest.skip(f"no castview entry point at {CASTVIEW}")
    session = TmuxApp(tmp_path, width, height)
    try:
        yield session
    finally:
        session.close()
