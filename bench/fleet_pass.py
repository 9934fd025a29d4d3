"""CPU per small recording of grep's cold pass and warm look-up, in one process, with a baseline.

    python bench/fleet_pass.py [--copies 30] [--rounds 3] [--baseline OLD_SRC_DIR] [--new SRC_DIR]

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

The whole command (pool, catalog, start-up) is timed by bench/analysis.py.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=30, help="copies of the 14 samples")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another castview src/ dir to measure the same way")
    parser.add_argument("--new", type=Path, default=ROOT / "src", help="the castview src/ dir to measure")
    args = parser.parse_args()
    runs = [("new", args.new.resolve())] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
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
