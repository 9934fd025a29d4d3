"""The terminal size as a header declares it, in `castview info` and the metadata pane:
tsrecorder's 0x0 is a session without a PTY, a missing value is `?`, never `None`."""

from __future__ import annotations

import json

import pytest

from .conftest import event, lines

CASES = {
    "declared": ({"version": 2, "width": 120, "height": 40}, "120x40"),
    "no-pty": ({"version": 2, "width": 0, "height": 0}, "none (no PTY; replayed at 80x24)"),
    "missing": ({"version": 2}, "?x? (replayed at 80x24)"),
    "height-missing": ({"version": 2, "width": 100}, "100x? (replayed at 80x24)"),
    "not-numbers": ({"version": 2, "width": "wide", "height": None}, "?x? (replayed at 80x24)"),
    "too-wide": ({"version": 2, "width": 5000, "height": 10}, "5000x10 (replayed at 80x24)"),
    "v3": ({"version": 3, "term": {"cols": 100, "rows": 30}}, "100x30"),
    "v3-no-term": ({"version": 3}, "?x? (replayed at 80x24)"),
}


@pytest.mark.parametrize(("header", "shown"), CASES.values(), ids=list(CASES))
def test_the_size_reads_as_the_header_means_it(header, shown):
    from castview.cast.model import Header
    from castview.info import terminal_size
    from castview.ui.widgets.metadata_pane import header_rows

    h = Header(header, header["version"])
    assert terminal_size(h) == shown
    assert dict(header_rows(h))["terminal"] == shown  # the pane says it the same way


def test_info_shows_no_none(tmp_path, castview_cli):
    paths = []
    for name, (header, _) in CASES.items():
        paths.append(tmp_path / f"{name}.cast")
        paths[-1].write_bytes(lines(json.dumps(header), event(0.5, "o", "x\r\n")))
    runs = castview_cli.batch([("info", str(path)) for path in paths])
    for (_, shown), run in zip(CASES.values(), runs, strict=True):
        assert run.returncode == 0 and f"terminal  {shown}" in " ".join(run.stdout.split("\n")), run.stdout
        assert "None" not in run.stdout
