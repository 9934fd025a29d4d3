"""The `m` pane at 80x24 (33 cells for the text): values wrap between words, a word too
long for its line breaks after its punctuation, a value that fits no column gets lines of
its own under its label. Was: `alice-mbp.tail7f3` / `e2.ts.net`, `(ID` / `…899` / `)`."""

from __future__ import annotations

import pytest
from rich.console import Console

from castview.cast.reader import read_head
from castview.ui.widgets.metadata_pane import Facts, describe, value_lines
from test_ui_helpers import SAMPLES, make_app, open_player

pytestmark = pytest.mark.anyio

K8S = SAMPLES / "nK8mXc7CNTRL" / "2026-11-24T07:12:33.31415Z.cast"
WORDS = ["alice-mbp.tail7f3e2.ts.net", "alice@example.com", "30585448562688899)", "api-7d9f8c6b5-x2x4q"]


@pytest.mark.parametrize(("value", "width", "lines"), [
    ("alice@example.com (ID 30585448562688899)", 31, ["alice@example.com (ID", "30585448562688899)"]),
    ("alice-mbp.tail7f3e2.ts.net", 16, ["alice-mbp.", "tail7f3e2.ts.net"]),
    ("2026-11-24 07:12:33.31415 UTC", 16, ["2026-11-24", "07:12:33.31415", "UTC"]),
    ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
    ("short", 40, ["short"]),
])
def test_values_break_between_words_then_after_punctuation(value, width, lines):
    assert value_lines(value, width) == lines


def pane_lines(width: int) -> list[str]:
    with open(K8S, "rb") as f:
        header = read_head(f, str(K8S)).header
    console = Console(width=width, record=True, color_system=None)
    console.print(describe(header, Facts(path=str(K8S), start_ns=header.timestamp * 10**9)))
    return console.export_text().splitlines()


@pytest.mark.parametrize("width", [30, 33, 50, 90])
def test_no_value_is_cut_inside_a_word(width):
    shown = pane_lines(width)
    assert all(len(line.rstrip()) <= width for line in shown)
    for word in WORDS:
        assert any(word in line for line in shown), (word, shown)


async def test_the_pane_in_the_player_at_80x24(ui_env):
    async with make_app(K8S, tmp_path=ui_env).run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        await pilot.press("m")
        await pilot.pause()
        body = player.query_one("#metadata-body")
        width = body.content_size.width
        assert width < 40  # the narrow pane this is about
        text = "\n".join(line.text for line in body.render_lines(body.region.reset_offset))
        for word in WORDS:
            assert word in text, (word, text)
