"""Commands typed at shell prompts, inferred from the screen (castview.commands, issue 14).

Ground truth: real bash, zsh and fish sessions recorded by scripts/record_commands.py
with the exact commands typed (tests/data/commands/*.expected.json), the bundled samples
and a public fixture (tests/data/commands/samples.expected.json). Synthetic recordings
pin each rule: bracketed paste, OSC 133, PS2, ctrl-c, prompts in output, resizes.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from castview.cast.reader import EventScanner, read_head
from castview.commands import Command, CommandStore, CommandWatch, ScanCancelled, commands_of, scan_commands
from castview.term.keyframes import apply
from castview.term.screen import Terminal
from entry_edit import replace_entry, rewrite_result

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "commands"
RECORDED = sorted(p.name[: -len(".expected.json")] for p in DATA.glob("*.expected.json")
                  if p.name != "samples.expected.json")
SAMPLES = json.loads((DATA / "samples.expected.json").read_text(encoding="utf-8"))


def infer(path: Path) -> list[Command]:
    with open(path, "rb") as f:
        return scan_commands(f, read_head(f, str(path)))


def cast(*events: tuple[float, str], cols: int = 80, rows: int = 24) -> bytes:
    """A v2 recording of output events."""
    lines = [json.dumps({"version": 2, "width": cols, "height": rows})]
    lines += [json.dumps([t, "o", data]) for t, data in events]
    return ("\n".join(lines) + "\n").encode()


def commands_in(data: bytes) -> list[Command]:
    f = io.BytesIO(data)
    return scan_commands(f, read_head(f, "test.cast"))


PROMPT = "\x1b[?2004h\x1b[01;32malice@web-1\x1b[00m:\x1b[01;34m~\x1b[00m$ "
ACCEPT = "\r\n\x1b[?2004l\r"


def typed(start: float, text: str) -> list[tuple[float, str]]:
    return [(start + i * 0.1, ch) for i, ch in enumerate(text)]


# --------------------------------------------------------------------------- ground truth

@pytest.mark.parametrize("name", RECORDED)
def test_recorded_sessions_list_exactly_the_typed_commands(name):
    expected = json.loads((DATA / f"{name}.expected.json").read_text(encoding="utf-8"))
    found = infer(DATA / f"{name}.cast")
    assert [(c.command, c.abandoned, c.fullscreen) for c in found] == \
        [(e["command"], e["abandoned"], e["fullscreen"]) for e in expected]


@pytest.mark.parametrize("rel", sorted(SAMPLES))
def test_samples_list_exactly_the_typed_commands(rel):
    found = infer(ROOT / rel)
    assert [(c.command, c.abandoned, c.fullscreen) for c in found] == \
        [(e["command"], e["abandoned"], e["fullscreen"]) for e in SAMPLES[rel]]


@pytest.mark.parametrize("name", RECORDED)
def test_the_frame_at_each_time_shows_the_command(name):
    path = DATA / f"{name}.cast"
    found = infer(path)
    with open(path, "rb") as f:
        head = read_head(f, str(path))
        term = Terminal(head.header.size.cols, head.header.size.rows)
        todo = list(found)
        for located in EventScanner(f, head):
            while todo and located.event.time > todo[0].time:
                shows(term, todo.pop(0))
            apply(term, located.event)
    for command in todo:  # at the last event's time
        shows(term, command)


def shows(term: Terminal, command: Command) -> None:
    screen = "".join(term.lines())
    for line in command.command.split("\n"):
        assert line in screen, (command, term.text())


def test_times_ends_and_output_lines_are_ordered():
    for name in RECORDED:
        found = infer(DATA / f"{name}.cast")
        for a, b in zip(found, found[1:], strict=False):
            assert a.time < b.time
            assert a.end is not None and a.time <= a.end <= b.time
        assert found[-1].command == "exit" and found[-1].end is None


def test_prompt_cwd_and_two_line_prompts():
    found = infer(DATA / "bash-root-git.cast")
    assert found[0].prompt == "root@vm ~\n#" and found[0].cwd == "~"
    assert found[1].prompt == "root@vm ~/repo (main)\n#" and found[1].cwd == "~/repo"
    fish = infer(DATA / "fish.cast")
    assert fish[0].prompt == "root@vm ~#"


def test_output_lines_count_the_rows_between_command_and_prompt():
    found = {c.command: c for c in infer(DATA / "bash.cast")}
    assert found["for i in 1 2 3\ndo echo n$i\ndone"].output_lines == 3
    assert found["cat evil.txt"].output_lines == 3
    assert found["clear"].output_lines == 0


# --------------------------------------------------------------------------- the rules, one by one

def test_a_command_is_what_the_editor_showed_when_the_line_was_accepted():
    data = cast((0.0, PROMPT), *typed(1.0, "ehco"), (1.5, "\b\b\b\x1b[K"), *typed(1.6, "cho hi"),
                (2.5, ACCEPT + "hi\r\n"), (2.6, PROMPT))
    [c] = commands_in(data)
    assert c == Command(2.5, "echo hi", "alice@web-1:~$", "~", 2.6, 1, False, False, 0, 15)


def test_text_typed_without_bracketed_paste_is_not_a_command():
    # a password prompt and `cat` reading stdin: the shell's editor is not reading
    data = cast((0.0, PROMPT), *typed(1.0, "cat"), (2.0, ACCEPT),
                *typed(3.0, "$ rm -rf /"), (4.0, "\r\n"), (4.5, "[sudo] password for alice: "), (5.0, "\r\n"),
                (6.0, PROMPT))
    assert [c.command for c in commands_in(data)] == ["cat"]


def test_output_that_looks_like_a_prompt_is_not_one():
    data = cast((0.0, PROMPT), *typed(1.0, "cat x"), (2.0, ACCEPT + "alice@web-1:~$ rm -rf /\r\n$ reboot\r\n"),
                (2.1, PROMPT))
    [c] = commands_in(data)
    assert c.command == "cat x" and c.output_lines == 2


def test_ctrl_c_lists_the_line_as_abandoned():
    data = cast((0.0, PROMPT), *typed(1.0, "rm -rf /"), (2.0, "^C\x1b[?2004l\r\r\n"), (2.1, PROMPT))
    [c] = commands_in(data)
    assert c.command == "rm -rf /" and c.abandoned


def test_an_empty_line_is_no_command():
    assert commands_in(cast((0.0, PROMPT), (1.0, ACCEPT), (1.1, PROMPT))) == []


def test_ps2_continuation_lines_are_joined():
    data = cast((0.0, PROMPT), *typed(1.0, "echo 'a"), (2.0, ACCEPT), (2.1, "\x1b[?2004h> "),
                *typed(3.0, "b'"), (4.0, ACCEPT + "a\r\nb\r\n"), (4.1, PROMPT))
    [c] = commands_in(data)
    assert c.command == "echo 'a\nb'" and c.time == 4.0 and c.output_lines == 2


def test_a_prompt_of_another_program_after_output_is_not_a_continuation():
    data = cast((0.0, PROMPT), *typed(1.0, "sqlite3"), (2.0, ACCEPT + "SQLite version 3\r\n"),
                (2.1, "\x1b[?2004hsqlite> "), *typed(3.0, "select 1;"), (4.0, ACCEPT + "1\r\n"))
    assert [c.command for c in commands_in(data)] == ["sqlite3", "select 1;"]


def test_python_repl_lines_are_not_shell_commands():
    data = cast((0.0, PROMPT), *typed(1.0, "python3"), (2.0, ACCEPT + "Python 3.13\r\n"),
                (2.1, "\x1b[?2004h>>> "), *typed(3.0, "import os"), (4.0, ACCEPT))
    assert [c.command for c in commands_in(data)] == ["python3"]


def test_long_lines_wrap_into_one_command():
    long = "echo " + "x" * 100
    data = cast((0.0, PROMPT), (1.0, long), (2.0, ACCEPT), (2.1, PROMPT))
    [c] = commands_in(data)
    assert c.command == long


def test_full_screen_programs_are_marked_and_what_is_typed_there_is_not_listed():
    data = cast((0.0, PROMPT), *typed(1.0, "vim"), (2.0, ACCEPT + "\x1b[?1049h\x1b[H\x1b[2J~"),
                (3.0, ":wq"), (4.0, "\x1b[?1049l"), (4.1, PROMPT))
    [c] = commands_in(data)
    assert c.command == "vim" and c.fullscreen and c.end == 4.1


def test_osc_133_marks_place_the_prompt_and_the_submission():
    # no bracketed paste: the shell-integration marks alone
    prompt = "\x1b]133;A\x07my prompt >>> \x1b]133;B\x07"
    data = cast((0.0, prompt), *typed(1.0, "ls -la"), (2.0, "\r\n\x1b]133;C\x07"), (2.1, "out\r\n\x1b]133;D;0\x07"),
                (2.2, prompt))
    [c] = commands_in(data)
    assert c.command == "ls -la" and c.prompt == "my prompt >>>" and c.time == 2.0


def test_osc_7_gives_the_working_directory():
    prompt = "\x1b]7;file://web-1/srv/app\x07" + PROMPT
    [c] = commands_in(cast((0.0, prompt), (1.0, "ls"), (2.0, ACCEPT), (2.1, PROMPT)))
    assert c.cwd == "/srv/app"


def test_a_resize_while_at_the_prompt_keeps_it():
    data = (cast((0.0, PROMPT))
            + json.dumps([1.0, "r", "100x30"]).encode() + b"\n"
            + cast((1.1, "\r\x1b[K\r" + PROMPT[len("\x1b[?2004h"):]), (1.5, "ls"), (2.0, ACCEPT),
                   (2.1, PROMPT)).split(b"\n", 1)[1])
    assert [c.command for c in commands_in(data)] == ["ls"]


def test_the_time_falls_back_when_the_accepting_event_also_clears_the_screen():
    data = cast((0.0, PROMPT), (1.0, "clear"), (2.0, ACCEPT + "\x1b[H\x1b[2J"), (2.1, PROMPT))
    [c] = commands_in(data)
    assert c.time == 1.0  # the frame at 2.0 no longer shows `clear`


def test_fish_autosuggestion_in_grey_is_not_typed():
    grey = "\x1b[38;5;240m"
    data = cast((0.0, "\x1b[?2004hroot@vm ~# "), (1.0, "echo h" + grey + "ello world\x1b[0m\r\x1b[17C"),
                (2.0, "\r\n\x1b[?2004l"), (2.1, "\x1b[?2004hroot@vm ~# "))
    [c] = commands_in(data)
    assert c.command == "echo h"


def test_the_watch_can_be_driven_by_a_caller_that_applies_events():
    term = Terminal(80, 24)
    watch = CommandWatch(term)
    for t, data in [(0.0, PROMPT), (1.0, "ls"), (2.0, ACCEPT)]:
        watch.before(t)
        term.feed(data)
        watch.after()
    [c] = watch.finish()
    assert c.command == "ls" and c.end is None


def test_a_scan_can_be_cancelled():
    data = cast((0.0, PROMPT), *typed(1.0, "x" * 600))
    f = io.BytesIO(data)
    with pytest.raises(ScanCancelled):
        scan_commands(f, read_head(f, "x.cast"), cancelled=lambda: True)


# --------------------------------------------------------------------------- records and the cache

def test_command_records_round_trip_and_reject_garbage():
    c = Command(1.5, "ls\nx", "$", None, None, 0, True, False, 3, 2)
    assert Command.from_data(json.loads(json.dumps(c.to_data()))) == c
    for bad in ({}, [], {**c.to_data(), "time": "1"}, {**c.to_data(), "row": -1}, {**c.to_data(), "x": 1},
                {**c.to_data(), "fullscreen": 1}, {**c.to_data(), "command": None}):
        with pytest.raises(ValueError):
            Command.from_data(bad)


def test_lists_are_cached_by_fingerprint_and_a_bad_entry_is_rebuilt(tmp_path):
    # the commands are kept in the recording's analysis entry (found in the same replay as
    # its search text)
    path = tmp_path / "s.cast"
    path.write_bytes(cast((0.0, PROMPT), (1.0, "ls"), (2.0, ACCEPT), (2.1, PROMPT)))
    cache = tmp_path / "cache"
    first = commands_of(path, cache_dir=cache)
    rewrite_result(cache, path, "commands", lambda found: found[0].update(command="cached"))
    assert [c.command for c in commands_of(path, cache_dir=cache)] == ["cached"]  # served from the cache
    replace_entry(cache, path, b"{not an entry")
    assert commands_of(path, cache_dir=cache) == first  # rebuilt
    with open(path, "ab") as f:  # the file changed: the entry no longer describes it
        f.write(b'[3.0, "o", "more"]\n')
    assert [c.command for c in commands_of(path, cache_dir=cache)] == ["ls"]
    assert CommandStore(cache).load("nothing", None) is None


def test_commands_come_from_the_analysis_pass_once(tmp_path, monkeypatch):
    # `castview commands` after a search (or the other way round) replays nothing again
    import castview.search_index as search_index
    from castview.search import search_recording

    path = tmp_path / "s.cast"
    path.write_bytes(cast((0.0, PROMPT), (1.0, "ls -la"), (2.0, ACCEPT), (2.1, PROMPT)))
    cache = tmp_path / "cache"
    replays = []
    real = search_index.analyse
    monkeypatch.setattr(search_index, "analyse", lambda *a, **k: replays.append(1) or real(*a, **k))
    assert search_recording(path, "la", cache_dir=cache)
    assert [c.command for c in commands_of(path, cache_dir=cache)] == ["ls -la"]
    assert len(replays) == 1
    with open(path, "rb") as f:
        assert commands_of(path, cache_dir=cache) == scan_commands(f, read_head(f, str(path)))


def test_the_commands_package_does_not_import_the_ui():
    code = "import sys, castview.commands, castview.cli.commands; assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_ctrl_l_at_the_prompt_redraws_it_at_the_top():
    data = cast((0.0, "\r\n" * 5 + PROMPT), (1.0, "ls"), (2.0, "\x1b[H\x1b[2J" + PROMPT[len("\x1b[?2004h"):] + "ls"),
                (3.0, " -l"), (4.0, ACCEPT), (4.1, PROMPT))
    [c] = commands_in(data)
    assert c.command == "ls -l" and c.row == 0


def test_events_at_the_same_time_count_as_one_frame():
    # the line is accepted, then an event at the very same time clears the screen
    data = cast((0.0, PROMPT), (1.0, "clear"), (2.0, ACCEPT), (2.0, "\x1b[H\x1b[2J"), (2.1, PROMPT))
    [c] = commands_in(data)
    assert c.time == 1.0


def test_typed_text_that_wraps_into_the_prompts_shape_is_not_a_new_prompt():
    data = cast((0.0, "\x1b[?2004h$ "), (1.0, "echo " + "x" * 13 + "$ y"), (2.0, ACCEPT), (2.1, "\x1b[?2004h$ "),
                cols=20, rows=5)
    [c] = commands_in(data)
    assert c.command == "echo " + "x" * 13 + "$ y"


def input_cast(*events: tuple[float, str, str]) -> bytes:
    lines = [json.dumps({"version": 2, "width": 80, "height": 24})] + [json.dumps(list(e)) for e in events]
    return ("\n".join(lines) + "\n").encode()


def test_keys_recorded_as_input_events_submit_lines_of_a_shell_without_signs():
    # sh: no bracketed paste, no marks; the recording kept the keys (`i` events)
    p = "me@sh:~$ "
    data = input_cast((0.0, "o", p), (1.0, "i", "l"), (1.0, "o", "l"), (1.1, "i", "s"), (1.1, "o", "s"),
                      (2.0, "i", "\r"), (2.0, "o", "\r\nfile\r\n" + p), (3.0, "i", "c"), (3.0, "o", "c"),
                      (3.5, "i", "\x03"), (3.5, "o", "^C\r\n" + p), (4.0, "i", "cat\r"), (4.0, "o", "cat\r\n"),
                      (5.0, "i", "# not a prompt\r"), (5.0, "o", "# not a prompt\r\n"),
                      (5.5, "i", "root@db:/# nor this\r"), (5.5, "o", "root@db:/# nor this\r\n"),
                      (6.0, "i", "password\r"), (6.0, "o", "\r\n"))
    found = [(c.command, c.abandoned, c.time, c.end, c.prompt, c.cwd) for c in commands_in(data)]
    # what is typed to `cat` is not of the shape of the session's prompt
    assert found == [("ls", False, 2.0, 3.0, "me@sh:~$", "~"), ("c", True, 3.5, 4.0, "me@sh:~$", "~"),
                     ("cat", False, 4.0, 5.0, "me@sh:~$", "~")]


def test_a_right_prompt_is_not_part_of_the_command():
    rprompt = "\x1b7\x1b[72G[0] 10:00\x1b8"  # zsh draws RPROMPT at the right, then comes back
    data = cast((0.0, "\x1b[?1h\x1b=\x1b[?2004h" + "% " + rprompt), (1.0, "ls"),
                (2.0, "\x1b[?1l\x1b>\x1b[?2004l\r\r\n"), (2.1, "% " + rprompt + "\x1b[?2004h"))
    [c] = commands_in(data)
    assert c.command == "ls" and not c.abandoned
