"""The CLI's messages on stderr are whole lines whatever the paths in them, so a script
(or a test) can find them with grep wherever the recordings or the checkout live."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CASTVIEW = Path(sys.executable).parent / "castview"


def test_an_error_naming_a_long_path_is_one_line(tmp_path):
    deep = tmp_path / ("a-folder-name-long-enough-to-push-any-message-past-the-width-of-a-terminal" * 3)
    deep.mkdir()
    not_a_recording = deep / "README.md"
    not_a_recording.write_text("# notes\n")
    env = {k: v for k, v in os.environ.items() if k not in ("TSRECORDER_DST", "COLUMNS")}
    env["CASTVIEW_CACHE_DIR"] = str(tmp_path / "cache")
    done = subprocess.run([str(CASTVIEW), "cat", str(not_a_recording)], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and f"{not_a_recording}:1: not an asciicast recording" in done.stderr
