"""`castview serve` as a real process for the tests: started on a free port with private
cache and config dirs, its URL read from its first line of output, its app processes
found through /proc, stopped with a signal.

    server = ServeProcess.start(tmp_path, recordings_dir)
    server.url  # http://127.0.0.1:PORT/?token=...
    code, log = server.stop(signal.SIGTERM)
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


def wait_until(predicate, timeout: float = 20.0, what: str = "condition", interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


def children_of(pid: int) -> list[int]:
    """The live child processes of `pid` (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def is_alive(pid: int) -> bool:
    """Running and not a zombie (a zombie has exited but was not reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


class ServeProcess:
    def __init__(self, process: subprocess.Popen, url: str) -> None:
        self.process = process
        self.url = url
        parts = urlsplit(url)
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.token = parse_qs(parts.query)["token"][0]

    @classmethod
    def start(cls, tmp_path: Path, *args: str, timeout: float = 30.0) -> ServeProcess:
        env = dict(os.environ, TZ="UTC", CASTVIEW_CACHE_DIR=str(tmp_path / "cache"),
                   CASTVIEW_CONFIG_DIR=str(tmp_path / "config"))
        for key in ("CASTVIEW_THEME", "CASTVIEW_SPEED", "CASTVIEW_IDLE_LIMIT", "CASTVIEW_SERVE_TOKEN"):
            env.pop(key, None)
        src = Path(__file__).resolve().parents[1] / "src"
        env["PYTHONPATH"] = os.pathsep.join([str(src), *filter(None, [env.get("PYTHONPATH")])])
        process = subprocess.Popen([sys.executable, "-m", "castview", "serve", "--port", "0", *args],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
        line = _read_line(process, timeout)
        if not line.startswith("http://"):
            process.kill()
            _, err = process.communicate()
            raise AssertionError(f"castview serve did not start: {line!r} {err.decode(errors='replace')}")
        return cls(process, line)

    def app_pids(self) -> list[int]:
        return [pid for pid in children_of(self.process.pid) if is_alive(pid)]

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 30.0) -> tuple[int, str]:
        """Signal the server; its exit status and everything it wrote after the URL."""
        self.process.send_signal(signum)
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            self.process.kill()
            out, err = self.process.communicate()
            raise AssertionError(f"castview serve did not stop within {timeout} s: "
                                 f"{err.decode(errors='replace')}") from exc
        # stdout after the URL: what an app process wrote to its stderr (textual-serve passes it on)
        return self.process.returncode, out.decode(errors="replace") + err.decode(errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            for pid in self.app_pids():
                os.kill(pid, signal.SIGKILL)
            self.process.kill()
            self.process.communicate()


def _read_line(process: subprocess.Popen, timeout: float) -> str:
    """The first line of stdout, without blocking past `timeout`."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    data = b""
    deadline = time.monotonic() + timeout
    while b"\n" not in data and time.monotonic() < deadline:
        if selector.select(timeout=max(0.0, deadline - time.monotonic())):
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                break
            data += chunk
    selector.close()
    return data.decode(errors="replace").split("\n", 1)[0].strip()
