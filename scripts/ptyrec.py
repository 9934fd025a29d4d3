#!/usr/bin/env python3
"""ptyrec: record a program running in a pty as a Tailscale-shaped asciicast v2 file.

Usage:
    ptyrec.py --out FILE (--header-json '{...}' | --header-file F) [--resize-events] [--k8s]
              [--no-pty] [--marker-file PATH] [--legacy-escapes]
              [--header-order tailscale|asis] -- CMD [ARG...]

The program runs in a new pty whose size is the recorder's own terminal size.
Everything it prints is copied to our stdout (so it shows in the terminal/tmux
pane ptyrec runs in) and appended to FILE as ``[t, "o", data]`` events, one
flushed line per read, the way Tailscale's recorder streams them. Keystrokes on
our stdin are forwarded to the program (and never recorded, like Tailscale).

* The header line is written first, in Go ``encoding/json`` style (see gojson.py).
  ``width``/``height`` come from the terminal unless given in --header-json;
  keys are put in the order of Tailscale's ``sessionrecording.CastHeader``
  (``--header-order asis`` keeps the order given, for old-style headers).
* Output is decoded incrementally as UTF-8: a multi-byte character is never
  split across two events; invalid bytes are written as ``\\ufffd`` like Go.
  (Real Tailscale marshals each raw read, so it *can* split characters.)
* Event times are float64 seconds since the start computed like Go's
  ``time.Duration.Seconds()`` and printed in Go's shortest form - so the same
  float artifacts appear (``1.6682777500000001``).
* SIGWINCH: the new size is passed on to the program's pty; with
  --resize-events an ``"r"`` event is written, ``"COLSxROWS"``, or ``"ROWSxCOLS"``
  with --k8s (as Tailscale's Kubernetes recorder does).
* SIGUSR1: a marker event ``[t, "m", label]``; the label is the content of
  --marker-file if it exists (the file is then removed), else "marker N".
* --no-pty runs the program with pipes (stdout+stderr both recorded as "o"),
  like an ``ssh host cmd`` session without a pty: width and height are 0.

Stdlib only. Exits with the program's exit status.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import errno
import fcntl
import json
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
import tty

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gojson import go_float, go_json  # noqa: E402

# Field order of tailscale.com/sessionrecording.CastHeader.
TAILSCALE_ORDER = [
    "version", "width", "height", "timestamp", "command", "srcNode", "srcNodeID",
    "srcNodeTags", "srcNodeUserID", "srcNodeUser", "env", "sshUser", "localUser",
    "connectionID", "kubernetes",
]


def get_winsize(fd: int) -> tuple[int, int]:
    """(rows, cols) of the terminal on fd, or (24, 80) when it is not a tty."""
    try:
        rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
        if rows and cols:
            return rows, cols
    except OSError:
        pass
    return 24, 80


def set_winsize(fd: int, rows: int, cols: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def order_header(h: dict, mode: str) -> dict:
    if mode == "asis":
        return h
    out = {k: h[k] for k in TAILSCALE_ORDER if k in h}
    out.update({k: v for k, v in h.items() if k not in out})
    return out


class Recorder:
    def __init__(self, path: str, legacy: bool):
        self.f = open(path, "w", encoding="utf-8", newline="\n")
        self.legacy = legacy
        self.start_ns = 0
        self.dec = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")

    def header(self, h: dict) -> None:
        self.f.write(go_json(h, self.legacy) + "\n")
        self.f.flush()
        self.start_ns = time.monotonic_ns()

    def event(self, code: str, data: str) -> None:
        # time.Duration.Seconds() in Go: float64(sec) + float64(nsec)/1e9, which is
        # where artifacts such as 1.6682777500000001 in real files come from
        sec, nsec = divmod(time.monotonic_ns() - self.start_ns, 1_000_000_000)
        t = float(sec) + nsec / 1e9
        self.f.write("[" + go_float(t) + "," + go_json(code) + "," + go_json(data, self.legacy) + "]\n")
        self.f.flush()

    def output(self, data: bytes, final: bool = False) -> None:
        text = self.dec.decode(data, final)
        if text:
            self.event("o", text)

    def close(self) -> None:
        self.output(b"", final=True)
        self.f.close()


def write_all(fd: int, data: bytes) -> None:
    while data:
        try:
            n = os.write(fd, data)
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EINTR):
                time.sleep(0.001)
                continue
            return
        data = data[n:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--header-json", default="{}")
    ap.add_argument("--header-file", help="read the header JSON from this file instead")
    ap.add_argument("--resize-events", action="store_true")
    ap.add_argument("--k8s", action="store_true", help='"r" events as ROWSxCOLS')
    ap.add_argument("--no-pty", action="store_true")
    ap.add_argument("--marker-file")
    ap.add_argument("--legacy-escapes", action="store_true", help="pre-Go-1.22 \\u0008/\\u000c")
    ap.add_argument("--header-order", choices=["tailscale", "asis"], default="tailscale")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("no command given")

    stdin_fd, stdout_fd = sys.stdin.fileno(), sys.stdout.fileno()
    rows, cols = get_winsize(stdout_fd if os.isatty(stdout_fd) else stdin_fd)

    if args.header_file:
        with open(args.header_file, encoding="utf-8") as hf:
            given = json.load(hf)
    else:
        given = json.loads(args.header_json)
    # version, width, height and timestamp lead, as in every asciicast v2 writer;
    # values given in --header-json win, keys keep their given order otherwise.
    hdr = {"version": given.get("version", 2)}
    hdr["width"] = given.get("width", 0 if args.no_pty else cols)
    hdr["height"] = given.get("height", 0 if args.no_pty else rows)
    hdr["timestamp"] = given.get("timestamp", int(time.time()))
    hdr.update({k: v for k, v in given.items() if k not in hdr})
    rec = Recorder(args.out, args.legacy_escapes)
    rec.header(order_header(hdr, args.header_order))

    # Signals are turned into bytes on a pipe so select() wakes up for them.
    sig_r, sig_w = os.pipe()
    os.set_blocking(sig_w, False)
    os.set_blocking(sig_r, False)
    signal.set_wakeup_fd(sig_w, warn_on_full_buffer=False)
    pending: list[int] = []
    for s in (signal.SIGWINCH, signal.SIGUSR1, signal.SIGCHLD):
        signal.signal(s, lambda signum, frame: pending.append(signum))

    if args.no_pty:
        out_r, out_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.dup2(out_w, 1)
            os.dup2(out_w, 2)
            os.close(out_r)
            os.close(out_w)
            os.close(sig_r)
            os.close(sig_w)
            try:
                os.execvp(cmd[0], cmd)
            except OSError as e:
                os.write(2, f"ptyrec: {cmd[0]}: {e.strerror}\n".encode())
                os._exit(127)
        os.close(out_w)
        master = out_r
    else:
        pid, master = pty.fork()
        if pid == 0:
            try:
                os.execvp(cmd[0], cmd)
            except OSError as e:
                os.write(2, f"ptyrec: {cmd[0]}: {e.strerror}\r\n".encode())
                os._exit(127)
        set_winsize(master, rows, cols)

    saved_tty = None
    if not args.no_pty and os.isatty(stdin_fd):
        saved_tty = termios.tcgetattr(stdin_fd)
        tty.setraw(stdin_fd, termios.TCSANOW)

    markers = 0
    stdin_open = not args.no_pty
    status = 0
    try:
        while True:
            fds = [master, sig_r] + ([stdin_fd] if stdin_open else [])
            try:
                ready, _, _ = select.select(fds, [], [])
            except InterruptedError:
                ready = []
            if sig_r in ready:
                with contextlib.suppress(BlockingIOError):
                    os.read(sig_r, 512)
            while pending:
                s = pending.pop(0)
                if s == signal.SIGWINCH and not args.no_pty:
                    rows, cols = get_winsize(stdout_fd if os.isatty(stdout_fd) else stdin_fd)
                    set_winsize(master, rows, cols)  # the kernel sends SIGWINCH to the child
                    if args.resize_events:
                        rec.event("r", f"{rows}x{cols}" if args.k8s else f"{cols}x{rows}")
                elif s == signal.SIGUSR1:
                    markers += 1
                    label = f"marker {markers}"
                    if args.marker_file and os.path.exists(args.marker_file):
                        with open(args.marker_file, encoding="utf-8") as mf:
                            label = mf.read().rstrip("\n")
                        os.unlink(args.marker_file)
                    rec.event("m", label)
            if master in ready:
                try:
                    data = os.read(master, 65536)
                except OSError as e:
                    if e.errno != errno.EIO:  # EIO: the pty's other side is closed
                        raise
                    data = b""
                if not data:
                    break
                rec.output(data)
                write_all(stdout_fd, data)
            if stdin_open and stdin_fd in ready:
                data = os.read(stdin_fd, 65536)
                if data:
                    write_all(master, data)
                else:
                    stdin_open = False
        _, wstatus = os.waitpid(pid, 0)
        status = os.waitstatus_to_exitcode(wstatus)
    finally:
        rec.close()
        if saved_tty is not None:
            termios.tcsetattr(stdin_fd, termios.TCSAFLUSH, saved_tty)
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main())
