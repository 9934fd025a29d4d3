"""Playback without a UI: an engine that owns a playhead and a thread, takes commands
from any thread and reports frames and facts as frozen notices (see engine.py)."""

from .clock import Clock, ManualClock, SystemClock
from .engine import Engine, failure_text, text_row
from .notices import (
    FactsGathered,
    Failed,
    Followed,
    Frame,
    IndexChanged,
    IndexState,
    LiveState,
    MarkerMissing,
    Notice,
    Opened,
    OpenFailed,
)

__all__ = [
    "Clock", "ManualClock", "SystemClock", "Engine", "failure_text", "text_row",
    "Failed", "FactsGathered", "Followed", "Frame", "IndexChanged", "IndexState", "LiveState", "MarkerMissing",
    "Notice", "Opened", "OpenFailed",
]
