"""Run many `castview` command lines in this one process, as the tests of tests/hostile do
when one interpreter start-up per command line would take minutes.

Usage: python cli_batch.py '[["info", "x.cast"], ["cat", "y.cast"]]'

Each command line goes through the real entry point (`castview.cli.main`) with its own
stdout and stderr, both strict UTF-8 like a terminal's (a lone surrogate written out fails
here as it would there). An exception that escapes is written to that command's stderr as
a traceback. Prints the results as one JSON list; "started N" on the real stderr before
each, so a hang shows which command line hung.
"""

from __future__ import annotations

import io
import json
import sys
import traceback


def run(argv: list[str]) -> dict:
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    saved = sys.argv, sys.stdout, sys.stderr
    sys.argv, sys.stdout, sys.stderr = ["castview", *argv], out, err
    code = 0
    try:
        from castview.cli import main

        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - the point is to report it
        err.flush()
        err.buffer.write(traceback.format_exc().encode("utf-8", "backslashreplace"))
        code = 99
    finally:
        sys.argv, sys.stdout, sys.stderr = saved
    return {"args": argv, "returncode": code,
            "stdout": out.buffer.getvalue().decode("utf-8", "replace"),
            "stderr": err.buffer.getvalue().decode("utf-8", "replace")}


def main() -> None:
    results = []
    for n, argv in enumerate(json.loads(sys.argv[1])):
        print(f"started {n}: {argv}", file=sys.stderr, flush=True)
        results.append(run(argv))
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
