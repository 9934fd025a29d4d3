"""A redaction that matches nothing is warned about (by option and number, never its
text): a typo or the wrong case must not pass for a redacted clip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from castview.cli import app
from castview.redact import Redactor

ROOT = Path(__file__).parent.parent
PLAIN = ROOT / "sample_casts/nHx4Tb1CNTRL/2026-11-20T09:15:02Z.cast"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))
    return lambda *args: CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("command", ["clip", "evidence"])
def test_each_redaction_that_matched_nothing_is_named(run, tmp_path: Path, command: str) -> None:
    result = run(command, PLAIN, "--redact", "alice", "--redact", "doesnotappear", "--redact", "NGINX",
                 "--redact-regex", "(?i)NGINX", "--redact-regex", "zzz+", "-o",
                 tmp_path / ("out.cast" if command == "clip" else "out.zip"))
    assert result.exit_code == 0, result.output
    warned = re.findall(r"warning: (\S+ #\d+) matched nothing \(matching is case-sensitive", result.output)
    assert warned == ["--redact #2", "--redact #3", "--redact-regex #2"]
    assert "doesnotappear" not in result.output and "NGINX" not in result.output


def test_unmatched_counts_by_kind() -> None:
    redactor = Redactor.of(["a", "b"], ["c"])
    redactor.mask_text("b c")
    assert redactor.unmatched() == ["--redact #1"]
