"""The help screen: every key, grouped by what it is for."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from vpstui.i18n import N_, _

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Backups",
        (
            ("n", "Create a manual backup (of the selected server)"),
            ("del / ctrl+d", "Delete the selected backup (asks first)"),
            ("space", N_("Mark / unmark a backup; del then deletes all marked (type the count)")),
            ("R", "Restore from the selected backup (safety backup first, type the name)"),
            ("enter / double click", "Details of the selected backup"),
            ("c / C", "Copy the backup ID / a one-line summary (works over SSH)"),
            ("I", "Copy the incident summary of the last restore"),
        ),
    ),
    (
        "Viewing",
        (
            ("s", "Choose a server (type to search, enter to pick, esc to leave)"),
            ("/", "Filter rows by id, server or description; esc clears"),
            ("t", "Type filter: all → manual → automatic"),
            ("i", "Hide / show the insight panel over the table"),
            ("o / O", "Sort by the next column / reverse (or click a header)"),
            ("ctrl+r / f5", "Refresh now"),
        ),
    ),
    (
        "Moving",
        (
            ("↑ ↓ / j k", "Move the cursor"),
            ("pgup pgdn / ctrl+b ctrl+f", "Move a page"),
            ("home end / g G", "First / last row (g also shows the rows marked ↑ new)"),
            ("tab / shift+tab", "Next / previous pane"),
        ),
    ),
    (
        "App",
        (
            ("ctrl+p", "Command palette: every action, server and profile by name"),
            ("? / f1", "This help"),
            ("q / ctrl+q", "Quit"),
        ),
    ),
)


class HelpScreen(ModalScreen[None]):
    """Lists every key binding; any of Esc, q, ? or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1,enter", "dismiss", "Close"),
    ]

    # Toasts wait while the help is open (they covered its last lines); those not yet
    # expired show again on the main screen when it closes.
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen ToastHolder { display: none; }
    HelpScreen > VerticalScroll {
        width: 84; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for section, keys in KEYS:
            table.add_row(Text(section, style="bold underline"), "")
            for key, what in keys:
                table.add_row(key, _(what))
            table.add_row("", "")
        table.add_row("", Text("esc closes this help.", style="dim"))
        with VerticalScroll():
            yield Static(table)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
