"""`KeysFooter`: Textual's footer, showing only the keys that fit whole.

The stock footer cuts the last key in half on a narrow terminal ("s Serve"). This one
hides whole keys instead: first the command palette's (ctrl+p still works and the help
screen lists it), then keys from the right, and shows them again when there is room.
"""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["KeysFooter"]


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
