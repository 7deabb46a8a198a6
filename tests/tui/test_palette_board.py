"""Every action the issue names is in the command palette (ctrl+p) in some state of the app, and
runs from there: the palette is opened with its key, the name typed, the entry chosen, and the
database checked afterwards."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import CommandInput, CommandList, CommandPalette
from textual.screen import Screen
from textual.widgets import Footer

from cairn.storage import api
from cairn.storage.queries.board import board as read_board
from cairn.tui.commands import NOT_NOW, CairnCommands, bound_actions
from cairn.tui.dialogs import (
    AnswerRefundDialog,
    BonusDialog,
    EndContractDialog,
    MessageDialog,
    MilestoneForm,
    ReleaseDialog,
)
from cairn.tui.screens.board import BoardScreen
from cairn.tui.screens.contract_list import ContractListScreen
from cairn.tui.screens.new_contract import NewContractScreen
from tests.tui.asynctest import asynctest, settle, wait_until

#: The issue's list, word for word.
ISSUE_NAMES = [
    "New contract", "Add milestone", "Edit milestone", "Delete milestone", "Move milestone up",
    "Move milestone down", "Show changes", "Send changes", "Propose changes", "Discard changes",
    "Accept change request", "Decline change request", "Withdraw change request",
    "Fund and activate next milestone", "Submit work", "Request changes", "Release payment", "Refund escrow",
    "Answer refund request", "Give bonus", "End contract", "Act as client", "Act as freelancer",
    "Archive contract",
]


# --- states: each builds its own contract and says which side the board acts as ------------------
def _contract(db, clock, *, my_side: str = "freelancer") -> int:
    return api.create_contract(db, title="Walk", client_name="Acme", my_side=my_side, milestones=[
        api.MilestoneIn("Design", "1000.00"), api.MilestoneIn("Build", "2000.00"),
        api.MilestoneIn("Launch", "500.00")], clock=clock).id


def _funded(db, clock, **kw) -> int:
    cid = _contract(db, clock, **kw)
    api.fund_next_milestone(db, cid, clock=clock)
    return cid


def fresh_as_client(db, clock):
    return _contract(db, clock, my_side="client"), "client"


def escrow_as_freelancer(db, clock):
    return _funded(db, clock), "freelancer"


def escrow_as_client(db, clock):
    return _funded(db, clock), "client"


def draft_as_freelancer(db, clock):
    cid = _funded(db, clock)
    api.draft_add(db, cid, side="freelancer", title="Extra page", amount="250", clock=clock)
    return cid, "freelancer"


def draft_as_client(db, clock):
    cid = _funded(db, clock)
    api.draft_add(db, cid, side="client", title="Extra page", amount="250", clock=clock)
    return cid, "client"


def _requested(db, clock) -> int:
    cid = _contract(db, clock)
    api.draft_add(db, cid, side="freelancer", title="Extra page", amount="250", clock=clock)
    api.propose_changes(db, cid, message="One more page", clock=clock)
    return cid


def request_as_client(db, clock):
    return _requested(db, clock), "client"


def request_as_freelancer(db, clock):
    return _requested(db, clock), "freelancer"


def submitted_as_client(db, clock):
    cid = _funded(db, clock)
    api.submit_work(db, cid, message="Done", clock=clock)
    return cid, "client"


def refund_requested_as_freelancer(db, clock):
    cid = _funded(db, clock)
    api.request_refund(db, cid, amount="200", clock=clock)
    return cid, "freelancer"


BOARD_STATES = [fresh_as_client, escrow_as_freelancer, escrow_as_client, draft_as_freelancer, draft_as_client,
                request_as_client, request_as_freelancer, submitted_as_client, refund_requested_as_freelancer]


# --- helpers ----------------------------------------------------------------------------------
def prepare(db_path, clock, state) -> tuple[int, str]:
    db = api.Database.open(db_path)
    try:
        return state(db, clock)
    finally:
        db.close()


def db_board(db_path, clock, cid: int, side: str | None = None):
    db = api.Database.open(db_path)
    try:
        return read_board(db, cid, clock, side=side)
    finally:
        db.close()


async def offered(screen, *, now: bool = True) -> list[str]:
    """What the palette lists before anything is typed (``now``: what applies now, not the
    entries marked "not available now", which run and say why)."""
    return [str(hit.display) async for hit in CairnCommands(screen).discover()
            if not (now and (hit.help or "").startswith(NOT_NOW))]


async def open_board(pilot, cid: int, side: str) -> BoardScreen:
    screen = BoardScreen(cid, side=side)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def select(pilot, screen: BoardScreen, title: str) -> None:
    table = screen.query_one("#plan")
    table.move_cursor(row=next(i for i, pr in enumerate(table.rows_shown) if pr.row.title == title), animate=False)
    await pilot.pause()


async def run_from_palette(pilot, name: str) -> None:
    """ctrl+p, type the name, move down to the entry with exactly that name, enter.

    The name goes into the palette's input in one go: key by key costs a search per key, and the
    full walk through typing is in test_palette.py."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    palette.query_one(CommandInput).value = name.lower()
    commands = palette.query_one(CommandList)
    def offered() -> bool:  # the palette gathers hits in the background
        hits = [getattr(commands.get_option_at_index(i), "hit", None) for i in range(commands.option_count)]
        return name in [getattr(hit, "text", None) for hit in hits]

    await wait_until(pilot, offered, f"the palette offers {name!r}")
    for _ in range(commands.option_count):
        await pilot.press("down")
        if commands.highlighted is not None and commands.get_option_at_index(commands.highlighted).hit.text == name:
            break
    await pilot.press("enter")
    await settle(pilot)
    assert not isinstance(pilot.app.screen, CommandPalette)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


# --- every name is offered somewhere, and only where it makes sense -----------------------------
@asynctest
async def test_every_action_of_the_issue_is_offered_in_some_state(make_test_app, db_path, clock):
    where: dict[str, list[str]] = {}
    app = make_test_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for name in await offered(pilot.app.screen):
            where.setdefault(name, []).append("contract list")
        for state in BOARD_STATES:
            cid, side = prepare(db_path, clock, state)
            screen = await open_board(pilot, cid, side)
            await select(pilot, screen, "Launch")  # a future milestone: plan edits apply
            for name in await offered(screen):
                where.setdefault(name, []).append(state.__name__)
            screen.dismiss()
            await settle(pilot)
    missing = [name for name in ISSUE_NAMES if name not in where]
    assert not missing, f"never offered: {missing}"
    # Side-specific actions apply only to their side (the others are marked "not available now").
    assert set(where["Send changes"]) == {"draft_as_client"}
    assert set(where["Propose changes"]) == {"draft_as_freelancer"}
    assert set(where["Withdraw change request"]) == {"request_as_freelancer"}
    assert set(where["Answer refund request"]) == {"refund_requested_as_freelancer"}
    assert set(where["Request changes"]) == {"submitted_as_client"}
    assert "escrow_as_freelancer" not in where["Release payment"]
    assert "escrow_as_client" not in where["Act as client"]


@asynctest
async def test_hidden_footer_bindings_are_in_the_palette(make_test_app, db_path, clock):
    cid, side = prepare(db_path, clock, escrow_as_freelancer)
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_board(pilot, cid, side)
        await select(pilot, screen, "Launch")
        not_in_footer = {b.description for b in screen.BINDINGS if not b.show}
        names = set(await offered(screen))
        assert {"Move milestone up", "Move milestone down", "Refund escrow", "End contract",
                "Archive contract"} <= names & not_in_footer
        # Both "w" bindings (act_as with a parameter) are listed; only the other side is offered.
        assert "Act as client" in names and "Act as freelancer" not in names


# --- every name runs from the palette ----------------------------------------------------------
Check = Callable[..., Awaitable[None]]


@dataclass
class Case:
    state: Callable | None  # None: the contract list
    check: Check
    select: str | None = None


async def opens(pilot, kind) -> None:
    assert isinstance(pilot.app.screen, kind), type(pilot.app.screen).__name__


def case_new_contract():
    async def check(pilot, screen, cid, db_path, clock):
        await opens(pilot, NewContractScreen)
    return Case(None, check)


def case_add_milestone():
    async def check(pilot, screen, cid, db_path, clock):
        await opens(pilot, MilestoneForm)
        await type_text(pilot, "Extra")
        await pilot.press("tab")
        await type_text(pilot, "250")
        await pilot.press("ctrl+s")  # saves from any field (enter moves on)
        await settle(pilot)
        plan = db_board(db_path, clock, cid, side="freelancer").plan
        assert plan[-1].row.title == "Extra" and "added" in plan[-1].marks
    return Case(escrow_as_freelancer, check)


def case_edit_milestone():
    async def check(pilot, screen, cid, db_path, clock):
        await opens(pilot, MilestoneForm)
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "600")
        await pilot.press("ctrl+s")
        await settle(pilot)
        (edited,) = db_board(db_path, clock, cid, side="freelancer").draft_diff.edited
        assert edited.title == "Launch" and edited.changes[0].new == 60000
    return Case(escrow_as_freelancer, check, select="Launch")


def case_delete_milestone():
    async def check(pilot, screen, cid, db_path, clock):
        removed = db_board(db_path, clock, cid, side="freelancer").draft_diff.removed
        assert [r.title for r in removed] == ["Launch"]
    return Case(escrow_as_freelancer, check, select="Launch")


def _plan_titles(db_path, clock, cid):
    return [pr.row.title for pr in db_board(db_path, clock, cid, side="freelancer").plan]


def case_move_up():
    async def check(pilot, screen, cid, db_path, clock):
        assert _plan_titles(db_path, clock, cid) == ["Design", "Launch", "Build"]
    return Case(escrow_as_freelancer, check, select="Launch")


def case_move_down():
    async def check(pilot, screen, cid, db_path, clock):
        assert _plan_titles(db_path, clock, cid) == ["Design", "Launch", "Build"]
    return Case(escrow_as_freelancer, check, select="Build")


def case_show_changes():
    async def check(pilot, screen, cid, db_path, clock):
        assert screen.showing_diff and screen.query_one("#diff-scroll").display
    return Case(draft_as_freelancer, check)


def case_send_changes():
    async def check(pilot, screen, cid, db_path, clock):
        await pilot.press("enter")  # the When field has the focus: enter confirms
        await settle(pilot)
        assert [m.title for m in db_board(db_path, clock, cid).milestones][-1] == "Extra page"
    return Case(draft_as_client, check)


def case_propose_changes():
    async def check(pilot, screen, cid, db_path, clock):
        await opens(pilot, MessageDialog)
        await type_text(pilot, "Ok")
        await pilot.press("enter")
        await settle(pilot)
        assert db_board(db_path, clock, cid).request.message == "Ok"
    return Case(draft_as_freelancer, check)


def case_discard_changes():
    async def check(pilot, screen, cid, db_path, clock):
        await pilot.press("y")
        await settle(pilot)
        assert db_board(db_path, clock, cid, side="freelancer").draft is None
    return Case(draft_as_freelancer, check)


def case_accept_request():
    async def check(pilot, screen, cid, db_path, clock):
        await pilot.press("enter")  # the When field has the focus: enter confirms
        await settle(pilot)
        b = db_board(db_path, clock, cid)
        assert b.request is None and [m.title for m in b.milestones][-1] == "Extra page"
    return Case(request_as_client, check)


def case_decline_request():
    async def check(pilot, screen, cid, db_path, clock):
        await opens(pilot, MessageDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        b = db_board(db_path, clock, cid)
        assert b.request is None and "Extra page" not in [m.title for m in b.milestones]
        assert b.past_requests[0].status == "declined"
    return Case(request_as_client, check)


def case_withdraw_request():
    async def check(pilot, screen, cid, db_path, clock):
        await pilot.press("enter")  # the When field has the focus: enter confirms
        await settle(pilot)
        b = db_board(db_path, clock, cid)
        assert b.request is None and b.past_requests[0].status == "withdrawn"
    return Case(request_as_freelancer, check)


def case_fund():
    async def check(pilot, screen, cid, db_path, clock):
        await pilot.press("enter")  # the When field has the focus: enter confirms
        await settle(pilot)
        b = db_board(db_path, clock, cid)
        assert b.locked.title == "Design" and b.locked.state == "active" and b.money.escrow == 100000
    return Case(fresh_as_client, check)


def case_submit_work():
    async def check(pilot, screen, cid, db_path, clock):
        await opens(pilot, MessageDialog)
        await type_text(pilot, "Done")
        await pilot.press("enter", "y")
        await settle(pilot)
        assert db_board(db_path, clock, cid).locked.state == "submitted"
    return Case(escrow_as_freelancer, check)


def case_request_changes():
    async def check(pilot, screen, cid, db_path, clock):
        await opens(pilot, MessageDialog)
        await type_text(pilot, "Redo")
        await pilot.press("enter", "y")
        await settle(pilot)
        assert db_board(db_path, clock, cid).locked.state == "active"
    return Case(submitted_as_client, check)


def case_release():
    async def check(pilot, screen, cid, db_path, clock):
        await opens(pilot, ReleaseDialog)
        await pilot.press("enter", "y")
        await settle(pilot)
        b = db_board(db_path, clock, cid)
        assert b.money.escrow == 0 and b.money.paid == 100000
    return Case(escrow_as_client, check)


def case_refund_escrow():
    async def check(pilot, screen, cid, db_path, clock):
        await pilot.press("enter")  # the When field has the focus: enter confirms
        await settle(pilot)
        b = db_board(db_path, clock, cid)
        assert b.money.escrow == 0 and b.money.refunded == 100000
    return Case(escrow_as_freelancer, check)


def case_answer_refund():
    async def check(pilot, screen, cid, db_path, clock):
        await opens(pilot, AnswerRefundDialog)
        await pilot.press("tab", "tab", "tab", "enter")  # When, Cancel, Dispute
        await settle(pilot)
        assert db_board(db_path, clock, cid).refund_request.status == "disputed"
    return Case(refund_requested_as_freelancer, check)


def case_bonus():
    async def check(pilot, screen, cid, db_path, clock):
        await opens(pilot, BonusDialog)
        await type_text(pilot, "75")
        await pilot.press("enter", "enter", "y")  # amount, note (the last saves), confirmed
        await settle(pilot)
        assert db_board(db_path, clock, cid).money.bonus == 7500
    return Case(escrow_as_client, check)


def case_end_contract():
    async def check(pilot, screen, cid, db_path, clock):
        await opens(pilot, EndContractDialog)
        await pilot.press("tab", "ctrl+s", "y")
        await settle(pilot)
        assert db_board(db_path, clock, cid).contract.status == "ended"
    return Case(fresh_as_client, check)


def case_act_as_client():
    async def check(pilot, screen, cid, db_path, clock):
        assert screen.side == "client" and screen.board.side == "client"
    return Case(escrow_as_freelancer, check)


def case_act_as_freelancer():
    async def check(pilot, screen, cid, db_path, clock):
        assert screen.side == "freelancer" and screen.board.side == "freelancer"
    return Case(request_as_client, check)


def case_archive():
    async def check(pilot, screen, cid, db_path, clock):
        await pilot.press("y")
        await settle(pilot)
        assert db_board(db_path, clock, cid).contract.archived
    return Case(escrow_as_freelancer, check)


CASES = {
    "New contract": case_new_contract, "Add milestone": case_add_milestone, "Edit milestone": case_edit_milestone,
    "Delete milestone": case_delete_milestone, "Move milestone up": case_move_up,
    "Move milestone down": case_move_down, "Show changes": case_show_changes, "Send changes": case_send_changes,
    "Propose changes": case_propose_changes, "Discard changes": case_discard_changes,
    "Accept change request": case_accept_request, "Decline change request": case_decline_request,
    "Withdraw change request": case_withdraw_request, "Fund and activate next milestone": case_fund,
    "Submit work": case_submit_work, "Request changes": case_request_changes, "Release payment": case_release,
    "Refund escrow": case_refund_escrow, "Answer refund request": case_answer_refund, "Give bonus": case_bonus,
    "End contract": case_end_contract, "Act as client": case_act_as_client,
    "Act as freelancer": case_act_as_freelancer, "Archive contract": case_archive,
}


def test_every_name_of_the_issue_has_a_case():
    assert list(CASES) == ISSUE_NAMES


@pytest.mark.parametrize("name", ISSUE_NAMES)
@asynctest
async def test_runs_from_the_palette(make_test_app, db_path, clock, name):
    case = CASES[name]()
    cid = None
    if case.state is not None:
        cid, side = prepare(db_path, clock, case.state)
    app = make_test_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        if cid is not None:
            screen = await open_board(pilot, cid, side)
            if case.select:
                await select(pilot, screen, case.select)
        await run_from_palette(pilot, name)
        await case.check(pilot, screen, cid, db_path, clock)
        assert not any(n.severity == "error" for n in app._notifications), [n.message for n in app._notifications]


# --- check_action: False hides, None shows disabled ---------------------------------------------
class _Toy(Screen):
    BINDINGS = [
        Binding("a", "ready", "Ready action"),
        Binding("b", "greyed", "Greyed action", show=False),
        Binding("c", "gone", "Gone action"),
        Binding("d", "pick('left')", "Pick left"),
        Binding("d", "pick('right')", "Pick right"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.ran: list[str] = []

    def compose(self) -> ComposeResult:
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return {"greyed": None, "gone": False}.get(action, parameters != ("right",))

    def action_ready(self) -> None:
        self.ran.append("ready")

    def action_greyed(self) -> None:
        self.ran.append("greyed")

    def action_pick(self, side: str) -> None:
        self.ran.append(side)


class _ToyApp(App):
    COMMANDS = App.COMMANDS | {CairnCommands}

    def on_mount(self) -> None:
        self.push_screen(_Toy())


@asynctest
async def test_disabled_actions_are_offered_marked_and_refuse_to_run():
    app = _ToyApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        hits = [hit async for hit in CairnCommands(screen).discover()]
        names = [str(h.display) for h in hits]
        # Available first, then disabled (None); False and the other parameter are left out.
        assert names == ["Pick left", "Ready action", "Greyed action"]
        assert hits[-1].help.startswith(NOT_NOW)
        assert {a.description: a.state for a in bound_actions(screen, include_unavailable=True, nodes=[screen]) if not a.generic} == {
            "Ready action": True, "Greyed action": None, "Gone action": False, "Pick left": True,
            "Pick right": False}
        await run_from_palette(pilot, "Greyed action")
        assert screen.ran == []
        assert any("not available now" in n.message for n in app._notifications)
        await run_from_palette(pilot, "Pick left")
        await run_from_palette(pilot, "Ready action")
        assert screen.ran == ["left", "ready"]


def test_the_list_offers_new_contract_and_archive(make_test_app, seeded):
    from tests.tui.asynctest import drive

    async def scenario(pilot):
        assert isinstance(pilot.app.screen, ContractListScreen)
        assert {"New contract", "Archive contract"} <= set(await offered(pilot.app.screen))

    drive(make_test_app(), scenario)
