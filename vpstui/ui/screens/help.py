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
from vpstui.ui.widgets.footer import KeysFooter

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        N_("Backups"),
        (
            ("n", N_("Create a manual backup (of the selected server)")),
            ("del / ctrl+d", N_("Delete the selected backup (asks first)")),
            ("space", N_("Mark / unmark a backup; del then deletes all marked (type the count)")),
            ("R", N_("Restore from the selected backup (safety backup first, type the name)")),
            (N_("enter / double click"), N_("Details of the selected backup")),
            ("c / C", N_("Copy the backup ID / a one-line summary (works over SSH)")),
            ("I", N_("Copy the incident summary of the last restore")),
        ),
    ),
    (
        N_("Viewing"),
        (
            ("s", N_("Choose a server (type to search, enter to pick, esc to leave)")),
            ("/", N_("Filter rows by id, server or description; esc clears")),
            ("t", N_("Type filter: all → manual → automatic")),
            ("i", N_("Hide / show the insight panel over the table")),
            ("o / O", N_("Sort by the next column / reverse (or click a header)")),
            ("ctrl+r / f5", N_("Refresh now")),
        ),
    ),
    (
        N_("Moving"),
        (
            ("↑ ↓ / j k", N_("Move the cursor")),
            ("pgup pgdn / ctrl+b ctrl+f", N_("Move a page")),
            ("home end / g G", N_("First / last row (g also shows the rows marked ↑ new)")),
            ("tab / shift+tab", N_("Next / previous pane")),
        ),
    ),
    (
        N_("App"),
        (
            ("ctrl+p", N_("Command palette: every action, server and profile by name")),
            ("? / f1", N_("This help")),
            ("q / ctrl+q", N_("Quit")),
        ),
    ),
)


class HelpScreen(ModalScreen[None]):
    """Lists every key binding; any of Esc, q, ? or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1,enter", "dismiss", N_("Close")),
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
            table.add_row(Text(_(section), style="bold underline"), "")
            for key, what in keys:
                table.add_row(_(key), _(what))
            table.add_row("", "")
        table.add_row("", Text(_("esc closes this help."), style="dim"))
        with VerticalScroll():
            yield Static(table)
        yield KeysFooter()  # its own keys: the main screen's do nothing while it is open

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
