"""A recording whose file name is not UTF-8 (Python holds its bytes as lone surrogates):
its caches are written, found again and used, like any other's."""

from __future__ import annotations

from .conftest import write_undecodable_name


def test_its_search_index_is_built_once_then_found_in_the_cache(tmp_path):
    from castview.search import open_index

    path = write_undecodable_name(tmp_path / "nOddNameCNTRL")
    with open_index(path, cache_dir=tmp_path / "cache") as first:
        assert first.built
    with open_index(path, cache_dir=tmp_path / "cache") as second:
        assert not second.built


def test_its_keyframe_index_is_saved_then_found_in_the_cache(tmp_path):
    from castview.term.index_store import IndexStore, open_cached

    path = write_undecodable_name(tmp_path / "nOddNameCNTRL")
    store = IndexStore(tmp_path / "cache")
    replay, fp = open_cached(path, store)
    replay.build()
    store.save(replay.name, fp, replay.index)
    again, _ = open_cached(path, store)
    assert again.view.complete and again.event_count == replay.event_count == 1
