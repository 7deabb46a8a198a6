"""The command palette offers the active screen's actions by their binding descriptions."""

from __future__ import annotations

from cairn.tui.commands import CairnCommands, bound_actions
from tests.tui.asynctest import drive, settle, wait_until
from tests.tui.test_contract_list import shown_titles, summaries


async def palette_offers(pilot, name: str) -> None:
    """Wait until the palette's search has put ``name`` first (what enter will run)."""
    from textual.command import CommandList

    def first() -> bool:
        commands = pilot.app.screen.query_one(CommandList)
        if not commands.option_count:
            return False
        hit = getattr(commands.get_option_at_index(commands.highlighted or 0), "hit", None)
        return getattr(hit, "text", None) == name

    await wait_until(pilot, first, f"the palette offers {name!r} first")


LIST_ACTIONS = {"New contract", "Archive contract", "Show ended and archived", "Open contract", "Filter",
                "Sort", "Help"}


async def palette_names(screen, query: str | None = None) -> list[str]:
    provider = CairnCommands(screen)
    if query is None:
        return [str(hit.display) for hit in [h async for h in provider.discover()]]
    return [hit.text for hit in [h async for h in provider.search(query)]]


def test_lists_every_action_of_the_contract_list_by_name(seeded, make_test_app):
    async def scenario(pilot):
        names = await palette_names(pilot.app.screen)
        assert set(names) >= LIST_ACTIONS
        assert "Quit" not in names  # Textual's system commands offer it
        assert "Focus Next" not in names
        assert await palette_names(pilot.app.screen, "show ended") == ["Show ended and archived"]

    drive(make_test_app(), scenario)


def test_hides_actions_that_make_no_sense_now(make_test_app):
    async def scenario(pilot):  # empty database: nothing to open or archive
        names = set(await palette_names(pilot.app.screen))
        assert "New contract" in names
        assert not names & {"Open contract", "Archive contract"}
        unavailable = {a.description for a in bound_actions(pilot.app.screen, include_unavailable=True)
                       if not a.available}
        assert {"Open contract", "Archive contract"} <= unavailable

    drive(make_test_app(), scenario)


def test_running_from_the_palette_runs_the_screen_action(seeded, db_path, clock, make_test_app):
    async def scenario(pilot):
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"show ended and archived")
        await palette_offers(pilot, "Show ended and archived")
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen.view.show_all
        # Archive through the palette, confirm, and check the database.
        pilot.app.screen.table.select_contract(seeded["logo"])
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"archive contract")
        await palette_offers(pilot, "Archive contract")
        await pilot.press("enter")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "ConfirmDialog"
        await pilot.press("y")
        await settle(pilot)
        assert "Logo refresh" in shown_titles(pilot)  # still shown: ended/archived are visible

    drive(make_test_app(), scenario)
    assert {s.title for s in summaries(db_path, clock, include_archived=True) if s.archived} == {"Logo refresh"}


def test_change_theme_is_offered_with_the_terminal_themes(make_test_app):
    async def scenario(pilot):
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "Change theme" in titles
        assert {"ansi-dark", "ansi-light"} <= set(pilot.app.available_themes)

    drive(make_test_app(), scenario)
