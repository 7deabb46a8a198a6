"""Snapshots of the change-request pane: the diff and the plan as it would be."""

from __future__ import annotations

import pytest

from tests.tui.test_board_snapshots import SIZES, board_at


@pytest.mark.parametrize("size", SIZES)
def test_change_request_pane(snap_compare, make_test_app, seeded, size):
    assert snap_compare(make_test_app(), terminal_size=size, run_before=board_at("logo", seeded, then=[("v",)]))


@pytest.mark.parametrize("size", SIZES)
def test_change_request_pane_plan(snap_compare, make_test_app, seeded, size):
    assert snap_compare(make_test_app(), terminal_size=size,
                        run_before=board_at("logo", seeded, then=[("v",), ("c",)]))
