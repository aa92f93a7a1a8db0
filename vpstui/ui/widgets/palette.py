"""Textual's command palette, worded in the language in use.

Textual 8 writes two things of its own in the palette: the search field's placeholder
(a constructor argument) and "No matches found", an option it adds to its `CommandList`
half a second after a search finds nothing. That option is built inside a private
method, so instead of overriding the method (copying its timer logic) the palette
composes a `CommandList` whose public `add_options` rewords that one option (known by
its id) as it is added; everything else is Textual's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Self, TypeAlias

from rich.align import Align
from rich.text import Text
from textual.app import ComposeResult
from textual.command import CommandList, CommandPalette
from textual.visual import VisualType
from textual.widgets.option_list import Option

from vpstui.i18n import _

__all__ = ["Palette"]

#: What an option list is given to show (`OptionListContent` in Textual's private module).
Content: TypeAlias = "Option | VisualType | None"

#: The id Textual gives its "No matches found" option (`CommandPalette._NO_MATCHES`).
NO_MATCHES: Final = "--no-matches"


class WordedCommandList(CommandList):
    """Textual's command list, its "No matches found" in the language in use."""

    def add_options(self, new_options: Iterable[Content]) -> Self:
        return super().add_options(_worded(option) for option in new_options)


def _worded(option: Content) -> Content:
    if isinstance(option, Option) and option.id == NO_MATCHES:
        words = Align.center(Text(_("No matches found"), style="not bold"))
        return Option(words, disabled=option.disabled, id=option.id)
    return option


class Palette(CommandPalette):
    """`CommandPalette` with our placeholder and `WordedCommandList`."""

    def __init__(self) -> None:
        super().__init__(id="--command-palette", placeholder=_("Search for commands…"))

    def compose(self) -> ComposeResult:
        # Textual's layout as it is, with the list swapped as it is yielded (the
        # containers around it are entered by Textual's own compose).
        for widget in super().compose():
            yield WordedCommandList() if type(widget) is CommandList else widget
