"""Which cells of a line changed, so that a widget repaints only those.

Textual writes a dirty region of a line from the start of the first segment that
overlaps it to the end of the last one: a refresh of one cell inside a long run of one
style re-sends the whole run. `changed_runs` finds the cells that differ between what
is on view and what replaces it, and `cut_at` splits the new line's segments at the
runs' ends, so that only the changed cells (plus a cursor move and their style) go to
the terminal. Over SSH this is the difference between a few bytes and a whole line per
frame. `rows_scrolled` finds output that scrolled, which the terminal can move itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

Cell = tuple[str, Style | None]


def cells(strip: Strip) -> list[Cell]:
    """One entry per cell; a wide character fills its second cell with ""."""
    out: list[Cell] = []
    for segment in strip:
        if segment.control:
            continue
        style = segment.style
        for char in segment.text:
            out.append((char, style))
            if cell_len(char) == 2:
                out.append(("", style))
    return out


RUN_GAP = 16
"""Changed runs closer than this many bytes of unchanged cells are sent as one (a cursor
move and a style cost about that much). Bytes, not cells: a box-drawing character (a
scrub bar's line) is three."""


def changed_runs(old: Strip | None, new: Strip) -> list[tuple[int, int]]:
    """The runs of cells [start, end) that differ between `old` and `new`, left to right
    (none: nothing changed; no `old`: all of `new`). A wide character is never cut."""
    after = cells(new)
    if old is None:
        return [(0, len(after))] if after else []
    before = cells(old)
    if before == after:
        return []
    length = max(len(before), len(after))
    runs: list[tuple[int, int]] = []
    x = 0
    while x < length:
        if x < len(before) and x < len(after) and before[x] == after[x]:
            x += 1
            continue
        start = x
        while x < length and not (x < len(before) and x < len(after) and before[x] == after[x]):
            x += 1
        if start > 0 and start < len(after) and after[start][0] == "":
            start -= 1  # the second half of a wide character: from its first
        end = x + 1 if x < len(after) and after[x][0] == "" else x
        if runs and sum(len(char.encode()) or 1 for char, _ in after[runs[-1][1]:start]) < RUN_GAP:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
        x = end
    if len(runs) > 1 and sum(e - s for s, e in runs) * 2 >= runs[-1][1] - runs[0][0]:
        runs = [(runs[0][0], runs[-1][1])]  # mostly changed: one run costs less than many
    return runs


def cut_at(strip: Strip, runs: list[tuple[int, int]]) -> Strip:
    """`strip` with its segments split at the ends of `runs` (drawn the same)."""
    length = strip.cell_length
    cuts = sorted({c for run in runs for c in run if 0 < c < length}) + [length]
    if len(cuts) == 1:
        return strip
    parts = strip.divide(cuts)
    return Strip([segment for part in parts for segment in part], length)


def rows_scrolled(before: Sequence[Strip | None], after: Sequence[Strip]) -> int:
    """How many rows the lines moved up from `before` to `after` (0: they did not): the
    shift of at most half the rows that leaves the most rows alike, if it leaves at least
    half of them alike and more than no shift does. `before` may lack rows (None)."""
    height = len(after)
    old = [None if strip is None else tuple(Segment.simplify(strip)) for strip in before]
    new = [tuple(Segment.simplify(strip)) for strip in after]

    def alike(k: int) -> int:
        return sum(new[y] == old[y + k] for y in range(height - k) if y + k < len(old))

    best, shift = alike(0), 0
    for k in range(1, height // 2 + 1):
        if (n := alike(k)) > best:
            best, shift = n, k
    return shift if shift and best * 2 >= height else 0
