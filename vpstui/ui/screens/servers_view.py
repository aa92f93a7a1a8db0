"""What the main screen shows about the account beyond the table rows: the header lines,
the server picker with its per-server facts, and the insight panel. `LiveScreen` builds on
this and keeps it current."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from textual.screen import Screen

from vpstui.api.models import MANUAL_BACKUP_LIMIT, Backup, Server
from vpstui.format import safe_text
from vpstui.summary import AccountOverview, ServerSummary, account_overview, servers_from_backups
from vpstui.ui.messages import Scope
from vpstui.ui.screens.following import Follower
from vpstui.ui.widgets.backup_table import BackupTable
from vpstui.ui.widgets.insight import InsightPanel, overdue_text
from vpstui.ui.widgets.server_picker import ServerPicker
from vpstui.ui.widgets.status_bar import Connection, ScopeBar, StaleBanner, StatusBar

if TYPE_CHECKING:
    from vpstui.ui.app import VpsApp


class ServersView(Screen[None]):
    """The header lines, the picker and the insight panel, drawn from the screen's state
    (which `LiveScreen.__init__` sets up and its handlers update)."""

    app: VpsApp
    connection: Connection
    scope: Scope
    servers: list[Server]
    servers_derived: bool
    follower: Follower
    _summaries: dict[int, ServerSummary]
    _summaries_complete: bool
    _overview: AccountOverview | None
    _warned_overdue: set[int]
    _all_cache: dict[int, Backup]
    #: While the first All servers listing loads: (loaded, expected, servers, MiB) so far.
    _so_far: tuple[int, int | None, int, float] | None = None

    @cached_property
    def table(self) -> BackupTable:
        return self.query_one(BackupTable)

    @cached_property
    def picker(self) -> ServerPicker:
        return self.query_one(ServerPicker)

    @cached_property
    def _status_bar(self) -> StatusBar:
        return self.query_one(StatusBar)

    @cached_property
    def _scope_bar(self) -> ScopeBar:
        return self.query_one(ScopeBar)

    @cached_property
    def _stale_banner(self) -> StaleBanner:
        return self.query_one(StaleBanner)

    @cached_property
    def insight(self) -> InsightPanel:
        return self.query_one(InsightPanel)

    def _now(self) -> datetime:
        return self.app.clock.now()

    def _show_status(self) -> None:
        state = self.connection
        table = self.table
        state.shown = table.row_count
        state.total = len(table.backups)
        state.in_progress = table.in_progress
        state.restoring = tuple(self.follower.restoring.values())
        state.scope = self._scope_name()
        state.type_filter = self.scope[1]
        now = self._now()
        self._status_bar.show(state, now)
        self._scope_bar.show(state)
        self._stale_banner.show(state, now)
        self._show_insight(now)

    def _show_insight(self, now: datetime) -> None:
        insight = self.insight
        if not insight.display:
            return
        limit = self.app.settings.stale_after_hours
        server_id = self.scope[0]
        if server_id is None:
            if self._overview is None and self._so_far is not None:
                insight.show_loading(*self._so_far)  # the first listing is still coming
            else:
                insight.show_account(self._overview, now, limit)
        else:
            insight.show_server(self._summaries.get(server_id), self._scope_name(), now, limit)

    def _scope_name(self) -> str:
        server_id = self.scope[0]
        if server_id is None:
            return "All servers"
        return next((s.name for s in self.servers if s.id == server_id), f"server {server_id}")

    def server(self, server_id: int) -> Server | None:
        return next((s for s in self.servers if s.id == server_id), None)

    def _update_picker(self) -> None:
        if self.servers_derived:
            known = {s.id for s in self.servers}
            extra = [s for s in servers_from_backups(self._all_cache.values()) if s.id not in known]
            self.servers = self.servers + extra
        total = None
        if self._all_cache:
            total = ServerSummary(0, "All servers")
            for summary in self._summaries.values():
                total.backups += summary.backups
                total.total_mb += summary.total_mb
                total.in_progress += summary.in_progress
        now = self._now()
        overview = account_overview(
            self._summaries,
            self.servers,
            complete=self._summaries_complete,
            manual_limit=MANUAL_BACKUP_LIMIT,
        )
        self._overview = overview if self._summaries_complete or self._summaries else None
        shown = self._summaries
        if any(s.server_id not in shown for s in overview.attention):
            shown = {s.server_id: s for s in overview.attention} | shown  # servers with none
        self.picker.set_servers(self.servers, shown, total, now, selected=self.scope[0])
        if self.servers:
            self.table.fit_server_names(max(len(s.name) for s in self.servers))
        self._warn_overdue(overview, now)
        self._show_insight(now)

    def _warn_overdue(self, overview: AccountOverview, now: datetime) -> None:
        """One notification for servers newly found without a recent completed backup."""
        new = [s for s in overview.attention if s.server_id not in self._warned_overdue]
        if not new:
            return
        self._warned_overdue.update(s.server_id for s in new)
        named = ", ".join(f"{safe_text(s.name, 30)} ({overdue_text(s, now)})" for s in new[:5])
        more = f" and {len(new) - 5:,} more" if len(new) > 5 else ""
        limit = self.app.settings.stale_after_hours
        self.notify(
            f"No completed backup from the last {limit:g} h: {named}{more}. Marked ⚠ in the "
            "server list.",
            title="Backups overdue",
            severity="warning",
            timeout=10,
        )
