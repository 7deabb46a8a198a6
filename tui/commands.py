"""The command palette: every bound action of the active screen, named by its binding.

A screen only declares ``Binding(key, action, "Description", tooltip=...)``; the palette
offers it under exactly that description, hides it when ``check_action`` says it makes no
sense now, and runs it through the screen's (or the app's) ``run_action``. The help
screen lists the same bindings.
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


@dataclass(frozen=True)
class BoundAction:
    """One action bound on a screen or on the app, with every key that runs it."""

    description: str
    action: str
    keys: tuple[str, ...]
    tooltip: str
    node: DOMNode
    available: bool

    @property
    def generic(self) -> bool:
        return self.action in GENERIC_ACTIONS

    @property
    def key_display(self) -> str:
        return " / ".join(self.keys)

    async def run(self) -> None:
        await self.node.run_action(self.action)


def _state(node: DOMNode, action: str) -> bool | None:
    namespace, name, params = parse(action)
    target = {"app": node.app, "screen": getattr(node, "screen", node)}.get(namespace, node)
    return target.check_action(name, params)


def bound_actions(screen: Screen, *, include_unavailable: bool = False,
                  nodes: list[DOMNode] | None = None) -> list[BoundAction]:
    """The described bindings of ``screen`` then of the app (or of ``nodes``), one entry per
    action.

    ``check_action`` decides availability: ``False`` or ``None`` (disabled) makes an action
    unavailable; unavailable actions are left out unless ``include_unavailable``.
    """
    app = screen.app
    if nodes is None:
        nodes = [screen, app]
    found: dict[tuple[int, str], tuple[Binding, list[str], DOMNode]] = {}
    for node in nodes:
        # ``_bindings`` holds the bindings after any keymap the user applied.
        for bindings in node._bindings.key_to_bindings.values():
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
        available = bool(_state(node, binding.action))
        if not available and not include_unavailable:
            continue
        out.append(BoundAction(binding.description, binding.action, tuple(keys), binding.tooltip or "",
                               node, available))
    return out


class CairnCommands(Provider):
    """Offers the active screen's actions (and the app's) by their binding descriptions."""

    def _actions(self) -> list[BoundAction]:
        return [a for a in bound_actions(self.screen) if a.action not in HIDDEN_ACTIONS and not a.generic]

    @staticmethod
    def _help(action: BoundAction) -> str:
        return f"{action.tooltip}  ({action.key_display})" if action.tooltip else f"Key: {action.key_display}"

    async def discover(self) -> Hits:
        for action in sorted(self._actions(), key=lambda a: a.description):
            yield DiscoveryHit(action.description, partial(action.run), help=self._help(action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action in self._actions():
            score = matcher.match(action.description)
            if score > 0:
                yield Hit(score, matcher.highlight(action.description), partial(action.run),
                          text=action.description, help=self._help(action))
