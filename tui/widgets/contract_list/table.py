"""The contract table: one DataTable for every contract, shown without adding a row."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from cairn.tui.widgets.common.one_line_table import OneLineTable

from .rows import COLUMN_BY_KEY, COLUMNS, ContractRow, View, layout, natural_widths, select


class ContractTable(OneLineTable):
    """Shows ``ContractRow`` objects; knows nothing of the database.

    ``set_rows`` takes the rows of a fresh load, ``set_view`` a new filter/sort/toggle; both
    hand the table the rows to show (``OneLineTable.show_rows``: nothing is added row by row,
    so 100,000 rows cost what a screenful does), keeping the cursor on the same contract.
    Column widths follow the widget's width: the least important columns drop out first and
    titles are truncated with an ellipsis. Cells are made when drawn; the last few thousand
    drawn are kept.
    """

    DEFAULT_CSS = """
    ContractTable {
        height: 1fr;
        /* The width never changes when the scrollbar appears, so columns are laid out once. */
        scrollbar-gutter: stable;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.open_contract", "Open contract", show=False,
                tooltip="Open the contract's board"),
    ]

    KEEP_CELLS = 4000  # rows whose cells stay made (a few pages either way)

    class SortRequested(Message):
        """A column header was clicked."""

        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=False)
        self.rows_all: list[ContractRow] = []
        self.shown: list[ContractRow] = []
        self.view = View()
        self.now: datetime | None = None  # countdowns count from here (None: each row's own instant)
        self._widths: dict[str, int] = {}
        self._natural_cache: dict[str, int] | None = None
        self._natural_later: dict[str, int] | None = None  # held by set_rows until widen
        self._hidden: int | None = None
        self._cell_keys: tuple[str, ...] = ()
        self._made: OrderedDict[int, list[Text]] = OrderedDict()

    # --- data in ---------------------------------------------------------------------------
    def set_rows(self, rows: list[ContractRow], *, natural: dict[str, int] | None = None,
                 shown: list[ContractRow] | None = None, hidden: int | None = None,
                 hold_widths: bool = False) -> None:
        """A fresh load. ``natural`` (the columns' widest values), ``shown`` (the rows of the
        current view) and ``hidden`` (how many the default view hides) may come worked out
        already, off the UI thread.

        ``hold_widths`` (with ``natural``): the columns keep their widths until ``widen``. New
        widths draw every line of the table again (the full list after its first page: 30-35 ms
        at 100,000 contracts); at the same widths the lines already drawn are kept."""
        self.rows_all = rows
        self._hidden = hidden
        self._made.clear()
        if (hold_widths and natural is not None and self._natural_cache is not None and self.columns
                and layout(self._available_width(), natural, padding=self.cell_padding) != self._widths):
            self._natural_later = natural
        else:
            self._natural_cache, self._natural_later = natural, None
        self._populate(relayout=True, shown=shown)

    @property
    def widths_held(self) -> bool:
        """``set_rows(hold_widths=True)`` kept widths that ``widen`` has still to change."""
        return self._natural_later is not None

    def widen(self) -> None:
        """The columns at the widths the rows call for, after ``set_rows`` held them."""
        natural, self._natural_later = self._natural_later, None
        if natural is not None and self.is_mounted:
            self._natural_cache = natural
            self._populate(relayout=True, shown=self.shown)  # the same rows, in wider columns

    def update_rows(self, rows: list[ContractRow], changed: set[int]) -> None:
        """Rows after a refresh in which only ``changed`` contracts differ: when they keep
        their places and fit the columns, only their cells are made again; otherwise the table
        is repopulated. Coming back from a board then costs a redraw, not 10,000 rows."""
        shown = select(rows, self.view)
        fits = bool(self.columns) and len(shown) == len(self.shown) and all(
            a.id == b.id for a, b in zip(shown, self.shown, strict=True))
        if fits and self._natural_cache is not None:
            fresh = natural_widths([r for r in rows if r.id in changed])
            fits = all(fresh.get(k, 0) <= v for k, v in self._natural_cache.items())
        if not fits:
            self.set_rows(rows)
            return
        self.rows_all, self.shown, self._hidden = rows, shown, None
        for cid in changed:
            self._made.pop(cid, None)
        self.show_rows(shown, _row_key, self._cells_of)

    @property
    def hidden_count(self) -> int:
        """How many rows the default view hides (ended or archived)."""
        if self._hidden is None:
            self._hidden = sum(r.hidden_by_default for r in self.rows_all)
        return self._hidden

    def set_now(self, now: datetime) -> None:
        """A later instant: countdowns are made again when next drawn."""
        self.now = now
        self._made.clear()
        self.refresh_rows()

    def set_view(self, view: View) -> None:
        self.view = view
        self._populate(relayout=False)

    @property
    def selected(self) -> ContractRow | None:
        if not self.shown or not (0 <= self.cursor_row < len(self.shown)):
            return None
        return self.shown[self.cursor_row]

    def select_contract(self, contract_id: int) -> bool:
        for index, row in enumerate(self.shown):
            if row.id == contract_id:
                self.move_cursor(row=index, animate=False)
                return True
        return False

    # --- cells -------------------------------------------------------------------------------
    def _cells_of(self, row: ContractRow) -> list[Text]:
        made = self._made.get(row.id)
        if made is None:
            cells = row.cells_at(self.now or row.summary.as_of)
            made = self._made[row.id] = [cells[k] for k in self._cell_keys]
            if len(self._made) > self.KEEP_CELLS:
                self._made.popitem(last=False)
        return made

    # --- layout --------------------------------------------------------------------------------
    def _available_width(self) -> int:
        width = self.scrollable_content_region.width
        if not width:
            # Not laid out yet (the first screenful is added before the first layout): the
            # table spans the screen less its scrollbar gutter. Guessing right means the
            # first frame is drawn once, not again after the first resize.
            width = self.app.size.width - self.styles.scrollbar_size_vertical
        return max(width, 20)

    def _natural(self) -> dict[str, int]:
        if self._natural_cache is None:
            self._natural_cache = natural_widths(self.rows_all)
        return self._natural_cache

    def _populate(self, *, relayout: bool, shown: list[ContractRow] | None = None) -> None:
        keep = self.selected.id if self.selected else None
        widths = layout(self._available_width(), self._natural(), padding=self.cell_padding)
        if relayout or widths != self._widths or not self.columns:
            self._widths = widths
            self.clear(columns=True)
            for col in COLUMNS:
                if col.key in widths:
                    label = Text(col.label, justify=col.justify, no_wrap=True, overflow="ellipsis")
                    self.add_column(label, width=widths[col.key], key=col.key)
        self.shown = shown if shown is not None else select(self.rows_all, self.view)
        keys = [c.key for c in COLUMNS if c.key in widths]
        if "status" not in widths:  # say "ended" / "archived" in the attention column instead
            keys = [k if k != "attention" else "attention+status" for k in keys]
        if "attention" in widths and widths["attention"] < self._natural().get("attention", 0):
            keys = [k + ":compact" if k.startswith("attention") else k for k in keys]  # glyphs only
        if tuple(keys) != self._cell_keys:
            self._cell_keys = tuple(keys)
            self._made.clear()
        self.show_rows(self.shown, _row_key, self._cells_of)
        if keep is None or not self.select_contract(keep):
            self.cursor_coordinate = Coordinate(0, 0)

    def on_resize(self, event: events.Resize) -> None:
        if self._natural_later is not None:  # the whole table is drawn again anyway
            self._natural_cache, self._natural_later = self._natural_later, None
        widths = layout(self._available_width(), self._natural(), padding=self.cell_padding)
        if (widths != self._widths or not self.columns) and self.rows_all:
            self._populate(relayout=True)

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        """Page-wise, like mutt with menu_scroll off: when the cursor leaves the visible rows
        the view jumps a page, so the cursor's row starts (or ends) it. Scrolling one line at
        a time redraws the whole table (about 11 KB) on every key; a page jump redraws it
        once per page, which is what matters over an SSH link."""
        if self.cursor_type != "row" or not self.row_count:
            super()._scroll_cursor_into_view(animate)
            return
        header = self.header_height if self.show_header else 0
        height = self.scrollable_content_region.height - header
        if height < 3:
            super()._scroll_cursor_into_view(animate)
            return
        # Every row is one line high: no need for DataTable's walk over all 10,000 rows.
        y, h = self.cursor_row + header, 1
        top = int(self.scroll_y) + header
        if top <= y and y + h <= top + height:
            return
        target = y - header if y >= top + height else y + h - height - header
        self.scroll_to(y=max(0, target), animate=False, force=True)

    def _set_hover_cursor(self, active: bool) -> None:
        # DataTable repaints the hover row on every key press even when the hover cursor is
        # already off: one row more than a cursor move needs to send over SSH.
        if active != self._show_hover_cursor:
            super()._set_hover_cursor(active)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        key = event.column_key.value
        if key in COLUMN_BY_KEY:
            self.post_message(self.SortRequested(key))


def _row_key(row: ContractRow) -> str:
    return str(row.summary.id)
