"""Every command on a tree of hostile recordings, as a user runs it: no traceback, no hang,
a one-line error naming the bad file, and every good recording of the same tree still
listed and found.

Commands over the whole tree run as `python -m castview` (a process each); the matrix of
every single-file command on every hostile file runs each command line through the same
entry point in one process per command (see cli_batch.py), and one real process per
command checks the entry point itself.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import GOOD_WORDS, Run, event, header, lines, write_undecodable_name

SINGLE_FILE_COMMANDS = {
    "info": ("info",),
    "info-json": ("info", "--json"),
    "cat-text": ("cat",),
    "cat-jsonl": ("cat", "--format", "jsonl"),
    "export-text": ("export", "--at", "end"),
    "export-ansi": ("export", "--at", "end", "-f", "ansi"),
    "export-svg": ("export", "--at", "end", "-f", "svg"),
    "export-html": ("export", "--at", "end", "-f", "html"),
    "export-far": ("export", "--at", "99999:00:00", "-f", "html"),
    "index": ("index",),
}
# Commands that must fail, in one line naming the file, even on a good recording: a time
# outside the recording is an error naming its span, never the last frame (issue 12).
REFUSED_ON_GOOD = {"export-far"}
# Inputs that are not recordings at all: every command must refuse them in one line.
NOT_RECORDINGS = {"nested-first-line", "nested-header-object", "version-nested", "int-over-digit-limit"}


def clean(run: Run) -> list[str]:
    """What is wrong with a run that must end normally (exit 0 or 1, no traceback)."""
    problems = []
    if "Traceback" in run.stderr or "Traceback" in run.stdout:
        problems.append("a traceback")
    if run.returncode not in (0, 1):
        problems.append(f"exit status {run.returncode}")
    return problems


def error_lines(run: Run) -> list[str]:
    return [line for line in run.stderr.splitlines() if line.startswith("castview:")]


def names_file(run: Run, path: Path) -> bool:
    return any(path.name in line for line in error_lines(run))


def check_single_file_runs(inputs: dict[str, Path], runs: list[Run], good_passes: bool = True) -> None:
    failures = []
    for (name, path), run in zip(inputs.items(), runs, strict=False):
        problems = clean(run)
        if name in NOT_RECORDINGS and run.returncode != 1:
            problems.append("a file that is not a recording was accepted")
        if run.returncode != 0 and not names_file(run, path):
            problems.append("no error line naming the file")
        if name == "good" and run.returncode != (0 if good_passes else 1):
            problems.append("the good recording failed" if good_passes else "the good recording was not refused")
        if problems:
            failures.append(f"{name}: {', '.join(problems)}\n{run.describe()}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("command", list(SINGLE_FILE_COMMANDS), ids=list(SINGLE_FILE_COMMANDS))
def test_single_file_commands_on_every_hostile_file(hostile_tree, castview_cli, command):
    inputs = {**hostile_tree.bad, "good": hostile_tree.good[0]}
    runs = castview_cli.batch([(*SINGLE_FILE_COMMANDS[command], str(path)) for path in inputs.values()])
    check_single_file_runs(inputs, runs, good_passes=command not in REFUSED_ON_GOOD)


# One of each kind: not a recording, out-of-range times, text no terminal encoding can write.
PROCESS_INPUTS = ("nested-first-line", "event-and-marker-at-1e308", "lone-surrogates")


def test_single_file_commands_as_real_processes(hostile_tree, castview_cli):
    """Each command once through `python -m castview` itself (exit status, stderr), the
    inputs taken in turn."""
    jobs = [(command, PROCESS_INPUTS[i % len(PROCESS_INPUTS)]) for i, command in enumerate(SINGLE_FILE_COMMANDS)]
    # Four at a time: each run is mostly interpreter start-up.
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(
            pool.map(lambda job: castview_cli(*SINGLE_FILE_COMMANDS[job[0]], str(hostile_tree.bad[job[1]])), jobs)
        )
    for (_, name), run in zip(jobs, runs, strict=False):
        check_single_file_runs({name: hostile_tree.bad[name]}, [run])


def test_ls_lists_every_good_and_every_regular_bad_recording(hostile_tree, castview_cli):
    run = castview_cli("ls", "--json", str(hostile_tree.root))
    assert clean(run) == [] and run.returncode == 0, run.describe()
    listed = {Path(r["path"]).name: r for r in map(json.loads, run.stdout.splitlines())}
    for path in hostile_tree.good:
        assert listed[path.name]["status"] == "ok" and listed[path.name]["error"] is None
    for name, path in hostile_tree.bad.items():
        record = listed[path.name]
        if name in NOT_RECORDINGS:
            assert record["status"] == "damaged" and path.name in record["error"], record
            assert "\n" not in record["error"]
        elif record["error"] is not None:
            # a v3 recording's listing reads its whole body (its times are intervals):
            # damage found there marks it, naming the line
            assert record["status"] == "damaged" and record["error"].startswith("line "), record
            assert "\n" not in record["error"]
        # a start outside 1970..9999 is unknown, never a crash
        assert record["start"] is None or "1970" <= record["start"][:4] <= "9999"
    for path in hostile_tree.not_regular.values():
        assert path.name not in listed


def test_ls_names_each_file_that_is_not_a_regular_file_on_one_line(hostile_tree, castview_cli):
    run = castview_cli("ls", str(hostile_tree.root))
    assert clean(run) == [] and run.returncode == 0, run.describe()
    skipped = [line for line in error_lines(run) if "not a regular file" in line]
    assert len(skipped) == 1, run.describe()
    for kind in ("fifo", "link-to-fifo", "link-to-dev-zero"):
        assert hostile_tree.not_regular[kind].name in skipped[0]
    assert "a FIFO" in skipped[0] and "a character device" in skipped[0]
    # a directory named x.cast is a directory: walked, not reported
    assert hostile_tree.not_regular["directory"].name not in skipped[0]
    assert "2024-01-01 00:00:00" in run.stdout and "2024-01-02 00:00:00" in run.stdout
    assert f"({len(hostile_tree.bad)} recordings)" in run.stdout


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_grep_finds_the_good_and_the_text_after_damage(hostile_tree, castview_cli, as_json):
    run = castview_cli("grep", *(["--json"] if as_json else []), "-E", "good-|after the damage", str(hostile_tree.root))
    assert "Traceback" not in run.stderr and run.returncode == 0, run.describe()
    for word in GOOD_WORDS:
        assert word in run.stdout
    # the good line after a 3000-deep bracket line is still searchable
    found = run.stdout.splitlines()
    assert any(hostile_tree.bad["nested-event-line"].name in line and "after the damage" in line for line in found)
    for name in NOT_RECORDINGS:
        assert names_file(run, hostile_tree.bad[name]), run.describe()


def test_index_of_many_files_reports_each_bad_one_and_indexes_the_rest(hostile_tree, castview_cli):
    paths = [*hostile_tree.bad.values(), *hostile_tree.good]
    run = castview_cli("index", *map(str, paths))
    assert clean(run) == [] and run.returncode == 1, run.describe()
    for name in NOT_RECORDINGS:
        assert names_file(run, hostile_tree.bad[name]), run.describe()
    indexed = [line for line in run.stderr.splitlines() if " events, " in line and "keyframes" in line]
    assert len(indexed) == len(paths) - len(NOT_RECORDINGS), run.describe()


def test_info_flags_the_ignored_fields_with_the_file_and_line(hostile_tree, castview_cli):
    expected = {
        "timestamp-1e12": "header timestamp 1000000000000 is not usable",
        "huge-idle-and-duration": "header duration 9999",
        "event-and-marker-at-1e308": ":3: invalid time 1e+308",
        "huge-int-event-time": ":2: invalid time 9999",
        "deep-valid-header-value": "header field 'deep' is nested over",
        "size-of-wrong-types": 'header srcNodeUser {"a": [1, {"b": null}]} is not usable',
        "huge-size": "header size 10000000000…x-5 is unusable",
    }
    runs = castview_cli.batch([("info", str(hostile_tree.bad[name])) for name in expected])
    for message, run in zip(expected.values(), runs, strict=False):
        assert run.returncode == 0 and message in run.stdout, run.describe() + run.stdout


def test_look_alike_user_names_are_shown_with_their_hidden_characters(tmp_path, castview_cli):
    root = tmp_path / "lookalike"
    node = root / "nLookAlikeCNTRL"
    node.mkdir(parents=True)
    users = {
        "2024-04-01T00:00:00Z.cast": ("admin@example.com", "admin@example.com"),
        "2024-04-02T00:00:00Z.cast": ("ad\u200bmin@example.com", "ad\\u200bmin@example.com"),
        "2024-04-03T00:00:00Z.cast": ("admin\U000e0041@example.com", "admin\\U000e0041@example.com"),
        "2024-04-04T00:00:00Z.cast": ("\u202emoc.elpmaxe@nimda", "\\u202emoc.elpmaxe@nimda"),
        "2024-04-05T00:00:00Z.cast": ("\ufeffadmin\u2066@example.com", "\\ufeffadmin\\u2066@example.com"),
    }
    for name, (user, _) in users.items():
        (node / name).write_bytes(
            lines(header(srcNodeUser=user, srcNode="h\u200dost", srcNodeID="n\u061cid"), event(0.5, "o", "x\r\n"))
        )
    listing, *infos = castview_cli.batch([("ls", str(root)), *(("info", str(node / name)) for name in users)])
    assert clean(listing) == [], listing.describe()
    for (_, shown), info in zip(users.values(), infos, strict=False):
        assert shown in info.stdout and "h\\u200dost" in info.stdout and "n\\u061cid" in info.stdout
        assert shown[:16] in listing.stdout  # the WHO column may cut the end, never hide the mark
    # nothing invisible reached the terminal
    for text in (listing.stdout,):
        assert not any(ch in text for ch in "\u200b\u200d\u202e\ufeff\u2066\U000e0041\u061c")


def test_fifos_in_a_tree_hang_nothing(hostile_tree, castview_cli):
    """The listing's own reads: `ls`, `grep` and `info` on the good file, with the FIFOs
    beside them and no writer ever opening them."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = list(
            pool.map(
                lambda args: castview_cli(*args),
                [
                    ("ls", str(hostile_tree.root)),
                    ("grep", "good-", str(hostile_tree.root)),
                    ("info", str(hostile_tree.good[0])),
                ],
            )
        )
    for run in runs:
        assert clean(run) == [] and run.returncode == 0, run.describe()


def test_commands_on_a_fifo_named_on_the_command_line_do_not_hang(hostile_tree, castview_cli):
    fifo = hostile_tree.not_regular["fifo"]
    jobs = [("info", str(fifo)), ("cat", str(fifo)), ("export", "--at", "end", str(fifo)), ("index", str(fifo))]
    # The fixed commands answer at once; the bound is only there to end the expected hang.
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        runs = list(pool.map(lambda args: castview_cli(*args, timeout=20), jobs))
    for run in runs[:-1]:
        assert run.returncode == 1 and "not a regular file" in run.stderr, run.describe()
    # index takes SOURCEs: it says what `ls` says of a FIFO named as a source
    assert runs[-1].returncode == 1 and "not a file or directory (a FIFO)" in runs[-1].stderr, runs[-1].describe()


def test_export_warns_about_skipped_lines(hostile_tree, castview_cli):
    path = hostile_tree.bad["nested-event-line"]
    run = castview_cli("export", "--at", "end", str(path))
    assert run.returncode == 0 and "after the damage" in run.stdout
    assert any(f"{path.name}:2" in line for line in run.stderr.splitlines()), run.describe()


def test_info_text_shows_markup_in_header_values_literally(tmp_path, castview_cli):
    path = tmp_path / "markup.cast"
    path.write_bytes(
        lines(header(srcNodeUser="[/]", srcNode="[link=https://evil.example]h[/link]"), event(0.5, "m", "[/]"))
    )
    run = castview_cli("info", str(path))
    assert clean(run) == [] and run.returncode == 0, run.describe()
    assert "[/]" in run.stdout and "[link=https://evil.example]h[/link]" in run.stdout


def test_a_file_name_that_is_not_utf8_is_listed_and_shown_escaped(hostile_tree, castview_cli):
    path = write_undecodable_name(hostile_tree.root / "nOddNameCNTRL")
    listing, as_json, info = castview_cli.batch(
        [("ls", "-p", str(hostile_tree.root)), ("ls", "--json", str(hostile_tree.root)), ("info", str(path))]
    )
    for run in (listing, as_json, info):
        assert clean(run) == [] and run.returncode == 0, run.describe()
    assert "-\\udcff\\udcfe.cast" in listing.stdout and "-\\udcff\\udcfe.cast" in info.stdout
    assert any(json.loads(line)["path"] == str(path) for line in as_json.stdout.splitlines())


def test_a_file_name_that_is_not_utf8_can_be_searched_and_indexed(hostile_tree, castview_cli):
    path = write_undecodable_name(hostile_tree.root / "nOddNameCNTRL")
    runs = castview_cli.batch(
        [("cat", str(path)), ("index", str(path)), ("grep", "undecodable", str(hostile_tree.root))]
    )
    for run in runs:
        assert clean(run) == [] and run.returncode == 0, run.describe()
    assert "under an undecodable name" in runs[0].stdout and "under an undecodable name" in runs[2].stdout


def test_a_file_name_that_is_not_utf8_is_reviewed_and_listed_beside_reviews(hostile_tree, castview_cli):
    # Listing hashes every recording once the ledger holds a review: an undecodable name
    # must still be kept (SQLite takes UTF-8 only), then found again under the same name.
    path = write_undecodable_name(hostile_tree.root / "nOddNameCNTRL")
    review, listing, reviews = castview_cli.batch(
        [("review", str(path), "--verdict", "concern", "--note", "odd name"), ("ls", "-p", str(hostile_tree.root)),
         ("reviews", "--json")]
    )
    for run in (review, listing, reviews):
        assert clean(run) == [] and run.returncode == 0, run.describe()
    assert "odd name" in reviews.stdout
    (row,) = [line for line in listing.stdout.splitlines() if "-\\udcff\\udcfe.cast" in line]
    assert "concern" in row or "?" in row  # the review mark on that very row
