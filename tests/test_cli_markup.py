"""Text from a recording is printed as it is, never read as Rich markup: a user name such
as `[link=https://evil]x[/]` must not become a terminal hyperlink (OSC 8) or crash on `[/]`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CASTVIEW = Path(sys.executable).parent / "castview"
USER = "[link=https://evil]x[/]"
LABEL = "[link=https://evil]m[/link] [/] [bold]b"


@pytest.fixture
def hostile(tmp_path):
    node = tmp_path / "nEVILxCNTRL"
    node.mkdir()
    path = node / "2026-11-20T09:15:02Z.cast"
    header = {"version": 2, "width": 80, "height": 24, "timestamp": 1795166102, "srcNode": "[red]host[/]",
              "srcNodeUser": USER, "sshUser": "[/]", "localUser": "root", "command": "[link=https://evil]ls[/link]"}
    events = [[0.1, "o", "hello\r\n"], [0.2, "m", LABEL], [0.3, "o", "bye\r\n"]]
    path.write_text("\n".join(json.dumps(line) for line in [header, *events]) + "\n")
    return path


def run(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("TSRECORDER_DST", "NO_COLOR")}
    # A terminal as far as rich can tell: it would write hyperlinks and colours.
    env.update({"CASTVIEW_CACHE_DIR": str(cache), "COLUMNS": "200", "FORCE_COLOR": "1", "TERM": "xterm-256color"})
    result = subprocess.run([str(CASTVIEW), *args], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "\x1b]8;" not in result.stdout + result.stderr
    return result


def test_info_prints_header_text_and_marker_labels_literally(hostile, tmp_path):
    out = run("info", str(hostile), cache=tmp_path / "cache").stdout
    for text in (USER, LABEL, "[red]host[/]", "[link=https://evil]ls[/link]"):
        assert text in out


def test_ls_prints_header_text_literally(hostile, tmp_path):
    out = run("ls", str(hostile.parent.parent), cache=tmp_path / "cache").stdout
    assert USER in out and "[link=https://evil]ls[/link]" in out and "[/]" in out


def test_index_prints_a_file_name_literally(hostile, tmp_path):
    named = hostile.with_name("[bold]x[dim]y.cast")
    hostile.rename(named)
    err = run("index", str(named), cache=tmp_path / "cache").stderr
    bars = [part.replace("\x1b[2K", "") for part in re.split(r"[\r\n]", err)]
    assert any(bar.startswith("[bold]x[dim]y.cast ") for bar in bars)  # the progress bar's label
