"""`castview evidence` and `castview verify`: packs whose sums `sha256sum -c` accepts,
frames at start, end and markers, tampering found, clips checked against the original."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from castview import evidence as ev
from castview.cli import app

ROOT = Path(__file__).parent.parent
WITH_MARKERS = ROOT / "sample_casts/nHx4Tb1CNTRL/2026-11-20T10:02:45.1234Z.cast"
PLAIN = ROOT / "sample_casts/nHx4Tb1CNTRL/2026-11-20T09:15:02Z.cast"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))

    def invoke(*args: str):
        return CliRunner().invoke(app, [str(a) for a in args])

    return invoke


def members(pack: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(pack) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_pack_holds_everything_and_sha256sum_accepts_it(run, tmp_path: Path) -> None:
    pack = tmp_path / "case-42.zip"
    result = run("evidence", WITH_MARKERS, "-o", pack)
    assert result.exit_code == 0, result.output
    names = set(members(pack))
    markers = sum(1 for line in WITH_MARKERS.read_text().splitlines()[1:] if json.loads(line)[1] == "m")
    assert {"case-42/clip.cast", "case-42/transcript.txt", "case-42/metadata.json", "case-42/README.txt",
            "case-42/SHA256SUMS", "case-42/frames/start.svg", "case-42/frames/end.svg"} <= names
    assert sum(1 for n in names if "/frames/marker-" in n) == markers > 0
    commands = members(pack)["case-42/commands.txt"].decode().splitlines()
    assert [line.split("\t")[1] for line in commands][-2:] == ["echo 'all 3 tables migrated'", "exit"]
    metadata = json.loads(members(pack)["case-42/metadata.json"])
    assert metadata["header"]["srcNodeUserID"] == 30585448562688899
    assert metadata["source"]["source_size"] == WITH_MARKERS.stat().st_size
    assert metadata["exported_by"] and metadata["exported_at"].endswith("+00:00")
    if shutil.which("sha256sum") is None:
        pytest.skip("no sha256sum")
    with zipfile.ZipFile(pack) as z:
        z.extractall(tmp_path / "unpacked")
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "unpacked/case-42",
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_verify_with_the_original(run, tmp_path: Path) -> None:
    pack = tmp_path / "p.zip"
    assert run("evidence", PLAIN, "--from", "3", "--to", "20", "-o", pack).exit_code == 0
    result = run("verify", pack, "--original", PLAIN)
    assert result.exit_code == 0, result.output
    assert "every frame of the clip is the original's" in result.output
    other = run("verify", pack, "--original", WITH_MARKERS)
    assert other.exit_code == 1 and "is not the pack's source" in other.output


def rewrite(pack: Path, change) -> None:
    """Rewrite a pack with change(files) applied (files: path -> bytes, without folder)."""
    with open(pack, "rb") as f:
        verified = ev.verify_pack(f)
    files = dict(verified.files)
    change(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for path, data in files.items():
            z.writestr(f"{verified.folder}/{path}", data)
    pack.write_bytes(buffer.getvalue())


def test_verify_finds_a_changed_file_and_a_forged_clip(run, tmp_path: Path) -> None:
    pack = tmp_path / "p.zip"
    assert run("evidence", PLAIN, "-o", pack).exit_code == 0
    rewrite(pack, lambda files: files.update({"transcript.txt": b"nothing happened\n"}))
    result = run("verify", pack)
    assert result.exit_code == 1 and "transcript.txt: SHA-256 differs" in result.output

    def forge(files: dict) -> None:
        # a clip that shows other text, with sums made again: only the original tells
        files["clip.cast"] = files["clip.cast"].replace(b"nginx", b"NGINX")
        files.pop(ev.SUMS)
        files[ev.SUMS] = ev.sums(files)

    assert run("evidence", PLAIN, "-o", pack, "--force").exit_code == 0
    rewrite(pack, forge)
    # the sums are consistent, but the transcript made again from the clip is not the pack's
    alone = run("verify", pack)
    assert alone.exit_code == 1 and "transcript.txt is not the clip's transcript" in alone.output
    result = run("verify", pack, "--original", PLAIN)
    assert result.exit_code == 1 and "clip.cast differs from" in result.output and "shows 'N'" in result.output


def test_redacted_pack_holds_no_match_anywhere_and_verifies(run, tmp_path: Path) -> None:
    pack = tmp_path / "p.zip"
    result = run("evidence", PLAIN, "--redact", "alice", "--redact-regex", r"nginx|prod-\w+", "-o", pack)
    assert result.exit_code == 0, result.output
    for name, data in members(pack).items():
        assert b"alice" not in data and b"nginx" not in data and b"prod-" not in data, name
    assert run("verify", pack, "--original", PLAIN).exit_code == 0


def test_not_a_pack(run, tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    result = run("verify", junk)
    assert result.exit_code == 1 and "not a zip file" in result.output


def test_redaction_that_cannot_succeed_writes_no_pack(run, tmp_path: Path) -> None:
    cast = tmp_path / "rec" / "in.cast"  # the pack is not written in the recording's folder
    cast.parent.mkdir()
    cast.write_text(json.dumps({"version": 2, "width": 30, "height": 4}) + "\n"
                    + json.dumps([1.0, "o", "the secret is out"]) + "\n")
    pack = tmp_path / "p.zip"
    result = run("evidence", cast, "--redact", "secret", "--redact-regex", "\u2588+", "-o", pack)
    assert result.exit_code == 3 and "redaction failed" in result.output and "0:01.0" in result.output
    assert not pack.exists()


def test_bookmarks_in_the_range_go_into_the_metadata(run, tmp_path: Path, monkeypatch) -> None:
    from castview.clip import sha256_of
    from castview.reviews import Ledger

    monkeypatch.setenv("CASTVIEW_REVIEWS_DB", str(tmp_path / "ledger.sqlite"))
    digest, _ = sha256_of(lambda: open(PLAIN, "rb"))
    with Ledger(tmp_path / "ledger.sqlite") as ledger:
        ledger.add_bookmark(digest, str(PLAIN), 5.0, "restart here", "auditor")
        ledger.add_bookmark(digest, str(PLAIN), 30.0, "outside", "auditor")
    pack = tmp_path / "p.zip"
    assert run("evidence", PLAIN, "--from", "2", "--to", "20", "-o", pack).exit_code == 0
    metadata = json.loads(members(pack)["p/metadata.json"])
    assert [(b["at"], b["note"]) for b in metadata["bookmarks"]] == [(3.0, "restart here")]
