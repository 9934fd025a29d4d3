"""Which cells of a line changed, so that a widget repaints only those.

Textual writes a dirty region of a line from the start of the first segment that
overlaps it to the end of the last one: a refresh of one cell inside a long run of one
style re-sends the whole run. `changed_span` finds the cells that differ between what
is on view and what replaces it, and `cut_at` splits the new line's segments at the
span's ends, so that only the changed cells (plus a cursor move and their style) go to
the terminal. Over SSH this is the difference between a few bytes and a whole line per
frame.
"""

from __future__ import annotations

from rich.cells import cell_len
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


def changed_span(old: Strip | None, new: Strip) -> tuple[int, int] | None:
    """The cells [start, end) that differ between `old` and `new` (None: none do; no
    `old`: all of `new`)."""
    after = cells(new)
    if old is None:
        return (0, len(after)) if after else None
    before = cells(old)
    if before == after:
        return None
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end_old, end_new = len(before), len(after)
    while end_old > start and end_new > start and before[end_old - 1] == after[end_new - 1]:
        end_old -= 1
        end_new -= 1
    end = max(end_old, end_new)
    # A wide character half inside the span is repainted whole.
    if start > 0 and start < len(after) and after[start][0] == "":
        start -= 1
    if end < len(after) and after[end][0] == "":
        end += 1
    return start, end


def cut_at(strip: Strip, start: int, end: int) -> Strip:
    """`strip` with its segments split at cells `start` and `end` (drawn the same)."""
    length = strip.cell_length
    cuts = [c for c in (start, end) if 0 < c < length] + [length]
    if len(cuts) == 1:
        return strip
    parts = strip.divide(cuts)
    return Strip([segment for part in parts for segment in part], length)
