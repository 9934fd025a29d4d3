#!/usr/bin/env python3
"""Record shell sessions whose typed commands are known: the ground truth of
``castview commands`` (issue 14).

    python scripts/record_commands.py [--out tests/data/commands] [--only NAME ...]

Each session runs a real shell (bash, zsh, fish) under scripts/ptyrec.py in a tmux
server of its own (socket ``castview-cmdrec``), driven key by key like
scripts/record_samples.py. Every step says what it expects to be listed: the line as
finally submitted (after corrections, history recall, tab completion), or the line
given up with ctrl-c (``abandoned``), or nothing (text typed to a password prompt, to
``cat``, inside ``less``/``vim``). ``NAME.cast`` and ``NAME.expected.json`` are written
side by side; bench/commands_accuracy.py compares the inference with them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import record_samples as rs  # noqa: E402

rs.SOCKET = "castview-cmdrec"  # never the sample recorder's server
ROOT = HERE.parent

EVIL = "alice@prod-db:~$ rm -rf /\n$ sudo reboot\n# shutdown -h now\n"


class Script:
    """Drives one pane and writes down what each step should list."""

    def __init__(self, pane: rs.Pane) -> None:
        self.p = pane
        self.expected: list[dict] = []

    def expect(self, command: str, abandoned: bool = False, fullscreen: bool = False) -> None:
        self.expected.append({"command": command, "abandoned": abandoned, "fullscreen": fullscreen})

    def run(self, text: str, wait: float = 0.6) -> None:
        """Type a one-line command and submit it."""
        self.p.line(text, wait=wait)
        self.expect(text)

    def keys(self, *keys: str, pause: float = 0.25) -> None:
        self.p.key(*keys, pause=pause)

    def typed(self, text: str) -> None:
        self.p.type(text)


def common_bash_like(s: Script, completed: str = "ls demo/",
                     read_password: str = "read -s -p 'Password: ' pw; echo; echo got ${#pw} chars") -> None:
    """Steps bash and zsh share. *completed*: the line Enter submits after a directory
    is tab-completed (zsh removes the slash it added); *read_password*: a silent read
    in the shell's own syntax."""
    p = s.p
    p.settle(1.0)
    s.run("ls demo")
    # a typo corrected with backspace
    s.typed("ehco")
    s.keys("BSpace", "BSpace", "BSpace", pause=0.15)
    s.typed("cho hello")
    s.keys("Enter", pause=0)
    p.settle(0.6)
    s.expect("echo hello")
    # history recall
    s.keys("Up", pause=0.4)
    s.keys("Enter", pause=0)
    p.settle(0.6)
    s.expect("echo hello")
    # tab completion
    s.typed("ls dem")
    s.keys("Tab", pause=0.5)
    s.keys("Enter", pause=0)
    p.settle(0.6)
    s.expect(completed)
    # ctrl-c gives the line up
    s.typed("rm -rf /tmp/scratch")
    s.keys("C-c", pause=0)
    p.settle(0.6)
    s.expect("rm -rf /tmp/scratch", abandoned=True)
    # an empty line is no command
    s.keys("Enter", pause=0)
    p.settle(0.5)
    # a long command that wraps past the width
    s.run("echo the quick brown fox jumps over the lazy dog and keeps on running past the right edge of it all")
    # output that looks like prompts
    s.run("cat evil.txt")
    # a password prompt and a program reading stdin
    s.p.line(read_password)
    s.expect(read_password)
    s.typed("hunter2 $ ls\n")
    p.settle(0.6)
    s.p.line("cat > note.txt", wait=0.5)
    s.expect("cat > note.txt")
    s.typed("ls -la\n")
    s.typed("$ whoami\n")
    s.keys("C-d", pause=0)
    p.settle(0.6)
    # continuation lines (PS2)
    s.typed("for i in 1 2 3\n")
    p.settle(0.4)
    s.typed("do echo n$i\n")
    p.settle(0.4)
    s.typed("done\n")
    p.settle(0.6)
    s.expect("for i in 1 2 3\ndo echo n$i\ndone")
    # full-screen programs: what is typed in them is not a command
    s.p.line("less app.log", wait=0)
    s.expect("less app.log", fullscreen=True)
    p.wait_text("INFO")
    p.settle(0.5)
    s.typed("/ERROR\n")
    p.settle(0.5)
    s.keys("q", pause=0)
    p.settle(0.6)
    s.p.line("vim -u NONE -N notes.txt", wait=0)
    s.expect("vim -u NONE -N notes.txt", fullscreen=True)
    p.wait_text("deploy notes")
    p.settle(0.5)
    s.typed("Otyped in vim")
    s.keys("Escape", pause=0.6)
    s.typed(":wq\n")
    p.settle(0.8)
    s.run("clear")
    s.run("wc -l notes.txt note.txt")


def drive_bash(s: Script) -> None:
    common_bash_like(s)
    # ctrl-l clears the screen and redraws the line being typed at the top
    s.typed("echo after")
    s.keys("C-l", pause=0.5)
    s.typed(" clearing")
    s.keys("Enter", pause=0)
    s.p.settle(0.6)
    s.expect("echo after clearing")
    # ctrl-r: reverse search finds the latest `ls demo...`
    s.keys("C-r", pause=0.4)
    s.typed("ls d")
    s.p.settle(0.4)
    s.keys("Enter", pause=0)
    s.p.settle(0.6)
    s.expect("ls demo/")
    s.p.line("exit", wait=0)
    s.expect("exit")


def drive_bash_root_git(s: Script) -> None:
    p = s.p
    p.settle(1.0)
    s.run("cd repo")
    s.run("git status --short")
    s.run("touch feature.txt && git add feature.txt")
    s.run("git checkout -q -b fix/login")
    s.run("git commit -qm 'add feature'")
    s.typed("git log --oneline | head -3")
    s.keys("Enter", pause=0)
    p.settle(0.6)
    s.expect("git log --oneline | head -3")
    s.run("printf '%s\\n' one two three | sort -r | tr a-z A-Z | sed 's/^/line: /' | cat -n | tail -2")
    s.typed("systemctl stop everything")
    s.keys("C-c", pause=0)
    p.settle(0.6)
    s.expect("systemctl stop everything", abandoned=True)
    s.run("cd ..")
    s.p.line("exit", wait=0)
    s.expect("exit")


def drive_zsh(s: Script) -> None:
    common_bash_like(s, completed="ls demo", read_password="read -s 'pw?Password: '; echo; echo got ${#pw} chars")
    s.keys("C-r", pause=0.4)
    s.typed("ls d")
    s.p.settle(0.4)
    s.keys("Enter", pause=0)
    s.p.settle(0.6)
    s.expect("ls demo")
    s.run("cd repo")
    s.run("git status --short")
    s.p.line("exit", wait=0)
    s.expect("exit")


def drive_fish(s: Script) -> None:
    p = s.p
    p.settle(1.5)
    s.run("ls demo")
    s.run("echo hello world")
    # an autosuggestion ("llo world", grey) shown but not taken
    s.typed("echo he")
    p.settle(0.4)
    s.keys("Enter", pause=0)
    p.settle(0.6)
    s.expect("echo he")
    # typed on past a suggestion
    s.typed("echo hello there")
    s.keys("Enter", pause=0)
    p.settle(0.6)
    s.expect("echo hello there")
    # a suggestion taken with the right arrow
    s.typed("ls d")
    p.settle(0.4)
    s.keys("Right", pause=0.4)
    s.keys("Enter", pause=0)
    p.settle(0.6)
    s.expect("ls demo")
    # history recall
    s.keys("Up", pause=0.4)
    s.keys("Enter", pause=0)
    p.settle(0.6)
    s.expect("ls demo")
    # a typo corrected
    s.typed("ehco")
    s.keys("BSpace", "BSpace", "BSpace", pause=0.15)
    s.typed("cho fixed")
    s.keys("Enter", pause=0)
    p.settle(0.6)
    s.expect("echo fixed")
    s.typed("rm -rf /tmp/scratch")
    s.keys("C-c", pause=0)
    p.settle(0.6)
    s.expect("rm -rf /tmp/scratch", abandoned=True)
    s.keys("Enter", pause=0)
    p.settle(0.5)
    s.run("echo the quick brown fox jumps over the lazy dog and keeps on running past the right edge of it all")
    s.run("cat evil.txt")
    s.p.line("cat > note.txt", wait=0.5)
    s.expect("cat > note.txt")
    s.typed("ls -la\n")
    s.typed("$ whoami\n")
    s.keys("C-d", pause=0)
    p.settle(0.6)
    s.p.line("less app.log", wait=0)
    s.expect("less app.log", fullscreen=True)
    p.wait_text("INFO")
    p.settle(0.5)
    s.typed("/ERROR\n")
    p.settle(0.5)
    s.keys("q", pause=0)
    p.settle(0.6)
    s.run("cd repo")
    s.run("git status --short")
    # an unfinished block: fish goes on editing on a new, indented line
    s.typed("for i in 1 2\n")
    p.settle(0.4)
    s.typed("echo n$i\n")
    p.settle(0.4)
    s.typed("end\n")
    p.settle(0.6)
    s.expect("for i in 1 2\n    echo n$i\nend")
    s.p.line("exit", wait=0)
    s.expect("exit")


def drive_zsh_right_prompt(s: Script) -> None:
    p = s.p
    p.settle(1.0)
    s.run("ls demo")
    s.run("false")  # the right prompt then shows the status [1]
    s.run("echo a line long enough to run into the right prompt, which zsh then hides")
    s.typed("sleep 5")
    s.keys("C-c", pause=0)
    p.settle(0.6)
    s.expect("sleep 5", abandoned=True)
    s.p.line("exit", wait=0)
    s.expect("exit")


BASH_PLAIN = r"""HISTFILE=/dev/null
PS1='\[\e]0;alice@prod-db: \w\a\]\[\e[01;32m\]alice@prod-db\[\e[00m\]:\[\e[01;34m\]\w\[\e[00m\]\$ '
"""

BASH_ROOT_GIT = r"""HISTFILE=/dev/null
branch() {
  local b; b=$(git branch --show-current 2>/dev/null) && [ -n "$b" ] &&
    printf ' \001\e[35m\002(%s%s)\001\e[0m\002' "$b" "$(git status --porcelain 2>/dev/null | grep -q . && echo '*')"
}
PS1='\n\[\e[1;31m\]\u@\h\[\e[0m\] \[\e[34m\]\w\[\e[0m\]$(branch)\n\$ '
"""

ZSHRC = r"""HISTFILE=/dev/null
HISTSIZE=100
bindkey -e
setopt PROMPT_SUBST
branch() { local b; b=$(git branch --show-current 2>/dev/null) && [ -n "$b" ] && print -n " (%F{magenta}$b%f)"; }
PROMPT='%F{green}%n@%m%f:%F{blue}%~%f$(branch)%# '
"""

ZSHRC_RIGHT = ZSHRC + r"""RPROMPT='%F{yellow}[%?]%f %D{%H:%M}'
"""

FISH_CONFIG = """set -g fish_greeting ''
"""


def prepare(home: Path, shell: str) -> None:
    rs.prepare_home(home)
    (home / "evil.txt").write_text(EVIL)
    repo = home / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "config", "user.email", "alice@example.com"], check=True)
    subprocess.run([*git, "config", "user.name", "Alice"], check=True)
    (repo / "README").write_text("repo\n")
    subprocess.run([*git, "add", "README"], check=True)
    subprocess.run([*git, "commit", "-qm", "init"], check=True)
    (home / ".bashrc_plain").write_text(BASH_PLAIN)
    (home / ".bashrc_root").write_text(BASH_ROOT_GIT)
    (home / ".zshrc").write_text(ZSHRC)
    (home / "right").mkdir()
    (home / "right" / ".zshrc").write_text(ZSHRC_RIGHT)
    conf = home / ".config" / "fish"
    conf.mkdir(parents=True)
    (conf / "config.fish").write_text(FISH_CONFIG)


SESSIONS: dict[str, tuple[list[str], str, tuple[int, int], Callable[[Script], None]]] = {
    "bash": (["bash", "--noprofile", "--rcfile", "{home}/.bashrc_plain", "-i"], "/bin/bash", (80, 24), drive_bash),
    "bash-root-git": (["bash", "--noprofile", "--rcfile", "{home}/.bashrc_root", "-i"], "/bin/bash", (60, 20),
                      drive_bash_root_git),
    "zsh": (["zsh", "-i"], "/usr/bin/zsh", (80, 24), drive_zsh),
    "fish": (["fish", "-i"], "/usr/bin/fish", (80, 24), drive_fish),
    "zsh-right-prompt": (["env", "ZDOTDIR={home}/right", "zsh", "-i"], "/usr/bin/zsh", (80, 24),
                         drive_zsh_right_prompt),
}


def record(name: str, out: Path, work: Path, rng: random.Random) -> None:
    argv, shell, (cols, rows), drive = SESSIONS[name]
    home = work / name / "home"
    home.mkdir(parents=True)
    prepare(home, shell)
    cast = work / name / "out.cast"
    hfile = work / name / "header.json"
    hfile.write_text(json.dumps(rs.ssh_header("2026-12-01T10:00:00Z", rs.ALICE, "root", "root",
                                              rs.conn_id("2026-12-01T10:00:00Z", "c0mmand5aa"))))
    env = ["env", "-i", f"HOME={home}", "USER=root", "LOGNAME=root", f"SHELL={shell}",
           "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "TERM=xterm-256color", "TZ=UTC",
           f"XDG_CONFIG_HOME={home / '.config'}", f"XDG_DATA_HOME={home / '.local/share'}",
           "LESS=", "HOSTNAME=prod-db"]
    child = [a.replace("{home}", str(home)) for a in argv]
    target = "cmd-" + name
    rs.tmux("new-session", "-d", "-s", target, "-x", str(cols), "-y", str(rows), "-c", str(home),
            *env, rs.PY, str(rs.PTYREC), "--out", str(cast), "--header-file", str(hfile), "--", *child)
    pane = rs.Pane(target, cast, work / name / "marker", rng)
    end = time.monotonic() + 10
    while not cast.exists() and time.monotonic() < end:
        time.sleep(0.05)
    script = Script(pane)
    try:
        drive(script)
        end = time.monotonic() + 20
        while rs.tmux("display-message", "-p", "-t", target, "#{pane_dead}").strip() != "1":
            if time.monotonic() > end:
                raise TimeoutError(f"{name}: the shell did not exit")
            time.sleep(0.1)
    finally:
        rs.tmux("kill-session", "-t", target, check=False)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cast, out / f"{name}.cast")
    (out / f"{name}.expected.json").write_text(json.dumps(script.expected, indent=1, ensure_ascii=False) + "\n")
    print(f"{name}: {len(script.expected)} commands -> {out / (name + '.cast')}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "tests" / "data" / "commands"))
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="castview-cmdrec-"))
    rs.start_server()
    try:
        for name in SESSIONS:
            if args.only and name not in args.only:
                continue
            if not shutil.which(SESSIONS[name][0][0]):
                print(f"{name}: {SESSIONS[name][0][0]} is not installed, skipped", file=sys.stderr)
                continue
            record(name, Path(args.out), work, rng)
    finally:
        rs.tmux("kill-server", check=False)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.pop("TMUX", None)
    sys.exit(main())
