"""User text as data: never markup, control characters made visible (``storage.text.printable``)."""

from __future__ import annotations

from cairn.storage.text import printable


def clean(value: object) -> str:
    return printable(value)
