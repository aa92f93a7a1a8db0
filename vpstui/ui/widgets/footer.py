"""The footer: the keys the screen offers now, on one line, in the user's language.

Textual's footer is a container of one widget per key, rebuilt each time a screen says
its bindings may have changed (~25 ms each), and empty in a screen's first frame (its keys
come a refresh later). This one draws the same line as one widget: the keys are read from
the screen when it is drawn, so they are in the first frame, and a change of keys is a
repaint of one line.

It looks like Textual's (`$footer-*` colours, the command palette's key on the right)
and behaves like it (a click presses the key; a disabled key is dimmed and rings the
bell), with two differences: binding descriptions, written in English where the bindings
are defined (marked with `N_`), are translated as shown; and on a narrow terminal whole
keys are left out, never one cut in half ("s Serve"): first the palette's (ctrl+p still
works and the help screen lists it), then keys from the right.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.command import CommandPalette
from textual.widget import Widget

from vpstui.i18n import N_, _

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen

__all__ = ["TEXTUAL_KEYS", "KeysFooter", "ShownKey"]

#: Descriptions of Textual's own shown bindings in the widgets vpstui uses (Textual
#: 8.2.8), for the catalogue: the footer translates them like ours. The Select's list,
#: open in the create dialog, binds esc to "Dismiss menu"; the command palette's key has
#: a tooltip of its own.
TEXTUAL_KEYS = (
    N_("Dismiss menu"),
    N_("Open the command palette"),
    N_("Exit the command palette"),
)

#: Between the keys and the command palette's key, as Textual's footer draws it.
PALETTE_BORDER = "▏"


class ShownKey(NamedTuple):
    """A key as the footer shows it."""

    key: str
    #: How the key is written ("^p", "del", "?").
    display: str
    #: The binding's description, translated.
    description: str
    action: str
    enabled: bool
    tooltip: str
    #: The command palette's key, drawn on the right.
    palette: bool = False

    @property
    def cells(self) -> int:
        """Its width on the line."""
        if self.palette:  # "▏^p palette "
            return 1 + cell_len(self.display) + 1 + cell_len(self.description) + 1
        if not self.description:
            return cell_len(self.display)
        return cell_len(self.display) + 2 + cell_len(self.description) + 1


class KeysFooter(Widget, can_focus=False):
    """The keys of the screen it is on, docked at the bottom."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "keys-footer--key",
        "keys-footer--description",
        "keys-footer--border",
        "keys-footer--hover",
    }
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .keys-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keys-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keys-footer--border {
            color: $foreground 20%;
        }
        & > .keys-footer--hover {
            background: $block-hover-background;
        }
    }
    """

    def __init__(self, *, show_command_palette: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.show_command_palette = show_command_palette
        #: Where each key shown was drawn: (first cell, past its last cell, key).
        self._spans: list[tuple[int, int, ShownKey]] = []
        #: The key under the mouse pointer (drawn highlighted), if any.
        self._hover: ShownKey | None = None
        #: The keys last drawn, to repaint only when they change.
        self._drawn: tuple[ShownKey, ...] | None = None

    # --- what is shown -----------------------------------------------------------------------

    def keys(self) -> list[ShownKey]:
        """Every key the screen shows now (one per action, as Textual's footer), in order,
        the palette's last; before any is left out for want of room. While the command
        palette, which has no footer of its own, is open over the screen: its keys."""
        app = self.app
        screen = app.screen if isinstance(app.screen, CommandPalette) else self.screen
        active = screen.active_bindings
        keys: list[ShownKey] = []
        actions: set[str] = set()
        # A screen may name an action as its button does ("Close", "Stay" for `cancel`).
        describe = getattr(screen, "key_description", None)
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                said = describe(binding.action) if callable(describe) else None
                keys.append(self._shown(binding, enabled, tooltip, description=said))
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, _tooltip = found
                tooltip = _(binding.tooltip or binding.description)
                keys.append(self._shown(binding, enabled, tooltip, palette=True))
        return keys

    def _shown(
        self,
        binding: Binding,
        enabled: bool,
        tooltip: str,
        *,
        palette: bool = False,
        description: str | None = None,
    ) -> ShownKey:
        if description is None:
            description = _(binding.description) if binding.description else ""
        display = self.app.get_key_display(binding)
        return ShownKey(
            binding.key, display, description, binding.action, enabled, tooltip, palette
        )

    def shown_keys(self, width: int | None = None) -> list[ShownKey]:
        """The keys that fit whole in `width` cells (default: the footer's width): the
        palette's goes first, then keys from the right."""
        room = self.size.width if width is None else width
        keys = self.keys()
        palette = [key for key in keys if key.palette]
        others = [key for key in keys if not key.palette]
        total = sum(key.cells for key in keys)
        for key in palette + others[::-1]:
            if total <= room:
                break
            total -= key.cells
            keys.remove(key)
        return keys

    # --- drawing -----------------------------------------------------------------------------

    def render(self) -> Text:
        width = self.size.width
        keys = self.shown_keys(width)
        self._drawn = tuple(keys)
        key_style = self.get_component_rich_style("keys-footer--key")
        description_style = self.get_component_rich_style("keys-footer--description")
        hover = Style(bgcolor=self.get_component_rich_style("keys-footer--hover").bgcolor)
        dim = Style(dim=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, ShownKey]] = []
        position = 0
        for key in keys:
            if key.palette:
                gap = max(0, width - position - key.cells)
                line.append(" " * gap)
                position += gap
                line.append(PALETTE_BORDER, self.get_component_rich_style("keys-footer--border"))
                parts = [(key.display, key_style), (f" {key.description} ", description_style)]
                start = position + 1
            elif key.description:
                parts = [
                    (f" {key.display} ", key_style),
                    (f"{key.description} ", description_style),
                ]
                start = position
            else:
                parts = [(key.display, key_style)]
                start = position
            extra = (dim if not key.enabled else Style()) + (
                hover if key == self._hover else Style()
            )
            for text, style in parts:
                line.append(text, style + extra)
            position += key.cells
            spans.append((start, position, key))
        self._spans = spans
        return line

    # --- keeping up with the screen ----------------------------------------------------------

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.app.screen_change_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)
        self.app.screen_change_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        """The screen's keys may have changed (focus moved, a dialog or the palette
        opened or closed): repaint the line if they did."""
        if self.is_attached and tuple(self.shown_keys()) != self._drawn:
            self.refresh()

    # --- the mouse ---------------------------------------------------------------------------

    def key_at(self, x: int) -> ShownKey | None:
        """The key drawn at cell `x` of the line, if any."""
        for start, end, key in self._spans:
            if start <= x < end:
                return key
        return None

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        event.stop()
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._point_at(self.key_at(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._point_at(None)

    def _point_at(self, key: ShownKey | None) -> None:
        if key != self._hover:
            self._hover = key
            self.tooltip = key.tooltip if key is not None and key.tooltip else None
            self.refresh()
