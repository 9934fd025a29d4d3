"""The analysis pass (one replay for text, facts, keyframes and added analyzers) and the
entries it leaves: packed per folder, checked when read, rebuilt when they do not check out."""

from __future__ import annotations

import json
import multiprocessing
import re
import struct
import zlib
from pathlib import Path

import pytest
import zstandard

from castview import search_index
from castview.analysis import ANALYZERS, Analyzer, FactsAnalyzer, pack as pack_module
from castview.analysis.pack import Pack
from castview.cast.index import scan
from castview.cast.model import OUTPUT, Event
from castview.cast.reader import read_head
from castview.info import describe
from castview.search import Query, open_index, search_index as search_in, search_recording
from castview.search_index import ENTRY_HEADER, SearchIndexStore
from castview.term.fingerprint import fingerprint_of
from castview.term.index_store import IndexStore, cache_key, open_cached

ROOT = Path(__file__).resolve().parent.parent
BASH = ROOT / "sample_casts" / "nHx4Tb1CNTRL" / "2026-11-20T09:15:02Z.cast"


def write_cast(path: Path, lines: list[str], width: int = 80) -> Path:
    header = {"version": 2, "width": width, "height": 24}
    events = [json.dumps([0.01 * i, "o", line + "\r\n"]) for i, line in enumerate(lines)]
    path.write_text(json.dumps(header) + "\n" + "\n".join(events) + "\n")
    return path


def lines(n: int) -> list[str]:
    return [f"line {i:05d} " + "x" * (i % 60) for i in range(n)]


# --------------------------------------------------------------------------- one pass

def test_the_first_search_takes_the_keyframes_in_the_same_replay(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "KEYFRAMES_FROM", 0)
    path = write_cast(tmp_path / "rec.cast", lines(3000))
    cache = tmp_path / "cache"
    assert search_recording(path, "line 02999", cache_dir=cache)
    replay, _ = open_cached(path, IndexStore(cache))
    assert replay.view.complete  # the player finds the index built
    straight, _ = open_cached(path, None)
    assert straight.build()
    assert [k.count for k in replay.view.keyframes] == [k.count for k in straight.view.keyframes]
    assert list(replay.view.times) == list(straight.view.times)


def test_a_small_recording_leaves_no_keyframe_file(tmp_path):
    path = write_cast(tmp_path / "rec.cast", lines(10))
    search_recording(path, "line", cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache" / "keyframes").exists()


class CountOutput(Analyzer):
    name = "count-output"
    version = 1

    def __init__(self) -> None:
        self.count = 0
        self.rows: list[str] = []

    def start(self, term, head) -> None:  # type: ignore[no-untyped-def]
        self.term = term

    def feed(self, event: Event) -> None:
        if event.code == OUTPUT:
            self.count += 1

    def finish(self) -> None:
        self.rows = [row.rstrip() for row in self.term.lines()[:1]]  # the terminal it watched, at the end

    def result(self) -> dict:
        return {"count": self.count, "first_row": self.rows[0]}

    @classmethod
    def check(cls, value: object) -> dict:
        if not isinstance(value, dict) or type(value.get("count")) is not int:
            raise ValueError("count-output")
        return value


@pytest.fixture
def count_output():  # type: ignore[no-untyped-def]
    """CountOutput registered, as a module adding an analyzer does."""
    ANALYZERS.append(CountOutput)
    yield
    ANALYZERS.remove(CountOutput)


def test_an_analyzer_joins_the_pass_and_its_result_is_kept(tmp_path, monkeypatch, count_output):
    path = write_cast(tmp_path / "rec.cast", lines(30))
    cache = tmp_path / "cache"
    with open_index(path, cache_dir=cache) as index:
        assert index.built
        assert index.result("count-output") == {"count": 30, "first_row": "line 00007 " + "x" * 7}
    with open_index(path, cache_dir=cache) as index:
        assert not index.built and index.result("count-output")["count"] == 30
    monkeypatch.setattr(CountOutput, "version", 2)  # a new version of it: entries are built again
    with open_index(path, cache_dir=cache) as index:
        assert index.built


def test_info_reads_the_facts_from_the_entry(tmp_path):
    path = tmp_path / "rec.cast"
    path.write_bytes(BASH.read_bytes())
    with open(path, "rb") as f:
        head = read_head(f, str(path))
        facts = scan(f, head).facts
    with open_index(path, cache_dir=tmp_path / "cache") as index:
        found = describe(head, index)
    assert found["derived"]["events"] == facts.events
    assert found["derived"]["output_bytes"] == facts.output_bytes
    assert found["derived"]["events_by_code"] == dict(sorted(facts.counts.items()))
    with open_index(path, cache_dir=tmp_path / "cache") as index:
        assert not index.built and describe(head, index) == found


# --------------------------------------------------------------------------- search semantics

def test_characters_re_takes_for_ascii_letters_are_all_known():
    letters = re.compile("[a-z]", re.IGNORECASE)
    found = {chr(x) for x in range(128, 0x110000) if letters.fullmatch(chr(x))}
    assert found == set("".join(search_index._LIKE_ASCII.values()))
    others = re.compile(r"[\x00-\x40\x5b-\x60\x7b-\x7f]", re.IGNORECASE)
    assert not any(others.fullmatch(chr(x)) for x in range(128, 0x110000))


@pytest.mark.parametrize("pattern, regex", [("sudo", False), ("KILL", False), ("su.o", True), ("ı", False)])
def test_ignoring_case_finds_what_re_finds(tmp_path, pattern, regex):
    texts = ["ſudo rm", "SUDO ls", "sudo", "kill -9", "\u212aILL it", "ıd", "Id", "nothing"]
    path = write_cast(tmp_path / "rec.cast", texts)
    found = {m.line_text for m in search_recording(path, pattern, regex, cache_dir=tmp_path / "cache")}
    compiled = re.compile(pattern if regex else re.escape(pattern), re.IGNORECASE)
    assert found == {t for t in texts if compiled.search(t)}


# --------------------------------------------------------------------------- entries that do not check out

def _entry(cache: Path, key: str) -> tuple[Pack, bytes]:
    store = SearchIndexStore(cache)
    pack = store.pack_for(key)
    data = pack.get(key)
    assert data is not None
    return pack, data


def _reseal(data: bytes, meta: dict) -> bytes:
    """An entry with other metadata and a checksum that matches it (a forged one)."""
    _, layout, meta_len, body_len, _ = ENTRY_HEADER.unpack_from(data)
    body = data[ENTRY_HEADER.size + meta_len:]
    meta_bytes = zstandard.compress(json.dumps(meta).encode("ascii"))
    crc = zlib.crc32(body, zlib.crc32(meta_bytes))
    return ENTRY_HEADER.pack(search_index.MAGIC, layout, len(meta_bytes), body_len, crc) + meta_bytes + body


def _meta(data: bytes) -> dict:
    _, _, meta_len, _, _ = ENTRY_HEADER.unpack_from(data)
    # with the entry's own reader: the metadata is compressed with castview's dictionary
    return json.loads(search_index.unframe(memoryview(data)[ENTRY_HEADER.size:ENTRY_HEADER.size + meta_len]))


@pytest.mark.parametrize("forge", ["block count", "frame size", "facts"])
def test_a_forged_entry_is_built_again(tmp_path, forge):
    path = write_cast(tmp_path / "rec.cast", lines(3000))
    cache = tmp_path / "cache"
    clean = search_recording(path, "line 029", cache_dir=cache)
    transcript = list(open_index(path, cache_dir=cache).transcript())
    key = cache_key(path)
    pack, data = _entry(cache, key)
    meta = _meta(data)
    if forge == "block count":
        meta["blocks"][-1][3] += 1  # read only when a search gets that far
    elif forge == "facts":
        meta["analyses"]["facts"]["result"]["counts"] = {"o": -1}
    if forge == "frame size":
        forged = bytearray(_reseal(data, meta))
        at = ENTRY_HEADER.size + ENTRY_HEADER.unpack_from(forged)[2]
        # a frame header claiming 2**40 bytes (zstd: magic, descriptor 0xC0: 8-byte size)
        first = meta["blocks"][-1][0]
        frame = bytes(forged[at + first:at + first + 4]) + b"\xc0" + struct.pack("<Q", 1 << 40)
        forged[at + first:at + first + len(frame)] = frame
        forged = bytearray(_reseal(bytes(forged), meta))
        pack.put(key, bytes(forged))
    else:
        pack.put(key, _reseal(data, meta))
    assert search_recording(path, "line 029", cache_dir=cache) == clean
    with open_index(path, cache_dir=cache) as index:
        assert not index.built and list(index.transcript()) == transcript


def test_an_entry_of_another_recording_is_not_taken(tmp_path):
    a = write_cast(tmp_path / "a.cast", ["alpha"])
    b = write_cast(tmp_path / "b.cast", ["bravo"])
    cache = tmp_path / "cache"
    search_recording(a, "alpha", cache_dir=cache)
    pack, data = _entry(cache, cache_key(a))
    pack.put(cache_key(b), data)
    assert [m.line_text for m in search_recording(b, "bravo", cache_dir=cache)] == ["bravo"]


# --------------------------------------------------------------------------- packs

def test_a_pack_keeps_the_last_value_of_each_key(tmp_path):
    pack = Pack(tmp_path / "p.pack")
    assert pack.get("a") is None and pack.names() == []
    pack.put("a", b"1")
    pack.put("b\udcff", b"2")  # a key from a non-UTF-8 file name
    pack.put("a", b"3")
    assert Pack(pack.path).get("a") == b"3" and Pack(pack.path).get("b\udcff") == b"2"
    pack.put("a", b"")
    assert Pack(pack.path).names() == ["b\udcff"]


def test_a_torn_record_is_cut_off_by_the_next_writer(tmp_path):
    pack = Pack(tmp_path / "p.pack")
    pack.put("a", b"first")
    with open(pack.path, "ab") as f:
        f.write(pack_module.MAGIC + b"\x05\x00")  # a writer that died mid-record
    assert Pack(pack.path).get("a") == b"first"
    pack.put("b", b"second")
    again = Pack(pack.path)
    assert again.get("a") == b"first" and again.get("b") == b"second"


def test_a_pack_of_mostly_superseded_records_is_compacted(tmp_path, monkeypatch):
    monkeypatch.setattr(pack_module, "COMPACT_AT", 1000)
    pack = Pack(tmp_path / "p.pack")
    for i in range(100):
        pack.put("a", bytes(100) + str(i).encode())
    assert pack.path.stat().st_size < 1000 + 300
    assert Pack(pack.path).get("a") == bytes(100) + b"99"


def _put_many(path: str, who: int) -> None:
    pack = Pack(Path(path))
    for i in range(50):
        pack.put(f"{who}-{i}", f"{who}:{i}".encode() * 50)


def test_writers_in_several_processes_share_a_pack(tmp_path, monkeypatch):
    monkeypatch.setattr(pack_module, "COMPACT_AT", 1 << 30)
    path = tmp_path / "p.pack"
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_put_many, args=(str(path), who)) for who in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    pack = Pack(path)
    assert sorted(pack.names()) == sorted(f"{who}-{i}" for who in range(3) for i in range(50))
    assert all(pack.get(f"{w}-{i}") == f"{w}:{i}".encode() * 50 for w in range(3) for i in range(50))


def test_a_fleet_of_small_recordings_leaves_a_pack_per_folder(tmp_path):
    for node in ("nA", "nB"):
        for i in range(5):
            (tmp_path / "recs" / node).mkdir(parents=True, exist_ok=True)
            write_cast(tmp_path / "recs" / node / f"{i}.cast", [f"{node} {i}"])
            search_recording(tmp_path / "recs" / node / f"{i}.cast", "n", cache_dir=tmp_path / "cache")
    files = [p for p in (tmp_path / "cache" / "search").rglob("*") if p.is_file()]
    assert len(files) == 2 and all(len(Pack(p).names()) == 5 for p in files)


def test_store_lookup_checks_the_fingerprint(tmp_path):
    path = write_cast(tmp_path / "rec.cast", ["alpha"])
    store = SearchIndexStore(tmp_path / "cache")
    fp = fingerprint_of(lambda: open(path, "rb"), path.stat().st_size, path.stat().st_mtime)
    with store.open(cache_key(path), fp, lambda: open(path, "rb"), str(path)) as index:
        assert index.built and search_in(index, Query("alpha"))
    assert store.lookup(cache_key(path), fp) is not None
    other = fingerprint_of(lambda: open(path, "rb"), path.stat().st_size, path.stat().st_mtime + 1)
    assert store.lookup(cache_key(path), other) is None
    assert FactsAnalyzer in ANALYZERS
