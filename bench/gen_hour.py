"""Deterministic generator of a 1-hour, >= 50 MB recording with mixed output.

Phases repeat through the hour: plain log lines, `ls --color`-like colour output, a
full-screen app redrawing (htop-like, alternate screen, cursor addressing, DEC line
drawing), typing at a prompt with corrections, a `\\r` progress bar, and terminal
resizes. Same seed, same bytes.

    python bench/gen_hour.py bench/data/hour.cast [--minutes 60] [--mb 55]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

HEADER = {
    "version": 2, "width": 120, "height": 40, "timestamp": 1795166102,
    "env": {"TERM": "xterm-256color"}, "srcNode": "bench.example.ts.net", "srcNodeID": "nBENCH01CNTRL",
    "srcNodeUserID": 30585448562688899, "srcNodeUser": "bench@example.com", "sshUser": "root",
    "localUser": "root", "connectionID": "bench-connection",
}
WORDS = [
    "error", "warn", "info", "debug", "request", "response", "cache", "miss", "hit", "user", "alice", "bob", "nginx",
    "sshd", "kernel", "disk",
]


def log_lines(rng: random.Random, n: int) -> str:
    out = []
    for i in range(n):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))
        out.append(f"2026-11-20T09:{i % 60:02d}:{rng.randint(0, 59):02d}Z host[{rng.randint(100, 9999)}]: {words}\r\n")
    return "".join(out)


def colour_listing(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        colour = rng.choice(["01;34", "01;32", "00", "01;36", "38;5;208", "38;2;255;100;0", "01;31"])
        name = "".join(rng.choice("abcdefghijklmnop_") for _ in range(rng.randint(3, 18)))
        out.append(f"\x1b[{colour}m{name}\x1b[0m  ")
        if rng.random() < 0.25:
            out.append("\r\n")
    return "".join(out) + "\r\n"


def fullscreen_frame(rng: random.Random, cols: int, rows: int, first: bool) -> str:
    out = ["\x1b[?1049h\x1b[H\x1b[2J" if first else "\x1b[H"]
    out.append("\x1b)0\x0e" + "l" + "q" * (cols - 2) + "k\x0f")
    for y in range(2, rows - 1):
        cpu = rng.randint(0, 100)
        bar = "|" * (cpu * (cols // 3) // 100)
        out.append(f"\x1b[{y};1H\x1b[32m{y:5d}\x1b[0m root  20   0 \x1b[1m{cpu:3d}%\x1b[0m \x1b[31m{bar}\x1b[K")
    out.append(f"\x1b[{rows};1H\x1b[7mF1Help F2Setup F10Quit\x1b[0m\x1b[K")
    return "".join(out)


def typing(rng: random.Random) -> list[str]:
    cmd = rng.choice(["sudo systemctl restart nginx", "tail -f /var/log/syslog", "cat /etc/hosts", "ls -la"])
    keys = ["\x1b[01;32mroot@bench\x1b[0m:\x1b[01;34m~\x1b[0m# "]
    for ch in cmd:
        keys.append(ch)
        if rng.random() < 0.05:
            keys.extend(["x", "\b\x1b[K"])
    keys.append("\r\n")
    return keys


def _events(rng: random.Random, target: float) -> list[tuple[str, str]]:
    """The event codes and data, until the output reaches the target size."""
    cols, rows = HEADER["width"], HEADER["height"]
    events: list[tuple[str, str]] = []
    size = 0
    phase = 0
    while size < target:
        phase += 1
        kind = phase % 5
        if kind == 0:
            chunk = [log_lines(rng, rng.randint(5, 40)) for _ in range(20)]
        elif kind == 1:
            chunk = [colour_listing(rng, rng.randint(30, 120)) for _ in range(5)]
        elif kind == 2:
            chunk = [fullscreen_frame(rng, cols, rows, i == 0) for i in range(12)] + ["\x1b[?1049l"]
        elif kind == 3:
            chunk = typing(rng)
        else:
            chunk = [f"\rdownloading {pct:3d}% [{'#' * (pct // 5):<20}]" for pct in range(0, 101, 4)] + ["\r\n"]
        events.extend(("o", data) for data in chunk)
        size += sum(len(data) for data in chunk) + 20 * len(chunk)
        if phase % 40 == 0:
            cols, rows = rng.choice([(120, 40), (100, 30), (160, 48), (80, 24)])
            events.append(("r", f"{cols}x{rows}"))
    return events


def generate(path: Path, minutes: float, target_mb: float, seed: int = 1) -> int:
    rng = random.Random(seed)
    events = _events(rng, target_mb * 1e6)
    step = minutes * 60 / len(events)
    t = 0.0
    written = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(HEADER, separators=(",", ":")) + "\n")
        for code, data in events:
            t += step * rng.uniform(0.2, 1.8)
            line = json.dumps([round(t, 6), code, data], ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--mb", type=float, default=55)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    n = generate(args.out, args.minutes, args.mb)
    print(f"{args.out}: {n / 1e6:.1f} MB, {args.minutes:.0f} minutes")


if __name__ == "__main__":
    main()
