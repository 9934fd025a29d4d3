"""Splitting a fleet between machines: `castview index --shard I/N`.

A recording belongs to slice `sha256(key) mod N` of N, by its key in its source (an S3
object key, a path under the folder given): the same on every machine and in every run,
whatever the listing order, unlike Python's `hash()`. Slices are counted from 0, as a
Kubernetes indexed Job's `JOB_COMPLETION_INDEX` and an AWS Batch array's index are.
"""

from __future__ import annotations

import hashlib
import re
from typing import NamedTuple

MAX_SHARDS = 1_000_000
_SHARD = re.compile(r"(0|[1-9][0-9]{0,6})/(0|[1-9][0-9]{0,6})")  # ASCII: isdigit() takes "٢", int() " 2"
USAGE = "expected I/N, the I-th of N slices counted from 0 (e.g. 0/4, 1/4, 2/4, 3/4)"


class Shard(NamedTuple):
    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, key: str) -> bool:
        """Whether the recording `key` is in this slice."""
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index


def parse_shard(text: str) -> Shard:
    """`I/N` as typed. Raises ValueError, fit for the user."""
    m = _SHARD.fullmatch(text)
    if m is None:
        raise ValueError(f"{text!r}: {USAGE}")
    i, n = int(m.group(1)), int(m.group(2))
    if not 1 <= n <= MAX_SHARDS:
        raise ValueError(f"{text!r}: N must be 1 to {MAX_SHARDS}")
    if i >= n:
        raise ValueError(f"{text!r}: there is no slice {i} of {n}; they are counted from 0 (0/{n} to {n - 1}/{n})")
    return Shard(i, n)
