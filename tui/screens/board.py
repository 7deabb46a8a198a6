"""The milestone board for one contract: the plan, its money, deadlines and activity.

Acts as one party at a time (``Acting as``, defaulting to the contract's ``my_side``); every
operation is called with that side and the contract's version, and the board re-renders
from the ``Board`` the operation returns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from storage import api
from storage.errors import Conflict
from storage.read import Board
from tui.dialogs import (
    AnswerRefundDialog,
    BonusDialog,
    EndContractDialog,
    MessageDialog,
    MilestoneForm,
    ReleaseDialog,
)
from tui.format import money
from tui.widgets.board import (
    ActingAs,
    ActivityFeed,
    DeadlinesPanel,
    DiffView,
    MoneyPanel,
    PlanTable,
)
from tui.widgets.board._text import clean
from tui.widgets.common import Confirm
from tui.widgets.common.footer import KeysFooter
from tui.worker import call_storage, show_refusal

OTHER = {"client": "freelancer", "freelancer": "client"}
PLAN_ACTIONS = {"add_milestone", "edit_milestone", "delete_milestone", "move_up", "move_down"}


class BoardScreen(Screen[None]):
    CSS_PATH = "board.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]  # short: the activity feed folds away
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
        Binding("v", "review_request", "Review change request", id="board.review_request",
                tooltip="Open the pending change request against the current plan"),
        Binding("s", "send_changes", "Send changes", id="board.send_changes",
                tooltip="Acting as the client: apply your draft to the plan at once (R1)"),
        Binding("p", "propose_changes", "Propose changes", id="board.propose_changes",
                tooltip="Acting as the freelancer: send your draft to the client as a change request (R2)"),
        Binding("c", "show_changes", "Show changes", id="board.show_changes",
                tooltip="Toggle between your draft and its differences from the current plan"),
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
        Binding("b", "bonus", "Give bonus", id="board.bonus", show=False,
                tooltip="The client pays a bonus outside escrow (P7)"),
        Binding("E", "end_contract", "End contract", id="board.end_contract", show=False,
                tooltip="End the contract with a reason and feedback; future milestones are voided (C3, C4)"),
        Binding("A", "archive", "Archive contract", id="board.archive", show=False,
                tooltip="Hide the contract from the default list (C6)"),
        Binding("g", "accept_request", "Accept change request", id="board.accept_request", show=False,
                tooltip="The client applies the whole change request (R4)"),
        Binding("n", "decline_request", "Decline change request", id="board.decline_request", show=False,
                tooltip="The client declines the change request; nothing changes (R4)"),
        Binding("W", "withdraw_request", "Withdraw change request", id="board.withdraw_request", show=False,
                tooltip="The freelancer takes back their pending change request (R3)"),
        Binding("escape", "back", "Back", id="board.back", show=False,
                tooltip="Back to the contract list"),
    ]

    def __init__(self, contract_id: int, *, side: str | None = None, initial: Board | None = None) -> None:
        super().__init__()
        self.contract_id = contract_id
        self.side = side
        self._initial = initial if side is None or (initial and initial.side == side) else None
        self.board: Board | None = None
        self.showing_diff = False
        self._follow: str | None = None
        self._marked_read = False
        self._shown: dict[type, tuple] = {}
        self._available: tuple = ()
        self._busy = False
        self._queue: list[Callable[[], None]] = []

    # --- layout ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="board-header"):
            yield Static(id="board-title")
            yield ActingAs(id="acting-as")
        yield Static(id="request-notice")
        with Container(id="board-body"):
            with Vertical(id="plan-area"):
                yield PlanTable(id="plan")
                with VerticalScroll(id="diff-scroll"):
                    yield DiffView(id="diff")
            yield MoneyPanel(id="money")
            yield DeadlinesPanel(id="deadlines")
            yield ActivityFeed(id="activity")
        # No palette hint: at 80 columns it covered the last keys; ctrl+p is listed in help.
        yield KeysFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#money").border_title = "Money"
        self.query_one("#deadlines").border_title = "Deadlines"
        self.query_one("#activity").border_title = "Activity (● unread)"
        self.query_one("#plan-area").border_title = "Plan"
        self.query_one(PlanTable).focus()
        if self._initial is not None:
            initial, self._initial = self._initial, None
            self.show_board(initial)
        else:
            self.reload()

    def on_database_changed(self) -> None:
        # Another session (or a timer) committed: show the current state, unless one of our
        # own operations is in flight, whose answer will be the current state anyway.
        if not self._busy:
            self.reload()

    def reload(self) -> None:
        call_storage(self, api.board, self.contract_id, side=self.side, done=self.show_board,
                     group="board-read")

    # --- showing ---------------------------------------------------------------------
    def show_board(self, b: Board) -> None:
        if self.side is not None and b.side != self.side:
            self.reload()  # an operation answered with my_side's view: read the acting side's
            return
        self.board = b
        self.side = b.side
        c = b.contract
        now = self.app.clock.now()
        title = Text(clean(c.title), style="bold")
        if c.client_name:
            title.append(f" · {clean(c.client_name)}", style="dim")
        if not c.is_open:
            title.append(" · ended", style="bold")
        if c.archived:
            title.append(" · archived", style="dim")
        self.query_one("#board-title", Static).update(title)
        self.query_one(ActingAs).show(b.side, c.my_side)
        self.query_one("#request-notice", Static).update(self._notice(b))
        self.query_one("#request-notice").display = b.request is not None or b.refund_request is not None
        if b.draft is None:
            self.showing_diff = False
        table = self.query_one(PlanTable)
        table.show(b.plan, c.currency, now, follow=self._follow)
        self._follow = None
        self._show_if_changed(DiffView, b.draft_diff, c.currency)
        self.query_one("#plan").display = not self.showing_diff
        self.query_one("#diff-scroll").display = self.showing_diff
        plan_area = self.query_one("#plan-area")
        plan_area.border_title = ("Plan — your draft (" + b.side + ")" if b.draft is not None else "Plan") \
            if not self.showing_diff else "Plan — changes in your draft"
        self._show_if_changed(MoneyPanel, b.money, c.currency)
        self._show_if_changed(DeadlinesPanel, b.deadlines, now, minute=True)
        self._show_if_changed(ActivityFeed, b.events, now, minute=True)
        if not self._marked_read and b.unread:
            self._marked_read = True
            call_storage(self, api.mark_events_read, self.contract_id, group="mark-read",
                         refused=lambda e: None)
        # The footer is rebuilt only when the set of available actions changed (a rebuild
        # costs a frame's worth of work on every move otherwise).
        available = (self.side, *(self.check_action(b.action.split("(")[0], ()) for b in self.BINDINGS))
        if available != self._available:
            self._available = available
            self.refresh_bindings()

    def _show_if_changed(self, widget: type, *args: Any, minute: bool = False) -> None:
        """Redraw a panel only when what it shows changed: a plan move then repaints the plan,
        not every panel (countdowns are shown to the minute)."""
        key = tuple(a.replace(second=0, microsecond=0) if minute and hasattr(a, "replace") and
                    hasattr(a, "minute") else a for a in args)
        if self._shown.get(widget) == key:
            return
        self._shown[widget] = key
        self.query_one(widget).show(*args)

    def _notice(self, b: Board) -> Text:
        text = Text()
        if b.request is not None:
            r = b.request
            text.append("⚑ Change request pending", style="bold")
            text.append(f" from the {r.proposed_by}")
            if r.diff is not None and r.diff.problems:
                text.append(" — no longer applies (R4)", style="bold")
            text.append(" — press v to review")
        if b.refund_request is not None:
            rr = b.refund_request
            if text:
                text.append("\n")
            text.append(f"⚑ Refund request: {money(rr.amount_minor, b.contract.currency)} ({rr.status})",
                        style="bold")
            if rr.status == "pending":
                text.append(f", answer by {rr.answer_due_at:%Y-%m-%d %H:%M} UTC — press y")
        return text

    # --- running operations ----------------------------------------------------------
    def run_op(self, fn: Callable[..., Board], *args: Any, versioned: bool = True, follow: str | None = None,
               **kwargs: Any) -> None:
        """Call a storage operation with the acting side's version; one at a time, in order."""
        def start() -> None:
            self._busy = True
            self._follow = follow
            if versioned and self.board is not None:
                kwargs["expect_version"] = self.board.contract.version
            call_storage(self, fn, self.contract_id, *args, done=self._done, refused=self._refused, **kwargs)

        if self._busy:
            self._queue.append(start)
        else:
            start()

    def _next(self) -> None:
        self._busy = False
        if self._queue:
            self._queue.pop(0)()

    def _done(self, b: Board) -> None:
        self.show_board(b)
        self._next()

    def _refused(self, error: Exception) -> None:
        show_refusal(self.app, error)
        self._queue.clear()
        self._follow = None
        if isinstance(error, Conflict):
            self.reload()
        self._next()

    def _after_dialog(self, result: Board | None) -> None:
        if isinstance(result, Board):
            self.show_board(result)
        else:
            self.reload()

    def open_dialog(self, dialog) -> None:
        self.app.push_screen(dialog, self._after_dialog)

    def confirm_then(self, question: str, detail: str, then: Callable[[], None]) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(Confirm(question, detail, confirm_label="Yes, do it"), answered)

    def _versioned(self, **kw: Any) -> dict[str, Any]:
        return {"expect_version": self.board.contract.version, **kw}

    # --- which actions make sense ----------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        b = self.board
        if action == "back":
            return True
        if b is None:
            return False
        c = b.contract
        side = self.side
        locked = b.locked
        table = self.query_one(PlanTable)
        if action in PLAN_ACTIONS:
            if not c.is_open or c.kind != "fixed":
                return False
            return not (action != "add_milestone" and table.selected is None)
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
            case "bonus":
                return side == "client"
            case "end_contract":
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
        return True

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

    @on(PlanTable.Dragged)
    def on_plan_dragged(self, event: PlanTable.Dragged) -> None:
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
                                       **self._versioned(actor="freelancer")))

    def action_request_changes(self) -> None:
        b = self.board
        self.open_dialog(MessageDialog(api.request_changes, b.id, title="Request changes", ok_label="Send back",
                                       label="What needs to change",
                                       intro=f"Sends \"{clean(b.locked.title)}\" back to the freelancer (M10).",
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

    def action_end_contract(self) -> None:
        b = self.board
        held = b.locked.held_minor if b.locked else 0
        self.open_dialog(EndContractDialog(api.end_contract, b.id, currency=b.contract.currency, held=held,
                                           actor=self.side, **self._versioned()))

    def action_archive(self) -> None:
        self.confirm_then("Archive this contract?", "It is hidden from the default list; nothing is deleted (C6).",
                          lambda: self.run_op(api.archive_contract, versioned=False))

    # --- change requests (R3, R4) ------------------------------------------------------
    def action_review_request(self) -> None:
        from tui.screens.change_request import ChangeRequestScreen

        self.app.push_screen(ChangeRequestScreen(self.board, self.side), self._after_dialog)

    def action_accept_request(self) -> None:
        self.run_op(api.accept_change_request, actor="client")

    def action_decline_request(self) -> None:
        self.run_op(api.decline_change_request, actor="client")

    def action_withdraw_request(self) -> None:
        self.run_op(api.withdraw_change_request, actor="freelancer")

    # --- acting as, back -------------------------------------------------------------
    def action_act_as(self, side: str) -> None:
        self.side = side
        self.showing_diff = False
        self.query_one(ActingAs).show(side, self.board.contract.my_side)
        self.reload()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


def _diff_summary(d) -> str:
    if d is None:
        return ""
    parts = [f"{len(x)} {label}" for label, x in (("added", d.added), ("edited", d.edited),
                                                   ("moved", d.moved), ("deleted", d.removed)) if x]
    return ", ".join(parts) + "."
