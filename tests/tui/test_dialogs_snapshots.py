"""Snapshots of each board dialog at 80x24 and 120x36."""

from __future__ import annotations

import pytest

from cairn.storage import api
from tests.tui.test_board_snapshots import SIZES, board_at

DIALOGS = {
    "add_milestone": ("web", None, [("a",)]),
    "edit_milestone": ("web", None, [("down", "down", "down"), ("e",)]),
    "submit_work": ("web", None, [("u",)]),
    "request_changes": ("web", None, [("u", "enter", "y"), ("w",), ("k",)]),
    "release_partial": ("web", "client", [("r", "ctrl+u", "6", "0", "0")]),
    "give_bonus": ("web", "client", [("b",)]),
    "end_contract_client": ("web", "client", [("E",)]),
    "refund_escrow_confirm": ("web", None, [("R",)]),
    "fund_confirm": ("logo", None, [("n",), ("enter",), ("f",)]),
    "propose_changes": ("web", None, [("down", "down", "down"), ("d",), ("p",)]),
    "contract_terms": ("web", None, [("T",)]),
    "milestone_form_error": ("web", None, [("a",), ("tab", "1", "2", ".", "3", "4", "5", "ctrl+s")]),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", sorted(DIALOGS))
def test_dialog(snap_compare, make_test_app, seeded, name, size):
    key, side, then = DIALOGS[name]
    assert snap_compare(make_test_app(), terminal_size=size, run_before=board_at(key, seeded, side, then))


@pytest.mark.parametrize("size", SIZES)
def test_answer_refund_dialog(snap_compare, make_test_app, seeded, db_path, clock, size):
    db = api.Database.open(db_path)
    api.request_refund(db, seeded["web"], amount="200", clock=clock)
    db.close()
    assert snap_compare(make_test_app(), terminal_size=size, run_before=board_at("web", seeded, None, [("y",)]))
