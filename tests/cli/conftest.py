"""Fixtures for the ``cairn`` command: a temporary database per test, time frozen at NOW."""

from __future__ import annotations

import os
import shutil

import pytest
from click.testing import CliRunner

from cairn.cli import cli

NOW = "2026-03-10T12:00:00Z"


def run(*args: str, now: str | None = NOW, input: str | bytes | None = None):
    """Invoke ``cairn`` in-process with a frozen clock; returns click's Result."""
    argv = (["--now", now] if now else []) + [str(a) for a in args]
    return CliRunner().invoke(cli, argv, input=input, prog_name="cairn")


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory):
    """``cairn demo`` run once per test process (a second or more of ORM work); the demo is the
    same for the same ``--now`` (tests/cli/test_demo_and_check.py runs the command itself)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = run("demo", "--db", path)
    assert result.exit_code == 0, result.output
    assert not path.with_name("demo.db-wal").exists(), "the template must be one closed file"
    return path


@pytest.fixture
def demo_db(tmp_path, _demo_template):
    """The demo database at NOW, the test's own copy."""
    path = tmp_path / "demo.db"
    shutil.copyfile(_demo_template, path)
    os.chmod(path, 0o600)
    return path
