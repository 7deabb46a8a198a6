"""The plan in order, in one DataTable, with draft markers and drag-to-reorder.

A drag starts only after the pointer moves ``DRAG_THRESHOLD`` rows from where the button
went down, so a click stays a click. While dragging, the table has the class
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

from cairn.storage.diff import PlanRow
from cairn.storage.queries import due_instant
from cairn.tui.format import money
from cairn.tui.widgets.common.one_line_table import OneLineTable

from ._text import clean

DRAG_THRESHOLD = 2
COLUMNS = (("mark", ""), ("pos", "#"), ("title", "Milestone"), ("amount", "Amount"), ("due", "Due"),
           ("state", "State"))
_MARKS = (("added", "+"), ("edited", "~"), ("moved", "↕"), ("deleted", "✗"))


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

    DEFAULT_CSS = """
    PlanTable {
        /* The width stays the same when the scrollbar appears, so the columns fit once. */
        scrollbar-gutter: stable;
    }
    """

    # --- showing -----------------------------------------------------------------
    def show(self, plan: list[PlanRow], currency: str, now: datetime, *, follow: str | None = None) -> None:
        keep = follow or self.selected_key
        self.rows_shown = list(plan)
        self._currency, self._now = currency, now
        rows = [self._cells(pr) for pr in plan]
        # Every column but the title is as wide as its widest cell; the title gets the rest,
        # so nothing is cut off and no horizontal scrollbar appears.
        widths = [max([cell_len(label)] + [r[i].cell_len for r in rows]) for i, (_, label) in enumerate(COLUMNS)]
        available = self.scrollable_content_region.width or self.size.width or 80
        widths[2] = max(10, available - sum(widths) + widths[2] - 2 * self.cell_padding * len(COLUMNS))
        if widths != self._widths:
            self._widths = widths
            self.clear(columns=True)
            for (key, label), width in zip(COLUMNS, widths, strict=True):
                self.add_column(label, key=key, width=width)
        else:
            self.clear()
        for pr, cells in zip(plan, rows, strict=True):
            cells[2].truncate(widths[2], overflow="ellipsis")
            self.add_row(*cells, key=pr.key)
        if keep is not None:
            index = next((i for i, pr in enumerate(plan) if pr.key == keep), None)
            if index is not None:
                self.move_cursor(row=index, animate=False)

    def on_resize(self) -> None:
        if self.rows_shown and self._now is not None:
            self.show(self.rows_shown, self._currency, self._now)

    @property
    def selected(self) -> PlanRow | None:
        if not self.rows_shown or not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row]

    @property
    def selected_key(self) -> str | None:
        row = self.selected
        return row.key if row else None

    def _mark(self, pr: PlanRow) -> Text:
        return Text("".join(g for name, g in _MARKS if name in pr.marks), style="bold")

    def _cells(self, pr: PlanRow) -> list[Text]:
        r = pr.row
        deleted = "deleted" in pr.marks
        style = "dim" if (pr.locked or deleted) else ""
        if deleted:
            style += " strike"
        title = Text(clean(r.title), style=style, no_wrap=True)
        due = Text("", style=style)
        if r.due_date is not None:
            due.append(r.due_date.isoformat())
            live = r.state in ("future", "active", "submitted") and not deleted
            if live and self._now is not None and due_instant(r.due_date) <= self._now:
                due.append(" ⚠ overdue", style="bold")
        if pr.locked:
            state = Text(f"🔒 {r.state}", style="dim")
        elif deleted:
            state = Text("to delete", style="dim")
        else:
            state = Text(r.state)
        pos = Text("" if pr.position is None else str(pr.position), style=style)
        return [self._mark(pr), pos, title, Text(money(r.amount_minor, self._currency), style=style,
                                                  justify="right"), due, state]

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
        if self._drop is not None and self._drop < len(self.rows_shown):
            old = self.rows_shown[self._drop]
            self.update_cell(old.key, "mark", self._mark(old))
        self._drop = target
        if target is not None:
            self.update_cell(self.rows_shown[target].key, "mark", Text("▶", style="bold reverse"))
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
