"""What the board's keys do: each action opens its dialog or confirmation, or runs its storage
operation through the screen's ``run_op`` (one at a time, with the acting side and the
contract's version). Mixed into ``BoardScreen``; the rules themselves are storage's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cairn.storage import api
from cairn.tui.dialogs import (
    AnswerRefundDialog,
    BonusDialog,
    EndContractDialog,
    MessageDialog,
    MilestoneForm,
    ReleaseDialog,
)
from cairn.tui.format import money
from cairn.tui.screens.change_request import ANSWERS
from cairn.tui.widgets.board import PlanTable
from cairn.tui.widgets.board._text import clean

if TYPE_CHECKING:
    from cairn.tui.screens.board import BoardScreen

    _Base = BoardScreen
else:
    _Base = object


class PlanActions(_Base):
    """Plan edits into the draft, sending or proposing it (R1, R2, M6, M7), and the change
    request (R3, R4)."""

    # --- plan edits (R1, R2, M6, M7) -----------------------------------------------
    def action_add_milestone(self) -> None:
        b = self.board
        self.open_dialog(MilestoneForm(api.draft_add, b.id, currency=b.contract.currency,
                                       **self._versioned(side=self.side)))

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

    def action_delete_milestone(self) -> None:
        pr = self.query_one(PlanTable).selected
        if pr is not None:
            self.run_op(api.draft_delete, side=self.side, key=pr.key, follow=pr.key)

    def move_milestone(self, key: str, *, delta: int = 0, to_index: int | None = None) -> None:
        """The one path for keyboard and mouse moves: draft_move, the cursor follows the row."""
        self.run_op(api.draft_move, side=self.side, key=key, delta=delta, to_index=to_index, follow=key)

    def action_move_up(self) -> None:
        key = self.query_one(PlanTable).selected_key
        if key is not None:
            self.move_milestone(key, delta=-1)

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

    def action_show_changes(self) -> None:
        self.showing_diff = not self.showing_diff
        if self.board is not None:
            self.show_board(self.board)
        if not self.showing_diff:
            self.query_one(PlanTable).focus()

    def action_send_changes(self) -> None:
        d = self.board.draft_diff
        self.confirm_then("Send these changes? They apply to the plan at once (R1).",
                          _diff_summary(d), lambda: self.run_op(api.send_changes, actor="client"))

    def action_propose_changes(self) -> None:
        b = self.board
        self.open_dialog(MessageDialog(api.propose_changes, b.id, title="Propose changes",
                                       ok_label="Propose", label="Message to the client (optional)",
                                       intro="Your draft becomes a change request the client accepts or "
                                             "declines (R2).", **self._versioned(actor="freelancer")))

    def action_discard_changes(self) -> None:
        self.confirm_then("Discard your draft?", "Every change in it is lost; the plan stays as it is.",
                          lambda: self.run_op(api.discard_draft, side=self.side, versioned=False))

    # --- change requests (R3, R4) ------------------------------------------------------
    def action_review_request(self) -> None:
        from cairn.tui.screens.change_request import ChangeRequestScreen

        self.app.push_screen(ChangeRequestScreen(self.board, self.side), self._this_visit(self._after_dialog))

    def action_accept_request(self) -> None:
        self.confirm_then(*ANSWERS["accept"], lambda: self.run_op(api.accept_change_request, actor="client"))

    def action_decline_request(self) -> None:
        self.confirm_then(*ANSWERS["decline"], lambda: self.run_op(api.decline_change_request, actor="client"))

    def action_withdraw_request(self) -> None:
        self.confirm_then(*ANSWERS["withdraw"],
                          lambda: self.run_op(api.withdraw_change_request, actor="freelancer"))


class MoneyActions(_Base):
    """Funding, work, payments, refunds, bonus, ending and archiving (M3-M10, P1-P7, C3, C6)."""

    # --- money (M3-M10, P1-P7, C3) -------------------------------------------------
    def action_fund(self) -> None:
        b = self.board
        nxt = b.next_future
        cur = b.contract.currency
        detail = f"Deposits {money(nxt.amount_minor, cur)} into escrow"
        if b.money.credit:
            detail += f", less {money(min(b.money.credit, nxt.amount_minor), cur)} carried credit (P3, M5)"
        self.confirm_then(f"Fund and activate \"{clean(nxt.title)}\"?", detail + ".",
                          lambda: self.run_op(api.fund_next_milestone, actor="client"))

    def action_submit_work(self) -> None:
        b = self.board
        self.open_dialog(MessageDialog(api.submit_work, b.id, title="Submit work", ok_label="Submit",
                                       label="Message to the client", placeholder="What is delivered, where",
                                       intro=f"Submits \"{clean(b.locked.title)}\" for review (M9).",
                                       question=f"Submit \"{clean(b.locked.title)}\" for review?",
                                       **self._versioned(actor="freelancer")))

    def action_request_changes(self) -> None:
        b = self.board
        self.open_dialog(MessageDialog(api.request_changes, b.id, title="Request changes", ok_label="Send back",
                                       label="What needs to change",
                                       intro=f"Sends \"{clean(b.locked.title)}\" back to the freelancer (M10)."
                                       + (f" ⚠ {w}" if (w := b.revision_warning()) else ""),
                                       question=f"Send \"{clean(b.locked.title)}\" back to the freelancer?",
                                       **self._versioned(actor="client")))

    def action_release(self) -> None:
        b = self.board
        nxt = b.next_future
        self.open_dialog(ReleaseDialog(api.release_payment, b.id, currency=b.contract.currency,
                                       held=b.locked.held_minor, milestone=clean(b.locked.title),
                                       next_milestone=clean(nxt.title) if nxt else None,
                                       **self._versioned(actor="client")))

    def action_refund_escrow(self) -> None:
        b = self.board
        self.confirm_then(f"Refund the {money(b.locked.held_minor, b.contract.currency)} in escrow to the client?",
                          f"\"{clean(b.locked.title)}\" is closed as refunded (P6).",
                          lambda: self.run_op(api.refund_escrow, actor="freelancer"))

    def action_answer_refund(self) -> None:
        b = self.board
        rr = b.refund_request
        self.open_dialog(AnswerRefundDialog(
            api.answer_refund_request, b.id,
            intro=f"The client asks for {money(rr.amount_minor, b.contract.currency)} back. Answer by "
                  f"{rr.answer_due_at:%Y-%m-%d %H:%M} UTC, or it is accepted (P6).",
            **self._versioned(actor="freelancer")))

    def action_bonus(self) -> None:
        b = self.board
        self.open_dialog(BonusDialog(api.give_bonus, b.id, currency=b.contract.currency,
                                     **self._versioned(actor="client")))

    def action_terms(self) -> None:
        from cairn.storage.operations.profiles import change_terms
        from cairn.tui.dialogs.terms import TermsDialog

        b = self.board
        self.open_dialog(TermsDialog(change_terms, b.id, profile=b.contract.profile, **self._versioned()))

    def action_end_contract(self) -> None:
        b = self.board
        held = b.locked.held_minor if b.locked else 0
        self.open_dialog(EndContractDialog(api.end_contract, b.id, currency=b.contract.currency, held=held,
                                           actor=self.side, **self._versioned()))

    def action_archive(self) -> None:
        self.confirm_then("Archive this contract?", "It is hidden from the default list; nothing is deleted (C6).",
                          lambda: self.run_op(api.archive_contract, versioned=False))


def _diff_summary(d) -> str:
    if d is None:
        return ""
    parts = [f"{len(x)} {label}" for label, x in (("added", d.added), ("edited", d.edited),
                                                   ("moved", d.moved), ("deleted", d.removed)) if x]
    return ", ".join(parts) + "."
