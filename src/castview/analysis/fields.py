"""The fields of a block's line versions (all but their texts), as an entry keeps them.

Most of a small recording's entry was these fields, and most of them its times: each
written out with all its digits, once per run of characters that appeared together. Here
a block's fields are ASCII lines of small numbers (zstd compresses decimal text of small
numbers better than varints: bench/RESULTS.md, fleet entries, session 5)::

    0  the block's times, ascending, each in nanoseconds from the one before ("," between)
    1  "i:k" for each time that is k units in the last place off its nanoseconds (",")
    2  line numbers less the version's place in the block  } one entry per version, each
    3  screen code (SCREENS), plus 3 if shown               } right-aligned to the width
    4  rows                                                 } of the column's longest (so
    5  times, as indexes into the block's times             } the i-th is read without
    6  until times, as indexes (blank for None)             } reading the others)
    7… one line per version: "runs;cols;rows" (";"s at the end dropped, "" for None):
       runs  "d:i" per run (d: its first character from the last run's, i: its time)
       cols  columns, each from the one before
       rows  "i:r" per move (i: its time, r: the row)

A block's table of times is read when a search first finds something in it, then only
the fields of the versions found. Reading checks every number as it is used: a damaged
or forged part raises ValueError or IndexError; nothing read is a count, so what it costs
is in proportion to the part's bytes.
"""

from __future__ import annotations

import math
import struct
from array import array
from collections.abc import Iterator, Sequence
from itertools import accumulate
from operator import sub

from ..transcript import ALTERNATE, HIDDEN, MAIN, LineVersion

SCREENS = (MAIN, ALTERNATE, HIDDEN)
SCREEN_CODES = {screen: code for code, screen in enumerate(SCREENS)}
COLUMNS = 7  # lines before the versions' own
_NEGATIVE_ZERO = -(1 << 63)  # -0.0's bits as a signed integer
_BITS = struct.Struct("<q")
_FLOAT = struct.Struct("<d")


def _bits(times: Sequence[float]) -> array[int]:
    return array("q", array("d", times).tobytes())


def encode(versions: Sequence[LineVersion]) -> bytes:
    """The fields of `versions` (LineVersions, or tuples of their fields in that order)."""
    times: list[float] = []
    for _, _, _, time, until, _, _, runs, _, rows in versions:
        times.append(time)
        if until is not None:
            times.append(until)
        if runs:
            times.extend([t for _, t in runs])
        if rows:
            times.extend([t for t, _ in rows])
    order = sorted(set(times))
    number = {t: str(i) for i, t in enumerate(order)}
    index = number.__getitem__
    if 0.0 in number and _NEGATIVE_ZERO in _bits(times):
        # -0.0 == 0.0 as a key: give it a place of its own, first (its bits sort first)
        zero = order.index(0.0)
        order[zero:zero + 1] = [-0.0, 0.0]
        number = {t: str(i) for i, t in enumerate(order)}
        negative = str(zero)

        def index(t: float) -> str:
            return negative if t == 0.0 and _FLOAT.pack(t)[-1] & 0x80 else number[t]

    ns = [round(t * 1e9) for t in order]
    off = [f"{i}:{k}" for i, k in enumerate(map(sub, _bits(order), _bits([n / 1e9 for n in ns]))) if k]
    out = [",".join(map(str, map(sub, ns, [0, *ns[:-1]]))), ",".join(off),
           _column([str(v[0] - i) for i, v in enumerate(versions)]),
           "".join([str(SCREEN_CODES[v[1]] + 3 * bool(v[5])) for v in versions]),
           _column([str(v[2]) for v in versions]),
           _column([index(v[3]) for v in versions]),
           _column(["" if v[4] is None else index(v[4]) for v in versions])]
    for v in versions:
        runs, cols, rows = v[7], v[8], v[9]
        extra = ""
        if runs:
            last = 0
            pairs = []
            for at, t in runs:
                pairs.append(f"{at - last}:{index(t)}")
                last = at
            extra = " ".join(pairs)
        if cols:
            extra += ";" + " ".join(map(str, map(sub, cols, (0, *cols[:-1]))))
        if rows:
            extra += (";" if cols else ";;") + " ".join([f"{index(t)}:{r}" for t, r in rows])
        out.append(extra)
    return "\n".join(out).encode("ascii")


def _column(entries: list[str]) -> str:
    width = max(map(len, entries))
    return "".join([e.rjust(width) for e in entries])


def _index(text: str) -> int:
    i = int(text)
    if i < 0:
        raise ValueError("bad index")
    return i


def _times(nanoseconds: str, offsets: str) -> list[float]:
    """The table of times of lines 0 and 1."""
    try:
        times = [n / 1e9 for n in accumulate(map(int, nanoseconds.split(",")))]
        if offsets:
            for pair in offsets.split(","):
                i, k = pair.split(":")
                at = _index(i)
                t = _FLOAT.unpack(_BITS.pack(_BITS.unpack(_FLOAT.pack(times[at]))[0] + int(k)))[0]
                if not math.isfinite(t):
                    raise ValueError("bad time")
                times[at] = t
    except (OverflowError, struct.error) as exc:
        raise ValueError("bad time") from exc
    return times


def _runs(text: str, times: list[float]) -> Iterator[tuple[int, float]]:
    at = 0
    for pair in text.split(" "):
        d, t = pair.split(":")
        at += int(d)
        yield at, times[_index(t)]


def _rows(text: str, times: list[float]) -> Iterator[tuple[float, int]]:
    for pair in text.split(" "):
        t, r = pair.split(":")
        yield times[_index(t)], int(r)


class BlockFields:
    """The fields of a block of `count` versions, read from `data` (see the layout
    above). Raises ValueError, IndexError."""

    def __init__(self, data: str, count: int) -> None:
        lines = data.split("\n")
        if count < 1 or len(lines) != COLUMNS + count:
            raise ValueError("bad block")
        times = _times(lines[0], lines[1])
        self.times = times
        self.count = count
        self.columns = lines[2:COLUMNS]
        self.widths = []
        for column in self.columns:
            width, rest = divmod(len(column), count)
            if rest:
                raise ValueError("bad block")
            self.widths.append(width)
        self.extra = lines[COLUMNS:]

    def _entry(self, column: int, i: int) -> str:
        width = self.widths[column]
        return self.columns[column][i * width:(i + 1) * width]

    def version(self, i: int, text: str) -> LineVersion:
        """The version `i` of the block, whose text is `text`."""
        times = self.times
        if not 0 <= i < self.count:
            raise IndexError("no such version")
        entry = self._entry
        code = int(entry(1, i))
        row = int(entry(2, i))
        if not 0 <= code < 6 or row < 0:
            raise ValueError("bad version")
        until = entry(4, i)
        runs = cols = rows = None
        extra = self.extra[i]
        if extra:
            parts = extra.split(";")
            if len(parts) > 3:
                raise ValueError("bad version")
            if parts[0]:
                runs = tuple(_runs(parts[0], times))
            if len(parts) > 1 and parts[1]:
                cols = tuple(accumulate(map(int, parts[1].split(" "))))
            if len(parts) > 2 and parts[2]:
                rows = tuple(_rows(parts[2], times))
        return LineVersion(int(entry(0, i)) + i, SCREENS[code % 3], row, times[_index(entry(3, i))],
                           None if until.isspace() or not until else times[_index(until)], code >= 3, text,
                           runs, cols, rows)
