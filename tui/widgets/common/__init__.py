"""Small widgets shared by the screens: a form field with an inline error, and a radio button
that reads without colour (the confirmation is a dialog, ``cairn.tui.dialogs.ConfirmDialog``).

Loaded on first use: the first screen needs none of them, and their Textual widgets (radio
buttons, buttons) cost milliseconds to import before the first frame.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .choice import Choice
    from .field import Field

__all__ = ["Choice", "Field"]
_MODULES = {"Choice": ".choice", "Field": ".field"}


def __getattr__(name: str) -> object:
    if name in _MODULES:
        return getattr(import_module(_MODULES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
