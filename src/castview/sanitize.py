"""Make text from a recording safe to show: no control character reaches a terminal.

Headers and output are attacker-controlled (a session can print anything, including a
title change or an OSC 52 clipboard write), so every string leaving castview for the
user's terminal goes through `printable`.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control (and bidi override) character written as an escape."""
    return _CONTROL.sub(_escape, text)


def strip_controls(text: str) -> str:
    """`text` with control characters removed, for exports that must be plain text."""
    return _CONTROL.sub("", text)
