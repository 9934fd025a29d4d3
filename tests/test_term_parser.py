"""The parser's fast paths agree with its state machine; its tables use named codes."""

from __future__ import annotations

import pytest

from castview.term import controls, csi
from castview.term.screen import Terminal
from castview.term.snapshot import encode_state

# Each is parsed whole by the fast path (one regular expression match) and, fed one
# character at a time, by the state machine.
SEQUENCES = [
    "\x1b(0lqk\x1b(B", "\x1b)0\x0eq\x0f", "\x1b7ab\x1b[5;5H\x1b8c", "\x1b#8", "\x1bD\x1bE\x1bM\x1bH",
    "\x1b=\x1b>", "\x1b\\", "\x1bc", "\x1b ( 0x", "\x1b((0x", "\x1b(((0x", "\x1b((((0x", "\x1b*0g",
    "\x1b]0;title\x07", "\x1b]2;t\x1b\\", "\x1b]2;a\x01b\x07", "\x1b]\x07", "\x1b]52;c;aGk=\x07x",
    "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "\x1bPq~~\x1b\\", "\x1b_Gf=1;AAAA\x1b\\",
    "\x1b^pm\x1b\\", "\x1bXsos\x1b\\", "\x1bkname\x1b\\", "\x1b[31mred\x1b[0m", "\x1b[?1049h",
]


@pytest.mark.parametrize("seq", SEQUENCES)
def test_fast_path_equals_state_machine(seq: str) -> None:
    data = "ab" + seq + "cd\r\n"
    whole = Terminal(20, 4)
    whole.feed(data)
    slow = Terminal(20, 4)
    for ch in data:
        slow.feed(ch)
    assert encode_state(whole) == encode_state(slow)
    assert whole.lines() == slow.lines() and whole.title == slow.title


def test_dispatch_tables_use_named_codes() -> None:
    names = {v for k, v in vars(controls).items() if k.isupper() and isinstance(v, str)}
    for final, prefix in [*csi.CSI_HANDLERS, *csi.COUNT_OPS]:
        assert final in names and (prefix == "" or prefix in names or prefix == controls.PRIVATE + controls.DOLLAR)
    stream = Terminal(2, 2)._stream
    for interm, final in stream._esc_table:
        assert final in names and (interm == "" or interm in names)
    assert set(stream._c0) <= names
