"""`castview export` of a damaged recording: the frame from the valid lines on stdout, and
each damaged line of the part it read named on stderr (`FILE:LINE: problem`), as `index`
names them; what it indexed on the way is cached for the next export."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import NESTED, event, header, lines

LATE = 600  # events between the two damaged lines: far more than a build reads past the moment


def damaged(path: Path) -> Path:
    """Line 2 and line LATE + 4 are damaged; the moment 0.5 s comes before the second."""
    rows = [header(), NESTED, event(0.5, "o", "early\r\n")]
    rows += [event(1 + i / 100, "o", f"line {i}\r\n") for i in range(LATE)]
    rows += ["not json", event(20.0, "o", "the end\r\n")]
    path.write_bytes(lines(*rows))
    return path


def warnings(stderr: str, path: Path) -> list[str]:
    """The `FILE:LINE: problem` lines."""
    return [line for line in stderr.splitlines() if re.match(rf"{re.escape(str(path))}:\d+: ", line)]


def test_an_export_names_the_damaged_lines_of_the_part_it_read(tmp_path, castview_cli):
    path = damaged(tmp_path / "damaged.cast")
    early, end, again = castview_cli.batch([("export", "--at", "0.5", str(path)), ("export", "--at", "end", str(path)),
                                           ("export", "--at", "end", str(path))])
    assert early.returncode == 0 and "early" in early.stdout, early.describe()
    assert [w.split(": ")[0] for w in warnings(early.stderr, path)] == [f"{path}:2"], early.describe()
    for run in (end, again):  # the second from the cache the first saved
        assert run.returncode == 0 and "the end" in run.stdout, run.describe()
        assert [w.split(": ")[0] for w in warnings(run.stderr, path)] == [f"{path}:2", f"{path}:{LATE + 4}"]
    assert list(castview_cli.cache_dir.rglob("*.idx"))


def test_export_and_index_word_a_problem_alike(tmp_path, castview_cli):
    path = damaged(tmp_path / "damaged.cast")
    export, index = castview_cli.batch([("export", "--at", "end", str(path)), ("index", str(path))])
    assert warnings(export.stderr, path) == warnings(index.stderr, path) != []
