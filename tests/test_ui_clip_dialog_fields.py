"""The clip / evidence dialog's fields: output names safe from a hostile recording name
(no control, bidi or invisible character, no `/`, no leading `.`/`-`, short), the title one
line at 80x24 whatever the name; the extension follows the kind; the default name names the
frame `from` shows; field errors in the dialog's words, the focus on the field to fix; a
blank redaction refused; the redaction list usable from the keyboard; the kind chosen
readable without colour. And the review and bookmark dialogs centred, their help whole."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from castview.ui.export_actions import STEM_BYTES, export_stem, recording_stem
from test_ui_clip_dialog import SECRET_REC, copy_recording, dialog, open_dialog, player_dialog, toasts
from test_ui_helpers import SAMPLES, make_app, open_player, settle, wait_for

pytestmark = pytest.mark.anyio

HOSTILE = [
    "2026-11-25T10:03:20Z\x1b]0;FNAME\x07\x1b[31m.cast",  # a title change, then red
    "x..\u202egnp.cast",  # reads backwards
    "ad\u200bmin\u2066\x9b31m\x7f.cast",  # zero-width, an isolate, a C1 CSI, DEL
    "-rf.cast", ".hidden.cast", "a/b\\c d:e.cast",
    "a" * 246 + ".cast", "é" * 200 + ".cast",
]


def safe(stem: str) -> bool:
    return (stem.isprintable() and not any(unicodedata.category(c) in ("Cc", "Cf") for c in stem)
            and "/" not in stem and not stem.startswith((".", "-")) and 0 < len(stem.encode()) <= STEM_BYTES)


@pytest.mark.parametrize("name", HOSTILE)
def test_an_output_name_from_a_hostile_recording_name_is_safe(name):
    assert safe(recording_stem(name))
    assert safe(export_stem(name, 1.5).rsplit("-", 1)[0])  # the player's `e` names too


def test_a_plain_recording_name_keeps_its_output_name():
    assert recording_stem("2026-11-20T09:15:02.5Z.cast") == "2026-11-20T09-15-02.5Z"
    assert export_stem("rec.cast", 65.5) == "rec-1m05.5s"


def hostile_copy(folder: Path, name: str) -> Path:
    target = folder / "nHx4Tb1CNTRL" / name
    target.parent.mkdir(parents=True)
    shutil.copy(SECRET_REC, target)
    return target


@pytest.mark.parametrize("name", [HOSTILE[0], HOSTILE[1], "b" * 246 + ".cast"])
async def test_the_dialog_of_a_hostile_name_shows_it_escaped_and_writes_a_safe_file(ui_env, name):
    rec = hostile_copy(ui_env / "recs", name)
    app = make_app(rec, tmp_path=ui_env)
    async with app.run_test(size=(80, 24)) as pilot:
        box, output = await player_dialog(pilot)
        assert output.parent == ui_env / "exports" and safe(output.name.split("-0m")[0])
        title = box.query_one("#clip-title")
        assert title.size.height == 1 and box.query_one("#clip-dialog").region.height <= 24
        shown = str(title.render())
        assert shown.isprintable() and "\u202e" not in shown
        await pilot.press("enter")
        await wait_for(pilot, lambda: dialog(app) is None, timeout=30, what="the clip written")
    assert output.is_file()


async def test_the_extension_follows_the_kind_and_a_wrong_one_is_refused(ui_env):
    rec = copy_recording(ui_env / "recs")
    app = make_app(rec, tmp_path=ui_env)
    async with app.run_test(size=(80, 24)) as pilot:
        box, output = await player_dialog(pilot)
        assert output.suffix == ".cast"
        await pilot.click("#kind-evidence")
        await wait_for(pilot, lambda: box.query_one("#clip-output").value.endswith(".zip"), what="a .zip")
        await pilot.click("#clip-output")
        box.query_one("#clip-output").value = str(ui_env / "exports" / "typed.cast")
        await pilot.press("enter")
        await pilot.pause()
        assert "a pack is a .zip file" in str(box.query_one("#clip-status").render())
        assert box.query_one("#clip-output").has_focus and not box.running
        await pilot.click("#kind-clip")  # a name typed follows the kind too
        await wait_for(pilot, lambda: box.query_one("#clip-output").value.endswith("typed.cast"), what=".cast")
    assert not list((ui_env / "exports").iterdir())


async def test_the_default_name_names_the_frame_from_shows(ui_env):
    rec = SAMPLES / "nBq9Zs5CNTRL" / "2026-11-21T11:31:02.9876543Z.cast"  # an event at 4.74974 s
    app = make_app(rec, tmp_path=ui_env)
    async with app.run_test(size=(80, 24)) as pilot:
        player = await open_player(pilot)
        await pilot.press("5")
        await settle(pilot, player)
        box = await open_dialog(pilot)
        start = box.query_one("#clip-from").value
        name = Path(box.query_one("#clip-output").value).name
        assert start == "0:04.72"
        assert name == "2026-11-21T11-31-02.9876543Z-0m04.72s-end.cast"


async def test_to_before_from_is_said_in_the_dialogs_words_on_the_field(ui_env):
    rec = copy_recording(ui_env / "recs")
    app = make_app(rec, tmp_path=ui_env)
    async with app.run_test(size=(80, 24)) as pilot:
        box, _ = await player_dialog(pilot)
        box.query_one("#clip-from").value = "0:03"
        box.query_one("#clip-to").value = "0:01"
        await pilot.press("enter")
        await pilot.pause()
        assert str(box.query_one("#clip-status").render()) == "to: 0:01 is before from: 0:03"
        assert box.query_one("#clip-to").has_focus
        box.query_one("#clip-to").value = ""  # nothing: the focus still on the field to fix
        await pilot.click("#clip-redact")
        await pilot.press("enter")
        await pilot.pause()
        assert str(box.query_one("#clip-status").render()).startswith("to: no time given")
        assert box.query_one("#clip-to").has_focus


async def test_a_blank_redaction_is_refused_and_the_list_takes_enter(ui_env):
    rec = copy_recording(ui_env / "recs")
    app = make_app(rec, tmp_path=ui_env)
    async with app.run_test(size=(80, 24)) as pilot:
        box, _ = await player_dialog(pilot)
        await pilot.click("#clip-redact")
        await pilot.press("space", "space", "enter")
        await pilot.pause()
        assert str(box.query_one("#clip-status").render()).startswith("redact: only blanks")
        assert box.redactions == []
        box.query_one("#clip-redact").value = ""
        await pilot.press(*"alice", "enter", *"bob", "enter", "tab")
        listed = box.query_one("#clip-redactions")
        await wait_for(pilot, lambda: listed.has_focus, what="the list focused")
        assert listed.highlighted == 0  # enter acts on what is seen highlighted
        await pilot.press("enter")
        await wait_for(pilot, lambda: box.redactions == ["bob"], what="alice taken out")
    assert not toasts(app)


async def test_the_kind_chosen_reads_without_colour(ui_env):
    rec = copy_recording(ui_env / "recs")
    app = make_app(rec, tmp_path=ui_env)
    async with app.run_test(size=(80, 24)) as pilot:
        box, _ = await player_dialog(pilot)

        def marks() -> tuple[str, str]:
            return tuple(str(box.query_one(f"#kind-{k}").render()).split()[0] for k in ("clip", "evidence"))

        assert "●" in marks()[0] and "●" not in marks()[1]
        await pilot.click("#kind-evidence")
        await wait_for(pilot, lambda: "●" in marks()[1] and "●" not in marks()[0], what="the dot moved")


@pytest.mark.parametrize("key, dialog_id, help_text", [
    ("a", "#verdict-dialog", "esc: cancel"), ("b", "#bookmarks-dialog", "a note, then enter")])
async def test_review_and_bookmark_dialogs_are_centred_and_whole_at_80x24(ui_env, key, dialog_id, help_text):
    rec = copy_recording(ui_env / "recs")
    app = make_app(rec, tmp_path=ui_env, reviews_db=ui_env / "ledger.sqlite")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_player(pilot)
        await pilot.press(key)
        await wait_for(pilot, lambda: bool(app.screen.query(dialog_id)), what="the dialog")
        await pilot.pause()
        box = app.screen.query_one(dialog_id).region
        assert abs(box.x - (80 - box.right)) <= 1 and abs(box.y - (24 - box.bottom)) <= 1
        lines = [str(label.render()) for label in app.screen.query("Label")]
        assert any(line.endswith(help_text) for line in lines)
        assert all(label.size.height == 1 for label in app.screen.query("Label"))
