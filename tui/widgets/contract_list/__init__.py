"""The contract list's parts: the table, its rows, the earnings panel, and the data a worker loads
for them (``loading``)."""

from .earnings import EarningsPanel
from .rows import COLUMNS, ContractRow, View, build_row, select
from .table import ContractTable

__all__ = ["COLUMNS", "ContractRow", "ContractTable", "EarningsPanel", "View", "build_row", "select"]
