"""The demo account's state machinery: servers, backups, and the changes time brings.

Nothing here runs in the background. Every change that depends on time (a backup
finishing, an automatic backup expiring, a restore ending, the 03:00 UTC daily run)
is an *event* with a due time in a heap. `Account.settle()` applies every event
that is due by the clock's current time, in order, and the backend calls it before
each request. A test moves a `FakeClock` forward and the next request sees the result.
`DemoState` (in `state.py`) adds the ready-made accounts.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from vpstui.clock import Clock

from .records import (
    DAY,
    MANUAL_BACKUP_LIMIT,
    NOT_FOUND,
    Backup,
    EventKind,
    Rejection,
    Server,
    whole_seconds,
)

__all__ = ["Account"]


@dataclass(eq=False)
class Account:
    """Everything the demo backend knows, plus the clock that moves it. Start empty and
    use `add_server()` / `add_backup()`, or use `DemoState.seeded` / `DemoState.bulk`."""

    clock: Clock
    create_seconds: float = 20.0
    restore_seconds: float = 45.0
    daily_backups: bool = False
    seed: int = 7
    #: The status a server shows while it is restoring. None (the default): none, as the
    #: API documents; a name such as "restoring" is an explicit demo option.
    restore_status: str | None = None
    servers: dict[int, Server] = field(default_factory=dict, init=False)
    backups: dict[int, Backup] = field(default_factory=dict, init=False)
    next_backup_id: int = 1
    _by_server: dict[int, dict[int, Backup]] = field(default_factory=dict, init=False, repr=False)
    _events: list[tuple[datetime, int, EventKind, int]] = field(
        default_factory=list, init=False, repr=False
    )
    _sequence: itertools.count[int] = field(default_factory=itertools.count, init=False)
    _version: int = field(default=0, init=False)
    _listings: dict[tuple[int | None, str | None], list[Backup]] = field(
        default_factory=dict, init=False, repr=False
    )
    _listings_version: int = field(default=-1, init=False)
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    # -- direct changes (used by builders and tests) --------------------------------

    def add_server(self, server: Server) -> Server:
        """Add `server` to the account and return it."""
        self.servers[server.id] = server
        self._by_server.setdefault(server.id, {})
        self._changed()
        return server

    def add_backup(
        self,
        server_id: int,
        *,
        backup_type: str = "manual",
        status: str = "completed",
        size_mb: int | None = None,
        created_at: datetime | None = None,
        expires_at: datetime | None = None,
        description: str | None = None,
        completes_at: datetime | None = None,
    ) -> Backup:
        """Add a backup with the next id and return it.

        Sensible defaults: created now; a completed backup gets the server's current
        size; an in-progress one completes `create_seconds` after it was created; an
        automatic one expires after the plan's retention.
        """
        server = self.servers[server_id]
        created = whole_seconds(created_at or self.clock.now())
        if status == "completed" and size_mb is None:
            size_mb = round(server.disk_used_mb)
        if status == "in_progress" and completes_at is None:
            completes_at = created + timedelta(seconds=self.create_seconds)
        if backup_type == "automatic" and expires_at is None:
            expires_at = created + timedelta(days=server.plan.retention_days)
        if description is None:
            description = "Automatic daily backup" if backup_type == "automatic" else ""
        backup = Backup(
            id=self.next_backup_id,
            server_id=server_id,
            backup_type=backup_type,
            status=status,
            size_mb=size_mb,
            created_at=created,
            expires_at=expires_at,
            description=description,
            completes_at=completes_at if status == "in_progress" else None,
        )
        self.next_backup_id += 1
        self.backups[backup.id] = backup
        self._by_server[server_id][backup.id] = backup
        if backup.completes_at is not None:
            self._schedule(backup.completes_at, "complete", backup.id)
        if expires_at is not None:
            self._schedule(expires_at, "expire", backup.id)
        self._changed()
        return backup

    def remove_backup(self, backup_id: int) -> Backup:
        """Remove a backup whatever its status and return it (KeyError if absent)."""
        backup = self.backups.pop(backup_id)
        del self._by_server[backup.server_id][backup_id]
        self._changed()
        return backup

    def set_server_status(self, server_id: int, status: str) -> None:
        """Set a server's status directly, cancelling any restore in progress."""
        server = self.servers[server_id]
        server.status = status
        server.restoring_until = None
        server.status_before_restore = None
        server.updated_at = whole_seconds(self.clock.now())

    def schedule_daily_backups(self, first_run: datetime) -> None:
        """Run the daily automatic backup of every server at `first_run`, then every day."""
        self.daily_backups = True
        for server_id in self.servers:
            self._schedule(first_run, "daily", server_id)

    # -- reading --------------------------------------------------------------------

    def list_backups(
        self, server_id: int | None = None, backup_type: str | None = None
    ) -> Sequence[Backup]:
        """Backups in the API's stable order: grouped by server id, id ascending within."""
        if self._listings_version != self._version:
            self._listings.clear()
            self._listings_version = self._version
        key = (server_id, backup_type)
        listing = self._listings.get(key)
        if listing is None:
            ids = [server_id] if server_id is not None else sorted(self._by_server)
            listing = [
                backup
                for sid in ids
                for _, backup in sorted(self._by_server.get(sid, {}).items())
                if backup_type is None or backup.backup_type == backup_type
            ]
            self._listings[key] = listing
        return listing

    def list_servers(self, status: str | None = None, location: str | None = None) -> list[Server]:
        """Servers by id, optionally only those with this status and/or location."""
        return [
            server
            for _, server in sorted(self.servers.items())
            if (status is None or server.status == status)
            and (location is None or server.location == location)
        ]

    def manual_backup_count(self, server_id: int) -> int:
        """How many manual backups a server has, in progress or not."""
        return sum(
            1 for b in self._by_server.get(server_id, {}).values() if b.backup_type == "manual"
        )

    # -- API operations (raise Rejection) ---------------------------------------------

    def get_server(self, server_id: int) -> Server:
        """The server with this id, or a 404 rejection."""
        server = self.servers.get(server_id)
        if server is None:
            raise Rejection(404, NOT_FOUND)
        return server

    def create_manual_backup(self, server_id: int, description: str) -> Backup:
        """Start a manual backup, enforcing the per-server limit."""
        self.get_server(server_id)
        if self.manual_backup_count(server_id) >= MANUAL_BACKUP_LIMIT:
            raise Rejection(
                400,
                {
                    "non_field_errors": [
                        f"Manual backup limit reached ({MANUAL_BACKUP_LIMIT} per server). "
                        "Delete a manual backup first."
                    ]
                },
            )
        return self.add_backup(
            server_id, backup_type="manual", status="in_progress", description=description
        )

    def delete_backup(self, backup_id: int) -> None:
        """Delete a backup unless it is absent (404) or still in progress (400)."""
        backup = self.backups.get(backup_id)
        if backup is None:
            raise Rejection(404, NOT_FOUND)
        if backup.status == "in_progress":
            raise Rejection(400, {"detail": "Cannot delete a backup that is still in progress."})
        self.remove_backup(backup_id)

    def start_restore(self, server_id: int, backup_id: int) -> tuple[Server, Backup]:
        """Restore a server from one of its backups for `restore_seconds`; it shows
        `restore_status` meanwhile only when that demo option is set."""
        server = self.get_server(server_id)
        backup = self.backups.get(backup_id)
        if backup is None:
            raise Rejection(404, NOT_FOUND)
        if backup.server_id != server_id:
            raise Rejection(400, {"backup_id": ["Backup does not belong to this server."]})
        if backup.status != "completed":
            raise Rejection(400, {"detail": "Only completed backups can be restored."})
        now = self.clock.now()
        if server.restoring_until is not None and server.restoring_until > now:
            raise Rejection(409, {"detail": "A restore is already in progress for this server."})
        if self.restore_status is not None:
            server.status_before_restore = server.status
            server.status = self.restore_status
        server.restoring_until = now + timedelta(seconds=self.restore_seconds)
        server.updated_at = whole_seconds(now)
        self._schedule(server.restoring_until, "restore_done", server.id)
        return server, backup

    # -- time -------------------------------------------------------------------------

    def settle(self) -> None:
        """Apply, in time order, every event that is due by the clock's current time."""
        now = self.clock.now()
        events = self._events
        while events and events[0][0] <= now:
            when, _, kind, target = heapq.heappop(events)
            if kind == "complete":
                self._complete(target, when)
            elif kind == "expire":
                backup = self.backups.get(target)
                if backup is not None and backup.expires_at == when:
                    self.remove_backup(target)
            elif kind == "restore_done":
                self._finish_restore(target, when)
            elif kind == "daily":
                self._daily_run(target, when)

    def _complete(self, backup_id: int, when: datetime) -> None:
        backup = self.backups.get(backup_id)
        if backup is None or backup.status != "in_progress" or backup.completes_at != when:
            return
        server = self.servers[backup.server_id]
        size = max(1, round(server.disk_used_mb * (1 + self._rng.uniform(-0.001, 0.003))))
        server.disk_used_mb = size
        backup.status = "completed"
        backup.size_mb = size
        backup.completes_at = None

    def _finish_restore(self, server_id: int, when: datetime) -> None:
        server = self.servers.get(server_id)
        if server is None or server.restoring_until != when:
            return
        if server.status_before_restore is not None:
            server.status = server.status_before_restore
        server.status_before_restore = None
        server.restoring_until = None
        server.updated_at = whole_seconds(when)

    def _daily_run(self, server_id: int, when: datetime) -> None:
        if not self.daily_backups or server_id not in self.servers:
            return
        server = self.servers[server_id]
        server.disk_used_mb *= 1 + server.growth_per_day
        self.add_backup(server_id, backup_type="automatic", status="in_progress", created_at=when)
        self._schedule(when + DAY, "daily", server_id)

    def _schedule(self, when: datetime, kind: EventKind, target: int) -> None:
        heapq.heappush(self._events, (when, next(self._sequence), kind, target))

    def _changed(self) -> None:
        self._version += 1
