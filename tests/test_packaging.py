"""The installed package is one namespace: ``cairn``, ``cairn.storage``, ``cairn.tui``.

``storage`` and ``tui`` are other projects' names on the package index; nothing of Cairn may
import them (the folders keep those names in the repository, mapped by setup.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_nothing_imports_top_level_storage_or_tui(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c",
         "import sys, cairn.cli, cairn.entry, cairn.tui.app, cairn.storage.api, cairn.storage.demo\n"
         "print(sorted({m.split('.')[0] for m in sys.modules} & {'storage', 'tui'}))"],
        cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_source_file_names_the_old_top_level_packages():
    bad = re.compile(r"^\s*(from|import)\s+(storage|tui)\b", re.MULTILINE)
    files = [p for d in ("cairn", "storage", "tui", "tests", "bench", "scripts") for p in (ROOT / d).rglob("*.py")]
    assert files
    offenders = [str(p.relative_to(ROOT)) for p in files if bad.search(p.read_text())]
    assert offenders == []


def test_version_names_the_installed_distribution():
    from click.testing import CliRunner

    from cairn.cli import cli

    result = CliRunner().invoke(cli, ["--version"], prog_name="cairn")
    assert result.exit_code == 0 and re.fullmatch(r"cairn, version \d+\.\d+\.\d+\S*\n", result.output)
