"""The search text and transcript of a recording, packed as compressed blocks.

Line versions (see ``transcript.LineVersion``) go into blocks of about BLOCK_CHARS
characters. A block is two zstd frames: the versions' texts joined by line feeds (a
screen line's text never holds one: ``render.clean_cell``), which a search decompresses
and scans with one compiled regular expression, and their other fields (``fields``: times
as indexes into the block's table of times), read only for the versions a search found.
Transcript lines go into chunks of CHUNK lines; a line whose text is that of a recent
version (most are: a line's final form is one) holds the version's number instead of the
text, as the difference from the number the line before it held (they are close: small
numbers).

A part (texts, fields or chunk) under SMALL bytes is compressed with castview's zstd
dictionary; when every part of a recording is that small, they are left as they are and
the entry compresses them in one frame with its metadata (``search_index``: layout SOLID).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from importlib.resources import files
from itertools import accumulate
from json.encoder import encode_basestring
from typing import Any

import zstandard

from ..cast.model import Event
from ..cast.reader import CastHead
from ..term.screen import Terminal
from ..transcript import MAIN, LineVersion, TextTracker, TranscriptLine
from . import fields
from .fields import SCREEN_CODES

BLOCK_CHARS = 256 * 1024
CHUNK = 2000  # transcript lines per chunk (at most; and about BLOCK_CHARS characters)
RECENT = 4096  # texts of the latest versions a transcript line may refer to (up to twice as many)
LEVEL = 9  # zstd: about zlib's 6 in time, 10 % smaller; 15 saves 15 % more for 8x the time
SMALL = 16 << 10  # parts under this many bytes take small_compressor(), with no thread: a fleet of small
# recordings is mostly such parts. With the dictionary, level 12 makes them smaller than level 19 without it,
# in a third of the time (bench/RESULTS.md: fleet entries, session 4).
SMALL_LEVEL = 12
DICTIONARY = "entries.zdict"
"""The zstd dictionary of small parts, in castview's data (made by scripts/entry_dictionary.py
from the public test recordings; a new one needs a new ``search_index.FORMAT``)."""
ENCODING = ("utf-8", "surrogatepass")


_MAIN = SCREEN_CODES[MAIN]


_local = threading.local()


@cache
def dictionary() -> zstandard.ZstdCompressionDict:
    """The bundled dictionary of small parts: an entry's frames name its ID, so one made
    with another is refused when read (zstd checks it)."""
    data = files("castview").joinpath("data", DICTIONARY).read_bytes()
    return zstandard.ZstdCompressionDict(data, dict_type=zstandard.DICT_TYPE_FULLDICT)


def small_compressor() -> zstandard.ZstdCompressor:
    """This thread's compressor of small parts (and of an entry's metadata): SMALL_LEVEL
    with the dictionary."""
    c: zstandard.ZstdCompressor | None = getattr(_local, "small", None)
    if c is None:
        c = _local.small = zstandard.ZstdCompressor(level=SMALL_LEVEL, dict_data=dictionary())
    return c


def _compress(data: bytes) -> bytes:
    """A big part, on the packer's thread (made once per thread: a context is megabytes
    to set up)."""
    c: zstandard.ZstdCompressor | None = getattr(_local, "big", None)
    if c is None:
        c = _local.big = zstandard.ZstdCompressor(level=LEVEL)
    return c.compress(data)


class _Rounded(dict[float, str]):
    """The JSON of each time looked up, rounded to the microsecond (as json.dumps writes
    ``round(t, 6)``), kept."""

    def __missing__(self, t: float) -> str:
        text = self[t] = repr(round(t, 6))
        return text


class TextPacker:
    """Collects versions and transcript lines into the parts of one body: compressed,
    or all as they are (`solid`) when every part is small.

    zstd lets go of the GIL while it compresses: the parts are compressed on a thread of
    their own while the replay goes on (the directory's offsets are known at `finish`)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.offset = 0
        self.blocks: list[list[int]] = []  # [texts offset, texts length, fields length, versions]
        self.chunks: list[list[int]] = []  # [offset, length]
        self.versions = 0
        self.solid = False
        """True (at `finish`) when `parts` are all small and not compressed."""
        self._pending: list[bytes | Future[bytes]] = []
        self._blocks: list[tuple[int, int, int]] = []  # [texts part, fields part, versions]
        self._chunks: list[int] = []  # parts
        self._pool: ThreadPoolExecutor | None = None
        self._texts: list[str] = []
        self._versions: list[LineVersion | tuple[Any, ...]] = []
        self._chars = 0
        # the transcript lines of the chunk, each the JSON array json.dumps would write
        # (made here: the encoder cost more than the rest of the packing of a line)
        self._lines: list[str] = []
        self._line_chars = 0
        self._last_ref = 0  # the version number the last transcript line referred to
        # The latest version of each text, in two generations: when the young one holds
        # RECENT texts it becomes the old one (the one before is dropped): an LRU's hits
        # for the price of two dicts (an OrderedDict's upkeep cost a tenth of the pass).
        self._young: dict[str, int] = {}
        self._old: dict[str, int] = {}
        # the JSON of the times written lately (most lines share the times of a few events)
        self._rounded = _Rounded()
        self._round = self._rounded.__getitem__

    def _add(self, data: bytes) -> int:
        if len(data) < SMALL:  # compressed at the end, with no thread (a fleet would start thousands)
            self._pending.append(data)
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="castview-pack")
            self._pending.append(self._pool.submit(_compress, data))
        return len(self._pending) - 1

    def version(self, v: LineVersion) -> None:
        self._version(v.text, v)

    def _version(self, text: str, version: LineVersion | tuple[Any, ...]) -> int:
        """Add a version (or the tuple of its fields) whose text is `text`; return its number."""
        self._texts.append(text)
        self._versions.append(version)
        young = self._young
        number = young[text] = self.versions
        if len(young) >= RECENT:
            self._old, self._young = young, {}
        self.versions = number + 1
        self._chars += len(text) + 1
        if self._chars >= BLOCK_CHARS:
            self._flush_block()
        return number

    def written(self, lid: int, row: int, time: float, until: float, shown: bool, text: str,
                cols: tuple[int, ...] | None) -> None:
        """``version(LineVersion(lid, MAIN, row, time, until, shown, text, None, cols))`` then
        ``line(TranscriptLine(time, text))``, for `text` with no trailing space: a
        main-screen line that scrolled off as it was written, most lines of a scrolling
        output (see ``TextTracker``: ``on_written``). The line refers to that version."""
        ref = self._version(text, (lid, MAIN, row, time, until, shown, text, None, cols, None))
        ref, self._last_ref = ref - self._last_ref, ref
        self._line(f"[{self._round(time)},{_MAIN},-1,-1,{ref}]", 8)

    def line(self, line: TranscriptLine) -> None:
        ref = self._young.get(line.text)
        if ref is None:
            ref = self._old.get(line.text)
        if ref is not None:
            ref, self._last_ref = ref - self._last_ref, ref
        self._line(f"[{self._round(line.time)},{SCREEN_CODES[line.screen]},{line.frame},{line.row},"
                   f"{encode_basestring(line.text) if ref is None else ref}]", 8 if ref is not None else len(line.text))

    def _line(self, line: str, chars: int) -> None:
        """Add a transcript line's JSON, counted as `chars` characters of the chunk."""
        self._lines.append(line)
        self._line_chars += chars
        if len(self._lines) >= CHUNK or self._line_chars >= BLOCK_CHARS:
            self._flush_chunk()

    def _flush_block(self) -> None:
        if not self._texts:
            return
        texts = self._add("\n".join(self._texts).encode(*ENCODING))
        block_fields = self._add(fields.encode(self._versions))
        self._blocks.append((texts, block_fields, len(self._texts)))
        self._texts, self._versions, self._chars = [], [], 0

    def _flush_chunk(self) -> None:
        # Transcript lines refer to versions already written: the block goes first.
        self._flush_block()
        self._chunks.append(self._add(("[" + ",".join(self._lines) + "]").encode(*ENCODING)))
        self._lines, self._line_chars = [], 0
        self._rounded.clear()

    def finish(self) -> None:
        """Wait for the parts; fill in `parts`, `offset` and the directory."""
        self._flush_block()
        if self._lines:
            self._flush_chunk()
        # A small recording's parts stay as they are: the entry compresses them in one
        # frame with its metadata (see search_index.frame), which makes them a tenth
        # smaller than a frame each.
        self.solid = self._pool is None
        small = small_compressor()
        self.parts = [p.result() if isinstance(p, Future) else p if self.solid else small.compress(p)
                      for p in self._pending]
        self.close()
        starts = list(accumulate(map(len, self.parts), initial=0))
        self.offset = starts[-1]
        self.blocks = [[starts[t], len(self.parts[t]), len(self.parts[f]), n] for t, f, n in self._blocks]
        self.chunks = [[starts[c], len(self.parts[c])] for c in self._chunks]

    def close(self) -> None:
        """Stop the compressing thread (a cancelled pass calls this without finish)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


class TextAnalysis:
    """Follows the screen lines of the pass's terminal (a TextTracker) and packs them.
    It feeds the terminal itself: the tracker must see line feeds one by one."""

    def __init__(self, head: CastHead) -> None:
        self.head = head
        self.packer = TextPacker()
        self.tracker: TextTracker | None = None

    def attach(self, term: Terminal) -> Any:
        packer = self.packer
        self.tracker = TextTracker(term, packer.line, packer.version, onlcr=self.head.header.no_pty,
                                   on_written=packer.written)
        return self.tracker.feed

    def feed(self, event: Event) -> None:
        assert self.tracker is not None
        self.tracker.feed(event)

    def finish(self) -> None:
        assert self.tracker is not None
        self.tracker.finish()
        self.packer.finish()
