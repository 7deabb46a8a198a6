"""The contract list's data, read and built in a worker thread: every contract's row, the earnings
report above the list, and a refresh of only what changed. Nothing per row is left for the UI
thread."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cairn.tui.widgets.contract_list.rows import build_row, natural_widths, select

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.tui.widgets.contract_list.rows import View


CHUNK = 2_000  # rows built between two looks at ``wait_turn`` (a few milliseconds)


def _go_on() -> None:
    """No one to give way to."""


@dataclass
class Loaded:
    """The list's data as a worker hands it over: nothing per row is left for the UI thread."""

    rows: list
    earnings: tuple[list, dict] | None  # earnings and work at risk (money_report); None for the first page
    natural: dict[str, int] | None = None  # each column's widest value
    shown: list | None = None  # the rows of ``view``
    view: View | None = None
    hidden: int | None = None  # rows the default view hides (ended or archived)


def load(db, *, clock: Clock, first_page: int | None = None, view: View | None = None,
         on_report: Callable[[tuple[list, dict]], None] | None = None,
         wait_turn: Callable[[], None] | None = None) -> Loaded:
    """The list's data, built in a thread: every contract's row (ended and archived too, so
    the toggle needs no query), the earnings report, and what the table would otherwise work
    out on the UI thread (widths, the rows ``view`` shows). With ``first_page``, only the first
    rows of the default view, with their fees, and no report: the first frame, in milliseconds.
    ``on_report`` hears the report as soon as it is read, before the rows are built.
    ``wait_turn``: called between SQLite's steps and between chunks of rows; it returns when
    the load may go on (``cairn.tui.keys_first``: a key being answered goes first)."""
    from cairn.storage.queries import summaries
    from cairn.storage.queries.earnings import contract_fees

    if first_page:
        page = summaries.contract_summaries(db, clock, include_ended=False, include_archived=False,
                                            limit=first_page)
        # With their fees (read contract by contract, by index: under a millisecond), so the first
        # frame shows the Fee and Net columns of a wide terminal filled in, not blank until the
        # full list arrives.
        fees = fee_totals(contract_fees(db, clock, ids=[s.id for s in page]))
        return Loaded([build_row(s, fees) for s in page], None)
    from cairn.tui.garbage import long_lived

    turn = wait_turn or _go_on
    with long_lived(), db.giving_way(turn) if wait_turn is not None else nullcontext():
        fees = contract_fees(db, clock)
        # The report first: what it reads on the way is freed before the rows take their room.
        report = money_report(db, clock, fees)
        if on_report is not None:
            on_report(report)
        per = fee_totals(fees)
        del fees
        found = summaries.contract_summaries(db, clock, include_ended=True, include_archived=True)
        rows = []
        for start in range(0, len(found), CHUNK):
            turn()
            rows.extend(build_row(s, per) for s in found[start:start + CHUNK])
        del found
        loaded = Loaded(rows, report, natural_widths(rows, wait_turn=turn, every=CHUNK))
        if view is not None:
            loaded.view, loaded.shown = view, select(rows, view)
        loaded.hidden = sum(r.hidden_by_default for r in rows)
    return loaded


def refresh(db, rows: list, *, clock: Clock):
    """What changed since ``rows`` were read, by contract version: only those rows are re-read,
    so coming back from a board or another session's commit costs milliseconds, not a reload of
    every contract. Returns (fresh rows, removed ids, earnings or None, now, {id: place in rows})
    or None when so much changed that a full load is simpler. ``rows`` is only read."""
    from cairn.storage.queries import summaries
    from cairn.storage.queries.earnings import contract_fees
    from cairn.storage.queries.reading import instant

    versions = {r.summary.id: (r.summary.version, r.summary.unread) for r in rows}
    current = summaries.contract_versions(db)
    changed = [cid for cid, v in current.items() if versions.get(cid) != v]
    removed = [cid for cid in versions if cid not in current]
    if len(changed) > 1000:
        return None
    now = instant(clock)
    fresh = summaries.contract_summaries(db, clock, include_ended=True, include_archived=True,
                                         ids=changed) if changed else []
    # Reading events on a board changes only the unread count: no money moved.
    moved = removed or any(versions.get(cid, (None, 0))[0] != current[cid][0] for cid in changed)
    wanted = set(changed)
    if moved:
        fees = contract_fees(db, clock)
        earnings, per = money_report(db, clock, fees), fee_totals(fees)
        # A release moves the tier of the client's later payments on other contracts too (P9).
        fresh_rows = [build_row(s, per) for s in fresh]
        fresh_rows += [r._replace(fee=per.get(r.summary.id, 0)) for r in rows if r.fee is not None
                       and r.fee != per.get(r.summary.id, 0) and r.summary.id not in wanted]
        wanted.update(r.summary.id for r in fresh_rows)
    else:
        earnings, fee_of = None, {r.summary.id: r.fee for r in rows if r.summary.id in wanted}
        fresh_rows = [build_row(s)._replace(fee=fee_of.get(s.id)) for s in fresh]
    places = {r.summary.id: i for i, r in enumerate(rows) if r.summary.id in wanted} if wanted else {}
    return fresh_rows, removed, earnings, now, places


def fee_totals(fees: dict[int, tuple[int, int]]) -> dict[int, int]:
    """Each contract's fees on pending and available money together: the list's Fee column."""
    return {cid: pending + available for cid, (pending, available) in fees.items()}


def money_report(db, clock: Clock, fees: dict | None = None) -> tuple[list, dict]:
    """What the panel above the list shows: the earnings (P8) and the work at risk, per currency.
    ``fees``: each contract's fees (``earnings.contract_fees``), when already read for the rows."""
    from cairn.storage.queries.earnings import earnings
    from cairn.storage.queries.foresight import at_risk, risk_totals

    return earnings(db, clock, contract_fees=fees), risk_totals(at_risk(db, clock))
