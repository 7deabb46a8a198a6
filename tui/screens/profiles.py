"""Platform profiles (P9): every platform's numbers, added and edited from the keyboard.

A contract keeps the numbers it was created with; the screen says so, and how many contracts use
each profile. Adding and editing go through storage (``operations.profiles``), which checks every
field; a refusal marks the field in the form and keeps what was typed.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Label, Select, Static

from cairn.storage.queries.profiles import ProfileRow
from cairn.tui.widgets.board._text import clean
from cairn.tui.widgets.common.field import Field
from cairn.tui.widgets.common.footer import KeysFooter
from cairn.tui.widgets.common.text_input import TextInput
from cairn.tui.worker import call_storage, show_refusal

COLUMNS = ("Profile", "Review", "Hold", "Refund", "Feedback", "Minimum", "Fee", "Contracts")
# Below this many columns the table keeps what tells profiles apart; the line under it says the rest.
NARROW = ("Profile", "Review", "Hold", "Minimum", "Fee")
WIDE_FROM = 100
# The form's fields, in order: (storage field, label, hint shown under it).
FIELDS = (
    ("name", "Name", ""),
    ("review_days", "Review window (days; none: no automatic release)", ""),
    ("hold_days", "Hold before available (days)", ""),
    ("refund_answer_days", "Refund answer (days)", ""),
    ("feedback_days", "Feedback window (days)", ""),
    ("minimum_minor", "Minimum milestone", ""),
    ("fee_rule", "Fee: none, 10%, or tiers 20% to 500.00; 10% to 10,000.00; 5%", ""),
)
YES_NO = [("Set by the platform", False), ("Chosen per contract (1-30 days)", True)]


def _minimum(minor: int) -> str:
    from cairn.storage.money import typed_amount

    return typed_amount(minor, "USD")


def _fee(p: ProfileRow) -> str:
    """The fee rule in a few characters: "10%", "no fee", "tiers 20/10/5%" (the detail line says it all)."""
    rule = p.fee
    if rule.kind != "tiers":
        return rule.shown()
    return "tiers " + "/".join(f"{t.bp / 100:g}" for t in rule.tiers) + "%"


def cells(p: ProfileRow, columns: tuple[str, ...] = COLUMNS) -> tuple[Text, ...]:
    name = Text(clean(p.name), no_wrap=True, overflow="ellipsis")
    if p.builtin:
        name.append(" *", style="dim")
    review = "none" if p.review_days is None else str(p.review_days) + (" (1-30)" if p.review_per_contract else "")
    every = {"Profile": name, "Review": Text(review), "Hold": Text(str(p.hold_days)),
             "Refund": Text(str(p.refund_answer_days)), "Feedback": Text(str(p.feedback_days)),
             "Minimum": Text(_minimum(p.minimum_minor), justify="right"), "Fee": Text(_fee(p)),
             "Contracts": Text(str(p.contracts), justify="right")}
    return tuple(every[c] for c in columns)


class ProfilesScreen(Screen[None]):
    HELP_TITLE = "Platform profiles"
    AUTO_FOCUS = "#profiles"
    BINDINGS = [
        Binding("a", "add", "Add profile", id="profiles.add",
                tooltip="A new platform profile: its windows, minimum milestone and fee rule"),
        Binding("e", "edit", "Edit profile", id="profiles.edit",
                tooltip="Change the selected profile's numbers; contracts already created keep theirs"),
        Binding("escape", "back", "Back", id="profiles.back", tooltip="Back to where you were"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ProfileRow] = []

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("Platform profiles", "bold"),
                                   (" · * built in · each contract keeps its own numbers", "dim")), id="profiles-title")
        table: DataTable = DataTable(id="profiles", cursor_type="row", zebra_stripes=False)
        yield table
        yield Static(id="profile-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.reload()

    @property
    def columns(self) -> tuple[str, ...]:
        return COLUMNS if self.size.width >= WIDE_FROM else NARROW

    def on_resize(self) -> None:
        if self.rows and tuple(str(c.label) for c in self.query_one("#profiles", DataTable).columns.values()) \
                != self.columns:
            self.show(self.rows)

    def reload(self, select: int | None = None) -> None:
        from cairn.storage.queries.profiles import profiles

        call_storage(self, profiles, with_clock=False, done=lambda rows: self.show(rows, select),
                     group="profiles-read", exclusive=True)

    def on_database_changed(self) -> None:
        self.reload()

    def show(self, rows: list[ProfileRow], select: int | None = None) -> None:
        table = self.query_one("#profiles", DataTable)
        keep = select if select is not None else (self.selected.id if self.selected else None)
        self.rows = rows
        columns = self.columns
        table.clear(columns=True)
        # The name takes what the other columns leave (it is cut with an ellipsis, never wrapped).
        others = {"Review": 8, "Hold": 4, "Refund": 6, "Feedback": 8, "Minimum": 9, "Fee": 14, "Contracts": 9}
        room = self.size.width - sum(others[c] for c in columns[1:]) - 2 * len(columns) - 2
        name_width = max(12, min(room, max((len(p.name) + 2 for p in rows), default=12)))
        for c in columns:
            table.add_column(c, key=c, width=name_width if c == "Profile" else None)
        for p in rows:
            table.add_row(*cells(p, columns), key=str(p.id))
        index = next((i for i, p in enumerate(rows) if p.id == keep), 0)
        if rows:
            table.move_cursor(row=index, animate=False)
        self._show_detail()
        self.refresh_bindings()

    @property
    def selected(self) -> ProfileRow | None:
        table = self.query_one("#profiles", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowHighlighted, "#profiles")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected, "#profiles")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _show_detail(self) -> None:
        p = self.selected
        detail = self.query_one("#profile-detail", Static)
        if p is None:
            detail.update("")
            return
        review = ("no automatic release: the client must release" if p.review_days is None else
                  f"released automatically {p.review_days} days after a submission nobody reviewed"
                  + (" (this many by default; each contract chooses 1-30)" if p.review_per_contract else ""))
        text = Text.assemble((clean(p.name), "bold"), (f" · used by {p.contracts} contract"
                                                        f"{'s' * (p.contracts != 1)}", "dim"))
        text.append(f"\nReview: {review}.\nPaid money is pending {p.hold_days} days; a refund request is "
                    f"answered within {p.refund_answer_days} days; feedback within {p.feedback_days} days of "
                    f"the end; bonuses up to {p.bonus_days} days after it.\nFee: {p.fee.shown()}"
                    + (" (by lifetime billings with the same client on this platform)" if p.fee.kind == "tiers"
                       else "") + ".")
        detail.update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return self.selected is not None
        return True

    def action_add(self) -> None:
        self.app.push_screen(ProfileFormScreen(None), self._saved)

    def action_edit(self) -> None:
        p = self.selected
        if p is None:
            self.notify("Edit profile: no profile is selected.", severity="warning", markup=False)
            return
        self.app.push_screen(ProfileFormScreen(p), self._saved)

    def _saved(self, profile_id: int | None) -> None:
        if profile_id is not None:
            self.reload(select=profile_id)

    def action_back(self) -> None:
        self.dismiss(None)


def save(db, profile_id: int | None, form: dict[str, object]) -> int:
    """Runs in a thread: read the form as typed and add or edit the profile (storage checks it)."""
    from cairn.storage.operations.profiles import add_profile, edit_profile, typed_fields

    values = typed_fields(form)
    if profile_id is None:
        return add_profile(db, **values)
    return edit_profile(db, profile_id, **values)


class ProfileFormScreen(ModalScreen[int | None]):
    """Add a profile (``None``) or edit one; dismisses with its id, or ``None`` when cancelled."""

    HELP_TITLE = "Platform profile"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save profile", id="profile_form.save",
                tooltip="Save the profile; contracts created from now on use its numbers"),
        Binding("escape", "cancel", "Cancel", id="profile_form.cancel", tooltip="Close without saving"),
    ]

    def __init__(self, profile: ProfileRow | None) -> None:
        super().__init__()
        self.profile = profile
        self._busy = False
        self._holding: TextInput | None = None

    def _initial(self, field: str) -> str:
        p = self.profile
        if p is None:
            return {"name": "", "review_days": "14", "hold_days": "5", "refund_answer_days": "7",
                    "feedback_days": "14", "minimum_minor": _minimum(500), "fee_rule": "none"}[field]
        if field == "name":
            return p.name
        if field == "review_days":
            return "none" if p.review_days is None else str(p.review_days)
        if field == "minimum_minor":
            return _minimum(p.minimum_minor)
        if field == "fee_rule":
            return p.fee.shown() if p.fee.kind == "tiers" else p.fee_rule
        return str(getattr(p, field))

    def compose(self) -> ComposeResult:
        p = self.profile
        title = "New platform profile" if p is None else f"Edit profile: {clean(p.name)}"
        with VerticalScroll(id="profile-form"):
            yield Label(Text(title), id="profile-form-title")
            if p is not None and p.contracts:
                yield Static(Text(f"{p.contracts} contract{'s' * (p.contracts != 1)} keep the numbers they "
                                  "were created with; only new contracts use what you save.", style="dim"),
                             id="profile-form-note")
            for field, label, _hint in FIELDS:
                box = TextInput(self._initial(field), id=field, compact=True, max_length=500)
                if field == "name" and p is not None and p.builtin:
                    box.disabled = True  # built-in profiles keep their names (the settings file names them)
                yield Field(label, box, id=f"field-{field}")
            yield Field("Review window", Select(YES_NO, value=bool(p and p.review_per_contract), allow_blank=False,
                                                id="review_per_contract", compact=True),
                        id="field-review_per_contract")
            with Horizontal(id="profile-buttons"):
                yield Button("Cancel (esc)", id="cancel", compact=True)
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)

    def on_mount(self) -> None:
        for box in self.query(TextInput).results(TextInput):
            box.hold_after_submit = True  # keys typed behind enter wait for the outcome
        first = "hold_days" if self.profile is not None and self.profile.builtin else "name"
        self.query_one(f"#{first}", TextInput).focus()

    def values(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for field, _label, _hint in FIELDS:
            box = self.query_one(f"#{field}", TextInput)
            if field == "name" and box.disabled:
                continue
            out[field] = box.value
        out["review_per_contract"] = bool(self.query_one("#review_per_contract", Select).value)
        return out

    @on(TextInput.Submitted)
    def _submitted(self, event: TextInput.Submitted) -> None:
        if self._busy and isinstance(event.input, TextInput):
            event.input.release_held(drop=True)
            return
        self._holding = event.input if isinstance(event.input, TextInput) else None
        self.action_save()

    def _release(self, *, drop: bool) -> None:
        holding, self._holding = self._holding, None
        if holding is not None:
            holding.release_held(drop=drop)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        if self._busy:
            return
        self._busy = True
        for f in self.query(Field):
            f.set_error(None)
        call_storage(self, save, self.profile.id if self.profile else None, self.values(), with_clock=False,
                     done=self._saved, refused=self._refused, failed=self._failed, group="profile-form")

    def _saved(self, profile_id: int) -> None:
        self._busy = False
        name = self.query_one("#name", TextInput).value.strip()
        self.notify(f"Profile “{name}” saved; contracts created from now on use its numbers.", markup=False)
        self.dismiss(profile_id)
        self._release(drop=False)

    def _failed(self, error: Exception) -> None:
        self._busy = False
        self._release(drop=True)

    def _refused(self, error: Exception) -> None:
        from cairn.storage.errors import DomainError

        self._busy = False
        self._release(drop=True)
        name = getattr(error, "field", None)
        fields = {f for f, _l, _h in FIELDS} | {"review_per_contract"}
        if not isinstance(error, DomainError) or name not in fields:
            show_refusal(self.app, error)
            return
        field = self.query_one(f"#field-{name}", Field)
        field.set_error(f"{error.message[:1].upper() + error.message[1:]} ({error.rule})")
        if not field.widget.disabled:
            field.widget.focus()
        field.scroll_visible(animate=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
