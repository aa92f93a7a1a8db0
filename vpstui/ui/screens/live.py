"""The live half of the main screen: loading and polling (the cached start is
`cached.CachedStart`, its base, and following restores `restores.RestoreFollowing`).

`LiveScreen` fetches the backup list in workers (progressively the first time, as a
diff worked out off the event loop after that), schedules refreshes (fast while a
backup is in progress, slowly otherwise, with backoff after failures), follows
restores on the API's evidence only (`vpstui.operations.following`), and keeps the
header, picker and table current.
`MainScreen` adds the layout and the user's actions on top.
"""

from __future__ import annotations

import asyncio
import gc
import time
from datetime import datetime
from typing import TypeVar

from textual import on, work

from vpstui.api import report_to
from vpstui.api.errors import ApiError, AuthenticationError, NotFoundError, RateLimitedError
from vpstui.api.models import Backup, Server
from vpstui.cache import ListingCache
from vpstui.format import safe_text
from vpstui.i18n import _
from vpstui.operations import Follower, RefreshSchedule
from vpstui.summary import AccountOverview, ServerSummary, summarize
from vpstui.ui.batches import FREEZE_ROWS, batch_due, off_loop
from vpstui.ui.messages import (
    BackupsFailed,
    BackupsLoaded,
    BackupsPageLoaded,
    Scope,
    ServersFailed,
    ServersLoaded,
)
from vpstui.ui.screens.cached import CachedStart
from vpstui.ui.watch import Watcher
from vpstui.ui.widgets.backup_table import THREADED_ROWS
from vpstui.ui.widgets.rows import diff_rows

T = TypeVar("T")

#: With nothing in progress, the tick does its work only every this many ticks.
QUIET_TICKS = 5


class LiveScreen(CachedStart):
    """Keeps the backups on screen current. Subclassed by `MainScreen`."""

    def __init__(self) -> None:
        super().__init__()
        self.scope: Scope = (None, None)
        self.servers: list[Server] = []
        self.servers_derived = False
        #: `servers` are the cached rows' until the server list comes (search works).
        self.servers_from_cache = False
        self._summaries: dict[int, ServerSummary] = {}
        #: `_summaries` covers the whole account (an All servers listing of every type).
        self._summaries_complete = False
        self._overview: AccountOverview | None = None
        #: The facts shown (picker, insight) come from the cached rows, not the live ones.
        self._facts_cached = False
        #: Servers already announced as overdue: at most one notification each a session.
        self._warned_overdue: set[int] = set()
        self._all_cache: dict[int, Backup] = {}
        self._loaded_scope: Scope | None = None
        self._loading = False
        #: How many loads were asked for (a deferred one starts only if it is the last).
        self._loads = 0
        self.follower = Follower()
        self._ticks = 0
        self.schedule = RefreshSchedule()
        self.watcher = Watcher()
        self._listed_at: datetime | None = None
        self._poll_started: datetime | None = None
        #: The listing cache of this account (None: `cache = false`, or the demo).
        self.listing_cache: ListingCache | None = None
        #: Rows shown from the cache that no live page has confirmed yet.
        self.cached_ids: set[int] = set()
        self._so_far_servers: set[int] = set()
        self._so_far_mb = 0.0
        #: The selected server answered 404: Esc goes back to All servers.
        self._scope_gone = False
        self._last_problems: list[str] = []
        #: `--server NAME`, until the server list says which id that is.
        self._preselect: str | None = None

    # --- loading ----------------------------------------------------------------------------

    @work(group="servers", exclusive=True, exit_on_error=False)
    async def load_servers(self) -> None:
        prefetch = self.app.prefetch  # the first requests may be on their way already
        head_start = prefetch.take_servers() if prefetch else None
        from vpstui.server_lookup import account_servers  # after the first frame

        try:
            found = await account_servers(self.app.api, head_start)
        except ApiError as error:
            self.post_message(ServersFailed(error))
            return
        self.post_message(ServersLoaded(found.servers, found.derived))

    def load_backups(self, *, progressive: bool = False, after_refresh: bool = False) -> None:
        """Fetch the current scope; cancels a load that is no longer wanted. With
        `after_refresh`, the header says so at once but the requests leave once the screen
        has been drawn (unless another load was asked for meanwhile)."""
        self._loading = True
        self.connection.loading = True
        self.connection.loaded = 0
        self.connection.expected = None
        self._loads += 1
        if progressive:  # a new listing, page by page in any order: the cursor stays on top
            self.table.keep_cursor_on_top(True)
        if after_refresh:
            self.call_after_refresh(self._fetch_unless_superseded, self._loads, progressive)
        else:
            self._fetch_backups(self.scope, progressive)
        self._show_status()

    def _fetch_unless_superseded(self, load: int, progressive: bool) -> None:
        if load == self._loads:
            self._fetch_backups(self.scope, progressive)

    @work(group="backups", exclusive=True, exit_on_error=False)
    async def _fetch_backups(self, scope: Scope, progressive: bool) -> None:
        backups: list[Backup] = []
        pending: list[Backup] = []
        skipped, problems = 0, []
        posted_at: float | None = None
        try:
            prefetch = self.app.prefetch
            head_start = prefetch.take_backup_pages(scope) if prefetch else None
            report_to(self.app.request_watch.report)  # this worker's requests: header
            async for page in head_start or self.app.api.iter_backup_pages(*scope):
                backups.extend(page.items)
                skipped, problems = page.skipped, page.problems
                if progressive:  # in batches (`vpstui.ui.batches`)
                    pending.extend(page.items)
                    now = time.monotonic()
                    due = batch_due(
                        posted_at, now, loaded=len(backups), pending=len(pending), done=page.done
                    )
                    if due:
                        loaded = BackupsPageLoaded(scope, pending, page.loaded, page.count)
                        self.post_message(loaded)
                        pending, posted_at = [], now
        except ApiError as error:
            self.post_message(BackupsFailed(scope, error))
            return
        if progressive:
            await asyncio.sleep(0)  # the last batch is added in its own turn of the loop
        # Plain loops over 100,000 backups take a few hundred ms: off the event loop then.
        # A few hundred take a millisecond, less than handing them to a thread and back.
        threaded = len(backups) >= THREADED_ROWS
        summaries = None
        if scope[1] is None:
            limit = self.app.settings.stale_after_hours
            summaries = await off_loop(threaded, summarize, backups, self._now(), limit)
        diff = None
        if scope == self._loaded_scope:
            version, snapshot = self.table.snapshot()
            diff = await off_loop(threaded, diff_rows, version, snapshot, backups)
        self.post_message(
            BackupsLoaded(scope, backups, skipped, problems, progressive, summaries, diff)
        )

    def set_scope(self, server_id: int | None, backup_type: str | None) -> None:
        """Show another scope (the main screen overrides this: it filters the rows it
        holds at once, then lists the scope)."""
        self.scope = (server_id, backup_type)
        self.load_backups(progressive=True)

    @on(ServersLoaded)
    def _servers_loaded(self, message: ServersLoaded) -> None:
        self.servers = message.servers
        self.servers_derived = message.derived
        self.servers_from_cache = False
        match = self._preselected_server()  # `--server NAME`, now that names are known
        self._update_picker()
        if match is not None:
            # Shown at once from the rows held (the table never shows another server's rows
            # under this server's name while its own listing loads).
            self.set_scope(match.id, self.scope[1])
        self._show_status()

    @on(ServersFailed)
    def _servers_failed(self, message: ServersFailed) -> None:
        error = message.error
        if isinstance(error, AuthenticationError) and error.status == 401:
            self.app.token_rejected(str(error))
            return
        self.notify(
            _("Server list unavailable: {why}").format(why=error), severity="warning", timeout=8
        )
        self._preselect_failed(error)

    @on(BackupsPageLoaded)
    def _page_loaded(self, message: BackupsPageLoaded) -> None:
        if message.scope != self.scope:
            return
        if self.cached_ids:
            self.cached_ids.difference_update(b.id for b in message.items)
        self.table.add_backups(message.items)
        if not self.servers and message.items:  # sized by the names seen until the list comes
            self.table.fit_server_names(max(len(b.server_name) for b in message.items), grow=True)
        if self.table.row_count >= FREEZE_ROWS:
            # A long listing grows the heap for a minute: without this, every full garbage
            # collection walks all of it again (100-450 ms stalls by 40,000-100,000 rows).
            gc.freeze()
        self.connection.loaded = message.loaded
        self.connection.expected = message.count
        if self._overview is None and message.scope == (None, None):
            # The facts so far, not "gathering…" for the whole load (new items only: the
            # client drops repeats, so nothing is counted twice).
            self._so_far_servers.update(b.server_id for b in message.items)
            self._so_far_mb += sum(b.size_mb or 0.0 for b in message.items)
            servers = len(self._so_far_servers)
            self._so_far = (message.loaded, message.count, servers, self._so_far_mb)
            self._show_insight(self._now())
        self._show_status()

    @on(BackupsLoaded)
    def _backups_loaded(self, message: BackupsLoaded) -> None:
        if message.scope != self.scope:
            return
        now = self._now()
        table = self.table
        was_running = table.running_ids()
        if self._loaded_scope == message.scope:
            self._announce_changes(
                message.diff.changed if message.diff else message.backups, was_running
            )
        table.empty_text = _("No backups here yet. Press n to create one.")
        if message.diff is not None:
            table.apply_diff(message.diff)
        else:
            if not (message.progressive and len(table.backups) == len(message.backups)):
                # (A progressive load posted every row, and the table held none of
                # another listing: it is this listing already. At 100,000 rows comparing
                # them again here would hold the event loop for ~200 ms.)
                table.set_backups(message.backups)
            table.prepare_filter()  # a big table's search text, ready before `/`
            if table.row_count >= THREADED_ROWS:
                # Hundreds of thousands of long-lived objects make every full garbage
                # collection a ~100 ms stall; freezing them takes them out of its walk.
                gc.freeze()
        table.keep_cursor_on_top(False)  # from now on, the cursor stays with its backup
        self._loaded_scope = message.scope
        self._listed_at = now
        self.leave_cache()
        if self.listing_cache is not None:
            self._keep_listing(self.listing_cache, message.scope, list(table.backups.values()))
        server_id = message.scope[0]
        if message.summaries is not None:
            fresh = message.summaries
            before = dict(self._summaries)
            if server_id is None:
                self._all_cache = table.backups  # never changed in place: safe to share
                self._summaries = fresh
                self._summaries_complete = True
            else:
                self._summaries[server_id] = fresh.get(server_id, ServerSummary(server_id, ""))
            if self._summaries != before:
                self._update_picker()
        self._settle_remembered_creates(message.scope, was_running)
        self._loading = False
        state = self.connection
        state.loading = False
        state.last_ok = now
        state.error = None
        state.retry_at = None
        state.skipped = message.skipped
        if message.skipped:
            self.notify(
                _("{n} item(s) from the API could not be read and are not shown.").format(
                    n=message.skipped
                ),
                severity="warning",
            )
        if message.problems and message.problems != self._last_problems:
            odd = "; ".join(message.problems[:3])
            self.notify(_("The API's answer was odd: {problems}").format(problems=odd), timeout=10)
        self._last_problems = message.problems
        self._scope_gone = False
        self.schedule.succeeded(now, table.in_progress > 0 or self.watcher.active)
        self._wake_when_due(now)
        self._show_status()

    @on(BackupsFailed)
    def _backups_failed(self, message: BackupsFailed) -> None:
        if message.scope != self.scope:
            return
        error = message.error
        self._loading = False
        state = self.connection
        state.loading = False
        if isinstance(error, AuthenticationError) and error.status == 401 and state.last_ok is None:
            self.app.token_rejected(str(error))
            return
        reason = str(error)
        source = self.app.settings.token_source
        if isinstance(error, AuthenticationError) and error.status == 401 and source:
            reason = _("{reason} Check the token from {source}.").format(
                reason=reason, source=safe_text(source, 200)
            )
        if isinstance(error, NotFoundError) and self.scope[0] is not None:
            self._scope_gone = True
            self.refresh_bindings()  # the footer offers esc: back to All servers
            reason = _(
                "{server} no longer exists (404): it may have been deleted. "
                "Press Esc to show All servers."
            ).format(server=self._scope_name())
            self.notify(reason, severity="error", timeout=15)
        retry_after = error.retry_after if isinstance(error, RateLimitedError) else None
        state.error = reason
        state.retry_at = self.schedule.failed(self._now(), retry_after)
        if state.last_ok is None:
            self.table.empty_text = _("Could not load backups. {why}").format(
                why=safe_text(str(error), 200)
            )
            self.table.refresh()
        self._show_status()

    # --- the clock tick ---------------------------------------------------------------------

    def _tick(self) -> None:
        self._ticks += 1
        quiet = not (
            self.table.in_progress
            or self.watcher.active
            or self.follower.restoring
            or self._loading
            or self.connection.error
        )
        if quiet and self._ticks % QUIET_TICKS:
            # Nothing is moving: the header's "updated 3m ago" and a 60 s idle refresh
            # don't need a look every second (idle CPU stays at a bare app's level).
            return
        now = self._now()
        if self.table.in_progress:
            self.table.tick()
        if not self._loading and self.schedule.due(now):
            self.schedule.next_at = None
            # While backups run: only their servers. The idle refresh: the whole scope.
            targets = self._poll_targets(now)
            if targets:
                self._loading = True
                self._poll_started = now
                self._poll(self.scope, targets)
            else:
                self.load_backups()
        self._show_status()
