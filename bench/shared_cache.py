"""Shared analysis cache: a fleet search on a machine that has never seen the recordings,
with and without a shared cache that another machine filled (issue 17, item 5).

    python bench/shared_cache.py [--recordings 300] [--events 200]

A moto S3 server runs in its own process on 127.0.0.1, seeded with RECORDINGS distinct
small recordings (distinct bytes: the shared cache is keyed by content, so copies of one
recording would share one entry). Each step is a `castview` process with a cache dir of
its own (a "machine"); its wall time and CPU seconds (user + system of the process and its
workers) are printed:

  cold          `castview grep` with an empty cache dir and no shared cache: every
                recording is analysed (the baseline)
  index         `castview index --cache-url`, two shards one after the other: fills the
                shared cache (one PUT per recording)
  shared first  `castview grep --cache-url` with an empty cache dir: one GET per
                recording, nothing analysed
  warm          the same again: everything from the machine's own cache dir

Loopback has no network latency: against real S3 each GET adds ~20-50 ms, spread over
analysis.shared.READERS (16) at a time.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from s3_server import (  # noqa: E402
    BENCH_CREDENTIALS as CREDENTIALS,  # noqa: E402
    cast_bytes,
    serve_seeded,
)

BUCKET, CACHE = "fleet", "audit"


def run(endpoint: str, cache: Path, *args: str) -> tuple[float, float, str]:
    """Wall and CPU seconds of one castview command, and its stderr's last line."""
    env = {**os.environ, **CREDENTIALS, "CASTVIEW_CACHE_DIR": str(cache), "COLUMNS": "300"}
    castview = Path(sys.executable).parent / "castview"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(castview), *args, "--endpoint-url", endpoint], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"castview {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return wall, cpu, (done.stderr.strip().splitlines() or [""])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recordings", type=int, default=300)
    parser.add_argument("--events", type=int, default=200, help="output events per recording")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="castview-bench-shared-") as tmp_name:
        tmp = Path(tmp_name)
        files = []
        for i in range(args.recordings):
            path = tmp / "recs" / f"{i}.cast"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(cast_bytes(args.events, seed=i))
            files.append((path, f"n{i % 10:04d}BENCHCNTRL/2026-01-01T10:00:00.{i:04d}Z.cast"))
        size = sum(path.stat().st_size for path, _ in files)
        server, endpoint = serve_seeded(BUCKET, 0, 1, files)
        try:
            run(endpoint, tmp / "warmup", "ls", f"s3://{BUCKET}")  # the server's first requests, boto3's imports
            subprocess.run([sys.executable, "-c", f"""
import boto3
boto3.client("s3", endpoint_url="{endpoint}", region_name="us-east-1").create_bucket(Bucket="{CACHE}")
"""], env={**os.environ, **CREDENTIALS}, check=True)
            url = f"s3://{CACHE}/castview"
            steps = [
                ("cold", "machine-c", ["grep", "0000042]", f"s3://{BUCKET}"]),
                ("index 0/2", "machine-a", ["index", f"s3://{BUCKET}", "--shard", "0/2", "--cache-url", url]),
                ("index 1/2", "machine-a", ["index", f"s3://{BUCKET}", "--shard", "1/2", "--cache-url", url]),
                ("shared first", "machine-b", ["grep", "0000042]", f"s3://{BUCKET}", "--cache-url", url]),
                ("warm", "machine-b", ["grep", "0000042]", f"s3://{BUCKET}", "--cache-url", url]),
            ]
            print(f"{args.recordings} recordings of {args.events} events, {size / 1e6:.1f} MB, on moto at {endpoint}")
            figures = {}
            for name, machine, command in steps:
                wall, cpu, last = run(endpoint, tmp / machine, *command)
                figures[name] = (wall, cpu)
                print(f"{name:13} {wall:6.2f} s wall {cpu:6.2f} s CPU   {re.sub(r' in [0-9.]+ s$', '', last)}")
            cold, first = figures["cold"], figures["shared first"]
            print(f"shared first / cold: {first[0] / cold[0]:.2f}x wall, {first[1] / cold[1]:.2f}x CPU")
        finally:
            server.stdin.close()  # type: ignore[union-attr]
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
