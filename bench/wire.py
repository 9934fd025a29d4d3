"""Bytes on the wire: what the player writes to its terminal while it plays (issue 18).

    python bench/wire.py [--span 10] [--paused 60] [--baseline OLD_SRC_DIR] [--only NAME]
                         [--speeds 1,4] [--low-bandwidth]

The real app runs under a pty of 100x30 (TERM=xterm-256color, a private cache and config)
on each recording; everything it writes is counted. Per recording and speed (1x, 4x): the
app is opened, paused, sent to the start, then played for `--span` seconds; reported are
castview's bytes per second against the recording's own (the output bytes it would write
in that span at that speed, idle gaps capped as the player caps them: what `asciinema
play` writes). Then, on the full-screen recording: the bytes of a paused `--paused`
seconds, and of a mouse drag across the whole scrub bar (about 2 s). `--baseline` runs
the same with another castview source tree (e.g. a checkout of main) in the same run;
`--low-bandwidth` adds a column for this tree with CASTVIEW_LOW_BANDWIDTH=1.

The recordings: `quiet` (an editor, a few keys a second), `busy` (a deploy script, a
progress bar redrawn 8 times a second and log lines), `full-screen` (htop-like: a 100x30
colour screen redrawn 12 times a second), `resize` (a shell, the window resized every 5
s), all generated here (60 s each), and `nano` (the bundled nano sample, real).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import pty
import random
import select
import signal
import struct
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
COLS, ROWS = 100, 30
IDLE_CAP = 2.0
SAMPLE = SRC / "castview/data/sample_casts/nHx4Tb1CNTRL/2026-11-20T09:15:02.5Z.cast"


# -- recordings ---------------------------------------------------------------------------
def _write(path: Path, cols: int, rows: int, events: list[tuple[float, str, str]]) -> None:
    with open(path, "w") as f:
        f.write(json.dumps({"version": 2, "width": cols, "height": rows, "timestamp": 1795166102}) + "\n")
        for t, code, data in events:
            f.write(json.dumps([round(t, 6), code, data]) + "\n")


def quiet(path: Path) -> None:
    """An editor: a title bar, a help bar, a line typed at ~6 keys a second."""
    rng = random.Random(1)
    events = [(0.0, "o", "\x1b[2J\x1b[H\x1b[7m  GNU nano 7.2" + " " * 40 + "notes.txt" + " " * 38 + "\x1b[0m"
               + f"\x1b[{ROWS - 1};1H\x1b[7m^G\x1b[0m Help  \x1b[7m^O\x1b[0m Write Out  \x1b[7m^X\x1b[0m Exit"
               + "\x1b[3;1H")]
    t, row, col = 0.5, 3, 1
    words = ["the", "deploy", "went", "fine", "until", "the", "cache", "was", "cold", "and", "then",
             "everything", "slowed", "down"]
    while t < 60:
        for ch in rng.choice(words) + " ":
            t += rng.uniform(0.08, 0.25)
            events.append((t, "o", ch))
            col += 1
        if col > 70:
            row, col = row + 1 if row < ROWS - 3 else 3, 1
            events.append((t, "o", "\r\n" if row != 3 else "\x1b[3;1H\x1b[J"))
    _write(path, COLS, ROWS, events)


def busy(path: Path) -> None:
    """A deploy script: a progress bar redrawn 8 times a second, a log line a second."""
    events: list[tuple[float, str, str]] = []
    for i in range(int(60 * 8)):
        t = i / 8
        done = i % 200
        bar = "#" * (done * 50 // 200) + "-" * (50 - done * 50 // 200)
        if i % 8 == 0:
            events.append((t, "o", f"\r\x1b[K[{t:6.1f}] deploying shard {i // 8}: ok\r\n"))
        events.append((t + 0.01, "o", f"\r\x1b[32m[{bar}]\x1b[0m {done / 2:5.1f}% eta {200 - done:3d}s"))
    _write(path, COLS, ROWS, events)


def full_screen(path: Path) -> None:
    """htop-like: meters and a process table in colour, redrawn 12 times a second."""
    rng = random.Random(2)
    events: list[tuple[float, str, str]] = [(0.0, "o", "\x1b[?1049h\x1b[2J")]
    for i in range(60 * 12):
        out = ["\x1b[H"]
        for cpu in range(4):
            load = rng.randint(0, 40)
            out.append(f"\x1b[{cpu + 1};1H  {cpu}\x1b[1;34m[\x1b[32m{'|' * load}\x1b[31m{' ' * (40 - load)}"
                       f"\x1b[34m]\x1b[0m {load * 2.5:5.1f}%")
        out.append("\x1b[6;1H\x1b[30;42m  PID USER      PRI  NI  VIRT   RES   SHR S CPU% MEM%   TIME+  Command"
                   + " " * 24 + "\x1b[0m")
        for row in range(7, ROWS):
            pid = 1000 + (row * 37 + i) % 900
            cpu = rng.uniform(0, 99)
            colour = "\x1b[1;31m" if cpu > 80 else "\x1b[0m"
            out.append(f"\x1b[{row};1H{pid:5d} alice      20   0  {rng.randint(100, 999)}M  {rng.randint(10, 99)}M"
                       f"  12M S {colour}{cpu:4.1f}\x1b[0m  0.3  0:{i // 12:02d}.{i % 12:02d} worker-{row}\x1b[K")
        events.append((i / 12, "o", "".join(out)))
    _write(path, COLS, ROWS, events)


def resize(path: Path) -> None:
    """A shell printing a line every 0.2 s; the window resized 100x30 <-> 120x35 every 5 s."""
    events: list[tuple[float, str, str]] = []
    for i in range(300):
        t = i * 0.2
        if i % 25 == 0 and i:
            events.append((t, "r", "120x35" if (i // 25) % 2 else "100x30"))
        events.append((t + 0.01, "o", f"line {i}: " + "x" * (i % 60) + "\r\n"))
    _write(path, COLS, ROWS, events)


RECORDINGS = {"quiet": quiet, "busy": busy, "full-screen": full_screen, "resize": resize}


def own_bytes(path: Path, speed: float, span: float) -> int:
    """The output bytes the recording writes in its first `span` seconds of playback at
    `speed`, idle gaps capped at IDLE_CAP (or the header's idle_time_limit)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    cap = header.get("idle_time_limit") or IDLE_CAP
    total, played, last = 0, 0.0, 0.0
    for line in lines[1:]:
        try:
            t, code, data = json.loads(line)
        except ValueError:
            continue
        played += min(max(0.0, t - last), cap)
        last = t
        if played / speed > span:
            break
        if code == "o":
            total += len(data.encode("utf-8", "replace"))
    return total


# -- the app under a pty ------------------------------------------------------------------
class App:
    def __init__(self, src: Path, recording: Path, speed: float, home: Path, extra: dict[str, str]) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "SSH_CONNECTION")}
        env.update(extra)
        env.update(PYTHONPATH=str(src), TERM="xterm-256color", TZ="UTC", CASTVIEW_CACHE_DIR=str(home / "cache"),
                   CASTVIEW_CONFIG_DIR=str(home / "config"), CASTVIEW_SPEED=str(speed))
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
            os.execve(sys.executable, [sys.executable, "-m", "castview", str(recording)], env)
        self.pid, self.fd = pid, fd
        self.count = 0
        self.stopped = False
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while not self.stopped:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    return
                if not data:
                    return
                self.count += len(data)

    def send(self, data: str) -> None:
        os.write(self.fd, data.encode())

    def quiet_for(self, seconds: float, timeout: float = 30) -> None:
        """Wait until nothing was written for `seconds` (the app settled)."""
        deadline = time.monotonic() + timeout
        last, since = self.count, time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if self.count != last:
                last, since = self.count, time.monotonic()
            elif time.monotonic() - since >= seconds:
                return

    def bytes_during(self, seconds: float) -> int:
        start = self.count
        time.sleep(seconds)
        return self.count - start

    def close(self) -> None:
        self.send("q")
        time.sleep(0.3)
        self.stopped = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


Tree = tuple[str, Path, dict[str, str]]  # a label, a castview source tree, extra environment


def opened(tree: Tree, recording: Path, speed: float, home: Path) -> App:
    """The app on `recording`, paused at the start, settled."""
    app = App(tree[1], recording, speed, home, tree[2])
    deadline = time.monotonic() + 30
    while app.count < 1000 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.5)
    app.send(" ")  # it opened playing: pause, back to the start
    time.sleep(0.3)
    app.send("\x1b[H")  # home
    app.quiet_for(1.0)
    return app


def play(tree: Tree, recording: Path, speed: float, span: float, home: Path) -> float:
    app = opened(tree, recording, speed, home)
    try:
        app.send(" ")
        return app.bytes_during(span) / span
    finally:
        app.close()


def paused_and_scrub(tree: Tree, recording: Path, paused: float, home: Path) -> tuple[int, int]:
    app = opened(tree, recording, 1.0, home)
    try:
        idle = app.bytes_during(paused)
        y, x0, x1 = ROWS - 1, 12, COLS - 8  # the scrub bar's row (above the footer), its span
        start = app.count
        app.send(f"\x1b[<0;{x0};{y}M")
        for x in range(x0, x1 + 1):
            app.send(f"\x1b[<32;{x};{y}M")
            time.sleep(0.025)
        app.send(f"\x1b[<0;{x1};{y}m")
        app.quiet_for(1.0)
        return idle, app.count - start
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--span", type=float, default=10.0, help="seconds of playback measured per run")
    parser.add_argument("--paused", type=float, default=60.0, help="seconds paused measured")
    parser.add_argument("--baseline", type=Path, help="another castview source tree (its src/ or the checkout)")
    parser.add_argument("--only", help="one recording")
    parser.add_argument("--speeds", default="1,4", help="playback speeds, comma-separated")
    parser.add_argument("--low-bandwidth", action="store_true", help="also this tree with CASTVIEW_LOW_BANDWIDTH=1")
    args = parser.parse_args()
    trees: list[Tree] = [("this", SRC, {})]
    if args.baseline is not None:
        base = args.baseline / "src" if (args.baseline / "src").is_dir() else args.baseline
        trees.insert(0, ("baseline", base, {}))
    if args.low_bandwidth:
        trees.append(("low bandwidth", SRC, {"CASTVIEW_LOW_BANDWIDTH": "1"}))
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        files: dict[str, Path] = {}
        for name, make in RECORDINGS.items():
            files[name] = home / f"{name}.cast"
            make(files[name])
        files["nano"] = SAMPLE
        names = [args.only] if args.only else list(files)
        print(f"{COLS}x{ROWS}, {args.span:g} s of playback per run; KB = 1024 bytes", flush=True)
        print("| recording | speed | its own KB/s | " + " | ".join(f"{t[0]} KB/s | ratio" for t in trees) + " |")
        print("|---|---|---|" + "---|---|" * len(trees))
        for name in names:
            for speed in (float(x) for x in args.speeds.split(",")):
                own = own_bytes(files[name], speed, args.span) / args.span
                cells = []
                for tree in trees:
                    rate = play(tree, files[name], speed, args.span, home)
                    cells.append(f"{rate / 1024:.2f} | {rate / own:.1f}x" if own else f"{rate / 1024:.2f} | -")
                print(f"| {name} | {speed:g}x | {own / 1024:.2f} | " + " | ".join(cells) + " |", flush=True)
        if args.paused <= 0:
            return
        print()
        print("| full-screen | " + " | ".join(t[0] for t in trees) + " |")
        print("|---|" + "---|" * len(trees))
        results = [paused_and_scrub(tree, files["full-screen"], args.paused, home) for tree in trees]
        print(f"| paused {args.paused:g} s (bytes) | " + " | ".join(str(r[0]) for r in results) + " |")
        print("| drag across the scrub bar, ~2 s (bytes) | " + " | ".join(str(r[1]) for r in results) + " |")


if __name__ == "__main__":
    main()
