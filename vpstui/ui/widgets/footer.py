"""Textual's footer, speaking the user's language.

Binding descriptions are written in English where the bindings are defined (class
attributes, built at import, marked with `N_`); this footer translates each one as it is
shown, so the language chosen at start-up applies everywhere a key is listed.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

from vpstui.i18n import _

__all__ = ["Footer"]


class Footer(TextualFooter):
    """`textual.widgets.Footer` with translated key descriptions."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = _(widget.description)
            yield widget
