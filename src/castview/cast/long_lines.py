"""Lines too long to hold: an event line over LONG_LINE bytes, read and decoded in chunks.

A recording of `cat hugefile` can hold one output event of hundreds of MB on a single
line; json.loads of it needs several copies of the line at once. Here such a line is
found (its end), checked and decoded a chunk at a time, so memory follows the chunk size,
not the line: an output or input event of the usual shape `[time, "o", "<data>"]` comes
out as pieces of its data, each of at most about one chunk of characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from json.decoder import scanstring
from typing import BinaryIO

LONG_LINE = 1 << 20  # bytes: a longer line is read in chunks of this size

_WS = rb"[ \t\r\n]*"
# JSON's number, and the non-standard constants json.loads also accepts (as the short-line
# path does: the reader judges the value, not the regex).
_NUMBER = rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|NaN|-?Infinity"
_CODE = rb'"(?:[^"\\\n]|\\.){0,64}"'
# `[time, "code", "` : everything before the data string's first character.
_PREFIX = re.compile(_WS + rb"\[" + _WS + rb"(" + _NUMBER + rb")" + _WS + rb"," + _WS + rb"(" + _CODE + rb")"
                     + _WS + rb"," + _WS + rb'"')
_PREFIX_LIMIT = 8192  # bytes in which the prefix must fit (a time has at most 4300 digits)
_HIGH_SURROGATE = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}")  # the first half of a pair


def utf8_cut(data: bytes, end: int) -> int:
    """Where `data[:end]` can be cut so no UTF-8 character is split: before a trailing lead
    byte whose character is not complete yet (an invalid sequence is left whole for the
    decoder, which replaces it as it would in place)."""
    for back in range(1, min(4, end) + 1):
        byte = data[end - back]
        if byte & 0xC0 != 0x80:  # not a continuation byte: the last character starts here
            need = 2 if 0xC2 <= byte <= 0xDF else 3 if 0xE0 <= byte <= 0xEF else 4 if 0xF0 <= byte <= 0xF4 else 1
            return end - back if need > back else end
    return end


def _backslashes_before(data: bytes, end: int) -> int:
    """How many backslashes run up to (not including) index `end`; reads only the run."""
    size = 64
    while True:
        start = max(0, end - size)
        run = end - start - len(data[start:end].rstrip(b"\\"))
        if run < end - start or start == 0:
            return run
        size *= 2


def _is_high_surrogate_escape(data: bytes, at: int) -> bool:
    r"""Whether an escape `\uD800`..`\uDBFF` starts at `at` (not a `\\` followed by `uD800`)."""
    return at >= 0 and _HIGH_SURROGATE.match(data, at) is not None and _backslashes_before(data, at) % 2 == 0


def _safe_cut(data: bytes, end: int) -> int:
    r"""The longest prefix of `data[:end]` (which starts between two tokens of a JSON
    string body) that ends between two tokens and is not followed by a possible other
    half of a surrogate pair: decoding the prefix alone gives what decoding it in place
    would. At most the last 12 bytes are held back. (The JSON syntax is ASCII, and no
    byte of a multi-byte UTF-8 character is ASCII, so this works on the bytes.)"""
    last = data.rfind(b"\\", max(0, end - 12), end)
    if last < 0:
        return end
    if _backslashes_before(data, last) % 2:
        return end  # the last backslash is escaped by the one before: a complete `\\`
    length = 6 if data[last + 1:last + 2] == b"u" else 2
    if last + length <= end and not (last + 6 == end and _is_high_surrogate_escape(data, last)):
        return end  # (an invalid escape is complete too: scanstring reports it)
    # `last` starts an escape the next chunk completes or pairs with: keep it back, and
    # the high surrogate before it, which it may pair with.
    return last - 6 if _is_high_surrogate_escape(data, last - 6) else last


class StringDecoder:
    r"""Decodes the UTF-8 body of a JSON string (after its opening quote) given in chunks.

    `feed` returns the characters decoded so far, exactly as json.loads would give them
    for the whole string: a character or an escape split between chunks (`\`, `\u00`,
    the two halves of `\ud83d\ude00`) is completed from the next chunk before it is
    decoded. Invalid UTF-8 is replaced with U+FFFD (`valid_utf8` turns False), as the
    reader does for a short line. An invalid escape or a raw control character raises
    ValueError, as json.loads does. After the closing quote `closed` is True, and `rest`
    gives what followed it (chunks fed after that only add to it; `valid_utf8` is about
    the string only).
    """

    def __init__(self) -> None:
        self._carry = b""  # bytes held back for the next chunk; after the end, all of them
        self._rest = ""  # the text after the closing quote, in the chunk that closed it
        self.closed = False
        self.valid_utf8 = True

    def feed(self, chunk: bytes, final: bool = False) -> str:
        """The characters decoded from `chunk`; `final` says no chunk follows (the string
        must close in it)."""
        if self.closed:
            self._carry += chunk
            return ""
        data = self._carry + chunk
        cut = len(data) if final else _safe_cut(data, utf8_cut(data, len(data)))
        self._carry = data[cut:]
        # The quote is a sentinel: scanstring stops at the first quote that is not
        # escaped, the string's real end or this one.
        text = self._text(data[:cut] + b'"')
        del data
        decoded, end = scanstring(text, 0)
        if end < len(text):
            self.closed = True
            self._rest = text[end:-1]
        elif final:
            raise ValueError("unterminated string")
        return decoded

    @property
    def rest(self) -> str:
        return self._rest + self._carry.decode("utf-8", "replace") if self.closed else ""

    def _text(self, data: bytes) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self.valid_utf8 = False
            return data.decode("utf-8", "replace")


@dataclass(frozen=True)
class LongLine:
    """Where a line longer than LONG_LINE lies, found by reading it a chunk at a time."""

    offset: int  # of its first byte
    length: int  # bytes before the newline (or before the end of the file)
    complete: bool  # ends in a newline; False: the file ends inside it (still being written?)
    may_end_event: bool  # its last non-blank byte is `]`, as a whole event's is

    @property
    def end(self) -> int:
        """Where the next line starts."""
        return self.offset + self.length + self.complete

    @property
    def megabytes(self) -> float:
        return self.length / 1e6


def find_line(f: BinaryIO, offset: int, chunk: int = LONG_LINE) -> LongLine:
    """The line starting at `offset`, without holding it: reads chunks up to its newline."""
    f.seek(offset)
    length = 0
    last = b""
    while data := f.read(chunk):
        newline = data.find(b"\n")
        if newline >= 0:
            data = data[:newline]
        last = data.rstrip()[-1:] or last
        length += len(data)
        if newline >= 0:
            return LongLine(offset, length, True, last == b"]")
    return LongLine(offset, length, False, last == b"]")


@dataclass(frozen=True)
class OutputLine:
    """A long line of the shape `[time, "code", "<data>"...]`, checked whole."""

    time: object  # as json.loads gave it: the reader judges it
    code: str
    data_offset: int  # the data string's first byte
    valid_utf8: bool


_TAIL_LIMIT = 4096  # after the data only `]` is usual; a few extra values are tolerated


def check_line(f: BinaryIO, line: LongLine, loads: Callable[[str | bytes], object],
               chunk: int = LONG_LINE) -> OutputLine | str:
    """The line's event fields if it is an event whose data is a string and the whole
    line is valid JSON, else why not; the data is decoded and dropped a chunk at a time.
    `loads` is the reader's json.loads (every bad input a ValueError)."""
    prefix = _prefix(f, line)
    if prefix is None:
        return 'not an event of the form [time, "code", "data"]'
    time_json, code_json, data_offset = prefix
    try:
        time, code = loads(time_json), loads(code_json.decode("utf-8", "replace"))
    except ValueError:
        return "its time or code is not valid JSON"
    body = BodyReader(f, data_offset, line.offset + line.length, chunk)
    try:
        for _ in body:
            pass
        if len(body.rest) > _TAIL_LIMIT:
            raise ValueError("too much after the data")
        loads("[0" + body.rest)  # the rest of a list: `]`, or `, extra]`
    except ValueError as exc:
        # A JSONDecodeError's own position counts from the chunk, not the line: leave it out.
        return f"invalid JSON ({getattr(exc, 'msg', exc)})"
    assert isinstance(code, str)  # _CODE matched a JSON string
    return OutputLine(time, code, data_offset, body.valid_utf8)


def _prefix(f: BinaryIO, line: LongLine) -> tuple[bytes, bytes, int] | None:
    """The JSON of the time and the code, and where the data's first byte is."""
    f.seek(line.offset)
    match = _PREFIX.match(f.read(min(_PREFIX_LIMIT, line.length)))
    return None if match is None else (match[1], match[2], line.offset + match.end())


class BodyReader:
    """The decoded characters of the data string from `start` (its first byte) on, a
    chunk at a time; `end` is where the line ends. Raises ValueError for bad JSON.

    After the iteration `rest` holds the text after the closing quote (up to the line's
    end, or a bit more than _TAIL_LIMIT) and `valid_utf8` whether the string's bytes were
    UTF-8 (invalid sequences are replaced with U+FFFD, as the reader does for short lines)."""

    def __init__(self, f: BinaryIO, start: int, end: int, chunk: int = LONG_LINE) -> None:
        self._f, self._start, self._end, self._chunk = f, start, end, chunk
        self.rest = ""
        self.valid_utf8 = True

    def _chunks(self) -> Iterator[tuple[bytes, bool]]:
        """The line's bytes from `start`, with whether each chunk is the last."""
        f, pos = self._f, self._start
        f.seek(pos)
        while pos < self._end:
            data = f.read(min(self._chunk, self._end - pos))
            if not data:
                raise ValueError("the file was cut short while it was read")
            pos += len(data)
            yield data, pos >= self._end
        if pos == self._start:
            yield b"", True

    def __iter__(self) -> Iterator[str]:
        decoder = StringDecoder()
        for data, final in self._chunks():
            decoded = decoder.feed(data, final)
            del data  # (the memory bound counts every chunk alive)
            if decoded:
                yield decoded
            if decoder.closed and len(decoder.rest) > _TAIL_LIMIT:
                break
        self.rest = decoder.rest
        self.valid_utf8 = decoder.valid_utf8
