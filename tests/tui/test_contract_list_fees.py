"""P9 on the list: each contract's gross (Paid), the platform's fee and the net, as optional
columns (wide terminals) and sortable; the earnings panel keeps Fee beside Net paid at 80 columns.
The fees are the report's own (storage/queries/fees.py), read once for every row."""

from __future__ import annotations

import io

from rich.console import Console

from cairn.storage import api
from cairn.storage.queries.earnings import earnings
from cairn.tui.widgets.contract_list import ContractTable, EarningsPanel, View, select
from cairn.tui.widgets.contract_list.loading import load, refresh
from cairn.tui.widgets.contract_list.rows import layout, natural_widths
from tests.tui.asynctest import drive, settle

TIERS = "20% to 500.00; 10%"


def _two_contracts_one_client(db, clock) -> tuple[int, int, int]:
    """Two freelancer contracts with the same client on a tiered fee, and one where the user is the client."""
    def contract(title, amount, side="freelancer"):
        b = api.create_contract(db, title=title, client_name="Acme", my_side=side, fee_rule=TIERS, clock=clock,
                                milestones=[api.MilestoneIn(title="Work", amount=amount)])
        api.fund_next_milestone(db, b.id, actor="client", clock=clock)
        return b.id

    a, b, mine = contract("Alpha", 500_00), contract("Beta", 400_00), contract("Hired", 300_00, "client")
    clock.advance(days=1)
    api.release_payment(db, b, actor="client", clock=clock)  # the client's first 400.00: 20%
    api.release_payment(db, mine, actor="client", clock=clock)
    return a, b, mine


def test_rows_carry_each_contracts_fee_and_net_as_the_report_does(db, clock):
    a, b, mine = _two_contracts_one_client(db, clock)
    rows = {r.id: r for r in load(db, clock=clock).rows}
    beta = rows[b].cells
    assert (beta["paid"].plain, beta["fee"].plain, beta["net"].plain) == ("$400.00", "$80.00", "$320.00")
    assert rows[a].cells["fee"].plain == "$0.00" and rows[a].cells["net"].plain == "$0.00"
    # Where the user is the client, the platform's fee is not the user's: nothing is shown.
    assert rows[mine].fee is None and rows[mine].cells["fee"].plain == rows[mine].cells["net"].plain == ""
    per = {e.contract_id: e for e in earnings(db, clock, per_contract=True)}
    assert all(rows[cid].fee == e.fee for cid, e in per.items())
    # Sortable like the other money columns.
    by_net = select(list(rows.values()), View(sort="net", reverse=True, show_all=True))
    assert [r.id for r in by_net] == [b, a, mine]


def test_a_payment_dated_earlier_moves_the_fee_of_the_clients_other_contract_on_refresh(db, clock):
    """Tiers count the client's lifetime billings in the order paid: a release recorded late on
    Alpha, dated before Beta's, puts Beta's 400.00 in the 10% tier. The refresh re-reads Alpha
    only, and still gives Beta its new fee."""
    a, b, _ = _two_contracts_one_client(db, clock)
    loaded = load(db, clock=clock)
    clock.advance(hours=1)
    api.release_payment(db, a, actor="client", clock=clock, at=clock.now().subtract(hours=2))
    fresh, removed, report, _now, places = refresh(db, loaded.rows, clock=clock)
    got = {r.id: r for r in fresh}
    assert set(got) == {a, b} and set(places) == {a, b} and not removed and report is not None
    assert (got[a].fee, got[b].fee) == (100_00, 40_00)
    assert got[b].cells["net"].plain == "$360.00"
    [usd] = report[0]
    assert usd.fee == 140_00  # the panel's total is the rows' sum


def test_fee_and_net_columns_show_only_when_there_is_room(db, clock):
    _two_contracts_one_client(db, clock)
    natural = natural_widths(load(db, clock=clock).rows)
    assert not {"fee", "net"} & set(layout(78, natural))
    wide = layout(220, natural)
    assert {"paid", "fee", "net"} <= set(wide)
    # Net comes before Fee as the terminal widens (gross - fee reads from Paid and Net).
    assert any("net" in layout(w, natural) and "fee" not in layout(w, natural) for w in range(100, 220))


async def _panel_text(pilot) -> str:
    """The earnings panel once the full list is in, as plain text at the panel's width."""
    await settle(pilot)
    panel = pilot.app.screen.query_one(EarningsPanel)
    out = Console(width=panel.size.width - 2, file=io.StringIO(), color_system=None)
    out.print(panel.content)
    return out.file.getvalue()


def test_the_earnings_panel_shows_fee_and_net_at_80_columns(db_path, clock, make_test_app):
    db = api.Database.open(db_path)
    try:
        _two_contracts_one_client(db, clock)
        b = api.create_contract(db, title="Unfunded", client_name="Zed", clock=clock,
                                milestones=[api.MilestoneIn(title="Due", amount=12_345_00, due_date="2026-01-01")])
        assert b.at_risk is not None
    finally:
        db.close()

    async def scenario(pilot):
        text = await _panel_text(pilot)
        assert pilot.app.screen.query_one(ContractTable).rows_all[0].fee is not None  # the full load
        header = next(line for line in text.splitlines() if "Pending" in line)
        assert "Fee" in header and "Net paid" in header and "At risk" in header
        usd = next(line for line in text.splitlines() if line.lstrip().startswith("USD"))
        assert "$80.00" in usd and "$320.00" in usd and len(usd.rstrip()) <= 78

    drive(make_test_app(), scenario, size=(80, 24))


def test_the_earnings_panel_never_cuts_an_amount_short(db_path, clock, make_test_app):
    """Tens of millions in three currencies at 80 columns: Fee is left out, whole, and the title
    says so; every amount shown is shown in full."""
    db = api.Database.open(db_path)
    try:
        for currency in ("USD", "EUR", "GBP"):
            for title in ("Big", "Bigger"):
                b = api.create_contract(db, title=title, client_name="Acme", currency=currency, clock=clock,
                                        milestones=[api.MilestoneIn("Work", 13_420_240_00),
                                                    api.MilestoneIn("More", 27_107_650_00)])
                api.fund_next_milestone(db, b.id, actor="client", clock=clock)
                api.release_payment(db, b.id, actor="client", clock=clock)
                api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    finally:
        db.close()

    async def scenario(pilot):
        text = await _panel_text(pilot)
        assert "…" not in text, text
        assert text.startswith("Earnings as freelancer · Fee left out: widen the terminal to see them")
        usd = next(line for line in text.splitlines() if line.lstrip().startswith("USD"))
        assert "$54,215,300.00" in usd and "$26,840,480.00" in usd, usd  # in progress, pending

    drive(make_test_app(), scenario, size=(80, 24))


def test_the_report_arriving_is_measured_once(seeded, make_test_app, monkeypatch):
    """The panel is given its height with its content, worked out by drawing the table once: as
    ``height: auto``, the layout measured it by drawing it as well, on top of the frame's own
    drawing (3 drawings; now 2)."""
    import dataclasses

    from rich.table import Table

    drawn = []
    draw = Table.__rich_console__
    monkeypatch.setattr(Table, "__rich_console__", lambda self, *a: drawn.append(1) or draw(self, *a))

    async def scenario(pilot):
        panel = pilot.app.screen.query_one(EarningsPanel)
        rows, risk = panel._args
        taller = [*rows, *(dataclasses.replace(rows[0], currency=c) for c in ("GBP", "CHF"))]
        before, height = len(drawn), panel.size.height
        panel.show(taller, risk)
        await settle(pilot)
        return len(drawn) - before, panel.size.height - height

    draws, grown = drive(make_test_app(), scenario)
    assert grown == 2 and draws <= 2, draws
