"""A tree of recordings whose every name and header field is Rich/Textual markup or a
terminal escape, for the app tests (Pilot and tmux): none of it may be parsed, run, hidden
or passed to the terminal; all of it must be shown as written (escapes made visible).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .conftest import _write

LINK = "[link=https://evil.example]alice@corp[/link]"
CONCEAL = "[conceal]hidden-host[/conceal]"
REVERSE = "[reverse]rev-user[/reverse]"
CLICK = "[@click=app.quit]x[/]"
CLOSE = "[/]"

OSC8 = "\x1b]8;;https://evil.example/osc8\x1b\\"
OSC52 = "\x1b]52;c;ZXZpbC1jbGlw\x07"  # base64 of "evil-clip"
OSC0 = "\x1b]0;pwned-title\x07"
BIDI = "\u202e"
ESCAPES = (OSC8, OSC52, OSC0, BIDI)
"""What a recording may hold to drive the viewer's terminal: a hyperlink, a clipboard
write, a window title, a bidi override."""

# No file or folder name can hold a `/`, so no closing tag: names hold opening tags, and
# `n[/]x` is the folder `]x` in the folder `n[`, which groups as `n[/]x` (its key's folder).
SOURCE = "src[conceal]root"
FOLDER = "n[/]x"
FILE_NAME = "[@click=app.quit]x [conceal]y[reverse].cast"
ODD_FOLDER = "[link=evil.example]node"
ODD_FILE = "[@click=app.quit]odd [link=evil.example]f.cast"
NODE_ID = LINK.replace("alice@corp", "nodeid") + BIDI
"""The second recording's header srcNodeID (the client's, shown in the detail lines)."""
OUTPUT = f"echo {CLOSE} {CLICK} visible-output"
"""A line of the session's output (found by the searches)."""
MARKERS = (CLOSE, LINK, CLICK, "mark " + OSC8 + OSC0)
UNKNOWN_KEY = "[b]extra[/b]"

HEADER = {
    "version": 2, "width": 80, "height": 24, "timestamp": 1717200000,
    "srcNode": CONCEAL + OSC8,
    "srcNodeUser": LINK,
    "sshUser": CLICK,
    "localUser": REVERSE + OSC0,
    "command": f"rm -rf {CLOSE} {OSC52}",
    "connectionID": CLOSE + BIDI + "cid",
    "title": LINK + OSC0,
    UNKNOWN_KEY: f"{CLICK} {OSC52}",
}


@dataclass(frozen=True)
class MarkupTree:
    root: Path
    recording: Path
    """In the folders `n[/]x`, with every header field and marker label hostile."""
    odd: Path
    """Grouped by its folder, in a folder and under a name that are markup; its header's srcNodeID is markup."""


def recording_bytes() -> bytes:
    rows = [json.dumps(HEADER), json.dumps([0.2, "o", f"$ {OUTPUT}\r\n"])]
    # Escapes in the output too: the player renders them, never passes them on.
    rows.append(json.dumps([0.3, "o", OSC8 + "linked" + "\x1b]8;;\x1b\\" + OSC52 + OSC0 + "\r\n"]))
    for i, label in enumerate(MARKERS):
        rows.append(json.dumps([0.5 + i * 0.5, "m", label]))
    rows.append(json.dumps([3.0, "o", "the end\r\n"]))
    return ("\n".join(rows) + "\n").encode()


def write_markup_tree(parent: Path) -> MarkupTree:
    root = parent / SOURCE
    folder = root.joinpath(*FOLDER.split("/"))
    folder.mkdir(parents=True)
    (root / ODD_FOLDER).mkdir()
    recording = _write(folder / FILE_NAME, recording_bytes())
    odd_header = {"version": 2, "width": 80, "height": 24, "timestamp": 1717286400, "srcNodeID": NODE_ID}
    odd = _write(root / ODD_FOLDER / ODD_FILE,
                 (json.dumps(odd_header) + "\n" + json.dumps([0.5, "o", "odd\r\n"]) + "\n").encode())
    return MarkupTree(root, recording, odd)
