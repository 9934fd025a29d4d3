"""Listing local recorder destinations: grouping, ordering, merging, damage, skipping."""

from __future__ import annotations

import json
import os
import time

from castview.sources.catalog import DAMAGED, LIVE, OK, TRUNCATED, build_catalog
from castview.sources.layout import name_time_ns, parse_rfc3339nano
from castview.sources.local import LocalSource


def header(**extra) -> str:
    h = {"version": 2, "width": 80, "height": 24, "timestamp": 1763630102, "srcNode": "laptop.ts.net",
         "srcNodeID": "nLAPTOPCNTRL", "sshUser": "root", "localUser": "root"}
    h.update(extra)
    return json.dumps(h, separators=(",", ":"))


def write(path, *lines, end="\n", age=3600):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(end.join(lines) + end)
    old = time.time() - age
    os.utime(path, (old, old))
    return path


def test_names_with_any_number_of_fraction_digits_sort_by_time():
    names = ["2026-11-20T09:15:02.5Z", "2026-11-20T09:15:02Z", "2026-11-20T09:15:02.033425744Z",
             "2026-11-20T09:15:02.05Z"]
    ordered = sorted(names, key=parse_rfc3339nano)
    assert ordered == ["2026-11-20T09:15:02Z", "2026-11-20T09:15:02.033425744Z", "2026-11-20T09:15:02.05Z",
                       "2026-11-20T09:15:02.5Z"]
    assert sorted(names) != ordered  # string order is wrong, which is why names are parsed
    assert name_time_ns("2026-11-20T09:15:02Z.cast") == 1795166102 * 10**9


def test_tsrecorder_layout_grouped_by_node_newest_first(tmp_path):
    node = tmp_path / "nPRODDBCNTRL"
    # The header's timestamp (2025-11-20T09:15:02Z) agrees with the names to the second.
    for name in ["2025-11-20T09:15:02Z", "2025-11-20T09:15:02.5Z", "2025-11-20T09:15:02.05Z"]:
        write(node / f"{name}.cast", header(), '[1.5,"o","hi"]')
    write(tmp_path / "nWEB1xxCNTRL" / "2026-11-21T10:00:00Z.cast", header(srcNodeTags=["tag:ci"]), '[3,"o","x"]')
    write(node / "events" / "abc.event", "{}")
    write(tmp_path / "check-write-access", "x")
    write(node / ".2026-11-20T09:15:02Z.cast.swp", "x")
    catalog = build_catalog([LocalSource(tmp_path)])
    assert catalog.errors == []
    assert [g.node_id for g in catalog.groups] == ["nPRODDBCNTRL", "nWEB1xxCNTRL"]
    prod = catalog.groups[0].recordings
    assert [r.ref.name for r in prod] == [
        "2025-11-20T09:15:02.5Z.cast", "2025-11-20T09:15:02.05Z.cast", "2025-11-20T09:15:02Z.cast",
    ]
    assert all(r.duration == 1.5 and r.status == OK for r in prod)
    assert catalog.groups[1].recordings[0].header.who == "tag:ci"


def test_failover_copies_are_merged(tmp_path):
    for dst in ("a", "b"):
        write(tmp_path / dst / "nPRODDBCNTRL" / "2026-11-20T09:15:02Z.cast", header(connectionID="c1"),
              '[1,"o","x"]', '[2,"o","y"]')
    # the copy on b was cut short when that recorder went away
    cut_short = tmp_path / "b" / "nPRODDBCNTRL" / "2026-11-20T09:15:02Z.cast"
    cut_short.write_text(header(connectionID="c1") + '\n[1,"o","x"]\n')
    catalog = build_catalog([LocalSource(tmp_path / "a"), LocalSource(tmp_path / "b")])
    recs = catalog.recordings
    assert len(recs) == 1
    assert recs[0].ref.location.startswith(str(tmp_path / "a")) and recs[0].duration == 2
    assert recs[0].also_at == (str(tmp_path / "b" / "nPRODDBCNTRL" / "2026-11-20T09:15:02Z.cast"),)


def test_damaged_and_unfinished_recordings_are_listed_not_hidden(tmp_path):
    node = tmp_path / "nPRODDBCNTRL"
    write(node / "2026-11-20T09:00:00Z.cast", "this is not json", '[1,"o","x"]')
    p = write(node / "2026-11-20T10:00:00Z.cast", header(), '[1,"o","x"]')
    with open(p, "a") as f:
        f.write('[2,"o","cut')
    os.utime(p, (time.time() - 3600,) * 2)
    live = node / "2026-11-20T11:00:00Z.cast"
    live.write_text(header(timestamp=int(time.time()) - 3) + '\n[1,"o","x"]\n[2,"o","stil')
    statuses = {r.ref.name: (r.status, r.error) for r in build_catalog([LocalSource(tmp_path)]).recordings}
    assert statuses["2026-11-20T10:00:00Z.cast"] == (TRUNCATED, None)
    assert statuses["2026-11-20T11:00:00Z.cast"] == (LIVE, None)
    status, error = statuses["2026-11-20T09:00:00Z.cast"]
    assert status == DAMAGED and "2026-11-20T09:00:00Z.cast:1: not an asciicast recording" in error


def test_generic_tree_grouped_by_folder_never_by_the_client_node(tmp_path):
    """srcNodeID is the client: grouping by it put one client's sessions on two servers
    together, and `--node FOLDER` found nothing (issue 13)."""
    write(tmp_path / "x" / "one.cast", header(srcNodeID="nAAAAAACNTRL"), '[1,"o","a"]')
    write(tmp_path / "y" / "two.cast", header(srcNodeID="nAAAAAACNTRL", timestamp=1795166200), '[1,"o","a"]')
    write(tmp_path / "z" / "three.cast", '{"version":2,"width":80,"height":24}', '[1,"o","a"]')
    write(tmp_path / "z" / "package.json", '{"name":"x"}')
    write(tmp_path / "z" / "notes.json", '{"hello": 1}')
    groups = {g.node_id: [r.ref.name for r in g.recordings] for g in build_catalog([LocalSource(tmp_path)]).groups}
    assert groups == {"x": ["one.cast"], "y": ["two.cast"], "z": ["three.cast"]}


def test_missing_source_is_an_error_others_still_listed(tmp_path):
    write(tmp_path / "n1234567CNTRL" / "2026-11-20T09:00:00Z.cast", header(), '[1,"o","a"]')
    catalog = build_catalog([LocalSource(tmp_path / "nope"), LocalSource(tmp_path)])
    assert len(catalog.recordings) == 1
    assert catalog.errors == [f"{tmp_path / 'nope'}: no such file or directory"]


def test_single_file_source(tmp_path):
    p = write(tmp_path / "n1234567CNTRL" / "2026-11-20T09:00:00Z.cast", header(), '[1,"o","a"]')
    recs = build_catalog([LocalSource(p)]).recordings
    assert len(recs) == 1 and recs[0].node_id == "n1234567CNTRL"


def test_fresh_copy_of_an_old_session_is_not_live(tmp_path):
    # A clone or copy gives old recordings a new mtime; their own clock says they ended long ago.
    write(tmp_path / "n1234567CNTRL" / "2026-11-20T09:00:00Z.cast", header(), '[1,"o","a"]', age=0)
    write(tmp_path / "n1234567CNTRL" / "2026-11-20T10:00:00Z.cast", header(timestamp=int(time.time()) - 5),
          '[1,"o","a"]', age=0)
    statuses = {r.ref.name: r.status for r in build_catalog([LocalSource(tmp_path)]).recordings}
    assert statuses == {"2026-11-20T09:00:00Z.cast": OK, "2026-11-20T10:00:00Z.cast": LIVE}


def test_different_files_with_identical_headers_are_not_merged(tmp_path):
    # A fresh clone gives every file the same mtime; headers without a timestamp can match.
    a = write(tmp_path / "a.cast", '{"version": 2, "width": 80, "height": 24}', '[1,"o","a"]')
    b = write(tmp_path / "b.cast", '{"version": 2, "width": 80, "height": 24}', '[1,"o","b"]')
    os.utime(b, (a.stat().st_mtime,) * 2)
    assert len(build_catalog([LocalSource(tmp_path)]).recordings) == 2
