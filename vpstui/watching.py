"""Watching an account without the TUI: look, compare, say what changed (`vpstui watch`).

`Watcher.tick()` reads what can have changed and returns the events the API showed:
while backups are in progress, only their servers (`?server_id=`, one request each,
capped); otherwise, and every `idle_refresh` seconds, the whole scope. `delay()` says
how long to wait before the next tick. No Textual, no printing: the command prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vpstui.api import ApiError, AuthenticationError, Backup, Server
from vpstui.clock import Clock
from vpstui.notify import Event, OverdueWatch, UnreachableWatch, backup_changes
from vpstui.summary import summarize

if TYPE_CHECKING:
    from vpstui.api.client import VpsClient

__all__ = ["MAX_SERVERS_PER_TICK", "Watcher"]

#: At most this many per-server requests in one fast tick; more means a full re-list.
MAX_SERVERS_PER_TICK = 8


class Watcher:
    """The backups of `servers` (None: the whole account), looked at again and again."""

    def __init__(
        self,
        api: VpsClient,
        clock: Clock,
        *,
        servers: Sequence[Server] | None,
        poll_interval: float,
        idle_refresh: float,
        stale_after_hours: float,
        unreachable_after: float,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        self.api = api
        self.clock = clock
        self.servers = list(servers) if servers is not None else None
        self.poll_interval = poll_interval
        self.idle_refresh = idle_refresh if idle_refresh > 0 else 60.0
        self.stale_after_hours = stale_after_hours
        self.context = dict(context or {})
        self.view: dict[int, Backup] = {}
        self.first_look: set[int] | None = None
        self.last_full: datetime | None = None
        self.overdue = OverdueWatch()
        self.unreachable = UnreachableWatch(unreachable_after)
        #: How many list requests each tick sent (for tests and benchmarks).
        self.requests: list[int] = []

    # -- schedule ------------------------------------------------------------------------

    def moving(self) -> list[int]:
        """Servers with a backup in progress, in the order first seen."""
        return list(dict.fromkeys(b.server_id for b in self.view.values() if b.in_progress))

    def delay(self) -> float:
        """Seconds until the next tick: the poll interval while anything moves."""
        if self.moving():
            return self.poll_interval
        if self.last_full is None:
            return self.poll_interval
        since = (self.clock.now() - self.last_full).total_seconds()
        return max(self.poll_interval, self.idle_refresh - since)

    def _full_due(self) -> bool:
        if self.last_full is None:
            return True
        since = (self.clock.now() - self.last_full).total_seconds()
        moving = self.moving()
        return since >= self.idle_refresh or not moving or len(moving) > MAX_SERVERS_PER_TICK

    # -- looking -------------------------------------------------------------------------

    async def _list_scope(self) -> tuple[list[Backup], int]:
        if self.servers is None:
            return list(await self.api.list_backups()), 1
        found: list[Backup] = []
        for server in self.servers:
            found.extend(b for b in await self.api.list_backups(server_id=server.id))
        return found, len(self.servers)

    async def tick(self) -> list[Event]:
        """One look; the events it showed. A rejected token is raised, other read
        failures become an `api_unreachable` event once they have lasted long enough."""
        now = self.clock.now()
        full = self._full_due()
        try:
            if full:
                listed, sent = await self._list_scope()
            else:
                listed, sent = [], 0
                for server_id in self.moving():
                    listed.extend(
                        b
                        for b in await self.api.list_backups(server_id=server_id)
                        if b.server_id == server_id
                    )
                    sent += 1
        except AuthenticationError:
            raise
        except ApiError as error:
            self.requests.append(0)
            event = self.unreachable.update(False, now, str(error), self.context)
            return [event] if event is not None else []
        self.requests.append(sent)
        self.unreachable.update(True, now)
        events = backup_changes(
            self.view,
            listed,
            now,
            known_since_start=self.first_look,
            context=self.context,
        )
        if full:
            self.view = {b.id: b for b in listed}
            self.last_full = now
        else:
            moved = set(self.moving())
            self.view = {i: b for i, b in self.view.items() if b.server_id not in moved}
            self.view.update((b.id, b) for b in listed)
        if self.first_look is None:
            self.first_look = set(self.view)
            events = []  # the first look is history, not news
        if full:
            summaries = summarize(self.view.values(), now, self.stale_after_hours)
            events.extend(self.overdue.update(summaries, now, self.context))
        return events
