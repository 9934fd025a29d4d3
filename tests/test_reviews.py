"""The review ledger: verdicts keyed by SHA-256 (a copy or a move keeps its review, a
changed file shows "changed since review"), its export, and `ls`'s field and filters."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from castview.cli import app
from castview.reviews import Ledger, ledger_path

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "sample_casts/nHx4Tb1CNTRL/2026-11-20T09:15:02Z.cast"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CASTVIEW_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CASTVIEW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CASTVIEW_REVIEWS_DB", raising=False)
    monkeypatch.setenv("CASTVIEW_REVIEWER", "auditor-1")

    def invoke(*args):
        result = CliRunner().invoke(app, [str(a) for a in args])
        return result

    return invoke


def ls_reviews(run, folder: Path, *flags: str) -> dict[str, dict | None]:
    result = run("ls", folder, "--json", *flags)
    assert result.exit_code == 0, result.output
    return {Path(r["path"]).name: r["review"] for r in map(json.loads, result.stdout.splitlines())}


def test_copy_move_and_change(run, tmp_path: Path) -> None:
    folder = tmp_path / "recs"
    folder.mkdir()
    first = folder / "a.cast"
    shutil.copy(SAMPLE, first)
    result = run("review", first, "--verdict", "concern", "--note", "sudo on prod")
    assert result.exit_code == 0, result.output
    shutil.copy(first, folder / "copy.cast")
    shutil.move(first, folder / "moved.cast")
    reviews = ls_reviews(run, folder)
    for name in ("copy.cast", "moved.cast"):
        assert reviews[name]["verdict"] == "concern" and reviews[name]["note"] == "sudo on prod"
        assert reviews[name]["reviewer"] == "auditor-1" and reviews[name]["changed_since_review"] is False
    # the file at the reviewed path changes: its review no longer applies
    shutil.copy(SAMPLE, first)
    with open(first, "a") as f:
        f.write(json.dumps([99.0, "o", "later\r\n"]) + "\n")
    reviews = ls_reviews(run, folder)
    assert reviews["a.cast"] == {"verdict": None, "changed_since_review": True}
    assert "~ changed" in run("ls", folder).stdout
    assert set(ls_reviews(run, folder, "--unreviewed")) == {"a.cast"}
    assert set(ls_reviews(run, folder, "--verdict", "concern")) == {"copy.cast", "moved.cast"}
    assert ls_reviews(run, folder, "--verdict", "incident") == {}


def test_export_and_latest_verdict(run, tmp_path: Path) -> None:
    assert run("review", SAMPLE, "--verdict", "concern").exit_code == 0
    assert run("review", SAMPLE, "--verdict", "ok", "--note", 'checked, "fine"').exit_code == 0
    records = [json.loads(line) for line in run("reviews", "--json").stdout.splitlines()]
    assert [r["verdict"] for r in records] == ["concern", "ok"]
    assert records[1]["location"] == str(SAMPLE.resolve()) and len(records[1]["sha256"]) == 64
    rows = list(csv.DictReader(io.StringIO(run("reviews", "--csv").stdout)))
    assert rows[1]["note"] == 'checked, "fine"' and rows[1]["reviewer"] == "auditor-1"
    assert ls_reviews(run, SAMPLE.parent)[SAMPLE.name]["verdict"] == "ok"  # the latest


def test_bad_verdict_and_no_ledger_created_by_ls(run, tmp_path: Path) -> None:
    result = run("review", SAMPLE, "--verdict", "maybe")
    assert result.exit_code != 0 and "ok, concern, incident" in result.output
    assert run("ls", SAMPLE.parent).exit_code == 0
    assert not (tmp_path / "data").exists()


def test_ledger_on_a_shared_path(run, tmp_path: Path, monkeypatch) -> None:
    shared = tmp_path / "team" / "ledger.sqlite"
    monkeypatch.setenv("CASTVIEW_REVIEWS_DB", str(shared))
    assert run("review", SAMPLE, "--verdict", "incident").exit_code == 0
    assert ledger_path(shared) == shared
    with Ledger(shared) as ledger:
        assert [r.verdict for r in ledger.reviews()] == ["incident"]
