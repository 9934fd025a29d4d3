"""A real S3 endpoint for tests and benchmarks: moto's standalone server on 127.0.0.1.

castview talks to it over HTTP exactly as to AWS (boto3 is never patched). Buckets are
seeded server-side through moto's backend, which is the same process, so thousands of
objects take milliseconds. `FaultProxy` sits between castview and the server to inject
throttling, 5xx answers and outages, and to count what crosses the wire.

Run `python tests/s3_server.py --seed-bench N NODES` to serve a seeded bucket from its own
process (the benchmark does this so the server does not share the client's GIL).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REGION = "us-east-1"
ADMIN_KEY, ADMIN_SECRET = "testing", "testing"
# Headers of the upstream response that the proxy sets itself.
HOP_BY_HOP = ("connection", "keep-alive", "transfer-encoding", "content-length", "server", "date")


def _server_class() -> type:
    """ThreadedMotoServer, answering with TCP_NODELAY like real S3 endpoints do.

    Werkzeug writes a response's headers and body in two sends; with Nagle's algorithm on,
    the body waits for the client's delayed ACK (40 ms on Linux), which would make every
    request take 40 ms and measure the test server instead of castview.
    """
    import socket

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from moto.server import ThreadedMotoServer
    from werkzeug.serving import make_server

    class Handler(MotoRequestHandler):
        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    class Server(ThreadedMotoServer):
        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)
            self._server = make_server(self._ip_address, self._port, app, True, request_handler=Handler)
            self._server_ready_event.set()
            self._server.serve_forever()

    return Server


class MotoS3:
    """moto's ThreadedMotoServer on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        self._server = _server_class()(ip_address="127.0.0.1", port=0, verbose=False)
        self.endpoint = ""

    def start(self) -> MotoS3:
        import logging

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        self._server.stop()

    @property
    def port(self) -> int:
        return int(self.endpoint.rsplit(":", 1)[1])

    # -- clients and seeding --------------------------------------------------------------
    def client(self, service: str = "s3", **kw: Any) -> Any:
        import boto3

        kw.setdefault("aws_access_key_id", ADMIN_KEY)
        kw.setdefault("aws_secret_access_key", ADMIN_SECRET)
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION, **kw)

    @staticmethod
    def backend() -> Any:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.s3.models import s3_backends

        return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)

    def put(self, bucket: str, key: str, data: bytes, mtime: float | None = None) -> None:
        """Store an object server-side (no HTTP request: fast for thousands of objects),
        optionally back-dated to `mtime` (S3 keeps whole seconds)."""
        stored = self.backend().put_object(bucket, key, data)
        if mtime is not None:
            stored.last_modified = datetime.fromtimestamp(int(mtime), UTC).replace(tzinfo=None)

    def put_tree(self, bucket: str, root: Path, prefix: str = "") -> list[str]:
        """Every file under root, keyed by its relative path, with the file's mtime."""
        keys = []
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            key = prefix + path.relative_to(root).as_posix()
            self.put(bucket, key, path.read_bytes(), path.stat().st_mtime)
            keys.append(key)
        return keys

    # -- authentication ---------------------------------------------------------------------
    def _moto_api(self, path: str, body: bytes) -> None:
        request = urllib.request.Request(self.endpoint + path, data=body, method="POST",
                                         headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(request, timeout=10).read()

    def iam_key(self, user: str, allow_s3: bool) -> tuple[str, str]:
        """An IAM user's access key; with allow_s3 the user may do anything in S3."""
        iam = self.client("iam")
        iam.create_user(UserName=user)
        if allow_s3:
            policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
            iam.put_user_policy(UserName=user, PolicyName="s3", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=user)["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def enforce_auth(self, on: bool) -> None:
        """Make the server check signatures and IAM policies (moto skips both by default)."""
        self._moto_api("/moto-api/reset-auth", b"0" if on else b"inf")


class FaultProxy:
    """An HTTP proxy in front of an endpoint that can fail on demand and counts traffic.

    HTTP/1.0, one connection per request, so `stop()` makes the endpoint unreachable at once.
    """

    def __init__(self, upstream: str) -> None:
        host, _, port = upstream.removeprefix("http://").partition(":")
        self.upstream = (host, int(port))
        self.requests: list[tuple[str, str, int, int]] = []  # method, path, status, body bytes
        self._fail: list[tuple[int, str]] = []
        self._always: tuple[int, str] | None = None
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                proxy._handle(self)

            do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def fail_next(self, n: int, status: int = 503, code: str = "SlowDown") -> None:
        with self._lock:
            self._fail.extend([(status, code)] * n)

    def fail_always(self, status: int | None = 503, code: str = "SlowDown") -> None:
        with self._lock:
            self._always = (status, code) if status else None

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._fail.clear()
            self._always = None

    @property
    def body_bytes(self) -> int:
        with self._lock:
            return sum(r[3] for r in self.requests if r[0] == "GET")

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        with self._lock:
            failure = self._fail.pop(0) if self._fail else self._always
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else None
        if failure is not None:
            status, code = failure
            xml = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
                   f"<Message>injected by the test proxy</Message></Error>").encode()
            h.send_response(status)
            h.send_header("Content-Type", "application/xml")
            h.send_header("Content-Length", str(len(xml)))
            h.end_headers()
            if h.command != "HEAD":
                h.wfile.write(xml)
            with self._lock:
                self.requests.append((h.command, h.path, status, 0))
            return
        conn = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            headers = {k: v for k, v in h.headers.items() if k.lower() not in ("connection", "keep-alive")}
            conn.request(h.command, h.path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        h.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                h.send_header(name, value)
        if h.command == "HEAD":
            h.send_header("Content-Length", response.getheader("Content-Length") or "0")
        else:
            h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(data)
        with self._lock:
            self.requests.append((h.command, h.path, response.status, len(data)))


def cast_bytes(events: int, seed: int = 0, width: int = 100, height: int = 30, node: str = "nBIGxCNTRL",
               line_bytes: int = 80) -> bytes:
    """A tsrecorder-shaped asciicast v2 recording of `events` output events."""
    rnd = random.Random(seed)
    header = {"version": 2, "width": width, "height": height, "timestamp": 1795000000 + seed,
              "srcNode": "laptop.example.ts.net", "srcNodeID": "nLAPxCNTRL", "srcNodeUser": "alice@example.com",
              "env": {"TERM": "xterm-256color"}, "sshUser": "root", "localUser": "root",
              "connectionID": f"conn-{seed}", "dstNodeID": node}
    lines = [json.dumps(header, separators=(",", ":"))]
    t = 0.0
    words = ["build", "ok", "\x1b[32mPASS\x1b[0m", "error:", "src/main.go", "\x1b[1mwarning\x1b[0m", "done", "42"]
    for i in range(events):
        t += rnd.choice((0.001, 0.01, 0.05, 0.2))
        text = f"[{i:07d}] " + " ".join(rnd.choice(words) for _ in range(line_bytes // 8)) + "\r\n"
        lines.append(json.dumps([round(t, 6), "o", text]))
    return ("\n".join(lines) + "\n").encode()


def seed_bench(server: MotoS3, bucket: str, recordings: int, nodes: int) -> None:
    """`recordings` small recordings spread over `nodes` node folders, plus event objects."""
    server.create_bucket(bucket)
    server.put(bucket, "check-write-access", b"")
    small = cast_bytes(20, seed=1)
    for i in range(recordings):
        node = f"n{i % nodes:04d}BENCHCNTRL"
        second, frac = divmod(i, 1000)
        key = f"{node}/2026-01-{1 + second % 28:02d}T10:{(second // 28) % 60:02d}:00.{frac:03d}Z.cast"
        server.put(bucket, key, small)
        if i % 10 == 0:
            server.put(bucket, f"{node}/events/{i:08x}.event", b"{}")


BENCH_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                     "AWS_DEFAULT_REGION": "us-east-1"}


def serve_seeded(bucket: str, recordings: int, nodes: int,
                 files: list[tuple[Path, str]] = ()) -> tuple[subprocess.Popen, str]:  # type: ignore[assignment]
    """This file as a server in a process of its own (a benchmark's CPU figures leave the
    server's out), `bucket` seeded as `main` does, and `files` put at their keys: the
    process (closing its stdin stops it) and its endpoint."""
    pairs = [str(x) for path, key in files for x in (path, key)]
    server = subprocess.Popen([sys.executable, __file__, "--seed-bench", bucket, str(recordings), str(nodes), *pairs],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, **BENCH_CREDENTIALS})
    assert server.stdout is not None
    endpoint = server.stdout.readline().strip()
    if not endpoint.startswith("http"):
        server.kill()
        raise SystemExit("the moto server did not start")
    return server, endpoint


def main(argv: list[str]) -> None:
    """Serve a seeded bucket until stdin closes: `--seed-bench BUCKET N NODES [FILE KEY]...`."""
    server = MotoS3().start()
    if argv and argv[0] == "--seed-bench":
        bucket, n, nodes = argv[1], int(argv[2]), int(argv[3])
        seed_bench(server, bucket, n, nodes)
        rest = argv[4:]
        for path, key in zip(rest[::2], rest[1::2], strict=True):
            server.put(bucket, key, Path(path).read_bytes())
    print(server.endpoint, flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    os.environ.setdefault("AWS_ACCESS_KEY_ID", ADMIN_KEY)
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", ADMIN_SECRET)
    main(sys.argv[1:])
