"""An unexpected failure in a storage call: the notice names the log file, which has the traceback."""

from __future__ import annotations

from cairn import log
from tests.tui.asynctest import asynctest, settle


@asynctest
async def test_something_went_wrong_names_the_log_file(make_test_app, seeded, tmp_path, monkeypatch):
    from cairn.storage import api
    from cairn.tui.screens.board import BoardScreen

    path = log.setup(debug=True, path=tmp_path / "cairn.log")

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(api, "board", broken)
    app = make_test_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await app.push_screen(BoardScreen(seeded["web"]))
        await settle(pilot)
        notices = [n.message for n in app._notifications]
        assert notices == [f"Something went wrong: ZeroDivisionError: a bug. The details are in {path}"]
    text = path.read_text()
    assert "storage call broken failed" in text and "Traceback (most recent call last)" in text
    assert "DEBUG cairn [" in text and "storage call broken" in text  # --debug: each call
