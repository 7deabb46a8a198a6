"""What the board's keys do: each action opens its dialog or confirmation, or runs its storage
operation through the screen's ``run_op`` (one at a time, with the acting side and the
contract's version). Mixed into ``BoardScreen``; the rules themselves are storage's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cairn.storage import api
from cairn.tui.dialogs import (
    AnswerRefundDialog,
    BonusDialog,
    DisputeDialog,
    EditContractDialog,
    EndContractDialog,
    FeedbackDialog,
    MessageDialog,
    MilestoneForm,
    RefundRequestDialog,
    ReleaseDialog,
)
from cairn.tui.format import local, money
from cairn.tui.widgets.board import PlanTable
from cairn.tui.widgets.board._text import clean

if TYPE_CHECKING:
    from cairn.tui.screens.board import BoardScreen

    _Base = BoardScreen
else:
    _Base = object


def explained(method: Callable[..., Any]) -> Callable[..., Any]:
    """An action that runs where it applies now, and elsewhere says why (nothing silent)."""
    name = method.__name__.removeprefix("action_")

    @functools.wraps(method)
    def action(self, *args: Any) -> Any:
        if self.applies_now(name, args):
            return method(self, *args)
        return self.explain(name, lambda: method(self, *args))

    return action


class PlanActions(_Base):
    """Plan edits into the draft, sending or proposing it (R1, R2, M6, M7), and the change
    request (R3, R4)."""

    # --- plan edits (R1, R2, M6, M7) -----------------------------------------------
    @explained
    def action_add_milestone(self) -> None:
        b = self.board
        self.open_dialog(MilestoneForm(api.draft_add, b.id, currency=b.contract.currency,
                                       **self._versioned(side=self.side)))

    @explained
    def action_edit_milestone(self) -> None:
        pr = self.query_one(PlanTable).selected
        if pr is None:
            return
        if pr.locked:
            # Storage refuses it with the rule's message (M6); nothing is written.
            self.run_op(api.draft_edit, side=self.side, key=pr.key)
            return
        b = self.board
        self.open_dialog(MilestoneForm(api.draft_edit, b.id, currency=b.contract.currency, row=pr.row,
                                       **self._versioned(side=self.side, key=pr.key)))

    @explained
    def action_delete_milestone(self) -> None:
        pr = self.query_one(PlanTable).selected
        if pr is not None:
            self.run_op(api.draft_delete, side=self.side, key=pr.key, follow=pr.key)

    def move_milestone(self, key: str, *, delta: int = 0, to_index: int | None = None) -> None:
        """The one path for keyboard and mouse moves: draft_move, the cursor follows the row."""
        self.run_op(api.draft_move, side=self.side, key=key, delta=delta, to_index=to_index, follow=key)

    @explained
    def action_move_up(self) -> None:
        key = self.query_one(PlanTable).selected_key
        if key is not None:
            self.move_milestone(key, delta=-1)

    @explained
    def action_move_down(self) -> None:
        key = self.query_one(PlanTable).selected_key
        if key is not None:
            self.move_milestone(key, delta=1)

    # A plain handler name, not @on: Textual collects @on handlers only from its own classes.
    def on_plan_table_dragged(self, event: PlanTable.Dragged) -> None:
        """A drop lands at the target row's place among the future rows (``to_index``)."""
        event.stop()
        if self.board is None or not self.check_action("move_up", ()):
            return
        plan = self.board.plan
        futures = [pr.key for pr in plan if not pr.locked and "deleted" not in pr.marks]
        target = next(pr for pr in plan if pr.key == event.target_key)
        if target.key in futures:
            to_index = futures.index(target.key)
        elif target.locked:
            to_index = -1  # above the locked milestone or history: storage refuses it (M7)
        else:  # a row marked for deletion: the place of the next visible future
            later = plan[plan.index(target):]
            to_index = next((futures.index(p.key) for p in later if p.key in futures), len(futures) - 1)
            if event.key in futures and futures.index(event.key) < to_index:
                to_index -= 1
        self.move_milestone(event.key, to_index=to_index)

    @explained
    def action_show_changes(self) -> None:
        self.showing_diff = not self.showing_diff
        if self.board is not None:
            self.show_board(self.board)
        if not self.showing_diff:
            self.query_one(PlanTable).focus()

    @explained
    def action_send_changes(self) -> None:
        d = self.board.draft_diff
        self.confirm(api.send_changes, "Send these changes? They apply to the plan at once (R1).",
                     _diff_summary(d), ok_label="Send", actor="client")

    @explained
    def action_propose_changes(self) -> None:
        b = self.board
        self.open_dialog(MessageDialog(api.propose_changes, b.id, title="Propose changes",
                                       ok_label="Propose", label="Message to the client (optional)",
                                       intro="Your draft becomes a change request the client accepts or "
                                             "declines (R2).", **self._versioned(actor="freelancer")))

    @explained
    def action_discard_changes(self) -> None:
        self.confirm(api.discard_draft, "Discard your draft?", "Every change in it is lost; the plan stays as it is.",
                     ok_label="Discard", versioned=False, records_time=False, side=self.side)

    # --- change requests (R3, R4) ------------------------------------------------------
    @explained
    def action_review_request(self) -> None:
        from cairn.tui.screens.change_request import ChangeRequestScreen

        self.app.push_screen(ChangeRequestScreen(self.board, self.side), self._this_visit(self._after_dialog))

    @explained
    def action_accept_request(self) -> None:
        self.open_dialog(request_dialog("accept", self.board))

    @explained
    def action_decline_request(self) -> None:
        self.open_dialog(request_dialog("decline", self.board))

    @explained
    def action_withdraw_request(self) -> None:
        self.open_dialog(request_dialog("withdraw", self.board))


def delete_contract(db, contract_id: int, *, clock) -> bool:
    """C6, for a confirmation: ``True`` once deleted (storage answers ``None``)."""
    api.delete_contract(db, contract_id, clock=clock)
    return True


def request_dialog(answer: str, b):
    """The dialog that accepts, declines or withdraws the pending change request (R3, R4), on the
    board and in the review pane alike; it dismisses with the new ``Board``."""
    from cairn.tui.dialogs import ConfirmDialog

    version = {"expect_version": b.contract.version}
    if answer == "accept":
        return ConfirmDialog(api.accept_change_request, b.id, question="Accept the change request?",
                             detail="Its whole batch applies to the plan at once (R4).", ok_label="Accept",
                             actor="client", **version)
    if answer == "withdraw":
        return ConfirmDialog(api.withdraw_change_request, b.id, question="Withdraw your change request?",
                             detail="The plan stays as it is; you may propose a new one (R3).",
                             ok_label="Withdraw", actor="freelancer", **version)
    return MessageDialog(api.decline_change_request, b.id, title="Decline the change request", ok_label="Decline",
                         label="Reason (optional)", field_name="reason", intro="The plan stays as it is (R4).",
                         actor="client", **version)


class MoneyActions(_Base):
    """Funding, work, payments, refunds, bonus, ending and archiving (M3-M10, P1-P7, C3, C6)."""

    # --- money (M3-M10, P1-P7, C3) -------------------------------------------------
    @explained
    def action_fund(self) -> None:
        b = self.board
        nxt = b.next_future
        cur = b.contract.currency
        detail = f"Deposits {money(nxt.amount_minor, cur)} into escrow"
        if b.money.credit:
            detail += f", less {money(min(b.money.credit, nxt.amount_minor), cur)} carried credit (P3, M5)"
        self.confirm(api.fund_next_milestone, f"Fund and activate \"{clean(nxt.title)}\"?", detail + ".",
                     ok_label="Fund", actor="client")

    @explained
    def action_submit_work(self) -> None:
        b = self.board
        self.open_dialog(MessageDialog(api.submit_work, b.id, title="Submit work", ok_label="Submit",
                                       label="Message to the client", placeholder="What is delivered, where",
                                       intro=f"Submits \"{clean(b.locked.title)}\" for review (M9).",
                                       question=f"Submit \"{clean(b.locked.title)}\" for review?",
                                       **self._versioned(actor="freelancer")))

    @explained
    def action_request_changes(self) -> None:
        b = self.board
        self.open_dialog(MessageDialog(api.request_changes, b.id, title="Request changes", ok_label="Send back",
                                       label="What needs to change",
                                       intro=f"Sends \"{clean(b.locked.title)}\" back to the freelancer (M10)."
                                       + (f" ⚠ {w}" if (w := b.revision_warning()) else ""),
                                       question=f"Send \"{clean(b.locked.title)}\" back to the freelancer?",
                                       **self._versioned(actor="client")))

    @explained
    def action_release(self) -> None:
        b = self.board
        nxt = b.next_future
        self.open_dialog(ReleaseDialog(api.release_payment, b.id, currency=b.contract.currency,
                                       held=b.locked.held_minor, milestone=clean(b.locked.title),
                                       next_milestone=clean(nxt.title) if nxt else None,
                                       **self._versioned(actor="client")))

    @explained
    def action_refund_escrow(self) -> None:
        b = self.board
        self.confirm(api.refund_escrow, f"Refund the {money(b.locked.held_minor, b.contract.currency)} in escrow "
                                        "to the client?", f"\"{clean(b.locked.title)}\" is closed as refunded (P6).",
                     ok_label="Refund", actor="freelancer")

    @explained
    def action_answer_refund(self) -> None:
        b = self.board
        rr = b.refund_request
        self.open_dialog(AnswerRefundDialog(
            api.answer_refund_request, b.id,
            intro=f"The client asks for {money(rr.amount_minor, b.contract.currency)} back. Answer by "
                  f"{local(rr.answer_due_at)} (local time), or it is accepted (P6).",
            **self._versioned(actor="freelancer")))

    @explained
    def action_request_refund(self) -> None:
        b = self.board
        self.open_dialog(RefundRequestDialog(
            api.request_refund, b.id, currency=b.contract.currency, held=b.locked.held_minor,
            milestone=clean(b.locked.title), answer_days=b.contract.profile.refund_answer_days,
            **self._versioned(actor="client")))

    @explained
    def action_dispute(self) -> None:
        b = self.board
        rr = b.refund_request
        self.open_dialog(DisputeDialog(api.record_dispute, b.id, currency=b.contract.currency,
                                              amount=rr.amount_minor, status=rr.status,
                                              **self._versioned(actor=self.side)))

    @explained
    def action_feedback(self) -> None:
        b = self.board
        self.open_dialog(FeedbackDialog(api.leave_feedback, b.id, intro=(
            f"On \"{clean(b.contract.title)}\", as the {self.side}; it can be left within "
            f"{b.contract.profile.feedback_days} days of the end (C4)."), actor=self.side))

    @explained
    def action_bonus(self) -> None:
        b = self.board
        self.open_dialog(BonusDialog(api.give_bonus, b.id, currency=b.contract.currency,
                                     **self._versioned(actor="client")))

    @explained
    def action_terms(self) -> None:
        from cairn.storage.operations.profiles import change_terms
        from cairn.tui.dialogs.terms import TermsDialog

        b = self.board
        c = b.contract
        self.open_dialog(TermsDialog(change_terms, b.id, profile=c.profile, revision_cap=c.revision_cap,
                                     hourly=c.kind == "hourly", **self._versioned()))

    @explained
    def action_end_contract(self) -> None:
        b = self.board
        held = b.locked.held_minor if b.locked else 0
        self.open_dialog(EndContractDialog(api.end_contract, b.id, currency=b.contract.currency, held=held,
                                           actor=self.side, **self._versioned()))

    def action_undo(self) -> None:
        b = self.board
        last = b.last_action
        if last is None:  # storage says why there is nothing to undo
            self.run_op(api.undo_last_action)
            return None
        self.confirm(api.undo_last_action, "Undo the last action?",
                            f"{clean(last.summary.rstrip('.'))} — the {last.actor}, {local(last.at)}.\n"
                            "Everything it set off is taken back too (money it moved, timers that fired "
                            "after it); the journal keeps both (R5).",
                            ok_label="Undo", records_time=False, action_id=last.id)

    def action_edit_contract(self) -> None:
        b = self.board
        if not b.contract.is_open:  # storage says why (C5)
            self.run_op(api.edit_contract)
            return None
        self.open_dialog(EditContractDialog(api.edit_contract, b.id, info=b.contract, **self._versioned()))

    def action_delete_contract(self) -> None:
        b = self.board

        def deleted(result) -> None:
            if result:
                self.app.notify(f"“{clean(b.contract.title)}” deleted.", markup=False)
                self.action_back()

        from cairn.tui.dialogs import ConfirmDialog

        self.app.push_screen(ConfirmDialog(
            delete_contract, b.id, question=f"Delete “{clean(b.contract.title)}”?",
            detail="Its plan, drafts and history go with it; this can't be undone. Only a contract that never "
                   "moved money can be deleted (C6); archive any other.", ok_label="Delete", records_time=False),
            self._this_visit(deleted))

    @explained
    def action_archive(self) -> None:
        self.confirm(api.archive_contract, "Archive this contract?",
                     "It is hidden from the default list; nothing is deleted (C6).", ok_label="Archive",
                     versioned=False, records_time=False)


def _diff_summary(d) -> str:
    if d is None:
        return ""
    parts = [f"{len(x)} {label}" for label, x in (("added", d.added), ("edited", d.edited),
                                                   ("moved", d.moved), ("deleted", d.removed)) if x]
    return ", ".join(parts) + "."
