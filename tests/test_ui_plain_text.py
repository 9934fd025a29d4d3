"""Text from recordings reaches the app's widgets as plain text, never as markup (see
tests/hostile/test_app_markup.py for the app itself on such recordings)."""

from __future__ import annotations

import ast
from pathlib import Path

import castview.ui

UI = Path(castview.ui.__file__).parent


def test_every_toast_goes_through_ui_toast():
    """`notify()` reads its message as markup unless told otherwise: a path holding `[/]`
    would crash the app. Only ui/toast.py calls it, and with markup off."""
    calls = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "notify":
                markup = next((k.value for k in node.keywords if k.arg == "markup"), None)
                plain = isinstance(markup, ast.Constant) and markup.value is False
                calls.append((path.relative_to(UI).as_posix(), plain))
    assert calls == [("toast.py", True)]


def test_a_tree_label_given_as_a_string_is_not_markup():
    from castview.ui.widgets.recording_tree import RecordingTree

    tree = RecordingTree()
    assert tree.process_label("n[/]x [link=https://evil.example]y\x1b]0;t\x07").plain == \
        "n[/]x [link=https://evil.example]y\\x1b]0;t\\x07"
    assert tree.process_label("[conceal]host").spans == []
