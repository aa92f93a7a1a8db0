"""Per-server facts derived from a list of backups: counts, sizes, quota, trend, freshness.

`summarize` walks every backup once (it runs in a thread after each full load: at
100,000 backups a plain loop is too long for the event loop); `account_overview`
folds the per-server results into what the All servers view says about the account.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Literal

import msgspec

from vpstui.api.models import Backup, Server
from vpstui.format import EXPIRING_SOON_HOURS

__all__ = [
    "STALE_AFTER_HOURS",
    "TREND_POINTS",
    "AccountOverview",
    "Freshness",
    "ServerSummary",
    "account_overview",
    "freshness",
    "servers_from_backups",
    "summarize",
]

#: A server whose newest completed backup is older than this many hours needs attention.
STALE_AFTER_HOURS = 36.0
#: How many automatic backups' sizes the size trend keeps (the newest ones).
TREND_POINTS = 30

#: "ok": a completed backup within the limit; "stale": the newest completed one is older;
#: "none": no completed backup at all.
Freshness = Literal["ok", "stale", "none"]


class ServerSummary(msgspec.Struct):
    """What the backups list says about one server."""

    server_id: int
    name: str
    backups: int = 0
    total_mb: float = 0.0
    manual: int = 0
    manual_in_progress: int = 0
    in_progress: int = 0
    failed: int = 0
    expiring_soon: int = 0
    newest_completed_at: datetime | None = None
    #: Sizes (MiB) of the newest completed automatic backups, oldest first.
    trend_mb: tuple[float, ...] = ()
    freshness: Freshness = "none"

    def age_hours(self, now: datetime) -> float | None:
        """Hours since the newest completed backup was created; None if there is none."""
        if self.newest_completed_at is None:
            return None
        return (now - self.newest_completed_at).total_seconds() / 3600


def freshness(
    newest_completed_at: datetime | None, now: datetime, stale_after_hours: float
) -> Freshness:
    """The verdict on a server whose newest completed backup was created at that time."""
    if newest_completed_at is None:
        return "none"
    age = (now - newest_completed_at).total_seconds()
    return "stale" if age > stale_after_hours * 3600 else "ok"


def summarize(
    backups: Iterable[Backup], now: datetime, stale_after_hours: float = STALE_AFTER_HOURS
) -> dict[int, ServerSummary]:
    """One `ServerSummary` per server that has backups in `backups`."""
    out: dict[int, ServerSummary] = {}
    # (created_at, size) of completed automatic backups, per server; trimmed at the end.
    sizes: dict[int, list[tuple[datetime, float]]] = {}
    soon = now + timedelta(hours=EXPIRING_SOON_HOURS)  # as `format.expiring_soon` says it
    for backup in backups:
        summary = out.get(backup.server_id)
        if summary is None:
            summary = out[backup.server_id] = ServerSummary(backup.server_id, backup.server_name)
        summary.backups += 1
        if backup.size_mb is not None:
            summary.total_mb += backup.size_mb
        manual = backup.backup_type == "manual"
        if manual:
            summary.manual += 1
        if backup.in_progress:
            summary.in_progress += 1
            if manual:
                summary.manual_in_progress += 1
        elif backup.status == "failed":
            summary.failed += 1
        if backup.expires_at is not None and backup.expires_at <= soon:
            summary.expiring_soon += 1
        created = backup.created_at
        if backup.status == "completed" and created is not None:
            if summary.newest_completed_at is None or created > summary.newest_completed_at:
                summary.newest_completed_at = created
            if backup.backup_type == "automatic" and backup.size_mb is not None:
                points = sizes.get(backup.server_id)
                if points is None:
                    points = sizes[backup.server_id] = []
                points.append((created, backup.size_mb))
    for server_id, points in sizes.items():
        if len(points) > TREND_POINTS:
            points = heapq.nlargest(TREND_POINTS, points)
            points.reverse()
        else:
            points.sort()
        out[server_id].trend_mb = tuple(size for _, size in points)
    for summary in out.values():
        summary.freshness = freshness(summary.newest_completed_at, now, stale_after_hours)
    return out


class AccountOverview(msgspec.Struct):
    """The account at a glance: totals, and the servers that need attention."""

    servers: int = 0
    backups: int = 0
    total_mb: float = 0.0
    expiring_soon: int = 0
    in_progress: int = 0
    #: Servers whose newest completed backup is too old, or that have none: those with
    #: none first, then the oldest first.
    attention: list[ServerSummary] = msgspec.field(default_factory=list)
    #: Servers at the manual backup limit (names), when `manual_limit` was given.
    quota_full: list[str] = msgspec.field(default_factory=list)


def account_overview(
    summaries: Mapping[int, ServerSummary],
    servers: Iterable[Server] = (),
    *,
    complete: bool = False,
    manual_limit: int | None = None,
) -> AccountOverview:
    """Fold per-server summaries into account totals.

    With `complete` (the summaries cover the whole account), a server in `servers` with no
    summary has no backups at all and is listed as needing attention ("none").
    """
    overview = AccountOverview()
    every = dict(summaries)
    if complete:
        for server in servers:
            if server.id not in every:
                every[server.id] = ServerSummary(server.id, server.name)
    overview.servers = len(every)
    for summary in every.values():
        overview.backups += summary.backups
        overview.total_mb += summary.total_mb
        overview.expiring_soon += summary.expiring_soon
        overview.in_progress += summary.in_progress
        if summary.freshness != "ok":
            overview.attention.append(summary)
        if manual_limit is not None and summary.manual >= manual_limit:
            overview.quota_full.append(summary.name)
    overview.attention.sort(
        key=lambda s: (
            s.newest_completed_at is not None,
            s.newest_completed_at.timestamp() if s.newest_completed_at else 0.0,
            s.name.lower(),
        )
    )
    overview.quota_full.sort(key=str.lower)
    return overview


def servers_from_backups(backups: Iterable[Backup]) -> list[Server]:
    """The servers named inside backups, for tokens that may not list servers (403/404)."""
    seen: dict[int, Server] = {}
    for backup in backups:
        if backup.server_id not in seen:
            seen[backup.server_id] = Server(id=backup.server_id, name=backup.server_name)
    return sorted(seen.values(), key=lambda server: server.name.lower())
