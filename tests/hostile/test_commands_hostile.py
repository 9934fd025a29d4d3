"""`castview commands` against hostile sessions: lines built to hide from the list, escape
sequences typed at the prompt, storms of editor signs, and a poisoned cache entry."""

from __future__ import annotations

import io
import json

import pytest

from castview.cast.reader import read_head
from castview.commands import Command, commands_of, scan_commands
from entry_edit import replace_entry, rewrite_result

PROMPT = "\x1b[?2004halice@web-1:~$ "
ACCEPT = "\r\n\x1b[?2004l\r"


def cast(*events: tuple[float, str], cols: int = 80, rows: int = 24) -> bytes:
    lines = [json.dumps({"version": 2, "width": cols, "height": rows})]
    lines += [json.dumps([t, "o", data]) for t, data in events]
    return ("\n".join(lines) + "\n").encode()


def commands_in(data: bytes) -> list[Command]:
    f = io.BytesIO(data)
    return scan_commands(f, read_head(f, "test.cast"))


@pytest.mark.parametrize("padding", [1900, 5000, 100_000])
def test_a_line_longer_than_the_screen_is_still_listed(padding):
    # the prompt scrolls off under the line: once, the command vanished from the list
    line = "true " + "b" * padding + "; rm -rf /"
    found = commands_in(cast((0, PROMPT), (0.1, line), (0.2, ACCEPT), (0.3, "out\r\n"), (0.4, PROMPT)))
    assert [c.command for c in found] == [line]


def test_a_long_line_typed_key_by_key_is_still_listed():
    line = "true " + "b" * 3000 + "; rm -rf /"
    keys = [(0.1 + i * 1e-4, ch) for i, ch in enumerate(line)]
    found = commands_in(cast((0, PROMPT), *keys, (0.9, ACCEPT), (1.0, PROMPT)))
    assert [c.command for c in found] == [line]


def test_a_long_line_broken_by_the_editor_keeps_its_lines():
    first, second = "echo " + "a" * 2000, "echo tail"
    found = commands_in(cast((0, PROMPT), (0.1, first + "\r\n" + second), (0.2, ACCEPT), (0.3, PROMPT)))
    assert [c.command for c in found] == [first + "\n" + second]


# --------------------------------------------------------------------------- the cache

SESSION = cast((0, PROMPT), (0.1, "ls"), (0.2, ACCEPT), (0.3, "out\r\n"), (1.0, PROMPT))


@pytest.mark.parametrize("field, value", [
    ("time", 1e308), ("time", float("inf")), ("time", float("nan")), ("end", float("inf")),
    ("end", 10 ** 400), ("row", 10 ** 400), ("col", -1), ("output_lines", True), ("prompt", ["x"]),
])
def test_a_tampered_cache_entry_is_rebuilt(tmp_path, field, value):
    # time 1e308 once crashed `castview commands` (the clock), end inf printed `Infinity` in JSON
    rec = tmp_path / "s.cast"
    rec.write_bytes(SESSION)
    cache = tmp_path / "cache"
    truth = commands_of(rec, cache_dir=cache)
    assert [c.command for c in truth] == ["ls"]
    rewrite_result(cache, rec, "commands", lambda found: found[0].update({field: value}))
    assert commands_of(rec, cache_dir=cache) == truth


@pytest.mark.parametrize("damage", [b"", b"[[[[", b"[" * 100_000, b"\xff\xfe", b'{"format": 1}', b"null"])
def test_a_damaged_cache_file_is_rebuilt(tmp_path, damage):
    rec = tmp_path / "s.cast"
    rec.write_bytes(SESSION)
    cache = tmp_path / "cache"
    truth = commands_of(rec, cache_dir=cache)
    replace_entry(cache, rec, damage)
    assert commands_of(rec, cache_dir=cache) == truth
