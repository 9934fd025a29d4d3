"""The player's keys (PlayerScreen.BINDINGS, which the help screen and the command
palette list): each runs one of the player screen's actions."""

from __future__ import annotations

from textual.binding import Binding

from ..cast import timeline

PLAYER_KEYS = [
    Binding("space", "toggle_play", "Play"),
    Binding("left", f"skip({-timeline.SKIP:g})", f"-{timeline.SKIP:g}s", key_display="←"),
    Binding("right", f"skip({timeline.SKIP:g})", f"+{timeline.SKIP:g}s", key_display="→"),
    Binding("shift+left", f"skip({-timeline.BIG_SKIP:g})", f"−{timeline.BIG_SKIP:g}s", show=False),
    Binding("shift+right", f"skip({timeline.BIG_SKIP:g})", f"+{timeline.BIG_SKIP:g}s", show=False),
    Binding("left_square_bracket", "marker(-1)", "Prev marker", key_display="[", show=False),
    Binding("right_square_bracket", "marker(1)", "Next marker", key_display="]", show=False),
    *[Binding(str(d), f"percent({d})", f"Jump to {d * 10}%", show=False) for d in range(10)],
    Binding("home", "seek_start", "Start", show=False),
    Binding("end", "seek_end", "End", show=False),
    Binding("comma", "step(-1)", "Event back", key_display=",", show=False),
    Binding("full_stop", "step(1)", "Event forward", key_display=".", show=False),
    Binding("plus,equals_sign", "speed(1)", "Faster", key_display="+", show=False),
    Binding("minus", "speed(-1)", "Slower", key_display="-", show=False),
    Binding("i", "toggle_idle", "Idle cap", show=False),
    # Priority: run before the keys typed after it are handed on (typed or pasted fast,
    # `/exit` exported the frame: `e`, then `t`); not in the search box (PlayerScreen.check_action).
    Binding("slash", "search", "Search", key_display="/", priority=True),
    Binding("n", "next_match(1)", "Next match", show=False),
    Binding("N", "next_match(-1)", "Previous match", show=False),
    Binding("g", "goto", "Go to"),
    Binding("e", "export", "Export"),
    Binding("c", "copy", "Copy", show=False),
    Binding("l", "copy_link", "Copy link to this moment", show=False),
    Binding("m", "toggle_metadata", "Info"),
    Binding("u", "toggle_utc", "UTC / local time", show=False),
    Binding("z", "toggle_compact", "Compact", show=False),
    Binding("a", "review", "Review verdict", show=False),
    Binding("b", "bookmarks", "Bookmarks", show=False),
    Binding("x", "clip", "Clip / evidence pack", show=False),
    Binding("t", "toggle_commands", "Commands", show=False),
    Binding("ctrl+left", "pan(-8, 0)", "Pan left", show=False),
    Binding("ctrl+right", "pan(8, 0)", "Pan right", show=False),
    Binding("ctrl+up", "pan(0, -4)", "Pan up", show=False),
    Binding("ctrl+down", "pan(0, 4)", "Pan down", show=False),
    Binding("question_mark", "help", "Help", key_display="?"),
    Binding("q", "back", "Back"),
    # Shown only for a live recording, after q so that q stays on view at 80 columns
    # (the status line says "f: follow" there too).
    Binding("f", "follow", "Follow"),
    Binding("escape", "escape", "Close search / back", key_display="esc", show=False),
]
