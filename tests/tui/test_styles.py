"""Every screen's styles load with the app's, once: opening a screen never re-parses them."""

from __future__ import annotations

from pathlib import Path

from textual.css.stylesheet import Stylesheet
from textual.screen import Screen

import cairn.tui
from cairn.tui.app import CairnApp
from cairn.tui.dialogs.form import FormDialog
from cairn.tui.screens.board import BoardScreen
from cairn.tui.screens.help import HelpScreen
from cairn.tui.screens.new_contract import NewContractScreen
from tests.tui.asynctest import settle, wait_until
from tests.tui.test_contract_list import drive


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_every_stylesheet_is_the_apps_and_no_screen_brings_its_own():
    """A screen with its own CSS_PATH makes Textual re-parse every sheet when first shown."""
    root = Path(cairn.tui.__file__).parent
    for module in [*root.glob("screens/*.py"), *root.glob("dialogs/*.py")]:
        __import__(f"cairn.tui.{module.parent.name}.{module.stem}")  # every screen class defined
    ours = [s for s in _subclasses(Screen) if s.__module__.startswith("cairn.")]
    assert ours
    assert [s.__name__ for s in ours if s.CSS_PATH or s.CSS] == []
    sheets = {str(p.relative_to(root)) for p in root.rglob("*.tcss")}
    assert sheets == set(CairnApp.CSS_PATH)


def test_opening_screens_and_dialogs_never_reparses(seeded, make_test_app, monkeypatch):
    reparsed = []
    reparse = Stylesheet.reparse
    monkeypatch.setattr(Stylesheet, "reparse", lambda self: reparsed.append(1) or reparse(self))

    async def scenario(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BoardScreen), "the board")
        await settle(pilot)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, FormDialog), "a dialog")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BoardScreen), "the board again")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "help")
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: not isinstance(pilot.app.screen, (HelpScreen, BoardScreen)), "the list")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, NewContractScreen), "the form")
        await settle(pilot)
        assert reparsed == []

    drive(make_test_app(), scenario)
