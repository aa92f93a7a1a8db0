"""Polling that touches only what moves, on the main screen (see `vpstui.ui.watch`).

`PollingScreen` sends the small per-server requests of a poll tick, merges what they
return into the table in place, and announces backups that finished. `LiveScreen`
decides when a tick polls and when it re-lists the whole scope.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime

from textual import on, work

from vpstui.api.errors import ApiError, RateLimitedError
from vpstui.api.models import Backup
from vpstui.format import human_size, safe_text, status_text
from vpstui.i18n import _
from vpstui.operations import RefreshSchedule
from vpstui.summary import ServerSummary, summarize
from vpstui.ui.messages import BackupsPolled, Scope
from vpstui.ui.screens.servers_view import ServersView
from vpstui.ui.watch import Target, Watcher, merge_polled
from vpstui.ui.widgets.backup_table import THREADED_ROWS


class PollingScreen(ServersView):
    """The poll tick's requests and their merge. Subclassed by `LiveScreen`."""

    schedule: RefreshSchedule
    watcher: Watcher
    _loading: bool
    _loaded_scope: Scope | None
    #: When the scope was last listed in full (the idle refresh counts from there).
    _listed_at: datetime | None
    _poll_started: datetime | None

    def watch_server(self, server_id: int) -> None:
        """Poll this server's backups from the next poll tick on (a create or restore was
        started on it here), until a poll finds nothing in progress there."""
        self.watcher.watch(server_id)
        self.schedule.soon(self.app.clock.now())

    def _wake_when_due(self, now: datetime) -> None:
        """A fast poll starts when it is due, not at the next 1 s tick after that."""
        due = self.schedule.next_at
        if due is not None:
            delay = (due - now).total_seconds()
            if 0 < delay <= self.schedule.poll_interval:
                self.set_timer(delay, self._tick)

    def _tick(self) -> None:
        raise NotImplementedError  # `LiveScreen._tick`

    def refresh_facts(self, server_ids: set[int]) -> None:
        """The picker's and insight's facts of `server_ids` from the rows on screen, which
        hold all their backups (the scope has no type filter), after a poll or a delete
        the API answered: not one fact older than the table until the next listing."""
        if self.scope[1] is not None or not self._summaries or not server_ids:
            return
        limit = self.app.settings.stale_after_hours
        mine = (b for b in self.table.backups.values() if b.server_id in server_ids)
        fresh = summarize(mine, self._now(), limit)
        for server_id in server_ids:
            old = self._summaries.get(server_id)
            name = old.name if old is not None else ""
            self._summaries[server_id] = fresh.get(server_id, ServerSummary(server_id, name))
        self._update_picker()

    def _poll_targets(self, now: datetime) -> list[Target]:
        """What this tick should poll instead of a full listing; [] for a full listing."""
        if self._loaded_scope != self.scope or self._listed_at is None:
            return []
        idle = self.schedule.idle_refresh
        if idle > 0 and (now - self._listed_at).total_seconds() >= idle:
            return []  # the idle refresh: re-list everything (picks up changes elsewhere)
        cap = self.app.settings.poll_requests
        rows = self.table.backups
        running = [rows[bid] for bid in self.table.running_ids() if bid in rows]
        return self.watcher.targets(running, self.scope, cap)

    @work(group="backups", exclusive=True, exit_on_error=False)
    async def _poll(self, scope: Scope, targets: list[Target]) -> None:
        api = self.app.api

        async def one(target: Target) -> tuple[Target, list[Backup] | ApiError]:
            try:
                return target, list(await api.list_backups(*target))
            except ApiError as error:
                return target, error

        answers = await asyncio.gather(*(one(target) for target in targets))
        results = {t: answer for t, answer in answers if not isinstance(answer, ApiError)}
        errors = [answer for _, answer in answers if isinstance(answer, ApiError)]
        version, rows = self.table.snapshot()
        if len(rows) >= THREADED_ROWS:
            diff = await asyncio.to_thread(merge_polled, version, rows, results)
        else:
            diff = merge_polled(version, rows, results)
        self.post_message(BackupsPolled(scope, results, diff, errors[0] if errors else None))

    @on(BackupsPolled)
    def _backups_polled(self, message: BackupsPolled) -> None:
        if message.scope != self.scope:
            return
        self._loading = False
        now = self.app.clock.now()
        table = self.table
        was_running = table.running_ids()
        self._announce_changes(message.diff.changed, was_running)
        table.apply_diff(message.diff)
        self.watcher.polled(message.results)
        if message.scope == (None, None):
            self._all_cache = table.backups
        if message.scope[1] is None and message.results:
            self.refresh_facts({server_id for server_id, _ in message.results})
        self._settle_remembered_creates(message.scope, was_running)
        state = self.connection
        error = message.error
        if error is not None:
            retry_after = error.retry_after if isinstance(error, RateLimitedError) else None
            state.error = str(error)
            state.retry_at = self.schedule.failed(now, retry_after)
        else:
            state.last_ok, state.error, state.retry_at = now, None, None
            busy = table.in_progress > 0 or self.watcher.active
            # Every poll_interval from the start of the last poll, not from its answer.
            self.schedule.polled(self._poll_started or now, busy, self._listed_at)
            self._wake_when_due(now)
        self._show_status()

    def _settle_remembered_creates(self, scope: Scope, was_running: set[int]) -> None:
        """Creates remembered from an earlier session that have now finished: say so."""
        server_id, backup_type = scope
        covers: set[int] | None = None if server_id is None else {server_id}
        if backup_type == "automatic":
            covers = set()
        for backup in self.follower.creates_settled(self.table.backups, covers):
            if backup.id not in was_running:  # not already announced by this session
                self.notify(
                    _(
                        "Backup {id} on {server}, started in an earlier session, is {status}."
                    ).format(
                        id=backup.id,
                        server=safe_text(backup.server_name, 40),
                        status=status_text(backup.status),
                    ),
                    title=_("Earlier backup"),
                )

    def _announce_changes(self, new: Iterable[Backup], was_running: set[int]) -> None:
        """Notify about backups that finished (or failed) since the last refresh."""
        if not was_running:
            return
        for backup in new:
            if backup.id not in was_running or backup.in_progress:
                continue
            server = safe_text(backup.server_name, 40)
            if backup.is_completed:
                self.notify(
                    _("Backup {id} on {server} completed — {size}").format(
                        id=backup.id, server=server, size=human_size(backup.size_mb)
                    ),
                    title=_("Backup done"),
                )
            else:
                self.notify(
                    _("Backup {id} on {server} {status}.").format(
                        id=backup.id, server=server, status=status_text(backup.status)
                    ),
                    title=_("Backup failed"),
                    severity="error",
                )
