#!/usr/bin/env python3
"""Precision and recall of `castview commands` against known typed commands (issue 14).

    PYTHONPATH=src python bench/commands_accuracy.py [--verbose]

Ground truth: tests/data/commands/*.expected.json beside the scripted recordings
(scripts/record_commands.py wrote both), and tests/data/commands/samples.expected.json
for the bundled samples and the public fish fixture (written by looking at them). An
inferred command is a hit when it lines up (in order) with an expected one with the same
text and the same `abandoned` flag. Also reported: `fullscreen` flags that differ, and
commands whose `time` frame does not show the command's first line.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import tempfile
from pathlib import Path

from castview.cast.reader import EventScanner, read_head
from castview.commands import Command, commands_of, scan_commands
from castview.term.keyframes import apply
from castview.term.screen import Terminal

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "commands"


def cases() -> list[tuple[Path, list[dict]]]:
    found = [(p.with_name(p.name.replace(".expected.json", ".cast")), json.loads(p.read_text(encoding="utf-8")))
             for p in sorted(DATA.glob("*.expected.json")) if p.name != "samples.expected.json"]
    samples = json.loads((DATA / "samples.expected.json").read_text(encoding="utf-8"))
    found += [(ROOT / rel, expected) for rel, expected in samples.items()]
    return found


def infer(path: Path) -> list[Command]:
    """What `castview commands` lists: the analysis pass's commands (checked against a pass
    of their own, which must find the same)."""
    with tempfile.TemporaryDirectory(prefix="castview-accuracy-") as cache:
        found = commands_of(path, cache_dir=cache)
    with open(path, "rb") as f:
        alone = scan_commands(f, read_head(f, str(path)))
    if found != alone:
        raise SystemExit(f"{path}: the analysis pass and a pass of their own find other commands")
    return found


def unshown(path: Path, commands: list[Command]) -> list[Command]:
    """The commands whose first line the screen at their `time` does not show."""
    bad = []
    with open(path, "rb") as f:
        head = read_head(f, str(path))
        term = Terminal(head.header.size.cols, head.header.size.rows)
        todo = list(commands)
        for located in EventScanner(f, head):
            while todo and located.event.time > todo[0].time:
                if not _shows(term, todo[0]):
                    bad.append(todo[0])
                todo.pop(0)
            apply(term, located.event, head.header.no_pty)
        bad += [c for c in todo if not _shows(term, c)]
    return bad


def _shows(term: Terminal, command: Command) -> bool:
    first = command.command.split("\n")[0]
    return first[: term.cols // 2] in "".join(line for line in term.lines())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    total_hit = total_found = total_expected = 0
    print(f"{'recording':76} {'expected':>8} {'found':>6} {'hits':>5}")
    for path, expected in cases():
        found = infer(path)
        want = [(e["command"], e["abandoned"]) for e in expected]
        got = [(c.command, c.abandoned) for c in found]
        matcher = difflib.SequenceMatcher(a=want, b=got, autojunk=False)
        hits = sum(block.size for block in matcher.get_matching_blocks())
        total_hit, total_found, total_expected = total_hit + hits, total_found + len(got), total_expected + len(want)
        print(f"{str(path.relative_to(ROOT)):76} {len(want):8} {len(got):6} {hits:5}")
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                for w in want[i1:i2]:
                    print(f"    missed:    {w!r}")
                for g in got[j1:j2]:
                    print(f"    false hit: {g!r}")
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for e, c in zip(expected[i1:i2], found[j1:j2], strict=True):
                    if e["fullscreen"] != c.fullscreen:
                        print(f"    fullscreen differs: {c.command!r} (expected {e['fullscreen']})")
        for c in unshown(path, found):
            print(f"    frame at {c.time:.3f} does not show {c.command!r}")
        if args.verbose:
            for c in found:
                print(f"    {c.time:9.3f} {c.command!r} prompt={c.prompt!r} cwd={c.cwd!r} lines={c.output_lines}")
    precision = total_hit / total_found if total_found else 1.0
    recall = total_hit / total_expected if total_expected else 1.0
    print(f"\ncommands expected {total_expected}, found {total_found}, hits {total_hit}: "
          f"precision {precision:.1%}, recall {recall:.1%}")
    return 0 if precision >= 0.95 and recall >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
