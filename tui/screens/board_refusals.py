"""Nothing silent: a board key (or palette entry) whose action does not apply now answers with why.

Where the action is a storage operation, storage says it: the operation is rehearsed with
stand-in values (everything checked, then rolled back, nothing written) and its refusal, with
the rule, is shown. A view with no operation behind it says what it needs instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cairn.storage import api
from cairn.tui.screens.board_keys import PLAN_ACTIONS
from cairn.tui.worker import call_storage, show_refusal

# Stand-in values for what a dialog would ask: never written, only let the state checks speak.
_MESSAGE = "(rehearsal)"


def rehearsal(action: str, side: str) -> tuple[Callable[..., Any], dict[str, Any]] | None:
    """The operation behind ``action`` and the arguments to rehearse it with, acting as ``side``."""
    match action:
        case "fund":
            return api.fund_next_milestone, {"actor": side}
        case "submit_work":
            return api.submit_work, {"actor": side, "message": _MESSAGE}
        case "request_changes":
            return api.request_changes, {"actor": side, "message": _MESSAGE}
        case "release":
            return api.release_payment, {"actor": side}
        case "refund_escrow":
            return api.refund_escrow, {"actor": side}
        case "request_refund":
            return api.request_refund, {"actor": side}
        case "answer_refund":
            return api.answer_refund_request, {"actor": side, "accept": False}
        case "dispute":
            return api.record_dispute, {"actor": side, "step": "released"}
        case "feedback":
            return api.leave_feedback, {"actor": side, "rating": 5}
        case "bonus":
            return api.give_bonus, {"actor": side, "amount": "100"}
        case "end_contract":
            return api.end_contract, {"actor": side}
        case "send_changes":
            return api.send_changes, {"actor": side}
        case "propose_changes":
            return api.propose_changes, {"actor": side}
        case "discard_changes":
            return api.discard_draft, {"side": side}
        case "accept_request":
            return api.accept_change_request, {"actor": side}
        case "decline_request":
            return api.decline_change_request, {"actor": side}
        case "withdraw_request":
            return api.withdraw_change_request, {"actor": side}
        case action if action in PLAN_ACTIONS:
            # What stops a plan edit on the whole contract (ended C5, hourly C1, a pending request R3).
            return api.draft_add, {"side": side, "title": _MESSAGE, "amount": "100"}
    return None


# Views and choices with no operation behind them: what they need.
NEEDS = {
    "show_changes": "There is no draft to compare with the plan: add, edit, move or delete a future milestone "
                    "(a, e, shift+↑/↓, d) and your draft starts.",
    "review_request": "No change request has been made on this contract: the freelancer proposes one from a "
                      "draft (p, R2).",
    "archive": "This contract is already archived (C6); the list shows it with e (ended and archived).",
    "select": "Select a future milestone in the plan first (↑/↓), then press the key again.",
}


def explain(screen, action: str, side: str, contract_id: int, run: Callable[[], Any], *,
            wrap: Callable[[Callable[..., None]], Callable[..., None]] = lambda f: f) -> None:
    """Answer a key (or palette entry) whose action does not apply now: storage rehearses its
    operation (nothing written) and the refusal is shown; a view says what it needs. Should
    storage accept it after all (the state moved on meanwhile), ``run`` runs it. ``wrap`` drops
    answers meant for a contract no longer shown."""
    from cairn.storage.db import rehearse

    app = screen.app
    found = rehearsal(action, side)
    if found is None:
        app.notify(NEEDS.get(action, "That does not apply to this contract now."), title="Not now",
                   severity="warning", markup=False, timeout=8)
        return
    operation, kwargs = found

    def accepted(_result: object) -> None:
        if action in PLAN_ACTIONS and action != "add_milestone":
            app.notify(NEEDS["select"], title="Not now", severity="warning", markup=False, timeout=6)
        else:
            run()

    call_storage(screen, rehearse, operation, contract_id, done=wrap(accepted),
                 refused=wrap(lambda error: show_refusal(app, error)), **kwargs)
