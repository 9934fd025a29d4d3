"""Real recordings replayed by castview's Terminal and by a real tmux pane.

Every public cast (tests/data/public, see its MANIFEST.md) and every recording
under sample_casts/ is fed event by event; at about ten evenly spaced events and
at the end, the screen (text, cursor, alternate screen, colours and attributes)
must equal what tmux shows after the same bytes.

Resize events are replayed in tmux too: the oracle pauses the pane's output at
the resize and runs ``resize-window`` before the rest is written, so a pane is
resized exactly where the recording says (tmux reflows the main screen, as
castview does). Sample points are taken only where the parser is between
sequences (``Terminal.at_boundary``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from castview.cast.model import OUTPUT, RESIZE, Size, parse_size
from castview.cast.reader import load_events
from castview.term.screen import Terminal
from tmux_oracle import styled_rows_of

HERE = Path(__file__).parent
ROOT = HERE.parent
PUBLIC = sorted(p for p in (HERE / "data" / "public").glob("*") if p.suffix in (".cast", ".json"))
SAMPLES = sorted((ROOT / "sample_casts").glob("**/*.cast"))
POINTS = 10


def _screen_events(path: Path) -> tuple[Size, list[tuple[str, object]]]:
    """The header size and the events that change the screen: ("o", text) or ("r", Size)."""
    header, events = load_events(path)
    out: list[tuple[str, object]] = []
    for ev in events:
        if ev.code == OUTPUT:
            out.append(("o", ev.data))
        elif ev.code == RESIZE:
            size = parse_size(ev.data)
            if size is not None:
                out.append(("r", size))
    return header.size, out


def _state(term: Terminal) -> dict:
    return {
        "lines": term.text().split("\n"),
        "cursor": term.cursor,
        "alternate": term.alternate,
        "styled": styled_rows_of(term),
    }


def _replay_points(size: Size, events: list[tuple[str, object]]) -> list[tuple[int, dict]]:
    """Feed all events; return (event count, screen state) at the sample points."""
    n = len(events)
    wanted = sorted({max(1, round(n * (k + 1) / POINTS)) for k in range(POINTS)} | {n}) if n else []
    term = Terminal(size.cols, size.rows)
    points: list[tuple[int, dict]] = []
    pending = list(wanted)
    for i, (code, value) in enumerate(events, 1):
        if code == "o":
            term.feed(value)  # type: ignore[arg-type]
        else:
            term.resize(value.cols, value.rows)  # type: ignore[union-attr]
        if pending and i >= pending[0] and term.at_boundary:
            points.append((i, _state(term)))
            while pending and pending[0] <= i:
                pending.pop(0)
    return points


def _steps(events: list[tuple[str, object]]) -> list:
    """The oracle's input for a prefix of the events: byte chunks and (cols, rows) resizes."""
    steps: list = []
    chunk: list[str] = []
    for code, value in events:
        if code == "o":
            chunk.append(value)  # type: ignore[arg-type]
        else:
            if chunk:
                steps.append("".join(chunk))
                chunk = []
            steps.append((value.cols, value.rows))  # type: ignore[union-attr]
    if chunk:
        steps.append("".join(chunk))
    return steps


def _compare_with_tmux(oracle, path: Path) -> int:
    size, events = _screen_events(path)
    points = _replay_points(size, events)
    for count, mine in points:
        cap = oracle.capture(_steps(events[:count]), size.cols, size.rows)
        where = f"{path.name} after event {count}/{len(events)}"
        assert mine["lines"] == cap.lines, where
        assert mine["cursor"] == cap.cursor, where
        assert mine["alternate"] == cap.alternate, where
        assert mine["styled"] == cap.rows, where
    return len(points)


@pytest.mark.tmux
@pytest.mark.parametrize("path", PUBLIC, ids=[p.name for p in PUBLIC])
def test_public_cast_matches_tmux(tmux_oracle, path: Path) -> None:
    _compare_with_tmux(tmux_oracle, path)


if SAMPLES:  # recordings made by scripts/record_samples.py; none yet means no cases

    @pytest.mark.tmux
    @pytest.mark.parametrize("path", SAMPLES, ids=[str(p.relative_to(ROOT)) for p in SAMPLES])
    def test_sample_cast_matches_tmux(tmux_oracle, path: Path) -> None:
        _compare_with_tmux(tmux_oracle, path)


def test_public_casts_present() -> None:
    assert any(p.name == "termtosvg-htop.cast" for p in PUBLIC)
    assert (HERE / "data" / "public" / "MANIFEST.md").exists()
