"""Evidence packs: a clip with what a reviewer needs to read and check it, in one zip.

A pack is one folder in a zip: the clip (``clip.cast``, redacted or not), its transcript
(``transcript.txt``, what ``castview cat`` prints), the commands typed at prompts
(``commands.txt``: those ``castview commands`` infers from the ORIGINAL and submitted
inside the range, each whole, masked like the clip: a clip starting mid-line, or redrawn
from masked frames, no longer shows a shell's line editor at work), SVG pictures of the
screen at the start, the end and each marker, with the provenance of an export
(``frames/``), ``metadata.json`` (the clip's header, the source and its
SHA-256 and size, the range, the redactions, bookmarks, castview's version, when and by
whom it was made), ``README.txt`` (how to verify) and ``SHA256SUMS`` over every other
file, in ``sha256sum`` format, so ``sha256sum -c SHA256SUMS`` passes in the unpacked
folder. ``verify_pack`` checks the sums; ``compare_with_original`` checks that the clip
shows the original's frames.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import io
import json
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from .cast.model import MARKER, CastError, Event, Header
from .cast.reader import EventScanner, read_head
from .clip import CLIP_KEY, exact
from .formatting import clock, exact_clock
from .redact import KEYS
from .sanitize import printable
from .term.keyframes import apply
from .term.screen import Terminal

if TYPE_CHECKING:
    from .commands import Command
    from .provenance import Provenance
    from .redact import Redactor
    from .term.keyframes import Replay

CLIP = "clip.cast"
TRANSCRIPT = "transcript.txt"
COMMANDS = "commands.txt"
METADATA = "metadata.json"
README = "README.txt"
SUMS = "SHA256SUMS"
FRAMES = "frames"
#: Zip entries get this date, not the clock's, so a pack's bytes depend on its contents only.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
PACK_FORMAT = 1
# Times of a clip and of its original agree to the nanosecond (clip.clip_time); events
# closer than this are one moment.
TIME_SLACK = 1e-6


class PackError(ValueError):
    """A file that is not an evidence pack castview can read."""


def clip_events(clip: bytes) -> tuple[Any, list[Event]]:
    """The header and events of a clip held in memory."""
    f = io.BytesIO(clip)
    head = read_head(f, CLIP)
    return head.header, [located.event for located in EventScanner(f, head)]


class Shot(NamedTuple):
    """A frame of the clip to draw: its name, its time on the clip's timeline and the
    time of the clip's next event (None at the end), which name it (provenance)."""

    name: str
    time: float
    before: float | None
    term: Terminal


FrameOrigin = Callable[[float, "float | None"], "Provenance"]
"""The provenance of the clip's frame at (time, next event's time)."""


def frames_to_draw(clip: bytes) -> list[Shot]:
    """The clip's frames at the start, at each marker and at the end."""
    header, events = clip_events(clip)
    times = [event.time for event in events]

    def after(t: float) -> float | None:
        i = bisect.bisect_right(times, t)
        return times[i] if i < len(times) else None

    term = Terminal(header.size.cols, header.size.rows)
    shots: list[Shot] = []
    started = False
    markers = 0
    for event in events:
        if not started and event.time > 0:
            shots.append(Shot("start", 0.0, event.time, Terminal.restore(term.snapshot())))
            started = True
        if event.code == MARKER:
            markers += 1
            name = f"marker-{markers:03d}-{clock(event.time).replace(':', 'm')}s"
            shots.append(Shot(name, event.time, after(event.time), _after_time(events, event, header)))
        apply(term, event, header.no_pty)
    if not started:
        shots.append(Shot("start", 0.0, None, Terminal.restore(term.snapshot())))
    shots.append(Shot("end", times[-1] if times else 0.0, None, term))
    return shots


def _after_time(events: list[Event], marker: Event, header: Any) -> Terminal:
    """The clip's terminal after every event up to the marker's time."""
    term = Terminal(header.size.cols, header.size.rows)
    for event in events:
        if event.time > marker.time:
            break
        apply(term, event, header.no_pty)
    return term


def commands_in_range(commands: Iterable[Command], start: float, end: float,
                      mask: Callable[[str], str] | None = None) -> list[Command]:
    """The original's commands submitted from *start* to *end*, on the clip's timeline
    (a line begun before *start* is still whole), their text passed through *mask*."""
    from .clip import clip_time

    out = []
    for command in commands:
        if start <= command.time <= end:
            text = mask(command.command) if mask is not None else command.command
            out.append(command._replace(time=clip_time(command.time, start), command=text,
                                        end=None if command.end is None else clip_time(command.end, start)))
    return out


def commands_text(commands: Iterable[Command]) -> str:
    """Commands one per line: the exact time, what was typed (controls made visible, lines
    joined by ⏎) and its flags."""
    from .sanitize import printable

    lines = []
    for command in commands:
        flags = command.flags()
        lines.append(f"{exact_clock(command.time)}\t{printable(command.command.replace(chr(10), ' ⏎ '))}"
                     + (f"\t[{', '.join(flags)}]" if flags else "") + "\n")
    return "".join(lines)


def transcript_text(clip: bytes) -> str:
    from .sanitize import strip_controls
    from .transcript import render_text, transcript

    lines = transcript(CLIP, lambda: io.BytesIO(clip))
    return "".join(strip_controls(line) + "\n" for line in render_text(lines))


@dataclass(frozen=True)
class PackFacts:
    """What metadata.json says besides the clip's header."""

    source: dict[str, Any]
    start: float
    end: float
    version: str
    exported_at: str
    exported_by: str
    bookmarks: tuple[dict[str, Any], ...] = ()


def pack_files(clip: bytes, facts: PackFacts, commands: Iterable[Command] = (),
               frame_origin: FrameOrigin | None = None) -> dict[str, bytes]:
    """Every file of the pack but SHA256SUMS, by path in its folder. *commands*: on the
    clip's timeline (commands_in_range)."""
    from .term.render import Theme, to_svg

    header, _ = clip_events(clip)
    theme = Theme.from_asciicast(header.theme) if header.theme else None
    files: dict[str, bytes] = {CLIP: clip, TRANSCRIPT: transcript_text(clip).encode("utf-8")}
    files[COMMANDS] = commands_text(commands).encode("utf-8")
    for shot in frames_to_draw(clip):
        origin = frame_origin(shot.time, shot.before) if frame_origin is not None else None
        files[f"{FRAMES}/{shot.name}.svg"] = to_svg(shot.term, theme, origin).encode("utf-8")
    clip_info = dict(header.raw).get(CLIP_KEY, {})
    metadata = {
        "castview_evidence": PACK_FORMAT,
        "header": {k: v for k, v in header.raw.items() if k != CLIP_KEY},
        "source": facts.source,
        "range": {"from": exact(facts.start), "to": exact(facts.end)},
        "redactions": clip_info.get("redactions", []),
        "bookmarks": list(facts.bookmarks),
        "castview_version": facts.version,
        "exported_at": facts.exported_at,
        "exported_by": facts.exported_by,
    }
    files[METADATA] = (json.dumps(metadata, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files[README] = readme(facts, metadata["redactions"]).encode("utf-8")
    return files


def readme(facts: PackFacts, redactions: list) -> str:
    source = facts.source
    return "\n".join([
        "castview evidence pack",
        "",
        f"Source:     {printable(source['source'])}",
        f"SHA-256:    {source['source_sha256']} ({source['source_size']} bytes)",
        f"Range:      {clock(facts.start)} to {clock(facts.end)} ({facts.start:g} s to {facts.end:g} s)",
        f"Redactions: {len(redactions)} (each recorded as a count and a salted scrypt hash, never the text;",
        "            scrypt's cost is in metadata.json: slow on purpose, as the salt is published)",
        f"Made by:    {printable(facts.exported_by)} at {facts.exported_at} with castview {facts.version}",
        "",
        "Files: clip.cast (asciicast v2: play it with castview or asciinema), transcript.txt, commands.txt",
        "(the commands submitted in the range, from the recording), frames/*.svg (the screen at the",
        "start, the end and each marker, with their provenance), metadata.json, SHA256SUMS.",
        "",
        "How to verify:",
        "  1. In this folder: sha256sum -c SHA256SUMS        (every file is as packed)",
        "  2. castview verify PACK.zip --original RECORDING  (the sums, and that the clip shows",
        "     the recording's own frames; the recording's SHA-256 must be the one above)",
        "  3. Without castview: sha256sum RECORDING and compare with the SHA-256 above.",
        "",
    ])


def sums(files: dict[str, bytes]) -> bytes:
    """SHA256SUMS in sha256sum's text format (two spaces), sorted by path."""
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in sorted(files.items())).encode()


def build_pack(folder: str, files: dict[str, bytes]) -> bytes:
    """The zip: *files* and their SHA256SUMS in *folder*."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in sorted({**files, SUMS: sums(files)}.items()):
            z.writestr(zipfile.ZipInfo(f"{folder}/{path}", ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def leaks_in_files(files: dict[str, bytes], redactor: Redactor) -> str | None:
    """The first file of a pack (besides the clip, see redact.find_leak) holding a match
    in what came from the recording or its source; castview's own text (hashes, sizes,
    times, SVG markup) is not searched, or a regex for hex tokens or digits could never pass."""
    from .redact import json_leak

    for path, data in sorted(files.items()):
        if path == CLIP:
            continue
        if path == METADATA:  # searched as the clip's header is (redact.CLIP_OWN)
            written = data.decode("utf-8", "replace")
            field = json_leak(json.loads(written), redactor, METADATA_OWN)
            if field is not None:
                return f"{path} (field {field})" if field else path
            continue
        text = _recorded_text(path, data.decode("utf-8", "replace"))
        shown = html.unescape(text)
        if redactor.spans(text) or redactor.spans(shown) or redactor.spans(unicodedata.normalize("NFC", shown)):
            return path
    return None


_SVG_STYLE = re.compile(r"<style\b.*?</style>", re.S)
_SVG_TAG = re.compile(r"<[^>]*>")


#: What castview itself writes in metadata.json (see redact.CLIP_OWN): not searched.
METADATA_OWN = frozenset({("castview_evidence",), ("header", "version"), ("source", "source_sha256"),
                          ("source", "source_size"), ("range",), ("redactions",), ("castview_version",),
                          ("exported_at",), (KEYS, "*"), ("header", KEYS, *Header.KNOWN_KEYS),
                          ("source", KEYS, "*"), ("bookmarks", "*", KEYS, "*")})


def _recorded_text(path: str, text: str) -> str:
    if path == README:  # the lines that come from the source and the user
        return "\n".join(line for line in text.splitlines() if line.startswith(("Source:", "Made by:")))
    if path.endswith(".svg"):
        # the screen's text (and any title) is in text nodes; attributes are castview's
        return _SVG_TAG.sub("", _SVG_STYLE.sub("", text))
    return text


# ------------------------------------------------------------------------------ verifying


@dataclass
class Verified:
    folder: str
    files: dict[str, bytes]
    problems: list[str]

    @property
    def metadata(self) -> dict[str, Any]:
        """metadata.json's object; {} for anything else (a pack can be forged)."""
        try:
            data = json.loads(self.files[METADATA])
        except (KeyError, ValueError, RecursionError):
            return {}
        return data if isinstance(data, dict) else {}

    @property
    def source(self) -> dict[str, Any]:
        source = self.metadata.get("source")
        return source if isinstance(source, dict) else {}


# What a pack may hold at most, read into memory whole: far beyond any clip castview makes
# of a session, far below what a forged pack (a zip bomb) could ask for.
MAX_PACK_BYTES = 1 << 30
MAX_PACK_FILES = 10_000
_SUM_LINE = re.compile(r"([0-9a-f]{64})  (.+)")


def _unsafe_name(path: str) -> bool:
    """A member name that would not unpack inside the pack's folder."""
    parts = path.split("/")
    return "\\" in path or "\0" in path or any(part in ("", ".", "..") for part in parts)


def verify_pack(f: BinaryIO) -> Verified:
    """Read a pack and check its SHA256SUMS. Raises PackError for what is not a pack."""
    try:
        z = zipfile.ZipFile(f)
        members = [i for i in z.infolist() if not i.filename.endswith("/")]
        if len(members) > MAX_PACK_FILES or sum(i.file_size for i in members) > MAX_PACK_BYTES:
            raise PackError(f"not an evidence pack: more than {MAX_PACK_FILES} files or {MAX_PACK_BYTES >> 20} MiB")
        names = [i.filename for i in members]
        folders = {n.split("/", 1)[0] for n in names}
        if len(folders) != 1 or any("/" not in n for n in names):
            raise PackError("not an evidence pack: expected one folder")
        unsafe = next((n for n in names if _unsafe_name(n)), None)
        if unsafe is not None:
            raise PackError(f"not an evidence pack: {printable(unsafe)!r} would unpack outside its folder")
        folder = folders.pop()
        files = {n.split("/", 1)[1]: z.read(n) for n in names}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        if isinstance(exc, PackError):
            raise
        raise PackError(f"not a zip file ({exc})") from exc
    if SUMS not in files:
        raise PackError(f"not an evidence pack: no {SUMS}")
    problems: list[str] = []
    listed = set()
    for number, line in enumerate(files[SUMS].decode("utf-8", "replace").splitlines(), 1):
        found = _SUM_LINE.fullmatch(line)
        if found is None or found.group(2) in listed:
            problems.append(f"{SUMS} line {number}: not a checksum line, or a path listed twice")
            continue
        digest, path = found.groups()
        listed.add(path)
        if path not in files:
            problems.append(f"{path}: listed in {SUMS} but missing")
        elif hashlib.sha256(files[path]).hexdigest() != digest:
            problems.append(f"{path}: SHA-256 differs from {SUMS} (the file was changed)")
    problems += [f"{path}: not listed in {SUMS}" for path in sorted(set(files) - listed - {SUMS})]
    return Verified(folder, files, problems)


@dataclass
class Comparison:
    """How a pack's clip compares with its original: the first difference (None: every
    frame is the original's) and how many cells show the mask where the original shows
    something else (in any frame, counted once per cell per change)."""

    difference: str | None
    masked: int


def compare_with_original(opener: Callable[[], BinaryIO], replay: Replay, clip: bytes) -> Comparison:
    """Compare the clip's frames with the original's (cells, cursor, size). A redacted
    clip's masked cells (█ in the cell's colours) count as equal, and are counted."""
    from .redact import MASK

    header, events = clip_events(clip)
    start = float(dict(header.raw).get(CLIP_KEY, {}).get("from", 0.0))
    ours = Terminal(header.size.cols, header.size.rows)
    playhead = replay.seek(start)
    theirs = playhead.term
    pending = _original_events(opener, replay, playhead)
    nxt = next(pending, None)
    masked: set[tuple[int, int, str]] = set()
    for i, event in enumerate(events):
        apply(ours, event, header.no_pty)
        if i + 1 < len(events) and events[i + 1].time == event.time:
            continue  # one moment: compare after its last event
        while nxt is not None and nxt.time <= start + event.time + TIME_SLACK:
            apply(theirs, nxt, replay.header.no_pty)
            nxt = next(pending, None)
        problem = _frame_difference(ours, theirs, MASK, masked)
        if problem is not None:
            where = f"at {clock(event.time)} of the clip ({clock(start + event.time)} of the original): {problem}"
            return Comparison(where, len(masked))
    return Comparison(None, len(masked))


def declared_redactions(verified: Verified) -> int:
    """How many redactions the pack says it has (metadata.json and the clip's header)."""
    header, _ = clip_events(verified.files.get(CLIP, b""))
    clip_info = dict(header.raw).get(CLIP_KEY, {})
    listed = [verified.metadata.get("redactions"), clip_info.get("redactions") if isinstance(clip_info, dict) else None]
    return max((len(x) for x in listed if isinstance(x, list)), default=0)


def check_derived(verified: Verified) -> tuple[list[str], list[str]]:
    """What checking the files made from the clip found: (checked, problems). The
    transcript is made again from the clip and compared; the range of metadata.json
    with the clip's."""
    checked: list[str] = []
    problems: list[str] = []
    clip = verified.files.get(CLIP, b"")
    try:
        clip_events(clip)
    except (CastError, ValueError) as exc:
        return [], [f"{CLIP}: {exc}"]
    if TRANSCRIPT in verified.files:
        if transcript_text(clip).encode("utf-8") == verified.files[TRANSCRIPT]:
            checked.append(f"{TRANSCRIPT} is the clip's transcript")
        else:
            problems.append(f"{TRANSCRIPT} is not the clip's transcript (made again from {CLIP})")
    header, _ = clip_events(clip)
    clip_info = dict(header.raw).get(CLIP_KEY, {})
    wanted = {"from": clip_info.get("from"), "to": clip_info.get("to")} if isinstance(clip_info, dict) else None
    if verified.metadata.get("range") == wanted:
        checked.append(f"{METADATA}'s range is the clip's")
    else:
        problems.append(f"{METADATA}'s range {verified.metadata.get('range')} is not the clip's {wanted}")
    return checked, problems


def _original_events(opener: Callable[[], BinaryIO], replay: Replay, playhead: Any) -> Iterator[Event]:
    from .clip import events_after

    yield from events_after(opener, replay, playhead, math.inf)


def _frame_difference(ours: Terminal, theirs: Terminal, mask: str, masked: set[tuple[int, int, str]]) -> str | None:
    if (ours.cols, ours.rows) != (theirs.cols, theirs.rows):
        return f"size {ours.cols}x{ours.rows}, the original's {theirs.cols}x{theirs.rows}"
    if ours.cursor != theirs.cursor:
        return f"cursor {ours.cursor}, the original's {theirs.cursor}"
    for y, (row, want) in enumerate(zip(ours.screen.buffer, theirs.screen.buffer, strict=True)):
        for x, (cell, orig) in enumerate(zip(row, want, strict=True)):
            if cell == orig:
                continue
            if cell.data == mask and cell[1:] == orig[1:]:
                masked.add((x, y, orig.data))
                continue
            return f"row {y + 1}, column {x + 1} shows {cell.data!r}, the original {orig.data!r}"
    return None
