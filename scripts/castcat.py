#!/usr/bin/env python3
"""castcat: write the output of an asciicast v2 file to this terminal, raw.

Used by record_samples.py to check recordings: replay a cast in a tmux pane
of the header's size and compare the screen with what the live session showed.

    castcat.py FILE [--upto N] [--realtime] [--hold SECONDS]

* Only "o" events are written; other codes are ignored (no resizing).
* The terminal is put in raw mode first, so "\\n" is not turned into "\\r\\n":
  the bytes reach the terminal exactly as the recorded program wrote them.
* --upto N stops after the first N event lines (header not counted).
* Lines that are not valid JSON (damaged files) are skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import termios
import time
import tty


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--upto", type=int)
    ap.add_argument("--realtime", action="store_true")
    ap.add_argument("--hold", type=float, default=0.0)
    args = ap.parse_args()

    out = sys.stdout.fileno()
    saved = None
    if os.isatty(out):
        saved = termios.tcgetattr(out)
        tty.setraw(out, termios.TCSANOW)
    try:
        with open(args.file, encoding="utf-8", errors="replace") as f:
            f.readline()  # header
            start = time.monotonic()
            for n, line in enumerate(f):
                if args.upto is not None and n >= args.upto:
                    break
                try:
                    t, code, data = json.loads(line)
                except (ValueError, TypeError):
                    continue
                if code != "o":
                    continue
                if args.realtime:
                    delay = start + float(t) - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                os.write(out, data.encode("utf-8", "surrogatepass"))
        time.sleep(args.hold)
    finally:
        if saved is not None:
            termios.tcsetattr(out, termios.TCSADRAIN, saved)
    return 0


if __name__ == "__main__":
    sys.exit(main())
