"""``cairn evidence CONTRACT -o FILE``: HTML by default, Markdown by extension or --format; refusals."""

from __future__ import annotations

import stat

from .conftest import run


def test_evidence_html_and_markdown(demo_db, tmp_path):
    page = tmp_path / "pack.html"
    result = run("evidence", "1", "--db", demo_db, "-o", page)
    assert result.exit_code == 0, result.output
    assert 'Evidence pack of "Brand refresh" written to' in result.output
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and "Could direction B try a warmer palette?" in text
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    notes = tmp_path / "pack.md"
    assert run("evidence", "7", "--db", demo_db, "-o", notes).exit_code == 0
    md = notes.read_text()
    assert md.startswith("# Evidence pack: Newsletter templates") and "### Version 2: changed by the client" in md
    out = run("evidence", "7", "--db", demo_db, "-o", "-", "--format", "md")
    assert out.output.startswith("# Evidence pack: Newsletter templates")


def test_evidence_refusals(demo_db, tmp_path):
    result = run("evidence", "999", "--db", demo_db, "-o", tmp_path / "x.html")
    assert result.exit_code == 1 and "contract 999 does not exist" in result.output
    assert not (tmp_path / "x.html").exists()
    result = run("evidence", "1", "--db", demo_db, "-o", tmp_path)
    assert result.exit_code != 0 and "Traceback" not in result.output
