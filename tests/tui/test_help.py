"""`?` lists every key of the screen it was opened from; escape closes it."""

from __future__ import annotations

from cairn.tui.screens.contract_list import ContractListScreen
from cairn.tui.screens.help import HelpScreen
from tests.tui.asynctest import drive, settle


def help_rows(screen: HelpScreen, widget_id: str) -> list[str]:
    """Each action's name (the first line of its cell; what it does is the line under it)."""
    table = screen.query_one(f"#{widget_id}").content
    return [str(cell).split("\n")[0] for cell in table.columns[1]._cells]


def test_help_lists_the_screen_bindings_and_escape_closes(seeded, make_test_app):
    async def scenario(pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, HelpScreen)
        own = help_rows(screen, "help-screen-keys")
        for name in ("New contract", "Open contract", "Archive contract", "Show ended and archived", "Filter",
                     "Sort", "Reverse sort", "Clear filter"):
            assert name in own
        keys = [str(c) for c in screen.query_one("#help-screen-keys").content.columns[0]._cells]
        assert "n" in keys and "/" in keys
        everywhere = help_rows(screen, "help-app-keys")
        assert "Help" in everywhere and "Quit" in everywhere
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ContractListScreen)

    drive(make_test_app(), scenario)


def test_help_marks_actions_that_do_not_apply_now(make_test_app):
    async def scenario(pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        own = help_rows(pilot.app.screen, "help-screen-keys")
        assert "Archive contract (not now)" in own

    drive(make_test_app(), scenario)


def test_help_is_scrollable_at_80x24(seeded, make_test_app):
    async def scenario(pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        body = pilot.app.screen.query_one("#help-body")
        assert body.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0

    drive(make_test_app(), scenario, size=(80, 24))


def test_help_of_the_board_lists_every_action_of_the_issue(seeded, make_test_app):
    from cairn.tui.screens.board import BoardScreen
    from tests.tui.test_palette_board import ISSUE_NAMES

    async def scenario(pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        listed = set(help_rows(pilot.app.screen, "help-screen-keys"))
        assert "New contract" in listed  # the contract list's action
        await pilot.press("escape")
        await pilot.app.push_screen(BoardScreen(seeded["web"]))
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, HelpScreen)
        rows = help_rows(screen, "help-screen-keys")
        names = {row.removesuffix(" (not now)") for row in rows}
        assert set(ISSUE_NAMES) - {"New contract"} <= names
        # Shown on the freelancer's side with escrow held: what applies and what does not.
        assert "Submit work" in rows and "Release payment (not now)" in rows
        keys = dict(zip(rows, [str(c) for c in screen.query_one("#help-screen-keys").content.columns[0]._cells],
                        strict=True))
        assert keys["Move milestone up"] == "shift+↑" and keys["Act as client"] == "w"

    drive(make_test_app(), scenario)


def test_readme_keys_are_the_bindings():
    """The README's key tables name each action exactly as its binding (and the palette) does."""
    import re
    from pathlib import Path

    from cairn.tui.app import CairnApp
    from cairn.tui.screens.board import BoardScreen

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Keys", 1)[1].split("\n## ", 1)[0]
    tables = [t for t in re.split(r"\n\n", section) if t.startswith("|")]
    assert len(tables) == 2
    checked = 0
    for table, screen in zip(tables, (ContractListScreen, BoardScreen), strict=True):
        bindings = [*screen.BINDINGS, *CairnApp.BINDINGS]
        for line in table.splitlines()[2:]:
            keys_cell, names_cell = (c.strip() for c in line.strip("|").split("|"))
            keys = [{"/": "slash"}.get(k, k) for k in re.findall(r"`([^`]+)`", keys_cell)]
            names = [re.sub(r"\s*\(.*\)$", "", n).strip() for n in names_cell.split(" / ")]
            if len(keys) == 1:
                keys = keys * len(names)
            for key, name in zip(keys, names, strict=True):
                assert any(b.description == name and key in b.key.split(",") for b in bindings), (key, name)
                checked += 1
    assert checked >= 30


def test_help_fits_80x24_and_60_columns_with_every_description(seeded, make_test_app):
    """Each key with what it does, at 80x24 and at 60 columns, scrolled to its last line."""
    async def scenario(pilot):
        await pilot.press("question_mark")
        await pilot.pause()
        screen = pilot.app.screen
        for size in ((80, 24), (60, 24)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            table = screen.query_one("#help-screen-keys").content
            cells = [str(c) for c in table.columns[1]._cells]
            assert all("\n" in c for c in cells if not c.startswith("Help")), "a description is missing"
            body = screen.query_one("#help-body")
            body.scroll_end(animate=False)
            await settle(pilot)
            assert body.scroll_y == body.max_scroll_y > 0
            note = screen.query_one("#help-note")
            assert note.region.bottom <= body.region.bottom  # the last line is in view

    drive(make_test_app(), scenario)
