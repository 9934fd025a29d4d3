"""Single escape sequences rendered by castview's Terminal and by a real tmux pane.

Each case is a short input, usually after some setup text, on a small screen.
The oracle (tests/tmux_oracle.py) renders the same bytes in tmux 3.3a; the
text (with DEC graphics as glyphs), the cursor, the visibility of the cursor,
the alternate-screen flag, the title and the colours/attributes of every cell
tmux reports must be identical.
"""

from __future__ import annotations

import pytest

from castview.term.screen import Terminal
from tmux_oracle import styled_rows_of

# Five rows of text to give erase/scroll/insert operations something to move.
SETUP = "row0 alpha beta\r\nrow1 gamma delta\r\nrow2 epsilon\r\nrow3 zeta eta\r\nrow4 theta"
FULL = SETUP + "\r\nrow5 iota kappa"  # fills a 20x6 screen, cursor on the last row
A20 = "a" * 20  # exactly one row on a 20-column screen: pending wrap

# Accepted deviations from tmux (see the module docstring of castview.term.screen):
# tmux 3.3a takes an APC string (ESC _ ... ST) as the pane title; castview, like
# xterm, ignores APC strings (kitty graphics use them), so only the title differs.
TITLE_FROM_APC = {"apc"}

# (id, input, cols, rows)
CASES: list[tuple[str, str, int, int]] = [
    # --- printing, wrapping, C0 ---
    ("wrap", "x" * 25, 20, 6),
    ("crlf", "one\r\ntwo\r\nthree", 20, 6),
    ("lf-no-cr", "one\ntwo\nthree", 20, 6),
    ("pending-wrap", A20, 20, 6),
    ("pending-wrap-cr", A20 + "\rX", 20, 6),
    ("pending-wrap-lf", A20 + "\nX", 20, 6),
    ("scroll-at-bottom", FULL + "\r\nnew line", 20, 6),
    ("wrap-scrolls", FULL + "0123456789012345", 20, 6),
    ("bs-reverse-wrap", "b" * 21 + "\r\bX", 20, 6),
    ("bs-pending", A20 + "\bX", 20, 6),
    ("bs-col0-unwrapped", "ab\r\n\bX", 20, 6),
    ("tab", "a\tb\tc", 20, 6),
    ("tab-end", "x" * 17 + "\t\tY", 20, 6),
    ("tab-pending", A20 + "\tY", 20, 6),
    ("hts-tbc", "\x1b[3g\x1b[5G\x1bH\r\tX\x1b[g\r\tY", 20, 6),
    ("cbt", "\t\t\x1b[ZX\x1b[3ZY", 20, 6),
    ("stray-c0", "a\x01b\x02c\x7fd\x00e\x1cf\x05g", 20, 6),
    ("c1-dropped", "a\u009bb\u0085c\u0090d", 20, 6),
    ("bel", "a\x07b", 20, 6),
    ("can-aborts-csi", "ab\x1b[31\x18X", 20, 6),
    ("sub-aborts-csi", "ab\x1b[1;\x1aY", 20, 6),
    ("c0-inside-csi", "abcd\x1b[2\rC!", 20, 6),
    ("esc-inside-csi", "\x1b[3\x1b[1mX", 20, 6),
    ("non-ascii-inside-csi", "\x1b[3\u00e9mX\x1b[4\u4e2dCY", 20, 6),
    ("csi-private-after-param", "ab\x1b[1?hX", 20, 6),
    ("esc-c0-final", "ab\x1b\nDc", 20, 6),
    # --- cursor movement ---
    ("cup", "\x1b[3;5HX", 20, 6),
    ("cup-defaults", "\x1b[;5HX\x1b[4;HY\x1b[0;0HZ", 20, 6),
    ("cup-clamp", "\x1b[99;99HX", 20, 6),
    ("cup-colon-ignored", "ab\x1b[3:1;2HX", 20, 6),
    ("cursor-clamps", "\x1b[3;3H\x1b[10A\x1b[2CX\x1b[10D\x1b[10BY\x1b[99CZ", 20, 6),
    ("cuu-pending-wrap", A20 + "\x1b[AX", 20, 6),
    ("cud-pending-wrap", A20 + "\x1b[BX", 20, 6),
    ("cub-pending-wrap", A20 + "\x1b[DX", 20, 6),
    ("cuf-pending-wrap", A20 + "\x1b[CX", 20, 6),
    ("cnl-cpl", "\x1b[3;5H\x1b[EX\x1b[2FY", 20, 6),
    ("cha-hpa", "abc\x1b[10GX\x1b[3`Y\x1b[99GZ", 20, 6),
    ("vpa-hvp", "\x1b[4dX\x1b[2;3fY", 20, 6),
    ("nel", "abc\x1bEX", 20, 6),
    ("ind-bottom", FULL + "\x1bDX", 20, 6),
    ("ri-top", SETUP + "\x1b[H\x1bMX", 20, 6),
    ("ri-middle", SETUP + "\x1b[3;1H\x1bMX", 20, 6),
    ("decsc-decrc", "\x1b[2;3H\x1b7\x1b[5;5H\x1b8X", 20, 6),
    ("decrc-one-slot", "\x1b[2;3H\x1b7\x1b[5;5H\x1b8X\x1b[6;1H\x1b8Y", 20, 6),
    ("decrc-no-save", "\x1b[3;3H\x1b8X", 20, 6),
    ("decsc-attrs", "\x1b[31;44m\x1b7\x1b[0m\x1b8X\x1b[0mY", 20, 6),
    ("csi-s-u", "\x1b[2;3H\x1b[s\x1b[5;5H\x1b[uX", 20, 6),
    ("decrc-pending", A20 + "\x1b7\r\n\x1b8X", 20, 6),
    # --- erasing ---
    ("el0", SETUP + "\x1b[1;6H\x1b[K", 20, 6),
    ("el1", SETUP + "\x1b[1;6H\x1b[1K", 20, 6),
    ("el2", SETUP + "\x1b[1;6H\x1b[2K", 20, 6),
    ("el-pending", A20 + "\x1b[K", 20, 6),
    ("el1-pending", A20 + "\x1b[1K", 20, 6),
    ("el-bg", SETUP + "\x1b[2;6H\x1b[41m\x1b[K\x1b[0m", 20, 6),
    ("ed0", SETUP + "\x1b[3;5H\x1b[J", 20, 6),
    ("ed1", SETUP + "\x1b[3;5H\x1b[1J", 20, 6),
    ("ed2", SETUP + "\x1b[3;5H\x1b[2JX", 20, 6),
    ("ed3-keeps-screen", SETUP + "\x1b[3J", 20, 6),
    ("ed-bg", SETUP + "\x1b[3;5H\x1b[44m\x1b[J\x1b[0m", 20, 6),
    ("ech", SETUP + "\x1b[1;3H\x1b[4X", 20, 6),
    ("ech-bg-clamp", SETUP + "\x1b[1;15H\x1b[42m\x1b[40X\x1b[0m", 20, 6),
    ("dch", SETUP + "\x1b[1;3H\x1b[2P", 20, 6),
    ("dch-bg", SETUP + "\x1b[2;3H\x1b[45m\x1b[3P\x1b[0m", 20, 6),
    ("ich", SETUP + "\x1b[1;3H\x1b[3@", 20, 6),
    ("ich-end", SETUP + "\x1b[1;20H\x1b[3@", 20, 6),
    ("il", SETUP + "\x1b[2;4H\x1b[2L", 20, 6),
    ("dl", SETUP + "\x1b[2;4H\x1b[2M", 20, 6),
    ("dl-unwritten-below", "a\r\nb\r\nc\x1b[1;1H\x1b[M", 20, 6),
    ("il-dl-bg", SETUP + "\x1b[2;1H\x1b[43m\x1b[L\x1b[4;1H\x1b[M\x1b[0m", 20, 6),
    ("su", SETUP + "\x1b[2S", 20, 6),
    ("sd", SETUP + "\x1b[2T", 20, 6),
    ("su-bg", SETUP + "\x1b[46m\x1b[S\x1b[0m", 20, 6),
    # --- scroll regions ---
    ("decstbm-homes", "abc\x1b[2;4rX", 20, 6),
    ("decstbm-no-params", "abc\x1b[rX", 20, 6),
    ("decstbm-invalid", "abc\x1b[4;2rX", 20, 6),
    ("region-lf", SETUP + "\x1b[2;4r\x1b[4;1H\n\nX", 20, 6),
    ("below-region-lf", SETUP + "\x1b[2;3r\x1b[6;1H\n\nX", 20, 6),
    ("region-cuu-cud", SETUP + "\x1b[2;4r\x1b[3;1H\x1b[5AX\x1b[9BY", 20, 6),
    ("below-region-cud", "\x1b[2;3r\x1b[5;1H\x1b[9BX\x1b[1;1H\x1b[9AY", 20, 6),
    ("region-il-dl", SETUP + "\x1b[2;4r\x1b[3;1H\x1b[L\x1b[5;1H\x1b[M", 20, 6),
    ("region-su-sd", SETUP + "\x1b[2;4r\x1b[S\x1b[2T", 20, 6),
    ("origin-mode", "\x1b[2;4r\x1b[?6h\x1b[1;1HX\x1b[9;1HY\x1b[?6l\x1b[1;1HZ", 20, 6),
    ("region-wrap", SETUP + "\x1b[2;3r\x1b[3;18Habcdefgh", 20, 6),
    ("region-ri", SETUP + "\x1b[2;4r\x1b[2;1H\x1bM\x1bMX", 20, 6),
    # --- modes ---
    ("decawm-off", "\x1b[?7l" + "a" * 25 + "\x1b[?7h", 20, 6),
    ("decawm-off-wide", "\x1b[?7l" + "a" * 19 + "\u4e2dX", 20, 6),
    ("irm", "abcdef\r\x1b[4hXY\x1b[4l", 20, 6),
    ("irm-line-end", "abcdefghijklmnopqrst\r\x1b[4hXY\x1b[4lZ", 20, 6),
    ("dectcem", "ab\x1b[?25l", 20, 6),
    ("dectcem-back", "ab\x1b[?25l\x1b[?25h", 20, 6),
    ("lnm-ignored", "ab\x1b[20h\ncd", 20, 6),
    ("deccolm", SETUP + "\x1b[?3hX", 20, 6),
    ("decscnm-ignored", "ab\x1b[?5h", 20, 6),
    ("mouse-modes", "ab\x1b[?1000h\x1b[?1006h\x1b[?1000lcd", 20, 6),
    # --- alternate screen ---
    ("alt-1049", SETUP + "\x1b[?1049h\x1b[Halt\x1b[?1049l", 20, 6),
    ("alt-1049-inside", SETUP + "\x1b[?1049h\x1b[2;2Halt", 20, 6),
    ("alt-47", SETUP + "\x1b[?47h\x1b[Halt\x1b[?47l", 20, 6),
    ("alt-1047", SETUP + "\x1b[?1047h\x1b[Halt\x1b[?1047l", 20, 6),
    ("alt-twice", SETUP + "\x1b[?1049hone\x1b[?1049htwo", 20, 6),
    ("alt-off-unset", SETUP + "\x1b[?1049lX", 20, 6),
    ("alt-attrs", "\x1b[31m\x1b[?1049h\x1b[0;42m\x1b[?1049lX", 20, 6),
    ("alt-ris", "main\x1b[?1049halt\x1bc\x1b[?1049lX", 20, 6),
    ("alt-decsc-shared", "\x1b[2;2H\x1b7\x1b[?1049h\x1b8X\x1b[?1049l", 20, 6),
    ("alt-47-then-1049l", SETUP + "\x1b[?47h\x1b[3;3H\x1b[?1049lX", 20, 6),
    # --- character sets ---
    ("dec-graphics-g0", "\x1b(0lqqk\r\nx  x\r\nmqqj\x1b(B ok", 20, 6),
    ("dec-graphics-g1-so-si", "\x1b)0a\x0elqk\x0fb\x0ex\x0f", 20, 6),
    ("dec-graphics-all", "\x1b(0+,-.0`abcdefghijklmnopqrstuvwxyz{|}~_AZ\x1b(B", 40, 6),
    ("decsc-charset", "\x1b(0\x1b7\x1b(Bq\x1b8q", 20, 6),
    ("scs-uk-ignored", "\x1b(A#\x1b(0\x1b(Aq", 20, 6),
    ("rep-acs", "\x1b(0q\x1b[5b\x1b(B", 20, 6),
    ("acs-sgr", "\x1b[31m\x1b(0x\x1b[1mq\x1b(B\x1b[0mx", 20, 6),
    # --- wide and combining characters ---
    ("cjk", "\u4e2d\u6587abc", 20, 6),
    ("wide-last-column", "a" * 19 + "\u4e2d", 20, 6),
    ("wide-exact", "a" * 18 + "\u4e2dX", 20, 6),
    ("overwrite-second-half", "\u4e2d\u6587\x1b[2GX", 20, 6),
    ("overwrite-first-half", "\u4e2d\u6587\x1b[1GX", 20, 6),
    ("wide-over-narrow", "abcd\x1b[2G\u4e2d", 20, 6),
    ("wide-over-half-wide", "\u4e2d\u6587\x1b[2G\u5b57", 20, 6),
    ("ascii-run-over-wide", "\u4e2d\u6587\u5b57\x1b[2Gxyz", 20, 6),
    ("ech-half-wide", "\u4e2d\u6587\x1b[2G\x1b[X", 20, 6),
    ("el-half-wide", "\u4e2d\u6587\u5b57\x1b[4G\x1b[K", 20, 6),
    ("dch-in-wide", "\u4e2d\u6587\u5b57\x1b[2G\x1b[P", 20, 6),
    ("ich-in-wide", "\u4e2d\u6587\x1b[2G\x1b[@", 20, 6),
    ("combining", "e\u0301a\u0300 n\u0303", 20, 6),
    ("combining-col0", "\u0301x", 20, 6),
    ("combining-after-wide", "\u4e2d\u0301x", 20, 6),
    ("combining-pending", A20 + "\u0301", 20, 6),
    ("combining-limit", "a" + "\u0301" * 12 + "X", 20, 6),
    ("vs16", "\u2764\ufe0fx\u263a\ufe0fy", 20, 6),
    ("zwj-family", "\U0001f468\u200d\U0001f469\u200d\U0001f467x", 20, 6),
    ("zwj-then-ascii", "a\u200dbc\U0001f600d", 20, 6),
    ("skin-tone", "\U0001f44d\U0001f3fdx", 20, 6),
    ("flag", "\U0001f1fa\U0001f1f8x", 20, 6),
    ("emoji-wrap", "a" * 19 + "\U0001f37a!", 20, 6),
    ("unassigned-dropped", "a\u0378b\U000e0fffc", 20, 6),
    ("zero-width-space", "a\u200b\u200bb", 20, 6),
    # --- SGR ---
    ("sgr-basic", "\x1b[1;3;4;5;7;9;31;42mX\x1b[0mY", 20, 6),
    ("sgr-bright", "\x1b[91;102mX\x1b[97;100mY", 20, 6),
    ("sgr-256", "\x1b[38;5;1mA\x1b[38;5;123mB\x1b[48;5;232mC\x1b[38;5;15mD", 20, 6),
    ("sgr-rgb", "\x1b[38;2;10;20;30;48;2;1;2;3mX", 20, 6),
    ("sgr-colon", "\x1b[38:2::10:20:30mA\x1b[38:2:10:20:30mB\x1b[38:5:9mC\x1b[4:3mD\x1b[4:0mE\x1b[48:5:4mF", 20, 6),
    ("sgr-off", "\x1b[1;3;4;5;7;9mX\x1b[22;23;24;25;27;29mY", 20, 6),
    ("sgr-empty-param", "\x1b[31m\x1b[1;;4mX", 20, 6),
    ("sgr-bad-256", "\x1b[31m\x1b[38;5;300mX\x1b[41m\x1b[48;5mY", 20, 6),
    ("sgr-38-missing", "\x1b[31;38mX", 20, 6),
    ("sgr-bad-rgb", "\x1b[38;2;300;1;2;4mX", 20, 6),
    ("sgr-21-6-2-8", "\x1b[21mA\x1b[0;6mB\x1b[0;2mC\x1b[0;8mD\x1b[0;53mE", 20, 6),
    ("sgr-too-many-params",
     "\x1b[31m\x1b[" + ";".join(["1"] * 23 + ["4"]) + "mX\x1b[" + ";".join(["1"] * 22 + ["4"]) + "mY", 20, 6),
    ("sgr-huge-number", "\x1b[31m\x1b[99999999999;4mX", 20, 6),
    ("csi-gt-m-not-sgr", "\x1b[>4;2mX\x1b[>4mY", 20, 6),
    ("csi-q-m-ignored", "\x1b[?4mX", 20, 6),
    # --- private / unknown sequences must not print or raise ---
    ("dsr-private", "a\x1b[?6nb\x1b[6nc\x1b[5n", 20, 6),
    ("kitty-keyboard", "a\x1b[=5ub\x1b[>1uc\x1b[<ud\x1b[?ue", 20, 6),
    ("decstr", "a\x1b[!pb", 20, 6),
    ("decrqm", "a\x1b[?25$pb\x1b[4$pc", 20, 6),
    ("da", "a\x1b[cb\x1b[>cc\x1b[>0qd", 20, 6),
    ("decscusr", "a\x1b[5 qb\x1b[0 qc", 20, 6),
    ("esc-star", "a\x1b*0b\x1b+Bc", 20, 6),
    ("esc-sp-f", "a\x1b Fb\x1b Gc", 20, 6),
    ("esc-percent", "a\x1b%Gb\x1b%@c", 20, 6),
    ("esc-keypad", "a\x1b=b\x1b>c", 20, 6),
    ("esc-unknown", "a\x1bZb\x1bVc\x1b1d\x1bne", 20, 6),
    ("esc-too-many-interm", "a\x1b((((0b", 20, 6),
    ("decaln", "\x1b#8", 20, 6),
    ("decaln-keeps-sgr", "\x1b[31m\x1b#8\x1b[2;2HX", 20, 6),
    ("unknown-csi", "a\x1b[5~b\x1b[1;2yc\x1b[2;3;4$zd", 20, 6),
    ("csi-too-many-interm", "a\x1b[1 !\"#pb", 20, 6),
    ("csi-long-params", "a\x1b[" + "1;" * 40 + "4mX", 20, 6),
    ("winops", "a\x1b[8;50;100tb\x1b[14tc\x1b[18t", 20, 6),
    ("dcs", "a\x1bPzz\x1b\\b", 20, 6),
    ("dcs-xtgettcap", "a\x1bP+q544e\x1b\\b", 20, 6),
    ("dcs-sixel", "a\x1bPq#0;2;0;0;0#0~~@@vv\x1b\\b", 20, 6),
    ("dcs-esc-inside", "a\x1bPxy\x1b[31mz\x1b\\b", 20, 6),
    ("dcs-can", "a\x1bP1$r\x18b\x1b\\c", 20, 6),
    ("dcs-ignore", "a\x1bP1:2q\x1b[1mb", 20, 6),
    ("apc", "a\x1b_Gf=24;abc\x1b\\b", 20, 6),
    ("pm-sos", "a\x1b^pm\x1b\\b\x1bXsos\x1b\\c", 20, 6),
    ("sos-esc", "a\x1bXsos\x1b[1mb", 20, 6),
    ("rename", "a\x1bkname\x1b\\b", 20, 6),
    ("osc-title-bel", "\x1b]0;my title\x07x", 20, 6),
    ("osc-title-st", "\x1b]2;second\x1b\\x", 20, 6),
    ("osc-title-lax", "\x1b]0xyz\x07x", 20, 6),
    ("osc-icon-ignored", "\x1b]1;icon\x07x", 20, 6),
    ("osc-c0-inside", "\x1b]2;a\x01b\x0ec\x07x", 20, 6),
    ("osc-esc-terminates", "\x1b]2;t\x1b[1mX", 20, 6),
    ("osc-can", "\x1b]2;t\x18X", 20, 6),
    ("osc-hyperlink", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", 20, 6),
    ("osc-cwd-clipboard", "\x1b]7;file://h/tmp\x07a\x1b]52;c;aGk=\x07b", 20, 6),
    ("osc-unicode-title", "\x1b]2;t\u00e9l\u00e9 \u4e2d\x07x", 20, 6),
    ("title-stack", "\x1b]2;one\x07\x1b[22;2t\x1b]2;two\x07\x1b[23;2tx", 20, 6),
    ("title-stack-empty-pop", "\x1b]2;one\x07\x1b[23;0tx", 20, 6),
    ("linux-palette-swallowed", "a\x1b]P0000000b\x07c", 20, 6),
    # --- REP and RIS ---
    ("rep", "ab\x1b[3b", 20, 6),
    ("rep-after-sgr", "a\x1b[31m\x1b[3b", 20, 6),
    ("rep-after-unknown-csi", "a\x1b[?4m\x1b[2b", 20, 6),
    ("rep-clamp", "abc\x1b[99b", 20, 6),
    ("rep-wide", "\u4e2d\x1b[3b", 20, 6),
    ("rep-twice", "x\x1b[2b\x1b[2b", 20, 6),
    ("ris", SETUP + "\x1b[31m\x1b[2;3r\x1b]2;t\x07\x1bcX", 20, 6),
    ("ris-tabs", "\x1b[3g\x1bc\tX", 20, 6),
    # --- tmux 3.3a quirks found by differential fuzzing ---
    ("ich-moves-too-few", "0123456789\x1b[3G\x1b[6@", 10, 3),
    ("ich-count-zero-noop", "0123456789\x1b[3G\x1b[8@\x1b[9G\x1b[5@", 10, 3),
    ("alt-off-clamps-cursor", A20 + "\x1b[?47lX", 20, 6),
    ("alt-1049-pending", A20 + "\x1b[?1049h\x1b[?1049lX", 20, 6),
    ("bs-after-scroll-2-rows", "\nxxxxxxh\x1b[2;1H\bZ", 6, 2),
    ("bs-after-scroll-3-rows", "\n\nxxxxxxh\x1b[3;1H\bZ", 6, 3),
    ("bs-after-el2", "xxxxxxy\x1b[2K\x1b[2;1H\bZ", 6, 5),
    ("bs-after-sd", "xxxxxxy\x1b[T\x1b[3;1H\bZ", 6, 5),
    ("bs-after-il", "xxxxxxy\x1b[2;1H\x1b[L\x1b[2;1H\bZ", 6, 5),
    ("bs-after-dl", "xxxxxxy\x1b[2;1H\x1b[M\x1b[2;1H\bZ", 6, 5),
    ("bs-after-region-il", "xxxxxxy\x1b[1;4r\x1b[3;1H\x1b[3L\x1b[2;1H\bZ", 6, 5),
    ("zwj-insert-mode", "ab\u200d\x1b[4hcd\x1b[4l", 20, 6),
    ("zwj-dec-graphics", "\x1b(0q\u200dqx\x1b(B", 20, 6),
    ("wide-in-2-columns", "\x1b[?7l\U0001f468", 2, 3),
    ("wide-in-1-column", "0\u3041x", 1, 3),
    ("il-below-region-noop", FULL + "\x1b[2;3r\x1b[6;1H\x1b[L", 20, 6),
    ("one-row-screen", "abc\ndef\r\nghi", 20, 1),
]


@pytest.mark.tmux
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_sequence_matches_tmux(tmux_oracle, case: tuple[str, str, int, int]) -> None:
    name, data, cols, rows = case
    term = Terminal(cols, rows)
    term.feed(data)
    cap = tmux_oracle.capture(data, cols, rows)
    assert term.text().split("\n") == cap.lines
    assert term.cursor == cap.cursor
    assert term.alternate == cap.alternate
    if name in TITLE_FROM_APC:
        assert term.title == ""
    else:
        assert term.title == cap.title
    assert styled_rows_of(term) == cap.rows


@pytest.mark.parametrize("data,cols,rows", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_sequence_split_anywhere(data: str, cols: int, rows: int) -> None:
    """Feeding the input in pieces (every possible cut) gives the same screen."""
    whole = Terminal(cols, rows)
    whole.feed(data)
    want = (whole.lines(), whole.cursor, whole.title, styled_rows_of(whole))
    for cut in range(1, len(data)):
        term = Terminal(cols, rows)
        term.feed(data[:cut])
        term.feed(data[cut:])
        assert (term.lines(), term.cursor, term.title, styled_rows_of(term)) == want, cut


LINES = "".join(f"line{i}\r\n" for i in range(12)) + "$ "
WORDS = "word " * 30
SHELL = "a\r\n" + WORDS + "\r\n$ "

# Window resizes between output chunks: (id, steps, cols, rows); a tuple step is
# (cols, rows). tmux reflows the main screen's wrapped lines and keeps no
# history here (castview keeps none), so a taller window gets blank rows.
RESIZE_CASES: list[tuple[str, list, int, int]] = [
    ("shrink-grow-height", [LINES, (20, 5), (20, 10)], 20, 10),
    ("grow-height", [LINES, (20, 14)], 20, 10),
    ("shrink-width-reflow", ["abc\r\n" + WORDS + "\r\n$ ", (12, 10)], 20, 10),
    ("shrink-grow-width", ["abc\r\n" + WORDS + "\r\n$ ", (12, 10), (30, 10)], 20, 10),
    ("width-and-height", ["abc\r\n" + WORDS + "\r\n$ ", (12, 6), (40, 12)], 20, 10),
    ("several", ["x" * 45 + "\r\n" + "y" * 10, (17, 10), (25, 4), (50, 10)], 20, 10),
    ("wide-reflow", ["\u4e2d" * 15 + "\r\nab", (7, 10), (13, 10)], 20, 10),
    ("trailing-spaces", ["abc   \r\n" + "z" * 20 + "   " + "\r\nq", (10, 10)], 20, 10),
    ("bce-row", ["\x1b[44m\x1b[2K\x1b[0mblue line\r\n" + WORDS, (13, 10)], 20, 10),
    ("resize-pending-wrap", ["a" * 20, (10, 10), "b"], 20, 10),
    ("cursor-mid-screen", ["line\r\n" * 3 + "\x1b[5;10Hx", (20, 7)], 20, 10),
    ("region-reset", ["abc\x1b[2;5r", (20, 8), "\x1b[8;1H\nX"], 20, 10),
    ("player-resizing-cast", ["hello ", (100, 30), "world", (50, 10), "!"], 80, 24),
    ("alt-resize-redraw", [LINES, "\x1b[?1049h\x1b[Halt screen\x1b[5;5Hx", (12, 6),
                           "\x1b[H\x1b[2Jredraw", "\x1b[?1049l"], 20, 10),
    ("alt-grow", [LINES, "\x1b[?1049h\x1b[Halt screen", (30, 14), "\x1b[?1049l"], 20, 10),
    ("alt-shrink-height-1049", [LINES, "\x1b[?1049h\x1b[Halt", (20, 6), "\x1b[?1049l"], 20, 10),
    ("alt-shrink-height-47", [LINES, "\x1b[?47h\x1b[Halt", (20, 6), "\x1b[?47l"], 20, 10),
    ("alt-shrink-width", [SHELL, "\x1b[?1049h\x1b[Halt", (12, 10), "\x1b[?1049l"], 20, 10),
    ("alt-grow-width", [SHELL, "\x1b[?1049h\x1b[Halt", (30, 10), "\x1b[?1049l"], 20, 10),
    ("alt-shrink-and-back", [SHELL, "\x1b[?1049h\x1b[Halt", (12, 6), (20, 10), "\x1b[?1049l"], 20, 10),
    ("alt-two-resizes", [SHELL, "\x1b[?1049h\x1b[Halt" + "\r\nx" * 8, (12, 6), "more\r\n" * 4,
                         (25, 14), "\x1b[?1049l"], 20, 10),
    ("reflow-then-bs", ["x" * 30 + "\r\n$ ", (12, 10), "\x1b[2;1H\bY"], 20, 10),
    ("reflow-after-clear", ["x" * 30 + "\x1b[2K\r\n" + "y" * 25, (7, 10)], 20, 10),
    ("reflow-after-il-dl", ["x" * 30 + "\r\n" + "y" * 30 + "\x1b[2;1H\x1b[L\x1b[4;1H\x1b[M", (9, 10)], 20, 10),
]


@pytest.mark.tmux
@pytest.mark.parametrize("case", RESIZE_CASES, ids=[c[0] for c in RESIZE_CASES])
def test_resize_matches_tmux(tmux_oracle, case: tuple[str, list, int, int]) -> None:
    _, steps, cols, rows = case
    term = Terminal(cols, rows)
    for step in steps:
        if isinstance(step, tuple):
            term.resize(*step)
        else:
            term.feed(step)
    cap = tmux_oracle.capture(steps, cols, rows)
    assert (term.cols, term.rows) == (cap.cols, cap.rows_count)
    assert term.text().split("\n") == cap.lines
    assert term.cursor == cap.cursor
    assert term.alternate == cap.alternate
    assert styled_rows_of(term) == cap.rows


def test_case_ids_unique() -> None:
    ids = [c[0] for c in CASES] + [c[0] for c in RESIZE_CASES]
    assert len(ids) == len(set(ids))
