"""The one recording handle (`castview.recording`) and the one error-to-message function."""

from __future__ import annotations

import errno
import io
import os
import sqlite3
from pathlib import Path

import pytest

from castview.cast.model import CastError
from castview.recording import Recording, cache_key, error_message
from castview.search import open_index, search_recording
from castview.sources.base import SourceError
from castview.sources.catalog import OK

SAMPLES = Path(__file__).resolve().parent.parent / "sample_casts"
BASH = SAMPLES / "nHx4Tb1CNTRL" / "2026-11-20T09:15:02Z.cast"


def test_a_local_file(tmp_path):
    link = tmp_path / "link.cast"
    link.symlink_to(BASH)
    rec = Recording.from_path(link)
    assert (rec.location, rec.name, rec.local_file) == (str(link), "link.cast", str(link))
    assert rec.cache_key == os.path.realpath(BASH) == cache_key(str(link))  # two names, one cache
    assert rec.size == BASH.stat().st_size and not rec.remote
    with rec.open_whole() as f:
        assert f.read() == BASH.read_bytes()
    assert Recording.of(rec) is rec and Recording.of(BASH).cache_key == rec.cache_key


def test_a_directory_or_a_missing_file_is_not_a_recording(tmp_path):
    with pytest.raises(IsADirectoryError):
        Recording.from_path(tmp_path)
    with pytest.raises(FileNotFoundError):
        Recording.from_path(tmp_path / "missing.cast")


def test_the_summary_is_what_a_listing_says():
    summary = Recording.from_path(BASH).summary()
    assert summary.node_id == "nHx4Tb1CNTRL" and summary.status == OK
    assert summary.header is not None and summary.duration and summary.duration > 0


def test_search_reads_a_recording_through_its_opener(tmp_path):
    """A remote recording has no path: the search index reads it through its handle."""
    data = BASH.read_bytes()
    opened = []

    def opener():
        opened.append(1)
        return io.BytesIO(data)

    remote = Recording(
        location="s3://bucket/nHx4Tb1CNTRL/x.cast",
        name="x.cast",
        cache_key="s3://bucket/nHx4Tb1CNTRL/x.cast",
        size=len(data),
        mtime=1.0,
        opener=opener,
    )
    assert search_recording(remote, "restart", cache_dir=tmp_path) == search_recording(
        BASH, "restart", cache_dir=tmp_path
    )
    assert opened
    with open_index(remote, cache_dir=tmp_path) as index:
        assert not index.built  # found under its cache key


@pytest.mark.parametrize(
    "exc, message",
    [
        (
            FileNotFoundError(errno.ENOENT, "No such file or directory", "/x"),
            "x.cast: cannot read (No such file or directory)",
        ),
        (PermissionError(errno.EACCES, "Permission denied"), "x.cast: cannot read (Permission denied)"),
        (OSError("short read"), "x.cast: cannot read (short read)"),
        (
            sqlite3.DatabaseError("database disk image is malformed"),
            "x.cast: cannot read (database disk image is malformed)",
        ),
        (CastError("x.cast", "not an asciicast recording", 1), "x.cast:1: not an asciicast recording"),
        (SourceError("s3://b/x.cast: no such object"), "s3://b/x.cast: no such object"),
    ],
)
def test_error_message(exc, message):
    assert error_message(exc, "x.cast") == message


def test_error_message_for_a_write():
    exc = PermissionError(errno.EACCES, "Permission denied")
    assert error_message(exc, Path("out.svg"), "write") == "out.svg: cannot write (Permission denied)"
