"""`castview serve` in a real browser: Debian's chromium, headless, driven by Playwright.

What the page's terminal shows is read from what the server sends it: every websocket
frame the browser receives is fed to a terminal emulator (pyte) of the size the page
asked for, exactly the bytes its xterm.js draws. A screenshot of the player is kept in
tests/artifacts/ for a person to look at.

Skipped, with the reason, only where chromium or Playwright is missing (.ci/run installs
both). Playwright never downloads a browser here: it runs the system's.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pyte
import pytest

from serve_helpers import ServeProcess, wait_until

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "castview" / "data" / "sample_casts"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# No GPU, no sandbox (root in CI), and no traffic of the browser's own.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RECORDING = "nHx4Tb1CNTRL/2026-11-20T10:02:45.1234Z.cast"
LAST_LINE = "all 3 tables migrated"  # on the recording's last frame

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
if not Path(CHROMIUM).is_file():
    pytest.skip("chromium is not installed (apt-get install chromium): the browser tests need it",
                allow_module_level=True)


class PageTerminal:
    """The screen of a page's terminal, rebuilt from the websocket frames it receives."""

    def __init__(self, page) -> None:
        self.page = page
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        page.on("websocket", self._watch)

    def _watch(self, websocket) -> None:
        websocket.on("framereceived", self._received)
        websocket.on("framesent", self._sent)

    def _received(self, payload) -> None:
        if isinstance(payload, bytes):
            self.stream.feed(payload)

    def _sent(self, payload) -> None:
        message = json.loads(payload) if isinstance(payload, str) else None
        if message and message[0] == "resize":
            self.screen.resize(message[1]["height"], message[1]["width"])

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, needle: str, timeout: float = 30.0) -> str:
        poll(self.page, lambda: needle in self.text(), timeout,
             lambda: f"{needle!r} on the page's terminal:\n{self.text()}")
        return self.text()

    def keys(self, text: str) -> None:
        self.page.keyboard.type(text)


def poll(page, predicate, timeout: float, what) -> None:
    """Wait for `predicate` while Playwright delivers events (frames, downloads): a plain
    sleep would hold them back."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")
        page.wait_for_timeout(50)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The sample recordings (a copy, to check that nothing writes to them), served."""
    tmp = tmp_path_factory.mktemp("serve")
    shutil.copytree(SAMPLES, tmp / "recordings")
    before = _snapshot(tmp / "recordings")
    server = ServeProcess.start(tmp, str(tmp / "recordings"))
    yield server, tmp
    server.kill()
    assert _snapshot(tmp / "recordings") == before, "serve mode wrote to its sources"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in sorted(folder.rglob("*"))}


def open_tree(browser, url: str):
    context = browser.new_context(viewport={"width": 1000, "height": 600}, accept_downloads=True)
    page = context.new_page()
    terminal = PageTerminal(page)
    response = page.goto(url)
    assert response is not None and response.status == 200
    terminal.wait_for("14 recordings")
    poll(page, lambda: "reading headers" not in terminal.text(), 30, "every header to be read")
    page.locator(".xterm-helper-textarea").focus()
    return context, page, terminal


def open_recording(terminal: PageTerminal) -> None:
    """With the keyboard: down the tree to the recording (the pane below the tree names
    the highlighted one), open it, go to its end."""
    for _ in range(30):
        if RECORDING in terminal.text():
            break
        before = terminal.text()
        terminal.page.keyboard.press("ArrowDown")
        poll(terminal.page, lambda: terminal.text() != before, 10, "the cursor to move")
    terminal.wait_for(RECORDING)
    terminal.page.keyboard.press("Enter")
    terminal.wait_for("ev ")  # the player's status line
    terminal.page.keyboard.press("End")
    terminal.wait_for(LAST_LINE)


def last_frame_text() -> str:
    from castview.term.keyframes import Replay
    from castview.term.render import to_text

    recording = SAMPLES / RECORDING
    replay = Replay(lambda: open(recording, "rb"), str(recording))
    replay.build()
    return to_text(replay.seek_event(replay.event_count).term)


def test_the_player_shows_the_recordings_frame_in_the_browser(served, browser):
    server, _ = served
    context, page, terminal = open_tree(browser, server.url)
    try:
        open_recording(terminal)
        shown = terminal.text()
        expected = [line.strip() for line in last_frame_text().split("\n") if line.strip()]
        assert all(line in shown for line in expected), shown
        assert "201/201" in shown  # every event of the recording played
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "serve-player.png"))
    finally:
        context.close()


def test_two_browsers_each_get_their_own_app(served, browser):
    server, _ = served
    first, _, first_terminal = open_tree(browser, server.url)
    second, _, second_terminal = open_tree(browser, server.url)
    try:
        assert len(server.app_pids()) >= 2
        open_recording(first_terminal)
        assert LAST_LINE not in second_terminal.text() and "14 recordings" in second_terminal.text()
        second_terminal.keys("?")
        second_terminal.wait_for("Help")
        assert LAST_LINE in first_terminal.text()
    finally:
        first.close()
        second.close()
    wait_until(lambda: not server.app_pids(), what="the apps of closed pages to end")


def test_export_is_a_browser_download_and_copy_uses_the_browser_clipboard(served, browser):
    server, tmp = served
    context, page, terminal = open_tree(browser, server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    downloads = []
    # textual-serve opens the download in a new tab; Playwright reports it on the opener
    page.on("download", lambda download: downloads.append(download))
    try:
        open_recording(terminal)
        terminal.keys("e")
        terminal.wait_for("Export the frame on view as")
        terminal.keys("t")
        terminal.wait_for("as a download")
        poll(page, lambda: downloads, 20, "the download")
        download = downloads[0]
        assert download.suggested_filename.startswith("2026-11-20T10") and download.suggested_filename.endswith(".txt")
        assert Path(download.path()).read_text(encoding="utf-8") == last_frame_text()
        assert not [path for path in tmp.rglob("*.txt")], "the export was written on the server"

        terminal.keys("c")
        terminal.wait_for("Copied the screen text")
        assert page.evaluate("navigator.clipboard.readText()") == last_frame_text()
    finally:
        context.close()


def test_the_browser_gets_403_without_the_token(served, browser):
    server, _ = served
    context = browser.new_context()
    page = context.new_page()
    try:
        sockets = []
        page.on("websocket", lambda websocket: sockets.append(websocket))
        for url in (server.base + "/", server.base + "/?token=wrong-token-0123456789abcdef",
                    server.base + "/static/js/textual.js"):
            response = page.goto(url)
            assert response is not None and response.status == 403, url
            assert "castview serve printed" in page.content()
        assert not sockets
    finally:
        context.close()
