"""A DataTable whose body cells are one line of rich ``Text``, drawn on a fast path."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable


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
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._cells_drawn: dict[tuple, list] = {}
        self._generation = 0  # bumped when the styles change: every cell is drawn anew
        self._frame_style: Style | None = None

    def notify_style_update(self) -> None:
        super().notify_style_update()  # DataTable empties its caches: a class came or went
        self._generation += 1
        self._cells_drawn.clear()

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
        return len(self.rows)

    def _get_offsets(self, y: int):  # noqa: ANN202 - DataTable's signature
        if self.show_header:
            if y < self.header_height:
                return self._header_row_key, y
            y -= self.header_height
        if not 0 <= y < len(self.rows):
            raise LookupError(f"no row at line {y}")
        return self._row_locations.get_key(y), 0

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
        key = (text.plain, tuple(text.spans), text.style, text.justify, text.overflow, row_index, column_index,
               base_style, cursor, hover, self._show_hover_cursor, self._generation, self._pseudo_class_state,
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
