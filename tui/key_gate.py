"""Keys in the order typed, each one landing where the user meant it, however fast they come.

Textual hands every key to the focused widget's queue the moment the key is read, and runs
the screen's bindings only when the key has bubbled back up to the app (Textualize/textual#6605;
#4704 for keys reaching a screen on its way out). Over SSH keys arrive bunched: ``r`` then
``ctrl+u 1234.56`` in one packet put every key after ``r`` in the board's queue before ``r`` had
opened the release dialog, so the amount was typed nowhere, or into the wrong field.

The gate lets one key through at a time. A key is handled when a marker posted right behind it
has bubbled from the widget it was given to up to the app: by then the widget has handled it,
or it has reached the app and the bindings have run. The next key then waits until what the key
set going is over: the messages it caused, the screen it opened or closed, the storage operation
it started. Keys typed meanwhile wait in order, as if the user had waited for each one. Mouse
events are not held.

This is Cairn's one mechanism for keys in bursts: ``enter y`` in a dialog answers the
confirmation asked once storage has rehearsed the operation (the rehearsal is an operation, so
``y`` waits for it); ``enter j`` moves the board's cursor once the dialog has closed; ``/kestrel``
types the words into the filter ``/`` focused. A form whose operation is refused calls
``drop_typed_ahead``: the keys typed behind its enter were meant for a question never asked, not
for the refused field (escape is kept: it still closes the form).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from textual import events
from textual._context import active_message_pump
from textual.message import Message

# How often to look again while an operation a key started is still running (seconds).
OPERATION_POLL = 0.01
# The worker groups of operations a key can start (tui/worker.py's default; the new-contract form).
OPERATIONS = ("storage", "new-contract")

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen


class KeyDone(Message, bubble=True):
    """Posted right behind a key to the widget that got it; reaches the app after the key."""

    def __init__(self, seq: int, screen: Screen) -> None:
        super().__init__()
        self.seq = seq
        self.screen = screen  # the screen on top when the key went in


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
        self._seq = 0  # the key in flight; a late marker for an earlier one is ignored

    @property
    def idle(self) -> bool:
        """No key in flight and none waiting (what a test waits for after a burst)."""
        return not self.busy and not self.waiting

    def hold(self, event: events.Key) -> bool:
        """Whether the key must wait for the ones before it (it is queued, in order)."""
        if self.busy or self.waiting:
            self.waiting.append(event)
            return True
        self.busy = True
        return False

    def drop(self) -> None:
        """Forget the keys waiting (all but escape), typed ahead for an outcome that did not come."""
        self.waiting = deque(key for key in self.waiting if key.key == "escape")

    def sent(self, event: events.Key, screen: Screen) -> None:
        """The app has handled the key: given it to a widget, or run a priority binding."""
        self._seq += 1
        if not event.is_forwarded:  # run on the spot (tab): done, once the screen is ready
            self._settled(self._seq, screen)
            return
        target = self.app.focused or self.app.screen
        target.post_message(KeyDone(self._seq, screen))
        self.app.call_after_refresh(self._lost, self._seq, target, screen)

    def done(self, message: KeyDone) -> None:
        """The key's marker reached the app: the key has been handled."""
        message.stop()
        self._settled(message.seq, message.screen)

    def _lost(self, seq: int, target, screen: Screen) -> None:  # noqa: ANN001 - a Widget
        # The key closed the screen it was typed on (escape, enter on a button): the widget went
        # with its queue, and the marker with it.
        if seq != self._seq or not self.busy:
            return
        if target.is_attached:
            self.app.call_after_refresh(self._lost, seq, target, screen)
        else:
            self._settled(seq, screen)

    def _settled(self, seq: int, screen: Screen) -> None:
        if seq != self._seq:
            return
        self._seq += 1  # a late marker or watch for this key is ignored from now on
        self._when_quiet()

    def _when_quiet(self) -> None:
        """Let the next key through once what this key set going is over, as a user would see
        it over: the messages it caused handled (a field's Submitted, a button's Pressed), the
        screen it opened mounted with its focus set, an operation it started answered."""
        screen = self.app.screen
        if not screen.is_mounted or self._messages_pending(screen):
            self.app.call_after_refresh(self._when_quiet)
        elif self._operation_running(screen):
            self.app.set_timer(OPERATION_POLL, self._when_quiet)
        else:
            self._next()

    def _messages_pending(self, screen: Screen) -> bool:
        """A message waits or is being handled anywhere on the screen (or in the app). A message
        is counted until its handler returns, and a bubbling one is posted to the parent before
        that: asyncio.Queue's count of unfinished items (``task_done`` is called after the
        handler), not ``qsize``, which drops it the moment it is taken. The node running this
        check is handling one message: this one."""
        current = active_message_pump.get(None)
        for node in (self.app, screen, *screen.walk_children()):
            queue = node._message_queue
            count = getattr(queue, "_unfinished_tasks", queue.qsize()) - (node is current)
            if count > 0:
                return True
        return False

    def _operation_running(self, screen: Screen) -> bool:
        for worker in self.app.workers:
            if worker.group in OPERATIONS and not worker.is_finished:
                node = worker.node
                if node is screen or (getattr(node, "is_attached", False) and node.screen is screen):
                    return True
        return False

    def _next(self) -> None:
        if self.waiting:
            self.app.post_message(HeldKey(self.waiting.popleft()))  # still busy: it goes first
        else:
            self.busy = False


def drop_typed_ahead(node) -> None:  # noqa: ANN001 - any DOMNode of the app
    """A form's operation was refused: the keys typed behind its enter are not typed anywhere."""
    gate = getattr(node.app, "key_gate", None)
    if gate is not None:
        gate.drop()
