"""scripts/screenshots.py: its scenes load, and every screenshot the README shows exists.

Making the pictures takes half a minute; this only checks the script and the README agree."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_script():
    spec = importlib.util.spec_from_file_location("cairn_screenshots", ROOT / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def readme_images() -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (ROOT / "README.md").read_text())


def test_scenes_load_with_a_name_size_caption_and_driver():
    shots = load_script()
    names = [s.name for s in shots.SCENES]
    assert len(names) == len(set(names))
    assert {"contract-list", "contract-list-80x24", "new-contract", "board", "board-changes", "change-request",
            "release-dialog", "end-contract", "help"} <= set(names)
    for scene in shots.SCENES:
        assert scene.size in ((120, 36), (80, 24)) and scene.caption
        assert callable(scene.drive)
    assert shots.OUT == ROOT / "screenshots"


def test_every_screenshot_in_the_readme_exists_and_every_scene_is_shown():
    images = readme_images()
    assert images, "the README shows no screenshots"
    for image in images:
        assert not image.startswith(("/", "http")), f"{image}: use a relative link"
        path = ROOT / image
        assert path.is_file(), f"{image} is referenced by README.md but missing"
        assert path.read_text(encoding="utf-8").lstrip().startswith("<svg")
    shots = load_script()
    assert {f"screenshots/{s.name}.svg" for s in shots.SCENES} <= set(images)
    assert ".venv/bin/python scripts/screenshots.py" in (ROOT / "README.md").read_text()
