"""Contracts: create (optionally from a template, G2), end (C3, C4), archive or delete (C6)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import pendulum
from sqlmodel import col, delete, select, update

from cairn.storage import validate
from cairn.storage.errors import DomainError
from cairn.storage.models import (
    LOCKED_STATES,
    Action,
    ActionChange,
    ChangeRequest,
    Contract,
    ContractKind,
    ContractStatus,
    EndReason,
    Event,
    LedgerEntry,
    LedgerKind,
    Milestone,
    MilestoneState,
    PlanDraft,
    PlanItem,
    RefundRequest,
    RefundStatus,
    RequestStatus,
    Side,
)
from cairn.storage.money import check_currency, format_amount, parse_amount
from cairn.storage.operations.escrow import close_refund_requests, release_in
from cairn.storage.operations.profiles import find_profile, terms_from
from cairn.storage.operations.transaction import operation
from cairn.storage.operations.unit import Unit
from cairn.storage.queries.board import board
from cairn.storage.templates import split, template_titles
from cairn.storage.when import describe

if TYPE_CHECKING:
    from cairn.storage.clock import Clock
    from cairn.storage.db import Database
    from cairn.storage.queries.board import Board


@dataclass(frozen=True)
class MilestoneIn:
    title: str
    amount: int | str
    due_date: date | str | None = None
    description: str = ""


def plan_from_template(total: int, template: str, *, n: int | None = None,
                       percentages: list[str] | None = None, titles: Sequence[str] | None = None,
                       ) -> list[MilestoneIn]:
    """G2: milestones whose amounts split ``total`` exactly."""
    parts = split(total, template, n=n, percentages=percentages)
    names = list(titles or []) + template_titles(len(parts))[len(titles or []):]
    return [MilestoneIn(title=names[i], amount=a) for i, a in enumerate(parts)]


def create_contract(db: Database, *, title: str, client_name: str = "", currency: str = "USD",
                    profile: int | str | None = None, my_side: str = Side.FREELANCER,
                    kind: str = ContractKind.FIXED, started_on: date | str | None = None,
                    notes: str = "", milestones: Sequence[MilestoneIn] = (), review_days: int | str | None = None,
                    fee_rule: str | None = None, revision_cap: int | str | None = None,
                    clock: Clock) -> Board:
    """C2: a contract keeps its profile's numbers (P9); ``review_days`` is the window chosen for it
    where the profile asks (an escrow service), ``fee_rule`` overrides the profile's fee."""
    with operation(db, clock) as unit:
        cur = check_currency(currency)
        cap = validate.revision_cap(revision_cap)
        if my_side not in (Side.CLIENT, Side.FREELANCER):
            raise DomainError("C2", "my side is client or freelancer; choose one of them.", field="my_side")
        if kind not in (ContractKind.FIXED, ContractKind.HOURLY):
            raise DomainError("C1", "a contract is fixed-price or hourly; choose one of them.", field="kind")
        if kind == ContractKind.HOURLY and milestones:
            raise DomainError("C1", "only fixed-price contracts have milestones; make it fixed-price "
                                    "or leave the plan empty.", field="kind")
        prof = find_profile(unit.session, profile)
        terms = terms_from(prof, review_days=review_days, fee_rule=fee_rule)
        start = validate.due_date(started_on, rule="C2", field="started_on") if started_on else unit.now.in_timezone("local").date()
        c = Contract(
            title=validate.text(title, rule="C2", field="title", label="contract title", max_len=200,
                                required=True),
            client_name=validate.text(client_name, rule="C2", field="client_name", label="client name",
                                      max_len=200),
            kind=kind, currency=cur, profile_id=prof.id, my_side=Side(my_side), started_on=start,
            notes=validate.text(notes, rule="C2", field="notes", label="notes", max_len=20_000, multiline=True),
            created_at=unit.now, revision_cap=cap, **terms,
        )
        unit.session.add(c)
        unit.session.flush()
        for i, m in enumerate(milestones, start=1):
            try:
                ms = Milestone(
                    contract_id=c.id, position=i, title=validate.title(m.title),
                    description=validate.description(m.description), due_date=validate.due_date(m.due_date),
                    amount_minor=validate.amount(m.amount, cur, minimum=c.minimum_minor), created_at=unit.now,
                )
            except DomainError as e:  # which milestone of the plan, for the form that named them
                raise DomainError(e.rule, f"milestone {i}: {e.message}",
                                  field=f"milestone-{i}-{e.field or 'amount'}") from None
            unit.session.add(ms)
        total = sum(validate.amount(m.amount, cur, minimum=1) for m in milestones)
        unit.event(c, c.my_side, "contract_created",
                   f"Contract \"{c.title}\" created with {len(milestones)} milestone"
                   f"{'s' if len(milestones) != 1 else ''} worth {format_amount(total, cur)}.",
                   after={"title": c.title, "client": c.client_name, "currency": cur, "milestones": len(milestones),
                          **({"revision_cap": cap} if cap is not None else {})})
        unit.flush()
        cid = c.id
    return board(db, cid, clock)


def end_contract(db: Database, contract_id: int, *, actor: str, reason: str = EndReason.COMPLETED,
                 release_minor: int | str = 0, feedback_rating: int | None = None,
                 feedback_text: str | None = None, clock: Clock, expect_version: int | None = None,
                 at: datetime | str | None = None) -> Board:
    """C3: void the future, settle escrow by who ends it, record reason and feedback (C4)."""
    with operation(db, clock, contract_id=contract_id, kind="end_contract", at=at) as unit:
        c = unit.contract(contract_id, expect_version=expect_version, action="end it again")
        end_in(unit, c, actor=actor, reason=reason, release_minor=release_minor,
               feedback_rating=feedback_rating, feedback_text=feedback_text)
    return board(db, contract_id, clock)


def end_in(unit: Unit, c: Contract, *, actor: str, reason: str, release_minor: int | str = 0,
           feedback_rating: int | None = None, feedback_text: str | None = None) -> None:
    if actor not in (Side.CLIENT, Side.FREELANCER):
        raise DomainError("C3", "a contract is ended by the client or the freelancer; act as one of them to end it.")
    if reason not in {r.value for r in EndReason}:
        raise DomainError("C4", "the reason must be one of: " + ", ".join(r.value for r in EndReason) + ".",
                          field="reason")
    rating, text = _feedback(feedback_rating, feedback_text)
    bal = unit.balances(c.id)
    locked = unit.locked(c.id)
    held = bal.of(locked) if locked else 0
    if actor == Side.CLIENT:
        release = _release_amount(release_minor, c.currency)
        if release < 0 or release > held:
            raise DomainError("C3", f"the client can release between {format_amount(0, c.currency)} and "
                                    f"{format_amount(held, c.currency)} from escrow when ending.",
                              field="release")
    elif release_minor not in (0, "", "0", None):
        raise DomainError("C3", "when the freelancer ends a contract, escrow goes back to the client; "
                                "act as the client to release payment first.", field="release")
    else:
        release = 0

    for m in unit.milestones(c.id):
        if m.state == MilestoneState.FUTURE:
            m.state = MilestoneState.VOIDED
            m.closed_at = unit.now
            unit.session.add(m)
            unit.event(c, actor, "milestone_voided", f"\"{m.title}\" voided: the contract ended (C3).",
                       milestone=m, before={"state": "future"}, after={"state": "voided"})
    if locked and held:
        # Whatever was asked for before is settled by the end itself (C3).
        close_refund_requests(unit, c, locked, actor=actor, why="the contract ended")
        if actor == Side.FREELANCER:
            _refund_all(unit, c, locked, held, actor)
        else:
            if release:
                release_in(unit, c, locked, release, actor=actor, final=(release == held))
            rest = held - release
            if rest:
                due = unit.now.add(days=c.refund_answer_days)
                rr = RefundRequest(contract_id=c.id, milestone_id=locked.id, amount_minor=rest,
                                   requested_at=unit.now, answer_due_at=due)
                unit.session.add(rr)
                unit.event(c, actor, "refund_requested",
                           f"Refund of {format_amount(rest, c.currency)} requested from \"{locked.title}\"; "
                           f"the freelancer has until {due.to_date_string()} to answer (P6).",
                           milestone=locked, after={"amount": rest, "answer_due_at": due})
    if bal.credit:
        entry = unit.money(c, LedgerKind.REFUND, bal.credit, actor=actor, note="carried credit, contract ended")
        unit.event(c, actor, "refund", f"Carried credit of {format_amount(bal.credit, c.currency)} "
                                       "refunded to the client: the contract ended (C3).", ledger=entry)
    for req in list(unit.session.exec(select(ChangeRequest).where(ChangeRequest.contract_id == c.id)
                                      .where(ChangeRequest.status == RequestStatus.PENDING))):
        req.status = RequestStatus.DECLINED
        req.decided_at = unit.now
        req.decided_by = actor
        req.outcome = "the contract ended (C3)"
        unit.session.add(req)
        unit.event(c, actor, "change_request_declined",
                   "Pending change request declined: the contract ended (C3).",
                   before={"status": "pending"}, after={"status": "declined", "reason": req.outcome})
    _drop_drafts(unit, c.id)
    before = {"status": c.status}
    c.status = ContractStatus.ENDED
    c.ended_at = unit.now
    c.ended_by = actor
    c.end_reason = reason
    if rating is not None or text:
        c.feedback_rating, c.feedback_text, c.feedback_at = rating, text, unit.now
    unit.event(c, actor, "contract_ended", f"Contract ended by the {actor}: {reason}.",
               before=before, after={"status": "ended", "reason": reason, "rating": rating})


def _release_amount(value: int | str | None, currency: str) -> int:
    """C3: what the client releases when ending; empty or zero means none."""
    if value is None or isinstance(value, str) and not value.strip():
        return 0
    if isinstance(value, bool):
        raise DomainError("C3", "the amount to release must be a number, such as 250.00.", field="release")
    if isinstance(value, int):
        return value
    return parse_amount(value, currency, rule="C3", field="release")


def _refund_all(unit: Unit, c: Contract, m: Milestone, held: int, actor: str) -> None:
    entry = unit.money(c, LedgerKind.REFUND, held, actor=actor, milestone=m)
    released_before = any(e.kind == LedgerKind.RELEASE and e.milestone_id == m.id for e in unit.ledger(c.id))
    before = {"state": m.state}
    m.state = MilestoneState.RELEASED if released_before else MilestoneState.REFUNDED
    m.closed_at = unit.now
    unit.session.add(m)
    unit.event(c, actor, "refund", f"{format_amount(held, c.currency)} in escrow on \"{m.title}\" "
                                   "refunded to the client.", milestone=m, ledger=entry,
               before=before, after={"state": m.state, "refunded": held})
    close_refund_requests(unit, c, m, actor=actor, why="the freelancer refunded the escrow")


def _feedback(rating: int | str | None, text: str | None) -> tuple[int | None, str | None]:
    return validate.rating(rating), validate.feedback(text)


def leave_feedback(db: Database, contract_id: int, *, actor: str, rating: int | None,
                   text: str | None = None, clock: Clock, at: datetime | str | None = None) -> Board:
    """C4: feedback on an ended contract, within the profile's window after the end."""
    with operation(db, clock, contract_id=contract_id, kind="leave_feedback", at=at) as unit:
        c = unit.contract(contract_id, must_be_open=False)
        if actor not in (Side.CLIENT, Side.FREELANCER):
            raise DomainError("C4", "feedback is left by the client or the freelancer; act as one of them to leave it.")
        if c.status != ContractStatus.ENDED:
            raise DomainError("C4", "feedback is given when a contract ends; end it first.")
        window = c.feedback_days
        closes = pendulum.instance(c.ended_at).add(days=window)
        if unit.now > closes:
            raise DomainError("C4", f"feedback can be added within {window} days of the end; that window "
                                    f"closed on {describe(closes)} (the contract ended on "
                                    f"{describe(c.ended_at)}).")
        rating_value, text_value = _feedback(rating, text)
        before = {"rating": c.feedback_rating, "text": c.feedback_text}
        c.feedback_rating, c.feedback_text, c.feedback_at = rating_value, text_value, unit.now
        unit.event(c, actor, "feedback", f"Feedback left by the {actor}: {rating_value or '-'}/5.",
                   before=before, after={"rating": rating_value, "text": text_value})
    return board(db, contract_id, clock)


def archive_contract(db: Database, contract_id: int, *, archived: bool = True, clock: Clock) -> Board:
    """C6: hide a contract from the default list (or bring it back)."""
    with operation(db, clock, contract_id=contract_id, kind="archive_contract") as unit:
        c = unit.contract(contract_id, must_be_open=False)
        if c.archived != archived:
            c.archived = archived
            unit.event(c, c.my_side, "archived" if archived else "unarchived",
                       f"Contract {'archived' if archived else 'brought back from the archive'}.",
                       before={"archived": not archived}, after={"archived": archived})
    return board(db, contract_id, clock)


def delete_contract(db: Database, contract_id: int, *, clock: Clock) -> None:
    """C6: only a contract that never moved money can be deleted."""
    with operation(db, clock, contract_id=contract_id, kind="delete_contract", logged=False) as unit:
        c = unit.contract(contract_id, must_be_open=False)
        if unit.session.exec(select(LedgerEntry.id).where(LedgerEntry.contract_id == c.id)).first():
            raise DomainError("C6", f"\"{c.title}\" has moved money and can never be deleted; archive it "
                                    "instead.")
        s = unit.session
        drafts = select(PlanDraft.id).where(PlanDraft.contract_id == c.id)
        requests = select(ChangeRequest.id).where(ChangeRequest.contract_id == c.id)
        s.exec(delete(PlanItem).where(col(PlanItem.draft_id).in_(drafts)))
        s.exec(delete(PlanItem).where(col(PlanItem.request_id).in_(requests)))
        for model in (PlanDraft, ChangeRequest, RefundRequest, Event):
            s.exec(delete(model).where(model.contract_id == c.id))
        actions = select(Action.id).where(Action.contract_id == c.id)
        s.exec(delete(ActionChange).where(col(ActionChange.action_id).in_(actions)))
        for model in (Action, Milestone):
            s.exec(delete(model).where(model.contract_id == c.id))
        s.delete(c)


def mark_events_read(db: Database, contract_id: int, *, event_ids: Sequence[int] | None = None,
                     clock: Clock) -> int:
    """R5: mark events as seen; returns how many changed."""
    with db.session() as s:
        q = update(Event).where(Event.contract_id == contract_id).where(Event.read == False)  # noqa: E712
        if event_ids is not None:
            q = q.where(col(Event.id).in_(list(event_ids)))
        return s.exec(q.values(read=True)).rowcount


def _drop_drafts(unit: Unit, contract_id: int) -> None:
    drafts = select(PlanDraft.id).where(PlanDraft.contract_id == contract_id)
    unit.session.exec(delete(PlanItem).where(col(PlanItem.draft_id).in_(drafts)))
    unit.session.exec(delete(PlanDraft).where(PlanDraft.contract_id == contract_id))


__all__ = [
    "MilestoneIn", "plan_from_template", "create_contract", "end_contract", "leave_feedback",
    "archive_contract", "delete_contract", "mark_events_read", "LOCKED_STATES", "RefundStatus",
]
