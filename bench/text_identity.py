"""Check that two castview source trees give the same text: transcript lines, line
versions, hidden-output anomalies, the transcript read back from the analysis entry and
search matches of every recording given (by
default every sample recording, every test recording and the first 4 MB of
bench/data/hour.cast), each computed in a subprocess importing castview from one tree.

    python bench/text_identity.py --baseline /work/main/src [--new src] [CAST ...]

Exits 1 and names the recordings whose output differs. For a change that must not move
what transcripts and searches show (a faster text tracker, a new packing of the text).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PATTERNS = [("e", False), ("sudo", False), ("a b", False), (r"\d+", True), ("ROOT", False)]
HOUR_CUT = 4_000_000


def dump(out: str, paths: list[str]) -> None:
    """(In the subprocess.) One JSON line per recording."""
    from castview.search import open_index, search_recording
    from castview.transcript import scan_text

    cache = tempfile.mkdtemp(prefix="castview-identity-")
    with open(out, "w") as f:
        for path in paths:
            lines: list = []
            versions: list = []
            record: dict = {"path": path}
            try:
                with open(path, "rb") as cast:
                    scan = scan_text(cast, path, lines.append, versions.append)
                record.update(lines=[list(x) for x in lines], versions=[list(v) for v in versions],
                              frames=scan.frames, anomalies=[list(a) for a in scan.anomalies or []])
            except Exception as exc:  # noqa: BLE001  (an error is output too: it must be the same)
                record["error"] = repr(exc)
            try:  # the transcript as the analysis entry keeps it (`castview cat` reads it)
                with open_index(path, cache_dir=cache) as index:
                    record["entry transcript"] = [list(x) for x in index.transcript()]
            except Exception as exc:  # noqa: BLE001
                record["entry transcript"] = repr(exc)
            for pattern, regex in PATTERNS:
                try:
                    record[f"search {pattern}"] = [repr(m) for m in search_recording(path, pattern, regex,
                                                                                     cache_dir=cache)]
                except Exception as exc:  # noqa: BLE001
                    record[f"search {pattern}"] = repr(exc)
            f.write(json.dumps(record, sort_keys=True) + "\n")


def run(src: Path, paths: list[str], out: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    code = f"import sys; sys.path.insert(0, {str(HERE)!r}); import text_identity; " \
           f"text_identity.dump({str(out)!r}, {paths!r})"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return out.read_text().splitlines()


def default_casts(work: Path) -> list[str]:
    casts = sorted(str(p) for d in ("src/castview/data/sample_casts", "tests/data")
                   for p in (ROOT / d).rglob("*.cast"))
    hour = HERE / "data" / "hour.cast"
    if hour.exists():
        with open(hour, "rb") as f:
            cut = f.read(HOUR_CUT)
        part = work / "hour-start.cast"
        part.write_bytes(cut[:cut.rfind(b"\n") + 1])
        casts.append(str(part))
    return casts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, required=True, help="the castview src/ dir to compare with")
    parser.add_argument("--new", type=Path, default=ROOT / "src")
    parser.add_argument("casts", nargs="*")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="castview-identity-") as tmp:
        work = Path(tmp)
        paths = args.casts or default_casts(work)
        old = run(args.baseline.resolve(), paths, work / "old.jsonl")
        new = run(args.new.resolve(), paths, work / "new.jsonl")
    differ = [path for path, a, b in zip(paths, old, new, strict=True) if a != b]
    for path in differ:
        print(f"differs: {path}")
    print(f"{len(paths) - len(differ)} of {len(paths)} recordings give the same text, versions and matches")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
