"""The text of a row of cells as the command inference reads it (its fast path for ASCII)."""

from __future__ import annotations

import pytest

from castview.commands.infer import _text
from castview.term.cells import Char
from castview.term.render import clean_cell


@pytest.mark.parametrize("datas", [
    [], list("alice@web:~$ ls -la"), [" "] * 80,
    list("wide ") + ["日", ""] + list(" end"),  # a wide character and the cell after it
    ["a", "\x07", "b"], ["a", "\x7f"], ["\x1b", "[", "3", "1", "m"],  # controls never pass as they are
    ["e\u0301", "x"], ["ab", ""], ["", "ab"],  # a cell of more than one character
    ["\u202e", "x"], list("caf") + ["é"],
])
def test_row_text_is_each_cell_cleaned(datas):
    cells = [Char(d) for d in datas]
    assert _text(cells) == "".join(clean_cell(d) if d else "" for d in datas)
