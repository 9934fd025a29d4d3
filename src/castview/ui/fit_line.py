"""A one-line summary made to fit its width by saying less, not by being cut.

The browser's status line says several things (the title, counts, the filter, the
review filter, the view and order, progress, errors), the player's too (speed, idle cap,
clock, search, events, panning). At 80 columns they no longer all fit; cutting the line
at the right loses whatever came last, often the filter the user just set. Each part
instead offers shorter forms, tried from the least important part up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text

WIDE_GAP, NARROW_GAP = "  ·  ", " · "


@dataclass(frozen=True)
class Part:
    """One thing the line says, in forms from the longest to the shortest; an empty
    last form lets the part be left out. `rank`: parts of a higher rank are shortened
    last (the line's order is unchanged)."""

    forms: tuple[Text, ...]
    rank: int = 0
    joined: bool = False
    """Follows the previous part after two spaces, not after a separator."""


def fit_line(parts: Sequence[Part], width: int, gaps: tuple[str, str] = (WIDE_GAP, NARROW_GAP)) -> Text:
    """The parts in one line of at most `width` cells where shorter forms allow it (else
    the shortest, cut with `…`): first the separators are narrowed (`gaps`: the wide one,
    the narrow one), then each part, from the lowest rank up, takes its next shorter form
    until the line fits."""
    chosen = [0] * len(parts)
    gap = gaps[0]
    line = _join(parts, chosen, gap)
    if cell_len(line.plain) <= width:
        return line
    gap = gaps[1]
    order = sorted(range(len(parts)), key=lambda i: parts[i].rank)
    for i in order:
        while (line := _join(parts, chosen, gap)).cell_len > width and chosen[i] + 1 < len(parts[i].forms):
            chosen[i] += 1
        if line.cell_len <= width:
            return line
    return line


def _join(parts: Sequence[Part], chosen: list[int], gap: str) -> Text:
    line = Text(no_wrap=True, overflow="ellipsis")
    for part, form_index in zip(parts, chosen, strict=True):
        form = part.forms[form_index]
        if not form.plain:
            continue
        if line.plain:  # the separator in the part's style (dim before a dim part), in one span with it
            lead = "  " if part.joined else gap
            form = Text(lead + form.plain, style=form.style, spans=[span.move(len(lead)) for span in form.spans])
        line.append_text(form)
    return line
