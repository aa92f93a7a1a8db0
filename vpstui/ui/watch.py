"""Polling that touches only what moves: which servers a poll tick asks about, and how
their fresh backups are merged into the rows already on screen. Pure logic, no Textual.

While backups are in progress, a tick sends one `?server_id=` list request per server
that has one (narrowed to `backup_type=manual` when only manual backups run there: at
most 10 per server, so one page), at most `cap` a tick, the least recently asked first.
A server where a create or restore was started from vpstui is watched from the start,
until a poll finds nothing running on it. Everything else (backups made elsewhere,
expiries) waits for the idle refresh, which re-lists the whole scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import msgspec

from vpstui.api.models import Backup
from vpstui.ui.widgets.rows import RowsDiff

__all__ = ["Target", "Watcher", "merge_polled"]

#: One poll request: (server_id, backup_type or None for every type).
Target = tuple[int, str | None]


class Watcher(msgspec.Struct):
    """The servers being watched and when each was last asked about (tick numbers)."""

    #: Servers named by `watch()` (a create or restore started here).
    named: set[int] = msgspec.field(default_factory=set)
    #: Tick number of each server's last poll, for round-robin under the cap.
    last_asked: dict[int, int] = msgspec.field(default_factory=dict)
    ticks: int = 0

    def watch(self, server_id: int) -> None:
        """Watch this server from the next tick on, whatever the table shows yet."""
        self.named.add(server_id)

    def targets(
        self, rows: Iterable[Backup], scope: tuple[int | None, str | None], cap: int
    ) -> list[Target]:
        """What the next tick asks for: each server with a backup in progress in `rows`
        (and each named server in scope), at most `cap`, least recently asked first."""
        scope_server, scope_type = scope
        running: dict[int, set[str | None]] = {}
        for backup in rows:
            if backup.in_progress:
                running.setdefault(backup.server_id, set()).add(backup.backup_type)
        for server_id in self.named:
            if scope_server is None or server_id == scope_server:
                running.setdefault(server_id, set())
        order = sorted(running, key=lambda sid: (self.last_asked.get(sid, -1), sid))
        chosen = order[: max(cap, 0)]
        self.ticks += 1
        for server_id in chosen:
            self.last_asked[server_id] = self.ticks
        return [(sid, scope_type or _narrowest(running[sid])) for sid in chosen]

    def polled(self, results: Mapping[Target, list[Backup]]) -> None:
        """Named servers whose poll found nothing running are no longer named."""
        for (server_id, _type), backups in results.items():
            if not any(b.in_progress for b in backups):
                self.named.discard(server_id)

    @property
    def active(self) -> bool:
        return bool(self.named)


def _narrowest(types: set[str | None]) -> str | None:
    """`manual` when only manual backups run on the server, or none yet (a create or a
    restore's safety backup started here): at most 10, one short page. Else every type."""
    return "manual" if types <= {"manual"} else None


def merge_polled(
    version: int, rows: dict[int, Backup], results: Mapping[Target, list[Backup]]
) -> RowsDiff:
    """The rows with each polled (server, type) slice replaced by what the API listed:
    updates in place, new backups added, backups the API no longer lists removed."""
    fresh: dict[int, Backup] = {}
    covered: list[Target] = list(results)
    for backups in results.values():
        for backup in backups:
            fresh[backup.id] = backup
    removed = {
        bid
        for bid, backup in rows.items()
        if bid not in fresh and any(_covers(target, backup) for target in covered)
    }
    changed = [b for bid, b in fresh.items() if rows.get(bid) != b]
    if not removed and not changed:
        return RowsDiff(version, rows, [], set())
    merged = {bid: b for bid, b in rows.items() if bid not in removed}
    merged.update((b.id, b) for b in changed)
    return RowsDiff(version, merged, changed, removed)


def _covers(target: Target, backup: Backup) -> bool:
    server_id, backup_type = target
    return backup.server_id == server_id and (
        backup_type is None or backup.backup_type == backup_type
    )
