"""The milestone board for one contract: the plan, its money, deadlines and activity.

Acts as one party at a time (``Acting as``, defaulting to the contract's ``my_side``); every
operation is called with that side and the contract's version, and the board re-renders
from the ``Board`` the operation returns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from cairn.storage import api
from cairn.storage.errors import Conflict
from cairn.storage.queries.board_views import Board
from cairn.tui.screens import board_keys, board_refusals
from cairn.tui.screens.board_actions import MoneyActions, PlanActions
from cairn.tui.screens.board_text import heading, notice, terms
from cairn.tui.textual_fixes import StylesKeptWhileAway
from cairn.tui.widgets.board import (
    ActingAs,
    ActivityFeed,
    DeadlinesPanel,
    DiffView,
    MilestoneDetail,
    MoneyPanel,
    PlanTable,
)
from cairn.tui.widgets.common.footer import KeysFooter
from cairn.tui.worker import call_storage, show_refusal


def evidence_folder() -> str:
    """Where D writes the evidence pack: the folder cairn was started in, as a command would."""
    import os

    return os.getcwd()


SLOW_READ = 0.3  # seconds: a board read that takes longer hides the contract shown before


class BoardScreen(PlanActions, MoneyActions, StylesKeptWhileAway, Screen[None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]  # short: the activity feed folds away
    BINDINGS = board_keys.BINDINGS

    def __init__(self, contract_id: int | None = None, *, side: str | None = None,
                 initial: Board | None = None) -> None:
        super().__init__()
        self._visit = 0
        self._shown: dict[type | str, tuple] = {}
        self._queue: list[Callable[[], None]] = []
        self.show_contract(contract_id, side=side, initial=initial)

    def show_contract(self, contract_id: int | None, *, side: str | None = None,
                      initial: Board | None = None, title: Text | None = None) -> None:
        """Show a contract on this screen. The app keeps one board screen and shows each
        contract opened on it: building the screen anew cost ~25 ms of widgets and styles on
        every Enter. Answers still on their way for the contract shown before are dropped.
        ``title``: the heading, known before the board is read (from the list's row)."""
        self._visit += 1
        self._title = title
        self.contract_id = contract_id
        self.side = side
        self._initial = initial if side is None or (initial and initial.side == side) else None
        self.board: Board | None = None
        self.showing_diff = False
        self._follow: str | None = None
        self._marked_read = False
        self._unread: frozenset[int] = frozenset()  # events unread when this visit saw them
        self._busy = False
        self._queue.clear()
        if self.is_mounted:
            self._start()

    # --- layout ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="board-header"):
            yield Static(id="board-title")
            yield ActingAs(id="acting-as")
        yield Static(id="request-notice")
        with Container(id="board-body"):
            with Vertical(id="plan-area"):
                yield Static(id="plan-note")
                yield PlanTable(id="plan")
                yield MilestoneDetail(id="milestone-detail")
                with VerticalScroll(id="diff-scroll"):
                    yield DiffView(id="diff")
            yield MoneyPanel(id="money")
            yield DeadlinesPanel(id="deadlines")
            yield ActivityFeed(id="activity")
        # No palette hint: at 80 columns it covered the last keys; ctrl+p is listed in help.
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#deadlines").border_title = "Deadlines"
        self.query_one("#activity").border_title = "Activity (● unread)"
        self.query_one("#plan-area").border_title = "Plan"
        self._start()

    def _start(self) -> None:
        if self._initial is None and self.board is None:  # nothing of this contract's to show yet
            if self._title is not None:
                self._show_if_changed("#board-title", self._title)
            # The screen is painted once its read answers (paint_once); should the read be slow,
            # what the contract shown before left on it is not shown under this one's title.
            self.set_timer(SLOW_READ, self._this_visit(self._hide_until_read))
        table = self.query_one(PlanTable)
        table.move_cursor(row=0, animate=False)
        table.scroll_home(animate=False)
        self.query_one(ActivityFeed).scroll_home(animate=False)
        table.focus()
        if self._initial is not None:
            initial, self._initial = self._initial, None
            self.show_board(initial)
        else:
            self.reload()

    @property
    def read_shown(self) -> bool:
        """The board of the contract opened is drawn (``paint_once`` paints the screen then)."""
        return self.board is not None

    def _hide_until_read(self) -> None:
        if self.board is None:
            self.query_one("#board-body").display = False

    def on_database_changed(self) -> None:
        # Another session (or a timer) committed: show the current state, unless one of our
        # own operations is in flight, whose answer will be the current state anyway.
        if not self._busy:
            self.reload()

    def reload(self) -> None:
        call_storage(self, api.board, self.contract_id, side=self.side, done=self._this_visit(self.show_board),
                     group="board-read")

    def _this_visit(self, callback: Callable[..., None]) -> Callable[..., None]:
        """``callback``, for answers that may arrive after another visit began (Esc, then Enter on
        another contract). A board that arrives late for the same contract is still shown if it
        is not older than the one on screen; anything else late is dropped."""
        visit, contract_id = self._visit, self.contract_id

        def call(*args: Any) -> None:
            if visit == self._visit:
                callback(*args)
            elif contract_id == self.contract_id and args and isinstance(args[0], Board) and (
                    self.board is None or args[0].contract.version >= self.board.contract.version):
                self.show_board(args[0])

        return call

    # --- showing ---------------------------------------------------------------------
    def show_board(self, b: Board) -> None:
        if self.side is not None and b.side != self.side:
            self.reload()  # an operation answered with my_side's view: read the acting side's
            return
        self.board = b
        self.side = b.side
        c = b.contract
        now = self.app.clock.now()
        body = self.query_one("#board-body")
        if not body.display:  # hidden while a slow read ran: the plan takes back the focus
            body.display = True
            self.query_one(PlanTable).focus()
        self._show_if_changed("#board-title", heading(c.title, c.client_name, is_open=c.is_open, archived=c.archived,
                                                      hourly=c.kind == "hourly"))
        self._show_if_changed(ActingAs, b.side, c.my_side)
        self._show_if_changed("#request-notice", notice(b))
        self.query_one("#request-notice").display = b.request is not None or b.refund_request is not None
        if b.draft is None:
            self.showing_diff = False
        table = self.query_one(PlanTable)
        table.show(b.plan, c.currency, now, follow=self._follow)
        self._follow = None
        if self.showing_diff:  # hidden, it waits until shown: a plan move then redraws the plan alone
            self._show_if_changed(DiffView, b.draft_diff, c.currency)
        hourly = c.kind == "hourly"
        self.query_one("#plan").display = not self.showing_diff and not hourly
        self.query_one("#diff-scroll").display = self.showing_diff
        note = self.query_one("#plan-note")
        note.display = hourly
        if hourly:
            self._show_if_changed("#plan-note", Text(
                "An hourly contract has no milestones, so no plan and no escrow (C1). What applies here: a "
                "bonus, ending the contract, feedback; hourly work itself is recorded on the platform.",
                style="dim"))
        plan_area = self.query_one("#plan-area")
        # P9: then the numbers this contract keeps, where its deadlines and fees come from.
        plan_area.border_title = ("Plan — hourly contract, no milestones" if hourly else (
            ("Plan — your draft (" + b.side + ")" if b.draft is not None else "Plan")
            if not self.showing_diff else "Plan — changes in your draft")) + " · " + terms(c.profile, c.revision_cap)
        self._show_detail()
        self._show_if_changed(MoneyPanel, b.money, c.currency, c.my_side, b.at_risk)
        self._show_if_changed(DeadlinesPanel, b.deadlines, now, minute=True)
        # Marked as they were when this visit first saw them: the visit's own "mark read" (or a
        # reload for any other reason) does not take the markers away while the user reads.
        self._unread |= {e.id for e in b.events if not e.read}
        self._show_if_changed(ActivityFeed, b.events, now, self._unread, minute=True)
        self._mark_read()
        # The keys that apply may have changed; the footer redraws only if they did.
        self.refresh_bindings()

    def _mark_read(self) -> None:
        """The board's events are read once it is shown: not while it is only made ready, off the
        stack, under the list's cursor (``board_ahead``)."""
        if not self._marked_read and self.board is not None and self.board.unread and self in self.app.screen_stack:
            self._marked_read = True
            call_storage(self, api.mark_events_read, self.contract_id, group="mark-read",
                         refused=lambda e: None)

    def on_screen_resume(self) -> None:
        self._mark_read()

    def _show_detail(self) -> None:
        b = self.board
        if b is None:
            return
        pr = self.query_one(PlanTable).selected
        m = b.milestone(pr.key) if pr is not None else None
        self._show_if_changed(MilestoneDetail, None if self.showing_diff else pr, m, b.contract.currency,
                              b.contract.my_side, b.revisions_text(m) if m is not None else None)

    def on_data_table_row_highlighted(self) -> None:
        self._show_detail()

    def _show_if_changed(self, widget: type | str, *args: Any, minute: bool = False) -> None:
        """Redraw a panel (or update a ``Static`` named by its selector) only when what it shows
        changed: a plan move then repaints the plan alone. An update costs a layout pass of the
        whole screen even when nothing moves (countdowns are shown to the minute)."""
        key = tuple(a.replace(second=0, microsecond=0) if minute and hasattr(a, "replace") and
                    hasattr(a, "minute") else a for a in args)
        if self._shown.get(widget) == key:
            return
        self._shown[widget] = key
        if isinstance(widget, str):
            self.query_one(widget, Static).update(*args)
        else:
            self.query_one(widget).show(*args)

    # --- running operations ----------------------------------------------------------
    def run_op(self, fn: Callable[..., Board], *args: Any, versioned: bool = True, follow: str | None = None,
               **kwargs: Any) -> None:
        """Call a storage operation with the acting side's version; one at a time, in order."""
        def start() -> None:
            self._busy = True
            self._follow = follow
            if versioned and self.board is not None:
                kwargs["expect_version"] = self.board.contract.version
            call_storage(self, fn, self.contract_id, *args, done=self._this_visit(self._done),
                         refused=self._this_visit(self._refused), **kwargs)

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
        """Show a dialog; its answer (a ``Board``) comes back to this board. Keys typed in a burst
        behind the action's key (over SSH, one packet) wait in the app's key gate until the dialog
        is mounted, then land in its field, in order (``cairn.tui.key_gate``)."""
        self.app.push_screen(dialog, self._this_visit(self._after_dialog))

    def confirm(self, operation: Callable[..., Board], question: str, detail: str = "", *,
                ok_label: str = "Yes, do it", versioned: bool = True, records_time: bool | None = None,
                **kwargs: Any) -> None:
        """Ask first (the one confirmation, with When for what is recorded), then run ``operation``
        with the contract's version; the board shows its answer."""
        from cairn.tui.dialogs import ConfirmDialog

        kw = self._versioned(**kwargs) if versioned else kwargs
        self.open_dialog(ConfirmDialog(operation, self.contract_id, question=question, detail=detail,
                                       ok_label=ok_label, records_time=records_time, **kw))

    def _versioned(self, **kw: Any) -> dict[str, Any]:
        return {"expect_version": self.board.contract.version, **kw}

    # --- which actions apply now ---------------------------------------------------
    def applies_now(self, action: str, parameters: tuple[object, ...] = ()) -> bool:
        """Whether ``action`` applies in the board's state: the footer shows it and the palette
        offers it first. One that does not still runs when asked, and says why (``explain``)."""
        has_selection = self.board is not None and self.query_one(PlanTable).selected is not None
        return board_keys.available(action, parameters, self.board, self.side, has_selection)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Every key runs, so none is silent; the two act_as bindings share w, so only the one
        # that switches sides is live.
        return self.applies_now(action, parameters) if action == "act_as" else True

    def explain(self, action: str, run: Callable[[], Any]) -> None:
        """Why ``action`` does not apply now (``board_refusals.explain``)."""
        if self.board is None:
            self.app.notify("The board is still loading; press the key again once it shows.",
                            severity="warning", markup=False, timeout=4)
            return
        board_refusals.explain(self, action, self.side, self.contract_id, run, wrap=self._this_visit)

    # --- acting as, back -------------------------------------------------------------
    def action_act_as(self, side: str) -> None:
        self.side = side
        self.showing_diff = False
        self.query_one(ActingAs).show(side, self.board.contract.my_side)
        self.reload()

    def action_evidence_pack(self) -> None:
        from cairn.storage.exchange.evidence import write_pack

        def written(result) -> None:
            path, pack = result
            verdict = "passes cairn check" if not pack.problems else f"cairn check: {len(pack.problems)} problem(s)"
            self.notify(f"Evidence pack written to {path} ({verdict}).", markup=False, timeout=10)

        call_storage(self, write_pack, self.contract_id, evidence_folder(), done=written, group="evidence")

    def action_history(self) -> None:
        from cairn.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.contract_id))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
