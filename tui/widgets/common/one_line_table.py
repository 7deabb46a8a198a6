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
    becomes segments directly, and is kept in a cache keyed by what it shows, emptied whenever
    the content may have changed (``_clear_caches``: clear, sort, new columns; ``update_cell``).
    DataTable's own cache is also emptied on every resize, which drew the first screen twice.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._cells_drawn: dict[tuple, list] = {}
        self._generation = 0  # bumped whenever what the cells show may have changed

    def _forget_cells(self) -> None:
        self._generation += 1
        self._cells_drawn.clear()

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._forget_cells()

    def notify_style_update(self) -> None:
        super().notify_style_update()  # DataTable empties its caches: a class came or went
        self._forget_cells()

    def update_cell(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - DataTable's signature
        self._forget_cells()
        super().update_cell(*args, **kwargs)

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False):  # noqa: ANN202 - DataTable's signature
        if row_index < 0 or column_index < 0:  # the header and row labels: DataTable's own path
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        key = (row_index, row_key, column_key, base_style, cursor, hover, self._show_hover_cursor,
               self._generation, self._pseudo_class_state, width)
        cache = self._cells_drawn
        if len(cache) > 20_000:
            cache.clear()
        lines = cache.get(key)
        if lines is None:
            _label, cells = self._get_row_renderables(row_index)
            cell = cells[column_index]
            if isinstance(cell, Text):
                text = cell
            else:
                text = cell.__rich__() if hasattr(cell, "__rich__") else Text(str(cell))
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
            style = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component
            lines = [list(Segment.apply_style(segments, style, post))]
            cache[key] = lines
        return lines
