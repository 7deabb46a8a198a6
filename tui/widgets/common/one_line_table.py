"""A DataTable whose body cells are one line of rich ``Text``, drawn on a fast path, and whose
rows are not stored in the table at all: it shows a sequence the caller owns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._styles_cache import StylesCache
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets._data_table import Coordinate, RowKey, RowRenderables

from cairn.tui.widgets.common.row_views import (
    Data,
    IndexedKey,
    Locations,
    OrderedRows,
    Rows,
    StoreView,
)


class OneLineTable(DataTable):
    """``DataTable`` for tables whose body cells are one-line ``Text`` (the contract list, a
    board's plan).

    DataTable's general cell path (Padding inside Styled through Console.render_lines) costs
    ~0.5 ms a cell: most of the list's first frame, and of opening a board. Here a cell's text
    becomes segments directly, kept in a cache keyed by what the cell shows and how, so a table
    refilled with mostly the same rows (a plan move, a list refresh) draws only the cells that
    changed. DataTable's own caches are emptied on every clear and resize, which drew the first
    screen twice. The widget's style is worked out once a frame, not once a line (DataTable asks
    for it per line, and each time it walks every ancestor's styles).

    Rows are not added: ``show_rows`` hands the table a sequence and two functions (a row's key,
    its cells in column order), and the table asks for the rows it draws. DataTable keeps a
    ``Row``, a key and a dict of cells for every row, all built on the UI thread (100,000 rows
    froze the screen for seconds and took 150 MB); here showing a new list costs nothing
    whatever its length, and only the rows on screen are ever built. DataTable's ``rows``,
    ``_data``, ``_row_locations`` and ``ordered_rows`` become views of that sequence (``row_views``).
    """

    def __init__(self, *args, **kwargs) -> None:
        self._source: Sequence = ()
        self._row_key: Callable[[Any], str] = str
        self._row_cells: Callable[[Any], Sequence] = lambda row: ()
        self._index_by_key: dict[str, int] | None = None
        super().__init__(*args, **kwargs)
        self._cells_drawn: dict[tuple, list] = {}
        self._lines_drawn: dict[tuple, Strip] = {}
        self._drawn: dict[int, tuple] = {}  # row index -> what its cells showed when last drawn
        self._generation = 0  # bumped when the styles change: every cell is drawn anew
        self._frame_style: Style | None = None

    # --- the rows shown ----------------------------------------------------------------------
    def show_rows(self, rows: Sequence, key: Callable[[Any], str], cells: Callable[[Any], Sequence]) -> None:
        """Show ``rows``: ``key(row)`` names a row (unique), ``cells(row)`` its cells in column
        order (``Text``, or anything with ``__rich__``), asked for only when the row is drawn.

        When the table keeps its length and its columns (a plan move), only the lines in view
        whose cells changed are drawn again: see ``_lines_to_draw``."""
        drawn = self._lines_to_draw(rows, cells)
        self._source, self._row_key, self._row_cells = rows, key, cells
        self._index_by_key = None
        if drawn is None:
            self._clear_caches()
            self._drawn.clear()
            self._require_update_dimensions = True
        else:
            self._clear_caches_but_lines()
        self._update_count += 1
        for index, (row_cells, _changed) in (drawn or {}).items():  # the cells the lines drawn next ask for
            self._row_renderable_cache[(self._update_count, index)] = RowRenderables(None, row_cells)
        self.cursor_coordinate = self.cursor_coordinate  # clamped to the new length
        self.hover_coordinate = self.hover_coordinate
        self.check_idle()
        if drawn is None:
            self.refresh()
            if not any(column.auto_width for column in self.columns.values()):
                # The table's size now (one line a row, columns of set widths), not when idle:
                # the first screenful is shown before the first layout, and DataTable's idle
                # update (no new rows here: only the size) came after the first frame, with a
                # layout, then the scrollbar's, each drawing the whole table again.
                self._update_dimensions(())
                if not self.container_size and self.styles.overflow_y == "auto":
                    # Not laid out yet: a list longer than the terminal needs its scrollbar.
                    self.show_vertical_scrollbar = self.virtual_size.height > self.app.size.height
        for index, (_cells, changed) in (drawn or {}).items():
            if changed:
                self.refresh_row(index)

    def _lines_to_draw(self, rows: Sequence,
                       cells: Callable[[Any], Sequence]) -> dict[int, tuple[list, bool]] | None:
        """The rows in view after showing ``rows``: their new cells, and whether they look
        different from the cells shown there now. None (draw the whole table) unless the table
        keeps its length and its fixed-width columns.

        DataTable draws every line again after any change to its rows (``_clear_caches``, which
        ``update_cell`` also calls: Textualize/textual#3551; its caches are keyed by place, so it
        cannot tell which rows changed: #1483). A move in a plan of 1,000 filled the table's
        whole height with lines that had not changed, each through the styles of the widget."""
        if (not self.is_mounted or self._require_update_dimensions or len(rows) != len(self._source)
                or self.cursor_type != "row" or not self.columns
                or any(column.auto_width for column in self.columns.values())
                or self.fixed_rows or (self._labelled_row_exists and self.show_row_labels)):
            return None
        header = self.header_height if self.show_header else 0
        top = int(self.scroll_y)
        bottom = min(len(rows), top + max(0, self.scrollable_content_region.height - header))
        drawn: dict[int, tuple[list, bool]] = {}
        for index in range(top, bottom):
            new = list(cells(rows[index]))
            drawn[index] = (new, self._drawn.get(index) != tuple(_shown(cell) for cell in new))
        return drawn

    def _clear_caches_but_lines(self) -> None:
        """DataTable's caches of cells and rows, but not the widget's lines drawn (its styles
        cache): the lines that stay as they are are not drawn again (``_lines_to_draw``)."""
        lines, self._styles_cache = self._styles_cache, StylesCache()
        try:
            self._clear_caches()
        finally:
            self._styles_cache = lines

    def refresh_rows(self) -> None:
        """The rows' cells changed (not which rows are shown): draw them again."""
        self._drawn.clear()
        self._clear_caches()
        self._update_count += 1
        self.refresh()

    def clear(self, columns: bool = False):  # noqa: ANN201 - DataTable's signature
        self._source = ()
        self._index_by_key = None
        self._drawn.clear()
        return super().clear(columns)

    def _key_at(self, index: int) -> RowKey | None:
        if not 0 <= index < len(self._source):
            return None
        return IndexedKey(self._row_key(self._source[index]), index)

    def _index_of(self, key: object) -> int | None:
        if isinstance(key, IndexedKey) and key.index < len(self._source) and self._row_key(self._source[key.index]) == key:
            return key.index
        value = key.value if isinstance(key, RowKey) else key
        if not isinstance(value, str):  # the header's key (no value), asked about on every frame
            return None
        if self._index_by_key is None:  # a key from outside: look it up (built once per list)
            self._index_by_key = {self._row_key(row): i for i, row in enumerate(self._source)}
        return self._index_by_key.get(value)

    def _cells_at(self, index: int) -> Sequence:
        return self._row_cells(self._source[index])

    # DataTable's own storage, as views of the rows shown.
    rows = StoreView(Rows)
    _data = StoreView(Data)
    _row_locations = StoreView(Locations)

    @property
    def ordered_rows(self) -> OrderedRows:
        return OrderedRows(self, range(len(self._source)))

    @property
    def row_count(self) -> int:
        return len(self._source)

    def add_row(self, *cells, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise TypeError(f"{type(self).__name__} shows rows given to show_rows; it does not add them")

    def add_rows(self, rows):  # noqa: ANN001, ANN201
        raise TypeError(f"{type(self).__name__} shows rows given to show_rows; it does not add them")

    def _get_row_renderables(self, row_index: int) -> RowRenderables:
        if row_index < 0:
            return super()._get_row_renderables(row_index)
        key = (self._update_count, row_index)
        found = self._row_renderable_cache.get(key)
        if found is None:  # asked once per cell drawn: the row's cells are made once
            found = self._row_renderable_cache[key] = RowRenderables(None, list(self._cells_at(row_index)))
        return found

    def update_cell(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise TypeError(f"{type(self).__name__} draws the cells its rows give; change the rows and "
                        "call refresh_rows")

    # Every row is one line high: a row's region is found without summing the rows above it.
    def _get_row_region(self, row_index: int) -> Region:
        if not self.is_valid_row_index(row_index):
            return Region(0, 0, 0, 0)
        width = sum(c.get_render_width(self) for c in self.columns.values()) + self._row_label_column_width
        header = self.header_height if self.show_header else 0
        return Region(0, row_index + header, max(self.size.width, width), 1)

    def _get_cell_region(self, coordinate: Coordinate) -> Region:
        if not self.is_valid_coordinate(coordinate):
            return Region(0, 0, 0, 0)
        row_index, column_index = coordinate
        columns = self.ordered_columns
        x = sum(c.get_render_width(self) for c in columns[:column_index]) + self._row_label_column_width
        header = self.header_height if self.show_header else 0
        return Region(x, row_index + header, columns[column_index].get_render_width(self), 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()  # DataTable empties its caches: a class came or went
        self._generation += 1
        self._cells_drawn.clear()
        self._lines_drawn.clear()
        self._drawn.clear()

    def render_lines(self, crop):  # noqa: ANN001, ANN201 - Widget's signature
        self._frame_style = super().rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._frame_style = None

    @property
    def rich_style(self) -> Style:
        return self._frame_style if self._frame_style is not None else super().rich_style

    # Every row is one line high, so line y is row y. DataTable keeps a list of (row, line) pairs
    # for every line, rebuilt whenever the table changes: 10,000 pairs for the list, each time.
    @property
    def _y_offsets(self) -> list:
        return []

    @property
    def _total_row_height(self) -> int:
        return len(self._source)

    def _get_offsets(self, y: int):  # noqa: ANN202 - DataTable's signature
        if self.show_header:
            if y < self.header_height:
                return self._header_row_key, y
            y -= self.header_height
        if not 0 <= y < len(self._source):
            raise LookupError(f"no row at line {y}")
        return self._key_at(y), 0

    # DataTable keys its line cache with the cursor's place and a count bumped on every change, so a
    # cursor move or a refill (a plan move) drew every visible line again: ~0.7 ms a line, most of
    # a move's frame. Here a body line is kept by what it shows -- its cells, whether the cursor
    # or the hover is on it, where it is -- so only the lines that changed are drawn.
    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        index = y - (self.header_height if self.show_header else 0)
        if (index < 0 or index >= len(self._source) or self.cursor_type != "row" or self.fixed_rows
                or (self._labelled_row_exists and self.show_row_labels)):
            return super()._render_line(y, x1, x2, base_style)
        cells = self._get_row_renderables(index).cells
        if len(self._drawn) > 2_000:  # a long scroll through the list: keep the lines near view
            self._drawn.clear()  # (a row not found here is drawn again: never one too few)
        shown = self._drawn[index] = tuple(_shown(cell) for cell in cells)
        key = (y, x1, x2, self.size.width, base_style, shown,
               self.cursor_row == index, self.show_cursor, self.hover_row == index, self._show_hover_cursor,
               tuple(c.get_render_width(self) for c in self.ordered_columns), self.fixed_columns,
               self.zebra_stripes, self._pseudo_class_state, self._generation)
        lines = self._lines_drawn
        strip = lines.get(key)
        if strip is None:
            if len(lines) > 2_000:
                lines.clear()
            strip = lines[key] = super()._render_line(y, x1, x2, base_style)
        return strip

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False):  # noqa: ANN202 - DataTable's signature
        if row_index < 0 or column_index < 0:  # the header and row labels: DataTable's own path
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        _label, cells = self._get_row_renderables(row_index)
        cell = cells[column_index]
        if isinstance(cell, Text):
            text = cell
        else:
            text = cell.__rich__() if hasattr(cell, "__rich__") else Text(str(cell))
        # The row's place is in the key for the click metadata drawn into the cell.
        key = (_text_key(text), row_index, column_index, base_style, cursor, hover, self._show_hover_cursor, self._generation, self._pseudo_class_state,
               width)
        cache = self._cells_drawn
        if len(cache) > 20_000:
            cache.clear()
        lines = cache.get(key)
        if lines is None:
            component, post = self._get_styles_to_render_cell(
                False, False, row_index < self.fixed_rows or column_index < self.fixed_columns, hover, cursor,
                self.show_cursor, self._show_hover_cursor, self.cursor_foreground_priority == "css",
                self.cursor_background_priority == "css")
            pad = self.cell_padding
            inner = max(0, width - 2 * pad)
            text = text.copy()
            text.end = ""
            text.truncate(inner, overflow=text.overflow)
            # Alignment is padding outside the text, as DataTable draws it: a struck-through
            # title is struck, not the whole width of its cell.
            excess = max(0, inner - text.cell_len)
            left = excess if text.justify == "right" else excess // 2 if text.justify == "center" else 0
            console = self.app.console
            body = text.render(console)
            if text.style:  # Text.render draws the spans only; the text's own style goes under them
                body = Segment.apply_style(body, console.get_style(text.style))
            segments = [Segment(" " * (pad + left)), *body, Segment(" " * (excess - left + pad))]
            # With a row cursor the click metadata names the row alone: cells of one style then
            # merge into one run, and the terminal gets one colour code a run, not one a cell
            # (half the bytes of a cursor move over SSH).
            meta_column = 0 if self.cursor_type == "row" else column_index
            style = base_style + Style.from_meta({"row": row_index, "column": meta_column}) + component
            lines = [list(Segment.apply_style(segments, style, post))]
            cache[key] = lines
        return lines


def _text_key(text: Text) -> tuple:
    """What a cell's text looks like drawn: two texts with the same key draw the same."""
    return text.plain, tuple(text.spans), text.style, text.justify, text.overflow


def _shown(cell: object) -> object:
    if isinstance(cell, Text):
        return _text_key(cell)
    return _text_key(cell.__rich__()) if hasattr(cell, "__rich__") else str(cell)
