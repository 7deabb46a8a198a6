"""User text as data: never markup, control characters made visible."""

from __future__ import annotations


def clean(value: object) -> str:
    text = "" if value is None else str(value)
    return "".join(ch if ch.isprintable() or ch == "\n" else f"\\x{ord(ch):02x}" for ch in text)
