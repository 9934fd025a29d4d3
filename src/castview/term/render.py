"""Turn a terminal's current screen into text, ANSI, SVG, HTML or Rich segments.

Pure functions over anything shaped like `castview.term.screen.Terminal`: they read only
``term.cols``, ``term.rows``, ``term.cursor`` (``(x, y, hidden)``), ``term.screen.buffer``
(pyte cells) and, for the SVG/HTML ``<title>``, ``term.title`` if present. No Textual here.

Safety: cell text comes from the recording and is hostile. Every exporter cleans it:
a cell holding a C0/C1 control, DEL, ESC, a line/paragraph separator, a bidi override or
isolate (U+202A-U+202E, U+2066-U+2069), a lone surrogate or U+FFFE/U+FFFF shows as a
space; inside a longer cell (a base char plus combining marks) those characters are
dropped. The only escape sequences `to_ansi` writes are SGR sequences it generates.

Geometry: pyte stores a wide char in cell x and ``""`` in cell x+1. A cell is two columns
wide when it is followed by a ``""`` cell and its character is wide by
`castview.term.widths.char_width` (the emulator's own table); any other ``""`` cell (the
half of an overwritten wide char) shows as a space. A cell shows one character plus the
zero-width characters after it (combining marks, variation selectors, ZWJ and the
character a ZWJ joins, as the emulator stores ZWJ sequences): other junk in
a forced multi-character cell is cut, so columns never shift; a cell starting with a
zero-width character gets a space in front so the mark cannot attach to its neighbour.

Colours: pyte gives ``"default"``, the 8 names (yellow is ``"brown"``), the aixterm bright
names (``"brightred"``..., including pyte's typo ``"bfightmagenta"``), or ``"rrggbb"`` hex
for 256-colour and truecolour SGR. Integers 0-255 (palette indices) are accepted too.
Named colours use the theme's 16-colour palette (castview's Terminal reports ``38;5;N`` for
N < 16 as names, so those follow the theme too); hex colours are used as they are. The ANSI
export writes names as 30-37/90-97 (40-47/100-107), hex colours of the xterm cube and grey
ramp as ``38;5;N`` and any other hex as ``38;2;r;g;b``.

Decisions:
- **Bold brightens**: in the SVG, HTML and Rich renderings a bold cell whose foreground is
  one of the 8 normal named colours is drawn with the bright variant (palette index + 8), as
  xterm and asciinema-player do; default foreground and hex colours are not changed. The
  ANSI export writes the original SGR and leaves that choice to the viewing terminal.
- **Reverse** swaps the resolved foreground and background (after bold brightening).
- **Cursor** is a block: the cell is drawn with ``theme.cursor`` as background and
  ``theme.bg`` as foreground, keeping the cell's bold/italic/underline/strike; on the
  right half of a wide char it covers the whole char. ``to_ansi`` and ``to_text`` never
  show it.
- Default colours resolve to ``theme.fg``/``theme.bg`` everywhere except ANSI (which uses
  the viewing terminal's defaults).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from castview.term.widths import char_width

__all__ = [
    "CELL_HEIGHT",
    "CELL_WIDTH",
    "FONT_SIZE",
    "FORMATS",
    "XTERM_256",
    "Theme",
    "clean_cell",
    "export",
    "iter_rows",
    "row_segments",
    "screen_segments",
    "to_ansi",
    "to_html",
    "to_rich_lines",
    "to_svg",
    "to_text",
]

#: SVG cell size in px, and the font size that gives monospace fonts that advance (0.6 em).
CELL_WIDTH = 8.4
CELL_HEIGHT = 17.0
FONT_SIZE = 14
_BASELINE = 13.0  # text baseline offset inside a cell
FONT_FAMILY = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace"

FORMATS = ("text", "ansi", "svg", "html")
PROVENANCE_NS = "urn:castview:provenance"
"""The XML namespace of the <castview:provenance> element an SVG export carries."""


class TerminalLike(Protocol):
    """What the renderers need from a terminal (see `castview.term.screen.Terminal`)."""

    @property
    def cols(self) -> int: ...

    @property
    def rows(self) -> int: ...

    @property
    def cursor(self) -> tuple[int, int, bool]: ...

    screen: Any


# --------------------------------------------------------------------------- colours

def _xterm_256() -> tuple[str, ...]:
    base = [
        "000000", "cd0000", "00cd00", "cdcd00", "0000ee", "cd00cd", "00cdcd", "e5e5e5",
        "7f7f7f", "ff0000", "00ff00", "ffff00", "5c5cff", "ff00ff", "00ffff", "ffffff",
    ]
    steps = (0x00, 0x5F, 0x87, 0xAF, 0xD7, 0xFF)
    cube = [f"{steps[i // 36]:02x}{steps[(i // 6) % 6]:02x}{steps[i % 6]:02x}" for i in range(216)]
    grey = [f"{8 + 10 * i:02x}" * 3 for i in range(24)]
    return tuple("#" + c for c in base + cube + grey)


#: The xterm 256-colour palette as "#rrggbb" (0-15 are xterm's defaults; themes override them).
XTERM_256: tuple[str, ...] = _xterm_256()

# hex (no '#') -> index, for the cube and grey ramp only (0-15 are ambiguous with them and
# are theme-dependent anyway); used by the ANSI export to write 38;5;N instead of 38;2.
_HEX_TO_256: dict[str, int] = {XTERM_256[i][1:]: i for i in range(255, 15, -1)}

_NAME_INDEX: dict[str, int] = {}
for _i, _name in enumerate(("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")):
    _NAME_INDEX[_name] = _i
    _NAME_INDEX["bright" + _name] = _i + 8
_NAME_INDEX["brown"] = 3  # pyte's name for yellow
_NAME_INDEX["brightbrown"] = 11
_NAME_INDEX["bfightmagenta"] = 13  # pyte's BG_AIXTERM typo
_NAME_INDEX["gray"] = _NAME_INDEX["grey"] = 8

_HEX6 = re.compile(r"[0-9a-fA-F]{6}")
_CSS_HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def _color_index(value: object) -> int | None:
    """Palette index of a named or numeric colour, None for default/hex/unknown."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= 255 else None
    if isinstance(value, str):
        idx = _NAME_INDEX.get(value)
        if idx is None:
            idx = _NAME_INDEX.get(value.lower().replace("_", "").replace("-", "").replace(" ", ""))
        return idx
    return None


def _hex(value: object) -> str | None:
    """'rrggbb' (lower case) for a hex colour value, else None."""
    if isinstance(value, str):
        v = value[1:] if value.startswith("#") else value
        if len(v) == 6 and _HEX6.fullmatch(v):
            return v.lower()
    return None


def _norm_css_hex(value: object) -> str | None:
    if not isinstance(value, str) or not _CSS_HEX.fullmatch(value.strip()):
        return None
    v = value.strip()[1:].lower()
    if len(v) == 3:
        v = "".join(ch * 2 for ch in v)
    return "#" + v


@dataclass(frozen=True)
class Theme:
    """Colours for drawing a screen: default fg/bg, cursor and the 16-colour palette."""

    fg: str
    bg: str
    cursor: str
    palette: tuple[str, ...]

    def __post_init__(self) -> None:
        colours = {}
        for name in ("fg", "bg", "cursor"):
            norm = _norm_css_hex(getattr(self, name))
            if norm is None:
                raise ValueError(f"theme {name} must be '#rrggbb', got {getattr(self, name)!r}")
            colours[name] = norm
        palette = tuple(self.palette)
        if len(palette) != 16:
            raise ValueError(f"theme palette needs 16 colours, got {len(palette)}")
        norm_palette = []
        for c in palette:
            norm = _norm_css_hex(c)
            if norm is None:
                raise ValueError(f"theme palette colour must be '#rrggbb', got {c!r}")
            norm_palette.append(norm)
        for name, value in colours.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "palette", tuple(norm_palette))

    @classmethod
    def default(cls) -> Theme:
        """A dark Tango-like theme."""
        return _DEFAULT_THEME

    @classmethod
    def from_asciicast(cls, mapping: object) -> Theme | None:
        """The theme of an asciicast header (`header["term"]["theme"]` in v3, `header["theme"]`
        in v2): ``{"fg": "#..", "bg": "#..", "palette": "#..:#..:..."}`` with 8 or 16 colours
        (8: the bright ones repeat the normal ones, as asciinema-player does). The cursor takes
        the foreground colour. Anything invalid gives None."""
        if not isinstance(mapping, Mapping):
            return None
        fg = _norm_css_hex(mapping.get("fg"))
        bg = _norm_css_hex(mapping.get("bg"))
        raw = mapping.get("palette")
        if fg is None or bg is None or not isinstance(raw, str):
            return None
        parts = [_norm_css_hex(p) for p in raw.split(":")]
        if len(parts) not in (8, 16) or any(p is None for p in parts):
            return None
        if len(parts) == 8:
            parts = parts + parts
        return cls(fg=fg, bg=bg, cursor=fg, palette=tuple(p for p in parts if p is not None))

    def index_color(self, index: int) -> str:
        """'#rrggbb' for a 256-colour index (0-15 from this theme's palette)."""
        return self.palette[index] if index < 16 else XTERM_256[index]

    def resolve(self, value: object, *, foreground: bool, bold: bool = False) -> str:
        """'#rrggbb' for a pyte colour value; bold brightens the 8 normal foreground colours."""
        h = _hex(value)
        if h is not None:
            return "#" + h
        idx = _color_index(value)
        if idx is None:
            return self.fg if foreground else self.bg
        if foreground and bold and idx < 8:
            idx += 8
        return self.index_color(idx)


_DEFAULT_THEME = Theme(
    fg="#d3d7cf",
    bg="#1c1c1c",
    cursor="#eeeeec",
    palette=(
        "#2e3436", "#cc0000", "#4e9a06", "#c4a000", "#3465a4", "#75507b", "#06989a", "#d3d7cf",
        "#555753", "#ef2929", "#8ae234", "#fce94f", "#729fcf", "#ad7fa8", "#34e2e2", "#eeeeec",
    ),
)


# --------------------------------------------------------------------------- cell text

_BAD = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_ASCII: dict[str, str] = {chr(i): chr(i) for i in range(0x20, 0x7F)}


@lru_cache(maxsize=8192)
def _clean_slow(data: str) -> str:
    """One cell's text: a base char and the zero-width chars after it, nothing dangerous."""
    text = _BAD.sub("", data)
    if not text:
        return " "
    out = [text[0]]
    if char_width(text[0]) == 0:
        out.insert(0, " ")  # a lone mark sits on a space, not on the neighbouring cell
    for ch in text[1:]:
        if char_width(ch) != 0 and out[-1] != "\u200d":
            break  # junk: a cell holds one character (plus marks and ZWJ sequences)
        out.append(ch)
    return "".join(out)


@lru_cache(maxsize=8192)
def _is_wide(text: str) -> bool:
    return char_width(text[0]) == 2 or (text[0] == " " and len(text) > 1 and char_width(text[1]) == 2)


def clean_cell(data: str) -> str:
    """The text to show for a cell's data: never empty, never a control or bidi character."""
    text = _ASCII.get(data)
    return text if text is not None else _clean_slow(data)


@lru_cache(maxsize=8192)
def _fit_rich(text: str, cells: int) -> str:
    """One cell's text made to measure `cells` cells for Rich (whose width table may differ
    from the emulator's): padded with spaces if narrower; if wider, without variation
    selectors, else U+FFFD (a layout-keeping stand-in)."""
    width = cell_len(text)
    if width > cells:
        text = text.replace("\ufe0f", "")
        width = cell_len(text)
        if width > cells:
            text, width = "\ufffd", 1
    return text + " " * (cells - width)


# --------------------------------------------------------------------------- row walking

class _Run(NamedTuple):
    x: int  # first column
    text: str  # cleaned text
    cells: int  # columns covered
    key: tuple  # style key: the Char's fields after data, or (_CURSOR, *those)
    wide: bool  # a single wide char (only when runs are split at wide chars)


_CURSOR = object()


def _cursor_pos(term: TerminalLike, enabled: bool) -> tuple[int, int]:
    """(x, y) of the visible cursor, or (-1, -1)."""
    if not enabled:
        return -1, -1
    x, y, hidden = term.cursor
    if hidden:
        return -1, -1
    cols, rows = term.cols, term.rows
    if cols <= 0 or rows <= 0 or y < 0 or y >= rows:
        return -1, -1
    return min(max(x, 0), cols - 1), y


def _row_runs(line: Any, cols: int, cursor_x: int = -1, split_wide: bool = False,
              split_cells: bool = False) -> list[_Run]:
    """The runs of one row: consecutive cells of the same style, merged (not across a wide
    char with `split_wide`, not at all with `split_cells`)."""
    cells = [line[x] for x in range(cols)]
    runs: list[_Run] = []
    texts: list[str] = []
    run_x = 0
    run_key: tuple | None = None
    run_wide = False
    ascii_get = _ASCII.get
    x = 0
    last = cols - 1
    while x < cols:
        c = cells[x]
        data = c[0]
        width = 1
        if data == "":
            text = " "  # right half of a wide char whose left half was overwritten
        else:
            text = ascii_get(data)
            if text is None:
                text = _clean_slow(data)
                if x < last and cells[x + 1][0] == "" and _is_wide(text):
                    width = 2
        key = c[1:]
        if cursor_x == x or (width == 2 and cursor_x == x + 1):
            key = (_CURSOR, *key)
        wide = width == 2
        if key != run_key or split_cells or (split_wide and (wide or run_wide)):
            if texts:
                runs.append(_Run(run_x, "".join(texts), x - run_x, run_key, run_wide))  # type: ignore[arg-type]
            texts = [text]
            run_x = x
            run_key = key
            run_wide = (split_wide or split_cells) and wide
        else:
            texts.append(text)
        x += width
    if texts:
        runs.append(_Run(run_x, "".join(texts), cols - run_x, run_key, run_wide))  # type: ignore[arg-type]
    return runs


def _row_text(line: Any, cols: int) -> str:
    cells = [line[x][0] for x in range(cols)]
    out: list[str] = []
    ascii_get = _ASCII.get
    wide = False
    for data in cells:
        if data == "":
            if wide:
                wide = False
                continue  # right half of a wide char
            out.append(" ")
        else:
            text = ascii_get(data)
            if text is None:
                text = _clean_slow(data)
                wide = _is_wide(text)
            else:
                wide = False
            out.append(text)
    return "".join(out)


# --------------------------------------------------------------------------- resolved looks

class _Look(NamedTuple):
    fg: str
    bg: str
    bold: bool
    italic: bool
    underline: bool
    strike: bool
    blink: bool
    default_bg: bool  # bg is the theme background (no rectangle needed)


@lru_cache(maxsize=4096)
def _look(theme: Theme, key: tuple) -> _Look:
    cursor = bool(key) and key[0] is _CURSOR
    if cursor:
        key = key[1:]
    fg, bg, bold, italics, underscore, strikethrough, reverse, blink = (tuple(key) + (False,) * 8)[:8]
    rfg = theme.resolve(fg, foreground=True, bold=bool(bold))
    rbg = theme.resolve(bg, foreground=False)
    if cursor:
        rfg, rbg = theme.bg, theme.cursor
        blink = False
    elif reverse:
        rfg, rbg = rbg, rfg
    return _Look(rfg, rbg, bool(bold), bool(italics), bool(underscore), bool(strikethrough),
                 bool(blink), rbg == theme.bg and not cursor)


def _invisible_blank(key: tuple) -> bool:
    """Would spaces in this style look like empty screen? (no bg, reverse, lines, cursor)"""
    if key and key[0] is _CURSOR:
        return False
    fg, bg, bold, italics, underscore, strikethrough, reverse, blink = (tuple(key) + (False,) * 8)[:8]
    return (_hex(bg) is None and _color_index(bg) is None and not underscore
            and not strikethrough and not reverse)


def _trim(runs: list[_Run]) -> list[_Run]:
    """Drop trailing spaces that would look like empty screen."""
    runs = list(runs)
    while runs:
        r = runs[-1]
        if r.wide or not _invisible_blank(r.key):
            break
        text = r.text.rstrip(" ")
        if text:
            runs[-1] = r._replace(text=text, cells=r.cells - (len(r.text) - len(text)))
            break
        runs.pop()
    return runs


def _starts_with_mark(text: str) -> bool:
    return char_width(text[0]) == 0


def _strip_spaces(run: _Run) -> _Run:
    """The run without its leading and trailing blank cells (for undecorated SVG text)."""
    if run.wide:
        return run
    text = run.text.rstrip(" ")
    if not text:
        return run._replace(text="", cells=0)
    cells = run.cells - (len(run.text) - len(text))
    stripped = text.lstrip(" ")
    lead = len(text) - len(stripped)
    if lead and _starts_with_mark(stripped):
        lead -= 1  # keep the space a combining mark sits on
        stripped = " " + stripped
    return run._replace(x=run.x + lead, text=stripped, cells=cells - lead)


def _title(term: TerminalLike) -> str:
    title = getattr(term, "title", "") or ""
    if not isinstance(title, str):
        return ""
    return _BAD.sub("", title).strip()


def _num(v: float) -> str:
    return f"{round(v, 2):g}"


# --------------------------------------------------------------------------- exporters

def to_text(term: TerminalLike) -> str:
    """The screen's characters: one line per row, trailing spaces trimmed, final newline."""
    buffer = term.screen.buffer
    cols = term.cols
    return "".join(_row_text(buffer[y], cols).rstrip(" ") + "\n" for y in range(term.rows))


def _sgr_color(value: object, foreground: bool) -> str:
    h = _hex(value)
    if h is not None:
        idx = _HEX_TO_256.get(h)
        base = "38" if foreground else "48"
        if idx is not None:
            return f"{base};5;{idx}"
        return f"{base};2;{int(h[0:2], 16)};{int(h[2:4], 16)};{int(h[4:6], 16)}"
    idx = _color_index(value)
    if idx is None:
        return ""
    if idx < 8:
        return str((30 if foreground else 40) + idx)
    if idx < 16:
        return str((90 if foreground else 100) + idx - 8)
    return f"{'38' if foreground else '48'};5;{idx}"


@lru_cache(maxsize=4096)
def _sgr(key: tuple) -> str:
    """The SGR sequence (after a reset) for a style key; '' for the default style."""
    fg, bg, bold, italics, underscore, strikethrough, reverse, blink = (tuple(key) + (False,) * 8)[:8]
    params = []
    for flag, code in ((bold, "1"), (italics, "3"), (underscore, "4"), (blink, "5"),
                       (reverse, "7"), (strikethrough, "9")):
        if flag:
            params.append(code)
    for value, foreground in ((fg, True), (bg, False)):
        code = _sgr_color(value, foreground)
        if code:
            params.append(code)
    return "\x1b[0;" + ";".join(params) + "m" if params else ""


def to_ansi(term: TerminalLike) -> str:
    """The screen for a terminal: cleaned text with generated SGR sequences, reset per line."""
    buffer = term.screen.buffer
    cols = term.cols
    out: list[str] = []
    for y in range(term.rows):
        current = ""
        for run in _trim(_row_runs(buffer[y], cols)):
            sgr = _sgr(run.key)
            if sgr != current:
                out.append(sgr or "\x1b[0m")
                current = sgr
            out.append(run.text)
        if current:
            out.append("\x1b[0m")
        out.append("\n")
    return "".join(out)


def _decoration(look: _Look) -> str:
    parts = []
    if look.underline:
        parts.append("underline")
    if look.strike:
        parts.append("line-through")
    return " ".join(parts)


class Provenance(Protocol):
    """Where a frame comes from (castview.provenance): a title and (name, value) fields,
    values already printable; escaped here for XML and HTML."""

    title: str
    fields: tuple[tuple[str, str], ...]


def to_svg(term: TerminalLike, theme: Theme | None = None, provenance: Provenance | None = None,
           caption: bool = False) -> str:
    """A standalone SVG picture of the screen (cell size CELL_WIDTH x CELL_HEIGHT px);
    `provenance` in its title, <desc> and <metadata>, and (`caption`) in lines under it."""
    theme = theme or Theme.default()
    cols, rows = term.cols, term.rows
    width, height = cols * CELL_WIDTH, rows * CELL_HEIGHT
    shown = provenance.fields if provenance is not None and caption else ()
    height += len(shown) * CELL_HEIGHT
    cx, cy = _cursor_pos(term, True)
    buffer = term.screen.buffer
    esc = html.escape
    title = _title(term)

    rects: list[str] = []
    texts: list[str] = []
    for y in range(rows):
        runs = _row_runs(buffer[y], cols, cx if y == cy else -1, split_wide=True)
        top = y * CELL_HEIGHT
        # background rectangles, merged across runs of the same colour
        bg_start, bg_colour = 0, ""
        for run in runs + [_Run(cols, "", 0, (), False)]:
            look = _look(theme, run.key) if run.key else None
            colour = "" if look is None or look.default_bg else look.bg
            if colour != bg_colour:
                if bg_colour:
                    rects.append(
                        f'<rect x="{_num(bg_start * CELL_WIDTH)}" y="{_num(top)}" '
                        f'width="{_num((run.x - bg_start) * CELL_WIDTH)}" height="{_num(CELL_HEIGHT)}" '
                        f'fill="{bg_colour}"/>'
                    )
                bg_start, bg_colour = run.x, colour
        for run in runs:
            look = _look(theme, run.key)
            deco = _decoration(look)
            if not deco:
                run = _strip_spaces(run)
                if not run.text:
                    continue
            attrs = [
                f'x="{_num(run.x * CELL_WIDTH)}"',
                f'y="{_num(top + _BASELINE)}"',
                f'textLength="{_num(run.cells * CELL_WIDTH)}"',
                'lengthAdjust="spacingAndGlyphs"',
            ]
            if look.fg != theme.fg:
                attrs.append(f'fill="{look.fg}"')
            if look.bold:
                attrs.append('font-weight="bold"')
            if look.italic:
                attrs.append('font-style="italic"')
            if deco:
                attrs.append(f'text-decoration="{deco}"')
            if look.blink:
                attrs.append('class="blink"')
            if run.wide:
                attrs.append('data-wide="1"')
            texts.append(f"<text {' '.join(attrs)}>{esc(run.text, quote=False)}</text>")

    texts.extend(f'<text class="caption" x="0" y="{_num((rows + i) * CELL_HEIGHT + _BASELINE)}">'
                 f"{esc(f'{name}: {value}', quote=False)}</text>" for i, (name, value) in enumerate(shown))
    title = provenance.title if provenance is not None else title
    return "".join([
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" height="{_num(height)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" data-cols="{cols}" data-rows="{rows}">\n',
        f"<title>{esc(title or 'castview', quote=False)}</title>\n",
        _svg_provenance(provenance),
        "<style>.blink{animation:castview-blink 1s steps(1) infinite}"
        "@keyframes castview-blink{50%{opacity:0}}</style>\n",
        f'<rect width="100%" height="100%" fill="{theme.bg}"/>\n',
        '<g class="bg" shape-rendering="crispEdges">\n',
        "\n".join(rects),
        "\n</g>\n",
        f'<g class="fg" fill="{theme.fg}" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" '
        'xml:space="preserve">\n',
        "\n".join(texts),
        "\n</g>\n</svg>\n",
    ])


def _svg_provenance(provenance: Provenance | None) -> str:
    if provenance is None:
        return ""
    esc = html.escape
    desc = "\n".join(f"{name}: {value}" for name, value in provenance.fields)
    attrs = " ".join(f'{name}="{esc(value)}"' for name, value in provenance.fields)
    return (f"<desc>{esc(desc, quote=False)}</desc>\n"
            f'<metadata><castview:provenance xmlns:castview="{PROVENANCE_NS}" {attrs}/></metadata>\n')


@lru_cache(maxsize=4096)
def _css(theme: Theme, key: tuple) -> str:
    look = _look(theme, key)
    parts = []
    if look.fg != theme.fg:
        parts.append(f"color:{look.fg}")
    if not look.default_bg:
        parts.append(f"background-color:{look.bg}")
    if look.bold:
        parts.append("font-weight:bold")
    if look.italic:
        parts.append("font-style:italic")
    deco = _decoration(look)
    if deco:
        parts.append(f"text-decoration:{deco}")
    return ";".join(parts)


def to_html(term: TerminalLike, theme: Theme | None = None, provenance: Provenance | None = None,
            caption: bool = False) -> str:
    """A standalone HTML document: a <pre> of styled <span>s with inline CSS, cursor shown;
    `provenance` in its title and <meta> tags, and (`caption`) in a table under it."""
    theme = theme or Theme.default()
    cols, rows = term.cols, term.rows
    cx, cy = _cursor_pos(term, True)
    buffer = term.screen.buffer
    esc = html.escape
    lines: list[str] = []
    for y in range(rows):
        parts: list[str] = []
        for run in _trim(_row_runs(buffer[y], cols, cx if y == cy else -1, split_wide=True)):
            text = esc(run.text, quote=False)
            if run.wide:
                text = f'<span class="w">{text}</span>'
            css = _css(theme, run.key)
            classes = []
            if run.key and run.key[0] is _CURSOR:
                classes.append("cursor")
            elif _look(theme, run.key).blink:
                classes.append("blink")
            if css or classes:
                cls = f' class="{" ".join(classes)}"' if classes else ""
                style = f' style="{css}"' if css else ""
                parts.append(f"<span{cls}{style}>{text}</span>")
            else:
                parts.append(text)
        lines.append("".join(parts))
    title = esc(provenance.title if provenance is not None else _title(term) or "castview", quote=False)
    metas = "".join(f'<meta name="castview:{name}" content="{esc(value)}">\n'
                    for name, value in (provenance.fields if provenance is not None else ()))
    below = ""
    if provenance is not None and caption:
        rows_html = "".join(f"<tr><th>{esc(name)}</th><td>{esc(value)}</td></tr>" for name, value in provenance.fields)
        below = f'\n<table class="castview-caption">{rows_html}</table>'
    font = FONT_FAMILY.replace("'", '"')
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n{metas}"
        "<style>\n"
        f"body{{margin:0;padding:0;background:{theme.bg}}}\n"
        f"pre.castview{{display:inline-block;margin:0;padding:8px;min-width:{cols}ch;"
        f"background:{theme.bg};color:{theme.fg};font-family:{font};font-size:{FONT_SIZE}px;"
        f"line-height:{_num(CELL_HEIGHT)}px}}\n"
        "pre.castview .w{display:inline-block;width:2ch;text-align:center}\n"
        "pre.castview .blink{animation:castview-blink 1s steps(1) infinite}\n"
        "@keyframes castview-blink{50%{opacity:0}}\n"
        "</style>\n</head>\n<body>\n"
        f'<pre class="castview" data-cols="{cols}" data-rows="{rows}">'
        + "\n".join(lines)
        + f"</pre>{below}\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- rich

def _theme_cache(theme: Theme, name: str) -> dict:
    """A per-theme dict cache kept on the (frozen) theme itself: cheaper than hashing it."""
    cache = theme.__dict__.get(name)
    if cache is None:
        cache = {}
        object.__setattr__(theme, name, cache)
    elif len(cache) > 4096:
        cache.clear()
    return cache


def _rich_style(theme: Theme, key: tuple, cache: dict) -> Style:
    style = cache.get(key)
    if style is None:
        look = _look(theme, key)
        style = cache[key] = Style(
            color=look.fg,
            bgcolor=look.bg,
            bold=look.bold,
            italic=look.italic,
            underline=look.underline,
            strike=look.strike,
            blink=look.blink,
        )
    return style


def row_segments(term: TerminalLike, y: int, theme: Theme | None = None, cursor: bool = True) -> list[Segment]:
    """One row as Rich segments, runs of the same style merged, covering `term.cols` cells.

    Colours are resolved through `theme` (default: `Theme.default()`), so the view looks the
    same whatever the user's terminal. Where Rich's width table disagrees with the
    emulator's, the cell is padded (or, if Rich finds it wider, its variation selector
    dropped or the char replaced by U+FFFD), so each row is `term.cols` cells as Rich
    measures it."""
    theme = theme or _DEFAULT_THEME
    cache = _theme_cache(theme, "_rich_styles")
    cols = term.cols
    cx, cy = _cursor_pos(term, cursor)
    line = term.screen.buffer[y]
    cursor_x = cx if y == cy else -1
    runs = _row_runs(line, cols, cursor_x)
    for run in runs:
        if not run.text.isascii() and cell_len(run.text) != run.cells:
            # Rich and the emulator disagree on some char's width: fit cell by cell
            runs = _merge([
                r._replace(text=_fit_rich(r.text, r.cells)) if not r.text.isascii() else r
                for r in _row_runs(line, cols, cursor_x, split_cells=True)
            ])
            break
    return [Segment(run.text, _rich_style(theme, run.key, cache)) for run in runs]


def _merge(runs: list[_Run]) -> list[_Run]:
    merged: list[_Run] = []
    for run in runs:
        if merged and merged[-1].key == run.key:
            last = merged[-1]
            merged[-1] = last._replace(text=last.text + run.text, cells=last.cells + run.cells, wide=False)
        else:
            merged.append(run)
    return merged


def screen_segments(term: TerminalLike, theme: Theme | None = None, cursor: bool = True) -> list[list[Segment]]:
    """`row_segments` for every row."""
    return [row_segments(term, y, theme, cursor) for y in range(term.rows)]


def to_rich_lines(term: TerminalLike, theme: Theme | None = None, show_cursor: bool = True) -> list[Text]:
    """Every row as a Rich Text (for printing with a Rich console)."""
    lines = []
    for segments in screen_segments(term, theme, show_cursor):
        text = Text(no_wrap=True, end="")
        for seg in segments:
            text.append(seg.text, seg.style)
        lines.append(text)
    return lines


# --------------------------------------------------------------------------- dispatch

def export(term: TerminalLike, fmt: str, theme: Theme | None = None, provenance: Provenance | None = None,
           caption: bool = False) -> str:
    """Render the screen in one of FORMATS ("text", "ansi", "svg", "html"). SVG and HTML
    carry `provenance` (if given) in their metadata, text and ANSI nothing but the screen."""
    if fmt == "text":
        return to_text(term)
    if fmt == "ansi":
        return to_ansi(term)
    if fmt == "svg":
        return to_svg(term, theme, provenance, caption)
    if fmt == "html":
        return to_html(term, theme, provenance, caption)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def iter_rows(term: TerminalLike) -> Iterator[str]:
    """The cleaned text of each row, untrimmed (for search and tests)."""
    buffer = term.screen.buffer
    for y in range(term.rows):
        yield _row_text(buffer[y], term.cols)
