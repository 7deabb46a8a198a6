"""The change-request review pane (R3, R4): the pending request against the current plan.

``Show changes`` toggles between the diff and the plan as it would be. Acting as the client:
accept or decline; acting as the freelancer: withdraw. A request that no longer applies says
why and can only be declined. Past requests and their outcomes are listed below.
Dismisses with the ``Board`` an answer returns, or ``None`` (back).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from cairn.storage.queries.board_views import Board, RequestView
from cairn.tui.format import local, money
from cairn.tui.widgets.board import ActingAs, DiffView, PlanTable
from cairn.tui.widgets.board._text import clean
from cairn.tui.widgets.common.footer import KeysFooter

# Answers to a change request can't be undone: each is confirmed first, from this pane or the board.
ANSWERS = {
    "accept": ("Accept the change request?", "The plan becomes the one proposed (R3)."),
    "decline": ("Decline the change request?", "The plan stays as it is; the request is closed (R3)."),
    "withdraw": ("Withdraw your change request?", "The client can no longer accept it (R3)."),
}


class ChangeRequestScreen(Screen[Board | None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="request.back"),
        Binding("c", "show_changes", "Show changes", id="request.show_changes"),
        Binding("g", "accept_request", "Accept change request", id="request.accept"),
        Binding("n", "decline_request", "Decline change request", id="request.decline"),
        Binding("W", "withdraw_request", "Withdraw change request", id="request.withdraw"),
    ]

    def __init__(self, board: Board, side: str) -> None:
        super().__init__()
        self.board = board
        self.side = side
        self.showing_plan = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="request-header"):
            yield Static(id="request-title")
            yield ActingAs(id="acting-as")
        with VerticalScroll(id="request-body"):
            yield Static(id="request-summary")
            yield DiffView(id="request-diff")
            yield PlanTable(id="request-plan")
            yield Static(id="past-requests")
        # No palette hint: at 80 columns it covered the last keys; ctrl+p is listed in help.
        yield KeysFooter()

    def on_mount(self) -> None:
        b = self.board
        title = Text("Change request · ", style="bold")
        title.append(clean(b.contract.title))
        self.query_one("#request-title", Static).update(title)
        self.query_one(ActingAs).show(self.side, b.contract.my_side)
        self.query_one("#request-summary", Static).update(self._summary(b.request))
        self.query_one("#past-requests", Static).update(self._past(b.past_requests))
        self.query_one("#past-requests").border_title = "Past requests"
        self._render_toggle()

    def _render_toggle(self) -> None:
        b, r = self.board, self.board.request
        diff_view, plan = self.query_one(DiffView), self.query_one(PlanTable)
        if r is None:
            diff_view.update(Text("No change request is pending.", style="dim"))
            diff_view.display, plan.display = True, False
            return
        diff_view.show(r.diff, b.contract.currency, heading="Changes against the current plan")
        plan.show(r.plan or [], b.contract.currency, self.app.clock.now())
        diff_view.display, plan.display = not self.showing_plan, self.showing_plan
        plan.border_title = "The plan as it would be"

    def _summary(self, r: RequestView | None) -> Text:
        text = Text()
        if r is None:
            return text
        text.append(f"Proposed by the {r.proposed_by}", style="bold")
        text.append(f" on {local(r.created_at)}")
        if r.message:
            text.append("\nMessage: ", style="dim")
            text.append(clean(r.message))
        if r.diff is not None and r.diff.problems:
            text.append("\n⚠ This request no longer applies (R4); it can only be declined:", style="bold")
            for p in r.diff.problems:
                text.append("\n  • " + clean(p))
        return text

    def _past(self, requests: list[RequestView]) -> Text:
        if not requests:
            return Text("None.", style="dim")
        text = Text()
        cur = self.board.contract.currency
        for i, r in enumerate(requests):
            if i:
                text.append("\n")
            # What happened, in order: "Proposed by the freelancer on …, declined by the client on …".
            text.append(f"Proposed by the {r.proposed_by} on {local(r.created_at, 'YYYY-MM-DD')}")
            if r.decided_at:
                by = "" if r.status == "withdrawn" and r.decided_by == r.proposed_by else f" by the {r.decided_by}"
                text.append(f", {r.status}{by} on {local(r.decided_at, 'YYYY-MM-DD')}", style="bold")
            d = r.decided_diff or {}
            parts = [f"{len(d[k])} {k}" for k in ("added", "edited", "moved", "removed") if d.get(k)]
            if parts:
                text.append(" — " + ", ".join(parts))
            if d.get("total_before") is not None and d.get("total_before") != d.get("total_after"):
                text.append(f", {money(d['total_before'], cur)} → {money(d['total_after'], cur)}")
            if r.message:
                text.append("\n    Message: “" + clean(r.message) + "”")
            if r.outcome:
                text.append(f"\n    Reason given: “{clean(r.outcome)}”")
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return True  # every key runs; where it does not apply it says why (applies_now, explain)

    def applies_now(self, action: str, parameters: tuple[object, ...] = ()) -> bool:
        """What the footer shows and the palette offers first; the others answer with why not."""
        r = self.board.request
        match action:
            case "show_changes":
                return r is not None
            case "accept_request":
                return self.side == "client" and r is not None and r.diff is not None and r.diff.applies
            case "decline_request":
                return self.side == "client" and r is not None
            case "withdraw_request":
                return self.side == "freelancer" and r is not None
        return True

    def action_show_changes(self) -> None:
        if not self.applies_now("show_changes"):
            self.notify("No change request is pending, so there is nothing to compare with the plan.",
                        title="Not now", severity="warning", markup=False, timeout=6)
            return
        self.showing_plan = not self.showing_plan
        self._render_toggle()

    def _answer(self, answer: str) -> None:
        from cairn.tui.screens.board_actions import request_dialog

        def answered(board: Board | None) -> None:
            if board is not None:
                self.dismiss(board)

        self.app.push_screen(request_dialog(answer, self.board), answered)

    def _answer_or_explain(self, action: str, answer: str) -> None:
        if self.applies_now(action):
            self._answer(answer)
            return
        from cairn.tui.screens import board_refusals

        board_refusals.explain(self, action, self.side, self.board.id, lambda: self._answer(answer))

    def action_accept_request(self) -> None:
        self._answer_or_explain("accept_request", "accept")

    def action_decline_request(self) -> None:
        self._answer_or_explain("decline_request", "decline")

    def action_withdraw_request(self) -> None:
        self._answer_or_explain("withdraw_request", "withdraw")

    def action_back(self) -> None:
        self.dismiss(None)
