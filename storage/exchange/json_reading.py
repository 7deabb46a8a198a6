"""Reading an export for ``cairn import`` (``json_import``): a file in Cairn's own layout (one
row per line, ``json_dump.render``) a row at a time, so memory stays flat however large it is;
anything else, or a laid-out file with a line that does not parse, is read whole instead."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from cairn.storage.exchange.json_dump import FORMAT


class ReadWhole(Exception):
    """The file is not in Cairn's own layout, or one of its lines does not parse: read it whole."""


# --- reading ---------------------------------------------------------------------------------------
def _header_lines() -> tuple[bytes, ...]:
    return (b"{\n", b' "format": "%s",\n' % FORMAT.encode(), b' "format_version": ', b' "schema_revision": ',
            b' "tables": {\n')


def laid_out(lines: Iterator[bytes]) -> Iterator[tuple[str, Any]]:
    """Events of a file in Cairn's layout: ("header", (version, revision)), then per table
    ("table", name) and ("row", value) for each row, and ("end", None). Raises ``ReadWhole`` at
    the first line that is not exactly as Cairn writes it."""
    start, fmt, version, revision, tables = _header_lines()

    def value_after(line: bytes, prefix: bytes) -> Any:
        if not line.startswith(prefix) or not line.endswith(b",\n"):
            raise ReadWhole
        return parse(line[len(prefix):-2])

    if next(lines, None) != start or next(lines, None) != fmt:
        raise ReadWhole
    header = (value_after(next(lines, b""), version), value_after(next(lines, b""), revision))
    if next(lines, None) != tables:
        raise ReadWhole
    yield "header", header
    seen: set[str] = set()
    line = next(lines, b"")
    while True:
        if not (line.startswith(b'  "') and line.endswith(b'": [\n')):
            raise ReadWhole
        name = parse(line[2:-4])
        if not isinstance(name, str) or name in seen:
            raise ReadWhole  # a table twice: json.loads keeps the last one
        seen.add(name)
        yield "table", name
        line = next(lines, b"")
        last = False
        while not line.startswith(b"  ]"):
            if last or not line.startswith(b"   "):
                raise ReadWhole
            last = not line.endswith(b",\n")
            body = line[3:-1] if last else line[3:-2]
            if last and not line.endswith(b"\n"):
                raise ReadWhole
            yield "row", parse(body)
            line = next(lines, b"")
        if line == b"  ]\n":
            break
        if line != b"  ],\n":
            raise ReadWhole
        line = next(lines, b"")
    if next(lines, None) != b" }\n" or next(lines, None) != b"}\n":
        raise ReadWhole
    if any(rest.strip() for rest in lines):
        raise ReadWhole
    yield "end", None


_decode = json.JSONDecoder().decode  # what json.loads uses, without its checks of the argument per row


def parse(text: bytes) -> Any:
    try:
        # As json.loads decodes bytes (a line of spaces and JSON is UTF-8 to its detector).
        return _decode(text.decode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError):
        raise ReadWhole from None


def lines(source: bytes | str | Path | BinaryIO) -> Iterator[bytes]:
    if isinstance(source, bytes):
        return iter(source.splitlines(keepends=True))
    if isinstance(source, str):
        return (line.encode("utf-8", "surrogatepass") for line in source.splitlines(keepends=True))
    if isinstance(source, Path):
        return _file_lines(source)
    source.seek(0)
    return iter(source)


def _file_lines(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        yield from fh


def whole(source: bytes | str | Path | BinaryIO) -> bytes | str:
    if isinstance(source, bytes | str):
        return source
    if isinstance(source, Path):
        return source.read_bytes()
    source.seek(0)
    return source.read()
