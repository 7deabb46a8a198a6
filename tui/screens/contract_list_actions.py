"""What the contract list's keys do: open a contract, its history, the forecast and clients
reports; create, archive, correct and delete contracts; filter and sort. Mixed into
``ContractListScreen``; the rules themselves are storage's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.widgets import Input

from cairn.tui import format as fmt
from cairn.tui.widgets.contract_list.rows import SORTABLE
from cairn.tui.worker import call_storage

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.tui.screens.contract_list import ContractListScreen

    _Base = ContractListScreen
else:
    _Base = object


def _edit(db, contract_id: int, *, clock: Clock, **fields):
    from cairn.storage import api

    return api.edit_contract(db, contract_id, clock=clock, **fields)


def archive(db, contract_id: int, archived: bool, *, clock: Clock):
    from cairn.storage import api

    return api.archive_contract(db, contract_id, archived=archived, clock=clock)


class ContractActions(_Base):
    """The list's actions on the selected contract, and on the view (filter, sort, toggle)."""

    def action_open_contract(self) -> None:
        row = self.table.selected
        if row is None:
            return
        from cairn.tui.screens.board_text import heading

        s = row.summary
        self.app.open_board(row.id, heading(s.title, s.client_name, is_open=s.status == "open", archived=s.archived,
                                            hourly=s.kind == "hourly"))

    def action_history(self) -> None:
        row = self.table.selected
        if row is not None:
            from cairn.tui.screens.history import HistoryScreen

            self.app.push_screen(HistoryScreen(row.id))

    def action_forecast(self) -> None:
        from cairn.tui.screens.forecast import ForecastScreen

        self.app.push_screen(ForecastScreen())

    def action_clients(self) -> None:
        from cairn.tui.screens.clients import ClientsScreen

        self.app.push_screen(ClientsScreen())

    def action_new_contract(self):
        from cairn.tui.screens.new_contract import NewContractScreen

        def created(contract_id: int | None) -> None:
            if contract_id is not None:
                self.reload(select=contract_id)

        # A title typed in a burst behind "n" waits in the key gate until the form is up.
        self.app.push_screen(NewContractScreen(), created)

    def action_archive_contract(self):
        row = self.table.selected
        if row is None:
            return
        s = row.summary
        title = fmt.plain(s.title, newlines=False)
        if s.archived:
            question = f"Bring “{title}” back from the archive?"
            detail = "It shows in the default list again."
        else:
            question = f"Archive “{title}”?"
            detail = ("It leaves the default list; nothing is deleted (C6). Press e to show archived "
                      "contracts, and a again to bring it back.")

        def answered(board) -> None:
            if board is not None:
                self._archived(board)

        from cairn.tui.dialogs import ConfirmDialog

        self.app.push_screen(ConfirmDialog(archive, s.id, question=question, detail=detail, records_time=False,
                                           ok_label="Bring back" if s.archived else "Archive",
                                           archived=not s.archived), answered)

    def action_edit_contract(self) -> None:
        row = self.table.selected
        if row is None:
            return
        from cairn.storage.queries.board import board

        # The contract as stored now (read off the event loop; the key gate holds keys typed
        # behind "i" until the dialog is up).
        call_storage(self, board, row.id, done=self._edit_dialog, group="edit")

    def _edit_dialog(self, b) -> None:
        from cairn.tui.dialogs import EditContractDialog

        if not b.contract.is_open:
            from cairn.storage import api

            call_storage(self, api.edit_contract, b.id, group="edit")  # storage says why (C5)
            return
        self.app.push_screen(EditContractDialog(_edit, b.id, info=b.contract, expect_version=b.contract.version),
                             lambda board: board is not None and self.reload(select=b.id))

    def action_delete_contract(self):
        row = self.table.selected
        if row is None:
            return None
        from cairn.tui.dialogs import ConfirmDialog
        from cairn.tui.screens.board_actions import delete_contract

        title = fmt.plain(row.summary.title, newlines=False)

        def deleted(result) -> None:
            if result:
                self.notify(f"“{title}” deleted.", markup=False)
                self.reload()

        self.app.push_screen(ConfirmDialog(
            delete_contract, row.id, question=f"Delete “{title}”?",
            detail="Its plan, drafts and history go with it; this can't be undone. Only a contract that never "
                   "moved money can be deleted (C6); archive any other.", ok_label="Delete", records_time=False),
            deleted)

    def _archived(self, board) -> None:
        info = board.contract
        what = "archived" if info.archived else "brought back from the archive"
        self.notify(f"“{fmt.plain(info.title, newlines=False)}” {what}.", markup=False)
        self.reload(select=info.id if not info.archived or self.view.show_all else None)

    def action_toggle_ended(self) -> None:
        self._set_view(replace(self.view, show_all=not self.view.show_all))

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        self.action_focus_table()

    def action_focus_table(self) -> None:
        # With no row shown, the note saying why takes the focus: left in the filter, the
        # screen's keys (n, e, q) would be typed as filter text.
        (self.table if self.table.display else self.query_one("#empty")).focus()

    def action_sort(self) -> None:
        order = (None, *SORTABLE)
        nxt = order[(order.index(self.view.sort) + 1) % len(order)]
        self._set_view(replace(self.view, sort=nxt, reverse=False))

    def action_reverse_sort(self) -> None:
        self._set_view(replace(self.view, reverse=not self.view.reverse))
