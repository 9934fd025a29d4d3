"""Make text from a recording safe to show: no control character reaches a terminal, and
no invisible character hides in a name.

Headers and output are attacker-controlled (a session can print anything, including a
title change or an OSC 52 clipboard write), and a compromised node writes its header and
file names, so every string leaving castview for the user's terminal goes through
`printable`.
"""

from __future__ import annotations

import re

# Characters that drive a terminal or reorder text: C0 and C1 controls and DEL, line and
# paragraph separators (they break a one-line message), bidi embeddings, overrides and
# isolates (`alice` shown for `ecila`, a path that reads backwards).
_CONTROLS = "\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069"
# Characters a name can hide behind: invisible format characters (soft hyphen, zero-width
# space and joiners, LRM/RLM/ALM, word joiner and invisible operators, U+FEFF, interlinear
# annotation, tag characters U+E0000-E007F, Hangul fillers, the Mongolian vowel separator),
# so `ad<U+200B>min` does not pass for `admin`; and lone surrogates (an undecodable file name,
# a \ud800 in JSON), which no terminal encoding can write.
_INVISIBLE = ("\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2060-\u2065\u206a-\u206f\u3164\ufeff"
              "\uffa0\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f")
_CONTROL = re.compile(f"[{_CONTROLS}]")
_HIDDEN = re.compile(f"[{_CONTROLS}{_INVISIBLE}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """`text` with every control, bidi and invisible character written as an escape."""
    return _HIDDEN.sub(_escape, text)


def strip_controls(text: str) -> str:
    """`text` with control and bidi characters removed, for exports that must be plain
    text. Invisible characters stay: a transcript keeps what the session wrote."""
    return _CONTROL.sub("", text)
