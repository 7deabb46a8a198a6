"""The config in the dashboard: remapped keys run their actions and show in the footer, help and
the palette; a theme chosen in the palette is remembered; cursors can stop blinking; an
unexpected error is logged and shown in one line."""

from __future__ import annotations

from cairn.config import Config, load
from cairn.tui.screens.board import BoardScreen
from cairn.tui.widgets.common.footer import KeysFooter
from tests.tui.asynctest import asynctest, settle


def keymapped(tmp_path, text: str) -> Config:
    path = tmp_path / "c.toml"
    path.write_text(text)
    return load(path)


@asynctest
async def test_a_remapped_key_runs_its_action_and_shows_everywhere(make_test_app, seeded, tmp_path):
    config = keymapped(tmp_path, '[keymap]\nnew_contract = "N"\nhelp = "f1"\nboard.help = "f1"\n'
                                 'board.add_milestone = "ctrl+a"\n')
    app = make_test_app(config=config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)
        shown = str(footer.render())
        assert "N New contract" in shown and "f1 Help" in shown and "n New contract" not in shown
        await pilot.press("n")  # the old key does nothing now
        await settle(pilot)
        assert type(app.screen).__name__ == "ContractListScreen"
        await pilot.press("f1")
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"
        table = app.screen.query_one("#help-screen-keys").content
        rows = dict(zip((str(c).split("\n")[0] for c in table.columns[1]._cells),
                        (str(c) for c in table.columns[0]._cells), strict=True))
        assert rows["New contract"] == "N"
        everywhere = app.screen.query_one("#help-app-keys").content
        assert "f1" in [str(c) for c in everywhere.columns[0]._cells]
        await pilot.press("escape")
        await pilot.press("N")
        await settle(pilot)
        assert type(app.screen).__name__ == "NewContractScreen"
        await pilot.press("escape")
        await app.push_screen(BoardScreen(seeded["web"]))
        await settle(pilot)
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert type(app.screen).__name__ == "MilestoneForm"


@asynctest
async def test_the_palette_names_the_remapped_key(make_test_app, seeded, tmp_path):
    from cairn.tui.commands import bound_actions

    app = make_test_app(config=keymapped(tmp_path, '[keymap]\nboard.release = "ctrl+r"\n'))
    async with app.run_test(size=(120, 36)) as pilot:
        await app.push_screen(BoardScreen(seeded["web"]))
        await settle(pilot)
        actions = {a.action: a for a in bound_actions(app.screen, include_unavailable=True)}
        assert actions["release"].keys == ("^r",)
        order = [a.action for a in bound_actions(app.screen, include_unavailable=True)]
        assert order.index("release") < order.index("answer_refund")  # declaration order kept


@asynctest
async def test_a_theme_chosen_is_remembered_in_the_config_file(make_test_app, tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("# my comment\nmouse = true\n")
    app = make_test_app(config=load(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.theme = "nord"  # what the palette's "Change theme" does
        await settle(pilot)
    assert path.read_text() == '# my comment\nmouse = true\ntheme = "nord"\n'
    again = make_test_app(config=load(path))
    assert again.theme == "nord"


@asynctest
async def test_the_start_up_theme_is_not_written(make_test_app, tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('theme = "gruvbox"\n')
    app = make_test_app(config=load(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "gruvbox"
    assert path.read_text() == 'theme = "gruvbox"\n'


@asynctest
async def test_cursor_blink_off(make_test_app, tmp_path):
    from cairn.tui.widgets.common.text_input import TextInput

    app = make_test_app(config=keymapped(tmp_path, "cursor_blink = false\n"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        inputs = list(app.screen.query(TextInput))
        assert inputs and not any(i.cursor_blink for i in inputs)


def test_an_unexpected_error_is_logged_and_shown_in_one_line(make_test_app, tmp_path, capsys):
    """Textual would print a traceback with local variables; Cairn logs it and prints one line
    (this test fails if Textual's private crash path changes under CairnApp's override)."""
    from cairn import log

    path = log.setup(path=tmp_path / "crash.log")
    app = make_test_app()

    def broken() -> None:
        raise ZeroDivisionError("a bug")

    app.action_broken = broken

    async def auto_pilot(pilot) -> None:
        await pilot.pause()
        app.call_later(app.run_action, "broken")
        await pilot.pause()

    app.run(headless=True, size=(80, 24), auto_pilot=auto_pilot)
    err = capsys.readouterr().err
    assert app.return_code == 1
    assert err.strip() == f"cairn: something went wrong (ZeroDivisionError: a bug); the details are in {path}"
    text = path.read_text()
    assert "Traceback (most recent call last)" in text and "ZeroDivisionError: a bug" in text


@asynctest
async def test_the_default_profile_is_preselected(make_test_app, tmp_path):
    from textual.widgets import Select

    app = make_test_app(config=keymapped(tmp_path, 'profile = "Direct client"\n'))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one("#profile", Select).value == "Direct client"
