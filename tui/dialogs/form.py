"""The shape every dialog shares: fields with inline errors, the storage call, escape.

A dialog is a ``ModalScreen`` that runs its own storage operation (through ``call_storage``)
and dismisses with what the operation returns (a ``Board``), or ``None`` when cancelled. A
refusal that names a field (``DomainError.field``) marks that field, shows the message under it
and keeps what the user typed; any other refusal is shown in the dialog's error line.

A dialog that records something that happened on the platform (``RECORDS_TIME``) has a "When"
field after its own: empty is now; storage reads what was typed (``storage/when.py``) and a
refusal marks the field. It is reached with tab; enter passes over it. Enter moves to the next
field and submits from the last one (or a button); ctrl+s submits from anywhere; escape cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from cairn.storage.errors import Conflict, DomainError
from cairn.storage.queries.board_views import Board
from cairn.tui.key_gate import drop_typed_ahead
from cairn.tui.widgets.common import Field
from cairn.tui.widgets.common.text_input import TextInput, next_text_field
from cairn.tui.worker import call_storage, show_refusal

# Storage field names that a form shows under another field.
FIELD_ALIASES = {"amount_minor": "amount", "release_minor": "release", "note": "message"}
WHEN_LABEL = "When it happened (local time; empty: now)"
WHEN_PLACEHOLDER = "e.g. 2026-11-20 14:30 · yesterday · 3d ago"


class FormDialog(ModalScreen[Board | None]):
    """Subclasses set ``TITLE_TEXT``, ``OK_LABEL``, implement ``compose_fields`` and ``values``."""

    TITLE_TEXT = ""
    OK_LABEL = "Save"
    ALIASES: dict[str, str] = FIELD_ALIASES
    RECORDS_TIME = False  # a "When" field, passed to the operation as ``at=``
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False),
                Binding("ctrl+s", "submit", "Save", show=False)]  # from any field; enter moves on

    def __init__(self, operation: Callable[..., Any] | None, contract_id: int | None, *, intro: str = "",
                 **fixed: Any) -> None:
        super().__init__()
        self.operation = operation
        self.contract_id = contract_id
        self.intro = intro
        self.fixed = fixed

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(self.TITLE_TEXT), id="dialog-title")
            if self.intro:
                yield Static(Text(self.intro), id="dialog-intro")
            # Not focusable itself: tab goes from field to field (the fields scroll into view).
            with VerticalScroll(id="dialog-fields", can_focus=False):
                yield from self.compose_fields()
                if self.RECORDS_TIME:
                    yield field("at", WHEN_LABEL, TextInput(id="at", placeholder=WHEN_PLACEHOLDER, classes="-tab-only"))
            yield Static("", id="form-error")
            with Horizontal(id="dialog-buttons"):
                yield from self.compose_buttons()

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def compose_buttons(self) -> ComposeResult:
        yield Button("Cancel (esc)", id="cancel")
        yield Button(f"{self.OK_LABEL} (^s)", id="ok", variant="primary")

    def values(self) -> dict[str, Any]:
        return {}

    def when(self) -> dict[str, Any]:
        """``at=`` for the operation, as typed: storage reads it (and refuses it on the field)."""
        if not self.RECORDS_TIME:
            return {}
        text = self.query_one("#at", Input).value.strip()
        return {"at": text} if text else {}

    # --- fitting the terminal ----------------------------------------------------------
    FIELDS_MAX_HEIGHT = 16

    # Textual calls these as well as a subclass's own ``on_mount`` (handlers run along the MRO).
    def on_mount(self) -> None:
        for box in self.query("Input.amount").results(Input):
            self._show_amount(box)
        self.call_after_refresh(self._fit)
        # Focusing the first field scrolls it just into view, hiding its label: open at the top.
        self.call_after_refresh(self.query_one("#dialog-fields").scroll_home, animate=False)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Let the fields scroll rather than push the buttons off a short terminal (80x24, 60x20):
        the fields get what the title, intro, error line and buttons leave of the screen."""
        if not self.is_mounted:
            return
        dialog = self.query_one("#dialog")
        fields = self.query_one("#dialog-fields")
        others = sum(w.outer_size.height + w.styles.margin.top + w.styles.margin.bottom
                     for w in dialog.children if w is not fields and w.display)
        room = self.size.height - dialog.styles.gutter.height - others
        height = max(3, min(self.FIELDS_MAX_HEIGHT, room))
        if fields.styles.max_height is None or fields.styles.max_height.value != height:
            fields.styles.max_height = height

    def confirm_question(self, values: dict[str, Any]) -> str | None:
        """A question to confirm first (irreversible actions), or ``None``."""
        return None

    # --- flow ------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel":
            self.dismiss(None)
        elif event.button.id == "ok":
            self.submit()
        else:
            self.on_other_button(event.button.id or "")

    def on_other_button(self, button_id: str) -> None:
        pass

    # --- amounts: what storage read, shown under the field as it is typed -----------------
    AMOUNT_BLANK: int | None = None  # what an empty amount field means (None: nothing yet)

    def on_input_changed(self, event: Input.Changed) -> None:
        holder = event.input.parent
        if isinstance(holder, Field) and holder.error and event.input.has_focus:
            holder.set_error(None)  # typing again: the live reading below takes over from the refusal
        if event.input.has_class("amount"):
            self._show_amount(event.input)

    def _show_amount(self, box: Input) -> None:
        from cairn.tui.format import amount_read

        holder = box.parent
        if isinstance(holder, Field):
            holder.set_hint(amount_read(box.value, getattr(self, "currency", "USD"), blank=self.AMOUNT_BLANK)[1])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        following = next_text_field(event.input)
        if following is not None:
            following.focus()  # enter moves on; the last field (or the button) submits
        else:
            self.submit()

    # Keys typed behind enter (over SSH, in the same packet) wait in the app's key gate until the
    # outcome is known (an operation running holds them): "enter y" answers the confirmation,
    # "enter j" moves the board's cursor once the dialog has closed. On a refusal they are
    # dropped: they were meant for a question never asked, not for the field ("enter y" must not
    # turn "1,5" into "1,5y").

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        self.submit()

    def clear_errors(self) -> None:
        for f in self.query(Field):
            f.set_error(None)
        self.query_one("#form-error", Static).update("")

    def submit(self, **extra: Any) -> None:
        self.clear_errors()
        values = {**self.values(), **self.when(), **extra}
        if self.confirm_question(values) is None:
            self.run(values)
            return
        # A confirmation never comes before validation: storage rehearses the operation first (every
        # refusal, nothing written), and only then is the question asked, with what was understood.
        from cairn.storage.db import rehearse

        call_storage(self, rehearse, self.operation, *self._args(), **self.fixed, **values,
                     done=lambda _: self._ask(values), refused=self.refused, failed=self._failed)

    def _args(self) -> tuple:
        return () if self.contract_id is None else (self.contract_id,)

    def _ask(self, values: dict[str, Any]) -> None:
        question = self.confirm_question(values)
        if question is None or not self.is_attached:
            drop_typed_ahead(self)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run(values)

        # A "y" typed behind enter waits in the key gate, and answers once the question is shown.
        from .confirm import ConfirmDialog

        self.app.push_screen(ConfirmDialog(None, self.contract_id, question=question,
                                           detail="If it turns out wrong, Undo last action (ctrl+z) takes it "
                                                  "back."), answered)

    def run(self, values: dict[str, Any]) -> None:
        if self.operation is None:  # a question only: the caller acts on the answer
            self.dismiss(True)
            return
        # Dismiss after the worker has finished, so closing the dialog never cancels it.
        call_storage(self, self.operation, *self._args(), **self.fixed, **values,
                     done=lambda board: self.call_later(self._close, board), refused=self.refused,
                     failed=self._failed)

    def _failed(self, error: Exception) -> None:
        """An unexpected failure (already noticed and logged): the dialog stays, with what was typed."""
        drop_typed_ahead(self)

    def _close(self, board: Board) -> None:
        if self.app.screen is self:  # (not when escape closed it meanwhile)
            self.dismiss(board)  # not returned: call_later would await it from our own handler

    def refused(self, error: Exception) -> None:
        if isinstance(error, Conflict):
            # Another session changed the contract: the board shows the new state instead.
            show_refusal(self.app, error)
            self.dismiss(None)
            return
        if not isinstance(error, DomainError):
            # Not the user's input (a lock held too long, a full disk): the dialog stays open with
            # everything typed, so the same action can be tried again.
            self.show_error(f"{error} Nothing was recorded; what you typed is kept, so try again "
                            "when the problem is solved.")
            drop_typed_ahead(self)
            return
        name = self.ALIASES.get(error.field or "", error.field)
        message = error.message[:1].upper() + error.message[1:] + f" ({error.rule})"
        fields = list(self.query(f"#field-{name}").results(Field)) if name else []
        if fields:
            fields[0].set_error(message)
            # The whole field, its error line included, in view (a long one may sit below the fold).
            # Focus alone would centre the box on a later turn, which could push the error line
            # back below the fold after this scroll, depending on which ran last.
            fields[0].widget.focus(scroll_visible=False)
            fields[0].reveal()
        else:
            self.show_error(message)
        drop_typed_ahead(self)

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(Text(f"✗ {message}"))
        self.call_after_refresh(self._fit)  # the error line grew: the fields give it room

def field(name: str, label: str, widget) -> Field:
    return Field(label, widget, id=f"field-{name}")
