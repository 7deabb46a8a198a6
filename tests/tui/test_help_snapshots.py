"""Snapshots of the help screen over the contract list."""

from __future__ import annotations

import pytest

from tests.tui.test_contract_list_snapshots import SIZES, ready


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, seeded, make_test_app, size):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("question_mark")
        await ready(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)
