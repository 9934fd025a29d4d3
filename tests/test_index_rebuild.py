"""`castview index --rebuild`: analyse anew, ignoring the cache dir's and the shared cache's
entries, and write over both (an entry taken from a shared cache stays in the cache dir
after the shared one is repaired: this is how to drop it)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from castview.analysis.shared import SharedCache, identity, use
from castview.cli import app
from castview.search import open_index
from castview.search_index import decode, frame
from castview.term.fingerprint import Fingerprint
from test_shared_proportion import Blobs


def _cast(path: Path) -> Path:
    header = {"version": 2, "width": 80, "height": 24, "timestamp": 1763629000}
    events = [[0.5, "o", "$ "], [1.0, "i", "ls\r"], [1.1, "o", "ls\r\nfile-a  file-b\r\n$ "]]
    path.write_text("\n".join(json.dumps(x) for x in [header, *events]) + "\n")
    return path


def _index(path: Path, cache: Path, monkeypatch, *args: str) -> str:
    monkeypatch.setenv("CASTVIEW_CACHE_DIR", str(cache))
    result = CliRunner().invoke(app, ["index", str(path), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _texts(path: Path, cache: Path) -> str:
    with open_index(path, cache_dir=cache) as index:
        return "\n".join(line.text for line in index.transcript())


def test_rebuild_replaces_an_entry_adopted_from_the_shared_cache(tmp_path, monkeypatch):
    path = _cast(tmp_path / "r.cast")
    shared = SharedCache(Blobs())
    previous = use(shared)
    try:
        assert "1 analysed here" in _index(path, tmp_path / "a", monkeypatch)
        # The shared entry is changed (a bad indexer; the check cannot know the text is wrong).
        (name, data), = shared.store.blobs.items()
        st = path.stat()
        ident = identity(Fingerprint(st.st_size, st.st_mtime), lambda: open(path, "rb"))
        meta, body = decode(data, ident)
        assert meta["solid"], "a small recording's entry: its parts are plain"
        shared.store.put(name, b"".join(frame(meta, [bytes(body).replace(b"file-a", b"file-z")])))
        assert "1 from the shared cache" in _index(path, tmp_path / "b", monkeypatch)
        assert "file-z" in _texts(path, tmp_path / "b")

        rebuilt = _index(path, tmp_path / "b", monkeypatch, "--rebuild")
        assert "1 analysed here" in rebuilt and "1 written to the shared cache" in rebuilt
        assert "file-a" in _texts(path, tmp_path / "b") and "file-z" not in _texts(path, tmp_path / "b")
        assert b"file-z" not in decode(shared.store.blobs[name], ident)[1]
        assert "1 from the cache" in _index(path, tmp_path / "b", monkeypatch)
    finally:
        use(previous)
