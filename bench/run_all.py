"""Run every benchmark in turn (`make bench`); each prints its figures with its baseline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["term_feed.py", "engine.py", "engine_ratio.py", "s3.py", "search.py", "analysis.py", "shared_cache.py"]


def main() -> int:
    failed = 0
    for name in BENCHMARKS:
        print(f"\n== bench/{name} ==", flush=True)
        failed |= subprocess.call([sys.executable, str(HERE / name)])
    return failed


if __name__ == "__main__":
    sys.exit(main())
