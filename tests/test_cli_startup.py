"""The command's start imports only what a command needs (issue 17 item 4): the app, S3,
compression, the replay engine and the search stay out of `castview --version` and of a
listing. Checked by the modules imported (`-X importtime`), never by a timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import castview

SRC = Path(castview.__file__).resolve().parent.parent
# Heavy for a command's start and needed by none of the commands checked here.
NEVER = ("textual", "boto3", "botocore", "zstandard", "watchfiles", "pyte", "wcwidth",
         "castview.ui.app", "castview.analysis", "castview.search", "castview.term.synthesize",
         "castview.term.keyframes", "castview.playback", "castview.sources.s3", "urllib.request")
# What a listing does not print through either (its JSON lines are written directly).
NOT_FOR_VERSION = ("rich.console", "pydantic", "castview.sources.catalog", "castview.cast.reader")


def imported(*args: str, tmp_path: Path) -> set[str]:
    """The modules a new interpreter imports running `args` (Python's -X importtime list)."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "CASTVIEW_TAILSCALE": "off",
           "CASTVIEW_CACHE_DIR": str(tmp_path / "cache"), "CASTVIEW_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return {line.rpartition("|")[2].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def among(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_importing_the_cli_imports_no_heavy_library(tmp_path):
    modules = imported("-c", "import castview.cli.typer_app", tmp_path=tmp_path)
    assert "castview.cli.listing" in modules  # (the list is the real one)
    assert among(modules, NEVER + NOT_FOR_VERSION) == []


def test_the_entry_point_imports_no_command(tmp_path):
    """`castview ls` starts without typer: the package holding the entry point imports nothing."""
    modules = imported("-c", "import castview.cli", tmp_path=tmp_path)
    assert among(modules, ("typer", "click", "rich", "castview.cli.listing", "castview.cli.typer_app")) == []


def test_version_imports_no_heavy_library(tmp_path):
    modules = imported("-m", "castview", "--version", tmp_path=tmp_path)
    assert "typer" in modules
    assert among(modules, NEVER + NOT_FOR_VERSION) == []


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "table"])
def test_listing_imports_no_heavy_library(tmp_path, as_json):
    node = tmp_path / "recordings" / "nNodeCNTRL"
    node.mkdir(parents=True)
    header = {"version": 2, "width": 80, "height": 24, "timestamp": 1763630102, "srcNodeUser": "alice@example.com"}
    (node / "2025-11-20T09:15:02Z.cast").write_text(json.dumps(header) + "\n" + json.dumps([0.5, "o", "hi\r\n"]) + "\n")
    modules = imported("-m", "castview", "ls", str(tmp_path / "recordings"), *(["--json"] if as_json else []),
                       tmp_path=tmp_path)
    assert "castview.sources.catalog" in modules
    assert among(modules, NEVER) == []
    # The plain front end (cli/plain.py): no typer, no click, no pydantic
    assert among(modules, ("typer", "click", "pydantic", "castview.cli.typer_app")) == []
    if as_json:
        assert among(modules, ("rich.console",)) == []


def test_listing_help_is_typers(tmp_path):
    modules = imported("-m", "castview", "ls", "--help", tmp_path=tmp_path)
    assert "typer" in modules
