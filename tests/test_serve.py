"""`castview serve` without a browser: the token gate, the app command, the log, the stop.

The browser itself is driven in test_serve_browser.py.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import signal
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from castview.cli.serve import app_command
from castview.serve.auth import is_loopback
from castview.serve.server import AppCommand, CastviewServer
from serve_helpers import ServeProcess, is_alive, wait_until

TOKEN = "test-token-0123456789abcdef"
SAMPLES = Path(__file__).resolve().parents[1] / "src" / "castview" / "data" / "sample_casts"


def in_process(check) -> None:
    """Run `check(client)` against the server's web app, in this process (no app starts:
    these requests never reach a websocket with the token)."""

    async def main() -> None:
        server = CastviewServer(AppCommand(("false",)), host="127.0.0.1", port=0, token=TOKEN,
                                listening=lambda url: None)
        async with TestClient(TestServer(await server._make_app())) as client:
            await check(client)

    asyncio.run(main())


@pytest.mark.parametrize("path", ["/", "/static/js/textual.js", "/static/css/xterm.css", "/download/abc", "/ws",
                                  "/no-such-page", "/static/"])
@pytest.mark.parametrize("credential", [
    {},
    {"params": {"token": "wrong-token-0123456789abcdef"}},
    {"params": {"token": TOKEN[:-1]}},
    {"params": {"token": ""}},
    {"params": {"token": TOKEN + "x"}},
    {"params": {"Token": TOKEN}},
    {"cookies": {"castview_x": TOKEN}},
])
def test_every_path_without_the_token_is_forbidden(path, credential):
    async def check(client: TestClient) -> None:
        cookies = credential.get("cookies")
        if cookies:
            client.session.cookie_jar.update_cookies(cookies)
        response = await client.get(path, params=credential.get("params"), allow_redirects=False)
        body = await response.text()
        assert response.status == 403
        assert "textual" not in body.lower() and "castview serve printed" in body
        assert "Set-Cookie" not in response.headers

    in_process(check)


def test_the_token_opens_the_page_and_sets_a_strict_http_only_cookie():
    async def check(client: TestClient) -> None:
        response = await client.get("/", params={"token": TOKEN})
        assert response.status == 200
        assert 'data-session-websocket-url="ws://127.0.0.1:' in await response.text()
        cookie = response.headers["Set-Cookie"]
        assert TOKEN in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "connect-src 'self'" in response.headers["Content-Security-Policy"]
        # the cookie alone opens the rest
        assert (await client.get("/static/js/textual.js")).status == 200
        assert (await client.get("/")).status == 200
        assert (await client.get("/download/no-such-key")).status == 404

    in_process(check)


def test_a_websocket_without_the_token_is_refused():
    async def check(client: TestClient) -> None:
        for params in (None, {"token": "wrong-token-0123456789abcdef"}):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect("/ws", params=params)
            assert refused.value.status == 403

    in_process(check)


@pytest.mark.parametrize(("headers", "websocket"), [
    ({}, "ws://127.0.0.1:"),
    ({"X-Forwarded-Host": "box.tail7f3e2.ts.net", "X-Forwarded-Proto": "https"}, "wss://box.tail7f3e2.ts.net/ws"),
])
def test_the_page_points_its_websocket_where_the_browser_is(headers, websocket):
    """Behind `tailscale serve` (a proxy on this machine) the page's websocket goes to the
    proxy's HTTPS name, not to the loopback port the browser cannot reach."""

    async def check(client: TestClient) -> None:
        response = await client.get("/", params={"token": TOKEN}, headers=headers)
        assert f'data-session-websocket-url="{websocket}' in await response.text()
        bad = await client.get("/", params={"token": TOKEN}, headers={"X-Forwarded-Host": 'x"><script>'})
        assert bad.status == 400

    in_process(check)


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.1", True), ("::1", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("100.101.102.103", False),
    ("no-such-host.invalid", False),
])
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def test_the_app_command_is_an_argv_list_and_keeps_credentials_off_it():
    sources = ["/rec/with space", "/rec/it's \"quoted\"; rm -rf ~", "--theme=evil", "s3://bucket/prefix"]
    command = app_command(sources, {"theme": "castview-light", "speed": 2.0, "idle_limit": None,
                                    "endpoint_url": "http://127.0.0.1:9000", "region": None, "dst": None,
                                    "bucket": None, "access_key": "AKIDEXAMPLE", "secret_key": "s3cr3t"})
    argv = list(command.argv)
    assert argv[1:4] == ["-m", "castview", "open"]
    assert argv[argv.index("--") + 1:] == sources  # after `--`: never read as options
    assert argv[argv.index("--theme") + 1] == "castview-light" and argv[argv.index("--speed") + 1] == "2.0"
    assert argv[argv.index("--endpoint-url") + 1] == "http://127.0.0.1:9000"
    assert "s3cr3t" not in argv and "AKIDEXAMPLE" not in argv
    assert command.env == {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s3cr3t"}
    assert "CASTVIEW_SERVE_TOKEN" in command.unset


def test_a_weak_token_is_refused(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "castview", "serve", "--token", "short", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--token" in result.stderr


def test_a_missing_source_is_refused_before_serving(tmp_path):
    import subprocess
    import sys

    missing = tmp_path / "no such dir"
    result = subprocess.run([sys.executable, "-m", "castview", "serve", "--port", "0", str(missing)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == f"castview: {missing}: no such file or directory"
    assert not result.stdout


async def _open_session(server: ServeProcess, drawn: asyncio.Event) -> None:
    """A websocket like the browser page's (token -> cookie -> /ws): `drawn` is set once
    the app has drawn its first screen; returns when the server closes the websocket."""
    # unsafe: the cookie of a server named by an IP address
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.get(server.url) as page:
            assert page.status == 200
        websocket = await session.ws_connect(server.base + "/ws?width=80&height=24")
        received = 0
        async for message in websocket:
            if message.type == aiohttp.WSMsgType.BINARY:
                received += len(message.data)
                if received > 2000:
                    drawn.set()


def test_a_source_path_with_spaces_quotes_and_a_dash_reaches_the_app_as_written(tmp_path):
    import pyte

    folder = tmp_path / "-it's a \"dir\"; $(touch pwned)"
    shutil.copytree(SAMPLES / "nK8mXc7CNTRL", folder / "nK8mXc7CNTRL")
    server = ServeProcess.start(tmp_path, "--", str(folder))
    screen = pyte.Screen(120, 30)
    stream = pyte.ByteStream(screen)

    async def session() -> None:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            async with client.get(server.url) as page:
                assert page.status == 200
            async with client.ws_connect(server.base + "/ws?width=120&height=30") as websocket:
                async for message in websocket:
                    if message.type == aiohttp.WSMsgType.BINARY:
                        stream.feed(message.data)
                        if "1 recording" in "\n".join(screen.display):
                            break

    try:
        asyncio.run(asyncio.wait_for(session(), 60))
        code, _ = server.stop(signal.SIGTERM)
    finally:
        server.kill()
    assert code == 0
    assert "it's a" in "\n".join(screen.display)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_server_and_every_app(tmp_path, signum):
    recordings = tmp_path / "recordings"
    shutil.copytree(SAMPLES / "nK8mXc7CNTRL", recordings / "nK8mXc7CNTRL")
    server = ServeProcess.start(tmp_path, str(recordings))
    try:
        async def session_then_stop() -> list[int]:
            drawn = asyncio.Event()
            task = asyncio.create_task(_open_session(server, drawn))
            await asyncio.wait_for(drawn.wait(), 30)
            pids = server.app_pids()
            # a wrong token (the right one was in the session's query): neither may reach the log
            async with aiohttp.ClientSession() as other, \
                    other.get(server.base + "/?token=wrong-token-0123456789abcdef") as refused:
                assert refused.status == 403
            stopped = asyncio.to_thread(server.stop, signum)
            code, log = await stopped
            await asyncio.wait_for(task, 30)
            return [code, log, pids]

        code, log, pids = asyncio.run(session_then_stop())
    finally:
        server.kill()
    assert code == 0, log
    assert pids and not any(is_alive(pid) for pid in pids)
    assert server.token not in log and "wrong-token" not in log and "token=" not in log
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ castview serve: "
    assert re.search(stamp + r"session 1 connected from 127\.0\.0\.1:\d+", log), log
    assert re.search(stamp + r"session 1 disconnected from 127\.0\.0\.1:\d+", log), log
    assert re.search(stamp + r"refused GET / from 127\.0\.0\.1:\d+", log), log
    assert (tmp_path / "recordings").exists() and not list(tmp_path.glob("*.txt"))


def test_the_apps_end_even_when_the_server_is_killed(tmp_path):
    """SIGKILL gives the server no chance to stop its apps: they end by themselves."""
    server = ServeProcess.start(tmp_path, str(SAMPLES / "nK8mXc7CNTRL"))
    try:
        async def session_then_kill() -> list[int]:
            drawn = asyncio.Event()
            task = asyncio.create_task(_open_session(server, drawn))
            await asyncio.wait_for(drawn.wait(), 30)
            pids = server.app_pids()
            server.process.kill()
            await asyncio.wait_for(task, 30)
            return pids

        pids = asyncio.run(session_then_kill())
    finally:
        server.kill()
    assert pids
    wait_until(lambda: not any(is_alive(pid) for pid in pids), timeout=30, what="the orphaned app to end")


def test_a_non_loopback_address_is_served_only_with_a_warning(tmp_path):
    server = ServeProcess.start(tmp_path, "--host", "0.0.0.0", str(tmp_path))
    try:
        code, log = server.stop(signal.SIGTERM)
    finally:
        server.kill()
    assert code == 0
    assert "warning: listening on 0.0.0.0" in log


def test_an_app_that_ignores_quit_and_sigterm_is_killed(monkeypatch):
    import sys

    from textual_serve.download_manager import DownloadManager

    import castview.serve.server as server_module

    monkeypatch.setattr(server_module, "STOP_SECONDS", 0.5)
    stubborn = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                "print('__GANGLION__', flush=True); time.sleep(120)")

    async def noop(*args) -> None:
        pass

    async def run() -> tuple[int, int | None]:
        service = server_module.AppProcess(AppCommand((sys.executable, "-c", stubborn)), write_bytes=noop,
                                           write_str=noop, close=noop, download_manager=DownloadManager())
        await service.start(80, 24)
        process = service._process
        assert process is not None
        await service.stop()
        return process.pid, process.returncode

    pid, returncode = asyncio.run(run())
    assert returncode == -signal.SIGKILL
    assert not is_alive(pid)
