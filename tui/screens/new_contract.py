"""The `New contract` form: the contract's fields, fixed-price or hourly (C1), and for a fixed-price
one a template split of the total (G2) with a live preview and a row per milestone to name it and
give its due date; storage decides, and a refusal marks the field it names."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from cairn.storage.money import numbers
from cairn.tui import format as fmt
from cairn.tui.key_gate import drop_typed_ahead
from cairn.tui.screens.new_contract_fields import (
    KINDS,
    ROWS_MADE_FIRST,
    SIDES,
    TEMPLATES,
    create,
    field_of,
    parts_named,
)
from cairn.tui.widgets.common import Field
from cairn.tui.widgets.common.text_input import TextInput, next_text_field
from cairn.tui.worker import call_storage, show_refusal


class NewContractScreen(ModalScreen[int | None]):
    """Dismisses with the new contract's id, or ``None`` when cancelled."""

    AUTO_FOCUS = ""  # none: on_mount focuses the title, without scrolling the form (None is the app's "*")

    BINDINGS = [
        Binding("ctrl+s", "create", "Create contract", id="create_contract",
                tooltip="Create the contract with the plan shown in the preview"),
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Close the form without creating anything"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._busy = False
        self._rows = []
        self._named: list[str] = []  # the template title each row was last given (one typed over it stays)

    def compose(self) -> ComposeResult:
        today = fmt.local(self.app.clock.now(), "YYYY-MM-DD")
        # The fields scroll; the buttons stay in sight below them (80x24 with custom percentages).
        # Not a tab stop: the focus goes from field to field and each scrolls into view (pageup and
        # pagedown still scroll it). Focusable, it took the focus first on every open, and the focus
        # coming and going restyled all ~170 widgets of the form twice (~120 ms).
        with Vertical(id="dialog"):
            with VerticalScroll(id="form", can_focus=False):
                yield Label("New contract", id="form-title")
                yield Field("Title", TextInput(placeholder="e.g. Website redesign", id="title", compact=True,
                                           max_length=200), id="field-title")
                yield Field("Client", TextInput(placeholder="Who pays", id="client_name", compact=True,
                                            max_length=200), id="field-client_name")
                with Horizontal(classes="row"):
                    yield Field("Currency", TextInput("USD", id="currency", compact=True, max_length=3),
                                id="field-currency")
                    yield Field("My side", Select(SIDES, value="freelancer", allow_blank=False, id="my_side",
                                                  compact=True), id="field-my_side")
                    # The profiles live in the database: the configured one until they are read (on_mount).
                    chosen = self.app.config.profile
                    yield Field("Platform profile", Select([(chosen, chosen)], value=chosen, allow_blank=False,
                                                           id="profile", compact=True), id="field-profile")
                with Horizontal(classes="row"):
                    yield Field("Kind (C1)", Select(KINDS, value="fixed", allow_blank=False, id="kind", compact=True),
                                id="field-kind")
                    yield Field("Start date", TextInput(today, placeholder="YYYY-MM-DD", id="started_on", compact=True,
                                                    max_length=10), id="field-started_on")
                with Horizontal(classes="row", id="fixed-row"):
                    yield Field("Total", TextInput(placeholder="4,000.00" if numbers().decimal == "." else "4.000,00",
                                                   id="total", compact=True),
                                id="field-total")
                    yield Field("Payment structure", Select(TEMPLATES, value="25/50/25", allow_blank=False,
                                                                  id="template", compact=True), id="field-template")
                with Horizontal(classes="row", id="template-options"):
                    yield Field("Number of milestones", TextInput("4", id="n", type="integer", compact=True,
                                                              max_length=3), id="field-n")
                    yield Field("Percentages", TextInput(placeholder="30; 30; 40" if numbers().decimal == "," else
                                                         "30, 30, 40", id="percentages", compact=True),
                                id="field-percentages")
                yield Static("", id="preview")
                # One row per milestone of the split: its title (the template's, to change) and due date.
                # Made up front for the usual plans (G1: three to five), so a key typed right after the total
                # finds them; a longer split mounts more.
                with Vertical(id="milestones"):
                    for _ in range(ROWS_MADE_FIRST):
                        yield self._new_row()
                # The contract's own terms (its profile's, overridden for this contract only): after the
                # plan and its preview, so the usual path (title, client, total) keeps its tab order and
                # the preview shows as the total is typed, at 80x24 too.
                with Horizontal(classes="row", id="terms"):
                    yield Field("Revision cap (rounds)",
                                TextInput(placeholder="none", id="revision_cap", type="integer", compact=True,
                                          max_length=2), id="field-revision_cap")
                    yield Field("Review days (1-30)", TextInput(id="review_days", compact=True, max_length=3,
                                                                placeholder="3"), id="field-review_days")
                    yield Field("Fee (blank: the profile's)", TextInput(id="fee_rule", compact=True, max_length=500,
                                                                        placeholder="10%"), id="field-fee_rule")
            with Horizontal(id="buttons"):
                yield Button("Cancel (esc)", id="cancel", compact=True)
                yield Button("Create (ctrl+s)", id="create", variant="primary", compact=True)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """The fields get the screen's height less the dialog's border and the buttons' row: at
        80x24 they scroll, and Create stays in sight."""
        if self.size.height:
            self.query_one("#form").styles.max_height = max(3, self.size.height - 3)

    def on_mount(self) -> None:
        self._fit()
        # Without scrolling: Textual centres a newly focused widget in its scrolling container, and
        # at 80x24 that scrolled the form's heading and the Title label out of sight on opening.
        self.query_one("#title", Input).focus(scroll_visible=False)
        self.field("review_days").display = False
        from cairn.storage.queries.profiles import profiles

        call_storage(self, profiles, with_clock=False, done=self._show_profiles, group="new-contract-profiles")
        self._update_template_options()
        self._update_preview()
        self._warm_up()

    profiles: dict[str, Any] = {}  # name -> ProfileRow, once read

    def _show_profiles(self, rows) -> None:
        """Every profile in the database; the configured one chosen if it is there (else the first,
        and the form says why)."""
        select = self.query_one("#profile", Select)
        current = select.value
        self.profiles = {p.name: p for p in rows}
        if not rows:
            return
        select.set_options([(p.name, p.name) for p in rows])
        if current in self.profiles:
            select.value = current
        else:
            select.value = rows[0].name
            self.field("profile").set_hint(Text(f"The settings file names {current!r}, which is not a profile here; "
                                                "M on the list manages profiles."))
        self._update_terms()

    def _update_terms(self) -> None:
        """The review window is asked for only where the profile lets each contract choose it (an
        escrow service's inspection period); the fee placeholder shows the profile's rule."""
        p = self.profiles.get(self.values()["profile"])
        per_contract = bool(p and p.review_per_contract)
        self.field("review_days").display = per_contract
        if per_contract:
            self.query_one("#review_days", Input).placeholder = str(p.review_days)
        self.query_one("#fee_rule", Input).placeholder = p.fee.shown() if p is not None else "10%"

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """Load the storage operations (SQLAlchemy, pydantic) while the user types."""
        import cairn.storage.api  # noqa: F401

    # --- reading the form ---------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value

        def choice(name: str) -> str:
            value = self.query_one(f"#{name}", Select).value
            return "" if value is Select.NULL else str(value)

        return {
            "title": text("title"), "client_name": text("client_name"), "currency": text("currency").strip(),
            "my_side": choice("my_side"), "profile": choice("profile"), "started_on": text("started_on").strip(),
            "kind": choice("kind") or "fixed", "total": text("total"), "template": choice("template"),
            "n": text("n"), "percentages": text("percentages"), "revision_cap": text("revision_cap").strip(),
            "review_days": text("review_days").strip() if self.field("review_days").display else "",
            "fee_rule": text("fee_rule").strip(),
            "milestones": [(t.widget.value, d.widget.value) for _row, t, d in self._rows],
        }

    # The milestone rows made so far, (row, title field, due date field); shown: as many as the
    # split has parts. Kept as objects: a row just mounted is not composed (queryable) yet.
    _rows: list[tuple[Horizontal, Field, Field]]

    def field(self, name: str) -> Field:
        return self.query_one(f"#field-{name}", Field)

    # --- live preview -----------------------------------------------------------------------------
    def _update_template_options(self) -> None:
        form = self.values()
        template, fixed = form["template"], form["kind"] == "fixed"
        self.query_one("#fixed-row").display = fixed
        self.field("revision_cap").display = fixed  # rounds of changes on milestones (M10)
        self.field("n").display = template == "equal"
        self.field("percentages").display = template == "custom"
        self.query_one("#template-options").display = fixed and template in ("equal", "custom")

    def _new_row(self) -> Horizontal:
        i = len(self._rows) + 1
        title = Field(f"Milestone {i}", TextInput(id=f"m-{i}-title", compact=True, max_length=200),
                      id=f"field-m-{i}-title")
        due = Field("Due date (optional)", TextInput(placeholder="YYYY-MM-DD", id=f"m-{i}-due", compact=True,
                                                     max_length=10), id=f"field-m-{i}-due")
        for box in (title.widget, due.widget):
            box.hold_after_submit = True  # as the form's other fields (on_mount)
        row = Horizontal(title, due, classes="row milestone-row", id=f"m-{i}")
        row.display = False
        self._rows.append((row, title, due))
        self._named.append("")
        return row

    def _show_rows(self, amounts: list[int | None], currency: str) -> None:
        """A row per part of the split, made once and kept (what was typed in it stays when the
        split changes and comes back); the label says the part's amount."""
        from cairn.storage.templates import template_titles

        titles = template_titles(len(amounts))
        while len(self._rows) < len(amounts):
            self.query_one("#milestones").mount(self._new_row())
        for i, (row, title, _due) in enumerate(self._rows):
            row.display = i < len(amounts)
            if i < len(amounts):
                if title.widget.value == self._named[i]:  # the template's title until the user types one
                    title.widget.value = self._named[i] = titles[i]
                title.label = f"Milestone {i + 1}" + (
                    f" · {fmt.money(amounts[i], currency)}" if amounts[i] is not None else "")
                labels = list(title.query(".field--label").results(Label))
                if labels:
                    labels[0].update(Text(title.label))

    def _update_preview(self) -> None:
        from cairn.storage.errors import DomainError
        from cairn.storage.money import check_currency
        from cairn.storage.templates import split_typed, template_titles

        form = self.values()
        preview = self.query_one("#preview", Static)
        if form["kind"] == "hourly":
            self._show_rows([], "")
            preview.update(Text("An hourly contract has no milestones, no plan and no escrow (C1); its work is "
                                "recorded on the platform.", style="dim"))
            return
        if form["template"] == "none":
            self._show_rows([], "")
            preview.update(Text("No milestones: add them on the contract's board after creating it.",
                                style="dim"))
            return
        if not form["total"].strip():
            self._show_rows([None] * parts_named(form), "")
            preview.update(Text("Type the total to see how it splits into milestones.", style="dim"))
            return
        try:
            currency = check_currency(form["currency"])
            parts = split_typed(form["total"], currency, form["template"], n=form["n"],
                                percentages=form["percentages"])
        except DomainError as error:
            self._show_rows([None] * parts_named(form), "")
            preview.update(Text(f"✗ {error.message}", style="dim"))
            return
        self._show_rows(parts, currency)
        named = [title for title, _due in form["milestones"]]
        titles = [named[i] if i < len(named) else t for i, t in enumerate(template_titles(len(parts)))]
        text = Text(f"{len(parts)} milestone{'s' if len(parts) != 1 else ''}: ", style="bold")
        for i, (title, amount) in enumerate(zip(titles, parts, strict=True)):
            if i:
                text.append(" · ", style="dim")
            text.append(f"{title} ")
            text.append(fmt.money(amount, currency), style="bold")
        text.append(f"  = {fmt.money(sum(parts), currency)}", style="dim")
        preview.update(text)

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event: Input.Changed | Select.Changed) -> None:
        # The field typed in stays in view (a burst may move the focus before rows show or hide).
        self.call_after_refresh(self._focused_in_view)
        if (event.control.id or "").endswith("-due"):
            return  # a milestone's due date: nothing to preview
        if event.control.id in ("template", "kind"):
            self._update_template_options()
        if event.control.id == "profile":
            self._update_terms()
        self._update_preview()

    def _focused_in_view(self) -> None:
        if self.focused is not None:
            self.focused.scroll_visible(animate=False)

    # --- submitting ----------------------------------------------------------------------------------
    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        following = next_text_field(event.input)
        if following is not None:
            following.focus()  # enter moves on; the last field (or ctrl+s, or the button) creates
        else:
            self.action_create()

    @on(Button.Pressed, "#create")
    def _create_pressed(self) -> None:
        self.action_create()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_create(self) -> None:
        if self._busy:
            return
        self._busy = True
        for f in self.query(Field):
            f.set_error(None)
        call_storage(self, create, self.values(), done=self._created, refused=self._refused,
                     failed=self._failed, group="new-contract")

    def _failed(self, error: Exception) -> None:
        self._busy = False  # already noticed and logged; the form stays with what was typed
        drop_typed_ahead(self)

    def _created(self, board) -> None:
        self._busy = False
        self.notify(f"Contract “{fmt.plain(board.contract.title, newlines=False)}” created.", markup=False)
        self.dismiss(board.id)  # keys typed behind enter wait in the key gate, then reach the list

    def _refused(self, error: Exception) -> None:
        from cairn.storage.errors import DomainError

        self._busy = False
        drop_typed_ahead(self)  # not typed into the refused field
        name = field_of(getattr(error, "field", None))
        if not isinstance(error, DomainError) or name is None:
            show_refusal(self.app, error)
            return
        if name in ("n", "percentages") and not self.field(name).display:
            name = "template"
        message = error.message[:1].upper() + error.message[1:]
        self.field(name).set_error(f"{message} ({error.rule})")
        self.field(name).widget.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
