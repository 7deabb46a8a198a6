"""The user's keymap (``[keymap]`` in the config): checked before the dashboard starts, applied
with Textual's own keymap support (``App.set_keymap``), which the footer, help and the palette
read back through the screen's binding chain (``tui/commands.py`` ``bound_actions``).

Textual accepts any keymap and settles a clash silently, at key time; Cairn refuses, at start and
in one line, a binding id it does not have, a key name no terminal sends, and a key that lands on
another action of the same screen. Checking imports every screen, so it runs only when the
config has a keymap: the first frame of a config without one pays nothing.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding
from textual.keys import Keys, _character_to_key, format_key

from cairn.config import Config, ConfigError

MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
#: Keys the tables, lists, buttons and the focus chain use on every screen: a remap onto one of
#: them would take it away from the widget it serves.
RESERVED = ("up", "down", "left", "right", "pageup", "pagedown", "home", "end", "enter", "tab", "shift+tab")
# Named keys (f1, escape, ctrl+a...) and every printable character by its name (question_mark).
_KEY_NAMES = {k.value for k in Keys} | {_character_to_key(chr(c)) for c in range(33, 127)} | {"space"}


_UNNAMED = {"app.focus_next": "moving to the next field", "app.focus_previous": "moving to the previous field"}


@dataclass(frozen=True)
class BindingInfo:
    id: str
    keys: tuple[str, ...]
    description: str
    screens: tuple[str, ...]


def _screen_classes() -> list[type]:
    """The app, then every screen and dialog class Cairn defines (their modules imported)."""
    from textual.screen import Screen

    from cairn.tui import app, dialogs, screens

    for package in (screens, dialogs):
        for info in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{info.name}")
    found: list[type] = []
    todo = [Screen]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("cairn.tui.") and cls not in found:
            found.append(cls)
    return [app.CairnApp, *sorted(found, key=lambda c: (c.__module__, c.__qualname__))]


def _declared(cls: type) -> list[Binding]:
    """Every binding ``cls`` declares, its bases' first (as Textual merges them)."""
    out: list[Binding] = []
    for base in reversed(cls.__mro__):
        for item in base.__dict__.get("BINDINGS", ()):
            binding = item if isinstance(item, Binding) else Binding(*item)
            out.extend(Binding.make_bindings([binding]))
    return out


def scopes() -> dict[str, list[Binding]]:
    """Bindings that are live together: each screen's own with the app's."""
    classes = _screen_classes()
    app_bindings = _declared(classes[0])
    from textual.screen import ModalScreen

    # Full screens first, so a clash with a key that works everywhere names a screen users know.
    ordered = sorted(classes[1:], key=lambda c: issubclass(c, ModalScreen))
    return {cls.__qualname__: app_bindings + _declared(cls) for cls in ordered}


def bindings() -> list[BindingInfo]:
    """Every binding id, with its default keys and where it applies (for ``cairn config --keys``)."""
    keys: dict[str, dict[str, None]] = {}
    where: dict[str, dict[str, None]] = {}
    described: dict[str, str] = {}
    for scope, live in scopes().items():
        for b in live:
            if b.id is None:
                continue
            keys.setdefault(b.id, {}).update(dict.fromkeys(normalize(k) for k in b.key.split(",")))
            where.setdefault(b.id, {})[scope] = None
            described.setdefault(b.id, b.description or b.action)
    return [BindingInfo(i, tuple(keys[i]), described[i], tuple(where[i])) for i in sorted(keys)]


def normalize(key: str) -> str:
    """A key as Textual names it: "?" -> "question_mark"; modifiers lower-cased."""
    key = key.strip()
    if len(key) == 1:
        return _character_to_key(key)
    *mods, base = key.split("+")
    base = base if len(base) == 1 else base.lower()
    return "+".join([*(m.lower() for m in mods), base])


def _valid_key(key: str) -> bool:
    *mods, base = key.split("+")
    if not base or any(m not in MODIFIERS for m in mods):
        return False
    return len(base) == 1 or base in _KEY_NAMES or f"ctrl+{base}" in _KEY_NAMES


def check(config: Config) -> dict[str, str]:
    """The keymap to hand to ``App.set_keymap``, or ``ConfigError`` naming the first problem."""
    keymap = config.keymap
    if not keymap:
        return {}
    live = scopes()
    known = {b.id for bs in live.values() for b in bs if b.id}
    normalized: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        where = f"{config.where('keymap.' + binding_id)}, key 'keymap.{binding_id}'"
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, sorted(known), n=2, cutoff=0.7)
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise ConfigError(f"{where}: no binding has this id{hint}; 'cairn config --keys' lists them.")
        names = [normalize(k) for k in keys.split(",")]
        bad = [k for k, n in zip(keys.split(","), names, strict=True) if not _valid_key(n)]
        if bad:
            raise ConfigError(f"{where}: {bad[0].strip()!r} is not a key name; use a character or a name "
                              "such as f2, ctrl+f, shift+up or question_mark.")
        normalized[binding_id] = ",".join(dict.fromkeys(names))
    app_bindings = _declared(_screen_classes()[0])
    for scope, bs in live.items():
        _collisions(config, scope, bs, normalized, app_bindings)
    return normalized


def _collisions(config: Config, scope: str, live: list[Binding], keymap: dict[str, str],
                app_bindings: list[Binding]) -> None:
    before: dict[str, set[str | None]] = {}  # key -> ids on it by default (a pair sharing a key by design)
    after: dict[str, list[Binding]] = {}
    for b in live:
        for key in b.key.split(","):
            before.setdefault(normalize(key), set()).add(b.id)
    for b in live:
        keys = keymap[b.id].split(",") if b.id in keymap else [normalize(k) for k in b.key.split(",")]
        for key in keys:
            after.setdefault(key, []).append(b)
    for binding_id, keys in keymap.items():
        for key in keys.split(","):
            on_it = after.get(key, [])
            if not any(b.id == binding_id for b in on_it):
                continue  # this id is not on this screen
            default_keys = {k for b in live if b.id == binding_id for k in
                            (normalize(k) for k in b.key.split(","))}
            shared_by_design = set().union(*(before.get(k, set()) for k in default_keys))
            mine = {b.action for b in on_it if b.id == binding_id}
            others = [b for b in on_it if b.id != binding_id and b.id not in shared_by_design
                      and b.action not in mine]  # Textual's own ctrl+q is the same quit
            if key in RESERVED and not any(b.id == binding_id for b in _on_default(live, key)):
                others.append(Binding(key, "", "moving the cursor and pressing buttons"))
            if others:
                other = others[0]
                name = f"'{other.id}' ({other.description})" if other.id else (
                    other.description or _UNNAMED.get(other.action, other.action))
                place = "on every screen" if other in app_bindings else f"on the {_screen_name(scope)}"
                raise ConfigError(f"{config.where('keymap.' + binding_id)}, key 'keymap.{binding_id}': "
                                  f"{format_key(key)!r} is already {name} {place}; "
                                  "choose another key, or move that one too.")


def _on_default(live: Iterable[Binding], key: str) -> list[Binding]:
    return [b for b in live if key in (normalize(k) for k in b.key.split(","))]


def _screen_name(scope: str) -> str:
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in scope).strip()
    return words if words.endswith(("screen", "dialog", "form")) else f"{words} dialog"
