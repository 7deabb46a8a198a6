"""Cairn's settings: one TOML file in the user's config directory.

Read with the standard library's ``tomllib`` on every start when the file exists; written
only by an explicit action (choosing a theme in the palette), with ``tomlkit``, which keeps the
user's comments and layout, imported only then. Every problem is one ``ConfigError`` line that
names the file, the line and the key. ``cairn config`` prints the file's path and the settings in
force. Shared by the command line and the dashboard, so it lives beside both, not in storage.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

ENV = "CAIRN_CONFIG"
FILE_NAME = "config.toml"
THEME_ALIASES = {"ansi": "ansi-dark", "terminal": "ansi-dark"}


class ConfigError(Exception):
    """A config file Cairn cannot use; ``str()`` is one line: file, line, key and what to do."""


class Setting(NamedTuple):
    name: str
    kind: type
    default: object
    help: str


#: Every top-level key, in the order the README and ``cairn config`` list them.
SETTINGS = (
    Setting("theme", str, None, "colour theme: one of the palette's 'Change theme' names; "
            "\"ansi\" follows the terminal's own palette (CAIRN_THEME wins)"),
    Setting("database", str, None, "the database opened by default; ~ is your home, a relative path "
            "is relative to this file's folder (--db and CAIRN_DB win)"),
    Setting("mouse", bool, True, "false: no mouse support, as --no-mouse (quieter over SSH)"),
    Setting("cursor_blink", bool, False, "true: text cursors blink (they stay still by default: over SSH a "
            "blinking cursor repaints twice a second)"),
    Setting("profile", str, "Marketplace", "platform profile preselected for a new contract: a name "
            "'cairn profiles' lists (profiles live in the database; the form says so if it has none by this name)"),
    Setting("backups", int, 7, "how many copies 'cairn backup' keeps in the data directory"),
)
KEYMAP_HELP = "binding id = key (or keys, \"f,F\" or [\"f\", \"F\"]); 'cairn config --keys' lists the ids"


class Config:
    """The settings in force: the file's, and the defaults for what it does not say. A plain
    class, not a dataclass: building a dataclass costs a millisecond or two of every start."""

    __slots__ = ("path", "exists", "theme", "database", "mouse", "cursor_blink", "profile", "backups",
                 "keymap", "lines")

    def __init__(self, path: Path, exists: bool = False, theme: str | None = None, database: Path | None = None,
                 mouse: bool = True, cursor_blink: bool = False, profile: str = "Marketplace", backups: int = 7,
                 keymap: dict[str, str] | None = None, lines: dict[str, int] | None = None) -> None:
        self.path, self.exists, self.theme, self.database = path, exists, theme, database
        self.mouse, self.cursor_blink, self.profile, self.backups = mouse, cursor_blink, profile, backups
        self.keymap: dict[str, str] = keymap or {}
        self.lines: dict[str, int] = lines or {}  # where each key was found (keymap.<id> for the keymap)

    def replace(self, **changes: object) -> Config:
        return Config(**{**{name: getattr(self, name) for name in self.__slots__}, **changes})  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return "Config(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__ if n != "lines") + ")"

    def check_theme(self) -> None:
        """A theme name Textual does not have is refused (checked where Textual is loaded anyway)."""
        if self.theme is None:
            return
        from textual.theme import BUILTIN_THEMES

        if self.theme not in BUILTIN_THEMES:
            names = ", ".join(sorted(BUILTIN_THEMES))
            raise ConfigError(f"{self.where('theme')}, key 'theme': no theme is named {self.theme!r}; "
                              f"choose ansi or one of {names}.")

    def where(self, key: str) -> str:
        """'FILE, line N' for a key of this file (or just 'FILE')."""
        line = self.lines.get(key)
        return f"{self.path}, line {line}" if line else str(self.path)


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("cairn", appauthor=False)) / FILE_NAME


def config_path(explicit: str | os.PathLike | None = None) -> tuple[Path, bool]:
    """The file to read and whether the user named it (``--config``, then ``$CAIRN_CONFIG``)."""
    if explicit:
        return Path(explicit).expanduser(), True
    env = os.environ.get(ENV)
    if env:
        return Path(env).expanduser(), True
    return default_path(), False


def load(explicit: str | os.PathLike | None = None) -> Config:
    """The settings in force. A missing default file means the defaults; a file the user named
    that does not exist, or any problem in a file, is a ``ConfigError``."""
    path, named = config_path(explicit)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if named:
            raise ConfigError(f"{path}: no such config file; create it, or unset {ENV} / drop --config.") from None
        return Config(path)
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a config file.") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot be read ({e.strerror or e}).") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; a config file is TOML text.") from None
    return parse(text, path)


def parse(text: str, path: Path) -> Config:
    import tomllib  # ~2 ms: only when there is a file to read

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        m = re.search(r"\(at line (\d+), column (\d+)\)|\(at end of document\)", message)
        reason = message[:m.start()].strip() if m else message
        line = m.group(1) if m and m.group(1) else str(text.count("\n") + 1)
        key = _key_on_line(text, int(line))
        about = f", key '{key}'" if key else ""
        raise ConfigError(f"{path}, line {line}{about}: not valid TOML ({reason[:1].lower()}{reason[1:]}); "
                          "see the README's 'Config file'.") from None
    lines = _key_lines(text)
    config = Config(path, exists=True, lines=lines)
    known = {s.name: s for s in SETTINGS}
    values: dict[str, object] = {}
    for key, value in raw.items():
        where = f"{path}, line {lines[key]}" if key in lines else str(path)
        if key == "keymap":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}, key 'keymap': must be a table ([keymap] with id = \"key\" lines).")
            values["keymap"] = _keymap(value, config)
            continue
        setting = known.get(key)
        if setting is None:
            raise ConfigError(f"{where}: unknown setting '{key}'; the settings are "
                              f"{', '.join(known)} and [keymap].")
        if type(value) is not setting.kind:  # bool is an int: compare exactly
            raise ConfigError(f"{where}, key '{key}': must be {_kind(setting.kind)}, not {_toml(value)}.")
        values[key] = value
    if "backups" in values and not 1 <= values["backups"] <= 1000:
        raise ConfigError(f"{config.where('backups')}, key 'backups': must be from 1 to 1000, "
                          f"not {values['backups']}.")
    if "profile" in values and not 0 < len(values["profile"].strip()) <= 100:
        raise ConfigError(f"{config.where('profile')}, key 'profile': must be a profile's name, such as "
                          "\"Marketplace\" ('cairn profiles' lists them).")
    if "theme" in values:
        values["theme"] = THEME_ALIASES.get(values["theme"], values["theme"])
    if "database" in values:
        db = Path(values["database"]).expanduser()
        values["database"] = db if db.is_absolute() else path.parent / db
    return config.replace(**values)


def _keymap(table: dict, config: Config, prefix: str = "") -> dict[str, str]:
    """``[keymap]`` flattened: ``board.fund = "F"`` (TOML reads it as a nested table) and
    ``"board.fund" = "F"`` both give ``{"board.fund": "F"}``."""
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_keymap(value, config, f"{name}."))
            continue
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{config.where('keymap.' + name)}, key 'keymap.{name}': must be a key such as "
                              f"\"F\" or \"ctrl+f\" (or a list of keys), not {_toml(value)}.")
        out[name] = ",".join(k.strip() for k in value.split(","))
    return out


def _kind(kind: type) -> str:
    return {bool: "true or false", int: "a whole number", str: "a quoted string"}[kind]


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A table header and a key's start; compiled when a file is read (milliseconds otherwise)."""
    header = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
    key = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")
    return header, key


def _dotted(text: str) -> str:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", text)
    return ".".join(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def _key_lines(text: str) -> dict[str, int]:
    """Line of each key (full dotted name, tables included), for messages. tomllib keeps none."""
    found: dict[str, int] = {}
    table = ""
    header, key_start = _patterns()
    for n, line in enumerate(text.splitlines(), 1):
        if m := header.match(line):
            table = _dotted(m.group(1))
            found.setdefault(table, n)
            continue
        if m := key_start.match(line):
            key = _dotted(m.group(1))
            found.setdefault(f"{table}.{key}" if table else key, n)
    return found


def _key_on_line(text: str, line: int) -> str | None:
    for key, n in _key_lines(text).items():
        if n == line:
            return key
    return None


# --- writing ------------------------------------------------------------------------------------
HEADER_COMMENT = "Cairn's settings; every key is described in the README ('Config file'). 'cairn config' shows them."


def save_setting(path: Path, key: str, value: object) -> None:
    """Set one top-level key, keeping everything else in the file as it was (comments, order,
    layout). Written to a new file and renamed over the old, so a crash leaves one or the other."""
    import tomlkit

    try:
        doc = tomlkit.parse(path.read_text("utf-8"))
    except FileNotFoundError:
        doc = tomlkit.document()
        doc.add(tomlkit.comment(HEADER_COMMENT))
    doc[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(tomlkit.dumps(doc), "utf-8")
    os.replace(tmp, path)


def database_path(explicit: str | os.PathLike | None, config: Config) -> Path:
    """The database to open: ``--db``, then ``$CAIRN_DB``, then the config's ``database``, then
    the user data directory."""
    from cairn.storage.files import resolve_path

    if explicit or os.environ.get("CAIRN_DB") or config.database is None:
        return resolve_path(explicit)
    return config.database
