"""The text tracker's and packer's fast paths give what the general code gives."""

from __future__ import annotations

import pytest

from castview.term.cells import data_of
from castview.term.screen import Terminal
from castview.transcript import _cells, _end, _row_text, _runs


@pytest.mark.parametrize("output", [
    "plain ascii text   ",
    "日本語 wide",
    "e\u0301 combining, and a wide 日 to balance the count",
    "\x1b(0lqqk\x1b(B box",
    "",
    "tab\there",
])
def test_rows_as_strings_read_as_lists_do(output: str) -> None:
    term = Terminal(40, 2)
    term.feed(output)
    row = term.screen.buffer[0]
    as_list = list(map(data_of, row))
    cells = _cells(row)
    assert _end(cells) == _end(as_list)
    end = _end(as_list)
    assert _row_text(cells, end) == _row_text(as_list, end)
    assert _row_text(cells, end, full=True) == _row_text(as_list, end, full=True)
    if not output.isascii():
        assert isinstance(cells, list)  # a string only when every cell is one ASCII character


@pytest.mark.parametrize("times, expected", [
    ([], (0.0, None)),
    ([1.0, 1.0, 1.0], (1.0, None)),
    ([1.0, 2.0, 2.0, 1.0], (2.0, ((0, 1.0), (1, 2.0), (3, 1.0)))),
    ([3.0], (3.0, None)),
    ([0.5, 0.25], (0.5, ((0, 0.5), (1, 0.25)))),
])
def test_runs(times: list[float], expected: tuple) -> None:
    assert _runs(times) == expected
