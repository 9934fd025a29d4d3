"""A v3 recording's listing scans its whole body (its times are intervals), so a damaged
line there is known at once: the browser shows `⚠ damaged` before the recording is
opened. A v2 listing reads only the header and the last line: its damage in the middle
shows once a full read (the player, info, index) has found it."""

from __future__ import annotations

import json
import os

import pytest

from castview.sources import catalog
from castview.sources.local import LocalSource
from test_ui_helpers import make_app, wait_for

pytestmark = pytest.mark.anyio

NAME = "2026-01-02T03:04:05Z.cast"


def write(folder, version: int) -> None:
    node = folder / "nDmgNodeCNTRL"
    node.mkdir(parents=True)
    header = {"version": 3, "term": {"cols": 80, "rows": 24}} if version == 3 else \
        {"version": 2, "width": 80, "height": 24}
    lines = [json.dumps({**header, "timestamp": 1767323045}), json.dumps([0.5, "o", "one\r\n"]),
             "this line is not JSON", json.dumps([0.5, "o", "two\r\n"])]
    (node / NAME).write_text("\n".join(lines) + "\n")
    os.utime(node / NAME, (1767323100, 1767323100))  # long finished: not live


@pytest.mark.parametrize(("version", "status"), [(3, catalog.DAMAGED), (2, catalog.OK)])
def test_what_the_listing_read_finds(tmp_path, version, status):
    write(tmp_path, version)
    source = LocalSource(tmp_path)
    (ref,) = source.refs()
    rec = catalog.summarize(source, ref, problems=lambda _ref: ())
    assert rec.status == status
    if status == catalog.DAMAGED:
        assert rec.error is not None and rec.error.startswith("line 3: ")


async def test_the_browser_marks_a_damaged_v3_recording_unopened(ui_env):
    from castview.ui.widgets.recording_tree import RecordingTree

    write(ui_env / "recs", 3)
    app = make_app(ui_env / "recs", tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(80, 24)) as pilot:
        def row() -> str:
            tree = app.screen.query_one(RecordingTree)
            return "\n".join(str(line.text) for line in tree.render_lines(tree.region.reset_offset))

        await wait_for(pilot, lambda: "⚠ damaged" in row(), what="the damaged mark")
