#!/usr/bin/env python3
"""Record real programs into sample_casts/, laid out like a tsrecorder destination.

    python scripts/record_samples.py --out sample_casts [--only NAME ...] [--no-verify] [--list]

Every sample is a real program (bash, nano, vim, less, htop, mc, make, gcc)
driven for real inside a dedicated tmux server (``tmux -L castview-rec -f
/dev/null``) whose window is exactly the recording size. The pane's command is
scripts/ptyrec.py, which runs the program in its own pty and writes the cast.
Keys are sent with ``tmux send-keys`` at a human pace (the rhythm is seeded, the
event times are whatever really happened).

Layout written (see sample_casts/README.md, regenerated each run)::

    <out>/<stable node ID of the SSH server>/<RFC3339Nano UTC start>.cast
    <out>/<node>/events/*.event, <out>/check-write-access   (not recordings)
    <out>/nDAMAGECNTRL/*.cast   (deliberately damaged copies of real recordings)

Headers are Tailscale-shaped (fields as in tailscale.com/sessionrecording.CastHeader)
with fixed November 2026 start times that match the file names. A program that
is not installed is skipped with a warning; its old file, if any, is kept.

After each recording the script replays the cast into a fresh tmux pane of the
same size (scripts/castcat.py) and checks that the screen matches what the live
pane showed at the same moment, and that expected UI text (e.g. htop's
"Load average", mc's menu bar) is in the recorded output.
"""

from __future__ import annotations

import argparse
import calendar
import dataclasses
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from gojson import go_json  # noqa: E402

PTYREC = HERE / "ptyrec.py"
CASTCAT = HERE / "castcat.py"
SOCKET = "castview-rec"
PY = sys.executable

# --------------------------------------------------------------------------
# The tailnet: SSH servers (directories) and the nodes people connect from.
# --------------------------------------------------------------------------

PROD_DB = "nHx4Tb1CNTRL"   # prod-db.tail7f3e2.ts.net
WEB_1 = "nWp2Lr8CNTRL"     # web-1.tail7f3e2.ts.net
BUILD = "nBq9Zs5CNTRL"     # build-01.tail7f3e2.ts.net
K8S = "nK8mXc7CNTRL"       # ts-operator kube-apiserver proxy
DAMAGED = "nDAMAGECNTRL"   # damaged copies (not a real node)

NODE_NAMES = {
    PROD_DB: "prod-db (database server)",
    WEB_1: "web-1 (web server)",
    BUILD: "build-01 (build box)",
    K8S: "Kubernetes API server proxy (kubectl exec)",
    DAMAGED: "not a real node: damaged copies of real recordings",
}

ALICE = {  # user node; user ID above 2^53 (exact integer needed)
    "srcNode": "alice-mbp.tail7f3e2.ts.net",
    "srcNodeID": "nA1ic3xCNTRL",
    "srcNodeUserID": 30585448562688899,
    "srcNodeUser": "alice@example.com",
}
CAROL = {
    "srcNode": "carol-thinkpad.tail7f3e2.ts.net",
    "srcNodeID": "nC4r0lqCNTRL",
    "srcNodeUserID": 6158428318574102,
    "srcNodeUser": "carol@example.com",
}
BOB = {  # 2^53 + 1: a float64 reader silently turns it into ...992
    "srcNode": "bob-desktop.tail7f3e2.ts.net",
    "srcNodeID": "nB0bDk9CNTRL",
    "srcNodeUserID": 9007199254740993,
    "srcNodeUser": "bob@example.com",
}
CI = {  # tagged node: tags and no user fields
    "srcNode": "ci-runner-3.tail7f3e2.ts.net",
    "srcNodeID": "nC1rUn3CNTRL",
    "srcNodeTags": ["tag:ci"],
}


def epoch(name: str) -> int:
    """Unix seconds of an RFC3339Nano UTC file name (the fraction is dropped)."""
    return calendar.timegm(time.strptime(name[:19], "%Y-%m-%dT%H:%M:%S"))


RFC3339NANO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,8}[1-9])?Z$")


def conn_id(name: str, suffix: str) -> str:
    """tailssh's connection ID shape: ssh-conn-<UTC yyyymmddThhmmss>-<10 hex>."""
    return "ssh-conn-" + time.strftime("%Y%m%dT%H%M%S", time.gmtime(epoch(name) - 1)) + "-" + suffix


def ssh_header(name: str, src: dict, ssh_user: str, local_user: str, cid: str | None,
               command: str | None = None) -> dict:
    h: dict = {"version": 2, "timestamp": epoch(name)}
    if command is not None:
        h["command"] = command
    h.update(src)
    h["env"] = {"TERM": "xterm-256color"}
    h["sshUser"] = ssh_user
    h["localUser"] = local_user
    if cid is not None:
        h["connectionID"] = cid
    return h


# --------------------------------------------------------------------------
# tmux driving
# --------------------------------------------------------------------------


def tmux(*args: str, check: bool = True) -> str:
    r = subprocess.run(["tmux", "-L", SOCKET, "-f", "/dev/null", *args],
                       capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"tmux {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


class Pane:
    """One tmux session running ptyrec.py, plus helpers to drive it."""

    def __init__(self, target: str, cast: Path, marker_file: Path, rng: random.Random):
        self.t = target
        self.cast = cast
        self.marker_file = marker_file
        self.rng = rng
        self.snaps: list[tuple[int, str, str]] = []  # (event lines, screen text, cursor)

    # ---- input
    def type(self, text: str, fast: bool = False) -> None:
        lo, hi = (0.015, 0.05) if fast else (0.05, 0.14)
        for ch in text:
            if ch == "\n":
                ch = "\r"  # the Enter key sends CR (LF would be ^J: "justify" in nano)
            # as hex bytes: a bare ";" argument would be taken as tmux's command separator
            tmux("send-keys", "-t", self.t, "-H", *("%02x" % b for b in ch.encode("utf-8")))
            time.sleep(self.rng.uniform(lo, hi))

    def key(self, *keys: str, pause: float = 0.25) -> None:
        for k in keys:
            tmux("send-keys", "-t", self.t, k)
            time.sleep(pause)

    def line(self, text: str, fast: bool = False, wait: float = 0.6) -> None:
        """Type a command line, pause like a human, press Enter, let it run."""
        self.type(text, fast)
        time.sleep(self.rng.uniform(0.2, 0.5))
        self.key("Enter", pause=0)
        self.settle(wait)

    # ---- waiting
    def screen(self) -> str:
        return tmux("capture-pane", "-p", "-t", self.t)

    def wait_text(self, text: str, timeout: float = 15) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.screen():
                return
            time.sleep(0.1)
        raise TimeoutError(f"{text!r} never appeared on screen:\n{self.screen()}")

    def settle(self, quiet: float = 0.6, timeout: float = 20) -> None:
        """Wait until the recording has not grown for `quiet` seconds."""
        end = time.monotonic() + timeout
        last, since = -1, time.monotonic()
        while time.monotonic() < end:
            size = self.cast.stat().st_size if self.cast.exists() else 0
            if size != last:
                last, since = size, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
            time.sleep(0.05)

    def sleep(self, s: float) -> None:
        time.sleep(s)

    # ---- window / recorder control
    def resize(self, cols: int, rows: int, wait: float = 1.0) -> None:
        tmux("resize-window", "-t", self.t, "-x", str(cols), "-y", str(rows))
        self.settle(wait)

    def pid(self) -> int:
        return int(tmux("display-message", "-p", "-t", self.t, "#{pane_pid}").strip())

    def marker(self, label: str) -> None:
        self.marker_file.write_text(label, encoding="utf-8")
        os.kill(self.pid(), 10)  # SIGUSR1
        time.sleep(0.2)

    def snapshot(self) -> None:
        """Remember the screen now, to compare with a replay of the cast so far."""
        self.settle(0.8)
        with self.cast.open(encoding="utf-8") as f:
            n = sum(1 for _ in f) - 1
        cur = tmux("display-message", "-p", "-t", self.t, "#{cursor_x},#{cursor_y}").strip()
        self.snaps.append((n, self.screen(), cur))


# --------------------------------------------------------------------------
# the home directory every session starts in
# --------------------------------------------------------------------------

BASHRC = r"""# castview sample session
HISTFILE=/dev/null
eval "$(dircolors -b)"
alias ls='ls --color=auto'
alias grep='grep --color=auto'
PS1='\[\e]0;{user}@{host}: \w\a\]\[\e[01;32m\]{user}@{host}\[\e[00m\]:\[\e[01;34m\]{cwd}\[\e[00m\]{sigil} '
"""

APP_PY = '''\
"""Tiny web app used in the castview sample recordings."""

import json
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"status": "ok", "path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)


def serve(port=8080):
    HTTPServer(("", port), Handler).serve_forever()
'''

CONFIG_YAML = """\
server:
  listen: 0.0.0.0:8080
  workers: 4
database:
  host: prod-db.tail7f3e2.ts.net
  name: orders
  pool: 20
features:
  new_checkout: true
  dark_mode: false
"""

HELLO_C = """\
#include <stdio.h>

int main(void) {
    int unused = 42;
    printf("hello from build-01\\n");
    return 0;
}
"""

MAKEFILE = """\
CFLAGS = -Wall -O2

ci: build test

build:
\tcc $(CFLAGS) -o hello hello.c

test: build
\t./hello
\t@for t in parser router storage; do sleep 0.4; echo "  test_$$t ... ok"; done
\t@echo "3 passed"
"""


def app_log() -> str:
    rng = random.Random(7)
    levels = ["INFO"] * 12 + ["WARN"] * 2 + ["ERROR"]
    paths = ["/api/orders", "/api/users", "/healthz", "/api/cart", "/login", "/static/app.js"]
    lines = []
    t = 9 * 3600
    for i in range(400):
        t += rng.randint(0, 4)
        lvl = rng.choice(levels)
        ts = "2026-11-20T%02d:%02d:%02dZ" % (t // 3600, t // 60 % 60, t % 60)
        if lvl == "ERROR":
            msg = "upstream timeout talking to prod-db:5432 (attempt %d)" % rng.randint(1, 3)
        elif lvl == "WARN":
            msg = "slow request %s took %dms" % (rng.choice(paths), rng.randint(800, 3000))
        else:
            msg = "%s %s %d %dms" % (rng.choice(["GET", "GET", "POST"]), rng.choice(paths),
                                     rng.choice([200, 200, 200, 304, 404]), rng.randint(1, 120))
        lines.append(f"{ts} {lvl:<5} web[{1200 + i % 4}] {msg}")
    return "\n".join(lines) + "\n"


def prepare_home(home: Path) -> None:
    demo = home / "demo"
    (demo / "src").mkdir(parents=True)
    (demo / "logs").mkdir()
    (demo / "README.md").write_text("# demo\n")
    (demo / "deploy.sh").write_text("#!/bin/sh\necho deploying\n")
    (demo / "deploy.sh").chmod(0o755)
    (demo / "backup-2026-11-19.tar.gz").write_bytes(b"\x1f\x8b" + b"\0" * 30)
    (demo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (demo / "日本語.txt").write_text("こんにちは\n")
    os.symlink("README.md", demo / "LATEST")
    os.symlink("missing-target", demo / "broken-link")
    (home / "app.py").write_text(APP_PY)
    (home / "app.log").write_text(app_log())
    (home / "config.yaml").write_text(CONFIG_YAML)
    (home / "notes.txt").write_text("deploy notes\n============\n")
    proj = home / "project"
    proj.mkdir()
    (proj / "hello.c").write_text(HELLO_C)
    (proj / "Makefile").write_text(MAKEFILE)
    stamp = calendar.timegm((2026, 11, 1, 10, 0, 0, 0, 0, 0))
    for p in [*home.rglob("*")]:
        if not p.is_symlink():
            os.utime(p, (stamp, stamp))


# --------------------------------------------------------------------------
# the sessions
# --------------------------------------------------------------------------


@dataclasses.dataclass
class Session:
    key: str                       # short name for --only
    node: str
    name: str                      # RFC3339Nano file name without .cast
    program: str                   # what the README says was run
    about: str
    header: dict
    drive: Callable[[Pane], None]
    user: str = "alice"
    host: str = "prod-db"
    requires: tuple[str, ...] = ("bash",)
    cmd: list[str] | None = None   # default: interactive bash
    size: tuple[int, int] = (80, 24)
    flags: tuple[str, ...] = ()
    expect: tuple[str, ...] = ()   # must appear in the recorded output (escapes removed)
    verify: bool = True            # replay snapshots (taken before any resize) and compare
    lang: str = "C.UTF-8"
    cwd_label: str = r"\w"
    sigil: str = "$"


def drive_bash_unicode(p: Pane) -> None:
    p.settle(1.0)
    p.line("ls -F --color=always demo/")
    p.line("echo 日本語のテキスト ok")
    p.line(r"printf 'beer \U1F37A  thumbs \U1F44D\U1F3FD  family \U1F468\u200d\U1F469\u200d\U1F467\u200d\U1F466\n'",
           fast=True)
    p.line(r"printf 'combining: cafe\u0301  precomposed: caf\u00e9\n'", fast=True)
    p.line(r"""bar=''; for i in $(seq 0 5 100); do printf '\rprogress %3d%% [%-20s]' $i "$bar"; """
           r"""bar="$bar#"; sleep 0.05; done; echo""",
           fast=True, wait=1.5)
    p.sleep(0.8)
    p.snapshot()
    # tmux shows invalid bytes differently from the U+FFFD the cast holds (as Go writes it),
    # so this comes after the snapshot and is wiped by `clear` before the next one
    p.line(r"printf 'invalid UTF-8: \xff\xfe, lone continuation: \x80 <&>\n'", fast=True)
    p.sleep(0.8)
    p.line("clear")
    # a typo corrected with backspace, twice
    p.type("ehco")
    p.sleep(0.4)
    p.key("BSpace", "BSpace", "BSpace", pause=0.15)
    p.type("cho 'sduo")
    p.sleep(0.3)
    p.key("BSpace", "BSpace", "BSpace", pause=0.15)
    p.type("udo systemctl restart nginx'")
    p.sleep(0.4)
    p.key("Enter", pause=0)
    p.settle(0.8)
    p.snapshot()
    p.line("exit", wait=0)


def drive_nano(p: Pane) -> None:
    p.settle(0.8)
    p.line("nano notes.txt", wait=0)
    p.wait_text("GNU nano")
    p.settle(0.8)
    p.key("C-End", pause=0.3)
    p.type("- rotate logs on prod-db\n")
    p.type("- check replication lag (< 5s)\n")
    p.type("- tell the team: 完了 ✓\n")
    p.key("Up", "Up", "Up", pause=0.3)
    p.key("End", pause=0.3)
    p.type(" before 10:00")
    p.snapshot()
    p.key("C-o", pause=0)
    p.wait_text("File Name to Write")
    p.sleep(0.6)
    p.key("Enter", pause=0)
    p.wait_text("Wrote")
    p.sleep(0.8)
    p.key("C-x", pause=0)
    p.settle(0.8)
    p.line("cat notes.txt")
    p.snapshot()
    p.line("exit", wait=0)


def drive_vim(p: Pane) -> None:
    p.settle(0.8)
    p.line("vim app.py", wait=0)
    p.wait_text("Tiny web app")
    p.settle(0.8)
    p.key("G", pause=0.4)
    p.key("o", pause=0.3)
    p.key("Enter", pause=0.2)
    p.key("C-d", pause=0.3)  # drop the indent vim carried over from the function body
    p.type("if __name__ == \"__main__\":\nserve()")  # vim's python indent adds the spaces
    p.sleep(0.5)
    p.key("Escape", pause=0.6)
    p.type(":set number")
    p.key("Enter", pause=0.8)
    p.type("/def ")
    p.key("Enter", pause=0.8)
    p.key("n", pause=0.6)
    p.key("n", pause=0.6)
    p.snapshot()
    p.type(":wq")
    p.sleep(0.3)
    p.key("Enter", pause=0)
    p.settle(0.8)
    p.line("tail -3 app.py")
    p.snapshot()
    p.line("exit", wait=0)


def drive_less(p: Pane) -> None:
    p.settle(0.8)
    p.line("less app.log", wait=0)
    p.wait_text("app.log")
    p.settle(0.8)
    p.key("Space", pause=0.8)
    p.key("Space", pause=0.8)
    p.type("/ERROR")
    p.sleep(0.3)
    p.key("Enter", pause=0.9)
    p.key("n", pause=0.7)
    p.key("n", pause=0.7)
    p.snapshot()
    p.key("G", pause=0.9)
    p.key("g", pause=0.9)
    p.key("q", pause=0)
    p.settle(0.8)
    p.line("grep -c ERROR app.log")
    p.snapshot()
    p.line("exit", wait=0)


def drive_htop(p: Pane) -> None:
    p.settle(0.8)
    p.line("yes > /dev/null &", wait=0.5)
    p.line("htop -p $$,$!", wait=0)
    p.wait_text("Load average")
    p.sleep(1.0)
    p.snapshot()
    # the window grows while htop runs; Tailscale SSH does not record resizes
    p.resize(100, 30, wait=0.2)
    p.sleep(1.5)
    p.key("F6", pause=1.0)       # sort-by menu
    p.key("Escape", pause=0.8)
    p.key("q", pause=0)
    p.settle(0.8)
    p.line("kill %1", wait=0.4)
    p.line("exit", wait=0)


def drive_mc(p: Pane) -> None:
    p.settle(0.8)
    p.line("mc", wait=0)
    p.wait_text("Quit")
    p.settle(1.0)
    p.key("Down", "Down", "Down", pause=0.4)
    p.key("Tab", pause=0.6)
    p.key("Down", pause=0.4)
    p.snapshot()
    p.key("F10", pause=0)
    p.settle(1.0)
    p.line("exit", wait=0)


def drive_mc_c(p: Pane) -> None:
    p.settle(0.8)
    p.line("LANG=C mc", wait=0)
    p.wait_text("Quit")
    p.settle(1.0)
    p.key("Down", "Down", pause=0.4)
    p.key("F9", pause=0.8)       # pull-down menu, drawn with line-drawing characters
    p.key("Down", "Down", pause=0.5)
    p.snapshot()
    p.key("Escape", pause=0.3)
    p.key("Escape", pause=1.0)
    p.key("F10", pause=0)
    p.settle(1.0)
    p.line("exit", wait=0)


def drive_resize(p: Pane) -> None:
    p.settle(0.8)
    p.line("tput cols; tput lines")
    p.line("vim -R config.yaml", wait=0)
    p.wait_text("listen")
    p.snapshot()
    p.resize(100, 30)
    p.sleep(0.6)
    p.resize(60, 20)
    p.sleep(0.6)
    p.type(":q")
    p.key("Enter", pause=0)
    p.settle(0.6)
    p.line("tput cols; tput lines")
    p.resize(100, 30)
    p.line("tput cols; tput lines")
    p.line("exit", wait=0)


def drive_markers(p: Pane) -> None:
    p.settle(0.8)
    p.line("psql --version 2>/dev/null || echo 'psql not here, simulating'")
    p.marker("migration start")
    p.line("for t in users orders invoices; do echo \"migrating $t\"; sleep 0.7; echo \"  $t: done\"; done",
           fast=True, wait=1.0)
    p.marker("migration done")
    p.line("echo 'all 3 tables migrated'")
    p.marker("")  # a marker with an empty label is valid asciicast
    p.snapshot()
    p.line("exit", wait=0)


def drive_oldstyle(p: Pane) -> None:
    p.settle(0.8)
    p.line("echo hi")
    p.type("uptmie")
    p.sleep(0.3)
    p.key("BSpace", "BSpace", "BSpace", pause=0.15)
    p.type("ime -p")
    p.sleep(0.3)
    p.key("Enter", pause=0)
    p.settle(0.6)
    p.snapshot()
    p.line("exit", wait=0)


def drive_k8s(p: Pane) -> None:
    p.settle(0.8)
    p.line("ls -F")
    p.line("cat config.yaml")
    p.line("stty size")
    p.snapshot()
    p.resize(100, 30, wait=0.3)
    p.line("stty size")
    p.resize(80, 24, wait=0.3)
    p.line("stty size")
    p.line("exit", wait=0)


def drive_command(p: Pane) -> None:
    p.settle(1.0, timeout=30)


def sessions() -> list[Session]:
    S: list[Session] = []
    cid_a = conn_id("2026-11-20T09:15:02Z", "8c1f2e4a7b")
    S.append(Session(
        "bash", PROD_DB, "2026-11-20T09:15:02Z", "bash",
        "colour `ls`, CJK, emoji (🍺, 👍🏽 skin tone, ZWJ family), e+U+0301 combining, "
        "invalid UTF-8 bytes (written as `\\ufffd` escapes, as Go does), "
        "a `\\r` progress bar, `clear`, a command typed with backspace corrections, sudo-looking text",
        ssh_header("2026-11-20T09:15:02Z", ALICE, "alice", "alice", cid_a),
        drive_bash_unicode,
        expect=("日本語のテキスト", "🍺", "\ufffd\ufffd, lone", "progress 100% [####################]",
                "sudo systemctl restart nginx")))
    S.append(Session(
        "nano", PROD_DB, "2026-11-20T09:15:02.5Z", "nano",
        "edit notes.txt in nano (type lines incl. 完了 ✓, move, ^O save, ^X exit), then `cat` it. "
        "Same second as the bash session and same connectionID (SSH multiplexing): "
        "`...02.5Z` sorts before `...02Z` as a string but started later",
        ssh_header("2026-11-20T09:15:02.5Z", ALICE, "alice", "alice", cid_a),
        drive_nano, requires=("bash", "nano"), expect=("GNU nano", "Wrote", "完了 ✓")))
    S.append(Session(
        "markers", PROD_DB, "2026-11-20T10:02:45.1234Z", "bash",
        "a fake table migration with three `m` marker events (SIGUSR1 to the recorder): "
        "\"migration start\", \"migration done\" and one with an empty label",
        ssh_header("2026-11-20T10:02:45.1234Z", ALICE, "postgres", "postgres",
                   conn_id("2026-11-20T10:02:45Z", "b2d90c3e11")),
        drive_markers, user="postgres", expect=("migrating orders", "all 3 tables migrated")))
    S.append(Session(
        "vim", WEB_1, "2026-11-20T14:03:11.033425744Z", "vim",
        "vim app.py: append lines in insert mode, `:set number`, search `/def ` + `n`, `:wq`",
        ssh_header("2026-11-20T14:03:11.033425744Z", CAROL, "deploy", "deploy",
                   conn_id("2026-11-20T14:03:11Z", "51e0a7f3c2")),
        drive_vim, user="deploy", host="web-1", requires=("bash", "vim"),
        expect=("Tiny web app", "serve()", "written")))
    S.append(Session(
        "less", WEB_1, "2026-11-20T14:07:30.12Z", "less",
        "less on a 400-line log: page down, search /ERROR, n, G, g, q",
        ssh_header("2026-11-20T14:07:30.12Z", CAROL, "deploy", "deploy",
                   conn_id("2026-11-20T14:07:30Z", "e49b6d0a88")),
        drive_less, user="deploy", host="web-1", requires=("bash", "less"),
        expect=("upstream timeout", "(END)")))
    S.append(Session(
        "htop", WEB_1, "2026-11-20T14:09:05.250117Z", "htop",
        "htop for a few seconds (a `yes` process burning CPU, F6 sort menu); the window is resized "
        "80x24 -> 100x30 mid-session and, as with real Tailscale SSH, no `r` event is written: "
        "the header says 80x24 but later output assumes 100x30",
        ssh_header("2026-11-20T14:09:05.250117Z", CAROL, "deploy", "deploy",
                   conn_id("2026-11-20T14:09:05Z", "0f3c5a9e27")),
        drive_htop, user="deploy", host="web-1", requires=("bash", "htop"),
        expect=("Load average", "Tasks:", "yes")))
    old = {"version": 2, "timestamp": epoch("2026-11-03T08:44:19.7Z"),
           "env": {"TERM": "xterm-256color"}, "srcNode": ALICE["srcNode"],
           "srcNodeID": ALICE["srcNodeID"], "srcNodeTags": None, "sshUser": "alice",
           "localUser": "alice", "srcNodeUserID": ALICE["srcNodeUserID"],
           "srcNodeUser": ALICE["srcNodeUser"]}
    S.append(Session(
        "oldstyle", WEB_1, "2026-11-03T08:44:19.7Z", "bash",
        "old-style (2023 recorder) header: other key order, `\"srcNodeTags\":null`, no connectionID; "
        "pre-Go-1.22 escapes (`\\u0008` for backspace); `echo hi` and a typo fixed with backspace",
        old, drive_oldstyle, host="web-1", flags=("--header-order", "asis", "--legacy-escapes"),
        expect=("hi\r\n", "up ")))
    S.append(Session(
        "command", BUILD, "2026-11-21T02:00:00.48Z", "make + gcc (no pty)",
        "non-interactive `ssh build-01 'cd project && make ci'` from a tagged CI node: header has "
        "`command`, width/height 0 (no pty), `srcNodeTags` and no user fields; output uses bare `\\n`; "
        "gcc's warning (stderr) is recorded as `o` too",
        ssh_header("2026-11-21T02:00:00.48Z", CI, "ci", "ci",
                   conn_id("2026-11-21T02:00:00Z", "77aa01d4f9"), command="cd project && make ci"),
        drive_command, user="ci", host="build-01", requires=("bash", "make", "cc"),
        cmd=["bash", "-c", "cd project && make ci"], flags=("--no-pty",),
        expect=("hello from build-01", "3 passed", "unused")))
    S.append(Session(
        "mc", BUILD, "2026-11-21T11:30:17.123Z", "mc",
        "Midnight Commander in a UTF-8 locale (box drawing with U+2500.. characters): move, Tab, F10",
        ssh_header("2026-11-21T11:30:17.123Z", BOB, "bob", "bob",
                   conn_id("2026-11-21T11:30:17Z", "3e5d7c9b1a")),
        drive_mc, user="bob", host="build-01", requires=("bash", "mc"),
        expect=("Left", "Command", "Options", "Quit")))
    S.append(Session(
        "mc-c", BUILD, "2026-11-21T11:31:02.9876543Z", "mc (LANG=C)",
        "Midnight Commander started with LANG=C: frames drawn with DEC special graphics "
        "(`ESC ( 0` ... `ESC ( B`), F9 pull-down menu, F10",
        ssh_header("2026-11-21T11:31:02.9876543Z", BOB, "bob", "bob",
                   conn_id("2026-11-21T11:30:17Z", "3e5d7c9b1a")),
        drive_mc_c, user="bob", host="build-01", requires=("bash", "mc"),
        expect=("Left", "Quit", "\x1b(0")))
    S.append(Session(
        "resize", BUILD, "2026-11-21T16:45:59.000000001Z", "vim + tput",
        "window resized 80x24 -> 100x30 -> 60x20 while `vim -R` shows a file, then `tput cols; tput lines` "
        "after resizes; recorded WITH `r` events (\"COLSxROWS\", asciicast style - Tailscale SSH itself "
        "never writes them)",
        ssh_header("2026-11-21T16:45:59.000000001Z", BOB, "bob", "bob",
                   conn_id("2026-11-21T16:45:59Z", "c0ffee1234")),
        drive_resize, user="bob", host="build-01", requires=("bash", "vim", "tput"),
        flags=("--resize-events",), expect=("listen",)))
    k8s = {"version": 2, "timestamp": epoch("2026-11-24T07:12:33.31415Z"), "command": "bash"}
    k8s.update(ALICE)
    k8s.update({"env": None, "sshUser": "", "localUser": "", "connectionID": "",
                "kubernetes": {"PodName": "api-7d9f8c6b5-x2x4q", "Namespace": "prod",
                               "Container": "api", "SessionType": "exec"}})
    S.append(Session(
        "k8s", K8S, "2026-11-24T07:12:33.31415Z", "bash (kubectl exec)",
        "Kubernetes-operator-shaped recording of `kubectl exec -it api-7d9f8c6b5-x2x4q -- bash`: "
        "`kubernetes` header, `\"env\":null`, empty sshUser/localUser/connectionID, and `r` "
        "events written ROWSxCOLS (\"30x100\") as the Tailscale Kubernetes recorder does",
        k8s, drive_k8s, user="root", host="api-7d9f8c6b5-x2x4q", flags=("--resize-events", "--k8s"),
        cwd_label="/app", sigil="#", expect=("new_checkout", "30 100")))
    return S


# --------------------------------------------------------------------------
# recording, checking
# --------------------------------------------------------------------------

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78MDEHc])")


def plain_output(cast: Path) -> str:
    out = []
    with cast.open(encoding="utf-8") as f:
        f.readline()
        for line in f:
            ev = json.loads(line)
            if ev[1] == "o":
                out.append(ev[2])
    return "".join(out)


def start_server() -> None:
    tmux("kill-server", check=False)
    time.sleep(0.5)  # a new server started while the old one exits can crash
    tmux("new-session", "-d", "-s", "keeper", "-x", "80", "-y", "24", "sleep", "86400")
    # No global "window-size manual": tmux 3.3a crashes creating a detached session with it.
    # Detached sessions get -x/-y anyway, and resize-window makes its window manual itself.
    for opt in (("status", "off"), ("remain-on-exit", "on"),
                ("history-limit", "2000"), ("exit-empty", "off")):
        tmux("set-option", "-g", *opt)


def record(sess: Session, work: Path, rng: random.Random) -> tuple[Path, Pane]:
    home = work / sess.key / "home" / sess.user  # recorder files stay out of home's parent
    home.mkdir(parents=True)
    prepare_home(home)
    (home / ".bashrc").write_text(BASHRC.replace("{user}", sess.user).replace("{host}", sess.host)
                                  .replace("{cwd}", sess.cwd_label).replace("{sigil}", sess.sigil))
    stamp = calendar.timegm((2026, 11, 1, 10, 0, 0, 0, 0, 0))
    for p in (home / ".bashrc", home, home.parent):
        os.utime(p, (stamp, stamp))
    cast = work / sess.key / "out.cast"
    marker = work / sess.key / "marker-label"
    child = sess.cmd or ["bash", "--noprofile", "--rcfile", str(home / ".bashrc"), "-i"]
    env = ["env", "-i", f"HOME={home}", f"USER={sess.user}", f"LOGNAME={sess.user}",
           "SHELL=/bin/bash", "PATH=/usr/local/bin:/usr/bin:/bin", f"LANG={sess.lang}",
           "TERM=xterm-256color", "TZ=UTC"]
    # (the header goes through a file: tmux 3.3a crashes on a "{" in a command argument)
    hfile = work / sess.key / "header.json"
    hfile.write_text(json.dumps(sess.header), encoding="utf-8")
    argv = [*env, PY, str(PTYREC), "--out", str(cast), "--header-file", str(hfile),
            "--marker-file", str(marker), *sess.flags, "--", *child]
    target = "rec-" + sess.key
    cols, rows = sess.size
    tmux("new-session", "-d", "-s", target, "-x", str(cols), "-y", str(rows), "-c", str(home), *argv)
    pane = Pane(target, cast, marker, rng)
    end = time.monotonic() + 10
    while not cast.exists() and time.monotonic() < end:
        time.sleep(0.05)
    try:
        sess.drive(pane)
        end = time.monotonic() + 30
        while tmux("display-message", "-p", "-t", target, "#{pane_dead}").strip() != "1":
            if time.monotonic() > end:
                raise TimeoutError("session did not end")
            time.sleep(0.1)
        status = tmux("display-message", "-p", "-t", target, "#{pane_dead_status}").strip()
        if status not in ("0", ""):
            print(f"  note: recorder exited with status {status}", file=sys.stderr)
    finally:
        tmux("kill-session", "-t", target, check=False)
    return cast, pane


def verify_replay(sess: Session, cast: Path, pane: Pane) -> str | None:
    """Replay the cast up to each snapshot into a fresh pane; compare screens."""
    if not pane.snaps:
        return None
    cols, rows = sess.size
    for i, (n, want, want_cur) in enumerate(pane.snaps):
        target = f"verify-{sess.key}-{i}"
        tmux("new-session", "-d", "-s", target, "-x", str(cols), "-y", str(rows),
             PY, str(CASTCAT), str(cast), "--upto", str(n), "--hold", "30")
        try:
            time.sleep(1.5)
            got = tmux("capture-pane", "-p", "-t", target)
            got_cur = tmux("display-message", "-p", "-t", target, "#{cursor_x},#{cursor_y}").strip()
        finally:
            tmux("kill-session", "-t", target, check=False)
        if got != want:
            return f"snapshot {i}: replayed screen differs:\n--- live\n{want}\n--- replay\n{got}"
        if got_cur != want_cur:
            return f"snapshot {i}: cursor differs: live {want_cur}, replay {got_cur}"
    return f"ok ({len(pane.snaps)} screens)"


def damage(out: Path) -> list[tuple[str, str, str]]:
    """Write damaged copies of two real recordings into the nDAMAGECNTRL folder."""
    made = []
    d = out / DAMAGED
    d.mkdir(exist_ok=True)
    src = out / PROD_DB / "2026-11-20T09:15:02Z.cast"
    if src.exists():
        name = "2026-11-22T08:00:00.1Z"
        lines = src.read_bytes().split(b"\n")
        hdr = json.loads(lines[0])
        hdr["timestamp"] = epoch(name)
        # stop in the middle of the last event that holds a multi-byte character,
        # inside that character: a reader racing the recorder can see exactly this
        i = max(k for k, ln in enumerate(lines[1:], 1) if re.search(rb"[\xe0-\xf4]", ln))
        cut = lines[i]
        m = list(re.finditer(rb"[\xe0-\xf4]", cut))[len(list(re.finditer(rb"[\xe0-\xf4]", cut))) // 2]
        body = go_json(hdr).encode() + b"\n" + b"\n".join(lines[1:i]) + b"\n" + cut[: m.start() + 2]
        (d / f"{name}.cast").write_bytes(body)
        made.append((name, "copy of prod-db bash session 2026-11-20T09:15:02Z",
                     f"session still being written: the first {i - 1} events, then event {i} cut off "
                     "with no newline, in the middle of a UTF-8 character (the file is not valid "
                     "UTF-8 at its end), as read while tsrecorder is still appending"))
    src = out / PROD_DB / "2026-11-20T10:02:45.1234Z.cast"
    if src.exists():
        name = "2026-11-22T08:30:00.02Z"
        lines = src.read_bytes().rstrip(b"\n").split(b"\n")
        hdr = json.loads(lines[0])
        hdr["timestamp"] = epoch(name)
        mid = len(lines) // 2
        garbage = b'GARBAGE \\ not json [1.5,"o",'
        new = [go_json(hdr).encode(), *lines[1:mid], garbage, *lines[mid:]]
        (d / f"{name}.cast").write_bytes(b"\n".join(new) + b"\n")
        made.append((name, "copy of prod-db markers session 2026-11-20T10:02:45.1234Z",
                     f"a garbage (non-JSON) line inserted as line {mid + 1}; everything else intact"))
    return made


def write_extras(out: Path) -> None:
    (out / "check-write-access").write_text("")
    ev = out / PROD_DB / "events"
    ev.mkdir(parents=True, exist_ok=True)
    (ev / "2026-11-20T09:15:02Z-8c1f2e4a7b.event").write_text(
        '{"type":"session_start","connectionID":"%s","recording":"2026-11-20T09:15:02Z.cast"}\n'
        % conn_id("2026-11-20T09:15:02Z", "8c1f2e4a7b"))


def fraction_digits(out: Path) -> set[int]:
    return {len(m.group(1) or ".") - 1 for p in out.glob("*/*.cast")
            if (m := re.match(r"^[^.]*(\.\d+)?Z\.cast$", p.name))}


def human(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} B"


def write_readme(out: Path, all_sessions: list[Session], damaged: list[tuple[str, str, str]]) -> None:
    lines = [
        "# sample_casts",
        "",
        "Real recordings of real programs, laid out like a Tailscale `tsrecorder --dst` directory:",
        "`<stable node ID of the SSH server>/<session start, Go RFC3339Nano UTC>.cast`.",
        "",
        "**Generated by `scripts/record_samples.py`** (`python scripts/record_samples.py --out sample_casts`),",
        "which drives each program through `tmux send-keys` in a dedicated tmux server",
        "(`tmux -L castview-rec -f /dev/null`) whose window is the recording size; the pane runs",
        "`scripts/ptyrec.py`, a small pty recorder that writes Go-`encoding/json`-style lines like",
        "Tailscale's recorder (`\\u003c`-style escapes, float64 seconds, one flushed line per read).",
        "Headers and file names are fixed (November 2026) and agree (`timestamp` = the name's",
        "seconds); event times are real. Regenerating changes the event data slightly.",
        "",
        "Differences from real Tailscale files, on purpose: ptyrec never splits a UTF-8 character",
        "across two events (Tailscale marshals raw reads and can), and two files carry event codes",
        "Tailscale SSH never writes (`m` markers, and `r` in the resize session).",
        "",
        "## Servers (directories)",
        "",
    ]
    for node, desc in NODE_NAMES.items():
        lines.append(f"- `{node}` — {desc}")
    lines += ["", "## Recordings", "", "| file | program | size | what it shows |", "|---|---|---|---|"]
    for s in all_sessions:
        f = out / s.node / f"{s.name}.cast"
        if not f.exists():
            continue
        with f.open(encoding="utf-8") as fh:
            h = json.loads(fh.readline())
        who = h.get("srcNodeUser") or ",".join(h.get("srcNodeTags") or []) or "?"
        lines.append(f"| `{s.node}/{s.name}.cast` | {s.program} | {human(f.stat().st_size)} | "
                     f"{s.about} (from {who}, header {h.get('width')}x{h.get('height')}) |")
    for name, what, how in damaged:
        f = out / DAMAGED / f"{name}.cast"
        lines.append(f"| `{DAMAGED}/{name}.cast` | (damaged) | {human(f.stat().st_size)} | {what}: {how} |")
    lines += [
        "",
        "## Not recordings (a reader must skip them)",
        "",
        "- `check-write-access` — the empty object tsrecorder writes to test bucket permissions",
        f"- `{PROD_DB}/events/*.event` — session event objects some recorders store next to casts",
        "- `README.md` — this file",
        "",
        "## Traps these files contain",
        "",
        "- `srcNodeUserID` 30585448562688899 and 9007199254740993 exceed 2^53 (a float64 reader corrupts them).",
        f"- `{PROD_DB}/2026-11-20T09:15:02.5Z.cast` started after `...09:15:02Z.cast` but sorts before it as a string.",
        "- Fractional digits in names: " + ", ".join(map(str, sorted(fraction_digits(out))))
        + " (trailing zeros trimmed, as Go does).",
        "- The htop file's header says 80x24 but the window became 100x30 without any event saying so.",
        "- The Kubernetes file's `r` events are ROWSxCOLS; the resize file's are COLSxROWS.",
        "- The command (no-pty) file has width 0 and height 0 and bare `\\n` line ends.",
        "",
    ]
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description="record sample casts with real programs")
    ap.add_argument("--out", default="sample_casts")
    ap.add_argument("--only", nargs="*", help="re-record only these sessions (keys from --list)")
    ap.add_argument("--no-verify", action="store_true")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()

    all_sessions = sessions()
    for s in all_sessions:
        assert RFC3339NANO.match(s.name), s.name
        assert s.header["timestamp"] == epoch(s.name), s.name
    if args.list:
        for s in all_sessions:
            print(f"{s.key:10} {s.node}/{s.name}.cast  {s.program}")
        return 0
    if not shutil.which("tmux"):
        print("tmux is required", file=sys.stderr)
        return 1

    out = Path(args.out).resolve()
    todo = [s for s in all_sessions if not args.only or s.key in args.only]
    if not args.only and out.exists():
        # full run: start from an empty directory (only if it looks like ours)
        foreign = [p for p in out.iterdir() if not (p.name in ("README.md", "check-write-access")
                                                     or re.match(r"^n[0-9A-Za-z]+CNTRL$", p.name))]
        if foreign:
            print(f"refusing to clear {out}: unexpected entries {foreign}", file=sys.stderr)
            return 1
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)

    rng = random.Random(args.seed)
    failures = []
    work = Path(tempfile.mkdtemp(prefix="castview-rec-"))
    start_server()
    try:
        for s in todo:
            missing = [p for p in s.requires if not shutil.which(p)]
            if missing:
                print(f"WARNING: skipping {s.key}: not installed: {', '.join(missing)}", file=sys.stderr)
                continue
            print(f"recording {s.key:9} -> {s.node}/{s.name}.cast ...", flush=True)
            try:
                cast, pane = record(s, work, rng)
            except Exception as e:  # keep going with the other programs
                print(f"  FAILED: {e}", file=sys.stderr)
                failures.append(s.key)
                continue
            text = plain_output(cast)
            stripped = ANSI.sub("", text)
            missing_text = [e for e in s.expect if e not in text and e not in stripped]
            if missing_text:
                print(f"  FAILED: expected text not recorded: {missing_text}", file=sys.stderr)
                failures.append(s.key)
                continue
            if s.verify and not args.no_verify:
                res = verify_replay(s, cast, pane)
                ok = res is None or res.startswith("ok")
                print(f"  replay check: {(res or 'n/a (no snapshot)') if ok else 'MISMATCH'}")
                if not ok:
                    print(res, file=sys.stderr)
                    failures.append(s.key)
            dest = out / s.node / f"{s.name}.cast"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cast, dest)
            print(f"  {human(dest.stat().st_size)}, {len(text)} chars of output")
    finally:
        tmux("kill-server", check=False)
        if failures:
            print(f"kept the work directory for inspection: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    damaged = damage(out)
    write_extras(out)
    write_readme(out, all_sessions, damaged)
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"total {human(total)} in {out}")
    if total > 2 * 1024 * 1024:
        print("WARNING: sample_casts is over 2 MB", file=sys.stderr)
    if failures:
        print(f"FAILED: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
