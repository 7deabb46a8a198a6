"""Snapshots of the New contract form: empty, with a preview, and with a field error."""

from __future__ import annotations

import pytest

from tests.tui.test_contract_list_snapshots import SIZES, ready


@pytest.mark.parametrize("size", SIZES)
def test_new_contract_form_with_preview(snap_compare, make_test_app, size):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("n")
        await ready(pilot)
        pilot.app.screen.query_one("#title").value = "Website redesign"
        pilot.app.screen.query_one("#client_name").value = "Northwind Traders"
        pilot.app.screen.query_one("#total").value = "4,000"
        await ready(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_new_contract_form_marks_the_refused_field(snap_compare, make_test_app, size):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("n")
        await ready(pilot)
        pilot.app.screen.query_one("#title").value = "Logo"
        pilot.app.screen.query_one("#total").value = "12.345"
        await pilot.press("ctrl+s")
        await ready(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


def test_new_contract_form_custom_percentages(snap_compare, make_test_app):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("n")
        await ready(pilot)
        screen = pilot.app.screen
        screen.query_one("#title").value = "Custom"
        screen.query_one("#total").value = "1000"
        screen.query_one("#template").value = "custom"
        screen.query_one("#percentages").value = "20, 30, 50"
        await ready(pilot)

    assert snap_compare(make_test_app(), terminal_size=(80, 24), run_before=run_before)
