"""Tests' tool: change what a cached analysis entry holds, as someone else's cache (or a
damaged disk) would, with a valid checksum so only the entry's own checks can tell."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from castview.search_index import SearchIndexStore, decode, frame
from castview.term.index_store import cache_key


def rewrite_result(cache: Path, recording: Path, name: str, change: Callable[[Any], None]) -> None:
    """Apply `change` to the result of the analyzer `name` in the (packed) entry of
    `recording`, and store the entry again."""
    key = cache_key(recording)
    pack = SearchIndexStore(cache).pack_for(key)
    data = pack.get(key)
    assert data is not None, "no packed entry"
    meta, body = decode(data, key)
    change(meta["analyses"][name]["result"])
    pack.put(key, b"".join(frame(meta, [body])))


def replace_entry(cache: Path, recording: Path, data: bytes) -> None:
    """Put `data` where the entry of `recording` is (b"": remove it)."""
    key = cache_key(os.fspath(recording))
    SearchIndexStore(cache).pack_for(key).put(key, data)
