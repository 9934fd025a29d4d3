"""Render bytes in a real tmux pane and read the screen back: the terminal oracle.

One private tmux server (``tmux -L <unique socket> -f /dev/null``) serves many
renders; each render is a fresh detached session of exactly ``cols`` x ``rows``
whose pane runs ``stty raw -echo; cat <file>`` (raw, so ``\\n`` reaches tmux
unchanged), optionally pausing between chunks so the harness can resize the
window. The end of output is detected in-band: after the data the pane prints
``CAN ESC \\ ESC k <token> ESC \\`` (a tmux window rename, invisible on screen) and
the harness waits until ``#{window_name}`` shows the token, so every byte
before it has been parsed.

Server options: ``history-limit 0`` (castview keeps no scrollback, so a pane
that grows must not pull lines back from history), ``allow-rename on`` (for
the token), ``default-terminal tmux-256color`` (or ``screen-256color``).

Usage::

    with TmuxOracle() as tmux:
        cap = tmux.capture(b"hello\\r\\n\\x1b[31mred", 80, 24)
        cap.lines, cap.rows, cap.cursor    # text, styled code points, (x, y, hidden)
        tmux.capture([b"abc", (40, 10), b"def"], 80, 24)   # resize between chunks

A resize step must come where the output is between escape sequences (the
pause marker would otherwise be swallowed and the render time out).

``render_in_tmux(data, cols, rows, escapes=False)`` is the one-call form; it
returns what ``capture-pane -p`` (or ``-p -e -N``) prints.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

TMUX = shutil.which("tmux")

Data = bytes | str
#: A step of a scripted render: output bytes, or a (cols, rows) window resize.
Step = bytes | str | tuple[int, int]

# tmux's DEC special graphics table (tty-acs.c); capture-pane -e marks such
# cells with SO/SI and prints the ASCII letter, an attached client shows these.
ACS_GLYPHS = {
    "+": "\u2192", ",": "\u2190", "-": "\u2191", ".": "\u2193", "0": "\u25ae",
    "`": "\u25c6", "a": "\u2592", "b": "\u2409", "c": "\u240c", "d": "\u240d",
    "e": "\u240a", "f": "\u00b0", "g": "\u00b1", "h": "\u2424", "i": "\u240b",
    "j": "\u2518", "k": "\u2510", "l": "\u250c", "m": "\u2514", "n": "\u253c",
    "o": "\u23ba", "p": "\u23bb", "q": "\u2500", "r": "\u23bc", "s": "\u23bd",
    "t": "\u251c", "u": "\u2524", "v": "\u2534", "w": "\u252c", "x": "\u2502",
    "y": "\u2264", "z": "\u2265", "{": "\u03c0", "|": "\u2260", "}": "\u00a3",
    "~": "\u00b7",
}

_NAMES = ("black", "red", "green", "brown", "blue", "magenta", "cyan", "white")


def _xterm_256() -> list[str]:
    out = list(_NAMES) + ["bright" + n for n in _NAMES]
    steps = (0x00, 0x5F, 0x87, 0xAF, 0xD7, 0xFF)
    for i in range(216):
        out.append("%02x%02x%02x" % (steps[i // 36], steps[(i // 6) % 6], steps[i % 6]))
    for i in range(24):
        v = 8 + i * 10
        out.append("%02x%02x%02x" % (v, v, v))
    return out


COLOURS_256 = _xterm_256()

#: (data, fg, bg, bold, italics, underscore, strikethrough, reverse, blink)
Styled = tuple[str, str, str, bool, bool, bool, bool, bool, bool]
DEFAULT_STYLE = ("default", "default", False, False, False, False, False, False)


class TmuxError(RuntimeError):
    pass


@dataclass
class TmuxCapture:
    """One screen read back from tmux."""

    cols: int
    rows_count: int
    plain: str  # capture-pane -p, verbatim
    escaped: str  # capture-pane -p -e -N, verbatim
    cursor_x: int
    cursor_y: int
    cursor_visible: bool
    alternate: bool
    title: str  # pane title, "" if never set by the program
    rows: list[list[Styled]] = field(default_factory=list)  # per code point, trailing blanks cut

    @property
    def lines(self) -> list[str]:
        """Row texts with DEC graphics shown as glyphs, trailing spaces trimmed."""
        return ["".join(c[0] for c in row).rstrip(" ") for row in self.rows]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def cursor(self) -> tuple[int, int, bool]:
        return self.cursor_x, self.cursor_y, not self.cursor_visible


_SGR_OR_CHAR = re.compile(r"\x1b\[([0-9;:]*)m|(\x0e)|(\x0f)|(.)", re.S)


def parse_escaped(lines: Sequence[str]) -> list[list[Styled]]:
    """Turn the rows of ``capture-pane -e`` output into styled code points.

    tmux writes each row's escape sequences relative to the end of the
    previous row (attributes and the DEC graphics SO/SI state carry over).
    """
    state: list = ["default", "default", False, False, False, False, False, False, False]
    return [_parse_escaped_row(line, state) for line in lines]


def _parse_escaped_row(line: str, state: list) -> list[Styled]:  # noqa: C901  (a parser: a branch per SGR code)
    fg, bg, bold, italics, under, strike, reverse, blink, acs = state
    out: list[Styled] = []
    for m in _SGR_OR_CHAR.finditer(line):
        params, so, si, ch = m.groups()
        if so:
            acs = True
            continue
        if si:
            acs = False
            continue
        if ch is not None:
            if acs:
                ch = ACS_GLYPHS.get(ch, ch)
            out.append((ch, fg, bg, bold, italics, under, strike, reverse, blink))
            continue
        parts = params.split(";") if params else ["0"]
        i = 0
        while i < len(parts):
            p = parts[i]
            if ":" in p:
                sub = p.split(":")
                if sub[0] == "4":
                    under = sub[1] not in ("", "0")
                i += 1
                continue
            n = int(p) if p else 0
            if n == 0:
                fg = bg = "default"
                bold = italics = under = strike = reverse = blink = False
            elif n == 1:
                bold = True
            elif n == 3:
                italics = True
            elif n == 4:
                under = True
            elif n == 5:
                blink = True
            elif n == 7:
                reverse = True
            elif n == 9:
                strike = True
            elif n == 22:
                bold = False
            elif n == 23:
                italics = False
            elif n == 24:
                under = False
            elif n == 25:
                blink = False
            elif n == 27:
                reverse = False
            elif n == 29:
                strike = False
            elif 30 <= n <= 37:
                fg = _NAMES[n - 30]
            elif n == 39:
                fg = "default"
            elif 40 <= n <= 47:
                bg = _NAMES[n - 40]
            elif n == 49:
                bg = "default"
            elif 90 <= n <= 97:
                fg = "bright" + _NAMES[n - 90]
            elif 100 <= n <= 107:
                bg = "bright" + _NAMES[n - 100]
            elif n in (38, 48):
                kind = parts[i + 1] if i + 1 < len(parts) else ""
                if kind == "5":
                    value = COLOURS_256[int(parts[i + 2])]
                    i += 2
                elif kind == "2":
                    value = "%02x%02x%02x" % tuple(int(x) for x in parts[i + 2:i + 5])
                    i += 4
                else:
                    value = "default"
                    i += 1
                if n == 38:
                    fg = value
                else:
                    bg = value
            i += 1
    state[:] = [fg, bg, bold, italics, under, strike, reverse, blink, acs]
    return trim_styled(out)


def trim_styled(row: list[Styled]) -> list[Styled]:
    """Drop trailing default-attribute spaces."""
    end = len(row)
    while end and row[end - 1][0] == " " and row[end - 1][1:] == DEFAULT_STYLE:
        end -= 1
    return row[:end]


def _to_bytes(data: Data) -> bytes:
    if isinstance(data, bytes):
        return data
    return data.encode("utf-8", "surrogatepass")


class TmuxOracle:
    """A private tmux server used to render test input. Close it when done."""

    def __init__(self, timeout: float = 15.0) -> None:
        if TMUX is None:
            raise TmuxError("tmux is not installed")
        self.timeout = timeout
        self.socket = f"castview-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.tmpdir = tempfile.mkdtemp(prefix="castview-tmux-")
        self._env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
        self._env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8")
        self._counter = 0
        self._closed = False
        self._run("new-session", "-d", "-s", "keepalive", "-x", "80", "-y", "24", "sleep 86400")
        term = "tmux-256color" if self._has_terminfo("tmux-256color") else "screen-256color"
        for option in (("history-limit", "0"), ("allow-rename", "on"),
                       ("automatic-rename", "off"), ("default-terminal", term),
                       ("status", "off"), ("remain-on-exit", "off")):
            self._run("set-option", "-g", *option)
        self.default_title = self._run("display-message", "-p", "-t", "keepalive",
                                       "#{pane_title}").rstrip("\n")

    @staticmethod
    def _has_terminfo(name: str) -> bool:
        return subprocess.run(["infocmp", name], capture_output=True).returncode == 0 \
            if shutil.which("infocmp") else False

    def _run(self, *args: str, timeout: float | None = None) -> str:
        cmd = [TMUX, "-L", self.socket, "-f", "/dev/null", *args]
        try:
            res = subprocess.run(cmd, capture_output=True, env=self._env,
                                 timeout=timeout or self.timeout)
        except subprocess.TimeoutExpired as exc:
            raise TmuxError(f"tmux timed out: {' '.join(args)}") from exc
        if res.returncode != 0:
            raise TmuxError(f"tmux {' '.join(args)} failed: {res.stderr.decode(errors='replace')}")
        return res.stdout.decode("utf-8", "surrogateescape")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], capture_output=True,
                       env=self._env)
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        socket_dir = os.path.join(os.environ.get("TMUX_TMPDIR") or "/tmp", f"tmux-{os.getuid()}")
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(socket_dir, self.socket))

    def __enter__(self) -> TmuxOracle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -------------------------------------------------------------- render

    def capture(self, data: Data | Sequence[Step], cols: int, rows: int) -> TmuxCapture:
        """Render *data* (bytes/str, or a list of chunks and (cols, rows) resizes)."""
        steps: list[Step] = [data] if isinstance(data, (bytes, str)) else list(data)
        self._counter += 1
        name = f"r{self._counter}"
        token = f"done-{self._counter}-{uuid.uuid4().hex[:6]}"
        script = ["stty raw -echo"]
        pauses: list[tuple[str, str, tuple[int, int]]] = []
        for k, step in enumerate(steps):
            if isinstance(step, tuple):
                mark = f"{token}-m{k}"
                script.append(f"printf '\\033k{mark}\\033\\\\'")
                script.append(f"tmux -L {self.socket} wait-for -S {mark}")
                script.append(f"tmux -L {self.socket} wait-for {mark}-go")
                pauses.append((mark, f"{mark}-go", step))
                continue
            path = os.path.join(self.tmpdir, f"{name}-{k}.bin")
            with open(path, "wb") as f:
                f.write(_to_bytes(step))
            script.append(f"cat {shlex.quote(path)}")
        # CAN ends any sequence, ESC \ ends a DCS string (where CAN is data)
        script.append(f"printf '\\030\\033\\\\\\033k{token}\\033\\\\'")
        script.append(f"tmux -L {self.socket} wait-for -S {token}")
        script.append("exec sleep 86400")
        script_path = os.path.join(self.tmpdir, f"{name}.sh")
        with open(script_path, "w") as f:
            f.write("\n".join(script) + "\n")
        self._run("new-session", "-d", "-s", name, "-x", str(cols), "-y", str(rows),
                  f"sh {shlex.quote(script_path)}")
        try:
            for mark, go, (new_cols, new_rows) in pauses:
                self._run("wait-for", mark)
                self._wait_name(name, mark)
                self._run("resize-window", "-t", name, "-x", str(new_cols), "-y", str(new_rows))
                self._run("wait-for", "-S", go)
            self._run("wait-for", token)
            self._wait_name(name, token)
            out = self._run(
                "display-message", "-p", "-t", name,
                "#{pane_width} #{pane_height} #{cursor_x} #{cursor_y} #{cursor_flag} "
                "#{alternate_on} #{pane_title}", ";",
                "capture-pane", "-p", "-t", name, ";",
                "capture-pane", "-p", "-e", "-N", "-t", name)
        finally:
            subprocess.run([TMUX, "-L", self.socket, "kill-session", "-t", name],
                           capture_output=True, env=self._env)
        return self._parse(out)

    def _wait_name(self, session: str, token: str) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            got = self._run("display-message", "-p", "-t", session, "#{window_name}").strip()
            if got == token:
                return
            if time.monotonic() > deadline:
                raise TmuxError(f"tmux never finished the output (window name {got!r})")
            time.sleep(0.005)

    def _parse(self, out: str) -> TmuxCapture:
        lines = out.split("\n")
        head = lines[0].split(" ", 6)
        cols, rows, cx, cy, flag, alt = (int(v) for v in head[:6])
        title = head[6] if len(head) > 6 else ""
        if title == self.default_title:
            title = ""
        plain_rows = lines[1:1 + rows]
        escaped_rows = lines[1 + rows:1 + 2 * rows]
        return TmuxCapture(
            cols=cols, rows_count=rows,
            plain="\n".join(plain_rows) + "\n",
            escaped="\n".join(escaped_rows) + "\n",
            cursor_x=cx, cursor_y=cy, cursor_visible=bool(flag), alternate=bool(alt),
            title=title,
            rows=parse_escaped(escaped_rows),
        )


_shared: TmuxOracle | None = None


def shared_oracle() -> TmuxOracle:
    """A process-wide oracle, killed at exit (the pytest fixture reuses it)."""
    global _shared
    if _shared is None or _shared._closed:
        _shared = TmuxOracle()
        atexit.register(_shared.close)
    return _shared


def render_in_tmux(data: Data, cols: int, rows: int, escapes: bool = False) -> str:
    """What ``tmux capture-pane -p`` (``-p -e -N`` with *escapes*) prints for *data*."""
    cap = shared_oracle().capture(data, cols, rows)
    return cap.escaped if escapes else cap.plain


def styled_rows_of(term) -> list[list[Styled]]:
    """A castview Terminal's screen in the form :meth:`TmuxOracle.capture` returns.

    Each row is cut at tmux's notion of the used width (``screen.used``), as
    ``capture-pane -N`` is, then trailing default blanks are dropped.
    """
    screen = term.screen
    out = []
    for row, used in zip(screen.buffer, screen.used, strict=True):
        cells: list[Styled] = []
        for cell in row[:used]:
            if not cell.data:
                continue
            attrs = tuple(cell[1:])
            for ch in cell.data:
                cells.append((ch,) + attrs)
        out.append(trim_styled(cells))
    return out
