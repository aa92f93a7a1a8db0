"""The main screen: server picker, backup table, header, and every action on backups."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import msgspec
from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input

from vpstui.api.models import Backup
from vpstui.format import backup_summary, safe_text, status_word
from vpstui.ui.messages import BackupsPageLoaded
from vpstui.ui.prefetch import initial_scope
from vpstui.ui.schedule import RefreshSchedule
from vpstui.ui.screens.following import Follower
from vpstui.ui.screens.live import LiveScreen
from vpstui.ui.widgets.backup_table import BackupTable
from vpstui.ui.widgets.insight import InsightPanel
from vpstui.ui.widgets.server_picker import ServerPicker
from vpstui.ui.widgets.status_bar import Connection, ScopeBar, StaleBanner, StatusBar

if TYPE_CHECKING:
    from vpstui.ui.app import VpsApp

TYPE_CYCLE: tuple[str | None, ...] = (None, "manual", "automatic")
#: The actions that change the account: off (shown dimmed) when read-only.
WRITE_ACTIONS = frozenset({"create", "delete", "restore"})
#: Below this width the server picker is hidden until `s` shows it.
NARROW = 110


class MainScreen(LiveScreen):
    """Browse backups and act on them (the live data handling is in `LiveScreen`)."""

    #: Focus goes straight to the table (not via the first focusable widget, the picker's
    #: search field): one focus change, one restyle at start-up.
    AUTO_FOCUS = "#backups"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "create", "New"),
        Binding("delete,ctrl+d", "delete", "Delete"),
        Binding("R", "restore", "Restore"),
        Binding("ctrl+r,f5", "refresh", "Refresh", show=False),
        # Priority: handled as the key arrives, so keys typed right behind it (type-ahead
        # over a slow link, a paste) already go to the field it focuses.
        Binding("slash", "filter", "Filter", priority=True),
        Binding("t", "cycle_type", "Type", show=False),
        Binding("i", "toggle_insight", "Insight", show=False),
        Binding("s", "servers", "Servers", priority=True),
        Binding("c", "copy_id", "Copy", show=False),
        Binding("C", "copy_summary", "Copy summary", show=False),
        Binding("I", "copy_incident", "Copy incident summary", show=False),
        Binding("escape", "escape", "Clear filter", show=False),
        Binding("question_mark,f1", "app.help", "Help"),
    ]

    app: VpsApp
    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Decided before the first styling: a class changed later restyles every widget.
        self.set_class(self.app.size.width < NARROW, "-narrow")
        yield StatusBar(id="status-bar")
        yield StaleBanner(id="stale-banner")
        with Horizontal(id="body"):
            yield ServerPicker(id="picker")
            with Vertical(id="table-area"):
                yield ScopeBar(id="scope-bar")
                yield InsightPanel(id="insight")
                yield Input(placeholder="Filter by id, server or description…", id="filter")
                yield BackupTable(now=self.app.clock.now, id="backups")
        yield Footer()

    def on_mount(self) -> None:
        settings = self.app.settings
        self.connection = Connection(
            host=self.app.api.host,
            demo=settings.demo,
            profile=settings.profile,
            colour=settings.colour,
            read_only=settings.read_only,
        )
        self.schedule = RefreshSchedule(settings.poll_interval, settings.idle_refresh)
        self.query_one("#filter").display = False
        self.query_one(StaleBanner).display = False
        self.table.focus()
        self.scope = initial_scope(settings.server)
        # A name waits for the server list to say which id it is.
        self._preselect = settings.server if self.scope[0] is None else None
        self.follower = Follower(self.app.ledger, settings.poll_interval)
        self._resume_operations()
        self.set_interval(self.app.tick_seconds, self._tick)
        prefetch = self.app.prefetch
        first = prefetch.first_page(self.scope) if prefetch else None
        self.load_servers()
        self.load_backups(progressive=True)
        if first is not None:  # here already: in the first frame (the loader adds it again)
            self._page_loaded(BackupsPageLoaded(self.scope, first.items, first.loaded, first.count))
        else:
            self.show_cached()  # the last session's rows, marked cached, until live ones come
        self._show_status()

    def _resume_operations(self) -> None:
        """Follow again what an earlier session left running (a dropped SSH connection)."""
        restores, creates = self.follower.resume()
        if restores or creates:
            names = ", ".join(safe_text(op.server_name, 30) for op in restores + creates)
            parts = []
            if restores:
                parts.append(f"{len(restores)} restore(s)")
            if creates:
                parts.append(f"{len(creates)} backup(s)")
            self.notify(
                f"Following {' and '.join(parts)} started in an earlier session: {names}.",
                title="Picked up where you left off",
                timeout=15,
            )

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    # --- scope: server, type, text filter ---------------------------------------------------

    def set_scope(self, server_id: int | None, backup_type: str | None) -> None:
        if (server_id, backup_type) == self.scope:
            return
        self.scope = (server_id, backup_type)
        cached = [
            b
            for b in self._all_cache.values()
            if (server_id is None or b.server_id == server_id)
            and (backup_type is None or b.backup_type == backup_type)
        ]
        self.leave_cache()
        self.table.set_backups(cached)
        self.table.action_first()  # another server's list starts at its newest backup
        self.table.empty_text = "Loading backups…"
        self._loaded_scope = None
        self.picker.select(server_id)
        self.load_backups(progressive=not cached)

    @on(ServerPicker.Left)
    def _picker_left(self) -> None:
        self.remove_class("-picker-open")
        self.table.focus()

    @on(ServerPicker.Changed)
    def _server_picked(self, message: ServerPicker.Changed) -> None:
        self.set_scope(message.server_id, self.scope[1])
        self.remove_class("-picker-open")
        self.table.focus()

    def action_cycle_type(self) -> None:
        index = (TYPE_CYCLE.index(self.scope[1]) + 1) % len(TYPE_CYCLE)
        self.set_scope(self.scope[0], TYPE_CYCLE[index])
        self.notify(f"Showing {TYPE_CYCLE[index] or 'all'} backups", timeout=1.5)

    def action_toggle_insight(self) -> None:
        """i: hide or show the insight panel over the table."""
        self.insight.display = not self.insight.display
        self._show_insight(self._now())

    def _typing(self) -> bool:
        """A text field has focus: letters are text, not commands."""
        return isinstance(self.focused, Input)

    def action_servers(self) -> None:
        if self._typing():
            raise SkipAction()
        self.add_class("-picker-open")
        # set_focus at once (not focus(), which waits a turn): keys typed right after `s`
        # are already queued and must land in the search field, not in the table.
        self.set_focus(self.query_one("#server-search"))

    def action_filter(self) -> None:
        if self._typing():
            raise SkipAction()
        self.table.prepare_filter()
        field = self.query_one("#filter", Input)
        field.display = True
        self.set_focus(field)  # at once: type-ahead after `/` goes into the field

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self.connection.text_filter = event.value.strip()
        self._show_status()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    def action_escape(self) -> None:
        field = self.query_one("#filter", Input)
        if field.display or field.value:
            field.value = ""
            field.display = False
            self.table.focus()
        elif self.has_class("-picker-open") or self.picker.has_focus_within:
            self.remove_class("-picker-open")
            self.table.focus()
        elif self._scope_gone:
            self._scope_gone = False
            self.set_scope(None, self.scope[1])

    def action_refresh(self) -> None:
        self.load_backups()
        if self.servers_derived is False and not self.servers:
            self.load_servers()

    # --- actions on the selected backup -----------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Read-only: create, delete and restore show dimmed in the footer and do nothing
        (a key press on them is answered by `on_key`, which says why)."""
        if action in WRITE_ACTIONS and self.app.settings.read_only:
            return None
        return True

    def on_key(self, event: events.Key) -> None:
        """A key bound to an action that read-only turned off: say why instead of nothing."""
        if not self.app.settings.read_only or self._typing():
            return
        active = self.active_bindings.get(event.key)
        if active is not None and active.binding.action in WRITE_ACTIONS:
            event.stop()
            self.app.writes_refused()

    def _selected(self) -> Backup | None:
        backup = self.table.cursor_backup
        if backup is None:
            self.notify("No backup selected.", severity="warning", timeout=3)
        return backup

    def _cached(self, backup: Backup | None = None) -> bool:
        """Refuse an action on rows not yet confirmed by the API (say so)."""
        if backup is None and not (self.cached_ids and self.connection.last_ok is None):
            return False
        if backup is not None and backup.id not in self.cached_ids:
            return False
        self.notify(
            "These rows are from the cache; wait a moment for the live list.",
            severity="warning",
            timeout=4,
        )
        return True

    def action_create(self) -> None:
        if not self.app.writes_refused() and not self._cached():
            self.app.open_create(self.scope[0])

    def action_delete(self) -> None:
        if self.app.writes_refused():
            return
        backup = self._selected()
        if backup is not None and not self._cached(backup):
            self.app.open_delete(backup)

    def action_restore(self) -> None:
        if self.app.writes_refused():
            return
        backup = self._selected()
        if backup is None or self._cached(backup):
            return
        if not backup.is_completed:
            self.notify(
                f"Backup {backup.id} is {status_word(backup.status)}: only completed backups "
                "can be restored.",
                severity="warning",
            )
            return
        self.app.open_restore(backup)

    @on(BackupTable.Selected)
    def _backup_selected(self, message: BackupTable.Selected) -> None:
        self.app.open_details(message.backup)

    def action_copy_id(self) -> None:
        backup = self._selected()
        if backup is not None:
            self.app.copy_to_clipboard(str(backup.id))
            self.notify(f"Copied backup ID {backup.id}", timeout=2)

    def action_copy_summary(self) -> None:
        backup = self._selected()
        if backup is not None:
            self.app.copy_to_clipboard(backup_summary(backup))
            self.notify(f"Copied: {backup_summary(backup)}", timeout=3)

    # --- what the dialogs report back -------------------------------------------------------

    def backup_created(self, backup: Backup) -> None:
        self.table.add_backups([backup])
        self.table.move_cursor_to(backup.id)
        summary = self._summaries.get(backup.server_id)
        if summary is not None:  # until the next refresh says so itself
            summary.backups += 1
            summary.manual += 1
            summary.in_progress += 1
            summary.manual_in_progress += 1
            self._update_picker()
        self.follower.create_started(backup, self._now())
        self.watch_server(backup.server_id)
        self._show_status()

    def backup_deleted(self, backup_id: int) -> None:
        self.table.remove_backup(backup_id)
        if backup_id in self._all_cache:
            self._all_cache = {k: v for k, v in self._all_cache.items() if k != backup_id}
        self.load_backups()

    def restore_started(
        self, backup: Backup, server_name: str, safety_backup_id: int | None = None
    ) -> None:
        """The API accepted a restore: follow the server until it is back."""
        server_id = backup.server_id
        self.follower.restore_started(
            backup, server_name, self._now(), safety_backup_id=safety_backup_id
        )
        self.watch_server(server_id)
        self.servers = [
            msgspec.structs.replace(s, status="restoring") if s.id == server_id else s
            for s in self.servers
        ]
        self._update_picker()
        self._show_status()

    def action_copy_incident(self) -> None:
        """I: copy the last restore's incident summary (who, what, when) to the clipboard."""
        incident = self.follower.current_incident()
        if incident is None:
            self.notify("No restore has been started from vpstui yet.", timeout=4)
            return
        self.app.copy_to_clipboard(incident.summary())
        self.notify(f"Copied the incident summary of {safe_text(incident.server_name, 40)}.")

    def manual_count(self, server_id: int) -> int | None:
        """Manual backups of a server, if the loaded data covers all of them."""
        if self._loaded_scope in ((None, None), (server_id, None)):
            return sum(
                1 for b in self.table.backups.values() if b.server_id == server_id and b.is_manual
            )
        return None
