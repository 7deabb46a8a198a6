"""Fixtures for the ``cairn`` command: a temporary database per test, time frozen at NOW."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cairn.cli import cli

NOW = "2026-03-10T12:00:00Z"


def run(*args: str, now: str | None = NOW, input: str | bytes | None = None):
    """Invoke ``cairn`` in-process with a frozen clock; returns click's Result."""
    argv = (["--now", now] if now else []) + [str(a) for a in args]
    return CliRunner().invoke(cli, argv, input=input, prog_name="cairn")


@pytest.fixture
def demo_db(tmp_path):
    path = tmp_path / "demo.db"
    result = run("demo", "--db", path)
    assert result.exit_code == 0, result.output
    return path
