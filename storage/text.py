"""User text as data wherever Cairn writes it for a person or another program: control characters
(terminal escape sequences, bells, bidi controls) shown visibly instead of acting, in the dashboard,
in what the command line prints, and in the CSV and iCalendar exports; and spreadsheet cells that
cannot run as formulas. Pure functions, nothing imported."""

from __future__ import annotations


def _visible(ch: str) -> str:
    n = ord(ch)
    return f"\\x{n:02x}" if n <= 0xFF else f"\\u{n:04x}" if n <= 0xFFFF else f"\\U{n:08x}"


# Invisible characters that belong to the text: the zero-width joiner inside emoji such as 👩‍💻
# (shown as the emoji, not as \u200d) and the emoji variation selector. Other format characters
# (right-to-left overrides, say) stay visible as codes: they could disguise what a title says.
JOINERS = frozenset("\u200d\ufe0f")


def printable(text: object, *, newlines: bool = True) -> str:
    """``text`` with every character that is not printable shown as ``\\xNN`` (``\\uNNNN``), so an
    ESC or OSC sequence is seen, never run. ``newlines=False`` also shows line breaks, so a one-line
    field stays on one line."""
    if text is None:
        return ""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in JOINERS or (newlines and ch == "\n") else _visible(ch)
                   for ch in text)


def printable_json(document: str) -> str:
    """JSON text with the characters ``json.dumps(ensure_ascii=False)`` leaves raw but a terminal would
    act on (DEL, C1 controls such as CSI, bidi and line separators) written as ``\\uNNNN`` escapes:
    the same JSON value, safe to print."""
    if document.isascii() and all(c >= " " or c == "\n" for c in document):
        return document.replace("\x7f", "\\u007f")
    return "".join(c if c.isprintable() or c == "\n" else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF
                   else c for c in document)


# A cell that a spreadsheet would read as a formula (or as the start of one, after a tab or CR).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: object) -> str:
    """A CSV text cell as data: control characters shown, and a leading = + - @ quoted with an
    apostrophe so that no spreadsheet runs it as a formula (OWASP's CSV injection advice)."""
    cell = printable(text, newlines=True)
    return "'" + cell if cell.startswith(_FORMULA_START) else cell
