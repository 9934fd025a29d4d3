"""The metadata pane's path: wrapped after a `/`, never inside a name that fits (one that
does not is broken after its punctuation)."""

from __future__ import annotations

import pytest
from rich.console import Console

from castview.ui.widgets.metadata_pane import Facts, describe, path_lines

LONG = "/tmp/a-very-long-directory-name-for-castview-tests/recordings/termtosvg-htop.cast"


@pytest.mark.parametrize(("path", "width", "lines"), [
    ("/srv/rec/n1/a.cast", 40, ["/srv/rec/n1/a.cast"]),
    (LONG, 40, ["/tmp/a-very-long-directory-name-for-", "castview-tests/recordings/", "termtosvg-htop.cast"]),
    (LONG, 60, ["/tmp/a-very-long-directory-name-for-castview-tests/", "recordings/termtosvg-htop.cast"]),
    ("s3://bucket/nBq9Zs5CNTRL/2026-11-21T02:00:00.48Z.cast", 30,
     ["s3://bucket/nBq9Zs5CNTRL/", "2026-11-21T02:00:00.48Z.cast"]),
    ("/a/日本語のディレクトリ/x.cast", 12, ["/a/", "日本語のディ", "レクトリ/", "x.cast"]),
    ("relative.cast", 5, ["relat", "ive.", "cast"]),
    # A name wider than the line breaks after its punctuation (was `…001Z.c` / `ast`).
    ("/s/2026-11-21T16:45:59.000000001Z.cast", 32, ["/s/2026-11-21T16:45:59.", "000000001Z.cast"]),
])
def test_path_lines_break_after_a_slash(path, width, lines):
    assert path_lines(path, width) == lines


@pytest.mark.parametrize("width", range(30, 91))
def test_the_pane_keeps_the_file_name_whole(width):
    console = Console(width=width, record=True, color_system=None)
    console.print(describe(None, Facts(path=LONG, also_at=(LONG,))))
    shown = console.export_text().splitlines()
    assert sum("termtosvg-htop.cast" in line for line in shown) == 2  # the path, and "also at"
    assert all(len(line.rstrip()) <= width for line in shown)
