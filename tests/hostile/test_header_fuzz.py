"""Any JSON value in any header field, through everything that reads or shows a header, in
this process: the reader and a full scan, the catalog summary, `ls --json` and `info --json`
through the real command functions, and the browser's labels and metadata pane. Nothing may
escape but a CastError for a header that is not a recording's.

`info`'s text is left out: Rich markup in a header value crashes it (issue 11 item 2, an
xfail in test_cli_hostile.py)."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from rich.console import Console
from typer.testing import CliRunner

from castview import formatting as fmt
from castview.cast.index import scan
from castview.cast.model import CastError, Header
from castview.cast.reader import EventScanner, read_head
from castview.filters import RecordingFilter
from castview.sources.catalog import build_catalog
from castview.sources.local import LocalSource
from castview.views import VIEWS, arrange

from .conftest import BASE, event

FIELDS = [*Header.KNOWN_KEYS, "stdout", "unknown"]
NAMES = ["2024-05-01T00:00:00Z.cast", "0001-01-01T00:00:00+23:59.cast", "9999-12-31T23:59:59-23:59.cast", "x.cast"]

text = st.text(st.characters(exclude_categories=()), max_size=30) | st.sampled_from(
    ["[/]", "[link=https://evil.example]x[/link]", "\\", '"', "]]]", "{[", "\x1b]0;t\x07", "\u202eabc", "a\u200bb"]
)
numbers = (
    st.integers()
    | st.integers(min_value=10**300, max_value=10**400)
    | st.integers(max_value=-(10**300))
    | st.floats()
    | st.sampled_from([1e12, -1e12, 1e308, 253402300800, 0, -0.0])
)
json_values = st.recursive(
    st.none() | st.booleans() | numbers | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)
headers = st.builds(
    lambda version, fields: {**BASE, "version": version, **fields},
    st.sampled_from([1, 2, 3]) | json_values,
    st.dictionaries(st.sampled_from(FIELDS), json_values, min_size=1, max_size=4),
)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def write(root: Path, name: str, header: dict) -> Path:
    node = root / "nFuzzNodeCNTRL"
    node.mkdir(exist_ok=True)
    for old in node.iterdir():
        old.unlink()
    path = node / name
    if header.get("version") == 1 and isinstance(header.get("stdout"), list):
        path.write_text(json.dumps(header))  # a v1 document: the frames beside the fields
    else:
        path.write_text(
            json.dumps(header) + "\n" + event(0.5, "o", "hello\r\n") + "\n" + event(1.0, "m", "mark") + "\n"
        )
    return path


def show(renderable) -> str:
    console = Console(file=io.StringIO(), width=100, force_terminal=False)
    console.print(renderable)
    return console.file.getvalue()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(header=headers, name=st.sampled_from(NAMES))
def test_any_json_in_any_header_field(tree, header, name):
    from castview.cli import app
    from castview.info import describe
    from castview.search import open_index
    from castview.ui import catalog_view
    from castview.ui.widgets import metadata_pane

    path = write(tree, name, header)
    catalog = build_catalog([LocalSource(tree)])
    (rec,) = catalog.recordings
    try:
        with open(path, "rb") as f:
            head = read_head(f, str(path))
            result = scan(f, head)
    except CastError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        assert rec.header is None and rec.error == str(exc)
    else:
        h = head.header
        assert rec.header == h and rec.error is None
        json.dumps(dict(h.raw))
        for value in (
            h.size,
            h.no_pty,
            h.start_time,
            h.duration,
            h.idle_time_limit,
            h.env,
            h.term_type,
            h.theme,
            h.who,
            h.kubernetes,
            h.src_node_tags,
            h.unknown_keys,
            h.resize_rows_first,
        ):
            str(value)
        with open(path, "rb") as f:
            times = [located.event.time for located in EventScanner(f, read_head(f, str(path)))]
        assert times == sorted(times)
        with open_index(path) as index:
            json.dumps(describe(head, index), ensure_ascii=True)
        facts = replace(
            metadata_pane.MetadataPane.facts_for(rec),
            markers=result.facts.markers,
            problems=result.problems,
            events=result.facts.events,
        )
        show(metadata_pane.describe(h, facts))

    fmt.local_time(rec.start_ns), fmt.duration(rec.duration)
    RecordingFilter.from_options(since="2000-01-01", until="9999-12-30T00:00:00Z").matches(rec)
    for view in VIEWS:
        for section in arrange(catalog.recordings, view):
            show(catalog_view.section_label(view, section))
        show(catalog_view.recording_label(rec, view=view))
    show(catalog_view.detail(rec)), catalog_view.haystack(rec)

    runner = CliRunner()
    listing = runner.invoke(app, ["ls", "--json", str(tree)])
    assert listing.exit_code == 0, listing.output
    (record,) = [json.loads(line) for line in listing.stdout.splitlines()]
    assert record["path"] == str(path)
    info = runner.invoke(app, ["info", "--json", str(path)])
    assert info.exit_code == (0 if rec.header is not None else 1), info.output
    if rec.header is not None:
        assert json.loads(info.stdout)["path"] == str(path)
