"""How searches are typed and their matches shown, for the player's `/` and the fleet search.

Rich text only (no Textual). What the user types becomes a `Query`: plain text, case
ignored, or a Python regular expression after a ``re:`` prefix. Every string from a
recording goes through `printable` into `Text` objects, never markup.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence

from rich.text import Text

from .. import formatting as fmt, search
from ..nodes.model import NodeNames, display_name
from ..records import who
from ..sanitize import printable
from ..search import COMMAND, REGEX_PREFIX, Match, Query
from ..sources.catalog import RecordingSummary

CONTEXT = 40
"""Characters of the line kept before a match that starts further in (the rest is `…`)."""
MATCH_STYLE = "bold reverse"
_BLANKS = re.compile(r"\s{3,}")


def parse_query(text: str, commands: bool = False) -> Query:
    """The query typed in a search box (search.parse_query: ``re:PATTERN`` is a regular
    expression, smart case), leaving out matches never on screen; *commands*: only in
    commands typed at prompts. Raises ValueError (empty, or a bad expression) with a
    message to show."""
    if not text.removeprefix(REGEX_PREFIX).strip():
        raise ValueError("type the text to find (or re: and a regular expression)")
    return search.parse_query(text, only_shown=True, commands=commands)


def query_text(query: Query) -> str:
    """A query as it would be typed back into the box."""
    return (REGEX_PREFIX if query.regex else "") + query.pattern


def describe(query: Query) -> Text:
    """`"text"` or `/regex/`, safe to show."""
    quote = "/" if query.regex else '"'
    return Text(quote + printable(query.pattern) + quote, style="italic")


def match_line(m: Match, context: int = CONTEXT) -> Text:
    """The line a match was on, the match highlighted. For a short row: leading blanks
    dropped, runs of blanks (a full-screen app's layout) shortened to two, and a line
    whose match starts far in cut to `…` and the `context` characters before it."""
    line = m.line_text
    before = _squeeze(line[:m.start].lstrip())
    prefix = ""
    if len(before) > context:
        before = before[-context:].lstrip()
        prefix = "…"
    text = Text(no_wrap=True, overflow="ellipsis")
    if prefix:
        text.append(prefix, style="dim")
    text.append(printable(before))
    text.append(printable(line[m.start:m.end]), style=MATCH_STYLE)
    text.append(printable(_squeeze(line[m.end:].rstrip())))
    return text


def _squeeze(text: str) -> str:
    return _BLANKS.sub("  ", text)


def match_row(m: Match, indent: int = 0, before: Callable[[float], float | None] | None = None) -> Text:
    """`  m:ss.t  ▣ line`: the time, a mark for a full-screen app's screen, the line. The
    time names the match's frame (formatting.py): shown exactly, or as short as the next
    event's time allows when `before` gives it."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(" " * indent)
    shown = fmt.clock(m.time, before(m.time)) if before is not None else fmt.exact_clock(m.time, digits=1)
    text.append(f"{shown:>7}", style="bold")
    text.append("  ")
    if m.screen == COMMAND:
        text.append("$ ", style="dim")
    elif m.screen != "main":
        text.append("▣ ", style="dim")
    text.append_text(match_line(m))
    return text


def step(matches: Sequence[Match], current: int | None, position: float, direction: int) -> tuple[int, bool]:
    """The match `n` (direction 1) or `N` (-1) goes to, and whether it wrapped around.

    From the match on view (`current`, while the position is still its time) the next
    one in the list, else the first after (or last before) the position."""
    count = len(matches)
    if current is not None and 0 <= current < count and matches[current].time == position:
        target = current + direction
    else:
        times = [m.time for m in matches]
        target = bisect_right(times, position) if direction > 0 else bisect_left(times, position) - 1
    wrapped = not 0 <= target < count
    return target % count, wrapped


def nearest(matches: Sequence[Match], position: float) -> int:
    """The first match at or after `position`, else the last one."""
    times = [m.time for m in matches]
    return min(bisect_left(times, position), len(matches) - 1)


def recording_heading(rec: RecordingSummary, count: int | None = None, names: NodeNames | None = None) -> Text:
    """`name  nodeID  start  who  (N matches)`: a recording in the fleet search's list (the
    node's name when one is known, its ID dimmed after it)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    name = display_name(names, rec.node_id)
    if name:
        text.append(printable(name), style="bold")
        text.append(f"  {printable(rec.node_id)}", style="dim")
    else:
        text.append(printable(rec.node_id), style="bold")
    text.append("  ")
    text.append(fmt.local_time(rec.start_ns))
    person = who(rec.header)
    if person:
        text.append("  ")
        text.append(printable(person))
    if count is not None:
        text.append(f"  ({count} match{'es' if count != 1 else ''})", style="dim")
    return text
