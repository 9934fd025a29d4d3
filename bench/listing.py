"""Listing benchmark (issues 13 and 17): 10,000 recordings in tsrecorder layout on local disk.

    PYTHONPATH=src python bench/listing.py [--recordings 10000] [--skip-app] [--before ../main/src]

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
import resource
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


def bare_loop(root: Path) -> tuple[float, float]:
    """Wall and CPU seconds of walking the tree and reading each first line."""
    started, cpu = time.perf_counter(), time.process_time()
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            if name.endswith(".cast"):
                with open(os.path.join(dirpath, name), "rb") as f:
                    f.readline()
    return time.perf_counter() - started, time.process_time() - cpu


def cli(root: Path, *args: str, src: str | None = None, data: str | None = None) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of `castview ls ARGS` in a new process (`src`:
    another checkout's source folder, for a before/after in the same run; `data`: the data
    dir, with its review ledger; by default an empty one, never the user's)."""
    env = {**os.environ, "CASTVIEW_TAILSCALE": "off", "CASTVIEW_CACHE_DIR": tempfile.mkdtemp(),
           "CASTVIEW_DATA_DIR": data or tempfile.mkdtemp(), **({"PYTHONPATH": src} if src else {})}
    env.pop("CASTVIEW_REVIEWS_DB", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as sink:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "castview", "ls", str(root), *args], stdout=sink, env=env,
                       check=True)
        wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


async def app_run(root: Path, count: int) -> dict[str, float]:
    from castview.config import Settings
    from castview.sources.local import LocalSource
    from castview.ui.app import CastviewApp
    from castview.ui.widgets.recording_tree import RecordingTree

    settings = Settings(cache_dir=Path(tempfile.mkdtemp()))
    app = CastviewApp([LocalSource(root)], settings=settings)
    result: dict[str, float] = {}
    started, cpu = time.perf_counter(), time.process_time()
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
        result["all headers in: wall s"] = time.perf_counter() - started
        result["all headers in: CPU s (every thread)"] = time.process_time() - cpu
        result["slowest key while loading: wall s"] = worst_key
        for key in ("v", "v", "v", "v", "o", "o", "O"):
            before, cpu = time.perf_counter(), time.process_time()
            await pilot.press(key)
            name = f"key {key} -> {tree.view}/{tree.sort}{'/rev' if tree.reverse else ''}"
            result[f"{name}: wall s"] = time.perf_counter() - before
            result[f"{name}: CPU s"] = time.process_time() - cpu
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recordings", type=int, default=10_000)
    parser.add_argument("--skip-app", action="store_true")
    parser.add_argument("--before", metavar="SRC", help="also time `ls` from this source folder (e.g. main's src)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        generate(root, args.recordings)
        bare_loop(root)  # warm the page cache for every measurement alike
        bare, bare_cpu = bare_loop(root)
        print(f"load average before: {os.getloadavg()[0]:.1f}")
        print(f"bare first-line loop: {bare:.3f} s wall, {bare_cpu:.3f} s CPU")
        for extra in (["--json"], []):
            took, cpu = cli(root, *extra)
            print(f"castview ls {' '.join(extra)}: {took:.3f} s wall ({took / bare:.1f}x bare), "
                  f"{cpu:.3f} s CPU ({cpu / bare_cpu:.1f}x bare; interpreter start included)")
            if args.before:
                took, cpu = cli(root, *extra, src=args.before)
                print(f"  before ({args.before}): {took:.3f} s wall ({took / bare:.1f}x bare), {cpu:.3f} s CPU")
        # With a ledger holding one review: the recordings that can be it (of its size) are
        # hashed on the first listing, not again on the second
        data = tempfile.mkdtemp()
        reviewed = next(root.glob("*/*.cast"))
        subprocess.run([sys.executable, "-m", "castview", "review", str(reviewed), "--verdict", "ok"], check=True,
                       env={**os.environ, "CASTVIEW_DATA_DIR": data}, stdout=subprocess.DEVNULL)
        same_size = sum(1 for p in root.glob("*/*.cast") if p.stat().st_size == reviewed.stat().st_size)
        print(f"{same_size} recordings have the reviewed one's size")
        for when in ("first", "second"):
            took, cpu = cli(root, "--json", data=data)
            print(f"castview ls --json, one review ({when} run): {took:.3f} s wall, {cpu:.3f} s CPU")
            if args.before:
                took, cpu = cli(root, "--json", src=args.before, data=data)
                print(f"  before ({args.before}): {took:.3f} s wall, {cpu:.3f} s CPU")
        if not args.skip_app:
            for name, value in asyncio.run(app_run(root, args.recordings)).items():
                print(f"app: {name}: {value:.3f}")


if __name__ == "__main__":
    main()
