"""The web server of `castview serve`.

Built on textual-serve: its browser page and terminal script, its protocol between the
server and an app process, its downloads. What castview changes:
- every request passes the token gate first (auth.token_gate), and nothing logs the token
  (aiohttp's access log, which prints query strings, is off);
- an app process is started from an argv list and an environment, never a shell line, so a
  source path reaches the app as written;
- one log line per connection and disconnection;
- SIGINT/SIGTERM close every websocket, each app is asked to quit, and one that does not is
  killed, so no process outlives the server;
- the page's URLs follow the address the browser used (also behind `tailscale serve`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import itertools
import logging
import os
import re
import shlex
import signal
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, web
from aiohttp.helpers import content_disposition_header
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from ..sanitize import printable
from .auth import SECURITY_HEADERS, is_loopback, token_gate

log = logging.getLogger("castview.serve")

STOP_SECONDS = 5.0
"""How long an app may take to quit when asked, and then to die when terminated."""

_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]+)?|\[[0-9A-Fa-f:.]+\](:[0-9]+)?")


class ServeError(Exception):
    """The server could not start (say, its port is taken)."""


@dataclass(frozen=True)
class AppCommand:
    """How to start one app: the argv of a process and what to add to its environment."""

    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    unset: tuple[str, ...] = ()
    """Variables of the server's environment the app must not inherit."""


class AppProcess(AppService):
    """textual-serve's app service, started from an argv list and sure to end."""

    def __init__(self, command: AppCommand, **kwargs: Any) -> None:
        super().__init__(shlex.join(command.argv), **kwargs)
        self._command = command

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        for name in self._command.unset:
            environment.pop(name, None)
        environment.update(self._command.env)
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        # textual-serve runs a shell line; an argv list keeps paths with spaces or quotes intact.
        pipe = asyncio.subprocess.PIPE
        self._process = process = await asyncio.create_subprocess_exec(
            *self._command.argv, stdin=pipe, stdout=pipe, stderr=pipe,
            env=self._build_environment(width, height), preexec_fn=functools.partial(_end_with_parent, os.getpid()))
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        """Ask the app to quit; terminate it, then kill it, if it does not in time."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(super().stop(), STOP_SECONDS)
        process = self._process
        if process is None:
            return
        try:
            await asyncio.wait_for(process.wait(), STOP_SECONDS)
        except TimeoutError:
            log.warning("an app (pid %d) did not quit when asked; terminating it", process.pid)
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), STOP_SECONDS)
            except TimeoutError:
                process.kill()
                await process.wait()


def _end_with_parent(parent: int) -> None:
    """In the app process before it runs (Linux): SIGTERM when the server dies, even by
    SIGKILL, which gives it no chance to stop its apps. Elsewhere a no-op."""
    if sys.platform != "linux":
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != parent:  # the server died before the line above
        os.kill(os.getpid(), signal.SIGTERM)


def public_origin(request: web.Request) -> str:
    """`scheme://host[:port]` as the browser sees the server. A proxy on this machine
    (`tailscale serve`) says so in X-Forwarded-Host/-Proto; the headers of anyone else are
    ignored."""
    host, scheme = request.host, request.scheme
    if _peer_is_loopback(request):
        host = request.headers.get("X-Forwarded-Host", host)
        scheme = request.headers.get("X-Forwarded-Proto", scheme)
    if not _HOST.fullmatch(host) or scheme not in ("http", "https"):
        raise web.HTTPBadRequest(text="bad Host or X-Forwarded-* header\n")
    return f"{scheme}://{host}"


def _peer_is_loopback(request: web.Request) -> bool:
    return bool(request.remote) and is_loopback(request.remote or "")


def describe_client(request: web.Request) -> str:
    """The client's address (and port), for the log; behind a proxy on this machine, the
    address and Tailscale login it forwards too."""
    peer = request.transport.get_extra_info("peername") if request.transport else None
    if isinstance(peer, tuple) and len(peer) >= 2:
        text = f"[{peer[0]}]:{peer[1]}" if ":" in peer[0] else f"{peer[0]}:{peer[1]}"
    else:
        text = str(request.remote)
    forwarded = request.headers.get("X-Forwarded-For") if _peer_is_loopback(request) else None
    if forwarded:
        login = request.headers.get("Tailscale-User-Login")
        text = f"{forwarded}{f' ({login})' if login else ''} via {text}"
    return printable(text)


class CastviewServer(Server):
    """Serves one app process per browser websocket, to holders of `token` only."""

    def __init__(self, command: AppCommand, *, host: str, port: int, token: str,
                 listening: Callable[[str], None]) -> None:
        """`listening` is called with the URL to open (it carries the token) once the
        port is bound."""
        super().__init__(shlex.join(command.argv), host=host, port=port, title="castview")
        self.app_command = command
        self.token = token
        self._listening = listening
        self._sessions: dict[web.WebSocketResponse, AppProcess] = {}
        self._numbers = itertools.count(1)

    # -- the web app -------------------------------------------------------------------------
    async def _make_app(self) -> web.Application:
        # The cookie's name is unique per token: cookies are shared by all ports of a host.
        cookie = "castview_" + hashlib.sha256(self.token.encode()).hexdigest()[:12]
        app = web.Application(middlewares=[token_gate(self.token, cookie, _log_refused)])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path), autoescape=True)
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, name="static"),
        ])
        app.on_shutdown.append(self.on_shutdown)
        return app

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        origin = public_origin(request)
        websocket_origin = ("wss" if origin.startswith("https:") else "ws") + origin[origin.index(":"):]
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{websocket_origin}/ws",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": "castview"},
        }

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """An export, as an attachment: never shown inline on the server's own origin."""
        key = request.match_info["key"]
        try:
            download = await self.download_manager.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound(text="no such download\n") from None
        response = web.StreamResponse(headers={
            **SECURITY_HEADERS,
            "Content-Type": download.mime_type or "application/octet-stream",
            "Content-Disposition": content_disposition_header("attachment", filename=download.file_name),
            "Content-Security-Policy": "sandbox",
        })
        await response.prepare(request)
        async for chunk in self.download_manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        number, client = next(self._numbers), describe_client(request)
        await websocket.prepare(request)
        log.info("session %d connected from %s", number, client)
        service = AppProcess(self.app_command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                             close=websocket.close, download_manager=self.download_manager)
        self._sessions[websocket] = service
        try:
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except (ValueError, TypeError, LookupError, AssertionError) as exc:
            # textual-serve's message loop assumes well-formed JSON envelopes.
            log.warning("session %d sent a malformed message (%s); closing it", number, type(exc).__name__)
        finally:
            await service.stop()
            del self._sessions[websocket]
            await websocket.close()
            log.info("session %d disconnected from %s", number, client)
        return websocket

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every websocket: each session's handler then stops its app."""
        await asyncio.gather(*(websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped")
                               for websocket in list(self._sessions)), return_exceptions=True)

    # -- running -------------------------------------------------------------------------------
    def serve(self, debug: bool = False) -> None:
        """Serve until SIGINT or SIGTERM; raises ServeError if the port cannot be bound."""
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        # No access log: aiohttp's prints each request line, query string (the token) included.
        runner = web.AppRunner(await self._make_app(), access_log=None, shutdown_timeout=STOP_SECONDS)
        await runner.setup()
        try:
            try:
                await web.TCPSite(runner, self.host, self.port).start()
            except OSError as exc:
                raise ServeError(f"cannot listen on {self.host} port {self.port}: {exc.strerror or exc}") from exc
            self._listening(self.url(runner.addresses[0][1]))
            await stop.wait()
            log.info("stopping: %d session(s) open", len(self._sessions))
        finally:
            await runner.cleanup()
            # Sessions whose handler did not finish in time: their apps still end here.
            await asyncio.gather(*(service.stop() for service in list(self._sessions.values())))
        log.info("stopped")

    def url(self, port: int) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{port}/?token={self.token}"


def _log_refused(request: web.Request) -> None:
    # The path only: a query string may hold a (wrong or right) token.
    log.info("refused %s %s from %s", request.method, printable(request.path), describe_client(request))


def configure_logging(stream: Any = None) -> None:
    """Connection lines on stderr, each with its UTC time; textual-serve's own below warnings."""
    import time

    handler = logging.StreamHandler(stream)
    formatter = logging.Formatter("%(asctime)s castview serve: %(message)s", "%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    logging.getLogger("textual-serve").setLevel(logging.WARNING)

