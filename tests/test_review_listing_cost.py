"""What listing costs with a review ledger: without one, or with reviews, only the
recordings that can have a review (at a location reviewed, or of a reviewed size: a copy)
are hashed; the others are not read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import castview.cli.reviews as cli_reviews
import castview.reviews as reviews
from castview.cli import app

ROOT = Path(__file__).parent.parent
SAMPLES = sorted((ROOT / "sample_casts").glob("*/*.cast"))


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CASTVIEW_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CASTVIEW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CASTVIEW_REVIEWS_DB", raising=False)
    hashed: list[str] = []
    real = cli_reviews.hash_recording

    def counting(opener):
        with opener() as f:  # `review` opens the file by descriptor: no name
            hashed.append(Path(f.name).name if isinstance(f.name, str) else "?")
        return real(opener)

    # `review` hashes in the CLI module, listings in castview.reviews: count both.
    monkeypatch.setattr(cli_reviews, "hash_recording", counting)
    monkeypatch.setattr(reviews, "hash_recording", counting)
    return hashed


def ls(folder: Path) -> dict[str, dict | None]:
    result = CliRunner().invoke(app, ["ls", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    return {Path(r["path"]).name: r["review"] for r in map(json.loads, result.stdout.splitlines())}


def test_only_what_can_have_a_review_is_hashed(env, tmp_path: Path) -> None:
    sizes = {p.stat().st_size for p in SAMPLES}
    assert len(sizes) >= 3, "the samples differ in size"
    folder = tmp_path / "recs"
    folder.mkdir()
    by_size = {}
    for p in SAMPLES:
        by_size.setdefault(p.stat().st_size, p)
    first, other, *_ = by_size.values()
    shutil.copy(first, folder / "reviewed.cast")
    shutil.copy(other, folder / "other.cast")
    assert set(ls(folder)) == {"reviewed.cast", "other.cast"}
    assert env == [] and not (tmp_path / "data").exists()  # no ledger: nothing read, nothing made

    result = CliRunner().invoke(app, ["review", str(folder / "reviewed.cast"), "--verdict", "ok"])
    assert result.exit_code == 0, result.output
    shutil.copy(first, folder / "copy.cast")
    env.clear()
    reviews = ls(folder)
    assert reviews["copy.cast"]["verdict"] == "ok" and reviews["reviewed.cast"]["verdict"] == "ok"
    assert reviews["other.cast"] is None
    assert env == ["copy.cast"]  # reviewed.cast's hash is kept; other.cast cannot be a copy
