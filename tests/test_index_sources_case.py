"""`castview index` takes SOURCEs like every command, and one case rule holds for
`castview grep` and the app's searches (issue 12, item 7)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from castview.search import Query, ignores_case
from castview.ui.search_view import parse_query
from test_ui_helpers import SAMPLES

ROOT = Path(__file__).resolve().parent.parent
CASTVIEW = Path(sys.executable).parent / "castview"


def cli(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSRECORDER_")}
    env.update({"CASTVIEW_CACHE_DIR": str(cache), "COLUMNS": "200"})
    return subprocess.run([str(CASTVIEW), *args], capture_output=True, text=True, env=env, timeout=120)


def test_index_a_directory_indexes_each_recording(tmp_path):
    recs = tmp_path / "recs"
    shutil.copytree(SAMPLES / "nDAMAGECNTRL", recs / "nDAMAGECNTRL")
    shutil.copytree(SAMPLES / "nWp2Lr8CNTRL", recs / "nWp2Lr8CNTRL")
    casts = sorted(recs.glob("*/*.cast"))
    done = cli("index", str(recs), cache=tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert "Is a directory" not in done.stderr
    for path in casts:
        assert f"{path}: " in done.stderr and "indexed in" in done.stderr
    assert len(list((tmp_path / "cache" / "keyframes").glob("*.idx"))) == len(casts)
    assert ":102: not an event" in done.stderr  # the damaged one says where


def test_index_files_and_a_missing_source(tmp_path):
    one = SAMPLES / "nK8mXc7CNTRL" / "2026-11-24T07:12:33.31415Z.cast"
    done = cli("index", str(one), str(tmp_path / "missing"), cache=tmp_path / "cache")
    assert done.returncode == 1
    assert f"{one}: " in done.stderr
    assert f"castview: {tmp_path / 'missing'}: no such file or directory" in done.stderr  # as `ls` says
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = cli("index", str(empty), cache=tmp_path / "cache")
    assert nothing.returncode == 0 and "no recordings found" in nothing.stderr


@pytest.mark.parametrize(("pattern", "regex", "ignored"), [
    ("sudo", False, True),
    ("Sudo", False, False),
    ("SUDO", False, False),
    ("café", False, True),
    ("CAFÉ", False, False),
    ("123 -- ./x", False, True),
    (r"sudo\s+\w+", True, True),  # escapes are not letters typed
    (r"\S+ Error", True, False),
    (r"\\S", False, False),  # a literal backslash and S: the S was typed
])
def test_smart_case(pattern, regex, ignored):
    assert ignores_case(pattern, regex) is ignored


def test_the_app_search_boxes_follow_the_rule():
    assert parse_query("sudo").ignore_case and not parse_query("Sudo").ignore_case
    assert parse_query(r"re:\w+ nginx").ignore_case and not parse_query("re:Nginx").ignore_case
    assert Query("x", ignore_case=False).compile().search("X") is None


def test_grep_follows_the_rule_and_its_flags(tmp_path):
    cache = tmp_path / "cache"
    node = SAMPLES / "nHx4Tb1CNTRL"

    def hits(*args: str) -> int:
        done = cli("grep", *args, str(node), cache=cache)
        assert done.returncode in (0, 1), done.stderr
        return len(done.stdout.splitlines())

    found = hits("sudo")
    assert found > 0
    assert hits("SUDO") == 0  # an uppercase letter: case matters
    assert hits("-i", "SUDO") == found
    assert hits("--ignore-case", "SUDO") == found
    assert hits("-s", "sudo") == found and hits("-s", "sUdo") == 0
    assert hits("--case-sensitive", "sudo") == found


def test_the_readme_documents_the_rule():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "smart case" in readme and "`-s`" in readme and "`castview index [SOURCE...]`" in readme
