"""DataTable's row stores, as views of the rows a ``OneLineTable`` shows (``show_rows``): the
table keeps no ``Row``, key or cell dict per row, and these stand in where DataTable reads them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from textual.widgets._data_table import Row, RowKey

if TYPE_CHECKING:
    from cairn.tui.widgets.common.one_line_table import OneLineTable


class IndexedKey(RowKey):
    """A row's key that knows the row's place, so finding the row again costs nothing."""

    def __init__(self, value: str, index: int) -> None:
        super().__init__(value)
        self.index = index


class Locations:
    """Stands in for DataTable's ``_row_locations`` (row key <-> index) over the shown rows."""

    def __init__(self, table: OneLineTable) -> None:
        self._table = table

    def get(self, key: RowKey | str) -> int | None:
        return self._table._index_of(key)

    def get_key(self, index: int) -> RowKey | None:
        return self._table._key_at(index)

    def __contains__(self, key: object) -> bool:
        return self._table._index_of(key) is not None

    def __iter__(self) -> Iterator[RowKey]:
        return (self._table._key_at(i) for i in range(len(self._table._source)))

    def __len__(self) -> int:
        return len(self._table._source)


class Rows(Locations):
    """Stands in for DataTable's ``rows`` (row key -> ``Row``): every row is one line high."""

    def get(self, key: RowKey | str, default: Any = None) -> Row | None:
        index = self._table._index_of(key)
        return default if index is None else Row(self._table._key_at(index), 1)

    def __getitem__(self, key: RowKey | str) -> Row:
        row = self.get(key)
        if row is None:
            raise KeyError(key)
        return row

    def keys(self) -> Iterator[RowKey]:
        return iter(self)

    def values(self) -> Iterator[Row]:
        return (Row(key, 1) for key in self)

    def clear(self) -> None:
        """``DataTable.clear`` empties it: the table's ``clear`` drops the rows shown."""


class Data(Locations):
    """Stands in for DataTable's ``_data`` (row key -> column key -> cell)."""

    def get(self, key: RowKey | str, default: Any = None) -> dict | None:
        index = self._table._index_of(key)
        if index is None:
            return default
        columns = [c.key for c in self._table.ordered_columns]
        return dict(zip(columns, self._table._cells_at(index), strict=False))

    def __getitem__(self, key: RowKey | str) -> dict:
        cells = self.get(key)
        if cells is None:
            raise KeyError(key)
        return cells

    def items(self) -> Iterator[tuple[RowKey, dict]]:
        return ((key, self[key]) for key in self)

    def clear(self) -> None:
        """See ``Rows.clear``."""


class StoreView:
    """One of DataTable's stores, as a view of the rows shown; DataTable's own assignments to
    it (when it starts and clears) are ignored."""

    def __init__(self, view: type) -> None:
        self._view = view

    def __get__(self, table: OneLineTable | None, owner: type) -> Any:
        return self if table is None else self._view(table)

    def __set__(self, table: OneLineTable, value: object) -> None:
        pass


class OrderedRows(Sequence):
    """Stands in for DataTable's ``ordered_rows`` (a list of every row, rebuilt on each change):
    rows are made when asked for, and a slice is a view, so walking a page costs a page."""

    def __init__(self, table: OneLineTable, span: range) -> None:
        self._table, self._span = table, span

    def __len__(self) -> int:
        return len(self._span)

    def __getitem__(self, at):  # noqa: ANN001, ANN204 - Sequence's signature
        if isinstance(at, slice):
            return OrderedRows(self._table, self._span[at])
        return Row(self._table._key_at(self._span[at]), 1)
