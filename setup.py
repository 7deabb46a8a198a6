"""Packaging that pyproject.toml cannot express: the folders ``storage/`` and ``tui/`` at the top
of the repository install as ``cairn.storage`` and ``cairn.tui`` (their own top-level names belong
to other projects on the package index), and every subpackage under them is found, not listed."""

from setuptools import find_namespace_packages, setup

PACKAGE_DIR = {"cairn": "cairn", "cairn.storage": "storage", "cairn.tui": "tui"}

setup(
    package_dir=PACKAGE_DIR,
    packages=["cairn"]
    + [f"cairn.{name}" for name in find_namespace_packages(where="cairn") if "__pycache__" not in name]
    + [
        # Namespace discovery, so that folders of data such as the migrations ship too.
        f"cairn.{name}"
        for name in find_namespace_packages(include=["storage", "storage.*", "tui", "tui.*"])
        if "__pycache__" not in name
    ],
)
