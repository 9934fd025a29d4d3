"""A secret that soft-wraps at the right margin stays masked in whole: the rest of it on
the row below stays masked once its first row scrolled off (by a line feed, a scroll
region, a reverse index) or the rest was erased, in the clip's bytes, every frame, its
transcript (`castview cat`) and an evidence pack. The read-back fails closed on a long
piece of a secret left at a wrap."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from castview.cli import app
from castview.evidence import transcript_text
from castview.redact import Redactor, find_leak
from test_clip_redact_output import _clip

SECRET = "AKIAIOSFODNN7EXAMPLE"
LONG = "AKIAIOSFODNN7EXAMPLEWJALRXUTNFEMIK7MDENG"  # 40: over three rows of 16


def pieces(secret: str, n: int = 5) -> set[str]:
    return {secret[i:i + n] for i in range(len(secret) - n + 1)}


def write_cast(tmp_path: Path, cols: int, rows: int, events: list[tuple[float, str, str]]) -> Path:
    folder = tmp_path / "nW"
    folder.mkdir(exist_ok=True)
    path = folder / "2026-11-26T00:00:00Z.cast"
    lines = [json.dumps({"version": 2, "width": cols, "height": rows, "timestamp": 1764115200})]
    lines += [json.dumps(list(event)) for event in events]
    path.write_text("\n".join(lines) + "\n")
    return path


def lines_after(t0: float, count: int) -> list[tuple[float, str, str]]:
    return [(t0 + i * 0.01, "o", f"line {i}\r\n") for i in range(count)]


def assert_no_piece(text: str, secret: str = SECRET) -> None:
    found = [p for p in pieces(secret) if p in text]
    assert not found, found


def assert_clean(path: Path, secret: str = SECRET) -> bytes:
    clip = _clip(path, Redactor.of([secret], []))
    assert_no_piece(clip.decode(), secret)
    assert_no_piece(transcript_text(clip), secret)
    assert find_leak(clip, Redactor.of([secret], [])) is None
    return clip


REPRO = [(0.1, "o", "$ export TOKEN=" + "x" * 64 + SECRET + "\r\n"), *lines_after(0.3, 30)]


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CASTVIEW_DATA_DIR", str(tmp_path / "data"))
    return lambda *args: CliRunner().invoke(app, [str(a) for a in args])


def test_the_reported_clip_cat_and_grep_find_nothing(run, tmp_path: Path) -> None:
    cast = write_cast(tmp_path, 80, 24, REPRO)
    out = tmp_path / "leak.cast"
    result = run("clip", cast, "--redact", SECRET, "-o", out)
    assert result.exit_code == 0, result.output
    assert_no_piece(out.read_text())
    cat = run("cat", out)
    assert cat.exit_code == 0, cat.output
    assert "line 29" in cat.output
    assert_no_piece(cat.output)
    assert_clean(cast)


def test_the_reported_evidence_pack_holds_no_piece(run, tmp_path: Path) -> None:
    cast = write_cast(tmp_path, 80, 24, REPRO)
    pack = tmp_path / "p.zip"
    result = run("evidence", cast, "--redact", SECRET, "-o", pack)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(pack) as z:
        names = z.namelist()
        assert "p/transcript.txt" in names
        for name in names:
            assert_no_piece(z.read(name).decode("utf-8", "replace"))


def test_scrolled_off_in_the_event_that_drew_it(tmp_path: Path) -> None:
    # the first row leaves in the same event: no frame ever shows the secret whole
    lines = "".join(f"line {i}\r\n" for i in range(23))
    assert_clean(write_cast(tmp_path, 80, 24, [(0.1, "o", "$ export TOKEN=" + "x" * 64 + SECRET + "\r\n" + lines)]))


def test_split_across_three_rows(tmp_path: Path) -> None:
    # 16 columns: 5 characters on the first row, 16 on the second, 19 more below
    cast = write_cast(tmp_path, 16, 6, [(0.1, "o", "$ export T=" + LONG + "\r\n"), *lines_after(0.3, 10)])
    assert_clean(cast, LONG)


def test_wrap_then_a_scroll_region_takes_the_first_row(tmp_path: Path) -> None:
    # the secret wraps from row 3 into row 4; a scroll region of rows 3-10 scrolls up
    events = [(0.1, "o", "one\r\ntwo\r\n$ export TOKEN=" + "x" * 64 + SECRET + "\r\n"),
              (0.2, "o", "\x1b[3;10r\x1b[10;1H"), *lines_after(0.3, 3), (0.5, "o", "\x1b[r\x1b[20;1H$ ")]
    assert_clean(write_cast(tmp_path, 80, 24, events))


def test_wrap_then_a_reverse_index_drops_the_first_row(tmp_path: Path) -> None:
    # the secret wraps from row 3 into row 4; a reverse index at the top of a scroll
    # region of rows 1-3 pushes row 3 out of it (the rest of the secret stays on row 4)
    events = [(0.1, "o", "one\r\ntwo\r\n$ export TOKEN=" + "x" * 64 + SECRET + "\r\n"),
              (0.2, "o", "\x1b[1;3r\x1b[1;1H\x1bM"), (0.3, "o", "\x1bMnew\x1b[r\x1b[20;1H$ "),
              *lines_after(0.4, 30)]
    assert_clean(write_cast(tmp_path, 80, 24, events))


def test_the_rest_erased_then_the_first_row_scrolls_off(tmp_path: Path) -> None:
    # the tail on row 2 is erased (EL 2): the head, one character short of the margin
    # half the secret, stays masked, and so when it scrolls off
    events = [(0.1, "o", "$ export TOKEN=" + "x" * 55 + SECRET + "\r\n"),
              (0.2, "o", "\x1b[2;1H\x1b[2K"), *lines_after(0.3, 30)]
    assert_clean(write_cast(tmp_path, 80, 24, events))


def test_the_rest_erased_by_an_erase_in_display(tmp_path: Path) -> None:
    events = [(0.1, "o", "$ export TOKEN=" + "x" * 55 + SECRET + "\r\n"),
              (0.2, "o", "\x1b[2;1H\x1b[J$ "), *lines_after(0.3, 30)]
    assert_clean(write_cast(tmp_path, 80, 24, events))


@pytest.mark.parametrize("screen", [
    "y" * 70 + SECRET[:10] + "ZZZ\r\n",  # a head at the margin, the row below not the rest
    "y" * 80 + SECRET[1:] + "\r\n",  # a tail at the start of a row after a wrap
])
def test_the_read_back_fails_closed_on_a_piece_at_a_wrap(screen: str) -> None:
    header = json.dumps({"version": 2, "width": 80, "height": 24})
    clip = (header + "\n" + json.dumps([0.1, "o", screen]) + "\n").encode()
    assert find_leak(clip, Redactor.of([SECRET], [])) is not None


def test_the_read_back_takes_no_short_piece_or_one_not_at_a_wrap() -> None:
    header = json.dumps({"version": 2, "width": 80, "height": 24})
    screens = ["y" * 75 + SECRET[:5] + "ZZZ\r\n", SECRET[1:] + "\r\n", "y" * 80 + SECRET[15:] + "\r\n"]
    for screen in screens:
        clip = (header + "\n" + json.dumps([0.1, "o", screen]) + "\n").encode()
        assert find_leak(clip, Redactor.of([SECRET], [])) is None, screen
