"""A listing reads the problem store once (ProblemStore.snapshot) and answers each
recording from what it read: the same answers as asking the store one by one, without a
real path, a hash or an open per recording that no entry is of."""

from __future__ import annotations

import pytest

from castview.cast.model import Problem
from castview.problem_store import FOLDER, ProblemStore
from castview.sources import catalog
from castview.sources.local import LocalSource
from castview.term.fingerprint import Fingerprint
from test_ui_helpers import SAMPLES

FOUND = (Problem(102, "not an event"), Problem(None, "bad header"))


def test_the_snapshot_answers_as_the_store_does(tmp_path):
    store = ProblemStore(tmp_path)
    store.record("/r/a.cast", Fingerprint(1000, 12.5), FOUND)
    store.record("/r/\udcff.cast", Fingerprint(7, 1.0), FOUND[:1])  # a name that is not UTF-8
    snapshot = store.snapshot(most=10)
    assert snapshot is not None
    for key, size, mtime in [("/r/a.cast", 1000, 12.5), ("/r/a.cast", 1001, 12.5), ("/r/a.cast", 1000, 13.0),
                             ("/r/b.cast", 1000, 12.5), ("/r/\udcff.cast", 7, 1.0), ("/r/c.cast", 7, 1.0)]:
        assert snapshot.known(lambda key=key: key, size, mtime) == store.known(key, size, mtime)
    assert snapshot.known(lambda: "/r/a.cast", 1000, 12.5) == FOUND


def test_the_key_is_worked_out_only_for_a_version_an_entry_has(tmp_path):
    store = ProblemStore(tmp_path)
    store.record("/r/a.cast", Fingerprint(1000, 12.5), FOUND)
    snapshot = store.snapshot(most=10)

    def no_key() -> str:
        raise AssertionError("the key of a recording no entry can be of")

    assert snapshot.known(no_key, 999, 12.5) == ()


def test_a_store_larger_than_the_listing_is_asked_one_by_one(tmp_path):
    store = ProblemStore(tmp_path)
    for i in range(3):
        store.record(f"/r/{i}.cast", Fingerprint(10, 1.0), FOUND)
    assert store.snapshot(most=2) is None
    assert store.snapshot(most=3) is not None
    assert ProblemStore(tmp_path / "none").snapshot(most=0) is not None  # no folder: nothing known


@pytest.mark.parametrize("junk", [b"", b"{", b"[]", b'{"format": 2}', b"\xff" * 10,
                                  b'{"format":2,"key":5,"size":1000,"mtime":12.5,"problems":[]}'])
def test_an_entry_that_does_not_read_is_left_out(tmp_path, junk):
    store = ProblemStore(tmp_path)
    store.record("/r/a.cast", Fingerprint(1000, 12.5), FOUND)
    store.record("/r/b.cast", Fingerprint(1000, 12.5), FOUND[:1])
    entry = store._path("/r/a.cast")
    entry.write_bytes(junk)
    snapshot = store.snapshot(most=10)
    assert snapshot.known(lambda: "/r/a.cast", 1000, 12.5) == ()
    assert snapshot.known(lambda: "/r/b.cast", 1000, 12.5) == FOUND[:1]
    assert len(list((tmp_path / FOLDER).iterdir())) == 2


def test_a_listing_marks_what_the_store_knows_without_asking_per_recording(tmp_path, monkeypatch):
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(tmp_path))
    refs = list(LocalSource(SAMPLES).refs())
    marked = refs[2]
    from castview.recording import cache_key

    ProblemStore(tmp_path).record(cache_key(marked.location), Fingerprint(marked.size, marked.mtime), FOUND)

    def one_by_one(ref):
        raise AssertionError("asked the store about one recording")

    monkeypatch.setattr(catalog, "known_problems", one_by_one)
    listed = catalog.build_catalog([LocalSource(SAMPLES)]).recordings
    damaged = [rec for rec in listed if rec.status == catalog.DAMAGED]
    assert [rec.ref.location for rec in damaged] == [marked.location]
    assert damaged[0].error == "line 102: not an event"
