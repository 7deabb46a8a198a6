"""Keys in the order typed, each one landing where the user meant it, however fast they come.

Textual hands every key to the focused widget's queue the moment the key is read, and runs
the screen's bindings only when the key has bubbled back up to the app (Textualize/textual#6605;
#4704 for keys reaching a screen on its way out). Over SSH keys arrive bunched: ``r`` then
``ctrl+u 1234.56`` in one packet put every key after ``r`` in the board's queue before ``r`` had
opened the release dialog, so the amount was typed nowhere, or into the wrong field.

The gate lets one key through at a time. A key is handled when a marker posted right behind it
has bubbled from the widget it was given to up to the app: by then the widget has handled it,
or it has reached the app and the bindings have run. One more marker, sent the same way once the
screen on top is mounted, comes back after what the binding posted (a field's Submitted, a focus
change, a dialog's first focus). More rounds follow while a screen opens or closes, messages are
queued or an operation the key started runs. Keys typed meanwhile wait in order, as if the user
had waited for each one. Mouse events are not held.

A key with none behind it (a user pressing keys one at a time) is drawn first and confirmed
after: the rounds are six messages through the screen's queue, and sent at once they delayed the
key's frame by ~0.5 ms of a 5 ms cursor move. Its rounds go ``LONE_KEY`` later, or at once when
a key is typed behind it; a key that has come back up to the app (its bindings run) needs only
the follow-up round.

This is Cairn's one mechanism for keys in bursts: ``enter y`` in a dialog answers the
confirmation asked once storage has rehearsed the operation (the rehearsal is an operation, so
``y`` waits for it); ``enter j`` moves the board's cursor once the dialog has closed; ``/kestrel``
types the words into the filter ``/`` focused. A form whose operation is refused calls
``drop_typed_ahead``: the keys typed behind its enter were meant for a question never asked, not
for the refused field (escape is kept: it still closes the form).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from functools import partial
from typing import TYPE_CHECKING

from textual import events
from textual.app import ScreenStackError, UnknownModeError
from textual.message import Message

# How often to look again while an operation a key started is still running (seconds).
OPERATION_POLL = 0.01
# The longest the keys behind one key wait for what it set going (seconds). Nothing Cairn does
# takes this long even on a loaded machine; should something never end (a read that hangs),
# the keys typed behind it go on rather than freeze the dashboard.
LONGEST_HOLD = 10.0
# The worker groups of operations a key can start (tui/worker.py's default; the new-contract form),
# and the board's read: ``enter J`` moves a milestone of the board enter opened, once it is read.
OPERATIONS = ("storage", "new-contract", "board-read")
# How long the rounds of a key with none behind it are put off (seconds): its frame is on the
# terminal well before (~5 ms a cursor move); a key typed meanwhile sends them at once.
LONE_KEY = 0.01

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen


class KeyDone(Message, bubble=True):
    """Posted right behind a key (or behind what the key caused) to the focused widget; it
    reaches the app after everything posted there before it has been handled on the way."""

    def __init__(self, seq: int, screen: Screen) -> None:
        super().__init__()
        self.seq = seq
        self.screen = screen  # the screen on top when it was posted


class HeldKey(Message, bubble=False):
    """A held key, let through: the app handles it as the key itself, ahead of later keys."""

    def __init__(self, key: events.Key) -> None:
        super().__init__()
        self.key = key


class KeyGate:
    def __init__(self, app: App) -> None:
        self.app = app
        self.waiting: deque[events.Key] = deque()
        self.busy = False
        self._seq = 0  # the marker in flight; a late one (or a late watch) is ignored
        self._key_handled = False  # the key's own marker is back: what follows are follow-up rounds
        self._since = 0.0  # when the key in flight went (monotonic)
        # The look for a marker lost with its widget (``_lost``): cancelled when the marker comes
        # back, as it nearly always does. Left to fire 10 ms on, it landed in the middle of the
        # next key of fast typing (two a key, ~0.4 ms each).
        self._watch: asyncio.TimerHandle | None = None
        # A lone key's rounds, put off (``sent``); and the key, until it is back up at the app.
        self._deferred: partial | None = None
        self._out: events.Key | None = None

    @property
    def idle(self) -> bool:
        """No key in flight and none waiting (what a test waits for after a burst)."""
        return not self.busy and not self.waiting

    def hold(self, event: events.Key) -> bool:
        """Whether the key must wait for the ones before it (it is queued, in order)."""
        if self.busy or self.waiting:
            self.waiting.append(event)
            self._run_deferred()  # the key in flight was alone: its rounds go now
            return True
        self.busy = True
        self._since = time.monotonic()
        return False

    def drop(self) -> None:
        """Forget the keys waiting (all but escape), typed ahead for an outcome that did not come."""
        self.waiting = deque(key for key in self.waiting if key.key == "escape")

    def sent(self, event: events.Key, screen: Screen) -> None:
        """The app has handled the key: given it to a widget, or run a priority binding (tab)."""
        self._key_handled = not event.is_forwarded
        if self.waiting:
            self._mark(screen)
            return
        # Alone: its rounds go in LONE_KEY, once its frame is on the terminal, or when a key is
        # typed behind it. Sent now, they held the frame back; run right after it, they held the
        # terminal's writer thread from the GIL until they were done.
        self._out = None if self._key_handled else event
        self._deferred = partial(self._mark, screen, None if self._key_handled else self.app.focused or screen)
        self._watch_with(self._run_deferred, wait=LONE_KEY)

    def came_back(self, event: events.Key) -> None:
        """A key has bubbled back up to the app, and the bindings have run (``CairnApp.on_event``):
        what its own marker would have told. Its rounds, put off, need only the follow-up one."""
        if event is not self._out:
            return
        self._out = None
        self._key_handled = True
        self._deferred = partial(self._mark, self.app.screen)

    def _run_deferred(self) -> None:
        """Send the rounds put off for a lone key, unless they have gone already."""
        rounds, self._deferred, self._out = self._deferred, None, None
        if rounds is not None:
            self._stop_watch()
            rounds()

    def done(self, message: KeyDone) -> None:
        message.stop()
        if message.seq != self._seq or self._app_gone():
            return
        self._stop_watch()
        self._seq += 1
        if not self._key_handled:
            # The key has been handled, and its binding has run: what it posted (a field's
            # Submitted, a focus change, a screen pushed) waits behind one more marker.
            self._key_handled = True
            self._mark(self.app.screen)
            return
        self._when_quiet(message.screen)

    def _mark(self, screen: Screen, target=None) -> None:  # noqa: ANN001 - a Widget
        """Send a marker through the focused widget (or ``target``, the one a lone key was given
        to) and up to the app, once the screen on top is mounted (a dialog just pushed is still
        composing its fields)."""
        top = self.app.screen
        if not top.is_mounted:
            self._later(self._mark, screen)
            return
        self._seq += 1
        if target is None or not self._can_answer(target):
            target = self.app.focused or top
        target.post_message(KeyDone(self._seq, top if self._key_handled else screen))
        self._watch_with(self._lost, self._seq, target)

    def _watch_with(self, callback, *args, wait: float | None = None) -> None:  # noqa: ANN001
        """The gate's one pending look (a lost marker's, a lone key's rounds'), replacing the last."""
        self._stop_watch()
        self._watch = self._later(callback, *args, wait=wait)

    def _stop_watch(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None

    def _lost(self, seq: int, target) -> None:  # noqa: ANN001 - a Widget
        # The key closed the screen it was typed on (escape, enter on a button): the widget went
        # with its queue, and the marker with it.
        self._watch = None
        if seq != self._seq or not self.busy:
            return
        if self._can_answer(target):
            self._watch_with(self._lost, seq, target)
        else:
            self._seq += 1
            self._key_handled = True
            self._mark(self.app.screen)

    def _later(self, callback, *args, wait: float | None = None) -> asyncio.TimerHandle:  # noqa: ANN001
        """Look again in a moment (``App.look_again_in``; OPERATION_POLL unless ``wait``): the app's,
        not call_after_refresh, which is kept by the screen on top, and lost with it when the key's
        outcome closes that screen."""
        return self.app.look_again_in(OPERATION_POLL if wait is None else wait,
                                      partial(self._look_again, callback, *args))

    def _look_again(self, callback, *args) -> None:  # noqa: ANN001
        if self._app_gone():
            return
        if self.busy and time.monotonic() - self._since > LONGEST_HOLD:
            # Every wait ends: a marker that never came back while its widget stayed (seen under
            # load: the keys behind the key stayed held for good) or a screen that never mounts.
            # The next key goes, and whatever is still out for this one is ignored when it comes.
            self._seq += 1
            self._next()
            return
        callback(*args)

    def _app_gone(self) -> bool:
        """The app's timers still fire, and a marker still reaches it, while it shuts down after
        its last screen has gone: there is nowhere left for a key to land, so the keys in flight
        go with the app."""
        try:
            self.app.screen  # noqa: B018 - raises once no screen is left
        except (ScreenStackError, UnknownModeError):
            self.busy = False
            self.waiting.clear()
            self._deferred = self._out = None
            return True
        return False

    def _can_answer(self, target) -> bool:  # noqa: ANN001 - a Widget
        """The marker's widget may still pass it up: it is on the screen on top, and running."""
        if not target.is_attached or target._closing or target._closed:
            return False
        try:
            return target.screen is self.app.screen
        except Exception:  # noqa: BLE001 - NoScreen: the widget is being removed
            return False

    def _when_quiet(self, screen: Screen) -> None:
        """The next key goes once what this one set going is over, as a user would see it over:
        no screen opening or closing, nothing queued on the screen, no operation it started
        still running. Otherwise one more round."""
        top = self.app.screen
        if time.monotonic() - self._since > LONGEST_HOLD:
            self._next()
        elif top is not screen or not top.is_mounted or self._messages_queued(top):
            self._mark(top)
        elif self._operation_running(top) or self._layout_pending(top):
            self._later(self._mark, top)
        else:
            self._next()

    @staticmethod
    def _layout_pending(screen: Screen) -> bool:
        """A layout is owed (a field just shown, say): Tab orders the focus by where widgets are
        laid out, so a Tab let through before would skip a field shown by the key before it
        (the percentages shown by choosing "Custom percentages"). Textual's own flag: no API says it."""
        return bool(getattr(screen, "_layout_required", False))

    def _messages_queued(self, screen: Screen) -> bool:
        # The app's own queue too: Widget.focus() sets the focus from there (a Select gives it back
        # to itself that way once its list closes; a Tab let through before would leave from the list).
        return any(node.message_queue_size for node in (self.app, screen, *screen.walk_children()))

    def _operation_running(self, screen: Screen) -> bool:
        for worker in self.app.workers:
            if worker.group in OPERATIONS and not worker.is_finished:
                node = worker.node
                if node is screen or (getattr(node, "is_attached", False) and node.screen is screen):
                    return True
        return False

    def _next(self) -> None:
        self._deferred = self._out = None  # whatever was put off for the last key is over
        if self.waiting:
            self._since = time.monotonic()
            self.app.post_message(HeldKey(self.waiting.popleft()))  # still busy: it goes first
        else:
            self.busy = False


def drop_typed_ahead(node) -> None:  # noqa: ANN001 - any DOMNode of the app
    """A form's operation was refused: the keys typed behind its enter are not typed anywhere."""
    gate = getattr(node.app, "key_gate", None)
    if gate is not None:
        gate.drop()
