"""Reading asciicast v1, v2 and v3 from a binary file-like object.

The reader is tolerant: a bad line is skipped and reported as a Problem with its line
number, everything valid is kept. Only a file that is not a recording at all raises
CastError. v2/v3 bodies are streamed line by line so multi-GB files never sit in memory,
and a line over 1 MiB is read a chunk at a time (long_lines.py).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Generator, Iterator, NamedTuple

from .long_lines import LONG_LINE, BodyReader, LongLine, OutputLine, check_line, find_line
from .model import INPUT, MAX_EVENT_TIME, OUTPUT, RESIZE, CastError, Event, Header, Problem, parse_size, seconds_value

HEADER_LIMIT = 1 << 20  # a header line longer than this is not a recording's
V1_LIMIT = 256 << 20  # v1 is one JSON document that must be parsed whole
BOM = b"\xef\xbb\xbf"
# No real header nests deeper than 3 (kubernetes, env, theme). A header value nested
# deeper is dropped: every later json.dumps, repr or str of it would recurse that deep.
MAX_HEADER_DEPTH = 16


def _loads(text: str | bytes) -> Any:
    """json.loads where every bad input is a ValueError: nesting deep enough to exhaust
    the stack ("[" * 3000) is just another line that is not JSON. (Integers over Python's
    4300-digit limit already raise a plain ValueError.)"""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _excerpt(text: str, width: int = 40) -> str:
    text = text.strip()
    clean = "".join(ch if ch.isprintable() else "?" for ch in text[:width])
    return repr(clean + ("…" if len(text) > width else ""))


def _json_excerpt(value: object, width: int = 40) -> str:
    """A JSON value as a short, control-free snippet for a message (a 400-digit number
    or a long string is cut)."""
    text = json.dumps(value)  # ensure_ascii: escapes every control character
    return text if len(text) <= width else text[: width - 1] + "…"


def _decode(raw: bytes) -> tuple[str, bool]:
    try:
        return raw.decode("utf-8"), True
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace"), False


def _strip_eol(raw: bytes) -> tuple[bytes, bool]:
    if raw.endswith(b"\n"):
        return raw[:-2] if raw.endswith(b"\r\n") else raw[:-1], True
    return raw, False


@dataclass(frozen=True)
class CastHead:
    """The parsed header and where the events start.

    For v1 the whole document had to be parsed, so its events are carried here.
    """

    header: Header
    body_offset: int
    v1_events: tuple[Event, ...] | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def version(self) -> int:
        return self.header.version


def _version(obj: dict, path: str) -> int:
    version = obj.get("version")
    if type(version) is not int or version not in (1, 2, 3):
        shown = "(nested)" if _nested_deeper(version, 1) else _json_excerpt(version)
        raise CastError(path, f"unsupported asciicast version {shown}", 1)
    return version


def _header_from_mapping(obj: dict, path: str, text: str | None) -> tuple[Header, tuple[Problem, ...]]:
    """The header, with any value nested too deep to handle safely dropped and reported.
    `text` is the header line as written; None (v1) writes it from the fields kept."""
    version = _version(obj, path)
    deep = [key for key, value in obj.items()
            if isinstance(value, (dict, list)) and _nested_deeper(value, MAX_HEADER_DEPTH)]
    raw = {k: v for k, v in obj.items() if k not in deep} if deep else obj
    problems = tuple(Problem(1, f"header field {_excerpt(key)} is nested over {MAX_HEADER_DEPTH} levels deep; ignored")
                     for key in deep)
    if text is None:
        text = json.dumps(raw, ensure_ascii=False)
    return Header(raw=raw, version=version, raw_text=text), problems


def _nested_deeper(value: object, limit: int) -> bool:
    # A loop, not recursion: the point is to measure depth before anything recurses.
    # Only containers are stacked: a header's `env` of strings costs one pass over it.
    stack = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def read_head(f: BinaryIO, path: str, checked: bool = True) -> CastHead:
    """Read the header with a bounded read of the first line (the whole file for v1).
    `checked=False` (a listing, which shows no problems): the header's fields are not
    checked for usable values, so `problems` lacks those; the header is the same."""
    f.seek(0)
    first = f.readline(HEADER_LIMIT + 1)
    if not first:
        raise CastError(path, "empty file, not a recording")
    offset = len(first)
    if first.startswith(BOM):
        first = first[len(BOM):]
    line, complete = _strip_eol(first)
    if len(first) > HEADER_LIMIT and not complete:
        if first.lstrip().startswith(b"{"):
            return _read_v1(f, path, checked)
        raise CastError(path, "first line is over 1 MiB and is not an asciicast header")
    text, _ = _decode(line)
    try:
        obj = _loads(text)
    except ValueError:
        if text.lstrip().startswith("{"):
            # A pretty-printed v1 document, or a header cut off while being written.
            return _read_v1(f, path, checked)
        raise CastError(path, f"not an asciicast recording: first line is {_excerpt(text)}", 1) from None
    if not isinstance(obj, dict):
        raise CastError(path, "not an asciicast recording: first line is not a JSON object", 1)
    if _version(obj, path) == 1:
        return _v1_head(obj, path, offset, checked)
    header, problems = _header_from_mapping(obj, path, text)
    if checked:
        problems += _header_problems(header)
    return CastHead(header=header, body_offset=offset, problems=problems)


# Header fields whose value, when present, must be usable; each is read through the
# Header accessor that says None for a value of the wrong type or out of range.
_CHECKED_FIELDS = {
    "timestamp": lambda h: h.timestamp,
    "duration": lambda h: h.duration,
    "idle_time_limit": lambda h: h.idle_time_limit,
    "command": lambda h: h.command,
    "title": lambda h: h.title,
    "srcNode": lambda h: h.src_node,
    "srcNodeID": lambda h: h.src_node_id,
    "srcNodeUserID": lambda h: h.src_node_user_id,
    "srcNodeUser": lambda h: h.src_node_user,
    "sshUser": lambda h: h.ssh_user,
    "localUser": lambda h: h.local_user,
    "connectionID": lambda h: h.connection_id,
}
_RANGES = {
    "timestamp": " (a start in the years 1970..9999)",
    "duration": f" (0 to {MAX_EVENT_TIME:.0e} s)",
    "idle_time_limit": f" (over 0, up to {MAX_EVENT_TIME:.0e} s)",
}


def _header_problems(header: Header) -> tuple[Problem, ...]:
    problems = []
    cols, rows = header.declared_size
    if cols is None or rows is None:
        problems.append(Problem(1, f"header has no terminal size; replaying at {header.size.cols}x{header.size.rows}"))
    elif (cols, rows) != tuple(header.size) and not (header.no_pty and cols == rows == 0):
        # 0x0 is tsrecorder's mark of a session without a PTY (FORMATS.md), a fact
        # `info` shows, not damage; any other unusable size is.
        problems.append(Problem(1, f"header size {_json_excerpt(cols, 12)}x{_json_excerpt(rows, 12)} is unusable; "
                                   f"replaying at {header.size.cols}x{header.size.rows}"))
    for key, accessor in _CHECKED_FIELDS.items():
        value = header.get(key)
        if value is not None and accessor(header) is None:
            problems.append(Problem(1, f"header {key} {_json_excerpt(value)} is not usable"
                                       f"{_RANGES.get(key, '')}; ignored"))
    return tuple(problems)


def _read_v1(f: BinaryIO, path: str, checked: bool) -> CastHead:
    f.seek(0)
    data = f.read(V1_LIMIT + 1)
    if len(data) > V1_LIMIT:
        raise CastError(path, "asciicast v1 document larger than 256 MiB")
    if data.startswith(BOM):
        data = data[len(BOM):]
    text, _ = _decode(data)
    try:
        obj = _loads(text)
    except json.JSONDecodeError as exc:
        raise CastError(path, f"not an asciicast recording: invalid JSON ({exc.msg})", exc.lineno) from None
    except ValueError as exc:
        raise CastError(path, f"not an asciicast recording: invalid JSON ({_excerpt(str(exc), 60)})") from None
    if not isinstance(obj, dict):
        raise CastError(path, "not an asciicast recording: not a JSON object", 1)
    if _version(obj, path) != 1:
        raise CastError(path, "header line is not valid JSON", 1)
    return _v1_head(obj, path, len(data), checked)


def _v1_head(obj: dict, path: str, end: int, checked: bool) -> CastHead:
    frames = obj.get("stdout")
    if not isinstance(frames, list):
        raise CastError(path, "asciicast v1 document has no 'stdout' frames")
    # v1 keeps the header fields beside 'stdout'; drop the frames from the header view.
    header, dropped = _header_from_mapping({k: v for k, v in obj.items() if k != "stdout"}, path, None)
    problems: list[Problem] = [*dropped, *(_header_problems(header) if checked else ())]
    events: list[Event] = []
    now = 0.0
    for i, frame in enumerate(frames):
        if (not isinstance(frame, list) or len(frame) != 2 or not isinstance(frame[1], str)
                or not _is_number(frame[0])):
            problems.append(Problem(None, f"stdout frame {i} is not [delay, text]; skipped"))
            continue
        delay = seconds_value(frame[0])
        if delay is None or now + delay > MAX_EVENT_TIME:
            problems.append(Problem(None, f"stdout frame {i} has invalid delay {_json_excerpt(frame[0])}; taken as 0"))
            delay = 0.0
        now += delay
        events.append(Event(now, "o", frame[1]))
    return CastHead(header=header, body_offset=end, v1_events=tuple(events), problems=tuple(problems))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Located(NamedTuple):
    """An event with where it came from, for the offset index."""

    offset: int
    line: int
    event: Event


@dataclass
class ScanState:
    """Where a scan stopped, so a later scan of a growing file can resume there.

    `piece` is 0 between lines. Inside a long line whose data comes out as several events
    (see EventScanner) it counts the events of that line already yielded, and `offset`,
    `line` and `time` are those before the line: a scan resumed there reads the line again
    and skips them. Such a state is only good with the same `long_line` setting, so it
    is not one to keep on disk (EventScanner.mid_line).
    """

    offset: int
    line: int
    time: float
    piece: int = 0


@dataclass
class EventScanner:
    """Streams the events of a v2/v3 body (or replays v1's) with offsets and problems.

    After iteration: `problems` holds every skipped or repaired line, `state` where to
    resume, and `incomplete_tail` whether the file ends in a half-written line (a session
    still being recorded, or a recorder that died) which is not counted as a problem.

    Memory stays bounded whatever the file holds. A line over `long_line` bytes is never
    held whole: if it is an output or input event `[time, "o", "<data>"]`, its data comes
    out as several events with the line's time and code, each of at most `long_line`
    characters (and a few), whose concatenation is the data; any other line that long is
    a problem ("line of N MB skipped: ..."). The line is checked whole (decoded and
    dropped) before its first event is yielded, so a malformed one gives no events, as a
    short one does. While its events are yielded (all but after the last) `mid_line` is
    True and `state` resumes inside the line.

    The bound: a few chunks of `long_line` alive at once (a chunk of bytes, its text with
    a closing quote, the decoded piece, the piece held back to know which one is last, the
    piece the consumer holds). For a 48 MiB line and the default 1 MiB that is a peak of
    7 MiB for ASCII text and 18 MiB for text with characters beyond U+FFFF, which Python
    stores at 4 bytes each: under 10 x and 24 x `long_line` (tests/test_reader_long_lines.py).
    """

    f: BinaryIO
    head: CastHead
    start: ScanState | None = None
    long_line: int = LONG_LINE
    problems: list[Problem] = field(default_factory=list)
    incomplete_tail: bool = False
    state: ScanState = field(init=False)

    def __post_init__(self) -> None:
        self.state = self.start or ScanState(self.head.body_offset, 2, 0.0)
        self._rows_first = self.head.header.resize_rows_first

    @property
    def mid_line(self) -> bool:
        """True while the events of a long line are being yielded, except after its last:
        `state` then resumes inside the line (see ScanState.piece)."""
        return self.state.piece > 0

    def __iter__(self) -> Iterator[Located]:
        if self.head.v1_events is not None:
            # v1 has no lines to seek to: the state's line counts frames instead.
            body = self.head.body_offset
            for i in range(self.state.line - 2, len(self.head.v1_events)):
                event = self.head.v1_events[i]
                self.state = ScanState(body, i + 3, event.time)
                yield Located(body, i + 2, event)
            return
        relative = self.head.version == 3
        f = self.f
        f.seek(self.state.offset)
        offset, line_no, now = self.state.offset, self.state.line, self.state.time
        skip = self.state.piece
        self.incomplete_tail = False
        readline, limit = f.readline, self.long_line
        while raw := readline(limit + 1):
            here = offset
            if len(raw) > limit and not raw.endswith(b"\n"):
                line = find_line(f, here, limit)
                now = yield from self._long_line(line, raw, line_no, now, relative, skip)
                if self.incomplete_tail:
                    break
                offset, line_no, skip = line.end, line_no + 1, 0
                self.state = ScanState(offset, line_no, now)
                f.seek(offset)
                continue
            offset += len(raw)
            body, complete = _strip_eol(raw)
            text, valid_utf8 = _decode(body)
            stripped = text.strip()
            if not stripped or (relative and stripped.startswith("#")):
                line_no += 1
                if complete:
                    self.state = ScanState(offset, line_no, now)
                continue
            try:
                item = _loads(text)
            except ValueError:
                item = None
            if not complete and item is None:
                # The recorder has not finished writing this line (or never will).
                self.incomplete_tail = True
                break
            event, problem = self._event(item, text, now, relative)
            if problem:
                self.problems.append(Problem(line_no, problem))
            line_no += 1
            if event is not None:
                if not valid_utf8:
                    self.problems.append(Problem(line_no - 1, "invalid UTF-8 replaced with U+FFFD"))
                now = event.time
                # The state moves before the yield so a consumer that stops here resumes
                # after this event, not on it.
                self.state = ScanState(offset, line_no, now)
                yield Located(here, line_no - 1, event)
            self.state = ScanState(offset, line_no, now)

    def _long_line(self, line: LongLine, start: bytes, line_no: int, now: float, relative: bool,
                   skip: int) -> Generator[Located, None, float]:
        """The events of a line over `long_line` bytes (`start` is its beginning); returns
        the time after it. Only an output or input event of the usual shape is read, as one
        event per chunk of its data, all at the line's time; any other line that long is a
        problem. A line the file ends in is checked whole first: if it is not a whole event
        it is an incomplete tail, as a short one is."""
        if relative and start.lstrip().startswith(b"#"):
            return now  # a comment, however long
        if not line.complete and not line.may_end_event:
            self.incomplete_tail = True  # (cheap: a file being written is looked at often)
            return now
        shape = check_line(self.f, line, _loads, self.long_line)
        if isinstance(shape, str) and not line.complete:
            self.incomplete_tail = True
            return now
        if isinstance(shape, OutputLine) and shape.code not in (OUTPUT, INPUT):
            shape = f"only output and input events may be this long, not {_json_excerpt(shape.code, 12)}"
        if isinstance(shape, str):
            self.problems.append(Problem(line_no, f"line of {line.megabytes:.1f} MB skipped: {shape}"))
            return now
        return (yield from self._pieces(line, shape, line_no, now, relative, skip))

    def _pieces(self, line: LongLine, shape: OutputLine, line_no: int, now: float, relative: bool,
                skip: int) -> Generator[Located, None, float]:
        """The line's events, the first `skip` of which were yielded before (a resumed
        scan). If the line no longer decodes (the file changed since it was checked), the
        pieces already yielded stay and the line is a problem."""
        event, problem = self._event([shape.time, shape.code, ""], "", now, relative)
        assert event is not None  # the shape is an event's: at worst its time is repaired
        if problem:
            self.problems.append(Problem(line_no, problem))
        if not shape.valid_utf8:
            self.problems.append(Problem(line_no, "invalid UTF-8 replaced with U+FFFD"))
        done = 0
        previous = None
        try:
            # Each piece waits for the next, so the last one is known when it is yielded.
            for piece in BodyReader(self.f, shape.data_offset, line.offset + line.length, self.long_line):
                if previous is not None:
                    done += 1
                    if done > skip:
                        self.state = ScanState(line.offset, line_no, now, done)
                        yield Located(line.offset, line_no, event._replace(data=previous))
                previous = piece
        except ValueError as exc:
            self.problems.append(Problem(line_no, f"line of {line.megabytes:.1f} MB changed while read ({exc}); "
                                                  f"the rest of it skipped"))
            return now if done == 0 else event.time
        if done + 1 > skip:
            self.state = ScanState(line.end, line_no + 1, event.time)
            yield Located(line.offset, line_no, event._replace(data=previous or ""))
        return event.time

    def _event(self, item: object, text: str, now: float, relative: bool) -> tuple[Event | None, str | None]:
        if not isinstance(item, list):
            return None, f"not an event (expected [time, code, data]): {_excerpt(text)}; skipped"
        if len(item) < 3 or not _is_number(item[0]) or not isinstance(item[1], str):
            return None, f"malformed event {_excerpt(text)}; skipped"
        t, code, data = item[0], item[1], item[2]
        if not isinstance(data, str):
            # json.loads parsed it at this depth of the stack, so json.dumps can write it back.
            data = json.dumps(data)
        problem = None
        t = seconds_value(t)
        if t is not None and relative:
            t = now + t
        if t is None or t > MAX_EVENT_TIME:
            problem = f"invalid time {_json_excerpt(item[0], 24)} (over {MAX_EVENT_TIME:.0e} s or not a time); kept at {now:.6f}"
            t = now
        elif t < now:
            problem = f"time {t:.6f} goes backwards (previous {now:.6f}); kept at {now:.6f}"
            t = now
        if code == RESIZE:
            size = parse_size(data, rows_first=self._rows_first)
            if size is None:
                return Event(t, code, data), f"invalid resize {data!r}; ignored"
            data = f"{size.cols}x{size.rows}"
        return Event(t, code, data), problem


def load_events(path: str | os.PathLike[str]) -> tuple[Header, list[Event]]:
    """Read a whole (small) recording: its header and every valid event, in order."""
    with open(path, "rb") as f:
        head = read_head(f, os.fspath(path))
        return head.header, [loc.event for loc in EventScanner(f, head)]



class Tail(NamedTuple):
    """What the end of a file says without reading the rest of it."""

    last_time: float | None
    incomplete: bool
    problems: tuple[Problem, ...] = ()
    """What a scan of the whole body found (v3, whose times need one): a listing knows
    these lines damaged without reading the file again (v2's tail read finds none)."""


TAIL_BYTES = 64 << 10


def read_tail(f: BinaryIO, head: CastHead, size: int) -> Tail:
    """The time of the last event and whether the last line is half-written.

    v2 times are absolute, so the last complete line gives the duration from a bounded
    read; v3 intervals need every time, which a fast pass over the body sums up.
    """
    if head.v1_events is not None:
        return Tail(head.v1_events[-1].time if head.v1_events else 0.0, False)
    if head.version == 3:
        scanner = EventScanner(f, head)
        last = None
        for located in scanner:
            last = located.event.time
        return Tail(last, scanner.incomplete_tail, tuple(scanner.problems))
    start = max(head.body_offset, size - TAIL_BYTES)
    f.seek(start)
    chunk = f.read(size - start)
    lines = chunk.split(b"\n")
    incomplete = False
    if lines and lines[-1].strip():
        try:
            _loads(lines[-1])
        except ValueError:
            incomplete = True
            lines.pop()
    for raw in reversed(lines if start == head.body_offset else lines[1:]):
        if not raw.strip():
            continue  # (the file's final newline leaves one; a failed parse costs more)
        try:
            item = _loads(raw)
        except ValueError:
            continue
        # A time the scanner would reject is skipped here too, so the duration is one it can reach.
        last = seconds_value(item[0]) if isinstance(item, list) and item else None
        if last is not None:
            return Tail(last, incomplete)
    return Tail(None if size > head.body_offset else 0.0, incomplete)
