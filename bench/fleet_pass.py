"""CPU per small recording of grep's cold pass and warm look-up, in one process, with a baseline.

    python bench/fleet_pass.py [--copies 30] [--rounds 3] [--baseline OLD_SRC_DIR] [--new SRC_DIR]
                               [--grep N]

The fleet's recordings are copies of the samples (bench/search.py's make_fleet, 14 x
copies). Each figure is taken in a subprocess importing castview from a src/ dir, the
rounds interleaving the new code and the baseline so both see the same load; the best
round is printed (CPU seconds of that process, so other processes on a shared machine
count little):

- cold: what a worker does for each recording of `castview grep` with an empty cache
  (`search._run_task`: fingerprint, look-up, the analysis pass, the entry written to its
  pack, the search), in a loop;
- warm: `search_recordings` over the same recordings once their entries are cached (the
  cache look-ups and searches of the parent process, no worker).

With --grep N, the whole `castview grep sudo` over N copies of the samples instead (pool,
catalog, start-up: what bench/analysis.py times), cold then warm: wall seconds, and the CPU
seconds of all its processes (the worker processes too) as `perf stat` counts them
(task-clock), when perf is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from search import make_fleet  # noqa: E402


def measure_pass(tree: str, cache: str) -> dict:
    """(in the subprocess) cold CPU per recording, then warm CPU per recording."""
    from castview.recording import cache_key
    from castview.search import Query, _run_task, _Task, search_recordings
    from castview.search_index import SearchIndexStore
    from castview.sources.catalog import build_catalog
    from castview.sources.local import LocalSource

    sources = [LocalSource(Path(tree))]
    recordings = build_catalog(sources).recordings
    query = Query("sudo")
    shared = SearchIndexStore(cache).shared
    tasks = [_Task(sources[0], r.ref, cache_key(r.ref.location), cache, query, shared) for r in recordings]
    cpu = time.process_time()
    matches = sum(len(_run_task(task)[0]) for task in tasks)
    cold = time.process_time() - cpu
    cpu = time.process_time()
    warm_matches = sum(len(r.matches) for r in search_recordings(sources, recordings, query, cache_dir=cache))
    warm = time.process_time() - cpu
    return {"n": len(tasks), "cold": cold, "warm": warm, "matches": [matches, warm_matches]}


def run(src: Path, tree: Path) -> dict:
    cache = tempfile.mkdtemp(prefix="castview-bench-pass-")
    try:
        env = {**os.environ, "PYTHONPATH": str(src)}
        code = (f"import sys, json; sys.path.insert(0, {str(HERE)!r}); import fleet_pass; "
                f"print(json.dumps(fleet_pass.measure_pass({str(tree)!r}, {cache!r})))")
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        return json.loads(out.stdout.splitlines()[-1])
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def grep_cpu(src: Path, tree: Path, cache: Path) -> tuple[float, float | None]:
    """Wall and CPU seconds (all processes; None without perf) of one `castview grep sudo`."""
    env = {**os.environ, "PYTHONPATH": str(src), "CASTVIEW_CACHE_DIR": str(cache)}
    env.pop("TSRECORDER_DST", None)
    command = [sys.executable, "-m", "castview", "grep", "sudo", str(tree)]
    perf = shutil.which("perf")
    with tempfile.NamedTemporaryFile(suffix=".perf") as counts:
        if perf:
            command = [perf, "stat", "-x,", "-e", "task-clock", "-o", counts.name, *command]
        started = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if result.returncode not in (0, 1):
            raise SystemExit(f"castview grep failed: {result.stderr}")
        lines = [line for line in Path(counts.name).read_text().splitlines() if "task-clock" in line]
    return wall, (float(lines[0].split(",")[0]) / 1e3 if lines else None)


def grep_rounds(runs: list[tuple[str, Path]], count: int, rounds: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="castview-bench-pass-tree-"))
    try:
        tree = work / "recordings"
        make_fleet(tree, count)
        for r in range(rounds):
            for label, src in runs:
                cache = work / f"cache-{label}-{r}"
                (cw, cc), (ww, wc) = grep_cpu(src, tree, cache), grep_cpu(src, tree, cache)
                shutil.rmtree(cache, ignore_errors=True)
                cold_cpu = "" if cc is None else f", {cc:.1f} s CPU ({cc / count * 1e3:.2f} ms each)"
                print(f"  {label:8s} {count} recordings: grep cold {cw:.1f} s{cold_cpu}; warm {ww:.2f} s"
                      f"{'' if wc is None else f', {wc:.2f} s CPU'} (load {os.getloadavg()[0]:.1f})", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=30, help="copies of the 14 samples")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another castview src/ dir to measure the same way")
    parser.add_argument("--new", type=Path, default=ROOT / "src", help="the castview src/ dir to measure")
    parser.add_argument("--grep", type=int, metavar="N", help="time the whole `castview grep` over N recordings")
    args = parser.parse_args()
    runs = [("new", args.new.resolve())] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    if args.grep:
        grep_rounds(runs, args.grep, args.rounds)
        return
    work = Path(tempfile.mkdtemp(prefix="castview-bench-pass-tree-"))
    try:
        tree = work / "recordings"
        make_fleet(tree, 14 * args.copies)
        best: dict[str, dict] = {}
        for _ in range(args.rounds):
            for label, src in runs:
                m = run(src, tree)
                old = best.get(label)
                best[label] = {k: min(m[k], old[k]) if old and k in ("cold", "warm") else m[k] for k in m}
        for label, m in best.items():
            n = m["n"]
            print(f"  {label:8s} {n} recordings: cold pass + entry {m['cold'] / n * 1e3:.2f} ms CPU each, "
                  f"warm look-up + search {m['warm'] / n * 1e3:.3f} ms CPU each (matches {m['matches']}; "
                  f"best of {args.rounds}, load {os.getloadavg()[0]:.1f})")
        if args.baseline:
            new, base = best["new"], best["baseline"]
            print(f"  new / baseline: cold {new['cold'] / base['cold']:.2f}x, warm {new['warm'] / base['warm']:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
