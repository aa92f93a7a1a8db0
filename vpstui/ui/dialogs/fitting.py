"""How a dialog fits a small terminal, and the restore dialog's safety line.

Under `SHORT_ROWS` rows (or when a dialog finds it does not fit) a dialog goes compact:
no gaps, buttons, inputs and checkboxes without borders. The restore dialog also checks
that what is restored, the safety option and the name field can be seen together, and
says `TOO_SMALL` instead of letting Restore be armed blind.
"""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input

from vpstui.i18n import N_, _

__all__ = ["SHORT_ROWS", "TOO_SMALL", "make_compact", "safety_line", "span_fits"]

#: Below this many terminal rows a dialog is compact from the start.
SHORT_ROWS = 24

TOO_SMALL = N_(
    "The terminal is too small to show the backup, the safety option and the name together: "
    "enlarge it to restore."
)


def make_compact(dialog: Widget, short: bool) -> None:
    """No gaps and borderless controls in `dialog` (`short`), or the roomy layout."""
    dialog.set_class(short, "-short")
    for widget in dialog.query("#dialog Button, #dialog Input, #dialog Checkbox"):
        if isinstance(widget, Button | Input | Checkbox):
            widget.compact = short


def span_fits(body: Widget, top: Widget, bottom: Widget) -> bool:
    """Whether `top` down to `bottom` (inside the scrolling `body`) fit on screen at once."""
    span = bottom.virtual_region.bottom - top.virtual_region.y
    return span <= body.scrollable_content_region.height


def safety_line(possible: bool | None, wanted: bool, quota: str) -> str | None:
    """What the line under the safety checkbox says for its state (None: quota not known
    yet). Every state is in words, so it reads the same without colour."""
    if possible is None:
        return None
    if possible is False:
        return _("Safety backup: none (quota full). {quota}").format(quota=quota)
    if wanted:
        return _(
            "Safety backup: yes. It is taken first; the restore is sent once it has "
            "completed. {quota}"
        ).format(quota=quota)
    return _(
        "Safety backup: none (unticked). The restore is sent at once, without a safety "
        "backup. {quota}"
    ).format(quota=quota)
