"""The "Label:  value" lines the dialogs show facts in, aligned in any language."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from vpstui.format import safe_text
from vpstui.i18n import _

__all__ = ["field_line", "label_cell"]


def label_cell(label: str, width: int = 13) -> str:
    """`label` (already translated) with its colon, padded to `width` terminal cells
    (a Chinese character takes two: padding by `len` would push the values apart)."""
    text = _("{label}:").format(label=label)
    return text + " " * max(1, width - cell_len(text))


def field_line(label: str, value: str | Text, *, style: str = "") -> Text:
    """One "Label:  value" line (`label` already translated); `value` strings are made
    safe and shown literally."""
    line = Text.assemble((label_cell(label), "bold"))
    if isinstance(value, Text):
        line.append_text(value)
    else:
        line.append(safe_text(value), style=style)
    return line
