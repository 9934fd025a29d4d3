"""The clip / evidence dialog (`x` in the player and the browser): what to make, of which
range, where to, with which redactions; then the work (ui/clip_actions.py) with its
progress, until it is written (the dialog closes with the path) or refused (said here).

Keys: tab moves between the fields; enter in the redaction box adds what it holds (enter
on a redaction in the list takes it out); enter anywhere else makes the file; escape
cancels (the work too, leaving nothing written)."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, RadioSet
from textual.widgets.option_list import Option

from ...clipping import SUFFIXES, check_output
from ...config import Settings
from ...moments import Span, parse_moment
from ...recording import Recording
from ...sanitize import printable
from ..clip_actions import (
    CLIP,
    PACK,
    ClipProgressed,
    ClipRefused,
    ClipRequest,
    ClipWritten,
    default_name,
    split_redactions,
    start_clip,
)
from ..export_actions import clock_part, recording_stem
from ..widgets.marked_toggle import MarkedRadioButton


def shown_path(path: Path) -> str:
    """A path as the box shows it: relative to the working folder when in it (the name
    stays in view at 80 columns)."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def named(seconds: float) -> str:
    """A moment in an output's name: the shortest decimal that names its frame
    (formatting.clock's rule), the next event unknown here (so the moment itself bounds it:
    a time typed keeps its digits, the player's `from` is already the shortest)."""
    return clock_part(seconds, math.nextafter(seconds, math.inf))


STAGES = {"reading": "reading the recording", "hashing": "computing its SHA-256", "cutting": "cutting the clip",
          "packing": "packing the evidence", "checking": "checking the redaction", "sending": "sending the download"}


class ClipDialog(ModalScreen[ClipWritten | None]):
    """Makes a clip or an evidence pack; answers what was written (None: cancelled)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str, span: Span, make_target: Callable[[], Recording], settings: Settings, *,
                 start: str, folder: Path, forbidden: list[Path], zone: tzinfo | None = None,
                 download: bool = False) -> None:
        """`span`: the recording as far as known (the default name's times); `folder`:
        where the output goes by default; `forbidden`: the recordings' folders (never
        written to); `download`: the output is the browser's download (`castview serve`)."""
        super().__init__()
        self.recording_name = name
        self.span = span
        self._make_target = make_target
        self._settings = settings
        self.start_text = start
        self.folder = folder
        self.forbidden = forbidden
        self.zone = zone
        self.download = download
        self.kind = CLIP
        self.redactions: list[str] = []
        self.running = False
        self._output_edited = False
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical(id="clip-dialog", classes="dialog"):
            title = f"Clip or evidence pack of {printable(self.recording_name)}"
            yield Label(Text(title, no_wrap=True, overflow="ellipsis"), id="clip-title")
            with RadioSet(id="clip-kind"):
                yield MarkedRadioButton("clip (.cast)", value=True, id="kind-clip")
                yield MarkedRadioButton("evidence pack (.zip)", id="kind-evidence")
            with Horizontal(classes="clip-row"):
                yield Label("from ", classes="clip-label")
                yield Input(self.start_text, id="clip-from", compact=True)
                yield Label("  to ", classes="clip-label")
                yield Input("end", id="clip-to", compact=True)
            with Horizontal(classes="clip-row"):
                yield Label("download as " if self.download else "save as ", classes="clip-label")
                yield Input(self._default_output(), id="clip-output", compact=True)
            with Horizontal(classes="clip-row"):
                yield Label("redact ", classes="clip-label")
                yield Input(placeholder="a text, or re:REGEX (enter adds it)", id="clip-redact", compact=True)
            yield Label("no redactions", id="clip-redacting", classes="dim")
            yield OptionList(id="clip-redactions")
            yield Label("", id="clip-status")
            yield Label("enter: make it · tab: next field · esc: cancel", classes="dim")

    def on_mount(self) -> None:
        self.query_one("#clip-redactions", OptionList).display = False
        self.query_one("#clip-from", Input).focus()

    # -- the default output name ---------------------------------------------------------
    def _default_output(self) -> str:
        """`<recording>-<from>-<to>.cast|.zip` in the folder, free (numbered if taken)."""
        start = self._seconds(self.query_one("#clip-from", Input).value if self.is_mounted else self.start_text)
        end_text = self.query_one("#clip-to", Input).value if self.is_mounted else "end"
        end = None if end_text.strip() == "end" else self._seconds(end_text)
        stem = f"{recording_stem(self.recording_name)}-{named(start or 0.0)}-{'end' if end is None else named(end)}"
        if self.download:
            return stem + SUFFIXES[self.kind]
        return shown_path(default_name(self.folder, stem, SUFFIXES[self.kind]))

    def _seconds(self, text: str) -> float | None:
        try:
            return parse_moment(text.strip(), self.span, self.zone)
        except ValueError:
            return None

    def _rename(self) -> None:
        if not self._output_edited:
            self.query_one("#clip-output", Input).value = self._default_output()

    @on(Input.Changed, "#clip-from, #clip-to")
    def _range_changed(self) -> None:
        self._rename()

    @on(Input.Changed, "#clip-output")
    def _output_changed(self, event: Input.Changed) -> None:
        if event.input.has_focus:
            self._output_edited = True

    @on(RadioSet.Changed)
    def _kind_changed(self, event: RadioSet.Changed) -> None:
        self.kind = PACK if event.pressed.id == "kind-evidence" else CLIP
        box = self.query_one("#clip-output", Input)
        if self._output_edited:
            path = Path(box.value)
            if path.suffix in SUFFIXES.values():
                box.value = str(path.with_suffix(SUFFIXES[self.kind]))
        else:
            self._rename()

    # -- redactions ----------------------------------------------------------------------
    @on(Input.Submitted, "#clip-redact")
    def _redact_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        entry = event.value
        if not entry:
            self._make()
            return
        try:
            self._redactor_of([*self.redactions, entry])
        except ValueError as exc:
            self._say(f"redact: {exc}", error=True)
            return
        if entry not in self.redactions:
            self.redactions.append(entry)
        event.input.value = ""
        self._show_redactions()

    @on(OptionList.OptionSelected, "#clip-redactions")
    def _redaction_chosen(self, event: OptionList.OptionSelected) -> None:
        del self.redactions[event.option_index]
        self._show_redactions()
        self.query_one("#clip-redact", Input).focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The redaction list focused highlights its first entry: enter takes it out."""
        listed = event.widget
        if isinstance(listed, OptionList) and listed.highlighted is None and listed.option_count:
            listed.highlighted = 0

    def _show_redactions(self) -> None:
        listed = self.query_one("#clip-redactions", OptionList)
        listed.clear_options()
        listed.add_options([Option(Text(printable(entry))) for entry in self.redactions])
        listed.display = bool(self.redactions)
        count = len(self.redactions)
        self.query_one("#clip-redacting", Label).update(
            "no redactions" if not count else
            f"{count} redaction{'s' if count != 1 else ''} (enter on one in the list takes it out)")
        self._say("")

    @staticmethod
    def _redactor_of(entries: list[str]) -> None:
        from ...clipping import make_redactor

        make_redactor(*split_redactions(entries))

    # -- making it -----------------------------------------------------------------------
    @on(Input.Submitted, "#clip-from, #clip-to, #clip-output")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._make()

    def _make(self) -> None:
        if self.running:
            return
        texts, moments = [], []
        for field, label in (("#clip-from", "from"), ("#clip-to", "to")):
            text = self.query_one(field, Input).value.strip()
            try:
                moments.append(parse_moment(text, self.span, self.zone))
            except ValueError as exc:
                self._refuse(f"{label}: {exc}", field)
                return
            texts.append(text)
        if moments[1] < moments[0]:  # said in the dialog's words, not the CLI's options
            self._refuse(f"to: {texts[1]} is before from: {texts[0]}", "#clip-to")
            return
        output = Path(self.query_one("#clip-output", Input).value.strip()).expanduser()
        problem = self._output_problem(output)
        if problem is not None:
            self._refuse(problem, "#clip-output")
            return
        try:
            self._redactor_of(self.redactions)
        except ValueError as exc:
            self._refuse(f"redact: {exc}", "#clip-redact")
            return
        redact_texts, regexes = split_redactions(self.redactions)
        self.running = True
        self._say("starting…")
        start_clip(self, self._settings, self._make_target,
                   ClipRequest(self.kind, texts[0], texts[1], output, redact_texts, regexes, self.zone, self.download))

    def _output_problem(self, output: Path) -> str | None:
        if self.download:  # only a name: the browser saves it
            if output.suffix.lower() != SUFFIXES[self.kind]:
                return check_output(self.kind, output, [])
            return None if output.name and "/" not in str(output) else "give a file name, no folder"
        return check_output(self.kind, output, self.forbidden)

    def _refuse(self, problem: str, field: str) -> None:
        """A field's error said, and the focus on that field (to correct it)."""
        self._say(problem, error=True)
        self.query_one(field, Input).focus()

    def on_clip_progressed(self, message: ClipProgressed) -> None:
        if self.running:
            done = f" {message.fraction:.0%}" if message.fraction is not None else "…"
            self._say(STAGES.get(message.stage, message.stage) + done)

    def on_clip_written(self, message: ClipWritten) -> None:
        self.running = False
        self._close(message)

    def on_clip_refused(self, message: ClipRefused) -> None:
        from ..toast import toast

        self.running = False
        self._say(message.error, error=True)
        toast(self.app, message.error, title="Not written", severity="error", timeout=10)

    def _say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#clip-status", Label)
        status.update(Text(printable(text)))
        status.set_class(error, "dialog-error")

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "clip")  # it stops at its next stage, writing nothing
        self._close(None)

    def _close(self, result: ClipWritten | None) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(result)
