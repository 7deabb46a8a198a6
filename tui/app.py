"""The Cairn app: a small shell that opens the database and shows the contract list."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from storage.clock import Clock, SystemClock
from storage.db import Database


class CairnApp(App):
    TITLE = "Cairn"

    def __init__(self, db: Database, *, clock: Clock | None = None) -> None:
        super().__init__()
        self.db = db
        self.clock = clock or SystemClock()


def make_app(db_path: Path | str | None = None, *, clock: Clock | None = None) -> CairnApp:
    """The one factory used by ``cairn`` and by the tests."""
    return CairnApp(Database.open(db_path), clock=clock)


def run(db_path: Path | str | None = None, *, mouse: bool = True) -> None:
    make_app(db_path).run(mouse=mouse)
