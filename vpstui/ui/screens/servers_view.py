"""What the main screen shows about the account beyond the table rows: the header lines,
the server picker with its per-server facts, and the insight panel. `LiveScreen` builds on
this and keeps it current."""

from __future__ import annotations

import contextlib
from datetime import datetime
from functools import cached_property

from textual.css.query import NoMatches
from textual.screen import Screen

from vpstui.api.errors import ApiError
from vpstui.api.models import MANUAL_BACKUP_LIMIT, Backup, Server
from vpstui.format import safe_text
from vpstui.i18n import _
from vpstui.operations import Follower
from vpstui.summary import AccountOverview, ServerSummary, account_overview, servers_from_backups
from vpstui.ui.base import VpsAppBase
from vpstui.ui.messages import Scope
from vpstui.ui.widgets.backup_table import BackupTable
from vpstui.ui.widgets.insight import InsightPanel, overdue_text
from vpstui.ui.widgets.server_picker import ServerPicker
from vpstui.ui.widgets.status_bar import Connection, ScopeBar, StaleBanner, StatusBar


class ServersView(Screen[None]):
    """The header lines, the picker and the insight panel, drawn from the screen's state
    (which `LiveScreen.__init__` sets up and its handlers update)."""

    app: VpsAppBase
    connection: Connection
    scope: Scope
    servers: list[Server]
    servers_derived: bool
    servers_from_cache: bool
    follower: Follower
    _summaries: dict[int, ServerSummary]
    _summaries_complete: bool
    _overview: AccountOverview | None
    _warned_overdue: set[int]
    _all_cache: dict[int, Backup]
    _facts_cached: bool
    _preselect: str | None
    _loading: bool
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

    @property
    def backups_loading(self) -> bool:
        """Whether a backup list request of this screen is on its way."""
        return self._loading

    def _now(self) -> datetime:
        return self.app.clock.now()

    def _show_status(self) -> None:
        state = self.connection
        table = self.table
        state.shown = table.row_count
        state.total = len(table.backups)
        state.in_progress = table.in_progress
        state.restoring = self.restoring_labels()
        state.scope = self._scope_name()
        state.type_filter = self.scope[1]
        now = self._now()
        state.slow = self.app.request_watch.text(now) if self._loading else None
        self._status_bar.show(state, now)
        self._scope_bar.show(state)
        self._stale_banner.show(state, now)
        self._show_insight(now)
        self._refresh_times(now)

    def restoring_labels(self) -> tuple[str, ...]:
        """The restores followed, as the header names them."""
        return tuple(self.follower.restoring.values())

    def _refresh_times(self, now: datetime) -> None:
        """Relative times ("5m ago") move on with the clock: the table's rows and an open
        dialog are redrawn with the same `now` as the header, so they never disagree."""
        self.table.refresh_times(now)
        dialog = self.app.screen  # a dialog's `refresh_times` (dialogs load lazily: no import)
        refresh = getattr(dialog, "refresh_times", None)
        if dialog is not self and dialog.is_mounted and callable(refresh):
            with contextlib.suppress(NoMatches):  # a dialog closing has lost its widgets
                refresh(now)

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
                insight.show_account(self._overview, now, limit, cached=self._facts_cached)
        else:
            insight.show_server(self._summaries.get(server_id), self._scope_name(), now, limit)

    def _scope_name(self) -> str:
        server_id = self.scope[0]
        if server_id is None:
            return _("All servers")
        unnamed = _("server {id}").format(id=server_id)
        return next((s.name for s in self.servers if s.id == server_id), unnamed)

    def _preselected_server(self) -> Server | None:
        """`--server NAME` (asked once, when the server names are known): the server with
        that exact name or id, or None after saying on screen why not."""
        wanted, self._preselect = self._preselect, None
        if not wanted:
            return None
        from vpstui.server_lookup import AmbiguousServer, ServerLookupError, find_server

        try:
            return find_server(self.servers, wanted)
        except ServerLookupError as error:
            if isinstance(error, AmbiguousServer):
                title, advice = (
                    _("Which server?"),
                    _("Pick one in the server list (s), or start with --server ID."),
                )
            else:
                title, advice = _("No such server"), _("Showing all servers.")
                if self.servers_derived:
                    advice = _(
                        "Server names come from the backups listing here; showing all servers."
                    )
            self.notify(
                _("--server: {why} {advice}").format(why=error, advice=advice),
                title=title,
                severity="error",
                timeout=30,
            )
        return None

    def _preselect_failed(self, error: ApiError) -> None:
        """The server list could not be read: `--server NAME` cannot be looked up."""
        wanted, self._preselect = self._preselect, None
        if wanted:
            self.notify(
                _(
                    "--server {wanted} could not be looked up ({why}). "
                    "Showing all servers; press ctrl+r to try again."
                ).format(wanted=repr(safe_text(wanted, 60)), why=error),
                severity="error",
                timeout=30,
            )

    def server(self, server_id: int) -> Server | None:
        return next((s for s in self.servers if s.id == server_id), None)

    def _update_picker(self) -> None:
        if self.servers_derived:
            known = {s.id for s in self.servers}
            extra = [s for s in servers_from_backups(self._all_cache.values()) if s.id not in known]
            self.servers = self.servers + extra
        total = None
        if self._all_cache or self._facts_cached:
            total = ServerSummary(0, _("All servers"))
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
        self.picker.set_servers(
            self.servers, shown, total, now, selected=self.scope[0], cached=self._facts_cached
        )
        if self.servers:
            self.table.fit_server_names(max(len(s.name) for s in self.servers))
        if not self._facts_cached:  # a warning says what the API shows now
            self._warn_overdue(overview, now)
        self._show_insight(now)

    def _warn_overdue(self, overview: AccountOverview, now: datetime) -> None:
        """One notification for servers newly found without a recent completed backup."""
        new = [s for s in overview.attention if s.server_id not in self._warned_overdue]
        if not new:
            return
        self._warned_overdue.update(s.server_id for s in new)
        named = ", ".join(
            _("{server} ({age})").format(server=safe_text(s.name, 30), age=overdue_text(s, now))
            for s in new[:5]
        )
        if len(new) > 5:
            named = _("{named} and {more} more").format(named=named, more=f"{len(new) - 5:,}")
        limit = self.app.settings.stale_after_hours
        self.notify(
            _(
                "No completed backup from the last {limit} h: {named}. Marked ⚠ in the server list."
            ).format(limit=f"{limit:g}", named=named),
            title=_("Backups overdue"),
            severity="warning",
            timeout=10,
        )
