"""The plan in order, in one DataTable, with draft markers and drag-to-reorder.

A drag starts when the pointer, button down, reaches another row (``DRAG_THRESHOLD``): a
drop onto the adjacent row moves the milestone; a click (press and release on one row) stays a
click. While dragging, the table has the class
``-dragging`` and the drop row shows ``▶`` and the cursor (styled as the drop target).
On release the table posts ``PlanTable.Dragged``; the screen answers it with the same
code path as ``shift+up`` / ``shift+down``.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.message import Message

from cairn.storage.dates import is_overdue
from cairn.storage.diff import PlanRow
from cairn.tui.format import money
from cairn.tui.widgets.common.one_line_table import OneLineTable

from ._text import clean

DRAG_THRESHOLD = 1
COLUMNS = (("mark", ""), ("pos", "#"), ("title", "Milestone"), ("amount", "Amount"), ("due", "Due"),
           ("state", "State"))
_MARKS = (("added", "+"), ("edited", "~"), ("moved", "↕"), ("deleted", "✗"))


def _mark_text(marks: frozenset[str]) -> str:
    return "".join(g for name, g in _MARKS if name in marks)


def _state_text(pr: PlanRow) -> str:
    if pr.locked:
        return f"🔒 {pr.row.state}"
    return "to delete" if "deleted" in pr.marks else pr.row.state


_EMPTY = Text(no_wrap=True, end="")


def _key(pr: PlanRow) -> str:
    return pr.key


class PlanTable(OneLineTable):
    ALLOW_SELECT = False

    class Dragged(Message):
        """A row was dragged onto another row (keys of both)."""

        def __init__(self, table: PlanTable, key: str, target_key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key
            self.target_key = target_key

        @property
        def control(self) -> PlanTable:
            return self.table

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.rows_shown: list[PlanRow] = []
        self._currency = "USD"
        self._now: datetime | None = None
        self._press: tuple[int, int] | None = None  # (row, screen_y) of the mouse down
        self._dragging = False
        self._drop: int | None = None
        self._just_dragged = False
        self._widths: list[int] = []
        self._available = 0  # the width the columns were fitted to

    DEFAULT_CSS = """
    PlanTable {
        /* The width stays the same when the scrollbar appears, so the columns fit once. */
        scrollbar-gutter: stable;
    }
    """

    # --- showing -----------------------------------------------------------------
    def show(self, plan: list[PlanRow], currency: str, now: datetime, *, follow: str | None = None) -> None:
        """Show a plan. The columns are as wide as their widest values, worked out from the
        milestones without making a cell; cells are made for the rows drawn only, so a plan of
        1,000 milestones shows as fast as one of 12."""
        keep = follow or self.selected_key
        self.rows_shown = list(plan)
        self._currency, self._now = currency, now
        self._drop = None
        # Every column but the title is as wide as its widest cell; the title gets the rest,
        # so nothing is cut off and no horizontal scrollbar appears.
        widths = [cell_len(label) for _, label in COLUMNS]
        # The marks column keeps room for one mark: the first move of a draft (or the move back)
        # then leaves every column where it was, and only the rows that changed are drawn again.
        widths[0] = 1
        if plan:
            marks = {pr.marks for pr in plan}
            widths[0] = max(widths[0], *(cell_len(_mark_text(m)) for m in marks))
            widths[1] = max(widths[1], *(len(str(pr.position)) for pr in plan if pr.position is not None), 0)
            widths[3] = max(widths[3], cell_len(money(max(pr.row.amount_minor for pr in plan), currency)),
                            cell_len(money(min(pr.row.amount_minor for pr in plan), currency)))
            # Whether a due date is overdue is worked out once per distinct date and state, not per row.
            dated = {(pr.row.due_date, pr.row.state, "deleted" in pr.marks) for pr in plan
                     if pr.row.due_date is not None}
            dues = {(d, not deleted and is_overdue(state, d, now)) for d, state, deleted in dated}
            widths[4] = max(widths[4], *(cell_len(d.isoformat() + (" ⚠ overdue" if late else "")) for d, late in dues),
                            0)
            states = {_state_text(pr) for pr in plan}
            widths[5] = max(widths[5], *(cell_len(text) for text in states))
        available = self._available = self._width_for_columns()
        widths[2] = max(10, available - sum(widths) + widths[2] - 2 * self.cell_padding * len(COLUMNS))
        if widths != self._widths:
            self._widths = widths
            self.clear(columns=True)
            for (key, label), width in zip(COLUMNS, widths, strict=True):
                self.add_column(label, key=key, width=width)
        self.show_rows(self.rows_shown, _key, self._cells)
        index = None
        if keep is not None:
            index = next((i for i, pr in enumerate(plan) if pr.key == keep), None)
        self.move_cursor(row=index if index is not None else 0, animate=False)

    def on_resize(self) -> None:
        # Only the width sets the columns: a plan area that grows or shrinks in height (another
        # contract's panels beside it) draws the rows now in view from the rows already shown.
        if self.rows_shown and self._now is not None and self._width_for_columns() != self._available:
            self.show(self.rows_shown, self._currency, self._now)
        elif self.rows_shown:
            self.move_cursor(row=self.cursor_row, animate=False)  # still in view, if it was

    def _width_for_columns(self) -> int:
        return self.scrollable_content_region.width or self.size.width or 80

    @property
    def selected(self) -> PlanRow | None:
        if not self.rows_shown or not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row]

    @property
    def selected_key(self) -> str | None:
        row = self.selected
        return row.key if row else None

    def _overdue(self, pr: PlanRow) -> bool:
        r = pr.row
        return "deleted" not in pr.marks and self._now is not None and is_overdue(r.state, r.due_date, self._now)

    def _cells(self, pr: PlanRow) -> list[Text]:
        r = pr.row
        deleted = "deleted" in pr.marks
        style = "dim" if (pr.locked or deleted) else ""
        if deleted:
            style += " strike"
        title = Text(clean(r.title), style=style, no_wrap=True)
        title.truncate(self._widths[2], overflow="ellipsis")
        due = Text("", style=style)
        if r.due_date is not None:
            due.append(r.due_date.isoformat())
            if self._overdue(pr):
                due.append(" ⚠ overdue", style="bold not dim")  # on a locked row too: never grey
        state = Text(_state_text(pr), style="" if not (pr.locked or deleted) else "dim")
        pos = Text("" if pr.position is None else str(pr.position), style=style)
        mark = Text("▶", style="bold reverse") if self._drop is not None and 0 <= self._drop < len(
            self.rows_shown) and self.rows_shown[self._drop] is pr else Text(_mark_text(pr.marks), style="bold")
        cells = [mark, pos, title, Text(money(r.amount_minor, self._currency), style=style, justify="right"), due,
                 state]
        # An empty cell is drawn unstyled, as DataTable draws its own empty cells.
        return [cell if cell else _EMPTY for cell in cells]

    # --- dragging ------------------------------------------------------------------
    def _row_at(self, screen_y: int, *, clamp: bool = False) -> int | None:
        top = self.content_region.y + (self.header_height if self.show_header else 0)
        index = screen_y - top + int(self.scroll_y)
        if clamp and self.rows_shown:
            return max(0, min(index, len(self.rows_shown) - 1))
        return index if 0 <= index < len(self.rows_shown) else None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self._just_dragged = False
        if event.button != 1:
            return
        row = self._row_at(event.screen_y)
        self._press = None if row is None else (row, event.screen_y)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._press is None:
            return
        row, start_y = self._press
        if not self._dragging:
            if abs(event.screen_y - start_y) < DRAG_THRESHOLD:
                return
            self._dragging = True
            self.capture_mouse()
            self.add_class("-dragging")
        self._set_drop(self._row_at(event.screen_y, clamp=True))

    def _set_drop(self, target: int | None) -> None:
        if target == self._drop:
            return
        self._drop = target
        self.refresh_rows()
        if target is not None:
            self.move_cursor(row=target, animate=False)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        press, dragging, drop = self._press, self._dragging, self._drop
        self._press = None
        if not dragging:
            return
        self._set_drop(None)
        self._dragging = False
        self._just_dragged = True
        self.release_mouse()
        self.remove_class("-dragging")
        if press is not None and drop is not None and drop != press[0]:
            self.move_cursor(row=press[0], animate=False)
            self.post_message(self.Dragged(self, self.rows_shown[press[0]].key, self.rows_shown[drop].key))

    def _on_click(self, event: events.Click) -> None:
        # Runs before DataTable's own handler (Textual walks the MRO): a drag's release is no click.
        if self._just_dragged:
            self._just_dragged = False
            event.prevent_default()
