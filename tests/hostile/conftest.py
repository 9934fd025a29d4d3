"""Hostile recordings, generated into a temporary directory (nothing big is committed), and
the real `castview` command run on them in a subprocess.

Each generator writes one input that once crashed or hung a command; the tree beside them
holds good recordings that every command must still list and find.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import castview

SRC = Path(castview.__file__).resolve().parent.parent
# A hang is a failure: far beyond what any of these small inputs needs on a loaded machine.
TIMEOUT = 60.0

GOOD_NODE = "nGoodNodeCNTRL"
BAD_NODE = "nEvilNodeCNTRL"
# Text only the good recordings hold, to find with grep.
GOOD_WORDS = ("good-alpha-7f3", "good-beta-9c1")
BASE = {
    "version": 2,
    "width": 80,
    "height": 24,
    "timestamp": 1763630102,
    "srcNode": "laptop.ts.net",
    "srcNodeUser": "alice@example.com",
    "sshUser": "root",
    "localUser": "root",
}
OLD = time.time() - 3600
HUGE = "9" * 400  # parses as an int; float() of it overflows
NESTED = "[" * 3000  # json.loads raises RecursionError


def header(**fields: object) -> str:
    return json.dumps({**BASE, **fields})


def event(t: object, code: str, data: str) -> str:
    return json.dumps([t, code, data])


def lines(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def body(*rows: str) -> bytes:
    """A header with the given fields' defaults and ordinary output after the given rows."""
    return lines(header(), *rows, event(0.5, "o", "after the damage\r\n"))


def _deep_value(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


# name -> (file name, bytes). File names are tsrecorder's, so every one sorts by its time.
REGULAR_INPUTS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "nested-first-line": ("2024-02-01T00:00:00Z.cast", lambda: (NESTED + "\n").encode()),
    "nested-header-object": ("2024-02-02T00:00:00Z.cast", lambda: ('{"version": 2, "a": ' + NESTED + "\n").encode()),
    "deep-valid-header-value": (
        "2024-02-03T00:00:00Z.cast",
        lambda: lines(header()[:-1] + ', "deep": ' + _deep_value(600) + "}", event(0.5, "o", "x\r\n")),
    ),
    "nested-event-line": ("2024-02-04T00:00:00Z.cast", lambda: body(NESTED)),
    "deep-valid-event-data": ("2024-02-05T00:00:00Z.cast", lambda: body('[0.1, "o", ' + _deep_value(900) + "]")),
    "huge-timestamp": ("2024-02-06T00:00:00Z.cast", lambda: lines(header()[:-1] + ', "timestamp": ' + HUGE + "}")),
    "timestamp-1e12": ("2024-02-07T00:00:00Z.cast", lambda: lines(header(timestamp=10**12), event(0.5, "o", "x"))),
    "timestamp-minus-1e12": (
        "2024-02-08T00:00:00Z.cast",
        lambda: lines(header(timestamp=-(10**12)), event(0.5, "o", "x")),
    ),
    "timestamp-1e308": ("2024-02-09T00:00:00Z.cast", lambda: lines(header(timestamp=1e308), event(0.5, "o", "x"))),
    "huge-idle-and-duration": (
        "2024-02-10T00:00:00Z.cast",
        lambda: lines(header()[:-1] + f', "idle_time_limit": {HUGE}, "duration": {HUGE}' + "}", event(0.5, "o", "x")),
    ),
    "event-and-marker-at-1e308": (
        "2024-02-11T00:00:00Z.cast",
        lambda: body(event(0.2, "o", "x"), event(1e308, "m", "far marker"), event(1e308, "o", "far output")),
    ),
    "huge-int-event-time": ("2024-02-12T00:00:00Z.cast", lambda: body(f'[{HUGE}, "o", "x"]', f'[{HUGE}, "m", "m"]')),
    "v3-intervals-1e308": (
        "2024-02-13T00:00:00Z.cast",
        lambda: lines(
            '{"version": 3, "term": {"cols": 80, "rows": 24}}',
            event(1e308, "o", "a"),
            event(1e308, "o", "b"),
            f'[{HUGE}, "o", "c"]',
        ),
    ),
    "v1-huge-delays": (
        "2024-02-14T00:00:00Z.cast",
        lambda: (
            '{"version": 1, "width": 80, "height": 24, "stdout": [[1e308, "a"], [1e308, "b"], [' + HUGE + ', "c"]]}'
        ).encode(),
    ),
    "huge-size": (
        "2024-02-15T00:00:00Z.cast",
        lambda: lines(header()[:-1] + f', "width": 1{"0" * 400}, "height": -5' + "}", event(0.5, "o", "x")),
    ),
    "size-of-wrong-types": (
        "2024-02-16T00:00:00Z.cast",
        lambda: lines(
            header(
                width=80.5,
                height="24",
                srcNodeUser={"a": [1, {"b": None}]},
                srcNodeTags="tag:x",
                env=[1],
                term={"cols": [80]},
                kubernetes=[1],
                srcNodeID=5,
                srcNodeUserID=1.5e300,
                theme="dark",
                command=["rm", "-rf"],
                title=None,
                connectionID=True,
            ),
            event(0.5, "o", "x"),
        ),
    ),
    "nan-and-infinity": (
        "2024-02-17T00:00:00Z.cast",
        lambda: lines(
            header()[:-1] + ', "timestamp": NaN, "duration": Infinity, "idle_time_limit": -Infinity, "width": NaN}',
            '[NaN, "o", "x"]',
        ),
    ),
    "int-over-digit-limit": (
        "2024-02-18T00:00:00Z.cast",
        lambda: lines(header()[:-1] + ', "timestamp": ' + "9" * 5000 + "}", event(0.5, "o", "x")),
    ),
    "hostile-resizes": (
        "2024-02-19T00:00:00Z.cast",
        lambda: body(event(0.1, "r", "9" * 5000 + "x5"), event(0.2, "r", "\u00b2x\u00b2"), event(0.3, "r", "-1x-1")),
    ),
    "lone-surrogates": (
        "2024-02-20T00:00:00Z.cast",
        lambda: lines(
            header(srcNodeUser="al\ud800ice", srcNode="h\udc00st"),
            event(0.5, "o", "x \ud800 y\r\n"),
            event(0.6, "m", "mark \udfff"),
        ),
    ),
    "version-nested": ("2024-02-21T00:00:00Z.cast", lambda: lines('{"version": ' + _deep_value(600) + "}")),
    "name-before-year-1": ("0001-01-01T00:00:00+23:59.cast", lambda: lines(header(), event(0.5, "o", "x"))),
    "name-after-year-9999": ("9999-12-31T23:59:59-23:59.cast", lambda: lines(header(), event(0.5, "o", "x"))),
}


@dataclass(frozen=True)
class HostileTree:
    root: Path
    good: tuple[Path, ...]
    bad: dict[str, Path]
    """The regular hostile files, by input name."""
    not_regular: dict[str, Path]
    """`.cast` names that are not regular files (FIFOs, links to them or to a device)."""


def _write(path: Path, data: bytes) -> Path:
    """Written an hour ago: a small file modified within the minute is taken for a live
    recording still being written, and shown as such instead of as damaged."""
    path.write_bytes(data)
    os.utime(path, (OLD, OLD))
    return path


def write_good(node: Path) -> tuple[Path, ...]:
    node.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, word in enumerate(GOOD_WORDS):
        paths.append(
            _write(
                node / f"2024-01-0{i + 1}T00:00:00Z.cast",
                lines(
                    header(timestamp=1704067200 + i * 86400),
                    event(0.5, "o", f"$ echo {word}\r\n"),
                    event(1.0, "o", f"{word}\r\n"),
                ),
            )
        )
    return tuple(paths)


def write_regular_inputs(node: Path, names: list[str] | None = None) -> dict[str, Path]:
    node.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in names or list(REGULAR_INPUTS):
        file_name, make = REGULAR_INPUTS[name]
        written[name] = _write(node / file_name, make())
    return written


def write_not_regular(node: Path) -> dict[str, Path]:
    """A FIFO, a symlink to a FIFO, a symlink to /dev/zero and a directory, all `*.cast`."""
    node.mkdir(parents=True, exist_ok=True)
    fifo = node / "2024-03-01T00:00:00Z.cast"
    os.mkfifo(fifo)
    link = node / "2024-03-02T00:00:00Z.cast"
    link.symlink_to(fifo.name)
    zero = node / "2024-03-03T00:00:00Z.cast"
    zero.symlink_to("/dev/zero")
    folder = node / "2024-03-04T00:00:00Z.cast"
    folder.mkdir()
    return {"fifo": fifo, "link-to-fifo": link, "link-to-dev-zero": zero, "directory": folder}


def write_undecodable_name(node: Path) -> Path:
    """A recording whose file name is not UTF-8 (Python sees lone surrogates in it)."""
    node.mkdir(parents=True, exist_ok=True)
    return _write(
        node / os.fsdecode(b"2024-05-01T00:00:00Z-\xff\xfe.cast"),
        lines(header(), event(0.5, "o", "under an undecodable name\r\n")),
    )


@pytest.fixture
def hostile_tree(tmp_path: Path) -> HostileTree:
    root = tmp_path / "recordings"
    good = write_good(root / GOOD_NODE)
    bad = write_regular_inputs(root / BAD_NODE)
    return HostileTree(root, good, bad, write_not_regular(root / BAD_NODE))


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        return f"castview {' '.join(self.args)} -> {self.returncode}\nstderr: {self.stderr[-2000:]}"


def _env(cache_dir: Path) -> dict[str, str]:
    """This checkout's source, a private cache and config, UTC. A wide COLUMNS keeps rich
    from wrapping a long message, so "one line" is a line."""
    env = {k: v for k, v in os.environ.items() if k not in ("TSRECORDER_DST", "TSRECORDER_BUCKET")}
    env.update(
        {
            "CASTVIEW_CACHE_DIR": str(cache_dir),
            "CASTVIEW_CONFIG_DIR": str(cache_dir / "config"),
            "CASTVIEW_DATA_DIR": str(cache_dir / "data"),  # (not the user's review ledger)
            "PYTHONPATH": os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]),
            "COLUMNS": "10000",
            "TZ": "UTC",
        }
    )
    return env


def _run(cache_dir: Path, command: list[str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=_env(cache_dir),
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


class CastviewCLI:
    """The CLI with a private cache. A hang raises subprocess.TimeoutExpired."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir

    def __call__(self, *args: str, timeout: float = TIMEOUT) -> Run:
        """`python -m castview ARGS`, one process."""
        result = _run(self.cache_dir, [sys.executable, "-m", "castview", *args], timeout)
        return Run(args, result.returncode, result.stdout, result.stderr)

    def batch(self, jobs: list[tuple[str, ...]]) -> list[Run]:
        """Many command lines through the real entry point in one process (cli_batch.py):
        the same code paths without an interpreter start-up per line. The deadline grows
        with the number of lines; the last "started" line names the one that hung."""
        command = [sys.executable, str(Path(__file__).with_name("cli_batch.py")), json.dumps(jobs)]
        result = _run(self.cache_dir, command, TIMEOUT + 5 * len(jobs))
        assert result.returncode == 0, result.stderr[-3000:]
        return [Run(tuple(r["args"]), r["returncode"], r["stdout"], r["stderr"]) for r in json.loads(result.stdout)]


@pytest.fixture
def castview_cli(tmp_path: Path) -> CastviewCLI:
    cache = tmp_path / "cache"
    cache.mkdir()
    return CastviewCLI(cache)
