"""The engine on the hour recording's output: stock pyte, a baseline castview and this one.

    .venv/bin/python bench/engine_ratio.py [bench/data/hour.cast] --baseline SRC [--rounds 3]

SRC is another castview's ``src`` directory (e.g. ``git worktree add /tmp/main main`` then
``/tmp/main/src``). Each measurement runs in its own process, rounds interleaved (pyte,
baseline, this), so a machine loaded by other work slows each about equally; the figures
are CPU seconds (process time), the best of the rounds. Two measures per engine:

* ``feed``: every output event fed (resizes applied), from memory;
* ``index``: the same plus a snapshot every KEYFRAME_COST of input, as the index build
  takes them (keyframe spacing rules aside), so snapshot cost counts.

Stock pyte (``pyte.Screen`` + ``pyte.Stream``) is slow: it replays the first ``--pyte-mb`` MB
of output, and its rate is compared with the engines' rates over the whole output.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
SNAPSHOT_EVERY = 16 * 1024  # keyframes.KEYFRAME_COST
EVENT_COST = 160  # keyframes.EVENT_COST


def load_events(path: Path) -> tuple[tuple[int, int], list[tuple[str, str]]]:
    from castview.cast.reader import EventScanner, read_head

    with open(path, "rb") as f:
        head = read_head(f, str(path))
        events = [(loc.event.code, loc.event.data) for loc in EventScanner(f, head) if loc.event.code in "or"]
    return head.header.size, events


def child(kind: str, path: Path, pyte_mb: float) -> dict:
    """One measurement, in this process: CPU seconds and MB of output fed."""
    (cols, rows), events = load_events(path)
    fed = 0
    snapshots = 0
    if kind == "pyte":
        import contextlib

        import pyte

        screen = pyte.Screen(cols, rows)
        stream = pyte.Stream(screen)
        limit = pyte_mb * 1e6
        started = time.process_time()
        for code, data in events:
            if code == "o":
                with contextlib.suppress(Exception):  # stock pyte raises on some private CSI
                    stream.feed(data)
                fed += len(data)
                if fed >= limit:
                    break
            else:
                c, r = (int(v) for v in data.split("x"))
                screen.resize(r, c)
        elapsed = time.process_time() - started
    else:
        from castview.term.screen import Terminal

        term = Terminal(cols, rows)
        take = kind.endswith("index")
        cost = 0
        started = time.process_time()
        for code, data in events:
            if code == "o":
                term.feed(data)
                fed += len(data)
                cost += EVENT_COST + len(data)
            else:
                c, r = (int(v) for v in data.split("x"))
                term.resize(c, r)
                cost += EVENT_COST
            if take and cost >= SNAPSHOT_EVERY:
                term.snapshot()
                snapshots += 1
                cost = 0
        elapsed = time.process_time() - started
    return {"cpu": elapsed, "mb": fed / 1e6, "snapshots": snapshots}


def run_child(kind: str, src: Path, path: Path, pyte_mb: float) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, __file__, str(path), "--child", kind, "--pyte-mb", str(pyte_mb)],
                         env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("recording", nargs="?", type=Path, default=HERE / "data" / "hour.cast")
    ap.add_argument("--baseline", type=Path, help="another castview's src directory")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pyte-mb", type=float, default=8.0)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.recording, args.pyte_mb)))
        return
    if not args.recording.exists():
        sys.path.insert(0, str(HERE))
        from gen_hour import generate

        args.recording.parent.mkdir(parents=True, exist_ok=True)
        generate(args.recording, 60, 55)
    engines = {"this": SRC}
    if args.baseline:
        engines = {"baseline": args.baseline.resolve(), "this": SRC}
    runs: list[tuple[str, str, Path]] = [("pyte", "pyte", SRC)]
    for name, src in engines.items():
        runs += [(f"{name} feed", "feed", src), (f"{name} index", "index", src)]
    best: dict[str, dict] = {}
    for r in range(args.rounds):
        for label, kind, src in runs:
            result = run_child(kind, src, args.recording, args.pyte_mb)
            rate = result["mb"] / result["cpu"]
            print(f"round {r + 1}: {label:<16}{rate:8.2f} MB/s  ({result['mb']:.1f} MB in {result['cpu']:.2f} s CPU)",
                  flush=True)
            if label not in best or result["cpu"] < best[label]["cpu"]:
                best[label] = result
    rates = {label: res["mb"] / res["cpu"] for label, res in best.items()}
    pyte_rate = rates["pyte"]
    print(f"\n{args.recording}: best of {args.rounds} rounds, CPU time")
    print(f"{'engine':<16}{'MB/s':>8}{'x pyte':>8}{'x baseline':>12}")
    print(f"{'stock pyte':<16}{pyte_rate:>8.2f}{1:>8.1f}")
    for label, rate in rates.items():
        if label == "pyte":
            continue
        base = rates.get(label.replace("this", "baseline"))
        vs = f"{rate / base:>11.2f}x" if base and label.startswith("this") else ""
        print(f"{label:<16}{rate:>8.2f}{rate / pyte_rate:>7.1f}x{vs}")


if __name__ == "__main__":
    main()
