"""Screen renderers: text, ANSI, SVG, HTML and Rich segments, on real and hostile screens."""

from __future__ import annotations

import json
import re
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from unicodedata import normalize

import pytest
from hypothesis import given, settings, strategies as st
from pyte.screens import Char
from rich.cells import cell_len

from castview.term.render import (
    CELL_HEIGHT,
    CELL_WIDTH,
    XTERM_256,
    Theme,
    export,
    row_segments,
    to_ansi,
    to_html,
    to_rich_lines,
    to_svg,
    to_text,
)
from castview.term.screen import Terminal

PUBLIC = Path(__file__).parent / "data" / "public"
SVG_NS = "{http://www.w3.org/2000/svg}"


def term(data: str = "", cols: int = 20, rows: int = 4) -> Terminal:
    t = Terminal(cols, rows)
    if data:
        t.feed(data)
    return t


def put(t: Terminal, x: int, y: int, data: str, **attrs) -> None:
    """Force a cell's content, whatever the emulator would allow."""
    t.screen.buffer[y][x] = Char(data, **attrs)


SGR_ONLY = re.compile(r"\x1b\[[0-9;:]*m")
BAD_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")

HOSTILE_FEEDS = [
    "a\x1b]52;c;ZXZpbA==\x07b",  # OSC 52 clipboard write
    "\x1b]0;\x1b[31mevil\x07title\r\n",  # title set, with an escape inside
    "x\x9b31my\x07z",  # raw C1 CSI, BEL
    "p\x85q\x7fr\x00s",  # NEL (C1), DEL, NUL
    "\u202eevil\u2066x\u2069",  # bidi override and isolates
    "\x1bP+q544e\x1b\\after",  # DCS
]
HOSTILE_CELLS = ["\x1b", "\x07", "\x9b", "\x00", "\x7f", "\u202e", "\u2066", "\u2028", "a\x1b", "\x1b[31m",
                 "\ud800", "\ufffe"]


def hostile_term() -> Terminal:
    t = term(cols=24, rows=len(HOSTILE_FEEDS) + 2)
    for i, data in enumerate(HOSTILE_FEEDS):
        t.feed(f"\x1b[{i + 1};1H")
        t.feed(data)
    for x, data in enumerate(HOSTILE_CELLS):
        put(t, x, len(HOSTILE_FEEDS) + 1, data, fg="red")
    return t


def assert_clean_text(s: str) -> None:
    assert not BAD_TEXT.search(s), repr(BAD_TEXT.search(s))
    assert "\x1b" not in s


def assert_sgr_only(s: str) -> None:
    assert_clean_text(SGR_ONLY.sub("", s))


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    "data,expected",
    [
        ("hello", "hello"),
        ("\x1b[1;31mred\x1b[0m \x1b[38;5;196mX\x1b[48;2;1;2;3mY", "red XY"),
        ("a   \r\nb", "a\nb"),
        ("中文x", "中文x"),
        ("😀!", "😀!"),
        ("e\u0301t", "e\u0301t"),
    ],
)
def test_text_rows(data, expected):
    t = term(data)
    want = expected.split("\n")
    want += [""] * (t.rows - len(want))
    assert normalize("NFC", to_text(t)) == normalize("NFC", "\n".join(want) + "\n")


def test_text_hostile_has_no_controls():
    t = hostile_term()
    text = to_text(t)
    assert_clean_text(text)
    assert text.endswith("\n") and text.count("\n") == t.rows


@pytest.mark.parametrize("data", HOSTILE_CELLS)
def test_forced_control_cell_becomes_space_and_keeps_columns(data):
    t = term("abc")
    put(t, 1, 0, data)
    line = to_text(t).split("\n")[0]
    assert_clean_text(line)
    assert line[0] == "a" and line[-1] == "c"
    assert cell_len(line) == 3


def test_wide_char_appears_once_and_orphan_half_is_space():
    t = term("中x")
    assert to_text(t).split("\n")[0] == "中x"
    put(t, 0, 0, " ")  # left half overwritten: the "" right half is left alone
    assert to_text(t).split("\n")[0] == "  x"


def test_zwj_sequence_stays_in_its_cell_and_junk_is_cut():
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    t = term(family + "x")
    assert to_text(t).split("\n")[0] == family + "x"
    put(t, 0, 0, "a\u0301bc")  # a forced cell holding more than one character
    assert to_text(t).split("\n")[0] == "a\u0301 x"


def test_lone_combining_mark_cannot_attach_to_neighbour():
    t = term("ab")
    put(t, 1, 0, "\u0301")
    assert to_text(t).split("\n")[0] == "a \u0301"


# --------------------------------------------------------------------------- ansi


@pytest.mark.parametrize(
    "data,sgr",
    [
        ("\x1b[31mX", "31"),
        ("\x1b[33mX", "33"),  # pyte calls it "brown"
        ("\x1b[91mX", "91"),
        ("\x1b[105mX", "105"),  # pyte's "bfightmagenta"
        ("\x1b[44mX", "44"),
        ("\x1b[38;5;196mX", "38;5;196"),
        ("\x1b[48;5;240mX", "48;5;240"),
        ("\x1b[38;2;1;2;3mX", "38;2;1;2;3"),
        ("\x1b[1mX", "1"),
        ("\x1b[3mX", "3"),
        ("\x1b[4mX", "4"),
        ("\x1b[5mX", "5"),
        ("\x1b[7mX", "7"),
        ("\x1b[9mX", "9"),
    ],
)
def test_ansi_sgr(data, sgr):
    out = to_ansi(term(data))
    assert f"\x1b[0;{sgr}mX\x1b[0m" in out
    assert_sgr_only(out)


ROUNDTRIP = [
    "\x1b[1;31mred\x1b[0m plain \x1b[3;4;9mdeco\x1b[0m",
    "\x1b[7mrev\x1b[27m \x1b[5mblink\x1b[0m",
    "\x1b[38;5;1mA\x1b[38;5;200mB\x1b[48;5;17mC\x1b[38;2;10;20;30;48;2;200;100;0mD",
    "\x1b[92;104mbright\x1b[0m",
    "中文 😀 e\u0301 \x1b[41m  \x1b[0m",
    "\x1b[44m" + " " * 20 + "\x1b[0mnext",
]


@pytest.mark.parametrize("data", ROUNDTRIP)
def test_ansi_roundtrip_reproduces_the_screen(data):
    t = term(data, cols=20, rows=3)
    copy = term(to_ansi(t).replace("\n", "\r\n"), cols=20, rows=4)
    for y in range(t.rows):
        for x in range(t.cols):
            assert copy.screen.buffer[y][x] == t.screen.buffer[y][x], (x, y)


def test_ansi_hostile_has_only_sgr():
    out = to_ansi(hostile_term())
    assert_sgr_only(out)
    assert "]52" not in out


def test_ansi_resets_at_line_end():
    out = to_ansi(term("\x1b[31mred\r\n\x1b[0mplain"))
    first, second = out.split("\n")[:2]
    assert first.endswith("\x1b[0m")
    assert second == "plain"


# --------------------------------------------------------------------------- svg


def svg_tree(t, theme=None) -> ET.Element:
    return ET.fromstring(to_svg(t, theme).encode())


def texts(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(SVG_NS + "text"))


def rects(root: ET.Element, fill: str) -> list[ET.Element]:
    return [r for r in root.iter(SVG_NS + "rect") if r.get("fill") == fill]


def test_svg_parses_and_has_geometry():
    t = term("hello", cols=10, rows=3)
    root = svg_tree(t)
    assert float(root.get("width")) == pytest.approx(10 * CELL_WIDTH)
    assert float(root.get("height")) == pytest.approx(3 * CELL_HEIGHT)
    (el,) = [e for e in texts(root) if e.text == "hello"]
    assert float(el.get("x")) == 0 and float(el.get("textLength")) == pytest.approx(5 * CELL_WIDTH)
    fg_group = root.find(SVG_NS + "g[@class='fg']")
    assert fg_group.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    assert "monospace" in fg_group.get("font-family")


def test_svg_wide_chars_take_two_cells():
    root = svg_tree(term("a中b😀c"))
    by_text = {e.text: e for e in texts(root)}
    wide = by_text["中"]
    assert float(wide.get("x")) == pytest.approx(1 * CELL_WIDTH)
    assert float(wide.get("textLength")) == pytest.approx(2 * CELL_WIDTH)
    assert float(by_text["b"].get("x")) == pytest.approx(3 * CELL_WIDTH)
    assert float(by_text["😀"].get("textLength")) == pytest.approx(2 * CELL_WIDTH)
    assert float(by_text["c"].get("x")) == pytest.approx(6 * CELL_WIDTH)


def test_svg_cursor_drawn_unless_hidden():
    theme = Theme.default()
    t = term("ab")
    (cur,) = rects(svg_tree(t), theme.cursor)
    assert float(cur.get("x")) == pytest.approx(2 * CELL_WIDTH)
    assert float(cur.get("y")) == 0
    t.feed("\x1b[?25l")
    assert rects(svg_tree(t), theme.cursor) == []


def test_svg_cursor_on_wide_char_covers_both_cells():
    theme = Theme.default()
    t = term("中")
    t.feed("\x1b[1;1H")
    (cur,) = rects(svg_tree(t), theme.cursor)
    assert float(cur.get("width")) == pytest.approx(2 * CELL_WIDTH)
    (el,) = [e for e in texts(svg_tree(t)) if e.text == "中"]
    assert el.get("fill") == theme.bg


def test_svg_styles():
    theme = Theme.default()
    t = term("\x1b[1;31mB\x1b[0;31mR\x1b[0;3mI\x1b[0;4mU\x1b[0;9mS\x1b[0;7mV\x1b[0;42mG\x1b[0;38;2;1;2;3mT")
    root = svg_tree(t, theme)
    by_text = {e.text: e for e in texts(root)}
    assert by_text["B"].get("font-weight") == "bold"
    assert by_text["B"].get("fill") == theme.palette[9]  # bold brightens
    assert by_text["R"].get("fill") == theme.palette[1]
    assert by_text["I"].get("font-style") == "italic"
    assert by_text["U"].get("text-decoration") == "underline"
    assert by_text["S"].get("text-decoration") == "line-through"
    assert by_text["V"].get("fill") == theme.bg  # reverse: default bg as fg ...
    assert rects(root, theme.fg)  # ... and default fg as background
    assert rects(root, theme.palette[2])
    assert by_text["T"].get("fill") == "#010203"


def test_svg_escapes_and_survives_hostile_content():
    t = hostile_term()
    t.feed("\x1b[8;1H<&>\"'")
    raw = to_svg(t)
    assert_clean_text(raw.replace("\n", ""))
    root = ET.fromstring(raw.encode())
    assert any(e.text and "<&>" in e.text for e in texts(root))


# --------------------------------------------------------------------------- html


class _PreText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.text: list[str] = []
        self.spans: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "pre":
            self.inside = True
        if tag == "span":
            self.spans.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag == "pre":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text.append(data)


def parse_html(doc: str) -> _PreText:
    p = _PreText()
    p.feed(doc)
    p.close()
    return p


def test_html_text_matches_screen_and_is_escaped():
    t = term("<script>alert(1)</script>&amp;", cols=40, rows=2)
    doc = to_html(t)
    assert doc.startswith("<!DOCTYPE html>")
    assert "<script>" not in doc
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;" in doc
    p = parse_html(doc)
    shown = "".join(p.text).split("\n")
    assert [s.rstrip() for s in shown] == to_text(t).split("\n")[:-1]


def test_html_cursor_and_styles():
    theme = Theme.default()
    t = term("\x1b[1;32mok\x1b[0m ")
    p = parse_html(to_html(t, theme))
    cursors = [s for s in p.spans if s.get("class") == "cursor"]
    assert len(cursors) == 1 and f"background-color:{theme.cursor}" in cursors[0]["style"]
    assert any("font-weight:bold" in s.get("style", "") and theme.palette[10] in s["style"] for s in p.spans)
    t.feed("\x1b[?25l")
    assert not [s for s in parse_html(to_html(t, theme)).spans if s.get("class") == "cursor"]


def test_html_wide_chars_in_two_cell_boxes_and_hostile_clean():
    doc = to_html(term("中"))
    assert '<span class="w">中</span>' in doc
    assert_clean_text(to_html(hostile_term()).replace("\n", ""))


def test_html_title_is_escaped():
    t = term("\x1b]2;<b>x</b>\x07hi")
    doc = to_html(t)
    assert "<b>" not in doc


# --------------------------------------------------------------------------- rich


@pytest.mark.parametrize(
    "data",
    ["plain", "中文 😀 e\u0301", "\x1b[31mred\x1b[44mblue", "", "\u2764\ufe0f heart", "\U0001F1FA\U0001F1F8 flag",
     "\U0001F468\u200d\U0001F469\u200d\U0001F467 family", "\x1b[7m中\x1b[0m\x1b[1;1H"],
)
def test_row_segments_cover_the_row(data):
    t = term(data, cols=20, rows=2)
    for y in range(t.rows):
        segs = row_segments(t, y)
        assert sum(cell_len(s.text) for s in segs) == t.cols
        assert_clean_text("".join(s.text for s in segs))


def test_row_segments_hostile_and_cursor():
    theme = Theme.default()
    t = hostile_term()
    for y in range(t.rows):
        assert_clean_text("".join(s.text for s in row_segments(t, y)))
    t = term("ab")
    segs = row_segments(t, 0, theme)
    cursor = [s for s in segs if s.style.bgcolor.triplet.hex == theme.cursor]
    assert len(cursor) == 1 and cursor[0].text == " "
    assert not [s for s in row_segments(t, 0, theme, cursor=False) if s.style.bgcolor.triplet.hex == theme.cursor]
    assert len(segs) == 3  # "ab", the cursor cell, the rest


def test_row_segments_styles():
    theme = Theme.default()
    t = term("\x1b[1;31mB\x1b[0;7mR\x1b[0;3;4;9mX\x1b[0m", cols=10, rows=2)
    b, r, x = row_segments(t, 0, theme)[:3]
    assert b.style.bold and b.style.color.triplet.hex == theme.palette[9]
    assert r.style.color.triplet.hex == theme.bg and r.style.bgcolor.triplet.hex == theme.fg
    assert x.style.italic and x.style.underline and x.style.strike


def test_256_colour_low_indices_follow_the_theme():
    palette = ":".join(f"#0000{i:02x}" for i in range(16))
    theme = Theme.from_asciicast({"fg": "#ffffff", "bg": "#000000", "palette": palette})
    t = term("\x1b[38;5;1mA\x1b[38;5;9mB\x1b[48;5;3mC\x1b[38;5;16mD")
    by_text = {e.text: e for e in texts(svg_tree(t, theme))}
    assert by_text["A"].get("fill") == "#000001"
    assert by_text["B"].get("fill") == "#000009"
    assert rects(svg_tree(t, theme), "#000003")
    assert by_text["D"].get("fill") == XTERM_256[16]
    assert "\x1b[0;31mA\x1b[0;91mB\x1b[0;91;43mC\x1b[0;38;5;16;43mD" in to_ansi(t)


def test_rich_lines():
    lines = to_rich_lines(term("hi", cols=5, rows=2), show_cursor=False)
    assert [line.plain for line in lines] == ["hi   ", "     "]


def test_rendering_a_large_screen_is_fast():
    t = term(cols=200, rows=50)
    for y in range(50):
        t.feed(f"\x1b[{y + 1};1H" + "".join(f"\x1b[3{i % 8}m{'w' * (i % 7)}中 " for i in range(20)))
    [row_segments(t, y) for y in range(t.rows)]  # warm the caches
    start = time.perf_counter()
    for _ in range(5):
        [row_segments(t, y) for y in range(t.rows)]
    per_screen = (time.perf_counter() - start) / 5
    assert per_screen < 0.05, per_screen  # a few ms in practice; lenient for slow CI


# --------------------------------------------------------------------------- theme


def test_theme_from_asciicast_header():
    header = json.loads((PUBLIC / "player-theme.v3.cast").read_text().splitlines()[0])
    theme = Theme.from_asciicast(header["term"]["theme"])
    assert theme is not None
    assert theme.fg == "#fafafa" and theme.bg == "#bababa"
    assert theme.palette[1] == "#111111" and theme.palette[15] == "#ffffff"
    svg = svg_tree(term("\x1b[31mR", cols=5, rows=1), theme)
    (el,) = [e for e in texts(svg) if e.text == "R"]
    assert el.get("fill") == "#111111"


def test_theme_eight_colours_repeat():
    theme = Theme.from_asciicast({"fg": "#FFF", "bg": "#000000", "palette": ":".join(["#123456"] * 7 + ["#abcdef"])})
    assert theme is not None and len(theme.palette) == 16
    assert theme.fg == "#ffffff" and theme.palette[15] == "#abcdef"


@pytest.mark.parametrize(
    "mapping",
    [
        None,
        "nope",
        {},
        {"fg": "#fff", "bg": "#000"},
        {"fg": "#fff", "bg": "#000", "palette": "#000:#111"},
        {"fg": "red", "bg": "#000", "palette": ":".join(["#000"] * 8)},
        {"fg": "#fff", "bg": "#000", "palette": ":".join(["#000"] * 7 + ["#00g"])},
        {"fg": "#fff", "bg": "#000", "palette": ["#000"] * 8},
    ],
)
def test_theme_invalid_is_none(mapping):
    assert Theme.from_asciicast(mapping) is None


def test_theme_validation_and_palette():
    with pytest.raises(ValueError):
        Theme(fg="#fff", bg="#000", cursor="#fff", palette=("#000",) * 15)
    theme = Theme.default()
    assert len(theme.palette) == 16 and len(XTERM_256) == 256
    assert XTERM_256[196] == "#ff0000" and XTERM_256[232] == "#080808"
    assert theme.index_color(1) == theme.palette[1] and theme.index_color(21) == "#0000ff"
    assert theme.resolve("brown", foreground=True) == theme.palette[3]
    assert theme.resolve("brightbrown", foreground=True) == theme.palette[11]
    assert theme.resolve("bfightmagenta", foreground=False) == theme.palette[13]
    assert theme.resolve("default", foreground=False) == theme.bg
    assert theme.resolve("ABCDEF", foreground=True) == "#abcdef"
    assert theme.resolve(9, foreground=True) == theme.palette[9]


# --------------------------------------------------------------------------- dispatch, properties


def test_export_dispatch():
    t = term("x")
    assert export(t, "text") == to_text(t)
    assert export(t, "ansi") == to_ansi(t)
    assert export(t, "svg") == to_svg(t)
    assert export(t, "html") == to_html(t)
    with pytest.raises(ValueError):
        export(t, "pdf")


COLOURS = st.sampled_from(["default", "red", "brown", "brightcyan", "bfightmagenta", "ff0000", "0a0b0c", "e4e4e4"])
CELLS = st.builds(
    Char,
    data=st.one_of(st.text(max_size=3), st.sampled_from(HOSTILE_CELLS + ["中", "", "e\u0301"])),
    fg=COLOURS,
    bg=COLOURS,
    bold=st.booleans(),
    italics=st.booleans(),
    underscore=st.booleans(),
    strikethrough=st.booleans(),
    reverse=st.booleans(),
    blink=st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=16))
def test_any_cells_render_safely(cells):
    t = term(cols=8, rows=2)
    for i, c in enumerate(cells):
        t.screen.buffer[i // 8][i % 8] = c
    assert_clean_text(to_text(t))
    assert_sgr_only(to_ansi(t))
    ET.fromstring(to_svg(t).encode())
    assert_clean_text(to_html(t).replace("\n", ""))
    for y in range(t.rows):
        assert_clean_text("".join(s.text for s in row_segments(t, y)))
