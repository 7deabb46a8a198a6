"""P9: platform profiles the user manages; each contract keeps the numbers it was created with."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cairn.storage import api
from cairn.storage.exchange.json_dump import export_json
from cairn.storage.exchange.json_import import import_json
from cairn.storage.queries import check
from tests.conftest import make_contract, refused

BUILTIN = {
    "Marketplace": (14, 5, 7, 14, 500, "10%", False),
    "Gig marketplace (Fiverr-like)": (3, 14, 2, 10, 500, "20%", False),
    "Bid marketplace (Freelancer.com-like)": (None, 0, 7, 14, 100, "10%", False),
    "Escrow service": (3, 0, 7, 14, 100, "none", True),
    "Direct client": (None, 0, 7, 14, 1, "none", False),
}


def numbers(p):
    return (p.review_days, p.hold_days, p.refund_answer_days, p.feedback_days, p.minimum_minor, p.fee_rule,
            p.review_per_contract)


def test_builtin_profiles_carry_their_platforms_numbers(db):
    rows = {p.name: p for p in api.profiles(db)}
    assert {n: numbers(rows[n]) for n in BUILTIN} == BUILTIN
    assert all(rows[n].builtin for n in BUILTIN)


def test_a_contract_keeps_its_numbers_when_the_profile_is_edited(db, clock):
    before = make_contract(db, clock, 1)
    api.edit_profile(db, "Marketplace", review_days=20, hold_days=10, fee_rule="15%")
    after = make_contract(db, clock, 1, title="After")
    assert (before.contract.profile.review_days, before.contract.profile.fee_rule) == (14, "10%")
    old = api.board(db, before.id, clock).contract.profile
    assert (old.review_days, old.hold_days, old.fee_rule) == (14, 5, "10%")
    assert old.profile_now == {"review_days": 20, "hold_days": 10, "fee_rule": "15%"}
    new = after.contract.profile
    assert (new.review_days, new.hold_days, new.fee_rule, new.profile_now) == (20, 10, "15%", None)
    # The old contract's timers follow its own numbers: review releases after 14 days, pending 5.
    b = api.fund_next_milestone(db, before.id, actor="client", clock=clock)
    b = api.submit_work(db, b.id, message="done", clock=clock)
    assert b.milestones[0].review_due_at - clock.now() == timedelta(days=14)
    clock.advance(days=14, seconds=1)
    api.apply_timers(db, clock)
    b = api.board(db, before.id, clock)
    assert b.milestones[0].state == "released" and b.money.pending == 100_00
    clock.advance(days=5)
    assert api.board(db, before.id, clock).money.available == 100_00


def test_feedback_bonus_and_refund_windows_are_the_contracts(db, clock):
    b = make_contract(db, clock, 1)
    api.edit_profile(db, "Marketplace", feedback_days=1, refund_answer_days=1, bonus_days=0, minimum_minor=50_000)
    b = api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    b = api.request_refund(db, b.id, actor="client", amount="10.00", clock=clock)
    assert b.refund_request.answer_due_at - clock.now() == timedelta(days=7)
    # Its minimum is still 5.00: a 6.00 milestone can be added to its plan.
    api.draft_add(db, b.id, side="client", title="Extra", amount="6.00", clock=clock)


def test_moving_a_contract_takes_the_profiles_numbers_now(db, clock):
    b = make_contract(db, clock, 1)
    b = api.change_terms(db, b.id, profile="Gig marketplace (Fiverr-like)", clock=clock)
    p = b.contract.profile
    assert (p.name, p.review_days, p.hold_days, p.fee_rule) == ("Gig marketplace (Fiverr-like)", 3, 14, "20%")
    assert b.events[0].kind == "terms_changed" and "moved to the profile" in b.events[0].summary
    refused(db, "P9", api.change_terms, b.id, profile="Gig marketplace (Fiverr-like)", clock=clock)


def test_fee_rule_is_overridable_per_contract(db, clock):
    b = make_contract(db, clock, 1, fee_rule="20% up to 500.00; 10% up to 10,000.00; 5% above")
    assert b.contract.profile.fee_rule == "20% to 500.00; 10% to 10000.00; 5%"
    b = api.change_terms(db, b.id, fee_rule="none", clock=clock)
    assert b.contract.profile.fee_rule == "none"
    assert api.board(db, b.id, clock).contract.profile.fee_rule == "none"
    e = refused(db, "P9", api.change_terms, b.id, fee_rule="twenty", clock=clock)
    assert "not a fee tier" in e.message


def test_escrow_service_review_period_is_chosen_per_contract(db, clock):
    b = make_contract(db, clock, 1, profile="Escrow service", review_days="21")
    assert b.contract.profile.review_days == 21 and b.contract.profile.profile_now is None
    b = api.fund_next_milestone(db, b.id, actor="client", clock=clock)
    b = api.submit_work(db, b.id, message="done", clock=clock)
    assert b.milestones[0].review_due_at - clock.now() == timedelta(days=21)
    for bad in (0, 31, "x"):
        e = refused(db, "P9", api.create_contract, title="x", profile="Escrow service", review_days=bad, clock=clock)
        assert "1 to 30 days" in e.message and e.field == "review_days"
    e = refused(db, "P9", api.create_contract, title="x", profile="Marketplace", review_days=5, clock=clock)
    assert "the platform sets the review window" in e.message
    # Without a choice, the profile's default (3 days).
    assert make_contract(db, clock, 1, profile="Escrow service").contract.profile.review_days == 3


def test_add_and_edit_profiles_are_checked(db, clock):
    pid = api.add_profile(db, name="Agency portal", review_days=None, hold_days=2, fee_rule="7.5%",
                          minimum_minor=1000)
    row = next(p for p in api.profiles(db) if p.id == pid)
    assert numbers(row) == (None, 2, 7, 14, 1000, "7.5%", False) and not row.builtin and row.contracts == 0
    b = make_contract(db, clock, 1, profile="agency portal", amount=10_00)  # names match whatever the case
    assert b.contract.profile.name == "Agency portal"
    assert next(p for p in api.profiles(db) if p.id == pid).contracts == 1
    api.edit_profile(db, pid, name="Agency")
    for kw, field in ((dict(name="Marketplace"), "name"), (dict(name=" "), "name"),
                      (dict(name="x", hold_days=-1), "hold_days"), (dict(name="x", review_days=366), "review_days"),
                      (dict(name="x", fee_rule="5% to 10; 1% to 5; 0.5%"), "fee_rule"),
                      (dict(name="x", review_per_contract=True, review_days=None), "review_days"),
                      (dict(name="x", colour="red"), "colour")):
        with pytest.raises(api.DomainError) as info:
            api.add_profile(db, **kw)
        assert info.value.rule == "P9" and info.value.field == field, kw
    with pytest.raises(api.DomainError, match="built in and keeps its name"):
        api.edit_profile(db, "Direct client", name="Direct")
    with pytest.raises(api.DomainError, match="there is no platform profile 'Nope'"):
        api.edit_profile(db, "Nope", hold_days=1)


def test_export_import_round_trips_profiles_and_contract_numbers(db, clock, tmp_path):
    api.add_profile(db, name="Agency portal", review_days=4, hold_days=2, fee_rule="20% to 500.00; 5%",
                    review_per_contract=True)
    b = make_contract(db, clock, 1, profile="Agency portal", review_days=9, fee_rule="3%")
    api.edit_profile(db, "Agency portal", hold_days=3)
    text = export_json(db)
    other = api.Database.open(tmp_path / "other.db")
    import_json(other, text)
    assert export_json(other) == text
    p = api.board(other, b.id, clock).contract.profile
    assert (p.review_days, p.hold_days, p.fee_rule) == (9, 2, "3%")
    assert p.profile_now == {"hold_days": 3, "fee_rule": "20% to 500.00; 5%"}
    assert check.problems(other) == []
    other.close()


@pytest.mark.parametrize(("table", "field", "value", "says"), [
    ("contract", "fee_rule", "ten percent", "not a fee tier"),
    ("contract", "fee_rule", "10 %", "not as Cairn stores it"),
    ("contract", "fee_rule", "20% to 500; 5%", "plain amount such as 500.00"),
    ("contract", "hold_days", -1, "hold days must be"),
    ("contract", "review_days", 0, "review days must be"),
    ("profile", "fee_rule", 10, "must be text"),
    ("profile", "review_per_contract", True, "needs a default number of days"),
])
def test_import_refuses_numbers_the_operations_refuse(db, clock, tmp_path, table, field, value, says):
    import json

    make_contract(db, clock, 1, profile="Direct client")
    doc = json.loads(export_json(db))
    row = next(r for r in doc["tables"][table] if table == "contract" or r["name"] == "Direct client")
    row[field] = value
    other = api.Database.open(tmp_path / "other.db")
    with pytest.raises(Exception) as info:
        import_json(other, json.dumps(doc))
    assert says in str(getattr(info.value, "problems", info.value))
    other.close()


def test_check_names_a_contract_with_numbers_no_operation_stores(db, clock):
    b = make_contract(db, clock, 1)
    conn = api.Database.open(db.path).reader()
    raw = __import__("sqlite3").connect(db.path)
    raw.execute("update contract set fee_rule = '250%', hold_days = 999 where id = ?", (b.id,))
    raw.commit()
    raw.close()
    found = [p for p in check.problems(conn) if p.startswith("P9")]
    assert any("hold_days" in p for p in found) and any("fee_rule" in p for p in found)
