"""Snapshots of the board: plain, with a draft, the diff view; at 80x24 and 120x36."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from cairn.storage import api
from cairn.tui.screens.board import BoardScreen
from tests.tui.test_board_actions import settle

SIZES = [(80, 24), (120, 36)]


def board_at(contract_key: str, seeded, side: str | None = None, then=()):
    async def run_before(pilot):
        await pilot.app.push_screen(BoardScreen(seeded[contract_key], side=side))
        await settle(pilot)
        for keys in then:
            await pilot.press(*keys)
            await settle(pilot)
        for widget in pilot.app.screen.query(Input):  # a blinking cursor makes snapshots flaky
            widget.cursor_blink = False
        await pilot.pause()
    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_board(snap_compare, make_test_app, seeded, size):
    assert snap_compare(make_test_app(), terminal_size=size, run_before=board_at("web", seeded))


@pytest.mark.parametrize("size", SIZES)
def test_board_with_draft(snap_compare, make_test_app, seeded, db_path, clock, size):
    db = api.Database.open(db_path)
    web = seeded["web"]
    b = api.draft_add(db, web, side="freelancer", title="Extra page", amount="250", clock=clock)
    handover = next(pr.key for pr in b.plan if pr.row.title == "Handover")
    build = next(pr.key for pr in b.plan if pr.row.title == "Build and launch")
    api.draft_move(db, web, side="freelancer", key=handover, delta=-1, clock=clock)
    api.draft_edit(db, web, side="freelancer", key=build, amount="2500", clock=clock)
    db.close()
    assert snap_compare(make_test_app(), terminal_size=size, run_before=board_at("web", seeded))


@pytest.mark.parametrize("size", SIZES)
def test_board_diff_view(snap_compare, make_test_app, seeded, db_path, clock, size):
    db = api.Database.open(db_path)
    b = api.board(db, seeded["web"], clock)
    handover = next(pr.key for pr in b.plan if pr.row.title == "Handover")
    api.draft_delete(db, seeded["web"], side="freelancer", key=handover, clock=clock)
    api.draft_add(db, seeded["web"], side="freelancer", title="Extra page", amount="250", clock=clock)
    db.close()
    assert snap_compare(make_test_app(), terminal_size=size, run_before=board_at("web", seeded, then=[("c",)]))


@pytest.mark.parametrize("size", SIZES)
def test_board_as_client_with_pending_request(snap_compare, make_test_app, seeded, size):
    assert snap_compare(make_test_app(), terminal_size=size, run_before=board_at("logo", seeded))
