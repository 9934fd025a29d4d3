"""`--shard I/N` takes ASCII digits only, without spaces or leading zeros."""

from __future__ import annotations

import pytest

from castview.shards import MAX_SHARDS, Shard, parse_shard


@pytest.mark.parametrize("text, shard", [("0/2", Shard(0, 2)), ("1/2", Shard(1, 2)), ("0/1", Shard(0, 1)),
                                         ("9/10", Shard(9, 10)), (f"0/{MAX_SHARDS}", Shard(0, MAX_SHARDS))])
def test_good_shards(text, shard):
    assert parse_shard(text) == shard


@pytest.mark.parametrize("text", ["\u0660/\u0662", "0/\u0662", "\uff11/2", " 0/2", "0/2 ", "0 /2", "00/2", "0/02",
                                  "01/2", "+0/2", "0/+2", "0_0/2", "0/1_0", "0/2\n", "1/" + "9" * 5000])
def test_bad_shards_are_refused_with_usage(text):
    with pytest.raises(ValueError, match="expected I/N"):
        parse_shard(text)


def test_out_of_range_shards_say_why():
    with pytest.raises(ValueError, match="N must be 1 to"):
        parse_shard("0/0")
    with pytest.raises(ValueError, match="counted from 0"):
        parse_shard("2/2")
