"""Snapshots of the whole terminal state (keyframes): data that is parsed and validated.

A snapshot is ``MAGIC``, the format version (two bytes, big-endian) and a JSON object
(UTF-8) compressed with zlib (level 1). Never pickle, eval or marshal: a snapshot read
from a cache that anyone could have written is data, and :func:`decode` checks every
field (types, ranges, lengths, references) before a Terminal is built from it. Anything
else -- random bytes, a truncated blob, another version, valid JSON of the wrong shape
-- raises :class:`SnapshotError` and nothing else.

The object holds the state a terminal cannot recompute (both screens, cursor, modes,
charsets, saved cursors, tab stops, title stack, parser state). Cells are stored as
runs:

* ``attrs``: the distinct attribute sets, ``[fg, bg, flags]`` (flags: bold 1, italics
  2, underscore 4, strikethrough 8, reverse 16, blink 32);
* ``lines``: the distinct rows of cells, each ``[text, runs, widths]``: the row's text
  (its cells' texts joined), its runs of cells with the same attributes as a flat list
  ``[attrs, count, attrs, count, ...]``, and the number of characters of each cell as
  the same kind of run list (``[chars, count, ...]``), or null when every cell holds
  one character (a wide character takes two cells, the second holding ``""``);
* ``screen``, ``hidden`` (rows a reflow pushed above the screen) and ``main`` (the main
  screen while the alternate one is shown, else null): ``[line, wrapped, used]`` per
  row, ``line`` an index into ``lines``.

Identical rows (blank ones, a status bar, a redrawn screen) are stored once, and a
Terminal remembers what its rows encoded to, so a row unchanged since the previous
snapshot (the main screen under a full-screen app, a prompt, most of an editor's
screen) costs a comparison. Rows are referenced by index so that a later version can
store only the rows that changed since the previous keyframe: ``lines`` would continue
that keyframe's table.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from itertools import chain, compress, groupby, repeat
from operator import itemgetter, mul, ne, sub
from typing import TYPE_CHECKING, Any

from pyte.screens import Char, Margins

from .controls import STRING_KINDS
from .grid import CELL_CACHES
from .modes import MODE_ALTBUF, MODE_KEYS, TITLE_STACK_LIMIT
from .parser import GROUND, STATES, STRING_STATES
from .printing import UTF8_CELL_LIMIT
from .sgr import BRIGHT_NAMES, COLOUR_NAMES

if TYPE_CHECKING:  # pragma: no cover
    from .screen import Terminal, TermScreen

#: Shape of ``Terminal.snapshot`` data; restore() refuses other versions.
#: Caches of snapshots should include it in their own format key.
SNAPSHOT_VERSION = 3
MAGIC = b"CVTS"
_HEADER = struct.Struct(">4sH")

#: Decompressed bytes a snapshot may hold (a 1000x500 screen of cells that all differ
#: in true colour is about 20 MB): a larger one is refused, not inflated into memory.
MAX_PAYLOAD = 64 << 20
MAX_SIZE = 1 << 16  # columns or rows, or cells in a row
#: Cells a snapshot may restore in all (rows are stored once and referenced, so a small
#: blob could otherwise ask for any number of copies).
MAX_CELLS = 1 << 24
_MAX_COORD = (1 << 31) - 1

_KEYS = frozenset({
    "cols", "rows", "attrs", "lines", "screen", "hidden", "main", "cursor", "margins", "modes",
    "charset", "saved_cursor", "alt_cursor", "alt_attrs", "tabstops", "title", "icon_name",
    "title_stack", "cursor_style", "last_char", "zwj", "parser",
})
_PARSER_KEYS = frozenset({"state", "interm", "params", "discard", "string", "string_len", "string_kind"})
_COLOUR = re.compile("(?:default|%s|[0-9a-f]{6})" % "|".join(COLOUR_NAMES + BRIGHT_NAMES))
_FLAG_FIELDS = range(3, 9)  # bold .. blink in a Char
_MAX_FLAGS = (1 << len(_FLAG_FIELDS)) - 1
_FLAGS = [tuple(bool(flags >> b & 1) for b in range(len(_FLAG_FIELDS))) for flags in range(_MAX_FLAGS + 1)]
_new_char = tuple.__new__
_cell_of = dict.__getitem__  # (cache, text): calls the cache's __missing__ as [] does

_attrs_of = itemgetter(1, 2, 3, 4, 5, 6, 7, 8)


class SnapshotError(ValueError):
    """A blob that is not a terminal snapshot this version of castview can restore."""


# --------------------------------------------------------------------------- encoding

#: What a row encodes to: its text, the attributes and lengths of its runs of cells with
#: the same attributes, and its cells' lengths as run lengths (None: all 1).
Content = tuple[str, tuple[tuple, ...], tuple[int, ...], tuple[int, ...] | None]
#: Row object -> a copy of its cells and their Content, from the previous snapshot.
Memo = dict[int, tuple[list[Char], Content]]


def _content(row: list[Char]) -> Content:
    n = len(row)
    if not n:
        return "", (), (), None
    first = row[0]
    if row[-1] == first and row.count(first) == n:  # a blank row, a rule...
        return first[0] * n, (_attrs_of(first),), (n,), None if len(first[0]) == 1 else (len(first[0]), n)
    texts, *columns = zip(*row, strict=False)  # the row's texts, its foregrounds, backgrounds...
    text = "".join(texts)
    widths = None if len(text) == n and "" not in texts else tuple(_run_lengths(list(map(len, texts))))
    changing = [c for c in columns if c.count(c[0]) != n]
    if not changing:
        return text, (_attrs_of(first),), (n,), widths
    keys = changing[0] if len(changing) == 1 else list(zip(*changing, strict=False))
    starts = [0, *compress(range(1, n), map(ne, keys[1:], keys))]
    ends = starts[1:]
    ends.append(n)
    return text, tuple(map(_attrs_of, map(row.__getitem__, starts))), tuple(map(sub, ends, starts)), widths


def _run_lengths(values: list[int]) -> list[int]:
    out: list[int] = []
    for v, same in groupby(values):
        out += (v, len(list(same)))
    return out


class _Encoder:
    """Builds the attribute and line tables while rows are encoded."""

    def __init__(self, memo: Memo | None) -> None:
        self.attr_ids: dict[tuple, int] = {}
        self.attrs: list[list] = []
        self.line_ids: dict[tuple, int] = {}
        self.lines: list[list] = []
        self.memo = memo if memo is not None else {}
        self.seen: Memo = {}

    def attr(self, cell: Char) -> int:
        return self._attr_id(_attrs_of(cell))

    def _attr_id(self, key: tuple) -> int:
        i = self.attr_ids.get(key)
        if i is None:
            i = self.attr_ids[key] = len(self.attrs)
            self.attrs.append([key[0], key[1], sum(1 << b for b, v in enumerate(key[2:]) if v)])
        return i

    def line(self, row: list[Char]) -> int:
        known = self.memo.get(id(row))
        if known is None or known[0] != row:
            known = (row[:], _content(row))
        self.seen[id(row)] = known
        text, keys, counts, widths = known[1]
        ids = tuple(map(self.attr_ids.get, keys))
        if None in ids:
            ids = tuple(map(self._attr_id, keys))
        line = (text, ids, counts, widths)
        i = self.line_ids.get(line)
        if i is None:
            i = self.line_ids[line] = len(self.lines)
            runs = [0, 0] * len(ids)
            runs[0::2], runs[1::2] = ids, counts
            self.lines.append([text, runs, list(widths) if widths is not None else None])
        return i

    def rows(self, buffer: list[list[Char]], wrapped: list[bool], used: list[int]) -> list[list]:
        return [[self.line(row), w, u] for row, w, u in zip(buffer, wrapped, used, strict=False)]


def encode_state(term: Terminal, memo: Memo | None = None) -> dict[str, Any]:
    """The terminal's state as the JSON object a snapshot holds. Equal states give equal
    objects (tests compare terminals with it). *memo* is read and updated."""
    s: TermScreen = term.screen
    st = term._stream
    enc = _Encoder(memo)
    cur = s.cursor
    sx, sy, sattrs, scharset, sg0, sg1, sorigin = s.saved_cursor
    head = {
        "cursor": [cur.x, cur.y, enc.attr(cur.attrs), cur.hidden],
        "saved_cursor": [sx, sy, enc.attr(sattrs), scharset, sg0, sg1, sorigin],
        "alt_attrs": enc.attr(s.alt_attrs),
    }
    main = None if s.alt_saved is None else enc.rows(*s.alt_saved)
    in_sequence = st.state != GROUND
    state = {
        "cols": s.columns,
        "rows": s.lines,
        **head,
        "screen": enc.rows(s.buffer, s.wrapped, s.used),
        "hidden": [[enc.line(row), w, u] for row, w, u in s.hidden_rows],
        "main": main,
        "attrs": enc.attrs,
        "lines": enc.lines,
        "margins": list(s.margins),
        "modes": sorted(s.mode),
        "charset": [s.charset, s.g0_acs, s.g1_acs],
        "alt_cursor": None if s.alt_cursor is None else list(s.alt_cursor),
        "tabstops": sorted(s.tabstops),
        "title": s.title,
        "icon_name": s.icon_name,
        "title_stack": list(s.title_stack),
        "cursor_style": s.cursor_style,
        "last_char": s.last_char,
        "zwj": s.zwj,
        "parser": {
            "state": st.state,
            "interm": st.interm if in_sequence else "",
            "params": st.params if in_sequence else "",
            "discard": st.discard if in_sequence else False,
            "string": "".join(st.string) if in_sequence else "",
            "string_len": st.string_len if in_sequence else 0,
            "string_kind": st.string_kind,
        },
    }
    if memo is not None:
        memo.clear()
        memo.update(enc.seen)
    return state


def encode(term: Terminal, memo: Memo | None = None) -> bytes:
    """A snapshot of *term* (*memo*: see ``encode_state``)."""
    payload = json.dumps(encode_state(term, memo), ensure_ascii=False, separators=(",", ":"))
    return _HEADER.pack(MAGIC, SNAPSHOT_VERSION) + zlib.compress(payload.encode("utf-8", "surrogatepass"), 1)


# --------------------------------------------------------------------------- decoding

def _fail(what: str) -> SnapshotError:
    return SnapshotError(f"corrupt terminal snapshot: {what}")


def _int(v: Any, what: str, lo: int = 0, hi: int = _MAX_COORD) -> int:
    if type(v) is not int or not lo <= v <= hi:
        raise _fail(f"{what} is not an integer in {lo}..{hi}")
    return v


def _bool(v: Any, what: str) -> bool:
    if type(v) is not bool:
        raise _fail(f"{what} is not true or false")
    return v


def _str(v: Any, what: str, limit: int | None = None) -> str:
    if type(v) is not str or (limit is not None and len(v) > limit):
        raise _fail(f"{what} is not a string" + (f" of at most {limit} characters" if limit is not None else ""))
    return v


def _list(v: Any, what: str, length: int | None = None) -> list:
    if type(v) is not list or (length is not None and len(v) != length):
        raise _fail(f"{what} is not a list" + (f" of {length} items" if length is not None else ""))
    return v


def _attrs(table: Any) -> list[Char]:
    out = []
    colours: set[str] = set()  # the ones already checked
    for entry in _list(table, "attrs"):
        fg, bg, flags = _list(entry, "an attribute set", 3)
        for colour in (fg, bg):
            if type(colour) is not str:
                raise _fail(f"bad colour in {entry!r}")
            if colour not in colours:
                if not _COLOUR.fullmatch(colour):
                    raise _fail(f"bad colour in {entry!r}")
                colours.add(colour)
        out.append(_new_char(Char, (" ", fg, bg, *_FLAGS[_int(flags, "attribute flags", 0, _MAX_FLAGS)])))
    return out


def _runs(runs: Any, what: str) -> tuple[list[int], list[int]]:
    """A flat run list ``[value, count, ...]``: its values and its counts (at least 1,
    at most MAX_SIZE cells in all)."""
    if type(runs) is not list or len(runs) % 2 or (runs and set(map(type, runs)) != {int}):
        raise _fail(f"{what} is not a list of integer pairs")
    values, counts = runs[0::2], runs[1::2]
    if counts and (min(counts) < 1 or sum(counts) > MAX_SIZE):
        raise _fail(f"bad counts in {what}")
    return values, counts


def _cell_texts(text: Any, widths: Any) -> str | list[str]:
    """The text of each cell of a line."""
    if type(text) is not str:
        raise _fail("a line's text is not a string")
    if widths is None:
        return text
    lengths, counts = _runs(widths, "a line's widths")
    if min(lengths, default=0) < 0 or max(lengths, default=0) > UTF8_CELL_LIMIT:
        raise _fail("a cell's length is out of range")
    if sum(map(mul, lengths, counts)) != len(text):
        raise _fail("a line's widths do not cover its text")
    texts: list[str] = []
    pos = 0
    for w, count in zip(lengths, counts, strict=False):
        if w == 1:
            texts += text[pos:pos + count]
        else:
            texts += [text[pos + i * w:pos + (i + 1) * w] for i in range(count)]
        pos += w * count
    return texts


class _Decoder:
    def __init__(self, screen: TermScreen, state: dict[str, Any]) -> None:
        self.attrs = _attrs(state["attrs"])
        # Cells are made through the screen's cell caches (so shared with the cells drawn
        # later) unless there are so many attribute sets (true colour) that caching would
        # only churn the caches; then each is made directly.
        cached = len(self.attrs) <= CELL_CACHES // 2
        self.caches = [screen.cell_cache(a) if cached else None for a in self.attrs]
        self.lines = _list(state["lines"], "lines")
        self.decoded: dict[int, list[Char]] = {}
        self.budget = MAX_CELLS

    def attr(self, v: Any) -> Char:
        return self.attrs[_int(v, "an attribute reference", 0, len(self.attrs) - 1)]

    def line(self, ref: Any) -> list[Char]:
        """A new list of the cells of line *ref* (rows are mutated in place)."""
        i = _int(ref, "a line reference", 0, len(self.lines) - 1)
        cells = self.decoded.get(i)
        if cells is None:
            cells = self.decoded[i] = self._cells(self.lines[i])
        self.budget -= len(cells)
        if self.budget < 0:
            raise _fail(f"more than {MAX_CELLS} cells")
        return cells[:]

    def _cells(self, line: Any) -> list[Char]:
        text, runs, widths = _list(line, "a line", 3)
        texts = _cell_texts(text, widths)
        refs, counts = _runs(runs, "a line's runs")
        if min(refs, default=0) < 0 or max(refs, default=0) >= len(self.attrs):
            raise _fail("a line refers to a missing attribute set")
        if sum(counts) != len(texts):
            raise _fail("a line's runs do not cover its cells")
        caches = [self.caches[a] for a in refs]
        if None in caches:
            # each attribute of each cell, run by run; the cells made directly
            columns = zip(*[self.attrs[a][1:] for a in refs], strict=False)
            attrs = [chain.from_iterable(map(repeat, column, counts)) for column in columns]
            return list(map(_new_char, repeat(Char), zip(texts, *attrs, strict=False)))
        return list(map(_cell_of, chain.from_iterable(map(repeat, caches, counts)), texts))

    def rows(self, v: Any, what: str, width: int | None) -> tuple[list[list[Char]], list[bool], list[int]]:
        """Rows ``[line, wrapped, used]``, each *width* cells if given."""
        buffer, wrapped, used = [], [], []
        for entry in _list(v, what):
            ref, w, u = _list(entry, f"a row of {what}", 3)
            row = self.line(ref)
            if width is not None and len(row) != width:
                raise _fail(f"a row of {what} has {len(row)} cells, not {width}")
            buffer.append(row)
            wrapped.append(_bool(w, "a wrapped flag"))
            used.append(_int(u, "a used count", 0, len(row)))
        return buffer, wrapped, used


def _payload(blob: bytes) -> dict[str, Any]:
    if not isinstance(blob, (bytes, bytearray, memoryview)):
        raise SnapshotError(f"a terminal snapshot is bytes, not {type(blob).__name__}")
    blob = bytes(blob)
    if len(blob) < _HEADER.size or blob[:len(MAGIC)] != MAGIC:
        raise SnapshotError("not a castview terminal snapshot")
    _, version = _HEADER.unpack_from(blob)
    if version != SNAPSHOT_VERSION:
        raise SnapshotError(f"terminal snapshot version {version}; this castview reads version {SNAPSHOT_VERSION}")
    try:
        inflate = zlib.decompressobj()
        raw = inflate.decompress(blob[_HEADER.size:], MAX_PAYLOAD)
        if inflate.unconsumed_tail:
            raise _fail(f"more than {MAX_PAYLOAD} bytes")
        if not inflate.eof:
            raise _fail("truncated")
        state = json.loads(raw.decode("utf-8", "surrogatepass"))
    except (zlib.error, UnicodeDecodeError, ValueError, RecursionError) as exc:
        if isinstance(exc, SnapshotError):
            raise
        raise _fail(str(exc)) from exc
    if type(state) is not dict or set(state) != _KEYS:
        raise _fail("not the expected object")
    return state


def decode(blob: bytes, terminal: type[Terminal]) -> Terminal:
    """A new *terminal* (the class) in the state of snapshot *blob*. Raises SnapshotError."""
    state = _payload(blob)
    cols = _int(state["cols"], "columns", 1, MAX_SIZE)
    rows = _int(state["rows"], "rows", 1, MAX_SIZE)
    if cols * rows > MAX_CELLS:
        raise _fail(f"a screen of {cols}x{rows}")
    term = terminal(cols, rows)
    s = term.screen
    dec = _Decoder(s, state)
    s.buffer, s.wrapped, s.used = dec.rows(state["screen"], "screen", cols)
    if len(s.buffer) != rows:
        raise _fail(f"{len(s.buffer)} rows on a screen of {rows}")
    hidden = dec.rows(state["hidden"], "hidden rows", None)
    s.hidden_rows = list(zip(*hidden, strict=False))
    main = state["main"]
    if main is None:
        s.alt_saved = None
    else:
        saved = dec.rows(main, "the main screen", None)
        if not saved[0] or len({len(r) for r in saved[0]}) != 1 or not saved[0][0]:
            raise _fail("the main screen's rows are not all of one non-zero width")
        s.alt_saved = saved
    x, y, attrs, hidden_cursor = _list(state["cursor"], "cursor", 4)
    s.cursor.x = _int(x, "cursor x", 0, MAX_SIZE)
    s.cursor.y = _int(y, "cursor y", 0, rows - 1)
    s._set_attrs(dec.attr(attrs))
    top, bottom = _list(state["margins"], "margins", 2)
    top, bottom = _int(top, "top margin", 0, rows - 1), _int(bottom, "bottom margin", 0, rows - 1)
    if top > bottom or (top == bottom and rows > 1):
        raise _fail(f"margins {top}..{bottom}")
    s.margins = Margins(top, bottom)
    modes = {_int(m, "a mode") for m in _list(state["modes"], "modes")}
    if not modes <= MODE_KEYS or (MODE_ALTBUF in modes) != (main is not None):
        raise _fail(f"modes {sorted(modes)}")
    s.mode = modes
    s._sync_modes()
    s.cursor.hidden = _bool(hidden_cursor, "cursor hidden")
    charset, g0, g1 = _list(state["charset"], "charset", 3)
    s.charset, s.g0_acs, s.g1_acs = _int(charset, "charset", 0, 1), _bool(g0, "G0"), _bool(g1, "G1")
    s._sync_charset()
    sx, sy, sattrs, scharset, sg0, sg1, sorigin = _list(state["saved_cursor"], "saved cursor", 7)
    s.saved_cursor = (_int(sx, "saved x", 0, MAX_SIZE), _int(sy, "saved y", 0, MAX_SIZE), dec.attr(sattrs),
                      _int(scharset, "saved charset", 0, 1), _bool(sg0, "saved G0"), _bool(sg1, "saved G1"),
                      _bool(sorigin, "saved origin mode"))
    alt_cursor = state["alt_cursor"]
    if alt_cursor is not None:
        ax, ay = _list(alt_cursor, "alternate screen cursor", 2)
        alt_cursor = (_int(ax, "alternate screen x", 0, MAX_SIZE), _int(ay, "alternate screen y", 0, MAX_SIZE))
    s.alt_cursor = alt_cursor
    s.alt_attrs = dec.attr(state["alt_attrs"])
    s.tabstops = {_int(t, "a tab stop", 0, cols - 1) for t in _list(state["tabstops"], "tab stops")}
    s.title = _str(state["title"], "title")
    s.icon_name = _str(state["icon_name"], "icon name")
    stack = _list(state["title_stack"], "title stack")
    if len(stack) > TITLE_STACK_LIMIT:
        raise _fail("title stack too deep")
    s.title_stack = [_str(t, "a stacked title") for t in stack]
    s.cursor_style = _int(state["cursor_style"], "cursor style", 0, 6)
    last = state["last_char"]
    s.last_char = None if last is None else _str(last, "last character", 1) or None
    s.zwj = _bool(state["zwj"], "pending ZWJ")
    _decode_parser(term, state["parser"])
    s.dirty = set(range(rows))
    return term


def _decode_parser(term: Terminal, v: Any) -> None:
    if type(v) is not dict or set(v) != _PARSER_KEYS:
        raise _fail("parser state")
    st = term._stream
    st.state = _int(v["state"], "parser state", STATES.start, STATES.stop - 1)
    st.interm = _str(v["interm"], "intermediates", 3)
    st.params = _str(v["params"], "parameters", 63)
    st.discard = _bool(v["discard"], "discard flag")
    string = _str(v["string"], "string")
    st.string = [string] if string else []
    st.string_len = _int(v["string_len"], "string length")
    kind = v["string_kind"]
    if kind is not None and _str(kind, "string kind") not in STRING_KINDS:
        raise _fail(f"string kind {kind!r}")
    if (kind is None) == (st.state in STRING_STATES):
        raise _fail(f"string kind {kind!r} in parser state {st.state}")
    st.string_kind = kind

