"""The board of the contract the list's cursor rests on, made ready before Enter.

Opening a contract drew its whole board after the key: read it, fill every panel, lay the
screen out and render about 36 lines of content, 2-3x a bare Textual screen push. Opening the
contract shown last took half that: its widgets still held their drawn lines. So, while the
list's cursor rests on a row and nothing else is waiting, that contract's board is read, shown
on the one board screen the app keeps (installed, not on the stack) and rendered there, the
frame thrown away but every widget's drawn lines kept. Enter then pushes a board that is
already drawn.

Never stale: a board made ready is shown only if no connection has committed since its read
began (SQLite's ``data_version``, read on the watcher's connection, which never writes) and the
clock is still in that minute (the board shows its countdowns to the minute). Otherwise Enter
reads the board as it always did. Nothing here is a write: the board's events are marked read
when it is shown, not when it is made ready.

The render works Textual's compositor from outside, as paint_once does: a screen not on top is
never rendered by Textual. tests/tui/test_board_ahead.py fails if it stops keeping the lines.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cairn.tui.paint_once import messages_waiting

if TYPE_CHECKING:
    from cairn.tui.app import CairnApp

#: Seconds the cursor rests on a row before its board is made ready. Shorter than a person takes
#: from the last arrow to Enter; longer than a held arrow key repeats, so scrolling reads nothing.
REST = 0.04
#: Seconds between looks while the board waits for its messages to be handled, or for keys.
LOOK = 0.002


@dataclass(frozen=True)
class Ready:
    contract_id: int
    version: int  # data_version when its read began
    minute: tuple  # the clock's minute then


class BoardAhead:
    def __init__(self, app: CairnApp) -> None:
        self.app = app
        self._turn = 0  # each rest of the cursor; an answer for an older one is dropped
        self.ready: Ready | None = None
        self.drawn: int | None = None  # the contract whose board is drawn ahead (tests wait for it)
        # The look at the cursor's rest, cancelled when it moves on: moving fast, each key's
        # look fired in the middle of a later key.
        self._rest: asyncio.TimerHandle | None = None

    # --- asked by the list and by open_board ---------------------------------------------
    def cursor_rests_on(self, contract_id: int | None) -> None:
        """The list's cursor moved to ``contract_id``: make its board ready once it rests there."""
        self._turn += 1
        if self._rest is not None:  # the cursor moved on: the look for its last rest is not needed
            self._rest.cancel()
            self._rest = None
        if contract_id is None or (self.app.is_headless and not self.headless):
            return
        turn = self._turn
        self._rest = self.app.look_again_in(REST, lambda: self._read(turn, contract_id))

    #: A headless app (the tests) makes boards ready only where a test turns this on: elsewhere
    #: a test's Enter would take one path or the other by timing.
    headless = False

    def take(self, contract_id: int) -> bool:
        """Enter on ``contract_id``: True if the board screen already shows it, current."""
        self._turn += 1  # whatever is on its way is no longer wanted
        ready, self.ready, self.drawn = self.ready, None, None
        return self._current(ready, contract_id) and self._board_away()

    def _current(self, ready: Ready | None, contract_id: int) -> bool:
        """``ready`` is ``contract_id``'s, and nothing committed nor a minute passed since its read."""
        return (ready is not None and ready.contract_id == contract_id
                and ready.version == self.app.data_version() and ready.minute == self._minute())

    # --- the steps, each on the app's queue --------------------------------------------
    def _board_away(self) -> bool:
        """The board screen exists, has been shown once (it is laid out) and is not on the stack."""
        board = self.app.kept_board
        return board is not None and board.is_mounted and board not in self.app.screen_stack

    def _wanted(self, turn: int) -> bool:
        from cairn.tui.screens.contract_list import ContractListScreen

        return turn == self._turn and self._board_away() and isinstance(self.app.screen, ContractListScreen)

    def _busy(self, board=None) -> bool:  # noqa: ANN001 - the board screen
        """A key, a message (on the app, the list, or ``board``) or a held paint waits: it goes first."""
        app = self.app
        return (app._paint_once.since is not None or messages_waiting(app, app.screen)
                or (board is not None and messages_waiting(app, board)))

    def _minute(self) -> tuple:
        now = self.app.clock.now()
        return now.year, now.month, now.day, now.hour, now.minute

    def _read(self, turn: int, contract_id: int) -> None:
        if not self._wanted(turn):
            return
        if self._current(self.ready, contract_id):
            if self.drawn != contract_id:  # ready, its drawing cut short by a cursor that came back
                self._draw(turn)
            return
        from cairn.storage import api
        from cairn.tui.worker import call_storage

        self.ready = self.drawn = None
        version = self.app.data_version()
        if version is None:
            return
        ready = Ready(contract_id, version, self._minute())
        # absorbs=False: a read for a hidden board must not swallow another session's commit,
        # which the list has yet to show.
        call_storage(self.app, api.board, contract_id, group="board-ahead", absorbs=False,
                     refused=lambda error: None, done=lambda b: self._show(turn, ready, b))

    def _show(self, turn: int, ready: Ready, b) -> None:  # noqa: ANN001 - a Board
        if not self._wanted(turn):
            return
        if self._busy():
            self.app.look_again_in(LOOK, lambda: self._show(turn, ready, b))
            return
        self.app.kept_board.show_contract(ready.contract_id, initial=b)
        self.ready = ready
        self.app.look_again_in(LOOK, lambda: self._draw(turn))

    def _draw(self, turn: int) -> None:
        """Lay the hidden board out and render it once its widgets have handled what the new
        contract posted; the frame is dropped, each widget's drawn lines are kept."""
        if not self._wanted(turn):
            return
        board = self.app.kept_board
        if self._busy(board):
            self.app.look_again_in(LOOK, lambda: self._draw(turn))
            return
        if board._layout_required or board._compositor.size != self.app.size:
            board._layout_required = False
            board._refresh_layout(self.app.size)  # may resize widgets, which post Resize
            self.app.look_again_in(LOOK, lambda: self._draw(turn))
            return
        compositor = board._compositor
        compositor.update_widgets(board._dirty_widgets)
        board._dirty_widgets.clear()
        compositor.render_update(full=True)
        self.drawn = self.ready.contract_id if self.ready is not None else None
