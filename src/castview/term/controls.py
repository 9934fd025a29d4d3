"""Every control character and escape code the terminal acts on, by name.

The parser's dispatch tables are keyed by these names, never by bare literals (pyte's
``control.py``/``escape.py`` are the model). What each code does is tmux 3.3a's
behaviour (``input.c``); codes tmux parses and ignores are listed too, so that the
difference between "ignored on purpose" and "unknown" is written down.
"""

from __future__ import annotations

# ----------------------------------------------------------------- C0 controls

#: *Null*: ignored.
NUL = "\x00"
#: *Bell*: ignored (castview makes no sound); also ends an OSC string.
BEL = "\x07"
#: *Backspace*: one column left; at column 0, up onto a row that wrapped.
BS = "\x08"
#: *Horizontal tab*: to the next tab stop (or the last column).
HT = "\x09"
#: *Line feed*: down one row, scrolling at the bottom of the scroll region.
LF = "\x0a"
#: *Vertical tab*: same as :data:`LF`.
VT = "\x0b"
#: *Form feed*: same as :data:`LF`.
FF = "\x0c"
#: *Carriage return*: to column 0.
CR = "\x0d"
#: *Shift out*: the G1 character set becomes active.
SO = "\x0e"
#: *Shift in*: the G0 character set becomes active.
SI = "\x0f"
#: *Cancel*: aborts the sequence being parsed.
CAN = "\x18"
#: *Substitute*: same as :data:`CAN`.
SUB = "\x1a"
#: *Escape*: starts an escape sequence.
ESC = "\x1b"
#: *Delete*: ignored everywhere.
DEL = "\x7f"

# ------------------------------------------------- ESC finals (``ESC`` + final)

#: *Control sequence introducer*: ``ESC [``.
CSI_INTRODUCER = "["
#: *Operating system command*: ``ESC ]`` starts an OSC string (titles, hyperlinks...).
OSC_INTRODUCER = "]"
#: *Device control string*: ``ESC P`` starts a DCS (sixel, tmux passthrough, queries).
DCS_INTRODUCER = "P"
#: *Start of string*: ``ESC X`` starts an SOS string, always ignored.
SOS_INTRODUCER = "X"
#: *Privacy message*: ``ESC ^`` starts a PM string, always ignored.
PM_INTRODUCER = "^"
#: *Application program command*: ``ESC _`` starts an APC string (kitty graphics).
APC_INTRODUCER = "_"
#: tmux's *rename* string ``ESC k title ST`` (screen's window title), ignored.
RENAME_INTRODUCER = "k"
#: *String terminator*: ``ESC \\`` ends any string.
ST_FINAL = "\\"

#: *Save cursor* (DECSC): position, attributes, character sets, origin mode.
DECSC = "7"
#: *Restore cursor* (DECRC).
DECRC = "8"
#: *Index*: same as :data:`LF`.
IND = "D"
#: *Next line*: carriage return and line feed.
NEL = "E"
#: *Horizontal tab set* at the cursor's column.
HTS = "H"
#: *Reverse index*: up one row, scrolling down at the top of the scroll region.
RI = "M"
#: *Reset to initial state* (tmux keeps the title and the alternate screen).
RIS = "c"
#: *Keypad application mode*: affects input only, ignored.
DECKPAM = "="
#: *Keypad numeric mode*: affects input only, ignored.
DECKPNM = ">"

#: ESC finals that only end the sequence (they change nothing on the screen).
ESC_IGNORED = frozenset({DECKPAM, DECKPNM, ST_FINAL})

# ``ESC`` + intermediate + final

#: *Select character set* for G0: ``ESC ( final``.
SCS_G0 = "("
#: *Select character set* for G1: ``ESC ) final``.
SCS_G1 = ")"
#: Character set final: DEC special graphics (line drawing).
CHARSET_DEC_GRAPHICS = "0"
#: Character set final: US ASCII.
CHARSET_ASCII = "B"
#: Intermediate of the DEC line-attribute and alignment sequences: ``ESC # final``.
DEC_HASH = "#"
#: *Screen alignment display* (DECALN): ``ESC # 8`` fills the screen with ``E``.
DECALN = "8"

# ---------------------------------------------------- CSI finals (``ESC [`` ...)

#: *Insert characters* (ICH).
ICH = "@"
#: *Cursor up* (CUU).
CUU = "A"
#: *Cursor down* (CUD).
CUD = "B"
#: *Cursor forward* (CUF).
CUF = "C"
#: *Cursor back* (CUB).
CUB = "D"
#: *Cursor next line* (CNL): column 0, down n.
CNL = "E"
#: *Cursor previous line* (CPL): column 0, up n.
CPL = "F"
#: *Cursor horizontal absolute* (CHA).
CHA = "G"
#: *Cursor position* (CUP).
CUP = "H"
#: *Erase in display* (ED).
ED = "J"
#: *Erase in line* (EL).
EL = "K"
#: *Insert lines* (IL).
IL = "L"
#: *Delete lines* (DL).
DL = "M"
#: *Delete characters* (DCH).
DCH = "P"
#: *Scroll up* (SU).
SU = "S"
#: *Scroll down* (SD).
SD = "T"
#: *Erase characters* (ECH).
ECH = "X"
#: *Cursor backward tabulation* (CBT).
CBT = "Z"
#: *Horizontal position absolute* (HPA): same as :data:`CHA`.
HPA = "`"
#: *Repeat* the last printed character (REP).
REP = "b"
#: *Device attributes* (DA, and DA2 with ``>``): a query, ignored.
DA = "c"
#: *Vertical position absolute* (VPA).
VPA = "d"
#: *Horizontal and vertical position* (HVP): same as :data:`CUP`.
HVP = "f"
#: *Tab clear* (TBC).
TBC = "g"
#: *Set mode* (SM; DECSET with ``?``).
SM = "h"
#: *Reset mode* (RM; DECRST with ``?``).
RM = "l"
#: *Select graphic rendition* (SGR); with ``>`` xterm's modifyOtherKeys, ignored.
SGR = "m"
#: *Device status report* (DSR): a query, ignored.
DSR = "n"
#: *Request mode* (DECRQM, with ``$`` or ``?$``): a query, ignored.
DECRQM = "p"
#: *Set cursor style* (DECSCUSR, with a space); with ``>`` XTVERSION, a query.
DECSCUSR = "q"
#: *Set top and bottom margins* (DECSTBM).
DECSTBM = "r"
#: *Save cursor* (SCOSC): same as :data:`DECSC`.
SCOSC = "s"
#: *Window manipulation* (XTWINOPS): only the title stack (22/23) matters.
XTWINOPS = "t"
#: *Restore cursor* (SCORC): same as :data:`DECRC`.
SCORC = "u"

# CSI prefixes and intermediates (the parser joins a prefix and intermediates into one key)

#: Private-mode prefix: ``CSI ? ...``.
PRIVATE = "?"
#: Secondary prefix: ``CSI > ...``.
SECONDARY = ">"
#: Intermediate of DECRQM: ``CSI ... $ p``.
DOLLAR = "$"
#: Intermediate of DECSCUSR: ``CSI ... SP q``.
SPACE = " "

# -------------------------------------------------------------- mode numbers

#: SM 4: *insert mode* (IRM).
IRM = 4
#: DECSET 3: 132-column mode; tmux does not resize, it homes and clears.
DECCOLM = 3
#: DECSET 6: *origin mode* (DECOM): rows count from the top margin.
DECOM = 6
#: DECSET 7: *autowrap* (DECAWM).
DECAWM = 7
#: DECSET 25: *cursor visible* (DECTCEM).
DECTCEM = 25
#: DECSET 47/1047: the alternate screen.
ALT_SCREEN = 47
ALT_SCREEN_1047 = 1047
#: DECSET 1049: the alternate screen, saving and restoring the cursor.
ALT_SCREEN_SAVE_CURSOR = 1049
#: The three alternate screen modes.
ALT_SCREEN_MODES = frozenset({ALT_SCREEN, ALT_SCREEN_1047, ALT_SCREEN_SAVE_CURSOR})
#: Mouse tracking modes: setting one clears the others.
MOUSE_X10 = 1000
MOUSE_HILITE = 1001
MOUSE_BUTTON = 1002
MOUSE_ANY = 1003
MOUSE_MODES = frozenset({MOUSE_X10, MOUSE_HILITE, MOUSE_BUTTON, MOUSE_ANY})
#: DECSET 2004: bracketed paste; line editors (readline, zle, fish) set it while they
#: read a command line and reset it when the line is accepted.
BRACKETED_PASTE = 2004
#: Private modes tmux 3.3a tracks (cursor keys, origin, autowrap, blinking and visible
#: cursor, mouse modes, focus events, UTF-8 and SGR mouse, bracketed paste); others,
#: e.g. ?5 reverse video, are ignored.
KNOWN_PRIVATE_MODES = frozenset({1, DECOM, DECAWM, 12, DECTCEM, MOUSE_X10, MOUSE_BUTTON, MOUSE_ANY,
                                 1004, 1005, 1006, BRACKETED_PASTE})

# ------------------------------------------------------------ OSC and XTWINOPS

#: OSC 0: set the icon name and the window title.
OSC_ICON_AND_TITLE = 0
#: OSC 2: set the window title.
OSC_TITLE = 2
#: XTWINOPS 22: push the title on the title stack.
XTWINOPS_PUSH_TITLE = 22
#: XTWINOPS 23: pop the title from the title stack.
XTWINOPS_POP_TITLE = 23
#: How many parameters follow each XTWINOPS operation that takes some (tmux skips them
#: for operations it does not do: move, resize, maximize, fullscreen).
XTWINOPS_ARGS = {3: 2, 4: 2, 8: 2, 9: 1, 10: 1, XTWINOPS_PUSH_TITLE: 1, XTWINOPS_POP_TITLE: 1}

# ------------------------------------------------ string sequences, by kind

#: The kinds of string sequences whose contents never reach the screen, as the parser
#: reports them to a screen observer (see ``observer.ScreenObserver.string_started``).
STRING_DCS = "DCS"
STRING_OSC = "OSC"
STRING_APC = "APC"
STRING_PM = "PM"
STRING_SOS = "SOS"
STRING_RENAME = "rename"
STRING_KINDS = frozenset({STRING_DCS, STRING_OSC, STRING_APC, STRING_PM, STRING_SOS, STRING_RENAME})
