"""Amplification benchmark: recordings crafted to make a player spend far more than their size.

    python bench/hostile.py [--scale 1.0] [--baseline OLD_SRC_DIR] [--only NAME]

Each input is generated into a temporary directory (never committed), then the real CLI runs
on it in a fresh process: `index`, `export --at end`, `export` at the middle (a seek),
`cat`. Reported per command: wall time, peak RSS of that process, bytes written (cache
for `index`, output for the rest). `--baseline` runs the same commands with another
castview source tree (e.g. a checkout of an earlier commit) in the same run, for ratios.

The inputs (issue 11, item 5), sizes at scale 1:
- big-screen: a 1000x500 screen of truecolour cells, then 100,000 one-character events (14 MB)
- resize-storm: a full 1000x500 screen, then 100 resizes 1000x500 <-> 999x500 (0.5 MB)
- open-csi: every event ends inside a CSI (`ESC [`), so the parser is never at rest (48 MB)
- long-line: one output event of 300 MB on a single line
- hidden-strings: on a 1000x500 screen, 100,000 OSC strings that each swallow a line feed
  (each once cost `cat` a side screen of 1000x500 cells) (3.7 MB)
- tall-scroll: on a 1000x500 screen, 100,000 short lines (each scroll once cost `cat` a
  scan of every cell of the screen) (3.1 MB)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
TIMEOUT = 900


def _header(cols: int, rows: int) -> str:
    return json.dumps({"version": 2, "width": cols, "height": rows, "timestamp": 1795166102}) + "\n"


def _event(t: float, data: str, code: str = "o") -> str:
    return json.dumps([round(t, 6), code, data]) + "\n"


def big_screen(path: Path, scale: float) -> None:
    cols, rows = 1000, 500
    with open(path, "w") as f:
        f.write(_header(cols, rows))
        # One event, written row by row so the generator stays small (its RSS counts too).
        f.write('[0.1, "o", "')
        for y in range(rows):
            row = "".join(f"\x1b[38;2;{x % 256};{y % 256};{(x * y) % 256}m#" for x in range(cols))
            f.write(json.dumps(row + ("\r\n" if y < rows - 1 else ""))[1:-1])
        f.write('"]\n')
        for i in range(int(100_000 * scale)):
            f.write(_event(0.2 + i * 0.01, chr(0x61 + i % 26)))


def resize_storm(path: Path, scale: float) -> None:
    cols, rows = 1000, 500
    with open(path, "w") as f:
        f.write(_header(cols, rows))
        f.write(_event(0.1, "\r\n".join(("word " * 200)[:cols - 1] for _ in range(rows))))
        for i in range(int(100 * scale)):
            f.write(_event(0.2 + i * 0.1, f"{cols - i % 2}x{rows}", "r"))


def open_csi(path: Path, scale: float) -> None:
    target = int(48e6 * scale)
    chunk = "31mred text then green " * 160 + "\x1b["  # ends inside a CSI: the next event closes it
    written = 0
    with open(path, "w") as f:
        f.write(_header(120, 40))
        f.write(_event(0.0, "\x1b["))
        i = 0
        while written < target:
            line = _event(0.001 * i, chunk)
            f.write(line)
            written += len(line)
            i += 1


def long_line(path: Path, scale: float) -> None:
    size = int(300e6 * scale)
    piece = "A" * 1_000_000
    with open(path, "w") as f:
        f.write(_header(80, 24))
        f.write('[0.5, "o", "')
        for _ in range(size // len(piece)):
            f.write(piece)
        f.write('"]\n')
        f.write(_event(1.0, "\r\nafter the long line\r\n"))


def hidden_strings(path: Path, scale: float) -> None:
    with open(path, "w") as f:
        f.write(_header(1000, 500))
        for i in range(int(100_000 * scale)):
            f.write(_event(0.01 * i, "\x1b]0;x\ny\x07"))


def tall_scroll(path: Path, scale: float) -> None:
    with open(path, "w") as f:
        f.write(_header(1000, 500))
        for i in range(int(100_000 * scale)):
            f.write(_event(0.01 * i, f"line {i}\r\n"))


INPUTS = {"big-screen": big_screen, "resize-storm": resize_storm, "open-csi": open_csi, "long-line": long_line,
          "hidden-strings": hidden_strings, "tall-scroll": tall_scroll}


def run(src: Path, args: list[str], cache: Path, out: Path | None) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(src), CASTVIEW_CACHE_DIR=str(cache))
    started = time.perf_counter()
    with open(out, "wb") if out is not None else contextlib.nullcontext(subprocess.DEVNULL) as sink:
        proc = subprocess.Popen([sys.executable, "-c", "from castview.cli import main; main()", *args], stdout=sink,
                                stderr=subprocess.DEVNULL, env=env)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except KeyboardInterrupt:
            proc.kill()
            raise
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": time.perf_counter() - started, "rss_mb": usage.ru_maxrss / 1024,
            "exit": proc.returncode, "out_mb": (out.stat().st_size / 1e6) if out else 0.0}


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def measure(src: Path, recording: Path, work: Path) -> dict[str, dict[str, float]]:
    cache = Path(tempfile.mkdtemp(dir=work, prefix="cache-"))
    results = {}
    results["index"] = run(src, ["index", str(recording)], cache, None)
    results["index"]["cache_mb"] = dir_mb(cache)
    results["export end"] = run(src, ["export", str(recording), "--at", "end"], cache, work / "export.txt")
    results["export mid (seek)"] = run(src, ["export", str(recording), "--at", "0.6"], cache, work / "mid.txt")
    results["cat"] = run(src, ["cat", str(recording)], cache, work / "cat.txt")
    return results


def show(name: str, size_mb: float, label: str, results: dict[str, dict[str, float]]) -> None:
    for command, r in results.items():
        extra = f"cache {r['cache_mb']:.1f} MB" if "cache_mb" in r else f"out {r['out_mb']:.1f} MB"
        print(f"{name:13} {size_mb:7.1f} MB  {label:8} {command:18} {r['seconds']:7.2f} s  "
              f"RSS {r['rss_mb']:7.0f} MB  {extra}  exit {r['exit']}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="size of every input relative to the issue's")
    parser.add_argument("--baseline", type=Path, help="another castview src/ dir to run the same commands with")
    parser.add_argument("--only", choices=sorted(INPUTS), action="append")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="castview-hostile-") as tmp:
        work = Path(tmp)
        for name in opts.only or INPUTS:
            recording = work / f"{name}.cast"
            INPUTS[name](recording, opts.scale)
            size_mb = recording.stat().st_size / 1e6
            show(name, size_mb, "castview", measure(SRC, recording, work))
            if opts.baseline:
                show(name, size_mb, "baseline", measure(opts.baseline.resolve(), recording, work))
            recording.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
