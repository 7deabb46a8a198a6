"""The contract table: one DataTable for every contract, repopulated in one go."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets._data_table import Row, RowKey

from cairn.tui.widgets.common.one_line_table import OneLineTable

from .rows import COLUMN_BY_KEY, COLUMNS, ContractRow, View, layout, natural_widths, select


class ContractTable(OneLineTable):
    """Shows ``ContractRow`` objects; knows nothing of the database.

    ``set_rows`` takes the rows of a fresh load, ``set_view`` a new filter/sort/toggle; both
    repopulate with one ``clear()`` and one ``add_rows()``, keeping the cursor on the same
    contract. Column widths follow the widget's width: the least important columns drop out
    first and titles are truncated with an ellipsis.
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
        self._widths: dict[str, int] = {}
        self._natural_cache: dict[str, int] | None = None
        self._cell_keys: tuple[str, ...] = ()

    # --- data in ---------------------------------------------------------------------------
    def set_rows(self, rows: list[ContractRow]) -> None:
        self.rows_all = rows
        self._natural_cache = None
        self._populate(relayout=True)

    def update_rows(self, rows: list[ContractRow], changed: set[int]) -> None:
        """Rows after a refresh in which only ``changed`` contracts differ: when they keep
        their places and fit the columns, only their cells are replaced; otherwise the table
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
        self.rows_all, self.shown = rows, shown
        column_keys = tuple(c.key.value for c in self.ordered_columns)
        for row in rows:
            if row.id in changed:
                self._data[RowKey(str(row.id))] = row.table_cells(self._cell_keys, column_keys)
        self._clear_caches()
        self.refresh()

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

    def _populate(self, *, relayout: bool) -> None:
        keep = self.selected.id if self.selected else None
        widths = layout(self._available_width(), self._natural(), padding=self.cell_padding)
        if relayout or widths != self._widths or not self.columns:
            self._widths = widths
            self.clear(columns=True)
            for col in COLUMNS:
                if col.key in widths:
                    label = Text(col.label, justify=col.justify, no_wrap=True, overflow="ellipsis")
                    self.add_column(label, width=widths[col.key], key=col.key)
        else:
            self.clear()
        self.shown = select(self.rows_all, self.view)
        keys = [c.key for c in COLUMNS if c.key in widths]
        if "status" not in widths:  # say "ended" / "archived" in the attention column instead
            keys = [k if k != "attention" else "attention+status" for k in keys]
        self._cell_keys = tuple(keys)
        self._add_rows_at_once(self.shown, keys)
        if keep is not None:
            self.select_contract(keep)

    def _add_rows_at_once(self, rows: list[ContractRow], keys: list[str]) -> None:
        """``add_rows`` for many one-line rows: the same bookkeeping as ``DataTable.add_row``,
        done once for the whole batch instead of once per row (10,000 rows in ~50 ms, not ~1 s).
        Cells are ``Cell`` objects, drawn (and built) only when they scroll into view."""
        column_keys = tuple(c.key.value for c in self.ordered_columns)
        cell_keys = tuple(keys)
        start = len(self.rows)
        locations, data, table_rows = self._row_locations, self._data, self.rows
        for index, row in enumerate(rows, start):
            row_key = RowKey(str(row.id))
            locations[row_key] = index
            data[row_key] = row.table_cells(cell_keys, column_keys)
            table_rows[row_key] = Row(row_key, 1)
        if not rows:
            return
        self._require_update_dimensions = True
        self._update_count += 1
        self.cursor_coordinate = self.cursor_coordinate
        if start == 0 and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self.check_idle()

    def on_resize(self, event: events.Resize) -> None:
        widths = layout(self._available_width(), self._natural(), padding=self.cell_padding)
        if (widths != self._widths or not self.columns) and self.rows_all:
            self._populate(relayout=True)

    # --- DataTable internals: widths are fixed, so skip measuring every cell ---------------------
    def _update_dimensions(self, new_rows) -> None:  # noqa: ANN001 - DataTable's signature
        """Every column has a fixed width and every row is one line high, so the virtual size
        is known without measuring 100,000 cells (DataTable's default)."""
        if self.columns and not any(c.auto_width for c in self.columns.values()):
            header = self.header_height if self.show_header else 0
            width = sum(c.get_render_width(self) for c in self.columns.values())
            self.virtual_size = Size(width, len(self.rows) + header)
            return
        super()._update_dimensions(new_rows)

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        """Page-wise, like mutt with menu_scroll off: when the cursor leaves the visible rows
        the view jumps a page, so the cursor's row starts (or ends) it. Scrolling one line at
        a time redraws the whole table (about 11 KB) on every key; a page jump redraws it
        once per page, which is what matters over an SSH link."""
        if self.cursor_type != "row" or not self.rows:
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
