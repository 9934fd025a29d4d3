"""Cache keys of many recordings at once, and the fingerprint of a small file."""

from __future__ import annotations

import io
import os

import pytest

from castview.recording import cache_key, cache_keys
from castview.term.fingerprint import HEAD_BYTES, TAIL_BYTES, _head_hash, _tail_hash, fingerprint


def test_cache_keys_are_each_location_s_cache_key(tmp_path, monkeypatch):
    real = tmp_path / "real" / "node"
    real.mkdir(parents=True)
    (real / "a.cast").write_text("a")
    (real / "b.cast").write_text("b")
    (tmp_path / "elsewhere.cast").write_text("c")
    os.symlink(real, tmp_path / "linked")  # a folder reached through a link
    os.symlink(tmp_path / "elsewhere.cast", real / "link.cast")  # a file that is a link
    monkeypatch.chdir(real)
    locations = [
        str(real / "a.cast"), str(tmp_path / "linked" / "a.cast"), str(tmp_path / "linked" / "b.cast"),
        str(real / "link.cast"), str(tmp_path / "linked" / "link.cast"), str(tmp_path / "linked" / "gone.cast"),
        "a.cast", "./b.cast", "../node/a.cast", str(tmp_path / "linked" / ".."), str(tmp_path / "linked") + "/",
        "s3://bucket/node/a.cast",
    ]
    assert cache_keys(locations) == [cache_key(location) for location in locations]
    assert cache_keys(locations)[4] == str(tmp_path / "elsewhere.cast")


@pytest.mark.parametrize("size", [0, 1, 9000, min(HEAD_BYTES, TAIL_BYTES), HEAD_BYTES + 1, 3 * HEAD_BYTES])
def test_a_small_file_is_hashed_once_with_the_same_fingerprint(size):
    data = bytes(range(256)) * (size // 256 + 1)
    f = io.BytesIO(data[:size] + b"appended after the listing")
    fp = fingerprint(f, size, 1.5)
    assert (fp.head_hash, fp.tail_hash) == (_head_hash(f, size), _tail_hash(f, size))
