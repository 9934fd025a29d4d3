"""SGR (``CSI ... m``): what a graphic rendition does to the cursor's attributes, as tmux.

Attributes are held as a pyte ``Char`` whose text is a space. Colours are ``"default"``,
one of pyte's eight names (``black red green brown blue magenta cyan white``),
``"bright" + name``, or six hex digits ``"rrggbb"``. SGR 38;5;n for n < 16 gives the
names, so a theme palette applies to them; 16..255 use pyte's xterm table. Attributes a
``Char`` cannot hold (dim, hidden, overline, underline styles and colours) are dropped.

Parameters come decoded by the parser: an int, None for an empty one, or a string for
a colon-separated one (``38:2::r:g:b``).
"""

from __future__ import annotations

from typing import Any

from pyte.graphics import FG_BG_256
from pyte.screens import Char

from .cells import DEFAULT_ATTRS

COLOUR_NAMES = ("black", "red", "green", "brown", "blue", "magenta", "cyan", "white")
BRIGHT_NAMES = tuple("bright" + n for n in COLOUR_NAMES)
COLOUR_256: tuple[str, ...] = COLOUR_NAMES + BRIGHT_NAMES + tuple(FG_BG_256[16:])

INT_MAX = 2147483647  # tmux's strtonum limit for a parameter

# Fields of a Char
FG, BG, BOLD, ITALICS, UNDERSCORE, STRIKETHROUGH, REVERSE, BLINK = range(1, 9)

# SGR parameters
RESET = 0
FG_EXTENDED = 38  # 38;5;n (256 colours) or 38;2;r;g;b (true colour)
BG_EXTENDED = 48
UNDERLINE_COLOUR = 58  # parsed (its arguments are skipped), not kept
EXTENDED_256 = 5
EXTENDED_RGB = 2
UNDERLINE_STYLE = 4  # 4:n in colon form

#: Parameters that set one field to one value.
SIMPLE: dict[int, tuple[int, Any]] = {
    1: (BOLD, True), 3: (ITALICS, True), 4: (UNDERSCORE, True), 21: (UNDERSCORE, True),
    5: (BLINK, True), 6: (BLINK, True), 7: (REVERSE, True), 9: (STRIKETHROUGH, True),
    22: (BOLD, False), 23: (ITALICS, False), 24: (UNDERSCORE, False), 25: (BLINK, False),
    27: (REVERSE, False), 29: (STRIKETHROUGH, False), 39: (FG, "default"), 49: (BG, "default"),
    **{30 + k: (FG, name) for k, name in enumerate(COLOUR_NAMES)},
    **{40 + k: (BG, name) for k, name in enumerate(COLOUR_NAMES)},
    **{90 + k: (FG, name) for k, name in enumerate(BRIGHT_NAMES)},
    **{100 + k: (BG, name) for k, name in enumerate(BRIGHT_NAMES)},
}

_EXTENDED_FIELD = {FG_EXTENDED: FG, BG_EXTENDED: BG}  # 58 sets nothing


def apply_sgr(attrs: Char, params: tuple) -> Char:
    """Return *attrs* changed by an SGR with decoded *params* (tmux semantics)."""
    if not params:
        return DEFAULT_ATTRS
    fields = list(attrs)
    n = len(params)
    i = 0
    while i < n:
        p = params[i]
        if type(p) is str:
            _apply_colon(fields, p)
        elif p in (FG_EXTENDED, BG_EXTENDED, UNDERLINE_COLOUR):
            i = _apply_extended(fields, params, i)
        elif p is None or p == RESET:
            fields[1:] = DEFAULT_ATTRS[1:]
        else:
            change = SIMPLE.get(p)
            if change is not None:
                fields[change[0]] = change[1]
        i += 1
    fields[0] = " "
    return Char._make(fields)


def _get(params: tuple, i: int, default: int) -> int:
    """tmux input_get(i, 0, default) for SGR: -1 for colon strings."""
    if i >= len(params):
        return default
    p = params[i]
    if p is None:
        return default
    if type(p) is str:
        return -1
    return p


def _rgb(r: int, g: int, b: int) -> str | None:
    if 0 <= r <= 255 and 0 <= g <= 255 and 0 <= b <= 255:
        return "%02x%02x%02x" % (r, g, b)
    return None


def _apply_extended(fields: list, params: tuple, i: int) -> int:
    """``38;5;n``, ``38;2;r;g;b`` (and 48, 58) starting at *i*: the index of its last
    parameter consumed."""
    field = _EXTENDED_FIELD.get(params[i])
    i += 1
    kind = _get(params, i, -1)
    if kind == EXTENDED_RGB:
        value = _rgb(_get(params, i + 1, -1), _get(params, i + 2, -1), _get(params, i + 3, -1))
        if value is not None:
            if field is not None:
                fields[field] = value
            i += 3
    elif kind == EXTENDED_256:
        c = _get(params, i + 1, -1)
        if field is not None:
            fields[field] = "default" if c == -1 or c > 255 else COLOUR_256[c]
        i += 1
    return i


def _apply_colon(fields: list, param: str) -> None:
    res = sgr_colon(param)
    if res is None:
        return
    kind, value = res
    if kind == UNDERLINE_STYLE:
        fields[UNDERSCORE] = value
    else:
        fields[_EXTENDED_FIELD[kind]] = value


def sgr_colon(s: str) -> tuple[int, Any] | None:
    """One colon-separated SGR parameter (``4:n``, ``38:2::r:g:b``, ``38:5:n``...):
    ``(4, underline on)``, ``(38 or 48, colour)``, or None if it changes nothing."""
    p: list[int] = []
    for part in s.split(":"):
        if part:
            if not part.isdigit() or int(part) > INT_MAX:
                return None
            p.append(int(part))
        else:
            p.append(-1)
        if len(p) == 8:
            return None
    n = len(p)
    if p[0] == UNDERLINE_STYLE:
        if n != 2:
            return None
        if p[1] == 0:
            return (UNDERLINE_STYLE, False)
        if 1 <= p[1] <= 5:
            return (UNDERLINE_STYLE, True)
        return None
    if n < 3 or p[0] not in _EXTENDED_FIELD:  # an underline colour (58) is not kept
        return None
    if p[1] == EXTENDED_RGB:
        j = 2 if n == 5 else 3  # with or without the colour space id
        if n < j + 3:
            return None
        value = _rgb(p[j], p[j + 1], p[j + 2])
        return (p[0], value) if value is not None else None
    if p[1] == EXTENDED_256:
        c = p[2]
        return (p[0], "default" if c == -1 or c > 255 else COLOUR_256[c])
    return None


def compile_sgr(params: tuple) -> tuple[Char | None, tuple[tuple[int, Any], ...]]:
    """Reduce an SGR to its effect: ``(attrs, ())`` or ``(None, field changes)``.

    An SGR is a left-to-right list of field assignments, so what it does
    depends on its parameters only. Applied to placeholder attributes, the
    fields still holding a placeholder are the ones it leaves alone; if there
    are none (a reset, or every field set) the result is the same whatever the
    current attributes are.
    """
    probe = Char._make([" "] + [object() for _ in range(8)])
    after = apply_sgr(probe, params)
    if all(after[i] is not probe[i] for i in range(1, 9)):
        return apply_sgr(DEFAULT_ATTRS, params), ()
    return None, tuple((i, after[i]) for i in range(1, 9) if after[i] is not probe[i])
