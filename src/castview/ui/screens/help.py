"""`?`: every key of the browser and the player, from their bindings, and a few notes."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

NAMES = {
    "left": "←", "right": "→", "up": "↑", "down": "↓", "shift+left": "shift+←", "shift+right": "shift+→",
    "ctrl+left": "ctrl+←", "ctrl+right": "ctrl+→", "ctrl+up": "ctrl+↑", "ctrl+down": "ctrl+↓",
    "left_square_bracket": "[", "right_square_bracket": "]", "comma": ",", "full_stop": ".",
    "plus": "+", "minus": "-", "equals_sign": "=", "question_mark": "?", "slash": "/",
    "space": "space", "escape": "esc", "enter": "enter", "home": "home", "end": "end",
}

NOTES = (
    "The position and the scrub bar use the recording's own time. With the idle cap on (i), "
    "playback shortens every pause longer than the cap to the cap: the position then jumps "
    "over the skipped idle time. Seeking, markers and 0-9 are unaffected by the cap.",
    "A recording larger than the view is panned, not wrapped: the view follows the cursor; "
    "ctrl+arrows or the mouse wheel pan it by hand. Click or drag on the scrub bar to seek; "
    "its dotted part is not indexed yet (seeks there still work, a little slower).",
    "Search (/ in the player, s in the recordings) finds text as it was shown on the screen at "
    "any moment, full-screen apps included, not the raw bytes. Plain text matches as typed, "
    "case ignored; start with re: for a Python regular expression (re:sudo\\s+\\w+). In the "
    "player, enter on a result goes there with the match highlighted; n / N step through the "
    "matches (wrapping around); the scrub bar marks them with ┃. The first search of a "
    "recording indexes its text (cached for the next time).",
    "The search across recordings takes optional filters: node, user and host are "
    "substrings or globs (*, ?); since and until take a date (2026-11-20), today, yesterday, "
    "a weekday or an age (24h, 7d). With filters and no text it lists the recordings that "
    "meet them. Enter opens the player at a match (or at the start of a recording).",
    "Recordings being written show up by themselves, marked ● live: local folders are "
    "watched, S3 buckets listed again every few minutes (remote_refresh) and on r. Opening a "
    "live recording follows it at its live edge (● LIVE following), showing the output as it "
    "is written; seeking back leaves follow mode, end or f comes back. A recording that stops "
    "growing is shown as finished; one truncated or replaced is reloaded, with a notice.",
    "g takes a position (1:07.4, 1:02:05, 90, end), an RFC 3339 time (2025-03-02T14:22:05.5Z) or a "
    "time of day (@14:22:05, on the recording's day); h:mm:ss without @ or + is read both ways and "
    "must fit only one. A time outside the recording is refused, naming its span. Times shown "
    "(position, search results, export names) give back the same frame when typed in. l copies a "
    "link, RECORDING@2025-03-02T14:22:05.5Z, that castview open takes as it is.",
    "x makes a clip (.cast) or an evidence pack (.zip) as castview clip and castview evidence do: "
    "from and to take what g takes; redact takes texts (matched as typed) and re:REGEX, enter adds "
    "each. A redaction that still shows in what was written deletes it (fail closed), naming the "
    "time. Nothing is written into the recordings' folders; under castview serve it is a download.",
    "R in the recordings lists every recording, then only the unreviewed, ok, concern or incident "
    "ones (castview --unreviewed / --verdict V start so); / takes review:ok (unreviewed, …) too.",
    "ctrl+p opens the command palette: every action, and the themes.",
)


def key_names(binding: Binding) -> str:
    keys = [k.strip() for k in binding.key.split(",")]
    return " / ".join(NAMES.get(k, k) for k in keys)


def bindings_table(bindings: list[Binding]) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    digits_done = False
    for binding in bindings:
        if binding.key.isdigit() and len(binding.key) == 1:
            if not digits_done:
                table.add_row(Text("0 … 9"), Text("Jump to 0 %, 10 % … 90 %"))
                digits_done = True
            continue
        description = binding.tooltip or binding.description
        # Text, not markup: `[` and `]` are keys.
        table.add_row(Text(key_names(binding)), Text(description))
    return table


HELP_TEXT = {
    "toggle_play": "Play / pause",
    "skip(-5)": "Back 5 s", "skip(5)": "Forward 5 s", "skip(-30)": "Back 30 s", "skip(30)": "Forward 30 s",
    "marker(-1)": "Previous marker", "marker(1)": "Next marker",
    "seek_start": "Start", "seek_end": "End (a live recording: follow it)",
    "follow": "Follow a live recording at its live edge; again: stop",
    "step(-1)": "One event back", "step(1)": "One event forward",
    "speed(1)": "Faster (up to 16×)", "speed(-1)": "Slower (down to 0.25×)",
    "toggle_idle": "Idle-time cap on/off (the header's idle_time_limit, else 2 s)",
    "goto": "Go to a time: m:ss, h:mm:ss, seconds, +position, end, @time of day, RFC 3339",
    "export": "Export the frame on view (text, ANSI, SVG, HTML) to a file",
    "copy": "Copy the screen text to the clipboard",
    "toggle_metadata": "Show / hide the metadata pane",
    "toggle_commands": "Show / hide the commands typed at prompts (enter: go there)",
    "pan(-8, 0)": "Pan left", "pan(8, 0)": "Pan right", "pan(0, -4)": "Pan up", "pan(0, 4)": "Pan down",
    "search": "Search the recording's text (re:… for a regular expression)",
    "next_match(1)": "Next match (wraps around)", "next_match(-1)": "Previous match (wraps around)",
    "escape": "Close the search panel; again: forget the search; else back",
    "fleet_search": "Search the text of all recordings (with filters)",
    "focus_results": "From the boxes to the results",
    "help": "This help", "back": "Back to the recordings",
    "open": "Open the recording (or fold a node)", "filter": "Filter by node, user, host, command or date",
    "clear_filter": "Clear the filter",
    "reload": "List the sources again now (S3; local folders are watched)", "quit": "Quit",
    "review": "Review verdict (ok, concern, incident; a note) into the review ledger",
    "bookmarks": "Bookmarks: a note at this time; the list, enter on one goes there",
    "clip": "Clip (.cast) or evidence pack (.zip) of a range (player: from here), with redactions",
    "cycle_review_filter": "Show all, unreviewed, ok, concern or incident recordings",
    "cycle_view": "View by node, by user, by connection, or one timeline",
    "cycle_sort": "Sort by start, duration or size (newest, longest, largest first)",
    "reverse_sort": "Reverse the order",
}


def described(bindings: list[Binding]) -> list[Binding]:
    """Bindings with the help screen's longer descriptions."""
    out = []
    for b in bindings:
        text = HELP_TEXT.get(b.action, b.description)
        out.append(Binding(b.key, b.action, b.description, show=b.show, key_display=b.key_display, tooltip=text))
    return out


class HelpScreen(ModalScreen[None]):
    """Every screen's keys, the keys of the screen it was opened from first (so they are
    on view at 80x24 without scrolling)."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]

    def __init__(self, first: str = "player") -> None:
        super().__init__()
        self.first = first

    def compose(self) -> ComposeResult:
        from .browser import BrowserScreen
        from .fleet_search import FleetSearchScreen
        from .player import PlayerScreen

        sections = {
            "player": ("Player", PlayerScreen.BINDINGS),
            "browser": ("Recordings", BrowserScreen.BINDINGS),
            "search": ("Search recordings (s)", FleetSearchScreen.BINDINGS),
        }
        order = [self.first, *(name for name in sections if name != self.first)]
        with VerticalScroll(id="help-box"):
            yield Static(Text("castview keys", style="bold"), classes="help-title")
            for n, name in enumerate(order):
                title, bindings = sections[name]
                yield Static(Text(("\n" if n else "") + title, style="bold underline"))
                yield Static(bindings_table(described(list(bindings))))
            yield Static(Text("\nNotes", style="bold underline"))
            for note in NOTES:
                yield Static(Text(note + "\n"))
            yield Static(Text("esc / q / ?: close", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()

    def action_close(self) -> None:
        self.dismiss(None)
