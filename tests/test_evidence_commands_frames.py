"""Evidence packs: commands.txt comes from the original (whole lines, also with --redact or
a --from mid-line), masked like the clip and covered by the fail-closed check; the frames
carry the original's provenance."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from castview import evidence as ev
from castview.cli import app
from castview.redact import MASK, Redactor

ROOT = Path(__file__).parent.parent
PLAIN = ROOT / "sample_casts/nHx4Tb1CNTRL/2026-11-20T09:15:02Z.cast"
# "echo 'sudo systemctl restart nginx'" is typed from about 0:32 and submitted at 0:35.4
MID_LINE = "0:33"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))

    def invoke(*args: object):
        result = CliRunner().invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        return result

    return invoke


def pack_file(pack: Path, name: str) -> str:
    with zipfile.ZipFile(pack) as z:
        return z.read(f"{pack.stem}/{name}").decode("utf-8")


def commands(pack: Path) -> list[tuple[str, str]]:
    return [tuple(line.split("\t")[:2]) for line in pack_file(pack, "commands.txt").splitlines()]


def test_a_command_typed_before_from_is_whole(run, tmp_path: Path) -> None:
    pack = tmp_path / "p.zip"
    run("evidence", PLAIN, "--from", MID_LINE, "-o", pack)
    assert [c for _, c in commands(pack)] == ["echo 'sudo systemctl restart nginx'", "exit"]
    assert commands(pack)[0][0].startswith("0:02.")  # on the clip's timeline (0:35.4 - 0:33)


def test_redacted_pack_lists_the_commands_masked(run, tmp_path: Path) -> None:
    pack = tmp_path / "p.zip"
    run("evidence", PLAIN, "--from", MID_LINE, "--redact", "nginx", "-o", pack)
    assert [c for _, c in commands(pack)] == [f"echo 'sudo systemctl restart {MASK * 5}'", "exit"]
    assert "commands.txt" in pack_file(pack, "README.txt")


def test_the_fail_closed_check_reads_commands_txt() -> None:
    redactor = Redactor.of(["hunter2"], [])
    assert ev.leaks_in_files({"commands.txt": b"0:01.5\techo hunter2\n"}, redactor) == "commands.txt"


def provenance_of(svg: str) -> dict[str, str]:
    element = re.search(r"<castview:provenance ([^>]*)/>", svg)
    assert element is not None
    return dict(re.findall(r'(\w+)="([^"]*)"', element.group(1)))


def exported(run, tmp_path: Path, at: str) -> dict[str, str]:
    export = tmp_path / f"at{at.replace(':', '')}.svg"
    run("export", PLAIN, "--at", at, "-o", export)
    return provenance_of(export.read_text(encoding="utf-8"))


def test_frames_carry_the_originals_provenance(run, tmp_path: Path) -> None:
    pack = tmp_path / "p.zip"
    run("evidence", PLAIN, "--from", "0:10", "--to", "0:30", "-o", pack)
    start = provenance_of(pack_file(pack, "frames/start.svg"))
    assert start == exported(run, tmp_path, "0:10")
    assert start["recording"] == str(PLAIN) and start["time"] == "2026-11-20T09:15:12Z"
    assert start["sha256"] == hashlib.sha256(PLAIN.read_bytes()).hexdigest()
    end = provenance_of(pack_file(pack, "frames/end.svg"))
    assert end == exported(run, tmp_path, end["position"])
