"""Listing benchmark (issues 13 and 17): 10,000 recordings in tsrecorder layout on local disk.

    PYTHONPATH=src python bench/listing.py [--recordings 10000] [--skip-app] [--before ../main/src]

Measures, in one run:
- a bare loop opening each recording and reading its first line (the floor any listing pays),
  in this process and in a new interpreter (as `ls` runs), and `castview --version` (the
  command's start: the interpreter and the CLI's imports);
- `castview ls --json` and plain `castview ls` (stdout to a file), as subprocesses, and the
  same through the typer app alone (what the plain front end of `ls` saves);
- the app (headless, 200x50), in a new process: time until every header is in, how long
  keys (down/up, one every ~50 ms) took to be answered while they loaded (from the key
  reaching the app to a frame showing the cursor moved), and each view switch (`v`) and
  sort (`o`) once all are in.

Targets: ls --json and ls <= 2.0 s and <= 4x the bare loop; the app's headers within 3 s,
keys answered within 100 ms while loading; a view switch <= 0.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
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


BARE = """
import os, sys
for dirpath, _, filenames in os.walk(sys.argv[1]):
    for name in filenames:
        if name.endswith(".cast"):
            with open(os.path.join(dirpath, name), "rb") as f:
                f.readline()
"""


def bare_process(root: Path) -> tuple[float, float]:
    """The bare loop in a new interpreter, as `castview ls` runs: wall and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", BARE, str(root)], check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


TYPER = ["-c", "import sys; from castview.cli.typer_app import main; sys.argv[0] = 'castview'; main()"]
"""`castview` through the typer app alone: `ls` without its plain front end."""


def cli(root: Path, *args: str, src: str | None = None, data: str | None = None,
        entry: tuple[str, ...] = ("-m", "castview")) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of `castview ls ARGS` in a new process (`src`:
    another checkout's source folder, for a before/after in the same run; `data`: the data
    dir, with its review ledger; by default an empty one, never the user's; `entry`: how
    the interpreter is told to run castview)."""
    env = {**os.environ, "CASTVIEW_TAILSCALE": "off", "CASTVIEW_CACHE_DIR": tempfile.mkdtemp(),
           "CASTVIEW_DATA_DIR": data or tempfile.mkdtemp(), **({"PYTHONPATH": src} if src else {})}
    env.pop("CASTVIEW_REVIEWS_DB", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryFile() as sink:
        started = time.perf_counter()
        subprocess.run([sys.executable, *entry, "ls", str(root), *args], stdout=sink, env=env, check=True)
        wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cli_start(src: str | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of `castview --version`: the interpreter and the CLI's imports."""
    env = {**os.environ, **({"PYTHONPATH": src} if src else {})}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "castview", "--version"], check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


async def app_run(root: Path, count: int) -> dict[str, float]:
    from textual import events

    from castview.config import Settings
    from castview.sources.local import LocalSource
    from castview.ui.app import CastviewApp
    from castview.ui.widgets.recording_tree import RecordingTree

    settings = Settings(cache_dir=Path(tempfile.mkdtemp()))
    app = CastviewApp([LocalSource(root)], settings=settings)
    result: dict[str, float] = {}
    # Every frame the app draws, with the row the tree's cursor was on: a key is answered
    # when a frame shows the cursor moved (headless, the frame is made and not written).
    frames: list[tuple[float, object]] = []
    draw = app._display

    def display(screen, renderable) -> None:  # type: ignore[no-untyped-def]
        if renderable is not None:
            tree = next(iter(screen.query(RecordingTree)), None)
            frames.append((time.perf_counter(), tree.cursor_node if tree is not None else None))
        draw(screen, renderable)

    app._display = display  # type: ignore[method-assign]

    async def answer(tree: RecordingTree) -> float:
        """Seconds from a key (down or up) reaching the app to a frame showing the cursor
        moved; then a pause, so keys come every 50 ms or so, as from a user holding one down.
        The key is sent as the terminal sends it: Pilot.press would then wait for the
        process to look idle (up to a second, twice), which a load never does."""
        line, seen = tree.cursor_node, len(frames)
        key = "down" if tree.cursor_line <= 1 else "up"  # the cursor always has a line to go to
        sent = time.perf_counter()
        app._driver.send_message(events.Key(key, None))  # type: ignore[union-attr]
        while not any(cursor != line for _, cursor in frames[seen:]):
            if time.perf_counter() - sent > 30:
                raise TimeoutError(f"{key} not answered in 30 s")
            await asyncio.sleep(0.002)
        answered = next(at for at, cursor in frames[seen:] if cursor != line)
        await asyncio.sleep(0.05)
        return answered - sent

    started, cpu = time.perf_counter(), time.process_time()
    async with app.run_test(size=(200, 50)) as pilot:
        waits: list[float] = []
        while True:
            try:
                tree = app.screen.query_one(RecordingTree)
            except Exception:
                await asyncio.sleep(0.01)
                continue
            done, total = app.screen._progress  # type: ignore[attr-defined]
            if total == count and done == total and tree.shown == count:
                break
            if not tree.total:  # nothing listed yet
                await asyncio.sleep(0.01)
                continue
            waits.append(await answer(tree))
            if os.environ.get("BENCH_KEYS"):
                print(f"{time.perf_counter() - started:.3f} {waits[-1]:.3f} {done}", file=sys.stderr)
        result["all headers in: wall s"] = time.perf_counter() - started
        result["all headers in: CPU s (every thread)"] = time.process_time() - cpu
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        result["all headers in: CPU s of child processes"] = children.ru_utime + children.ru_stime
        waits.sort()
        result["keys pressed while loading"] = len(waits)
        result["key answered while loading, median: wall s"] = waits[len(waits) // 2] if waits else 0.0
        result["key answered while loading, 9 in 10 within: wall s"] = waits[len(waits) * 9 // 10] if waits else 0.0
        result["key answered while loading, slowest: wall s"] = waits[-1] if waits else 0.0
        # The same keys once everything is in: what this machine's load alone costs a key.
        idle = sorted([await answer(tree) for _ in range(20)])
        result["key answered once loaded (control), median: wall s"] = idle[len(idle) // 2]
        result["key answered once loaded (control), slowest: wall s"] = idle[-1]
        for key in ("v", "v", "v", "v", "o", "o", "O"):
            before, cpu = time.perf_counter(), time.process_time()
            await pilot.press(key)
            name = f"key {key} -> {tree.view}/{tree.sort}{'/rev' if tree.reverse else ''}"
            result[f"{name}: wall s"] = time.perf_counter() - before
            result[f"{name}: CPU s"] = time.process_time() - cpu
    return result


def app_in(src: str | None, root: Path, count: int) -> dict[str, float]:
    """app_run in a new process, importing castview from `src` (another checkout's source
    folder: the same measure of the code before) or from here."""
    env = {**os.environ, "CASTVIEW_TAILSCALE": "off", "CASTVIEW_CACHE_DIR": tempfile.mkdtemp(),
           "CASTVIEW_DATA_DIR": tempfile.mkdtemp(), **({"PYTHONPATH": src} if src else {})}
    run = subprocess.run([sys.executable, __file__, "--app-only", str(root), "--recordings", str(count)],
                         env=env, check=True, capture_output=True, text=True)
    return json.loads(run.stdout.splitlines()[-1])


def median(runs: int, measure, *args, **kwargs) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """The median wall and the median CPU seconds of `runs` measurements."""
    walls, cpus = zip(*(measure(*args, **kwargs) for _ in range(runs)), strict=True)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recordings", type=int, default=10_000)
    parser.add_argument("--skip-app", action="store_true")
    parser.add_argument("--before", metavar="SRC", help="also time `ls` and the app from this source folder "
                        "(e.g. main's src)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each command: the median is shown "
                        "(a shared machine's load comes and goes)")
    parser.add_argument("--app-only", metavar="TREE", help=argparse.SUPPRESS)  # app_in's child
    args = parser.parse_args()
    if args.app_only:
        print(json.dumps(asyncio.run(app_run(Path(args.app_only), args.recordings))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        generate(root, args.recordings)
        bare_loop(root)  # warm the page cache for every measurement alike
        bare, bare_cpu = bare_loop(root)
        print(f"load average before: {os.getloadavg()[0]:.1f}")
        print(f"bare first-line loop: {bare:.3f} s wall, {bare_cpu:.3f} s CPU")
        bare_new, bare_new_cpu = median(args.repeat, bare_process, root)
        print(f"bare first-line loop in a new interpreter: {bare_new:.3f} s wall, {bare_new_cpu:.3f} s CPU")
        versions = (("now", None), *((("before", args.before),) if args.before else ()))
        for label, src in versions:
            start, start_cpu = median(args.repeat, cli_start, src)
            print(f"castview --version (the command's start alone; {label}): {start:.3f} s wall, {start_cpu:.3f} s "
                  f"CPU ({start_cpu / bare_new_cpu:.1f}x)")
        for extra in (["--json"], []):
            for label, src in versions:
                took, cpu = median(args.repeat, cli, root, *extra, src=src)
                print(f"castview ls {' '.join(extra)} ({label}): {took:.3f} s wall ({took / bare:.1f}x bare, "
                      f"{took / bare_new:.1f}x bare in a new interpreter), {cpu:.3f} s CPU "
                      f"({cpu / bare_new_cpu:.1f}x)")
            took, cpu = median(args.repeat, cli, root, *extra, entry=tuple(TYPER))
            print(f"castview ls {' '.join(extra)} (now, through typer: no plain front end): {took:.3f} s wall, "
                  f"{cpu:.3f} s CPU ({cpu / bare_new_cpu:.1f}x)")
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
            after = app_in(None, root, args.recordings)
            before = app_in(args.before, root, args.recordings) if args.before else {}
            for name, value in after.items():
                was = f"  (before: {before[name]:.3f})" if name in before else ""
                print(f"app: {name}: {value:.3f}{was}")


if __name__ == "__main__":
    main()
