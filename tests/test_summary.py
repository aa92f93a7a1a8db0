"""`summarize` and `account_overview`: the per-server facts behind the picker and insight panel."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from vpstui.api.models import Backup, Server
from vpstui.summary import (
    TREND_POINTS,
    ServerSummary,
    account_overview,
    freshness,
    summarize,
)

NOW = datetime(2025, 1, 16, 16, 0, tzinfo=UTC)
_ids = iter(range(1, 10_000_000))


def backup(
    server_id: int = 1,
    *,
    hours_ago: float = 1,
    backup_type: str = "automatic",
    status: str = "completed",
    size_mb: float | None = 100.0,
    expires_in_hours: float | None = None,
    name: str | None = None,
) -> Backup:
    return Backup(
        id=next(_ids),
        server_id=server_id,
        server_name=name or f"server-{server_id}",
        backup_type=backup_type,
        status=status,
        size_mb=size_mb,
        created_at=NOW - timedelta(hours=hours_ago),
        expires_at=None if expires_in_hours is None else NOW + timedelta(hours=expires_in_hours),
        description=None,
    )


def test_trend_is_completed_automatic_sizes_oldest_first() -> None:
    """The trend is the sizes of completed automatic backups by creation time, whatever
    order the API sent them in; manual, failed, running and sizeless backups stay out."""
    backups = [
        backup(hours_ago=24, size_mb=200),
        backup(hours_ago=72, size_mb=100),
        backup(hours_ago=48, size_mb=150),
        backup(hours_ago=12, size_mb=999, backup_type="manual"),
        backup(hours_ago=36, size_mb=None, status="failed"),
        backup(hours_ago=0.1, size_mb=None, status="in_progress"),
        backup(hours_ago=60, size_mb=None),
    ]
    random.Random(1).shuffle(backups)
    assert summarize(backups, NOW)[1].trend_mb == (100, 150, 200)


def test_trend_keeps_only_the_newest_points() -> None:
    """With more automatic backups than `TREND_POINTS`, the newest ones are kept, in order."""
    backups = [backup(hours_ago=24 * day, size_mb=1000 - day) for day in range(50)]
    random.Random(2).shuffle(backups)
    trend = summarize(backups, NOW)[1].trend_mb
    assert len(trend) == TREND_POINTS
    assert trend == tuple(float(1000 - day) for day in reversed(range(TREND_POINTS)))


def test_newest_completed_age_counts_any_type_but_only_completed() -> None:
    """The newest completed backup may be manual; a newer running or failed one doesn't count."""
    summary = summarize(
        [
            backup(hours_ago=30),
            backup(hours_ago=5, backup_type="manual"),
            backup(hours_ago=1, status="in_progress", size_mb=None),
            backup(hours_ago=2, status="failed", size_mb=None),
        ],
        NOW,
    )[1]
    assert summary.newest_completed_at == NOW - timedelta(hours=5)
    assert summary.age_hours(NOW) == 5
    assert summary.freshness == "ok"
    assert (summary.failed, summary.in_progress) == (1, 1)


def test_freshness_verdicts_against_the_limit() -> None:
    """ok up to the limit, stale past it, none without a completed backup (running or
    failed ones don't count)."""
    summaries = summarize(
        [
            backup(1, hours_ago=36),
            backup(2, hours_ago=36.5),
            backup(3, hours_ago=1, status="failed", size_mb=None),
            backup(3, hours_ago=0.5, status="in_progress", size_mb=None),
        ],
        NOW,
        stale_after_hours=36,
    )
    assert {i: s.freshness for i, s in summaries.items()} == {1: "ok", 2: "stale", 3: "none"}
    assert summaries[3].age_hours(NOW) is None
    assert summarize([backup(1, hours_ago=3)], NOW, stale_after_hours=2)[1].freshness == "stale"
    assert freshness(None, NOW, 36) == "none"


def test_expiring_within_48_hours() -> None:
    """Counted: expiring within 48 h (inclusive); not: later, or never (manual)."""
    summary = summarize(
        [
            backup(expires_in_hours=1),
            backup(expires_in_hours=48),
            backup(expires_in_hours=49),
            backup(expires_in_hours=None, backup_type="manual"),
        ],
        NOW,
    )[1]
    assert summary.expiring_soon == 2


def test_manual_quota_counts_running_ones_too() -> None:
    """Manual backups count towards the quota whatever their state; running ones are also
    counted apart."""
    summary = summarize(
        [
            backup(backup_type="manual"),
            backup(backup_type="manual", status="in_progress", size_mb=None),
            backup(),
        ],
        NOW,
    )[1]
    assert (summary.manual, summary.manual_in_progress, summary.backups) == (2, 1, 3)


def test_account_overview_lists_servers_needing_attention_worst_first() -> None:
    """Servers with no backups at all (when the listing is complete) and none completed come
    first, then the oldest; totals add up; full manual quotas are named."""
    summaries = summarize(
        [
            backup(1, hours_ago=40),
            backup(2, hours_ago=100),
            backup(3, hours_ago=2, status="failed", size_mb=None),
            backup(4, hours_ago=1, expires_in_hours=3),
            *[backup(4, hours_ago=5 + i, backup_type="manual") for i in range(10)],
        ],
        NOW,
    )
    servers = [Server(id=i, name=f"server-{i}") for i in range(1, 6)]
    overview = account_overview(summaries, servers, complete=True, manual_limit=10)
    assert [s.server_id for s in overview.attention] == [3, 5, 2, 1]
    assert overview.servers == 5
    assert overview.backups == 14
    assert overview.total_mb == 1300
    assert overview.expiring_soon == 1
    assert overview.quota_full == ["server-4"]
    partial = account_overview(summaries, servers, complete=False)
    assert 5 not in {s.server_id for s in partial.attention}


def test_summary_equality_sees_a_changed_trend() -> None:
    """The screen repaints the picker only when summaries differ: the trend is part of that."""
    first = ServerSummary(1, "a", trend_mb=(1.0, 2.0))
    assert first != ServerSummary(1, "a", trend_mb=(1.0, 3.0))


def test_100k_backups_over_3000_servers_summarized_well_under_a_second() -> None:
    """The thread after a full load of a big account stays short."""
    rng = random.Random(3)
    backups = [
        backup(
            i % 3000,
            hours_ago=(i // 3000) * 24 + rng.random(),
            backup_type="manual" if i % 11 == 0 else "automatic",
            size_mb=1000 + rng.random() * 50,
            expires_in_hours=rng.random() * 30 * 24,
        )
        for i in range(100_000)
    ]
    rng.shuffle(backups)
    # CPU time, not wall time: other processes on a loaded CI machine don't count.
    started = time.process_time()
    summaries = summarize(backups, NOW)
    elapsed = time.process_time() - started
    assert len(summaries) == 3000
    assert all(len(s.trend_mb) == TREND_POINTS for s in summaries.values())
    assert elapsed < 0.8, f"{elapsed:.2f} s"
