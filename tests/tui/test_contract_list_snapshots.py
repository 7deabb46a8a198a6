"""Snapshots of the contract list at 80x24 and 120x36, built by the same factory as `cairn`."""

from __future__ import annotations

import pytest

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


async def ready(pilot) -> None:
    """Wait until the app is settled, and stop cursors blinking, before the picture is taken."""
    from textual.widgets import Input

    from tests.tui.asynctest import settle

    await settle(pilot)
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_contract_list_with_data(snap_compare, seeded, make_test_app, size):
    assert snap_compare(make_test_app(), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_contract_list_empty(snap_compare, make_test_app, size):
    assert snap_compare(make_test_app(), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES)
def test_contract_list_showing_ended_and_archived_sorted(snap_compare, seeded, db_path, clock, make_test_app,
                                                         size):
    from cairn.storage import api

    db = api.Database.open(db_path)
    api.create_contract(db, title="[bold]Not bold[/bold] and a very long title that must be truncated",
                        client_name="[link=https://evil.test]Client[/link]", clock=clock)
    api.archive_contract(db, seeded["logo"], clock=clock)
    db.close()

    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("e", "s")
        await ready(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


def test_contract_list_filtered(snap_compare, seeded, make_test_app):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("slash", *"web")
        await ready(pilot)

    assert snap_compare(make_test_app(), terminal_size=(80, 24), run_before=run_before)
