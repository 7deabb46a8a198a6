"""C2: correct a contract's details. Title, client, start date and notes at any time while it is
open; currency, kind (C1) and platform profile (P9) only while no money has moved: storage
refuses the rest, on the field, with the rule."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Select

from cairn.storage.queries.board_views import ContractInfo
from cairn.tui.widgets.common.text_input import TextInput

from .form import FIELD_ALIASES, FormDialog, field

KINDS = [("Fixed price (milestones)", "fixed"), ("Hourly (no milestones)", "hourly")]
PROFILES = [("Marketplace", "Marketplace"), ("Direct client", "Direct client")]


class EditContractDialog(FormDialog):
    TITLE_TEXT = "Edit contract"
    OK_LABEL = "Save"
    ALIASES = {**FIELD_ALIASES, "profile_id": "profile"}

    def __init__(self, operation, contract_id: int, *, info: ContractInfo, **fixed: Any) -> None:
        super().__init__(operation, contract_id, intro="Currency, kind and profile can change only while no "
                                                        "money has moved.", **fixed)
        self.info = info

    def compose_fields(self) -> ComposeResult:
        c = self.info
        profiles = PROFILES if any(v == c.profile.name for _l, v in PROFILES) else \
            [*PROFILES, (c.profile.name, c.profile.name)]
        yield field("title", "Title", TextInput(c.title, id="title", max_length=200))
        yield field("client_name", "Client", TextInput(c.client_name, id="client_name", max_length=200))
        with Horizontal(classes="row"):
            yield field("started_on", "Start date", TextInput(c.started_on.isoformat(), id="started_on",
                                                              placeholder="YYYY-MM-DD"))
            yield field("currency", "Currency", TextInput(c.currency, id="currency", max_length=3))
        yield field("kind", "Kind (C1)", Select(KINDS, value=c.kind, allow_blank=False, id="kind"))
        yield field("profile", "Platform profile (P9)", Select(profiles, value=c.profile.name, allow_blank=False,
                                                               id="profile"))
        yield field("notes", "Notes", TextInput(c.notes, id="notes"))

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def values(self) -> dict[str, Any]:
        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value

        return {"title": text("title"), "client_name": text("client_name"), "started_on": text("started_on").strip(),
                "currency": text("currency").strip(), "notes": text("notes"),
                "kind": self.query_one("#kind", Select).value, "profile": self.query_one("#profile", Select).value}
