"""`ServerPicker`: "All servers" plus each server with status, backup count and size;
a server whose newest completed backup is too old (or that has none) is marked ⚠.

Type to narrow the list by name; up/down and Enter work from the search field, so
`s`, a few letters and Enter switch servers without touching the mouse.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from vpstui.api.models import Server
from vpstui.format import human_size, safe_text, status_text
from vpstui.i18n import N_, _, ngettext
from vpstui.summary import ServerSummary
from vpstui.ui.widgets.insight import age_text

ALL = "all"
#: Options shown at once: past this, typing narrows the list (an account with 3,000
#: servers must not cost seconds to draw a list nobody scrolls through).
MAX_SHOWN = 150
#: Cells an option's facts line may take in the 28-column picker (with its scrollbar).
FACTS_WIDTH = 24


class ServerSearch(Input):
    """The search field; arrows and Enter drive the list below it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("escape", "leave", N_("Back")),
    ]

    def action_move(self, delta: int) -> None:
        options = self.parent.query_one(OptionList) if self.parent else None
        if options is None or not options.option_count:
            return
        current = options.highlighted if options.highlighted is not None else -delta
        options.highlighted = max(0, min(options.option_count - 1, current + delta))

    def action_leave(self) -> None:
        """Esc: clear the search; then (at once, when the picker overlays the table) leave."""
        overlay = self.screen.has_class("-narrow")
        if self.value:
            self.value = ""
            if not overlay:
                return
        self.post_message(ServerPicker.Left())


class ServerPicker(Vertical):
    """Chooses which server's backups the table shows."""

    class Left(Message):
        """Esc on an empty search: the user wants to go back to the table."""

    class Changed(Message):
        """The user picked a server (`server_id`), or All servers (None)."""

        def __init__(self, server_id: int | None) -> None:
            super().__init__()
            self.server_id = server_id

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._servers: list[Server] = []
        self._summaries: dict[int, ServerSummary] = {}
        self._total: ServerSummary | None = None
        #: The facts shown are the listing cache's (marked "◷"), not the live listing's.
        self._cached = False
        self._now: datetime | None = None
        self.selected: int | None = None

    def compose(self) -> ComposeResult:
        yield ServerSearch(placeholder=_("Search servers…"), id="server-search")
        yield OptionList(id="server-options")

    def on_mount(self) -> None:
        self._rebuild()

    @property
    def servers(self) -> list[Server]:
        return list(self._servers)

    def set_servers(
        self,
        servers: list[Server],
        summaries: dict[int, ServerSummary],
        total: ServerSummary | None = None,
        now: datetime | None = None,
        *,
        selected: int | None = None,
        cached: bool = False,
    ) -> None:
        """Show these servers with what is known of their backups (ages as of `now`), with
        `selected` (None: All servers) chosen. `cached`: the facts are the listing cache's,
        marked "◷" as the header marks it, until the live listing's replace them."""
        self._servers = sorted(servers, key=lambda server: server.name.lower())
        self._summaries = summaries
        self._cached = cached
        self._total = total
        self._now = now
        self.selected = selected
        self._rebuild()

    def select(self, server_id: int | None) -> None:
        """Mark `server_id` (None: All servers) as chosen without announcing it."""
        self.selected = server_id
        self._rebuild()

    def _label(
        self,
        name: str,
        status: str | None,
        summary: ServerSummary | None,
        *,
        server: bool = True,
    ) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(safe_text(name, 40), style="bold")
        if status and status != "active":
            style = "red" if status in ("stopped", "suspended") else "yellow"
            text.append(f" {safe_text(status_text(status), 12)}", style=style)
        text.append("\n")
        if summary is None:  # not in a listing yet (`--server` lists one server first)
            text.append("  " + _("backups: not listed yet"), style="dim")
        else:
            if not summary.backups:
                text.append("  " + _("no backups"), style="dim")
            else:
                count = ngettext("{n} backup", "{n} backups", summary.backups).format(
                    n=f"{summary.backups:,}"
                )
                mark = "◷ " if self._cached else "  "
                facts = f"{mark}{count} · {human_size(summary.total_mb)}"
                if cell_len(facts) > FACTS_WIDTH:  # "10,000 backups · 194.8 TiB" would wrap
                    facts = f"{mark}{summary.backups:,} · {human_size(summary.total_mb)}"
                text.append(facts, style="dim")
            if summary.in_progress:
                running = _("{n} in progress").format(n=summary.in_progress)
                text.append(f"\n  {running}", style="yellow")
            if self._cached:
                pass  # no warning rests on cached facts: the live listing's say it
            elif server and summary.freshness == "none":
                text.append("\n  " + _("⚠ no completed backup"), style="bold red")
            elif server and summary.freshness == "stale" and self._now is not None:
                hours = summary.age_hours(self._now)
                age = age_text(hours) if hours is not None else "?"
                old = _("⚠ newest backup {age} old").format(age=age)
                text.append(f"\n  {old}", style="bold yellow")
        return text

    def _rebuild(self) -> None:
        if not self.is_mounted:
            return
        options = self.query_one(OptionList)
        needle = self.query_one(ServerSearch).value.strip().lower()
        items: list[Option] = []
        everything = _("All servers")
        if not needle or needle in "all servers" or needle in everything.lower():
            all_servers = self._label(everything, None, self._total, server=False)
            items.append(Option(all_servers, id=ALL))
        hidden = 0
        for server in self._servers:
            if needle and needle not in server.name.lower() and needle != str(server.id):
                continue
            if len(items) > MAX_SHOWN and server.id != self.selected:
                hidden += 1
                continue
            summary = self._summaries.get(server.id)
            items.append(
                Option(self._label(server.name, server.status, summary), id=str(server.id))
            )
        if hidden:
            more = Text(_("… {n} more: type to search").format(n=f"{hidden:,}"), style="dim italic")
            items.append(Option(more, id="more", disabled=True))
        if not items:
            nothing = Text(
                _("No server matches “{text}”. Esc clears the search.").format(
                    text=safe_text(needle, 30)
                ),
                style="dim italic",
            )
            items.append(Option(nothing, id="more", disabled=True))
        highlighted = options.highlighted
        old_id = (
            options.get_option_at_index(highlighted).id
            if highlighted is not None and highlighted < options.option_count
            else None
        )
        options.set_options(items)
        wanted: str | None = old_id or (str(self.selected) if self.selected is not None else ALL)
        if needle:
            wanted = items[0].id if items else None
        for index, item in enumerate(items):
            if item.id == wanted:
                options.highlighted = index
                break

    @on(Input.Changed, "#server-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._rebuild()
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#server-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self._choose(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#server-options")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id == "more":
            return
        server_id = None if option_id in (None, ALL) else int(option_id)
        self.selected = server_id
        search = self.query_one(ServerSearch)
        if search.value:
            search.value = ""
        self.post_message(self.Changed(server_id))
