"""The lines under the browser's tree for a recording that cannot be read: the first names
the file, the second says why, without the path again (at 80 columns it pushed the
reason off the line: `/tmp/…/2026-01-01T00:00:00Z.cast: empty file, not a`)."""

from __future__ import annotations

import os

import pytest

from test_ui_helpers import make_app, wait_for
from test_ui_review_filter import detail_text

pytestmark = pytest.mark.anyio


async def test_the_reason_follows_the_file_name(ui_env):
    empty = ui_env / "recordings-of-the-fleet" / "nEmptyNodeCNTRL" / "2026-01-01T00:00:00Z.cast"
    empty.parent.mkdir(parents=True)
    empty.write_bytes(b"")
    os.utime(empty, (1767225600, 1767225600))  # long ago: not a recording being started
    app = make_app(empty.parent.parent, tmp_path=ui_env, open_single=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "empty file" in detail_text(app), what="the reason")
        first, second = detail_text(app).splitlines()
        assert first.rstrip().endswith(empty.name)
        assert second.startswith("empty file, not a recording"), second
