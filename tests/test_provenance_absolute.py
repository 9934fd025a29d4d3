"""Provenance names a local recording by its absolute path (an export read elsewhere, or
a link pasted in another folder, must still find it); an s3:// URL stays as it is."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from castview.cli import app
from castview.provenance import absolute

ROOT = Path(__file__).parent.parent
RELATIVE = "sample_casts/nHx4Tb1CNTRL/2026-11-20T09:15:02Z.cast"


def test_a_relative_path_is_exported_absolute(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["export", RELATIVE, "--at", "0:05", "--format", "svg"])
    assert result.exit_code == 0, result.output
    fields = dict(re.findall(r' (\w+)="([^"]*)"', re.search(r"<castview:provenance [^>]*/>", result.stdout).group()))
    assert fields["recording"] == str(ROOT / RELATIVE)
    assert fields["link"].startswith(f"{ROOT / RELATIVE}@2026-11-20T09:15:07")
    text = CliRunner().invoke(app, ["export", RELATIVE, "--at", "0:05", "--provenance"]).stdout
    assert f"# recording      {ROOT / RELATIVE}\n" in text


def test_an_s3_url_is_kept() -> None:
    assert absolute("s3://bucket/node/2026-11-20T09:15:02Z.cast") == "s3://bucket/node/2026-11-20T09:15:02Z.cast"
