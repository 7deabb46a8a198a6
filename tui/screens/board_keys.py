"""The board's keys, and which of them make sense in the board's current state.

The footer shows the keys in this order, the most useful first; ``available`` hides the ones
that do not apply (storage still refuses anything that breaks a rule, with the rule's message).
"""

from __future__ import annotations

from textual.binding import Binding

from cairn.storage.queries.board_views import Board

PLAN_ACTIONS = {"add_milestone", "edit_milestone", "delete_milestone", "move_up", "move_down"}

# Order matters: the footer shows them in this order, the most useful for the state first.
BINDINGS = [
    # First, so the way to every other key stays visible in the footer at 80 columns.
    Binding("question_mark", "app.help", "Help", id="board.help",
            tooltip="Every key of this screen, with what it does"),
    Binding("f", "fund", "Fund and activate next milestone", id="board.fund",
            tooltip="The client deposits the first future milestone's amount (less carried credit) and activates it (M3-M5)"),
    Binding("u", "submit_work", "Submit work", id="board.submit_work",
            tooltip="The freelancer submits the active milestone with a message; the review clock starts (M9)"),
    Binding("k", "request_changes", "Request changes", id="board.request_changes",
            tooltip="The client sends submitted work back with a message (M10)"),
    Binding("r", "release", "Release payment", id="board.release",
            tooltip="The client releases escrow in full or in part; the rest is carried or refunded (P1-P3)"),
    Binding("y", "answer_refund", "Answer refund request", id="board.answer_refund",
            tooltip="The freelancer accepts or disputes the client's refund request (P6)"),
    Binding("o", "dispute", "Record dispute", id="board.dispute",
            tooltip="A disputed refund request: it went to mediation or arbitration, or how it ended "
                    "(released, refunded, split) (P6)"),
    Binding("l", "feedback", "Leave feedback", id="board.feedback",
            tooltip="Feedback on an ended contract, within the profile's window after the end (C4)"),
    Binding("v", "review_request", "Review change request", id="board.review_request",
            tooltip="Open the pending change request against the current plan"),
    Binding("s", "send_changes", "Send changes", id="board.send_changes",
            tooltip="Acting as the client: apply your draft to the plan at once (R1)"),
    Binding("p", "propose_changes", "Propose changes", id="board.propose_changes",
            tooltip="Acting as the freelancer: send your draft to the client as a change request (R2)"),
    Binding("c", "show_changes", "Show changes", id="board.show_changes",
            tooltip="Toggle between your draft and its differences from the current plan"),
    Binding("D", "evidence_pack", "Evidence pack", id="board.evidence_pack", show=False,
            tooltip="For a dispute: write this contract's evidence pack (HTML: plan versions, events, "
                    "ledger, check) to the current folder"),
    Binding("h", "history", "History", id="board.history",
            tooltip="Every event of this contract, newest first, with every message; searchable"),
    Binding("w", "act_as('client')", "Act as client", id="board.act_as_client",
            tooltip="Record what the client did on the platform"),
    Binding("w", "act_as('freelancer')", "Act as freelancer", id="board.act_as_freelancer",
            tooltip="Record what the freelancer did on the platform"),
    Binding("a", "add_milestone", "Add milestone", id="board.add_milestone",
            tooltip="Add a future milestone to your draft"),
    Binding("e", "edit_milestone", "Edit milestone", id="board.edit_milestone",
            tooltip="Edit the selected future milestone in your draft (locked ones can't change, M6)"),
    Binding("d", "delete_milestone", "Delete milestone", id="board.delete_milestone",
            tooltip="Mark the selected future milestone for deletion in the draft, or restore it"),
    Binding("shift+up", "move_up", "Move milestone up", id="board.move_up", show=False,
            tooltip="Move the selected future milestone up in your draft (never above the active one, M7)"),
    Binding("shift+down", "move_down", "Move milestone down", id="board.move_down", show=False,
            tooltip="Move the selected future milestone down in your draft"),
    Binding("x", "discard_changes", "Discard changes", id="board.discard_changes", show=False,
            tooltip="Throw your draft away; the plan stays as it is"),
    Binding("R", "refund_escrow", "Refund escrow", id="board.refund_escrow", show=False,
            tooltip="The freelancer gives the escrow back to the client at once (P6)"),
    Binding("t", "request_refund", "Request refund", id="board.request_refund", show=False,
            tooltip="The client asks for escrow back without ending the contract; the freelancer answers "
                    "within the profile's window (P6)"),
    Binding("b", "bonus", "Give bonus", id="board.bonus", show=False,
            tooltip="The client pays a bonus outside escrow (P7)"),
    Binding("T", "terms", "Contract terms", id="board.terms", show=False,
            tooltip="Move the contract to a profile's current numbers, give it a fee rule of its own (P9), "
                    "or set its revision cap (M10)"),
    Binding("E", "end_contract", "End contract", id="board.end_contract", show=False,
            tooltip="End the contract with a reason and feedback; future milestones are voided (C3, C4)"),
    Binding("i", "edit_contract", "Edit contract", id="board.edit_contract", show=False,
            tooltip="Correct the title, client, start date or notes; currency, kind and profile while no "
                    "money has moved (C2)"),
    Binding("delete", "delete_contract", "Delete contract", id="board.delete_contract", show=False,
            tooltip="Delete a contract that never moved money; asks first (C6)"),
    Binding("A", "archive", "Archive contract", id="board.archive", show=False,
            tooltip="Hide the contract from the default list (C6)"),
    Binding("g", "accept_request", "Accept change request", id="board.accept_request", show=False,
            tooltip="The client applies the whole change request (R4)"),
    Binding("n", "decline_request", "Decline change request", id="board.decline_request", show=False,
            tooltip="The client declines the change request; nothing changes (R4)"),
    Binding("W", "withdraw_request", "Withdraw change request", id="board.withdraw_request", show=False,
            tooltip="The freelancer takes back their pending change request (R3)"),
    Binding("ctrl+z", "undo", "Undo last action", id="board.undo", show=False,
            tooltip="Take back the last action recorded on this contract, with everything it set off; the "
                    "journal keeps both (R5)"),
    Binding("escape", "back", "Back", id="board.back", show=False,
            tooltip="Back to the contract list"),
]


def available(action: str, parameters: tuple[object, ...], b: Board | None, side: str | None,
              has_selection: bool) -> bool:
    """Whether ``action`` makes sense acting as ``side`` on board ``b`` (with a milestone
    selected or not)."""
    if action == "back":
        return True
    if b is None:
        return False
    c = b.contract
    locked = b.locked
    if action in PLAN_ACTIONS:
        if not c.is_open or c.kind != "fixed":
            return False
        return action == "add_milestone" or has_selection
    match action:
        case "show_changes":
            return b.draft is not None
        case "send_changes":
            return side == "client" and b.draft is not None
        case "propose_changes":
            return side == "freelancer" and b.draft is not None
        case "discard_changes":
            return b.draft is not None
        case "fund":
            return side == "client" and c.is_open and locked is None and b.next_future is not None
        case "submit_work":
            return side == "freelancer" and c.is_open and locked is not None and locked.state == "active"
        case "request_changes":
            return side == "client" and c.is_open and locked is not None and locked.state == "submitted"
        case "release":
            return side == "client" and c.is_open and locked is not None and b.money.escrow > 0
        case "refund_escrow":
            return side == "freelancer" and locked is not None and b.money.escrow > 0
        case "answer_refund":
            return side == "freelancer" and b.refund_request is not None \
                and b.refund_request.status == "pending"
        case "request_refund":
            return side == "client" and c.is_open and locked is not None and b.money.escrow > 0 \
                and b.refund_request is None
        case "dispute":
            return b.refund_request is not None and b.refund_request.status != "pending"
        case "feedback":
            return not c.is_open
        case "bonus":
            return side == "client"
        case "end_contract" | "terms":
            return c.is_open
        case "archive":
            return not c.archived
        case "review_request":
            return b.request is not None or bool(b.past_requests)
        case "accept_request":
            return side == "client" and b.request is not None and b.request.diff is not None \
                and b.request.diff.applies
        case "decline_request":
            return side == "client" and b.request is not None
        case "withdraw_request":
            return side == "freelancer" and b.request is not None
        case "act_as":
            return bool(parameters) and parameters[0] != side
        case "undo" | "edit_contract" | "delete_contract":
            return True  # where it does not apply, storage says why
    return True
