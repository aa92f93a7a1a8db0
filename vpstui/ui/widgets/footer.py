"""Textual's footer, speaking the user's language and showing only the keys that fit whole.

`Footer`: binding descriptions are written in English where the bindings are defined
(class attributes, built at import, marked with `N_`); it translates each one as shown.

`KeysFooter`: the stock footer cuts the last key in half on a narrow terminal ("s Serve").
This one hides whole keys instead: first the command palette's (ctrl+p still works and the
help screen lists it), then keys from the right, and shows them again when there is room.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

from vpstui.i18n import N_, _, current

__all__ = ["TEXTUAL_KEYS", "Footer", "KeysFooter"]

#: Descriptions of Textual's own shown bindings in the widgets vpstui uses (Textual
#: 8.2.8), for the catalogue: the footer translates them like ours. The Select's list,
#: open in the create dialog, binds esc to "Dismiss menu".
TEXTUAL_KEYS = (N_("Dismiss menu"),)


class Footer(TextualFooter):
    """`textual.widgets.Footer` with translated key descriptions, rebuilt only when the
    keys it shows have changed.

    Textual's footer rebuilds all its keys each time a screen says its bindings may have
    changed (focus moved, a dialog closed, …), ~25 ms each: at start that was four times
    before the first frame with live rows (issue 13), to show the same keys.
    """

    #: What the keys were last built from (None: not built yet).
    _built_from: object = None

    def _keys_shown(self) -> object:
        """Everything `compose` builds the keys from: the shown bindings as the screen has
        them now (enabled, tooltip), the palette key, and the language they are shown in."""
        shown = tuple(
            (binding, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        return (shown, self.show_command_palette, self.app.ENABLE_COMMAND_PALETTE, current())

    async def recompose(self) -> None:
        if not self._bindings_ready or not self.is_attached:
            await super().recompose()
            return
        keys = self._keys_shown()
        if keys == self._built_from:
            return  # the same keys: nothing to rebuild
        self._built_from = keys
        await super().recompose()

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = _(widget.description)
            yield widget


class KeysFooter(Footer):
    """A `Footer` that drops whole keys, never halves, when the terminal is narrow."""

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._fit)  # once the new keys are laid out

    def on_mount(self) -> None:
        super().on_mount()
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        keys = list(self.query(FooterKey))
        if any(not key.display for key in keys):
            for key in keys:
                key.display = True
            self.call_after_refresh(self._drop)  # measure them all, shown, first
        else:
            self._drop()

    def _drop(self) -> None:
        keys = list(self.query(FooterKey))
        palette = [key for key in keys if key.has_class("-command-palette")]
        others = [key for key in keys if not key.has_class("-command-palette")]

        def cells(key: FooterKey) -> int:
            return key.outer_size.width + key.styles.margin.left + key.styles.margin.right

        spare = self.size.width - sum(cells(key) for key in keys)
        for key in palette + others[::-1]:
            if spare >= 0:
                break
            spare += cells(key)
            key.display = False
