"""Listing benchmark (issues 13 and 17): 10,000 recordings in tsrecorder layout on local disk.

    PYTHONPATH=src python bench/listing.py [--recordings 10000] [--skip-app]

Measures, in one run:
- a bare loop opening each recording and reading its first line (the floor any listing pays);
- `castview ls --json` and plain `castview ls` (stdout to a file), as subprocesses;
- the app (headless, 200x50): time until every header is in, the longest a key waited
  while they loaded, and each view switch (`v`) and sort (`o`) once all are in.

Targets: ls --json and ls <= 2.0 s and <= 4x the bare loop; the app's headers within 3 s,
keys answered within 100 ms while loading; a view switch <= 0.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NODES = 50
USERS = ("alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com")


def generate(root: Path, count: int) -> None:
    """`count` small recordings over NODES node folders, each with a full Tailscale header."""
    base = 1_795_000_000
    for i in range(count):
        node = root / f"n{i % NODES:04d}Bench{'x' * 2}CNTRL"
        node.mkdir(parents=True, exist_ok=True)
        start = base + i * 37
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start)) + f".{i % 1000:03d}Z"
        header = {
            "version": 2, "width": 80, "height": 24, "timestamp": start, "env": {"TERM": "xterm-256color"},
            "srcNode": f"laptop-{i % 17}.tail1234.ts.net", "srcNodeID": f"nC{i % 17:04d}ClientCNTRL",
            "srcNodeUser": USERS[i % len(USERS)], "srcNodeUserID": 1000 + i % len(USERS), "sshUser": "root",
            "localUser": "root", "connectionID": f"ssh-conn-{i // 3:06d}",
        }
        events = "".join(json.dumps([0.1 * k, "o", f"line {k}\r\n"]) + "\n" for k in range(1, 6))
        (node / f"{stamp}.cast").write_text(json.dumps(header) + "\n" + events)


def bare_loop(root: Path) -> float:
    started = time.perf_counter()
    for path in root.rglob("*.cast"):
        with open(path, "rb") as f:
            f.readline()
    return time.perf_counter() - started


def cli(root: Path, *args: str) -> float:
    env = {**os.environ, "CASTVIEW_TAILSCALE": "off", "CASTVIEW_CACHE_DIR": tempfile.mkdtemp()}
    with tempfile.TemporaryFile() as sink:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "castview", "ls", str(root), *args], stdout=sink, env=env, check=True)
        return time.perf_counter() - started


async def app_run(root: Path, count: int) -> dict[str, float]:
    from castview.config import Settings
    from castview.sources.local import LocalSource
    from castview.ui.app import CastviewApp
    from castview.ui.widgets.recording_tree import RecordingTree

    settings = Settings(cache_dir=Path(tempfile.mkdtemp()))
    app = CastviewApp([LocalSource(root)], settings=settings)
    result: dict[str, float] = {}
    started = time.perf_counter()
    async with app.run_test(size=(200, 50)) as pilot:
        worst_key = 0.0
        while True:
            try:
                tree = app.screen.query_one(RecordingTree)
            except Exception:
                await pilot.pause(0.01)
                continue
            done, total = app.screen._progress  # type: ignore[attr-defined]
            if total == count and done == total and tree.shown == count:
                break
            before = time.perf_counter()
            await pilot.press("down")
            worst_key = max(worst_key, time.perf_counter() - before)
        result["all headers in (s)"] = time.perf_counter() - started
        result["slowest key while loading (s)"] = worst_key
        for key in ("v", "v", "v", "v", "o", "o", "O"):
            before = time.perf_counter()
            await pilot.press(key)
            result[f"key {key} -> {tree.view}/{tree.sort}{'/rev' if tree.reverse else ''} (s)"] = \
                time.perf_counter() - before
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recordings", type=int, default=10_000)
    parser.add_argument("--skip-app", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        generate(root, args.recordings)
        bare_loop(root)  # warm the page cache for every measurement alike
        bare = bare_loop(root)
        print(f"bare first-line loop: {bare:.3f} s")
        for extra in (["--json"], []):
            took = cli(root, *extra)
            print(f"castview ls {' '.join(extra)}: {took:.3f} s ({took / bare:.1f}x bare)")
        if not args.skip_app:
            for name, value in asyncio.run(app_run(root, args.recordings)).items():
                print(f"app: {name}: {value:.3f}")


if __name__ == "__main__":
    main()
