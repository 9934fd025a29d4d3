"""Commands typed at a shell prompt, inferred from the screen of a replay.

A recording holds output only, so a command is what a shell's line editor showed when
the line was accepted. The editor tells when it reads a line:

* **bracketed paste**: readline (bash >= 5.1), zle (zsh) and fish turn DECSET 2004 on
  while they read a line and off when it is accepted (Enter) or given up (ctrl-c). A
  password prompt, ``cat`` reading stdin, ``less`` or ``vim`` never turn it on, so what
  is typed there is never taken for a command, and a ``cat`` of a file holding
  ``$ rm -rf /`` is output, not a prompt.
* **shell-integration marks** (OSC 133 / 633 ``A`` prompt start, ``B`` prompt end,
  ``C`` command executed, ``D`` finished), when a shell sends them: ``B`` places the end
  of the prompt exactly, ``C`` submits.
* **keys** (``i`` events), when a recording kept them and the shell gave neither sign:
  Enter submits the row it was pressed on, read after the echo, when the row starts with a
  prompt ending in a sigil (``$ # % ❯`` and a space) of the shape of the session's first
  one; its end is when typing resumed.

While the editor reads, the *anchor* is where the prompt ends: the cursor at the end of
the first event after the editor started that left text before the cursor (a prompt is
printed before the user can type). At submission the command is the text from the anchor
to the end of the anchor's row, plus the rows wrapped onto (a long line) and the rows
down to the cursor's (lines the editor itself broke); its rows are found by identity
(``screen.buffer`` rows keep theirs while they scroll). Then:

* a line ending in ``^C`` (the tty's echo of ctrl-c) is **abandoned**;
* bash's ``(reverse-i-search)`...': LINE`` shows the found line: LINE is the command;
* a prompt drawn right below a command that had no output, whose text looks like a
  continuation prompt (``> ``, zsh's ``for> ``), continues it (PS2): the lines are joined;
* an empty line is no command;
* the alternate screen shown before the next prompt marks the command ``fullscreen``.

Fish draws its autosuggestion after the cursor in another colour and erases it when the
line is accepted; cells after the cursor that still carry the suggestion's colour
(a dim/grey foreground different from the typed text's) are dropped all the same.

Where this can be fooled is written down in the README ("Commands").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from pyte.screens import Char

from ..cast.model import INPUT, Event
from ..cast.reader import CastHead, EventScanner
from ..term.cells import data_of
from ..term.keyframes import apply
from ..term.modes import private
from ..term.observer import ScreenObserver, observe
from ..term.render import clean_cell
from ..term.screen import Terminal
from .model import Command

# A continuation prompt: bash's "> ", zsh's "for> ", "dquote> ", "cmdand> "...
_PS2 = re.compile(r"^(?:[a-z]+ ?)*> ?$")
# Prompts of programs that are not shells but read lines with readline (python's REPL)
_NOT_SHELL = re.compile(r"^(?:>>>|\.\.\.) ?$")
_REVERSE_SEARCH = re.compile(r"^\((?:reverse|i|failed reverse)-i?-?search\)`[^']*': ?")
_CWD = re.compile(r"(?:^|[\s:@\[(])((?:~|/)[^\s\])$#%>❯]*)")
_INTERRUPT = "^C"
# A row holding a prompt and a command, for keys without an editor's signs: the prompt
# ends in a shell's sigil and a space ("alice@web-1:~$ ", "root@db:/# ", "% ", "❯ ")
_KEYED_PROMPT = re.compile(r"^((?:\S(?:.*?\S)?)?[$#%❯] )(.*)$")
CURSOR_KEYS = 1  # DECCKM
OSC_KEPT = 4096  # characters of an OSC string kept: marks and paths are short
CHECK_EVERY = 256  # events between cancellation checks
RIGHT_GAP = 2  # blank cells at least between the prompt and a right prompt
REANCHOR_ROWS = 8  # rows above the cursor where a prompt is looked for after a resize
SPILL_KEPT = 1 << 20  # characters kept of a line's rows that scrolled off while it was typed
# Colours fish gives an autosuggestion (its default fish_color_autosuggestion is 555 or brblack)
_SUGGESTION_FG = frozenset({"brightblack", "555555", "8a8a8a", "808080", "767676", "6c6c6c", "585858", "4e4e4e"})


def _text(cells: list[Char]) -> str:
    datas = list(map(data_of, cells))
    text = "".join(datas)
    # (most rows: one printable ASCII character per cell, which clean_cell keeps as it is)
    if len(text) == len(datas) and text.isascii() and text.isprintable() and "" not in datas:
        return text
    return "".join([clean_cell(c) if c else "" for c in datas])


@dataclass
class _Draft:
    """A submitted command whose end (the next prompt) is not known yet."""

    time: float
    lines: list[str]
    prompt: str
    cwd: str | None
    abandoned: bool
    last_row: list[Char] | None  # the command's last screen row, while it is on screen
    base: int  # virtual line number of that row (rows scrolled off + its row)
    first_row: list[Char]  # the screen row of its first line
    row: int  # that row's number at `time`
    col: int  # the column the command begins at
    fullscreen: bool = False
    end: float | None = None  # (from keys only) when typing resumed after it

    def done(self, end: float | None, output_lines: int) -> Command:
        # exact times: rounded down, the frame at the time could lack the line's last key
        return Command(self.time, "\n".join(self.lines), self.prompt, self.cwd, end, max(output_lines, 0),
                       self.fullscreen, self.abandoned, self.row, self.col)


@dataclass
class _Editor:
    """A line editor reading a line."""

    top: list[Char]  # the row the editor started on (a prompt of several rows starts there)
    time: float  # when it started: the end of the command before
    output_lines: int  # the command before's output lines, counted then
    anchor: tuple[list[Char], int] | None = None  # the row and column where the prompt ends
    prompt: str = ""
    prompt_cells: str = ""  # the prompt's cells, as text, on the anchor's row
    prompt_rows: list[str] = field(default_factory=list)
    continues: bool = False
    keypad: bool = False  # cursor-key mode was on when the prompt was anchored
    right: tuple[int, str] | None = None  # a right prompt on the anchor's row: its column, text


class CommandWatch(ScreenObserver):
    """Follows one terminal and lists the commands typed at its shell prompts.

    Use as: ``watch = CommandWatch(term)`` (it becomes an observer of the screen), then for
    each event :meth:`feed` (or, when the caller applies events itself, :meth:`before`,
    apply, :meth:`after`), then :meth:`finish` for the list."""

    def __init__(self, term: Terminal, no_pty: bool = False) -> None:
        self._term = term
        self._no_pty = no_pty
        observe(term.screen, self)
        self.commands: list[Command] = []
        self._now = 0.0
        self._before_time = 0.0  # the latest event time before the current event's
        self._editor: _Editor | None = None
        self._draft: _Draft | None = None
        self._scrolled = 0  # main-screen rows scrolled off the top so far
        self._osc: list[str] | None = None
        self._osc_length = 0
        self._hint = 0  # the row _row_index found last
        self._signalled = False  # the shell's editor said when it reads (2004 or OSC 133)
        self._keyed_shape: tuple[str, str] | None = None  # of the first prompt keys submitted at
        self._keyed: tuple[list[Char], bool] | None = None  # the row Enter or ctrl-c was pressed on
        self._keyed_echo = False  # an event after those keys was applied
        self._osc_cwd: str | None = None
        self._submitted_rows: list[tuple[list[Char], str]] = []  # rows of the last submitted line
        self._size = (term.cols, term.rows)
        self._anchor_row: int | None = None  # the prompt's row before the current event
        self._submitted_at: int | None = None  # the row of the line submitted, before the event
        # the line's rows that scrolled off the top while it was typed (a line longer than
        # the screen), as text from the prompt's end, and whether the last of them wrapped
        self._spilled: list[str] | None = None
        self._spilled_length = 0
        self._spill_wrapped = False

    # ------------------------------------------------------------------ events

    def feed(self, event: Event) -> None:
        self.before(event.time)
        if event.code == INPUT:
            self.keys(event.data)
        apply(self._term, event, self._no_pty)
        self.after()

    def keys(self, data: str) -> None:
        """Keys the recording holds (an ``i`` event), for a shell whose editor gives no
        sign (no bracketed paste, no OSC 133): Enter submits the cursor's row, read once
        the output after the keys echoed them, as a prompt ending in a shell's sigil and
        the command after it; ctrl-c gives it up."""
        if self._keyed is not None:
            self._keyed_line()
        if self._signalled or self._term.alternate:
            return
        if self._draft is not None and self._draft.end is None:
            self._draft.end = self._now  # typing again: the command ended by now, at the latest
        enter, interrupt = data.find("\r"), data.find("\x03")
        if enter < 0 and interrupt < 0:
            return
        _, y, _ = self._term.cursor
        self._keyed = (self._term.screen.buffer[y], interrupt >= 0 and (enter < 0 or interrupt < enter))
        self._keyed_echo = False

    def _keyed_line(self) -> None:
        """The row Enter (or ctrl-c) was pressed on, now that it shows what was typed."""
        if self._keyed is None:
            return
        (row, interrupted), self._keyed = self._keyed, None
        y = self._row_index(row)
        if y is None or self._signalled:
            return
        text = _text(row).rstrip()
        if text.endswith(_INTERRUPT):
            text, interrupted = text[: -len(_INTERRUPT)].rstrip(), True
        found = _KEYED_PROMPT.match(text)
        if found is None or not found.group(2).strip():
            return
        prompt, line = found.group(1).strip(), found.group(2).strip()
        # the shape of the session's first prompt: what comes before its first ":", "~",
        # "/", space or "[" (user@host), and its sigil; a row of another shape is output
        shape = (re.split(r"[:~/ \[]", prompt, maxsplit=1)[0], prompt[-1])
        if self._keyed_shape is None:
            self._keyed_shape = shape
        elif shape != self._keyed_shape:
            return
        self._close_keyed()
        self._draft = _Draft(self._now, [line], prompt, _cwd([prompt]), interrupted, row, self._scrolled + y, row, y,
                             len(found.group(1)))

    def _close_keyed(self) -> None:
        draft, self._draft = self._draft, None
        if draft is not None:
            self.commands.append(draft.done(draft.end, 0))

    def before(self, time: float) -> None:
        """An event at *time* is about to be applied."""
        if time != self._now:
            # the frame at a time shows every event up to it: a line submitted at the
            # time before is shown by that frame now
            self._before_time, self._now = self._now, time
            self._submitted_rows = []
        editor = self._editor
        self._anchor_row = None if editor is None or editor.anchor is None else self._row_index(editor.anchor[0])

    def after(self) -> None:
        """The event has been applied: the screen shows its result."""
        term = self._term
        if self._keyed is not None:
            if self._keyed_echo:
                self._keyed_line()
            self._keyed_echo = True  # the event of the keys themselves showed nothing yet
        if (term.cols, term.rows) != self._size:
            self._size = (term.cols, term.rows)
            self._reanchor()
        if self._submitted_rows:
            # the frame at the submit time must still show the line: else the event
            # before's time is the moment to show
            rows = {id(r) for r in term.screen.buffer}
            if self._draft is not None and (term.alternate or any(
                    id(row) not in rows or _text(row) != text for row, text in self._submitted_rows)):
                self._draft.time = self._before_time
                if self._draft.first_row is self._submitted_rows[0][0] and self._submitted_at is not None:
                    self._draft.row = self._submitted_at
                self._submitted_rows = []
        editor = self._editor
        if editor is None or term.alternate:
            return
        x, y, _ = term.cursor
        x = min(x, term.cols)
        row = term.screen.buffer[y]
        if editor.anchor is None:
            if _text(row[:x]).strip():
                self._anchor(editor, row, x)
            return
        anchor_row, anchor_x = editor.anchor
        prompt = editor.prompt_cells
        # (the first cell first: an event costs no more than that unless the row starts so)
        if row is anchor_row or not prompt.startswith(_text(row[:1])) or _text(row[:anchor_x]) != prompt:
            return
        if y and term.screen.wrapped[y - 1]:
            return  # typed text wrapped onto the row: it only reads like the prompt
        anchor_y = self._row_index(anchor_row)
        if anchor_y is None or _text(anchor_row[:anchor_x]) != editor.prompt_cells:
            # the prompt left its row and is on the cursor's (ctrl-l cleared the screen
            # and the editor drew it again at the top): the same line goes on there
            self._anchor(editor, row, anchor_x)
        elif anchor_y < y:
            # the same prompt again below, and bracketed paste never went off: fish after
            # ctrl-c ("^C", a new prompt); the line above was given up
            self._submitted(until=y)
            self._editor = _Editor(row, self._now, self._output_lines(y))
            self._anchor(self._editor, row, anchor_x)

    def finish(self) -> list[Command]:
        """The recording ended: the command still running has no end."""
        if not self._signalled:
            self._keyed_line()
            self._close_keyed()
        if self._draft is not None:
            self.commands.append(self._draft.done(None, self._output_lines(None)))
            self._draft = None
        return self.commands

    # ------------------------------------------------------------- screen hooks

    def scrolled_off(self, row: list[Char], wrapped: bool) -> None:
        if self._term.screen.alt_saved is not None:
            return
        self._scrolled += 1
        editor = self._editor
        if editor is None or editor.anchor is None:
            return
        if row is editor.anchor[0]:
            self._spilled, self._spilled_length = [], 0
            self._spill(_text(row[editor.anchor[1]:]), wrapped)
        elif self._spilled is not None:
            self._spill(("" if self._spill_wrapped else "\n") + _text(row), wrapped)

    def _spill(self, text: str, wrapped: bool) -> None:
        assert self._spilled is not None
        if self._spilled_length < SPILL_KEPT:
            self._spilled.append(text)
            self._spilled_length += len(text)
        self._spill_wrapped = wrapped

    def row_renewed(self, old: list[Char], new: list[Char]) -> None:
        # the same screen line goes on in the fresh row (bash's \r ESC[K redraw of its prompt)
        editor = self._editor
        if editor is not None:
            if editor.anchor is not None and editor.anchor[0] is old:
                editor.anchor = (new, editor.anchor[1])
            if editor.top is old:
                editor.top = new
        draft = self._draft
        if draft is not None:
            if draft.first_row is old:
                draft.first_row = new
            if draft.last_row is old:
                draft.last_row = new

    def entering_alternate(self) -> None:
        if self._draft is not None:
            self._draft.fullscreen = True

    def bracketed_paste(self, on: bool) -> None:
        self._signalled = True
        if on:
            self._editor_started()
        else:
            self._submitted()

    def string_started(self, kind: str) -> None:
        self._osc = [] if kind == "OSC" else None
        self._osc_length = 0

    def string_data(self, data: str) -> None:
        if self._osc is not None and self._osc_length < OSC_KEPT:
            self._osc.append(data)
            self._osc_length += len(data)

    def string_ended(self) -> None:
        if self._osc is None:
            return
        body, self._osc = "".join(self._osc), None
        number, _, rest = body.partition(";")
        if number in ("133", "633"):
            self._signalled = True
            mark = rest[:1]
            if mark == "A":
                self._editor_started()
            elif mark == "B":
                if self._editor is None:
                    self._editor_started()
                if self._editor is not None and not self._term.alternate:
                    x, y, _ = self._term.cursor
                    self._anchor(self._editor, self._term.screen.buffer[y], min(x, self._term.cols))
            elif mark == "C":
                self._submitted()
        elif number == "7":
            path = re.sub(r"^file://[^/]*", "", rest)
            self._osc_cwd = path or None

    # ---------------------------------------------------------------- inference

    def _row_index(self, row: list[Char] | None) -> int | None:
        """Where *row* is on the screen now (None: gone). Rows seldom move between two
        questions, so the last answer is tried first: most events cost no search."""
        if row is None:
            return None
        buffer = self._term.screen.buffer
        hint = self._hint
        if hint < len(buffer) and buffer[hint] is row:
            return hint
        for y, r in enumerate(buffer):
            if r is row:
                self._hint = y
                return y
        return None

    def _editor_started(self) -> None:
        if self._term.alternate:
            return
        if self._editor is not None:
            if self._editor.anchor is None:
                return
            self._submitted()  # started again without the line accepted: given up
        term = self._term
        x, y, _ = term.cursor
        self._editor = _Editor(term.screen.buffer[y], self._now, self._output_lines(y))

    def _anchor(self, editor: _Editor, row: list[Char], x: int) -> None:
        buffer = self._term.screen.buffer
        y = self._row_index(row)
        top = self._row_index(editor.top)
        if y is None:
            return
        if top is None or top > y:
            top = y
        editor.anchor = (row, x)
        self._spilled = None
        editor.keypad = private(CURSOR_KEYS) in self._term.screen.mode
        editor.prompt_cells = _text(row[:x])
        editor.prompt = editor.prompt_cells.strip()
        after = _text(row[x:])
        right = after.lstrip(" ")
        if right.strip() and len(after) - len(right) >= RIGHT_GAP:
            # text drawn with the prompt, away from it: a right prompt (zsh's RPROMPT)
            editor.right = (x + len(after) - len(right), right.rstrip())
        editor.prompt_rows = [_text(buffer[k]).rstrip() for k in range(top, y)] + [editor.prompt]
        draft = self._draft
        if draft is None:
            return
        if not (draft.abandoned or draft.fullscreen) and _PS2.match(editor.prompt) and top == y \
                and draft.last_row is not None and self._row_index(draft.last_row) == y - 1:
            editor.continues = True  # a continuation line (PS2) of the command before
        else:
            self._draft = None
            self.commands.append(draft.done(editor.time, editor.output_lines))

    def _reanchor(self) -> None:
        """The window was resized: rows were rebuilt (reflowed), so the prompt is found
        again by its text, on the cursor's row or one of the few above it."""
        editor = self._editor
        if editor is None or editor.anchor is None or self._row_index(editor.anchor[0]) is not None:
            return
        buffer = self._term.screen.buffer
        _, cy, _ = self._term.cursor
        x = editor.anchor[1]
        for y in range(min(cy, len(buffer) - 1), max(cy - REANCHOR_ROWS, -1), -1):
            if _text(buffer[y][:x]) == editor.prompt_cells:
                editor.anchor = (buffer[y], x)
                return
        editor.anchor = None  # lost: the next event that leaves text before the cursor

    def _submitted(self, until: int | None = None) -> None:
        """The line was accepted (or given up): it ends above row *until* if given."""
        editor, self._editor = self._editor, None
        if editor is None or editor.anchor is None or self._term.alternate:
            return
        start = self._line_start(editor.anchor)
        if start is None:
            return
        row, y, x, spilled = start
        screen = self._term.screen
        _, cy, _ = self._term.cursor
        last = y
        while last + 1 < screen.lines and screen.wrapped[last]:
            last += 1
        # rows the editor broke itself (a multi-line buffer) reach down to the cursor's row
        # or, after the newline that accepted the line, to the one above it
        bottom = max(last, cy - 1 if cy > y and not _text(screen.buffer[cy]).strip() else cy)
        if until is not None:
            bottom = min(bottom, until - 1)
        rows = list(range(y, bottom + 1))
        pieces: list[str] = []
        for k in rows:
            cells = screen.buffer[k]
            # a row below the prompt's goes on with the line unless it starts blank under
            # the prompt's width (fish's next line of a multi-line command): soft-wrapped,
            # or wrapped by the editor itself (zsh rewrites the row it wrapped onto, which
            # loses the flag)
            joined = k > y and (screen.wrapped[k - 1] or bool(_text(cells[:x]).strip()))
            if k == y and editor.right is not None and _text(cells[editor.right[0]:]).rstrip() == editor.right[1]:
                cells = cells[:editor.right[0]]  # the right prompt is still there
            if k == y or (not joined and not _text(cells[:x]).strip()):
                # the first row starts after the prompt; fish starts the lines of a
                # multi-line command below it too, under the prompt's blank width
                cells = cells[x:]
            # (a wrapped row is taken to its edge: the blank it may end with was typed)
            text = _text(_without_suggestion(cells))
            if joined:
                pieces[-1] += text
            else:
                pieces.append(text)
        if spilled is not None:
            pieces[:1] = ["".join(spilled) + "".join(("" if self._spill_wrapped else "\n", *pieces[:1]))]
        line = "\n".join(piece.rstrip() for piece in pieces).rstrip()
        self._submitted_rows = [(screen.buffer[k], _text(screen.buffer[k])) for k in rows]
        # zle turns cursor-key mode (DECCKM) on while it reads and off before it accepts a
        # line; interrupted, it leaves it on (and its tty echoes no ^C)
        abandoned = line.endswith(_INTERRUPT) or (editor.keypad and private(CURSOR_KEYS) in screen.mode)
        if line.endswith(_INTERRUPT):
            line = line[: -len(_INTERRUPT)].rstrip()
        searched = _REVERSE_SEARCH.match(_text(screen.buffer[y]))
        if searched:
            line = _text(screen.buffer[y])[searched.end():].rstrip()
        last_row = screen.buffer[bottom]
        base = self._scrolled + bottom
        self._submitted_at = self._anchor_row
        draft = self._draft
        if draft is not None and editor.continues:
            draft.lines.append(line)
            draft.time, draft.last_row, draft.base = self._now, last_row, base
            draft.abandoned = abandoned
            first = self._row_index(draft.first_row)
            draft.row = first if first is not None else y
            return
        if draft is not None:  # never anchored: ends where the editor started
            self._draft = None
            self.commands.append(draft.done(editor.time, editor.output_lines))
        if not line.strip() or _NOT_SHELL.match(editor.prompt):
            return
        cwd = self._osc_cwd or _cwd(editor.prompt_rows)
        self._draft = _Draft(self._now, [line], "\n".join(r for r in editor.prompt_rows if r.strip()),
                             cwd, abandoned, last_row, base, row, y, x)

    def _line_start(self, anchor: tuple[list[Char], int]) -> tuple[list[Char], int, int, list[str] | None] | None:
        """Where the submitted line begins on screen (row, its index, column) and the part
        of it that scrolled off above; None if the line is gone."""
        row, x = anchor
        y = self._row_index(row)
        spilled, self._spilled = self._spilled, None
        if y is not None:
            return row, y, x, spilled
        if spilled is None:
            return None
        # the prompt scrolled off under a line longer than the screen: the line is what
        # scrolled off from the prompt's end on, and goes on from the top row
        return self._term.screen.buffer[0], 0, 0, spilled

    def _output_lines(self, prompt_row: int | None) -> int:
        draft = self._draft
        if draft is None:
            return 0
        if prompt_row is None:
            prompt_row = self._term.cursor[1]
        return self._scrolled + prompt_row - draft.base - 1


def _without_suggestion(cells: list[Char]) -> list[Char]:
    """*cells* without a trailing run in an autosuggestion's colour (fish)."""
    end = len(cells)
    while end and data_of(cells[end - 1]) in (" ", ""):
        end -= 1
    start = end
    while start and cells[start - 1].fg in _SUGGESTION_FG:
        start -= 1
    if start < end and (start == 0 or cells[start - 1].fg not in _SUGGESTION_FG):
        return cells[:start]
    return cells


def _cwd(prompt_rows: list[str]) -> str | None:
    for text in reversed(prompt_rows):
        m = _CWD.search(text)
        if m:
            return m.group(1).rstrip(":")
    return None


class ScanCancelled(Exception):
    """A scan for commands was cancelled."""


def scan_commands(f: BinaryIO, head: CastHead, cancelled: Callable[[], bool] | None = None) -> list[Command]:
    """The commands of a whole recording, by a pass of its own. Raises ScanCancelled
    when *cancelled()* turns true (asked every CHECK_EVERY events)."""
    term = Terminal(head.header.size.cols, head.header.size.rows)
    watch = CommandWatch(term, head.header.no_pty)
    for n, located in enumerate(EventScanner(f, head)):
        if cancelled is not None and n % CHECK_EVERY == CHECK_EVERY - 1 and cancelled():
            raise ScanCancelled()
        watch.feed(located.event)
    return watch.finish()
