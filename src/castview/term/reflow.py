"""Resizing like a tmux pane with ``history-limit 0``: the main screen's wrapped rows reflow.

This is tmux's screen_resize_cursor (reflow, eat_empty=1, cursor=1), screen_resize_y and
grid_reflow. A row's content is its first ``used`` cells (tmux's cellused). Rows a
reflow pushes above the screen are kept in ``hidden_rows``, so a later reflow can bring
their text back, as tmux's history would.
"""

from __future__ import annotations

from pyte.screens import Char, Margins

from .cells import BLANK, cell_width, data_of
from .grid import Grid
from .widths import char_width


class ReflowScreen(Grid):
    """Resizing and reflow."""

    alt_saved: tuple | None  # the main screen while the alternate one is shown

    def resize(self, lines: int | None = None, columns: int | None = None) -> None:
        """Resize like a tmux pane (history-limit 0): reflow the main screen."""
        rows = max(1, int(lines or self.lines))
        cols = max(1, int(columns or self.columns))
        if rows == self.lines and cols == self.columns:
            return
        self._resize(cols, rows, reflow=self.alt_saved is None)
        self.dirty.update(range(self.lines))

    def _resize(self, cols: int, rows: int, reflow: bool) -> None:
        """tmux screen_resize_cursor(reflow, eat_empty=1, cursor=1)."""
        cur = self.cursor
        hsize = len(self.hidden_rows)
        cx, cy = cur.x, hsize + cur.y
        old_cols = self.columns
        if cols != old_cols:
            self.tabstops = set(range(8, cols, 8))
        else:
            reflow = False
        if rows != self.lines:
            cy = self._resize_y(rows, cy)
        # width: grow/shrink every row (cells beyond the width are dropped)
        if cols != old_cols:
            self.columns = cols
            if reflow:
                cx, cy = self._reflow(cols, old_cols, cx, cy)
            else:
                for row in self.buffer:
                    fit_row(row, cols)
                self.used = [min(u, cols) for u in self.used]
        hsize = len(self.hidden_rows)
        if cy >= hsize:
            cur.x, cur.y = cx, cy - hsize
        else:
            cur.x = cur.y = 0
        if cur.y > self.lines - 1:
            cur.y = self.lines - 1

    def _resize_y(self, rows: int, cy: int) -> int:
        """tmux screen_resize_y without history: to shrink, delete the rows
        below the cursor, then rows from the top; to grow, add blank rows."""
        old = self.lines
        y = self.cursor.y
        if rows < old:
            needed = old - rows
            available = old - 1 - y
            if available > 0:
                available = min(available, needed)
                # grid_view_delete_lines(old - available, available)
                self._grid_clear_lines(old - available, available, BLANK)
            else:
                available = 0
            needed -= available
            available = y
            if needed > 0 and available > 0:
                available = min(available, needed)
                # grid_view_delete_lines(0, available)
                self._move_lines(0, available, old - available, BLANK)
                self._grid_clear_lines(old - available, available, BLANK)
                cy -= available
            del self.buffer[rows:], self.wrapped[rows:], self.used[rows:]
        else:
            cols = len(self.buffer[0]) if self.buffer else self.columns
            for _ in range(rows - old):
                self.buffer.append([BLANK] * cols)
                self.wrapped.append(False)
                self.used.append(0)
        self.lines = rows
        self.margins = Margins(0, rows - 1)
        return cy

    def _reflow(self, cols: int, old_cols: int, cx: int, cy: int) -> tuple[int, int]:
        """Re-wrap hidden and visible rows to *cols* (tmux grid_reflow)."""
        src_rows = [r for r, _, _ in self.hidden_rows] + self.buffer
        src_wrapped = [w for _, w, _ in self.hidden_rows] + self.wrapped
        src_used = [u for _, _, u in self.hidden_rows] + self.used
        # cursor -> position in the unwrapped text (grid_wrap_position)
        ax = ay = 0
        for yy in range(cy):
            if src_wrapped[yy]:
                ax += src_used[yy]
            else:
                ax = 0
                ay += 1
        wx = -1 if cx >= src_used[cy] else ax + cx
        wy = ay
        rows, wrapped, used = reflow_rows(src_rows, src_wrapped, src_used, cols)
        sy = self.lines
        if len(rows) < sy:
            for _ in range(sy - len(rows)):
                rows.append([])
                wrapped.append(False)
                used.append(0)
        # grid_unwrap_position
        total = len(rows)
        yy = 0
        ay = 0
        while yy < total - 1:
            if ay == wy:
                break
            if not wrapped[yy]:
                ay += 1
            yy += 1
        if wx == -1:
            while wrapped[yy] and yy < total - 1:
                yy += 1
            wx = used[yy]
        else:
            while wrapped[yy] and yy < total - 1:
                if wx < used[yy]:
                    break
                wx -= used[yy]
                yy += 1
        for row in rows:
            fit_row(row, cols)
        # A wide character wider than the screen can leave more cells than
        # columns (tmux keeps them off screen; castview drops them).
        used = [u if u <= cols else cols for u in used]
        hsize = total - sy
        self.hidden_rows = list(zip(rows[:hsize], wrapped[:hsize], used[:hsize], strict=False))
        self.buffer = rows[hsize:]
        self.wrapped = wrapped[hsize:]
        self.used = used[hsize:]
        return wx, yy


def fit_row(row: list[Char], cols: int) -> None:
    """Pad with blanks or cut *row* in place to *cols* cells."""
    n = len(row)
    if n < cols:
        row.extend([BLANK] * (cols - n))
    elif n > cols:
        del row[cols:]


def reflow_rows(rows: list[list[Char]], wrapped: list[bool], used: list[int],  # noqa: C901 - a port of tmux grid_reflow, kept in its shape to compare with tmux
                sx: int) -> tuple[list[list[Char]], list[bool], list[int]]:
    """tmux grid_reflow: re-wrap *rows* (full cell lists) to width *sx*.

    A row's content is its first ``used`` cells (tmux's cellused); rows moved
    across unchanged keep their other cells too, as tmux moves whole lines.
    Rows of narrow cells (see ``_widths``) are measured and cut by slicing rather
    than cell by cell, so a full screen reflows in milliseconds.
    """
    src = list(rows)
    src_used = list(used)
    flags = list(wrapped)
    total = len(src)
    dead = [False] * total
    out_rows: list[list[Char]] = []
    out_wrapped: list[bool] = []
    out_used: list[int] = []

    def move(yy: int) -> None:
        out_rows.append(list(src[yy]))
        out_wrapped.append(flags[yy])
        out_used.append(src_used[yy])
        dead[yy] = True

    def join(yy: int, width: int, already: bool) -> None:
        if not already:
            move(yy)
        to = len(out_rows) - 1
        target = out_rows[to]
        at = out_used[to]
        n_lines = 0
        is_wrapped = True
        want = 0
        from_idx = -1
        while yy + 1 + n_lines != total:
            line = yy + 1 + n_lines
            if not flags[line]:
                is_wrapped = False
            if src_used[line] == 0:
                if not is_wrapped:
                    break
                n_lines += 1
                continue
            cells = src[line]
            fit, fit_width = _fit(cells, src_used[line], sx - width)
            if not fit:
                break
            width += fit_width
            _put(target, at, cells[:fit])
            at += fit
            from_idx = line
            want = fit
            n_lines += 1
            if not is_wrapped or want != src_used[line] or width == sx:
                break
        if at > out_used[to]:
            out_used[to] = at
        if n_lines == 0:
            return
        left = src_used[from_idx] - want if from_idx >= 0 else 0
        if left != 0:
            src[from_idx] = src[from_idx][want:want + left]
            src_used[from_idx] = left
            n_lines -= 1
        elif not is_wrapped:
            out_wrapped[to] = False
        for i in range(yy + 1, yy + 1 + n_lines):
            dead[i] = True

    def split(yy: int, at: int, widths: list[int] | None) -> None:
        cells = src[yy]
        u = src_used[yy]
        flag = flags[yy]
        out_rows.append(cells[:at])
        out_wrapped.append(True)
        out_used.append(at)
        if widths is None:  # rows of sx cells, the last one shorter (or empty)
            rest = [cells[i:min(i + sx, u)] for i in range(at, u, sx)] or [[]]
            width = len(rest[-1])
        else:
            rest = []
            cur: list[Char] = []
            width = 0
            for i in range(at, u):
                cw = widths[i]
                if width + cw > sx:
                    rest.append(cur)
                    cur = []
                    width = 0
                width += cw
                cur.append(cells[i])
            rest.append(cur)
        for cur in rest:
            out_rows.append(cur)
            out_wrapped.append(True)
            out_used.append(len(cur))
        out_wrapped[-1] = flag
        dead[yy] = True
        if width < sx and flag:
            join(yy, width, True)

    for yy in range(total):
        if dead[yy]:
            continue
        u = src_used[yy]
        widths = _widths(src[yy], u)
        if widths is None:
            width = u
            at = sx
        else:
            at = width = 0
            for i in range(u):
                cw = widths[i]
                if at == 0 and width + cw > sx:
                    at = i
                width += cw
        if width == sx:
            move(yy)
        elif width > sx:
            split(yy, at, widths)
        elif flags[yy]:
            join(yy, width, False)
        else:
            move(yy)
    return out_rows, out_wrapped, out_used


def _widths(cells: list[Char], used: int) -> list[int] | None:
    """The width tmux gives each of the first *used* cells, or None when every one holds
    one character one column wide (most rows: then widths are counts)."""
    texts = list(map(data_of, cells[:used]))
    text = "".join(texts)
    if len(text) == used and "" not in texts and (text.isascii() or _all_narrow(set(text))):
        return None
    return list(map(cell_width, cells[:used]))


def _all_narrow(chars: set[str]) -> bool:
    return not any(char_width(ch) == 2 for ch in chars if ch >= "\x80")


def _fit(cells: list[Char], used: int, room: int) -> tuple[int, int]:
    """How many of the first *used* cells, taken in order, fit in *room* columns, and
    their width."""
    widths = _widths(cells, used)
    if widths is None:
        n = min(used, room)
        return n, n
    width = 0
    for i, cw in enumerate(widths):
        if width + cw > room:
            return i, width
        width += cw
    return used, width


def _put(row: list[Char], x: int, cells: list[Char]) -> None:
    """Write *cells* into *row* from column *x*, growing it as needed."""
    if x > len(row):
        row.extend([BLANK] * (x - len(row)))
    row[x:x + len(cells)] = cells
