"""The Cairn app: a small shell that opens the database and shows the contract list.

Only what the first screen needs is imported here; the storage operations (and with them
SQLAlchemy and pydantic) load the first time an operation runs, in a thread worker.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from cairn.config import Config
from cairn.storage.clock import Clock, SystemClock
from cairn.storage.db import Database
from cairn.tui import garbage, textual_fixes
from cairn.tui.board_ahead import BoardAhead
from cairn.tui.commands import CairnCommands
from cairn.tui.key_gate import HeldKey, KeyDone, KeyGate
from cairn.tui.keys_first import KeysFirst
from cairn.tui.paint_once import PaintOnce
from cairn.tui.theme_at_start import ThemeAtStart

if TYPE_CHECKING:
    from rich.text import Text

    from cairn.tui.screens.board import BoardScreen

textual_fixes.apply()
log = logging.getLogger("cairn")

#: Themes that follow the terminal's own palette (Textual's ANSI themes).
TERMINAL_THEMES = ("ansi-dark", "ansi-light")
#: Seconds after mounting before the first timer pass (after the first paint); tests set it to 0.
TIMERS_DELAY = 0.5
#: Python's switch interval while the dashboard runs. Storage calls in threads hold the GIL while
#: they build Python objects (the full list: seconds), and each time the screen's thread, or
#: Textual's input and writer threads, want it back they wait up to this long -- several times
#: per key. Python's 5 ms let keys wait 65-99 ms while 100,000 contracts loaded on a busy
#: machine, 1 ms 49-111 (medians 80 and 67 ms over 8 runs each, bench/run.py --only load).
SWITCH_INTERVAL = 0.001


#: How often ``prepare_board`` looks again while keys keep coming (seconds).
BOARD_LOOK = 0.25


def _import_board() -> None:
    import cairn.tui.screens.board  # noqa: F401 - imported ahead, off the screen's thread


def _driver_class():
    """Clicks and drags only, never plain pointer motion, where Textual's Linux driver runs."""
    if os.name == "nt" or os.environ.get("TEXTUAL_DRIVER"):
        return None
    from cairn.tui.driver import ClicksAndDragsDriver

    return ClicksAndDragsDriver


class CairnApp(ThemeAtStart):
    TITLE = "Cairn"
    # Every screen's styles load with the app's, parsed once (7 ms) before the first frame: a
    # screen bringing its own CSS_PATH makes Textual re-parse every stylesheet, with new copies of
    # the theme's variables, when it is first shown (17-40 ms on the first dialog, form, help...).
    # A screen's own sheet is not scoped to it anyway: once loaded, it applies everywhere.
    CSS_PATH = ["app.tcss", "screens/contract_list.tcss", "screens/board.tcss", "screens/change_request.tcss",
                "screens/new_contract.tcss", "screens/history.tcss", "screens/profiles.tcss",
                "screens/report.tcss", "screens/help.tcss", "dialogs/dialogs.tcss"]
    COMMANDS = App.COMMANDS | {CairnCommands}
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="help",
                tooltip="Every key of this screen, with what it does"),
        Binding("ctrl+p", "command_palette", "Commands", id="palette", show=False,
                tooltip="Search every action by name"),
        Binding("q", "quit", "Quit", id="quit", show=False, tooltip="Leave Cairn; everything is already saved"),
        Binding("M", "profiles", "Platform profiles", id="profiles", show=False,
                tooltip="Each platform's review window, hold, refund and feedback windows, minimum and fee"),
        # Priority, so the focus moves before the next key is delivered: over SSH keys arrive
        # bunched, and the screen's own tab binding ran only after the keys behind it had
        # already gone to the field being left. No description: help lists the screen's own.
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]

    def __init__(self, db: Database, *, clock: Clock | None = None, theme: str | None = None,
                 config: Config | None = None, keymap: dict[str, str] | None = None) -> None:
        """``config``: the settings in force (``cairn.config.load``); ``keymap``: its keymap as
        checked by ``cairn.tui.keymap.check`` (refused before the app is built)."""
        super().__init__(driver_class=_driver_class())
        self._remember_choices = config is not None  # only a real config file is written to
        self.config = config or Config(Path(os.devnull))
        self.keymap = keymap or {}
        if self.keymap:
            self.set_keymap(self.keymap)
        self.cursor_blink = self.config.cursor_blink
        self.db = db
        self.clock = clock or SystemClock()
        self._board: BoardScreen | None = None  # one board screen, shown each contract opened
        self._board_prepared = False  # its modules imported ahead (prepare_board)
        self._garbage = garbage.QuietCollector()
        self.key_gate = KeyGate(self)  # one key at a time, each to the screen it was meant for
        self.keys_first = KeysFirst()  # the list's big load waits while a key is answered
        self._paint_once = PaintOnce(self)  # a screen opened or closed is painted once
        self.board_ahead = BoardAhead(self)  # the board under the list's cursor, ready before Enter
        self.closing = False
        self.timers_started = False  # the first timer pass has begun (tests wait for it)
        theme = theme or os.environ.get("CAIRN_THEME") or self.config.theme
        if theme:
            name = "ansi-dark" if theme in ("ansi", "terminal") else theme
            if name in self.available_themes:
                self.start_with_theme(name)

    def get_default_screen(self) -> Screen:
        from cairn.tui.screens.contract_list import ContractListScreen

        return ContractListScreen()

    def on_load(self) -> None:
        garbage.start()  # until the first frame (on_ready)

    def on_mount(self) -> None:
        from cairn.tui.watch import POLL_SECONDS, DataVersionWatcher

        self.theme_changed_signal.subscribe(self, self._remember_theme)
        # 16 colours (or fewer): the cursor row is drawn in the terminal's own colours (app.tcss).
        self.set_class(not self.is_headless and self.console.color_system in ("standard", "windows"), "-few-colours")
        self.set_interval(garbage.CHECK_SECONDS, self._garbage.tick)
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._watcher = DataVersionWatcher(self.db.path)
        self.set_interval(POLL_SECONDS, self.poll_database)
        # Timers (M11 auto-release, P6 silence, P5 availability) as of now, after the first
        # paint, and again every minute while the dashboard stays open.
        if TIMERS_DELAY:
            self.set_timer(TIMERS_DELAY, self._apply_timers)
        else:
            self.call_after_refresh(self._apply_timers)
        self.set_interval(60, self._apply_timers)

    def settle_memory(self) -> None:
        garbage.settle()

    def collect_garbage(self) -> None:
        self._garbage.collect()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._garbage.input_seen()
        if isinstance(event, events.Key) and not event.is_forwarded:
            if not self.key_gate.hold(event):  # held keys come back as HeldKey, in order
                await self._let_key_through(event)
            return
        await super().on_event(event)
        if isinstance(event, events.Key):  # back up from the widget it was given to
            self.key_gate.came_back(event)

    async def _let_key_through(self, event: events.Key) -> None:
        screen = self.screen
        await super().on_event(event)
        self.key_gate.sent(event, screen)

    async def on_held_key(self, message: HeldKey) -> None:
        await self._let_key_through(message.key)

    def push_screen(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201 - Textual's signature
        self._paint_once.screen_changing()
        return super().push_screen(*args, **kwargs)

    def pop_screen(self):  # noqa: ANN201 - Textual's signature
        self._paint_once.screen_changing()
        return super().pop_screen()

    def look_again_in(self, seconds: float, callback: Callable[[], object]) -> asyncio.TimerHandle:
        """Run ``callback`` on the app's message queue in ``seconds``: the key gate's and
        paint-once's looks, several for every key. The event loop's own timer hands it to the
        queue, where an error in it is the app's as in any handler. A Textual timer is a task and
        an event each: the gate's two a key cost ~0.4 ms of a cursor move (8%). The handle
        cancels a look no longer needed, which would otherwise land in the middle of a later key."""
        return asyncio.get_running_loop().call_later(seconds, self.call_later, callback)

    def on_key_done(self, message: KeyDone) -> None:
        self.key_gate.done(message)
        if self.key_gate.idle:  # every key read so far has landed: once drawn, the load goes on
            self.keys_first.landed(self.keys_first.read)

    def on_ready(self) -> None:
        # The first frame is on the terminal: now the screen may do its heavy loading.
        garbage.first_frame()
        after = getattr(self.screen, "after_first_frame", None)
        if after is not None:
            after()

    def _apply_timers(self) -> None:
        from cairn.tui.worker import call_storage

        self.timers_started = True

        def apply(db, clock):
            # No ORM unless a timer is due: a second of imports, which took turns with the keys
            # while the first screens were drawn.
            from cairn.storage.operations.timer_pass import apply_timers

            return apply_timers(db, clock)

        def done(fired: int) -> None:
            if fired:  # the worker took the commit for our own: the screens must still show it
                self._tell_screens()

        call_storage(self, apply, group="timers", exclusive=True, refused=lambda e: None, done=done)

    def prepare_board(self) -> None:
        """Import the board's modules (the ORM's among them, about a second) in a thread, once the
        list has loaded and the keys have been quiet for a second (``garbage.QUIET_SECONDS``):
        opening the first contract then waits for none of it. Not while the list loads or keys
        come: the imports took turns with them (a cursor key waited 67 ms)."""
        if self._board_prepared:
            return
        if not self._garbage.quiet():
            self.look_again_in(BOARD_LOOK, self.prepare_board)
            return
        self._board_prepared = True
        self.run_worker(_import_board, thread=True, group="prepare-board", exit_on_error=False)

    def _board_screen(self) -> BoardScreen:
        if self._board is None:
            from cairn.tui.screens.board import BoardScreen

            self._board = BoardScreen()
            # Installed, so Textual keeps it (and its widgets and styles) when it is popped.
            self.install_screen(self._board, "board")
        return self._board

    @property
    def kept_board(self) -> BoardScreen | None:
        """The board screen, once a contract has been opened."""
        return self._board

    def data_version(self) -> int | None:
        """SQLite's ``data_version`` on the watcher's connection: changes with every commit."""
        watcher = getattr(self, "_watcher", None)
        return None if watcher is None else watcher.version()

    def open_board(self, contract_id: int, title: Text | None = None) -> None:
        """Show a contract's board at once: its read runs in the board's worker, and the one
        paint waits for it. ``title``: its heading, if known already (the list's row). A board
        made ready while the cursor rested on its row (``board_ahead``) is shown as it is."""
        self._paint_once.screen_changing()  # before the board is filled in: one paint for all of it
        if self._board is not None and self._board in self.screen_stack:
            return  # already open, under a dialog (a click that got through)
        ready = self.board_ahead.take(contract_id)
        board = self._board_screen()
        if not ready:
            board.show_contract(contract_id, title=title)
        self.push_screen(board)

    def poll_database(self) -> bool:
        """Another session committed: every screen that shows data reloads. True if it did."""
        if not self._watcher.changed():
            return False
        self._tell_screens()
        return True

    def _tell_screens(self) -> None:
        from cairn.tui.watch import DatabaseChanged

        for screen in self.screen_stack:
            screen.post_message(DatabaseChanged())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title == "Theme":
                command = command._replace(title="Change theme", help="Change the colours; the ANSI "
                                           "themes follow the terminal's own palette")
            yield command

    def _remember_theme(self, theme) -> None:
        """A theme chosen in the palette is written to the config file (comments kept)."""
        if not self._remember_choices or theme.name == (self.config.theme or "textual-dark"):
            return
        from cairn.config import save_setting

        self.config = self.config.replace(theme=theme.name)
        path = self.config.path

        def save() -> None:
            try:
                save_setting(path, "theme", theme.name)
            except Exception as error:  # noqa: BLE001 - a read-only config: say so, keep the theme
                log.warning("could not save the theme to %s", path, exc_info=True)
                self.call_from_thread(self.notify, f"The theme is not remembered: {path} cannot be written "
                                      f"({error}).", title="Config", severity="warning", markup=False)

        self.run_worker(save, thread=True, group="config", exit_on_error=False)

    # Textual prints an unexpected error as a traceback with local variables on the terminal (it
    # can quote the user's records, and nobody can act on it there). The traceback goes to the
    # log file and the terminal gets one line naming it. No public hook exists for this in
    # Textual 8 (_handle_exception/_fatal_error are private); tests/tui/test_app.py fails if it breaks.
    def _handle_exception(self, error: Exception) -> None:
        from cairn.log import current_path

        log.error("the dashboard stopped on an unexpected error", exc_info=error)
        self._crash_line = (f"cairn: something went wrong ({type(error).__name__}: {error}); "
                            f"the details are in {current_path()}")
        if isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.OperationalError):
            from cairn.storage.files import damaged

            self._crash_line = f"cairn: {damaged(self.db.path, error)}"  # as every command says it
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        self._close_messages_no_wait()  # what Textual's does, less the traceback it renders

    def _print_error_renderables(self) -> None:
        line = getattr(self, "_crash_line", None)
        if line is None:
            super()._print_error_renderables()
            return
        self._exit_renderables.clear()
        print(line, file=sys.stderr)  # one line, however wide the terminal

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "profiles":  # from the list, the board and the history; not over a dialog or itself
            from textual.command import CommandPalette
            from textual.screen import ModalScreen

            screen = self.screen
            if (isinstance(screen, CommandPalette) or type(screen).__name__ == "HelpScreen") \
                    and len(self.screen_stack) > 1:
                screen = self.screen_stack[-2]  # asked by the palette or help: the screen they were opened on
            return not isinstance(screen, ModalScreen) and type(screen).__name__ != "ProfilesScreen"
        return True

    def action_profiles(self) -> None:
        from cairn.tui.screens.profiles import ProfilesScreen

        self.push_screen(ProfilesScreen())

    def action_help(self) -> None:
        from cairn.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def on_unmount(self) -> None:
        # Storage calls still running in threads find the database closed; they end quietly.
        self.closing = True
        garbage.restore()
        if hasattr(self, "_switch_interval"):
            sys.setswitchinterval(self._switch_interval)
        if hasattr(self, "_watcher"):
            self._watcher.close()
        self.db.close()


def make_app(db_path: Path | str | None = None, *, clock: Clock | None = None,
             config: Config | None = None) -> CairnApp:
    """The one factory used by ``cairn`` and by the tests. A keymap the config names is checked
    here, before the database is opened (``ConfigError``, one line)."""
    keymap = None
    if config is not None:
        config.check_theme()
        if config.keymap:
            from cairn.tui.keymap import check

            keymap = check(config)
    return CairnApp(Database.open(db_path), clock=clock, config=config, keymap=keymap)


def run(db_path: Path | str | None = None, *, mouse: bool = True, config: Config | None = None) -> None:
    app = make_app(db_path, config=config)
    app.run(mouse=mouse and app.config.mouse)
