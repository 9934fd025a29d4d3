"""`castview clip`: the clip replays, at every moment, the original's terminal (castview's
engine, whole state) and castview and tmux agree on its first, middle and last frames."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from castview.cast.model import OUTPUT, RESIZE, parse_size
from castview.cast.reader import load_events
from castview.clip import Source, clip_lines, clip_range
from castview.recording import Recording
from castview.term.keyframes import apply, onlcr
from castview.term.screen import Terminal
from test_synthesize import comparable
from tmux_oracle import styled_rows_of

ROOT = Path(__file__).parent.parent
SAMPLES = sorted((ROOT / "sample_casts").glob("**/*.cast"))
PUBLIC = sorted(p for p in (ROOT / "tests/data/public").glob("*") if p.suffix in (".cast", ".json"))
RANGES = [(0.0, 1.0), (1 / 3, 2 / 3), (0.5, 1.0), (0.9, 0.95)]


def make_clip(path: Path, start: float, end: float, out: Path) -> tuple[float, float]:
    """Write the clip of *path* from start to end (fractions of its duration) to *out*."""
    target = Recording.from_path(path)
    replay, _ = target.open_replay(None)
    replay.build()
    t0, t1 = clip_range(replay, start * replay.duration, end * replay.duration)
    lines = clip_lines(target.opener, replay, t0, t1, Source(str(path), "0" * 64, target.size), "test")
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return t0, t1


def states_after_each_event(path: Path, cut: float | None = None) -> list[dict]:
    """The terminal's state after each event (for *cut*: first the state at *cut*)."""
    header, events = load_events(path)
    term = Terminal(header.size.cols, header.size.rows)
    states = []
    started = cut is None
    for event in events:
        if not started and event.time > cut:
            states.append(comparable(term))
            started = True
        apply(term, event, header.no_pty)
        if started:
            states.append(comparable(term))
    if not started:
        states.append(comparable(term))
    return states


@pytest.mark.parametrize("fractions", RANGES, ids=str)
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_clip_replays_the_original_at_every_moment(path: Path, fractions, tmp_path: Path) -> None:
    assert_clip_replays(path, fractions, tmp_path)


@pytest.mark.parametrize("path", PUBLIC, ids=lambda p: p.name)
def test_clips_of_v1_v3_and_kubernetes_recordings(path: Path, tmp_path: Path) -> None:
    """Public casts: v1 documents, v3 (relative times, "term"), Kubernetes (ROWSxCOLS)."""
    assert_clip_replays(path, (0.4, 0.8), tmp_path)


def assert_clip_replays(path: Path, fractions: tuple[float, float], tmp_path: Path) -> None:
    clip = tmp_path / "clip.cast"
    t0, t1 = make_clip(path, *fractions, clip)
    original = states_after_each_event(path, cut=t0)  # [state at t0, after each later event...]
    _, original_events = load_events(path)
    inside = [e for e in original_events if t0 < e.time <= t1]
    clip_states = states_after_each_event(clip)
    opening = len(clip_states) - len(inside)
    assert opening >= 1
    # the first frame is the original at --from; after each event, the original's after it
    assert clip_states[opening - 1] == original[0]
    assert clip_states[opening:] == original[1:len(inside) + 1]


def test_clip_header_keeps_the_original_fields_exactly(tmp_path: Path) -> None:
    path = ROOT / "sample_casts/nBq9Zs5CNTRL/2026-11-21T11:30:17.123Z.cast"
    clip = tmp_path / "clip.cast"
    make_clip(path, 0.25, 0.75, clip)
    first = clip.read_text(encoding="utf-8").splitlines()[0]
    assert '"srcNodeUserID": 9007199254740993' in first  # not 9007199254740992.0
    header = json.loads(first)
    original = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    info = header.pop("castview_clip")
    assert header == original
    assert info["source"] == str(path) and info["castview_version"] == "test"
    assert 0 < info["from"] < info["to"]


def test_markers_and_resizes_inside_the_range_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "r.cast"
    lines = [json.dumps({"version": 2, "width": 20, "height": 5}),
             json.dumps([1.0, "o", "before\r\n"]), json.dumps([2.0, "m", "outside"]),
             json.dumps([3.0, "o", "\x1b[31mred"]), json.dumps([4.0, "r", "30x6"]),
             json.dumps([5.0, "m", "inside"]), json.dumps([6.0, "o", " more"]), json.dumps([7.0, "m", "after"])]
    path.write_text("\n".join(lines) + "\n")
    clip = tmp_path / "clip.cast"
    target = Recording.from_path(path)
    replay, _ = target.open_replay(None)
    replay.build()
    clip.write_text("\n".join(clip_lines(target.opener, replay, 2.5, 6.0, Source("x", "0", 0), "t")) + "\n")
    header, events = load_events(clip)
    assert (header.size.cols, header.size.rows) == (20, 5)
    assert [(e.time, e.code, e.data) for e in events[1:]] == [
        (0.5, "o", "\x1b[31mred"), (1.5, "r", "30x6"), (2.5, "m", "inside"), (3.5, "o", " more")]


def test_cli_clip_and_bad_ranges(tmp_path: Path, monkeypatch) -> None:
    from castview.cli import app

    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path / "cache"))
    path = str(SAMPLES[1])
    out = tmp_path / "c.cast"
    result = CliRunner().invoke(app, ["clip", path, "--from", "0:02", "--to", "5", "-o", str(out)])
    assert result.exit_code == 0, result.output
    header = json.loads(out.read_text().splitlines()[0])
    assert header["castview_clip"]["from"] == 2.0 and header["castview_clip"]["to"] == 5.0
    import hashlib

    assert header["castview_clip"]["source_sha256"] == hashlib.sha256(Path(path).read_bytes()).hexdigest()
    out = tmp_path / "other.cast"  # (c.cast exists now: refused without --force)
    reversed_range = CliRunner().invoke(app, ["clip", path, "--from", "5", "--to", "2", "-o", str(out)])
    assert reversed_range.exit_code != 0 and "before --from" in reversed_range.output
    past = CliRunner().invoke(app, ["clip", path, "--from", "99:00", "-o", str(out)])
    assert past.exit_code != 0 and "--from: '99:00' is outside the recording: it runs 0:00 to" in past.output


# ----------------------------------------------------------------------------- tmux


def _tmux_steps(path: Path, count: int) -> tuple[tuple[int, int], list]:
    """The first *count* events of a clip as the oracle's steps (bytes and resizes)."""
    header, events = load_events(path)
    steps: list = []
    for event in events[:count]:
        if event.code == OUTPUT:
            steps.append((onlcr(event.data) if header.no_pty else event.data).encode("utf-8", "surrogatepass"))
        elif event.code == RESIZE and (size := parse_size(event.data)) is not None:
            steps.append((size.cols, size.rows))
    return tuple(header.size), steps


def _castview_after(path: Path, count: int) -> Terminal:
    header, events = load_events(path)
    term = Terminal(header.size.cols, header.size.rows)
    for event in events[:count]:
        apply(term, event, header.no_pty)
    return term


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_tmux_agrees_on_the_clips_first_middle_and_last_frames(tmux_oracle, path: Path, tmp_path: Path) -> None:
    clip = tmp_path / "clip.cast"
    make_clip(path, 1 / 3, 1.0, clip)
    _, events = load_events(clip)
    opening = sum(1 for e in events if e.time == 0.0)
    for count in sorted({opening, (opening + len(events)) // 2, len(events)}):
        term = _castview_after(clip, count)
        if not term.at_boundary:  # the oracle can only stop between sequences
            continue
        size, steps = _tmux_steps(clip, count)
        cap = tmux_oracle.capture(steps, *size)
        assert cap.lines == term.text().split("\n"), count
        assert cap.cursor == term.cursor, count
        assert cap.alternate == term.alternate, count
        assert cap.rows == styled_rows_of(term), count
