"""Redaction (castview.redact, `clip --redact/--redact-regex`): adversarial recordings in
which a secret reaches the screen in many byte forms. No frame and no byte of the clip
holds it; every other cell is unchanged frame for frame; a failure deletes the output."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from castview.cast.reader import load_events
from castview.clip import Source, clip_range
from castview.recording import Recording
from castview.redact import MASK, Redactor, find_leak, redacted_clip_lines
from castview.term.keyframes import apply
from castview.term.screen import Terminal

SECRET = "hunter2xyz"
ZWJ = "\u200d"


def cast(tmp_path: Path, events: list, width: int = 40, height: int = 8, **header) -> Path:
    path = tmp_path / "in.cast"
    lines = [json.dumps({"version": 2, "width": width, "height": height, **header})]
    lines += [json.dumps(e) for e in events]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def typed(text: str, t0: float) -> list:
    return [[t0 + i * 0.1, "o", ch] for i, ch in enumerate(text)]


ADVERSARIAL = {
    "one char per event": typed("$ echo " + SECRET + "\r\n", 1.0),
    "split across events": [[1, "o", "pass: hun"], [2, "o", "ter2"], [3, "o", "xyz\r\n"]],
    "interleaved with escapes": [[1, "o", "h\x1b[31mun\x1b[0mt\x1b[1me\x1b[mr\x1b[?25l2\x1b]2;t\x07xyz"]],
    "drawn out of order by an editor": [[1, "o", "\x1b[3;8Hxyz"], [2, "o", "\x1b[3;1Hhun"], [3, "o", "\x1b[3;4Hter2"]],
    "redrawn over and over": [[t, "o", f"\x1b[H\x1b[2J{SECRET} {t}"] for t in range(1, 6)],
    "wrapped across rows": [[1, "o", "x" * 35 + SECRET]],
    "in the alternate screen": [[1, "o", "\x1b[?1049h\x1b[5;5H" + SECRET], [2, "o", "\x1b[?1049l"]],
    "scrolled": [[1, "o", SECRET + "\r\n"], [2, "o", "\r\n" * 10], [3, "o", "after"]],
    "typed then erased halfway": typed(SECRET, 1.0) + [[3, "o", "\b \b" * 4]],
    "in a marker, input and title": [[1, "i", SECRET], [2, "m", f"note {SECRET}"],
                                     [3, "o", f"\x1b]2;{SECRET}\x07ok"]],
}


def redacted(path: Path, redactor: Redactor, start: float = 0.0, end: float = float("inf")) -> bytes:
    target = Recording.from_path(path)
    replay, _ = target.open_replay(None)
    replay.build()
    t0, t1 = clip_range(replay, start, end)
    lines = redacted_clip_lines(target.opener, replay, t0, t1, Source(str(path), "0", 0), "t", redactor)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def frames_at_times(path: Path) -> dict[float, tuple[list, tuple]]:
    """The screen (cells) and cursor after the last event at each time of a recording."""
    header, events = load_events(path)
    term = Terminal(header.size.cols, header.size.rows)
    out = {0.0: ([list(r) for r in term.screen.buffer], term.cursor)}
    for event in events:
        apply(term, event, header.no_pty)
        out[round(event.time, 6)] = ([list(r) for r in term.screen.buffer], term.cursor)
    return out


def assert_same_but_masked(original: Path, clip: Path) -> int:
    """Every frame of the clip is the original's but for masked cells; returns how many."""
    theirs = frames_at_times(original)
    ours = frames_at_times(clip)
    masked = 0
    for t, (rows, cursor) in ours.items():
        want_rows, want_cursor = theirs[t] if t in theirs else theirs[max(k for k in theirs if k <= t)]
        assert cursor == want_cursor, t
        for row, want in zip(rows, want_rows, strict=True):
            for cell, orig in zip(row, want, strict=True):
                if cell != orig and cell != orig._replace(data=orig.data.rstrip(ZWJ)):  # see term.synthesize
                    assert cell.data == MASK and cell[1:] == orig[1:], (t, cell, orig)
                    masked += 1
    return masked


@pytest.mark.parametrize("case", ADVERSARIAL)
def test_no_frame_or_byte_shows_the_secret(case: str, tmp_path: Path) -> None:
    path = cast(tmp_path, ADVERSARIAL[case], command=f"login --password {SECRET}")
    redactor = Redactor.of([SECRET], [])
    data = redacted(path, redactor)
    assert SECRET.encode() not in data
    assert b"hunter" not in data  # the typed prefix too: masked before the whole shows
    assert find_leak(data, redactor) is None
    clip = tmp_path / "out.cast"
    clip.write_bytes(data)
    shown_on_screen = case != "in a marker, input and title"
    assert (assert_same_but_masked(path, clip) > 0) == shown_on_screen


def test_regex_and_wide_characters(tmp_path: Path) -> None:
    key = "AKIAABCDEFGHIJKLMNOP"
    path = cast(tmp_path, [[1, "o", f"key={key}\r\n"], [2, "o", "密码是秘密\r\n"], [3, "o", "AKIA-not-a-key"]])
    redactor = Redactor.of(["秘密"], [r"AKIA[0-9A-Z]{16}"])
    data = redacted(path, redactor)
    assert key.encode() not in data and "秘密".encode() not in data and b"AKIA-not-a-key" in data
    clip = tmp_path / "out.cast"
    clip.write_bytes(data)
    # the key in the frames at 1, 2 and 3 s, the wide characters (two marks each) at 2 and 3 s
    assert assert_same_but_masked(path, clip) == 3 * len(key) + 2 * 4
    assert find_leak(data, redactor) is None


def test_header_records_count_and_salted_hash_never_the_secret(tmp_path: Path) -> None:
    path = cast(tmp_path, [[1, "o", SECRET], [2, "o", "\r\n" + SECRET]])
    redactor = Redactor.of([SECRET], [r"nothing-matches-\d+"])
    data = redacted(path, redactor)
    header = json.loads(data.decode().splitlines()[0])
    text_record, regex_record = header["castview_clip"]["redactions"]
    assert text_record["kind"] == "text" and text_record["count"] == 2  # frames it matched in
    salt = bytes.fromhex(text_record["salt"])
    # a slow KDF (scrypt at its recorded cost), never a fast hash of the published salt
    assert (text_record["kdf"], text_record["n"], text_record["r"], text_record["p"]) == ("scrypt", 1 << 14, 8, 1)
    assert text_record["hash"] == hashlib.scrypt(re.escape(SECRET).encode(), salt=salt, n=1 << 14, r=8, p=1,
                                                 maxmem=64 << 20, dklen=32).hex()
    assert regex_record["kind"] == "regex" and regex_record["count"] == 0
    assert SECRET not in json.dumps(header) and "nothing-matches" not in json.dumps(header)


def test_bad_patterns_are_refused() -> None:
    for texts, regexes in (([""], []), ([], ["a*"]), ([], ["(unclosed"])):
        with pytest.raises(ValueError):
            Redactor.of(texts, regexes)


def test_find_leak_names_the_time(tmp_path: Path) -> None:
    redactor = Redactor.of([SECRET], [])
    leaky = "\n".join([json.dumps({"version": 2, "width": 20, "height": 3}), json.dumps([0.5, "o", "hun"]),
                       json.dumps([1.5, "o", "ter2\x1b[1mxyz"])]) + "\n"
    assert find_leak(leaky.encode(), redactor) == "at 0:01.5 on screen"
    in_bytes = "\n".join([json.dumps({"version": 2, "width": 20, "height": 3}),
                          json.dumps([2.0, "m", SECRET])]) + "\n"
    assert find_leak(in_bytes.encode(), redactor) == "at 0:02.0 in the event bytes"


def test_cli_fails_closed_and_deletes_the_output(tmp_path: Path, monkeypatch) -> None:
    from castview.cli import app

    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "rec").mkdir()
    path = cast(tmp_path / "rec", [[1, "o", "a secret here"], [2, "o", " and more"]])
    out = tmp_path / "out.cast"  # not in the recording's folder
    # masking "secret" shows marks, which the second pattern matches: it cannot succeed
    result = CliRunner().invoke(app, ["clip", str(path), "--redact", "secret", "--redact-regex", MASK + "+",
                                      "-o", str(out)])
    assert result.exit_code == 3
    assert "redaction failed" in result.output and "0:01.0" in result.output
    assert not out.exists()
    ok = CliRunner().invoke(app, ["clip", str(path), "--redact", "secret", "-o", str(out)])
    assert ok.exit_code == 0, ok.output
    assert b"secret" not in out.read_bytes()


SAMPLES = sorted((Path(__file__).parent.parent / "sample_casts").glob("**/*.cast"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_recordings_redacted(path: Path, tmp_path: Path) -> None:
    """Real sessions (editors, colours, the alternate screen, resizes): user and host names gone."""
    redactor = Redactor.of(["alice", "bob"], [r"prod-\w+"])
    data = redacted(path, redactor)
    assert b"alice" not in data and b"bob" not in data and b"prod-" not in data
    assert find_leak(data, redactor) is None
    clip = tmp_path / "out.cast"
    clip.write_bytes(data)
    assert_same_but_masked(path, clip)
