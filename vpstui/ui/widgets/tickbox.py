"""`TickBox`: a checkbox whose state reads without colour, as `[x]` or `[ ]`.

Textual's `Checkbox` draws `▐X▌` ticked and unticked alike and tells them apart by the
X's colour only, which `NO_COLOR=1`, a monochrome terminal or a tired eye loses.
"""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.widgets import Checkbox

__all__ = ["TickBox"]


class TickBox(Checkbox):
    """A `Checkbox` drawn `[x] label` when ticked and `[ ] label` when not."""

    DEFAULT_CSS: ClassVar[str] = """
    TickBox {
        & > .toggle--button { background: $surface; color: $text; text-style: bold; }
        &.-on > .toggle--button { background: $surface; color: $text-success; }
        &:disabled > .toggle--button { color: $text-muted; }
    }
    """

    @property
    def _button(self) -> Content:
        mark = "[x]" if self.value else "[ ]"
        return Content.styled(mark, self.get_visual_style("toggle--button"))
