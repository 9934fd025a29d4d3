"""ctrl-C during `castview grep` over a tree: the terminal sends SIGINT to every process of
the command's group, its worker processes too. The command alone answers it (exit 130);
each worker used to print a KeyboardInterrupt traceback of its own."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "castview" / "data" / "sample_casts"
SRC = Path(__file__).resolve().parents[1] / "src"


def _tree(root: Path, copies: int) -> Path:
    """`copies` copies of every sample, each copy under nodes of its own."""
    for i in range(copies):
        for cast in SAMPLES.rglob("*.cast"):
            node = root / f"n{i:03d}{cast.parent.name}"
            node.mkdir(parents=True, exist_ok=True)
            shutil.copy(cast, node / cast.name)
    return root


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _workers(pid: int) -> list[int]:
    """The worker processes of the grep `pid`: children of its fork server."""
    return [w for child in _children(pid) for w in _children(child)]


def _ignores_sigint(pid: int) -> bool:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    raise AssertionError(f"no SigIgn for {pid}")


def _as_from_a_terminal() -> None:
    """A command started from a shell in a terminal gets ctrl-C (a test run in the
    background inherits SIGINT ignored, and so would grep)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_grep_with_no_traceback_from_its_workers(tmp_path):
    tree = _tree(tmp_path / "tree", 40)
    env = dict(os.environ, PYTHONPATH=str(SRC), CASTVIEW_CACHE_DIR=str(tmp_path / "cache"),
               CASTVIEW_DATA_DIR=str(tmp_path / "data"), CASTVIEW_TAILSCALE="off")
    grep = subprocess.Popen([sys.executable, "-m", "castview", "grep", "--jobs", "2", "no-such-text", str(tree)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_as_from_a_terminal)
    try:
        deadline = time.monotonic() + 120
        while len(_workers(grep.pid)) < 2 and grep.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert grep.poll() is None, "grep ended before its workers were seen"
        # Whether a worker is busy (its exception goes back to grep) or waiting for work
        # (its traceback went to the terminal) when ctrl-C comes is a matter of timing:
        # that every process but grep leaves SIGINT alone is not.
        helpers = [*_children(grep.pid), *_workers(grep.pid)]
        assert all(map(_ignores_sigint, helpers)), helpers
        os.killpg(grep.pid, signal.SIGINT)  # what ctrl-C in its terminal does
        out, err = grep.communicate(timeout=120)
    finally:
        if grep.poll() is None:
            os.killpg(grep.pid, signal.SIGKILL)
    assert grep.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
