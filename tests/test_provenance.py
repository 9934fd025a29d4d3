"""Provenance of exports (SVG/HTML metadata and caption, the text header block), -o's
extension choosing the format, hostile header values; and the exact start (name vs header,
nanoseconds in listings and in --since/--until)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from castview.filters import RecordingFilter
from castview.sources.catalog import RecordingSummary
from castview.sources.layout import parse_rfc3339nano
from test_ui_helpers import SAMPLES, make_app, open_player, wait_for

REC = SAMPLES / "nK8mXc7CNTRL" / "2026-11-24T07:12:33.31415Z.cast"
SHA = hashlib.sha256(REC.read_bytes()).hexdigest()
SVG_NS = "{http://www.w3.org/2000/svg}"
HOSTILE = {"srcNodeUser": "</title><script>alert(1)</script>\x1b]52;c;aGk=\x07\ufffe",
           "sshUser": 'a"b\' onload="x', "connectionID": "c\x00d]]><!--", "srcNodeTags": ["tag:x&y"]}


def run(*args: str, tmp_path, cwd=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TSRECORDER_DST"}
    env.update({"CASTVIEW_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "300", "TZ": "UTC"})
    return subprocess.run([sys.executable, "-m", "castview", *args], capture_output=True, text=True, env=env,
                          timeout=120, cwd=cwd)


def hostile_copy(tmp_path):
    lines = REC.read_text().splitlines(keepends=True)
    header = json.loads(lines[0])
    header.update(HOSTILE)
    path = tmp_path / "nEvilNodeCNTRL" / REC.name
    path.parent.mkdir()
    path.write_text(json.dumps(header) + "\n" + "".join(lines[1:]))
    return path


def svg_provenance(text: str) -> dict[str, str]:
    root = ET.fromstring(text.encode())  # well-formed XML, whatever the header held
    element = root.find(f"{SVG_NS}metadata/{{urn:castview:provenance}}provenance")
    assert element is not None
    return {**element.attrib, "title": root.find(f"{SVG_NS}title").text, "desc": root.find(f"{SVG_NS}desc").text}


def test_svg_carries_the_provenance(tmp_path):
    out = tmp_path / "frame.svg"
    result = run("export", str(REC), "--at", "0:03.7", "-o", str(out), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    meta = svg_provenance(out.read_text())
    assert meta["recording"] == str(REC)
    assert meta["node"] == "nK8mXc7CNTRL"
    assert meta["user"] == "alice@example.com"
    assert meta["sha256"] == SHA
    assert meta["position"] == "0:03.7"
    assert meta["time"].startswith("2026-11-24T07:12:3") and meta["time"].endswith("Z")
    assert meta["link"] == f"{REC}@{meta['time']}"
    assert meta["castview"]
    assert "nK8mXc7CNTRL" in meta["title"] and SHA in meta["desc"]
    # The time and the link give back the frame exported.
    again = run("export", str(REC), "--at", meta["time"], "-f", "text", tmp_path=tmp_path)
    same = run("export", str(REC), "--at", "0:03.7", "-f", "text", tmp_path=tmp_path)
    assert again.stdout == same.stdout


class _Metas(HTMLParser):
    def __init__(self):
        super().__init__()
        self.metas: dict[str, str] = {}
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "meta" and (a.get("name") or "").startswith("castview:"):
            self.metas[a["name"].removeprefix("castview:")] = a["content"]


def test_html_carries_the_provenance_and_a_caption_on_request(tmp_path):
    plain = run("export", str(REC), "--at", "3", "-f", "html", tmp_path=tmp_path)
    captioned = run("export", str(REC), "--at", "3", "-f", "html", "--caption", tmp_path=tmp_path)
    parser = _Metas()
    parser.feed(plain.stdout)
    assert parser.metas["sha256"] == SHA and parser.metas["node"] == "nK8mXc7CNTRL"
    assert "castview-caption" not in plain.stdout and "castview-caption" in captioned.stdout
    svg = run("export", str(REC), "--at", "3", "-f", "svg", "--caption", tmp_path=tmp_path).stdout
    assert f"sha256: {SHA}" in svg.split("</desc>", 1)[1]  # shown under the screen too


def test_hostile_header_values_cannot_break_svg_or_html(tmp_path):
    path = hostile_copy(tmp_path)
    svg = run("export", str(path), "--at", "3", "-f", "svg", "--caption", tmp_path=tmp_path)
    assert svg.returncode == 0, svg.stderr
    meta = svg_provenance(svg.stdout)
    assert meta["user"] == "</title><script>alert(1)</script>\\x1b]52;c;aGk=\\x07\\ufffe"
    assert meta["ssh_user"] == 'a"b\' onload="x' and meta["connection_id"] == "c\\x00d]]><!--"
    html = run("export", str(path), "--at", "3", "-f", "html", "--caption", tmp_path=tmp_path).stdout
    parser = _Metas()
    parser.feed(html)
    assert "script" not in parser.tags
    assert parser.metas["ssh_user"] == 'a"b\' onload="x'
    for text in (svg.stdout, html):
        assert "\x1b" not in text and "\x00" not in text and "\ufffe" not in text


def test_text_to_stdout_stays_the_screen_and_provenance_adds_a_header(tmp_path):
    plain = run("export", str(REC), "--at", "3", tmp_path=tmp_path)
    block = run("export", str(REC), "--at", "3", "--provenance", tmp_path=tmp_path)
    ansi = run("export", str(REC), "--at", "3", "-f", "ansi", "--provenance", tmp_path=tmp_path)
    assert "castview" not in plain.stdout.splitlines()[0]
    header, _, screen = block.stdout.partition("\n\n")
    assert screen == plain.stdout
    assert header.startswith("# castview export") and f"# sha256         {SHA}" in header
    assert ansi.stdout.startswith(header)


@pytest.mark.parametrize(("name", "fmt", "needle"), [
    ("f.txt", "text", "root@api"), ("f.ans", "ansi", "\x1b["), ("f.svg", "svg", "<svg"), ("f.html", "html", "<html"),
])
def test_the_output_extension_chooses_the_format(tmp_path, name, fmt, needle):
    out = tmp_path / name
    result = run("export", str(REC), "--at", "3", "-o", str(out), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert needle in out.read_text() and f"({fmt}," in result.stderr
    agree = run("export", str(REC), "--at", "3", "-o", str(out), "-f", fmt, tmp_path=tmp_path)
    assert agree.returncode == 0


def test_a_format_contradicting_the_extension_is_an_error(tmp_path):
    out = tmp_path / "f.svg"
    result = run("export", str(REC), "--at", "3", "-o", str(out), "-f", "html", tmp_path=tmp_path)
    assert result.returncode == 2 and "does not match the extension" in result.stderr
    assert not out.exists()


@pytest.mark.anyio
async def test_the_app_exports_svg_with_provenance(ui_env):
    async with make_app(REC, tmp_path=ui_env).run_test(size=(120, 30)) as pilot:
        player = await open_player(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("s")
        await wait_for(pilot, lambda: player.last_export is not None, what="the export")
        meta = svg_provenance(open(player.last_export).read())
        assert meta["sha256"] == SHA and meta["position"] == "0:00.0"
        assert os.path.basename(player.last_export) == f"{REC.stem.replace(':', '-')}-0m00.0s.svg"


# -- the exact start --------------------------------------------------------------------------------
def _summary(name: str, timestamp: int | None) -> RecordingSummary:
    from castview.cast.model import Header
    from castview.sources.base import RecordingRef
    from castview.sources.layout import name_time_ns

    raw = {"version": 2, "width": 80, "height": 24}
    if timestamp is not None:
        raw["timestamp"] = timestamp
    header = Header(raw, json.dumps(raw))
    ref = RecordingRef("s", f"/x/{name}", name, None, name_time_ns(name), 1, 1_000.0)
    return RecordingSummary(ref, header, None, 0.0, "ok")


def test_the_start_is_the_name_when_it_agrees_with_the_header():
    last_ns = parse_rfc3339nano("2025-03-02T23:59:59.999999999Z")
    agrees = _summary("2025-03-02T23:59:59.999999999Z.cast", last_ns // 10**9)
    assert agrees.start_ns == last_ns
    disagrees = _summary("2025-03-02T23:59:59.999999999Z.cast", last_ns // 10**9 - 3600)
    assert disagrees.start_ns == (last_ns // 10**9 - 3600) * 10**9
    assert _summary("2025-03-02T23:59:59.5Z.cast", None).start_ns == parse_rfc3339nano("2025-03-02T23:59:59.5Z")


def test_until_midnight_finds_a_session_started_a_nanosecond_before():
    rec = _summary("2025-03-02T23:59:59.999999999Z.cast", 1740959999)
    assert RecordingFilter.from_options(until="2025-03-03T00:00:00Z").matches(rec)
    assert not RecordingFilter.from_options(until="2025-03-02T23:59:59.999999Z").matches(rec)
    assert RecordingFilter.from_options(since="2025-03-02T23:59:59.999999Z").matches(rec)


def test_ls_shows_the_start_cut_not_rounded(tmp_path):
    copy = tmp_path / "nLateNodeCNTRL" / "2025-03-02T23:59:59.999999999Z.cast"
    copy.parent.mkdir()
    lines = REC.read_text().splitlines(keepends=True)
    header = json.loads(lines[0])
    header["timestamp"] = 1740959999
    copy.write_text(json.dumps(header) + "\n" + "".join(lines[1:]))
    listed = run("ls", str(tmp_path), "--until", "2025-03-03T00:00:00Z", tmp_path=tmp_path)
    assert "2025-03-02 23:59:59" in listed.stdout and "2025-03-03" not in listed.stdout
    record = json.loads(run("ls", str(tmp_path), "--json", tmp_path=tmp_path).stdout)
    assert record["start"] == "2025-03-02T23:59:59.999999999Z"
    assert record["start_ns"] == 1740959999999999999
