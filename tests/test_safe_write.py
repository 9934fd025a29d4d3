"""Exports never write through a planted symlink or over an existing file."""

import os
import stat
import threading
from pathlib import Path

import pytest

from castview.safe_write import replacing, write_new


def test_a_free_name_is_used_as_is(tmp_path: Path) -> None:
    path = write_new(tmp_path, "rec-0m00.6s", ".txt", b"screen")
    assert path == tmp_path / "rec-0m00.6s.txt"
    assert path.read_bytes() == b"screen"


def test_a_planted_dangling_symlink_is_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "elsewhere" / "victim"
    victim.parent.mkdir()
    (tmp_path / "rec-0m00.6s.txt").symlink_to(victim)
    path = write_new(tmp_path, "rec-0m00.6s", ".txt", b"screen")
    assert path == tmp_path / "rec-0m00.6s-1.txt"
    assert not victim.exists()
    assert path.read_bytes() == b"screen"


def test_a_symlink_to_an_existing_file_leaves_it_untouched(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    (tmp_path / "x.txt").symlink_to(victim)
    (tmp_path / "x-1.txt").write_bytes(b"older export")
    path = write_new(tmp_path, "x", ".txt", b"screen")
    assert path.name == "x-2.txt"
    assert victim.read_bytes() == b"precious"
    assert (tmp_path / "x-1.txt").read_bytes() == b"older export"


def test_replacing_replaces_a_symlink_instead_of_following_it(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    out = tmp_path / "out.svg"
    out.symlink_to(victim)
    with replacing(out) as f:
        f.write("<svg/>")
    assert victim.read_bytes() == b"precious"
    assert not out.is_symlink()
    assert out.read_text() == "<svg/>"


def test_replacing_leaves_no_temporary_file_behind_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "a-directory"
    target.mkdir()
    with pytest.raises(OSError), replacing(target) as f:
        f.write("data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-directory"]


def test_files_get_the_usual_permissions(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    os.umask(mask)
    with replacing(tmp_path / "a") as f:
        f.write("1")
    assert (tmp_path / "a").stat().st_mode & 0o777 == 0o666 & ~mask


def test_export_to_a_planted_symlink_replaces_the_link(tmp_path: Path) -> None:
    import subprocess
    import sys

    sample = Path(__file__).parent.parent / "sample_casts" / "nHx4Tb1CNTRL" / "2026-11-20T09:15:02Z.cast"
    victim = tmp_path / "victim"
    victim.write_text("precious")
    out = tmp_path / "frame.txt"
    out.symlink_to(victim)
    done = subprocess.run([sys.executable, "-c", "from castview.cli import main; main()", "export", str(sample),
                           "--at", "end", "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert victim.read_text() == "precious"
    assert not out.is_symlink() and out.read_text().strip()


def test_replacing_writes_to_a_device_instead_of_replacing_it(tmp_path: Path) -> None:
    """`castview export ... -o /dev/null` once renamed a file over /dev/null."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo).read()))
    reader.start()
    with replacing(fifo) as f:
        f.write("through the pipe")
    reader.join(timeout=60)
    assert received == ["through the pipe"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    with replacing("/dev/null") as f:
        f.write("nothing")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
