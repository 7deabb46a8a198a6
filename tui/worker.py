"""Run storage calls off the event loop and bring the answer back to the screen.

Every call goes through ``call_storage``: the result reaches ``done`` on the UI thread; a
refusal (``DomainError``) is shown as the rule's message, or handed to ``refused`` (a form
marks its field); an unusable file or an unexpected failure becomes one line, never a
traceback on screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode
from textual.worker import Worker

log = logging.getLogger("cairn")


def show_refusal(app, error: Exception) -> None:
    from cairn.storage.errors import DomainError

    if isinstance(error, DomainError):
        app.notify(error.message[:1].upper() + error.message[1:], title=f"Refused — rule {error.rule}"
                   if error.rule != "DB" else "Not done", severity="error", markup=False, timeout=8)
    else:
        app.notify(str(error), title="Database problem", severity="error", markup=False, timeout=10)


def call_storage(node: DOMNode, fn: Callable[..., Any], *args: Any, done: Callable[[Any], None] | None = None,
                 refused: Callable[[Exception], None] | None = None,
                 failed: Callable[[Exception], None] | None = None, group: str = "storage",
                 exclusive: bool = False, with_clock: bool = True, absorbs: bool = True, **kwargs: Any) -> Worker:
    """Run ``fn(app.db, *args, clock=app.clock, **kwargs)`` in a thread worker.

    ``done`` gets the result, ``refused`` a refusal or an unusable file; ``failed`` hears of an
    unexpected failure too (after the notice), so a form waiting for the answer can go on.
    ``absorbs``: the call's commit, if any, is not news to the screens (``DataVersionWatcher.absorb``);
    False for a read whose answer no screen on the stack shows.
    """
    app = node.app

    def job() -> None:
        from cairn.storage.errors import DomainError, StorageError

        log.debug("storage call %s", getattr(fn, "__name__", fn))  # --debug: every call, in order

        try:
            if with_clock:
                kwargs["clock"] = app.clock
            result = fn(app.db, *args, **kwargs)
            watcher = getattr(app, "_watcher", None)
            if watcher is not None and absorbs:
                watcher.absorb()
        except (DomainError, StorageError) as error:
            if not app.closing:
                app.call_from_thread(refused or (lambda e: show_refusal(app, e)), error)
            return
        except Exception as error:  # noqa: BLE001 - nothing may reach the screen as a traceback
            if app.closing:
                return  # the user quit: the database was closed under this call; nobody waits for it
            from cairn.log import current_path

            log.exception("storage call %s failed", getattr(fn, "__name__", fn))
            app.call_from_thread(app.notify, f"Something went wrong: {type(error).__name__}: {error}. "
                                 f"The details are in {current_path()}", title="Not done", severity="error",
                                 markup=False, timeout=10)
            if failed is not None:
                app.call_from_thread(failed, error)
            return
        finally:
            app.db.release_reader()
        if done is not None and not app.closing:
            app.call_from_thread(done, result)

    return node.run_worker(job, thread=True, group=group, exclusive=exclusive, exit_on_error=False)
