"""A listing reads headers without checking their fields (`read_head(..., checked=False)`,
issue 17 item 4): what it gets must be exactly what the full read gives, for every sample,
every hostile input and any JSON in any header field. Only the header-field problems,
which no summary shows, may be missing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import castview
from castview.cast.model import CastError
from castview.cast.reader import read_head
from castview.sources import catalog
from castview.sources.local import LocalSource

from .conftest import BASE, NESTED, REGULAR_INPUTS, event, write_good, write_regular_inputs
from .test_header_fuzz import headers as any_header

TESTS = Path(__file__).resolve().parent.parent
SAMPLES = sorted([*(TESTS / "data").rglob("*.cast"), *(TESTS / "data").rglob("*.json"),
                  *(Path(castview.__file__).parent / "data").rglob("*.cast")])
# Headers whose fields the full read reports as unusable, one kind each.
BAD_FIELDS = [
    {"timestamp": 10**20}, {"timestamp": "yesterday"}, {"timestamp": -5}, {"duration": -1}, {"duration": 1e300},
    {"idle_time_limit": 0}, {"command": ["ls"]}, {"title": 7}, {"srcNode": {"a": 1}}, {"srcNodeID": 5},
    {"srcNodeUserID": "x"}, {"srcNodeUser": True}, {"sshUser": 1.5}, {"localUser": []}, {"connectionID": {}},
    {"width": 0, "height": 0}, {"width": "80", "height": 24}, {"width": 10**6, "height": 24}, {"width": None},
    {"kubernetes": json.loads("[" * 20 + "]" * 20)}, {"env": {"TERM": {"deep": [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}}},
    {"version": 3, "term": {"cols": "x", "rows": 24}}, {"version": 1, "stdout": [[0.1, "a"], "bad", [1e300, "b"]]},
]


def heads(data: bytes, name: str) -> tuple[object, object]:
    """The full read and the listing's read of `data`: each a CastHead, or the CastError's text."""
    results = []
    for checked in (True, False):
        try:
            results.append(read_head(io.BytesIO(data), name, checked=checked))
        except CastError as exc:
            results.append(str(exc))
    return results[0], results[1]


def assert_same_head(data: bytes, name: str = "x.cast") -> None:
    full, fast = heads(data, name)
    if isinstance(full, str):
        assert fast == full
        return
    assert not isinstance(fast, str)
    assert (fast.header, fast.header.raw_text, fast.body_offset, fast.v1_events) == (
        full.header, full.header.raw_text, full.body_offset, full.v1_events)
    # What the listing's read found is what the full read found, less the header-field checks.
    assert set(fast.problems) <= set(full.problems)
    assert all(p.line == 1 and "header" in p.message for p in set(full.problems) - set(fast.problems))


def summaries(root: Path) -> dict[str, catalog.RecordingSummary]:
    source = LocalSource(root)
    return {ref.location: catalog.summarize(source, ref, now=0.0) for ref in source.refs()}


def full_reader(f, path, checked=True):  # type: ignore[no-untyped-def]
    return read_head(f, path)


def assert_same_summaries(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = summaries(root)
    with monkeypatch.context() as patched:
        patched.setattr(catalog, "read_head", full_reader)
        full = summaries(root)
    assert fast.keys() == full.keys() and fast
    for location, rec in full.items():
        got = fast[location]
        assert got == rec, location
        assert (got.start_ns, got.identity) == (rec.start_ns, rec.identity), location
        if rec.header is not None:
            assert got.header.raw_text == rec.header.raw_text, location


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_sample_reads_the_same(path):
    assert_same_head(path.read_bytes(), str(path))


@pytest.mark.parametrize("name", sorted(REGULAR_INPUTS))
def test_every_hostile_input_reads_the_same(name):
    assert_same_head(REGULAR_INPUTS[name][1]())


@pytest.mark.parametrize("fields", BAD_FIELDS, ids=lambda f: ",".join(f))
def test_unusable_header_fields_read_the_same(fields):
    header = {**BASE, **fields}
    full, _ = heads((json.dumps(header) + "\n").encode(), "x.cast")
    no_pty = fields == {"width": 0, "height": 0}  # (a fact the full read does not call a problem)
    assert isinstance(full, str) or full.problems or no_pty, "the full read reports these fields"
    if header.get("version") == 1:
        assert_same_head(json.dumps(header).encode())
    else:
        assert_same_head((json.dumps(header) + "\n" + event(0.5, "o", "hi\r\n") + "\n").encode())


def test_malformed_first_lines_read_the_same():
    for data in (b"", b"\n", b"[]\n", b"not json\n", b"{\"version\": 2", b"\xef\xbb\xbf" + json.dumps(BASE).encode(),
                 b"{" + b" " * (2 << 20) + b"\n", ("{\"version\": 2, \"a\": " + NESTED + "\n").encode(),
                 json.dumps({**BASE, "version": 4}).encode() + b"\n", b"\xff\xfe{\"version\": 2}\n"):
        assert_same_head(data)


def test_summaries_of_samples_and_hostile_inputs_are_the_full_readers(tmp_path, monkeypatch):
    for i, path in enumerate(SAMPLES):
        (tmp_path / f"{i:02d}-{path.name}").write_bytes(path.read_bytes())
    node = tmp_path / "nEvilNodeCNTRL"
    write_regular_inputs(node)
    write_good(tmp_path / "nGoodNodeCNTRL")
    for i, fields in enumerate(BAD_FIELDS):
        header = {**BASE, **fields}
        text = json.dumps(header) if header.get("version") == 1 else json.dumps(header) + "\n" + event(1.0, "o", "x")
        (node / f"2024-03-{i + 1:02d}T00:00:00Z.cast").write_text(text + "\n")
    assert_same_summaries(tmp_path, monkeypatch)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=any_header)
def test_any_json_in_any_header_field_reads_the_same(header):
    if header.get("version") == 1 and isinstance(header.get("stdout"), list):
        assert_same_head(json.dumps(header).encode())
    else:
        assert_same_head((json.dumps(header) + "\n" + event(0.5, "o", "hi\r\n") + "\n").encode())
