"""The real app in a real terminal (tmux) on the markup tree: every byte it writes to the
terminal is captured (`tmux pipe-pane`), and none of it is a hyperlink, a clipboard write,
a title or any other escape a recording's header, names or output could have sent.

Measured: on its own, Textual writes CSI sequences and OSC 22 (the mouse pointer's shape,
ended by BEL) and nothing else (the clipboard's OSC 52 only on `c`, not pressed here)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tmux_app import CASTVIEW, TmuxApp, castview_terminal

from . import markup_tree as mt

pytestmark = pytest.mark.tmux

# Every escape sequence: a CSI (kept whole), an OSC (its number), or ESC and one byte.
_ESCAPE = re.compile(rb"\x1b(?:(\[)[0-?]*[ -/]*[@-~]|\](\d*)|(.))", re.DOTALL)


@pytest.fixture
def tmux(tmp_path):
    with castview_terminal(tmp_path, 200, 50) as session:
        yield session


def start_captured(tmux: TmuxApp, source: Path, log: Path, cwd: Path) -> None:
    """Start castview on `source` in `cwd` (where it exports) with every byte it writes
    appended to `log`: the pane waits for a file to appear before it runs castview, so
    the capture sees the start."""
    gate = tmux.tmp / "capture-started"
    script = (f'while [ ! -e {shlex.quote(str(gate))} ]; do sleep 0.05; done; cd {shlex.quote(str(cwd))} && '
              f'exec {CASTVIEW} "$0"')
    tmux.start(f"sh -c {shlex.quote(script)} {shlex.quote(str(source))}")
    tmux.run("pipe-pane", "-o", f"cat >> {shlex.quote(str(log))}")
    gate.touch()


def escapes(data: bytes) -> dict[str, int]:
    """How many escape sequences of each kind: "CSI", "OSC <n>", "ESC <byte>"."""
    kinds: dict[str, int] = {}
    for m in _ESCAPE.finditer(data):
        csi, osc, other = m.groups()
        kind = "CSI" if csi else f"OSC {osc.decode()}" if osc is not None else f"ESC {other!r}"
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def test_nothing_from_a_recording_reaches_the_terminal_as_an_escape(tmux, tmp_path):
    tree = mt.write_markup_tree(tmp_path / "tree")
    log = tmp_path / "terminal.bytes"
    exports = tmp_path / "[link=evil.example]exports"  # named in the export's toast
    exports.mkdir()
    start_captured(tmux, tree.root, log, exports)
    tmux.wait_for("2 recordings")
    screen = tmux.wait_for("[link=https://evil.exam…")  # the headers are read (the user, cut to its column)
    assert mt.FOLDER in screen and "[@click=app.quit]odd" in screen
    # the player of the recording in n[/]x: metadata pane, markers, search, export, help
    tmux.keys("/", *"alice", "Enter", "Enter")
    tmux.wait_for("idle≤2s")
    tmux.keys("m", "m", "]", "]", "]")
    tmux.wait_for("[@click=app.quit]x[/]")
    tmux.keys("/", *"visible-output", "Enter")
    tmux.wait_for("1 match for")
    tmux.keys("Escape")
    tmux.wait_gone("1 match for")
    tmux.keys("e")
    tmux.wait_for("Export the frame")
    tmux.keys("t")
    tmux.wait_for("Saved text")
    assert len(list(exports.glob("@click=app.quit-x*.txt"))) == 1  # named after the recording, made safe
    tmux.keys("?")
    tmux.wait_for("castview keys")
    tmux.keys("Escape")
    tmux.wait_gone("castview keys")
    tmux.keys("q")
    tmux.wait_for("2 recordings")
    # the search across recordings
    tmux.keys("s", *"visible-output", "Enter")
    tmux.wait_for("1 match in 1/2 recordings")
    tmux.keys("Escape")
    tmux.wait_gone("1 match in 1/2 recordings")
    tmux.keys("q")
    tmux.wait_for("CASTVIEW-EXITED-0")

    data = log.read_bytes()
    kinds = escapes(data)
    assert set(kinds) <= {"CSI", "OSC 22"}, kinds
    assert data.count(b"\x07") == kinds.get("OSC 22", 0)  # a BEL only ends Textual's own OSC 22
    for payload in (b"\x1b]8;", b"\x1b]52;", b"\x1b]0;", b"\x1b]2;", b"evil.example/osc8\x1b", b"pwned-title\x07"):
        assert payload not in data
    assert mt.BIDI.encode() not in data
    # what the recording tried to send was shown, made visible
    assert b"\\x1b]52;c;ZXZpbC1jbGlw\\x07" in data
