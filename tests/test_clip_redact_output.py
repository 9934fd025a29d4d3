"""Issue 15 tester's findings on clips, redaction, packs and the ledger's exports: no byte
of a redacted output holds a match (header values too), names printed escaped, outputs
checked before writing, a redacted clip keeps the lines that left the screen."""

from __future__ import annotations

import json
import random
import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from castview.cli import app
from castview.clip import Source, clip_lines
from castview.clipping import CLIP_KIND, PACK_KIND, check_output
from castview.evidence import transcript_text
from castview.recording import Recording
from castview.redact import Redactor, check_redaction, find_leak, redacted_clip_lines
from castview.term.screen import Terminal
from castview.term.synthesize import synthesize

ROOT = Path(__file__).parent.parent
PLAIN = ROOT / "sample_casts/nHx4Tb1CNTRL/2026-11-20T09:15:02Z.cast"
SAMPLES = sorted((ROOT / "src/castview/data/sample_casts").glob("*/*.cast"))
ESC_NAME = "2026-11-25T10:03:20Z\x1b]0;FNAME\x07\x1b[31m.cast"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CASTVIEW_DATA_DIR", str(tmp_path / "data"))

    def invoke(*args: object):
        return CliRunner().invoke(app, [str(a) for a in args])

    return invoke


def flat(output: str) -> str:
    """A message without the box typer draws around it, and its line breaks."""
    return re.sub(r"[│╭╮╰╯─\s]+", " ", output)


def hostile_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "rec"
    folder.mkdir()
    path = folder / ESC_NAME
    path.write_bytes(PLAIN.read_bytes())
    return path


# ------------------------------------------------------------------ names made printable


def test_reviews_table_and_csv_show_controls_escaped(run, tmp_path: Path) -> None:
    path = hostile_copy(tmp_path)
    assert run("review", path, "--verdict", "ok", "--note", "evil\x1b]0;NOTE\x07 note").exit_code == 0
    for args in (("reviews",), ("reviews", "--csv")):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert "\\x1b]0;FNAME\\x07" in result.output
    assert "evil\\x1b]0;NOTE\\x07 note" in run("reviews", "--csv").output
    exact = json.loads(run("reviews", "--json").output)
    assert exact["location"].endswith(ESC_NAME)  # JSON keeps the exact value


def test_pack_readme_names_the_source_printably_and_ends_with_a_newline(run, tmp_path: Path) -> None:
    path = hostile_copy(tmp_path)
    pack = tmp_path / "p.zip"
    assert run("evidence", path, "--to", "3", "-o", pack).exit_code == 0
    with zipfile.ZipFile(pack) as z:
        readme = z.read("p/README.txt").decode()
    assert "\x1b" not in readme and "\x07" not in readme and "\\x1b]0;FNAME" in readme
    assert readme.endswith("\n")


# ------------------------------------------------------------------ header bytes


def test_a_header_string_is_masked_never_a_key(run, tmp_path: Path) -> None:
    out = tmp_path / "q.cast"
    result = run("clip", PLAIN, "--redact", "09:15:02", "--redact", "width", "-o", out)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert b"09:15:02" not in data
    header = json.loads(data.decode().splitlines()[0])
    assert header["width"] == 80 and "start" in header["castview_clip"]
    assert "matched nothing" not in result.output and "not on screen" in flat(result.output)
    counts = [r["count"] for r in header["castview_clip"]["redactions"]]
    assert counts[0] >= 1  # the exact start, masked, is counted


def test_a_matching_header_number_fails_closed_naming_it(run, tmp_path: Path) -> None:
    user_id = str(json.loads(PLAIN.read_text().splitlines()[0])["srcNodeUserID"])
    for command, out in (("clip", tmp_path / "u.cast"), ("evidence", tmp_path / "u.zip")):
        result = run(command, PLAIN, "--redact", user_id, "-o", out)
        assert result.exit_code == 3, result.output
        assert "srcNodeUserID" in result.output and "matched nothing" not in result.output
        assert not out.exists()


def test_find_leak_reads_the_whole_header() -> None:
    redactor = Redactor.of(["hunter2"], [])
    header = {"version": 2, "width": 80, "height": 24, "custom": {"nested": ["x", "hunter2"]}}
    assert find_leak((json.dumps(header) + "\n").encode(), redactor) == "in the header field custom.nested.1"


def test_a_pack_named_after_the_secret_is_refused(run, tmp_path: Path) -> None:
    result = run("evidence", PLAIN, "--redact", "hunter2", "-o", tmp_path / "hunter2-pack.zip")
    assert result.exit_code == 2 and "matches a redaction" in flat(result.output)
    assert "hunter2" not in flat(result.output).replace(" ", "")


def test_range_ends_are_the_shortest_decimal(run, tmp_path: Path) -> None:
    out = tmp_path / "r.cast"
    assert run("clip", PLAIN, "--from", "1.1", "--to", "3.3", "-o", out).exit_code == 0
    assert '"to": 3.3,' in out.read_text().splitlines()[0]


# ------------------------------------------------------------------ options refused


@pytest.mark.parametrize("text", ["", " ", "\t \n"])
def test_a_blank_redaction_is_refused(run, tmp_path: Path, text: str) -> None:
    assert check_redaction(text) is not None
    result = run("clip", PLAIN, "--redact", text, "-o", tmp_path / "b.cast")
    assert result.exit_code == 2 and not (tmp_path / "b.cast").exists()


def test_unreviewed_with_a_verdict_is_refused(run) -> None:
    result = run("ls", "--unreviewed", "--verdict", "ok")
    assert result.exit_code == 2 and "exclude each other" in flat(result.output)


def test_outputs_checked_before_writing(run, tmp_path: Path) -> None:
    path = hostile_copy(tmp_path)
    folders = [path.parent]
    assert "give a name ending in .cast" in check_output(CLIP_KIND, tmp_path / "x.zip", folders)
    assert "give a name ending in .zip" in check_output(PACK_KIND, tmp_path / "x.cast", folders)
    assert "holds recordings" in check_output(CLIP_KIND, path.parent / "x.cast", folders)
    existing = tmp_path / "n.zip"
    existing.write_bytes(b"keep me")
    assert "exists" in check_output(PACK_KIND, existing, folders)
    assert check_output(PACK_KIND, existing, folders, force=True) is None
    result = run("evidence", path, "-o", existing)
    assert result.exit_code == 2 and "--force" in result.output and existing.read_bytes() == b"keep me"
    result = run("clip", path, "-o", path.parent / "x.cast")
    assert result.exit_code == 2 and not (path.parent / "x.cast").exists()
    assert run("clip", path, "-o", tmp_path / "x.zip").exit_code == 2


def test_a_secret_only_in_a_title_is_said_not_on_screen(run, tmp_path: Path) -> None:
    rec = tmp_path / "rec"
    rec.mkdir()
    cast = rec / "t.cast"
    cast.write_text(json.dumps({"version": 2, "width": 20, "height": 4}) + "\n"
                    + json.dumps([0.5, "o", "\x1b]0;hunter2\x07hello"]) + "\n")
    result = run("clip", cast, "--redact", "hunter2", "-o", tmp_path / "t.cast")
    assert result.exit_code == 0, result.output
    assert "matched nothing" not in result.output and "not on screen" in result.output
    assert b"hunter2" not in (tmp_path / "t.cast").read_bytes()


# ------------------------------------------------------------------ the first frame


def test_a_cell_ending_with_a_zwj_is_rebuilt(run, tmp_path: Path) -> None:
    out = tmp_path / "z.cast"
    assert run("clip", PLAIN, "--from", "17.664", "-o", out).exit_code == 0
    original = run("export", PLAIN, "--at", "17.664").output
    assert "family 👨\u200d👩\u200d👧\u200d" in original
    assert run("export", out, "--at", "0").output == original


def test_zwj_cells_rebuilt_seeded() -> None:
    pieces = ["a", "\u200d", "\U0001F468", "\U0001F469", "\U0001F467", "\u0301", "é", " ", "\r\n"]
    rng = random.Random(15)
    for _ in range(300):
        term = Terminal(12, 3)
        term.feed("".join(rng.choice(pieces) for _ in range(rng.randrange(1, 30))))
        again = Terminal(12, 3)
        again.feed(synthesize(term))
        assert [[c.data for c in row] for row in again.screen.buffer] == \
            [[c.data for c in row] for row in term.screen.buffer]


# ------------------------------------------------------------------ lines kept


def _clip(path: Path, redactor: Redactor | None) -> bytes:
    target = Recording.from_spec(str(path), None)
    replay, fp = target.open_replay(None)
    replay.build(size=fp.size)
    source = Source(str(path), "0" * 64, 1)
    if redactor is None:
        lines = clip_lines(target.opener, replay, 0, replay.duration, source, "test")
    else:
        lines = redacted_clip_lines(target.opener, replay, 0, replay.duration, source, "test", redactor)
    return "".join(line + "\n" for line in lines).encode()


def test_a_redacted_clip_keeps_the_lines_that_left_the_screen() -> None:
    plain = transcript_text(_clip(PLAIN, None))
    masked = transcript_text(_clip(PLAIN, Redactor.of(["nginx"], [])))
    assert len(masked.splitlines()) >= len(plain.splitlines()) - 2
    assert "nginx" not in masked and "█████" in masked
    assert plain.count("alice@prod-db") == masked.count("alice@prod-db")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_a_redaction_matching_nothing_keeps_the_transcript(path: Path) -> None:
    assert transcript_text(_clip(path, Redactor.of(["zzz-nothing-zzz"], []))) == transcript_text(_clip(path, None))


# ------------------------------------------------------------------ verify


def _rewrite(pack: Path, change) -> None:
    from castview import evidence as ev

    with zipfile.ZipFile(pack) as z:
        names = z.namelist()
        folder = names[0].split("/", 1)[0]
        files = {n.split("/", 1)[1]: z.read(n) for n in names}
    change(files)
    files.pop(ev.SUMS)
    pack.write_bytes(ev.build_pack(folder, files))


def test_verify_refuses_masks_the_pack_does_not_declare(run, tmp_path: Path) -> None:
    pack = tmp_path / "fg.zip"
    assert run("evidence", PLAIN, "--from", "0:30", "-o", pack).exit_code == 0
    _rewrite(pack, lambda f: f.update({"clip.cast": f["clip.cast"].replace(b"sudo", "████".encode())}))
    result = run("verify", pack, "--original", PLAIN)
    assert result.exit_code == 1 and "declares no redaction" in flat(result.output)
    assert "masks 4 cells" in flat(result.output)


def test_verify_checks_the_transcript_and_range_and_says_what_it_did_not(run, tmp_path: Path) -> None:
    pack = tmp_path / "t.zip"
    assert run("evidence", PLAIN, "--redact", "nginx", "-o", pack).exit_code == 0
    result = run("verify", pack, "--original", PLAIN)
    assert result.exit_code == 0, result.output
    assert "masked cells (1 redactions declared)" in flat(result.output)
    assert "Not checked beyond their sums: the SVG frames and commands.txt" in flat(result.output)
    _rewrite(pack, lambda f: f.update({"transcript.txt": b"nothing happened\n"}))
    result = run("verify", pack)
    assert result.exit_code == 1 and "transcript.txt is not the clip's transcript" in flat(result.output)


def test_a_masked_bookmark_note_is_counted(run, tmp_path: Path) -> None:
    import hashlib

    from castview.reviews import open_ledger

    sha = hashlib.sha256(PLAIN.read_bytes()).hexdigest()
    with open_ledger() as ledger:
        ledger.add_bookmark(sha, str(PLAIN), 1.0, "the zqxj password", "bob")
    pack = tmp_path / "b.zip"
    result = run("evidence", PLAIN, "--redact", "zqxj", "-o", pack)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(pack) as z:
        metadata = json.loads(z.read("b/metadata.json"))
    assert metadata["bookmarks"][0]["note"] == "the ████ password"
    assert metadata["redactions"][0]["count"] == 1
    assert "matched nothing" not in result.output
