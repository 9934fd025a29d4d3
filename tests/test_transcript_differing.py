"""Where and how much two rows differ, found by XOR of their bytes (transcript._differing, _count_differing)."""

from __future__ import annotations

import random
from itertools import compress
from operator import ne

import pytest

from castview.transcript import _count_differing, _differing


@pytest.mark.parametrize("a, b, span", [
    ("a", "b", (0, 1)),
    ("abc", "abd", (2, 3)),
    ("abc", "xbc", (0, 1)),
    ("abcdef", "aXcdYf", (1, 5)),
    ("  \x7f~", "  ~\x7f", (2, 4)),
    ("\x00" * 9, "\x00" * 8 + "\x01", (8, 9)),  # a leading zero byte is no digit lost
    ("\x01" + "\x00" * 8, "\x00" * 9, (0, 1)),
])
def test_span(a, b, span):
    assert _differing(a, b) == span


def test_span_is_that_of_the_characters_that_differ():
    rng = random.Random(5)
    for _ in range(3000):
        n = rng.randint(1, 300)
        a = "".join(rng.choice(" ab|%0") for _ in range(n))
        b = list(a)
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(n)] = rng.choice(" abc~\x7f\x00")
        b = "".join(b)
        if a != b:
            changed = list(compress(range(n), map(ne, a, b)))
            assert _differing(a, b) == (changed[0], changed[-1] + 1)


@pytest.mark.parametrize("a, b, count", [
    ("", "", 0), ("a", "a", 0), ("abc", "xbz", 2), ("\x00a", "\x00b", 1), ("日本", "日木", 1), ("é ", " é", 2),
])
def test_count(a, b, count):
    assert _count_differing(a, b) == count


def test_count_is_that_of_the_characters_that_differ():
    rng = random.Random(6)
    for _ in range(3000):
        n = rng.randint(0, 200)
        a = "".join(rng.choice(" ab\x00\x7f") for _ in range(n))
        b = "".join(c if rng.random() < 0.8 else rng.choice(" ab\x00\x7fé") for c in a)
        assert _count_differing(a, b) == sum(map(ne, a, b))
