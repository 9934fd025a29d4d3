"""The analysis pass against the keyframe-only pass in instructions (valgrind's callgrind),
which the load of a shared machine does not move, unlike seconds (issue 17, item 1).

    python bench/pass_instructions.py [--cut 1000000] [--baseline OLD_SRC_DIR] [--new SRC_DIR]

Over the first --cut bytes of bench/data/hour.cast, each in a subprocess importing castview
from a src/ dir: a process that only imports (subtracted from the others), the keyframe-only
pass (a Replay's build) and the first search's pass (``analysis.run.analyse`` with the
Replay, keyframes included). ``PYTHONHASHSEED=0`` keeps the counts repeatable. A run takes
about 50 times as long as the pass.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODES = ("none", "kf", "full")


def run_mode(mode: str, path: str) -> None:
    """(In the subprocess.) Import everything, then do nothing, the keyframe pass or the pass."""
    from castview.analysis.run import analyse
    from castview.term.index_store import open_cached

    replay, _ = open_cached(path, None)
    if mode == "kf":
        replay.build()
    elif mode == "full":
        analyse(lambda: open(path, "rb"), path, os.path.getsize(path), replay)


def instructions(src: Path, mode: str, path: str) -> int:
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0"}
    code = f"import sys; sys.path.insert(0, {str(HERE)!r}); import pass_instructions; " \
           f"pass_instructions.run_mode({mode!r}, {path!r})"
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", code]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise SystemExit(f"no instruction count from valgrind:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hour", type=Path, default=HERE / "data" / "hour.cast")
    parser.add_argument("--cut", type=int, default=1_000_000)
    parser.add_argument("--new", type=Path, default=HERE.parent / "src")
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="castview-ir-") as tmp:
        with open(args.hour, "rb") as f:
            data = f.read(args.cut)
        part = Path(tmp) / "hour-start.cast"
        part.write_bytes(data[:data.rfind(b"\n") + 1])
        for label, src in (("new", args.new), ("baseline", args.baseline)):
            if src is None:
                continue
            none, kf, full = (instructions(src.resolve(), mode, str(part)) for mode in MODES)
            print(f"{label:8s} keyframe-only pass {(kf - none) / 1e9:.3f} G, pass {(full - none) / 1e9:.3f} G "
                  f"= {(full - none) / (kf - none):.2f}x ({args.cut / 1e6:g} MB of {args.hour.name})", flush=True)


if __name__ == "__main__":
    main()
