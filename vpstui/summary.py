"""Per-server facts derived from a list of backups: counts, sizes, quota, freshness."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from vpstui.api.models import Backup, Server
from vpstui.format import expiring_soon

__all__ = ["ServerSummary", "servers_from_backups", "summarize"]


@dataclass(slots=True)
class ServerSummary:
    """What the backups list says about one server."""

    server_id: int
    name: str
    backups: int = 0
    total_mb: float = 0.0
    manual: int = 0
    in_progress: int = 0
    failed: int = 0
    expiring_soon: int = 0
    newest_completed_at: datetime | None = None


def summarize(backups: Iterable[Backup], now: datetime) -> dict[int, ServerSummary]:
    """One `ServerSummary` per server that has backups in `backups`."""
    out: dict[int, ServerSummary] = {}
    for backup in backups:
        summary = out.get(backup.server_id)
        if summary is None:
            summary = out[backup.server_id] = ServerSummary(backup.server_id, backup.server_name)
        summary.backups += 1
        if backup.size_mb is not None:
            summary.total_mb += backup.size_mb
        if backup.is_manual:
            summary.manual += 1
        if backup.in_progress:
            summary.in_progress += 1
        elif backup.status == "failed":
            summary.failed += 1
        if expiring_soon(backup, now):
            summary.expiring_soon += 1
        if (
            backup.is_completed
            and backup.created_at is not None
            and (
                summary.newest_completed_at is None
                or backup.created_at > summary.newest_completed_at
            )
        ):
            summary.newest_completed_at = backup.created_at
    return out


def servers_from_backups(backups: Iterable[Backup]) -> list[Server]:
    """The servers named inside backups, for tokens that may not list servers (403/404)."""
    seen: dict[int, Server] = {}
    for backup in backups:
        if backup.server_id not in seen:
            seen[backup.server_id] = Server(id=backup.server_id, name=backup.server_name)
    return sorted(seen.values(), key=lambda server: server.name.lower())
