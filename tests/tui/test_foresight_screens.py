"""The Forecast and Clients screens: keys, palette, content, and snapshots at 80x24 and 120x36."""

from __future__ import annotations

import pytest

from cairn.tui.screens.clients import ClientsScreen
from cairn.tui.screens.forecast import SERIES, ForecastScreen, chart
from tests.tui.asynctest import asynctest, settle
from tests.tui.test_contract_list_snapshots import ready

SIZES = [(80, 24), (120, 36)]


def body(app, name: str) -> str:
    return str(app.screen.query_one(f"#{name}-body").render())


@asynctest
async def test_f_opens_the_forecast_with_its_key_and_escape_goes_back(make_test_app, seeded):
    from cairn.tui.commands import bound_actions

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        names = [a.description for a in bound_actions(app.screen)]
        assert "Forecast" in names and "Clients" in names
        list_screen = app.screen
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ForecastScreen)
        await app.screen.workers.wait_for_complete()
        await settle(pilot)
        text = body(app, "forecast")
        assert "week of" in text and "Work at risk" in text
        key = str(app.screen.query_one("#forecast-key").render())
        assert all(glyph * 2 in key for _, glyph, _, _ in SERIES)
        assert all(len(line) <= 78 for line in text.splitlines() if line.startswith(("Mon ", "Sun ", "Tue ")))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is list_screen
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)
        await app.screen.workers.wait_for_complete()
        await settle(pilot)
        assert "Client" in body(app, "clients")


def test_the_series_differ_without_colour():
    from datetime import date

    from cairn.storage.queries.foresight import Forecast, Week

    f = Forecast("USD", [Week(date(2026, 3, 2), 100, 200, 300), Week(date(2026, 3, 9), 0, 0, 1)])
    line = chart(f, 60).plain.splitlines()[1]
    assert "█" in line and "▒" in line and "░" in line
    assert line.index("█") < line.index("▒") < line.index("░")
    assert "░" in chart(f, 60).plain.splitlines()[2]  # a small amount still shows one cell
    assert len({glyph for _, glyph, _, _ in SERIES}) == 3


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("key", ["f", "c"])  # Forecast, Clients
def test_report_snapshot(snap_compare, make_test_app, seeded, size, key):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press(key)
        await settle(pilot)
        await pilot.app.screen.workers.wait_for_complete()
        await settle(pilot)

    assert snap_compare(make_test_app(), terminal_size=size, run_before=run_before)


async def _press_D(app, contract_id: int) -> list[str]:
    """D on the board of ``contract_id``; the notifications it left."""
    from tests.tui.test_board_actions import open_board

    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot, contract_id)
        await pilot.press("D")
        await app.screen.workers.wait_for_complete()
        await settle(pilot)
        return [str(n.message) for n in app._notifications]


@asynctest
async def test_D_on_the_board_writes_the_evidence_pack(make_test_app, seeded, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    notes = await _press_D(make_test_app(), seeded["web"])
    [page] = list(tmp_path.glob("evidence-*.html"))
    assert page.read_text().startswith("<!DOCTYPE html>")
    assert any(page.name in n for n in notes)


@asynctest
async def test_D_says_why_when_the_folder_cannot_be_written(make_test_app, seeded, tmp_path, monkeypatch):
    import cairn.tui.screens.board as board

    (tmp_path / "afile").write_text("")
    monkeypatch.setattr(board, "evidence_folder", lambda: str(tmp_path / "afile"))
    notes = await _press_D(make_test_app(), seeded["web"])
    assert any("cannot be written" in n for n in notes)
