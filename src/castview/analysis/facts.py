"""The facts of `castview info` and the metadata pane, found during the analysis pass."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..cast.index import RecordingFacts
from ..cast.model import Event, Size
from .analyzer import ANALYZERS, Analyzer


class FactsAnalyzer(Analyzer):
    """Events by code, output bytes, markers, resizes, first and last event times."""

    name = "facts"
    version = 1

    def __init__(self) -> None:
        self.facts = RecordingFacts()

    def feed(self, event: Event) -> None:
        self.facts.add(event)

    def result(self) -> dict[str, Any]:
        f = self.facts
        return {
            "counts": dict(f.counts), "output_bytes": f.output_bytes, "first_time": f.first_time,
            "last_time": f.last_time, "markers": [[t, label] for t, label in f.markers],
            "resizes": [[t, s.cols, s.rows] for t, s in f.resizes],
        }

    @classmethod
    def check(cls, value: Any) -> RecordingFacts:
        """The RecordingFacts a result holds."""
        counts = value["counts"]
        if not isinstance(counts, dict) or not all(isinstance(n, int) and n >= 0 for n in counts.values()):
            raise ValueError("facts: counts")
        return RecordingFacts(
            counts=Counter({str(code): n for code, n in counts.items()}),
            markers=[(_number(t), _text(label)) for t, label in value["markers"]],
            resizes=[(_number(t), Size(_count(cols), _count(rows))) for t, cols, rows in value["resizes"]],
            output_bytes=_count(value["output_bytes"]),
            first_time=None if value["first_time"] is None else _number(value["first_time"]),
            last_time=None if value["last_time"] is None else _number(value["last_time"]),
        )


def _number(value: Any) -> float:
    if type(value) not in (int, float):
        raise TypeError("facts: a time")
    return float(value)


def _count(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise ValueError("facts: a count")
    return value


def _text(value: Any) -> str:
    if type(value) is not str:
        raise TypeError("facts: a label")
    return value


ANALYZERS.append(FactsAnalyzer)
