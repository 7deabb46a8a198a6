"""The command palette: every bound action of the active screen, named by its binding.

A screen only declares ``Binding(key, action, "Description", tooltip=...)``; the palette
offers it under exactly that description (``show=False`` only keeps a binding out of the
footer) and runs it through the screen's (or the app's) ``run_action``, so parameterised
actions such as ``act_as('client')`` run as their key would run them. The help screen lists
the same bindings.

``check_action`` decides what is offered, as it decides what the footer shows:

- ``True``: offered, and runs.
- ``False`` (makes no sense now): left out of the palette; help lists it as "(not now)".
- ``None`` (the footer shows it disabled): offered, marked "not available now"; choosing it
  says so instead of doing nothing.

A screen may also say which of its runnable actions apply now (``applies_now``, the board): the
others are offered as "not available now" too, and choosing one runs it, which says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.actions import parse
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.dom import DOMNode
    from textual.screen import Screen

# Actions the palette never offers: opening the palette itself, and the ones Textual's
# system commands already offer under their own names.
HIDDEN_ACTIONS = {"command_palette", "quit", "screenshot", "change_theme"}
# Textual's own screen bindings (focus, copy): listed under "Everywhere" in help, not in the palette.
GENERIC_ACTIONS = {"app.focus_next", "app.focus_previous", "screen.copy_text"}
NOT_NOW = "Not available now"


@dataclass(frozen=True)
class BoundAction:
    """One action bound on a screen or on the app, with every key that runs it."""

    description: str
    action: str
    keys: tuple[str, ...]
    tooltip: str
    node: DOMNode
    state: bool | None
    """What ``check_action`` answered: True, False (hidden) or None (disabled)."""

    @property
    def available(self) -> bool:
        return bool(self.state)

    @property
    def disabled(self) -> bool:
        return self.state is None

    @property
    def generic(self) -> bool:
        return self.action in GENERIC_ACTIONS

    @property
    def key_display(self) -> str:
        return " / ".join(self.keys)

    async def run(self) -> bool:
        """Run the action as its key would (``check_action`` is asked again); if it no longer
        applies, say so instead of doing nothing. Returns whether it ran."""
        app = self.node.app
        ran = await app.run_action(self.action, self.node)
        if not ran:
            app.notify(f"{self.description}: not available now.", severity="warning", markup=False, timeout=4)
        return ran


def _state(node: DOMNode, action: str) -> bool | None:
    # The same parse (namespaces ``app``, ``screen``, ``focused``; parameters) as ``run_action``.
    state = node.app._check_action_state(action, node)
    # A screen whose keys all run (each saying why where it does not apply) tells which apply now.
    applies_now = getattr(node, "applies_now", None)
    if state and applies_now is not None:
        _namespace, name, parameters = parse(action)
        if not applies_now(name, parameters):
            return None
    return state


def bound_actions(screen: Screen, *, include_unavailable: bool = False, include_disabled: bool = False,
                  nodes: list[DOMNode] | None = None) -> list[BoundAction]:
    """The described bindings of ``screen`` then of the app (or of ``nodes``), one entry per
    action, in declaration order, whether or not the footer shows them.

    Actions ``check_action`` answers ``True`` for are always included; disabled ones (``None``)
    with ``include_disabled``; every one with ``include_unavailable``.
    """
    app = screen.app
    if nodes is None:
        nodes = [screen, app]
    found: dict[tuple[int, str], tuple[Binding, list[str], DOMNode]] = {}
    keymap = getattr(app, "keymap", None)
    for node in nodes:
        bindings_map = node._bindings
        if keymap:  # the user's keys, as Textual applies them in the screen's binding chain
            for bindings in bindings_map.key_to_bindings.values():  # in declaration order
                for binding in bindings:
                    if binding.description:
                        found.setdefault((id(node), binding.action), (binding, [], node))
            bindings_map = bindings_map.copy()
            bindings_map.apply_keymap(keymap)
        for bindings in bindings_map.key_to_bindings.values():
            for binding in bindings:
                if not binding.description:
                    continue
                slot = (id(node), binding.action)
                key = app.get_key_display(binding)
                if slot in found:
                    if key not in found[slot][1]:
                        found[slot][1].append(key)
                    continue
                found[slot] = (binding, [key], node)
    out = []
    for binding, keys, node in found.values():
        state = _state(node, binding.action)
        if not (state or include_unavailable or (state is None and include_disabled)):
            continue
        out.append(BoundAction(binding.description, binding.action, tuple(keys), binding.tooltip or "",
                               node, state))
    return out


class CairnCommands(Provider):
    """Offers the active screen's actions (and the app's) by their binding descriptions."""

    def _actions(self) -> list[BoundAction]:
        return [a for a in bound_actions(self.screen, include_disabled=True)
                if a.action not in HIDDEN_ACTIONS and not a.generic]

    @staticmethod
    def _help(action: BoundAction) -> str:
        text = f"{action.tooltip}  ({action.key_display})" if action.tooltip else f"Key: {action.key_display}"
        return f"{NOT_NOW} · {text}" if action.disabled else text

    async def discover(self) -> Hits:
        # What can be done now first, then what the screen shows disabled.
        for action in sorted(self._actions(), key=lambda a: (a.disabled, a.description)):
            yield DiscoveryHit(action.description, partial(action.run), help=self._help(action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action in self._actions():
            score = matcher.match(action.description)
            if score > 0:
                if action.disabled:
                    score /= 2
                yield Hit(score, matcher.highlight(action.description), partial(action.run),
                          text=action.description, help=self._help(action))
